// pdf_names_fuzz - a PDF's bytes read by PdfNameScan: what it finds must not depend on how the bytes are split.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <utility>

#include "milter/mime/pdf_names.h"

namespace {
std::pair<bool, bool> scan(std::string_view in, size_t step) {
  phi::mime::PdfNameScan s;
  for (size_t i = 0; i < in.size(); i += step) s.feed(in.substr(i, step));
  return {s.encrypted(), s.attached_files()};
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto whole = scan(in, in.empty() ? 1 : in.size());
  if (scan(in, 1) != whole || scan(in, 1 + size % 31) != whole) std::abort();
  return 0;
}
