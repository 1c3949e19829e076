// uu_fuzz - uuencoded files through the Walker: in a text part (UuReader, each block a part of its own) and as
// an x-uuencode transfer encoding (UuDecoder), chosen by the first byte; the events must not depend on how the
// body is split.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/fuzz/walker_log_sink.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if (!in.empty() && in[0] == 'X') phi::mime::fuzz::check_attachment_split(in.substr(1), "application/octet-stream", "x-uuencode");
  else phi::mime::fuzz::check_attachment_split(in, "text/plain");
  return 0;
}
