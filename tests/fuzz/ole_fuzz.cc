// ole_fuzz - an OLE2 compound file's directory read by ole_top_level, and the same bytes as a .doc
// attachment through the Walker (sniffed, handed to the document reader); the events must not depend
// on how the body is split.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "milter/mime/ole.h"
#include "tests/fuzz/walker_log_sink.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto l = phi::mime::ole_top_level(
      [&](uint64_t off, std::span<char> out) {
        if (off > in.size() || in.size() - off < out.size()) return false;
        std::memcpy(out.data(), in.data() + off, out.size());
        return true;
      },
      in.size());
  // Each name is one directory entry of 128 bytes: no more names than that.
  if (l.names.size() > in.size() / 128) std::abort();
  for (const auto& n : l.names)
    if (n.size() > 31) std::abort();
  phi::mime::fuzz::check_attachment_split(in, "application/msword; name=letter.doc");
  return 0;
}
