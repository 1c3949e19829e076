// rtf_fuzz - RTF-to-text: output (pictures' included) must not depend on where the input is split or on the caller's buffers, must be valid UTF-8 and at most 4 bytes per input byte.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "milter/mime/rtf.h"
#include "tests/fuzz/counting_document.h"

namespace {

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto b = static_cast<unsigned char>(s[i]);
    size_t n = b < 0x80 ? 1 : (b >= 0xC2 && b <= 0xDF) ? 2 : (b >= 0xE0 && b <= 0xEF) ? 3
             : (b >= 0xF0 && b <= 0xF4) ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    uint32_t cp = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
    for (size_t k = 1; k < n; ++k) {
      auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  bool whole_err = false;
  std::string whole = phi::mime::rtf_to_text(in, &whole_err);
  if (!valid_utf8(whole)) std::abort();
  if (whole.size() > 4 * size + 16) std::abort();

  // Chunks into one buffer.
  phi::mime::RtfToText r;
  std::string split;
  size_t step = 1 + (size % 13);
  for (size_t i = 0; i < in.size(); i += step) r.feed(in.substr(i, step), split);
  r.finish(split);
  if (split != whole || r.had_errors() != whole_err) std::abort();

  // Two chunks, a buffer of its own per call (as the MIME walker does).
  size_t cut = size == 0 ? 0 : data[0] % (size + 1);
  phi::mime::RtfToText fresh;
  std::string a, b, c;
  fresh.feed(in.substr(0, cut), a);
  fresh.feed(in.substr(cut), b);
  fresh.finish(c);
  if (a + b + c != whole || fresh.had_errors() != whole_err) std::abort();

  // Pictures counted by a reader: whole, and in chunks with a buffer per call.
  phi::mime::fuzz::CountingDocument whole_doc, split_doc;
  phi::mime::RtfToText with(&whole_doc), chunked(&split_doc);
  std::string w, s;
  with.feed(in, w);
  with.finish(w);
  for (size_t i = 0; i < in.size(); i += step) {
    std::string piece;
    chunked.feed(in.substr(i, step), piece);
    s += piece;
  }
  std::string tail;
  chunked.finish(tail);
  s += tail;
  if (s != w || chunked.unread() != with.unread() || chunked.had_errors() != with.had_errors() ||
      with.had_errors() != whole_err || !valid_utf8(w))
    std::abort();
  return 0;
}
