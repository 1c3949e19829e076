// html_fuzz - HTML-to-text: output must not depend on where the input is split, and must be valid UTF-8 for UTF-8 input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "milter/mime/html.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string whole = phi::mime::html_to_text(in, nullptr);
  phi::mime::HtmlToText h;
  std::string split;
  size_t step = 1 + (size % 13);
  for (size_t i = 0; i < in.size(); i += step) h.feed(in.substr(i, step), split);
  h.finish(split);
  if (split != whole) std::abort();
  return 0;
}
