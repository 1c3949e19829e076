// pdf_names_fuzz - a PDF's bytes read by PdfNameScan: what it finds (names, embedded files' objects) must not depend on how the bytes are split.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <tuple>
#include <vector>

#include "milter/mime/pdf_names.h"

namespace {
using Found = std::tuple<bool, bool, std::vector<phi::mime::PdfObjectRef>, bool, bool, bool, bool>;
Found scan(std::string_view in, size_t step) {
  phi::mime::PdfNameScan s;
  for (size_t i = 0; i < in.size(); i += step) s.feed(in.substr(i, step));
  return {s.encrypted(), s.attached_files(), s.file_streams(), s.more_file_streams(), s.may_have_comments(),
          s.has_images(), s.has_xfa()};
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto whole = scan(in, in.empty() ? 1 : in.size());
  if (scan(in, 1) != whole || scan(in, 1 + size % 31) != whole) std::abort();
  const auto& objects = std::get<2>(whole);
  if (objects.size() > phi::mime::kMaxPdfFileStreams) std::abort();
  if (!objects.empty() && !std::get<1>(whole)) std::abort();  // an embedded file's object is an attached file
  return 0;
}
