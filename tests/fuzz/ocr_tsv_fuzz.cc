// ocr_tsv_fuzz - tesseract's TSV output read by OcrTsv: the text and the confidence must not depend on how it is
// split, the text is never longer than the input plus a line end, the confidence is -1 or within 0 to 100.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "milter/mime/ocr_tsv.h"

namespace {
struct Read {
  std::string text;
  uint64_t chars = 0;
  double confidence = 0;
  bool operator==(const Read&) const = default;
};

Read read(std::string_view in, size_t step) {
  Read r;
  phi::mime::OcrTsv t([&](std::string_view b) { r.text.append(b); });
  for (size_t i = 0; i < in.size(); i += step) t.feed(in.substr(i, step));
  t.finish();
  r.chars = t.chars();
  r.confidence = t.confidence();
  return r;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Read whole = read(in, in.empty() ? 1 : in.size());
  if (!(read(in, 1) == whole) || !(read(in, 1 + size % 29) == whole)) std::abort();
  if (whole.text.size() > in.size() + 1 || whole.chars > in.size()) std::abort();
  if (whole.chars == 0 ? whole.confidence != -1 : (whole.confidence < 0 || whole.confidence > 100)) std::abort();
  return 0;
}
