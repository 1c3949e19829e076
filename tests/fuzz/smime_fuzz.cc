// smime_fuzz - an attachment read as S/MIME (SignedContentStream, the signed content walked as a nested
// part) through the Walker; the events must not depend on how the body is split.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/fuzz/walker_log_sink.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  phi::mime::fuzz::check_attachment_split(in, "application/pkcs7-mime");
  return 0;
}
