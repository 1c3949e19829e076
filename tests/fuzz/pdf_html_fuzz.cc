// pdf_html_fuzz - pdftotext -htmlmeta's output read by PdfHtmlText: what it gives must not depend on how the output is split.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "milter/mime/pdf_html.h"

namespace {
std::string read(std::string_view in, size_t step) {
  std::string out;
  phi::mime::PdfHtmlText t([&](std::string_view b) { out.append(b); });
  for (size_t i = 0; i < in.size(); i += step) t.feed(in.substr(i, step));
  t.finish();
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string whole = read(in, in.empty() ? 1 : in.size());
  if (read(in, 1) != whole || read(in, 1 + size % 29) != whole) std::abort();
  if (whole.size() > in.size()) std::abort();  // values are unescaped: never longer than what was read
  return 0;
}
