// tnef_fuzz - a winmail.dat attachment read through the Walker (TnefStream, MAPI properties, LZFu, the
// attachments as parts); the events must not depend on how the body is split. The bare decoders run too.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "milter/mime/tnef.h"
#include "milter/mime/walker.h"
#include "tests/fuzz/walker_log_sink.h"

namespace {

using phi::mime::fuzz::LogSink;

// The input is the attachment's bytes, sent without transfer encoding.
std::string run(std::string_view in, unsigned seed, bool split) {
  LogSink sink;
  phi::mime::Limits lim;
  lim.max_parts = 64;
  lim.max_part_bytes = 1 << 18;
  phi::mime::Walker w(lim, sink);
  w.header("Content-Type", "application/ms-tnef; name=winmail.dat");
  w.header("Content-Transfer-Encoding", "binary");
  w.end_of_headers();
  while (!in.empty()) {
    seed = seed * 1103515245u + 12345u;
    size_t n = split ? 1 + (seed >> 16) % 97 : in.size();
    if (n > in.size()) n = in.size();
    w.body(in.substr(0, n));
    in.remove_prefix(n);
  }
  w.finish();
  return sink.log_ + (w.had_errors() ? "\n!" : "\n.") + (w.truncated() ? "t" : "");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  unsigned seed = in.empty() ? 7u : static_cast<unsigned char>(in[in.size() / 2]);
  if (run(in, seed, false) != run(in, seed, true)) std::abort();
  // The decoders on their own, on the same bytes: a property list and an LZFu stream.
  phi::mime::parse_mapi_props(in, [](const phi::mime::MapiProp& p) {
    if (p.value.size() > 1u << 30) std::abort();
  });
  std::string out;
  phi::mime::lzfu_decompress(in, 1 << 16, out);
  if (out.size() > (1u << 16)) std::abort();
  return 0;
}
