// escrow_entry_fuzz - feed arbitrary bytes to the escrow entry, metadata and token parsers.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "milter/escrow/entry_format.h"
#include "milter/escrow/token.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace phi::escrow;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if (auto len = parse_prefix_length(in); len && *len <= in.size() - kPrefixFixedBytes) {
    auto h = parse_header(in.substr(kPrefixFixedBytes, *len));
    if (h) {
      (void)format_prefix(*h);
      (void)check_pickup_token(*h, in.substr(0, kTokenTextBytes), 0);
    }
  }
  (void)parse_header(in);
  if (auto m = parse_meta(in); m) (void)format_meta(*m);
  (void)percent_decode(in);
  (void)base64url_decode(in);
  (void)token_hash_hex(in);
  return 0;
}
