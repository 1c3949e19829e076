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

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  phi::mime::fuzz::check_attachment_split(in, "application/ms-tnef; name=winmail.dat");
  // The decoders on their own, on the same bytes: a property list and an LZFu stream.
  phi::mime::parse_mapi_props(in, [](const phi::mime::MapiProp& p) {
    if (p.value.size() > 1u << 30) std::abort();
  });
  std::string out;
  phi::mime::lzfu_decompress(in, 1 << 16, out);
  if (out.size() > (1u << 16)) std::abort();
  return 0;
}
