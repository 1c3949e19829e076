// html_fuzz - HTML-to-text: output (data: URL files' included) must not depend on where the input is split.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "milter/mime/html.h"
#include "tests/fuzz/counting_document.h"

namespace {

// `in` through an HtmlToText whose data: URL files are counted, in pieces of `step` bytes.
std::string convert(std::string_view in, size_t step, std::string* unread, bool* errors) {
  phi::mime::fuzz::CountingDocument doc;
  phi::mime::HtmlToText h(&doc);
  std::string out;
  for (size_t i = 0; i < in.size(); i += step) h.feed(in.substr(i, step), out);
  h.finish(out);
  *unread = std::string(h.unread());
  *errors = h.had_errors();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string whole_unread, split_unread;
  bool whole_errors = false, split_errors = false;
  std::string whole = convert(in, in.size() + 1, &whole_unread, &whole_errors);
  std::string split = convert(in, 1 + (size % 13), &split_unread, &split_errors);
  if (split != whole || split_unread != whole_unread || split_errors != whole_errors) std::abort();
  // Without a reader the files are skipped, but their data decoded all the same.
  bool plain_errors = false;
  std::string plain = phi::mime::html_to_text(in, &plain_errors);
  if (plain_errors != whole_errors) std::abort();
  return 0;
}
