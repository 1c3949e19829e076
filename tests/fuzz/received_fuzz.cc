// received_fuzz - libFuzzer target: Received parser, hop classifier, our header parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "milter/provenance/hop_classify.h"
#include "milter/provenance/hop_header.h"
#include "milter/provenance/path_summary.h"
#include "milter/provenance/received_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace phi::provenance;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  static const phi::HostList internal = *phi::HostList::parse({"10.0.0.0/8", ".internal.example"});
  std::vector<Hop> hops;
  if (auto p = parse_received(in)) hops.push_back(hop_from_received(*p, HopContext{&internal}));
  if (auto h = parse_hop_header(in)) hops.push_back(h->hop);
  auto s = summarize(hops);
  auto header = format_summary_header(s, "mx.example.org", 0);
  if (header.find('\n') != std::string::npos || header.find('\r') != std::string::npos) __builtin_trap();
  for (const auto& h : hops) {
    auto v = format_hop_header(h, "mx.example.org", 0);
    if (v.find('\n') != std::string::npos || v.find('\r') != std::string::npos) __builtin_trap();
  }
  return 0;
}
