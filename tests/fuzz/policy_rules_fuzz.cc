// policy_rules_fuzz - libFuzzer target for the policy-file and TLS-policy-table parsers.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "policy/rules_parser.h"
#include "policy/tls_posture.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto rules = phi::policy::parse_rules(text, "fuzz.policy");
  if (rules) {
    phi::policy::Facts f;
    f.phi = true;
    f.local_delivery = size % 2 == 1;
    (void)phi::policy::decide(*rules, f);
  }
  auto table = phi::policy::TextTlsPolicyTable::parse(text, "fuzz.table");
  if (table) (void)table->lookup("example.org");
  return 0;
}
