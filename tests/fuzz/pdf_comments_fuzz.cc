// pdf_comments_fuzz - qpdf's JSON read by PdfCommentText and PdfXfaRefs: the comments' text and an XML form's
// data streams must not depend on how the JSON is split.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "milter/mime/pdf_comments.h"
#include "milter/mime/pdf_xfa.h"

namespace {
std::string read(std::string_view in, size_t step) {
  std::string out;
  phi::mime::PdfCommentText c([&](std::string_view b) { out.append(b); });
  for (size_t i = 0; i < in.size(); i += step) c.feed(in.substr(i, step));
  c.finish();
  return out;
}

std::string xfa(std::string_view in, size_t step) {
  phi::mime::PdfXfaRefs x;
  for (size_t i = 0; i < in.size(); i += step) x.feed(in.substr(i, step));
  x.finish();
  if (x.refs().size() > phi::mime::kMaxXfaRefs || (!x.found() && (x.damaged() || !x.refs().empty()))) std::abort();
  std::string out = std::to_string(x.found()) + std::to_string(x.damaged());
  for (const auto& r : x.refs()) out += " " + std::to_string(r.number) + "," + std::to_string(r.generation);
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string whole = read(in, in.empty() ? 1 : in.size());
  if (read(in, 1) != whole || read(in, 1 + size % 23) != whole) std::abort();
  // Escapes never lengthen the text by more than U+FFFD (3 bytes) for the
  // 2 bytes of a broken "\u", plus a line end per value.
  if (whole.size() > 2 * in.size() + 2) std::abort();
  std::string refs = xfa(in, in.empty() ? 1 : in.size());
  if (xfa(in, 1) != refs || xfa(in, 1 + size % 17) != refs) std::abort();
  return 0;
}
