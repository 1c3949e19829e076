// pdf_comments - annotations' /Contents and attached files' names out of qpdf's JSON (see pdf_comments.h).
#include "milter/mime/pdf_comments.h"

#include <array>

#include "milter/mime/charset.h"
#include "milter/util/strings.h"

namespace phi::mime {
namespace {

constexpr size_t kMaxKey = 16;
static_assert([] {
  for (auto k : kTextKeys)
    if (k.size() > kMaxKey) return false;
  return true;
}());

// A key's failure function (Knuth-Morris-Pratt): fail[k] is the length of
// the longest proper prefix of its first k bytes that is also their suffix.
constexpr std::array<uint8_t, kMaxKey + 1> failure(std::string_view key) {
  std::array<uint8_t, kMaxKey + 1> f{};
  for (size_t k = 2; k <= key.size(); ++k) {
    size_t j = f[k - 1];
    while (j > 0 && key[j] != key[k - 1]) j = f[j];
    f[k] = uint8_t(key[j] == key[k - 1] ? j + 1 : 0);
  }
  return f;
}
constexpr auto kFail = [] {
  std::array<std::array<uint8_t, kMaxKey + 1>, kTextKeys.size()> f{};
  for (size_t i = 0; i < kTextKeys.size(); ++i) f[i] = failure(kTextKeys[i]);
  return f;
}();

// How much of key i is matched after `matched` bytes of it and then c.
uint8_t next_match(size_t i, size_t matched, char c) {
  std::string_view key = kTextKeys[i];
  while (matched > 0 && key[matched] != c) matched = kFail[i][matched];
  return uint8_t(key[matched] == c ? matched + 1 : 0);
}

}  // namespace

void PdfCommentText::feed(std::string_view json) {
  std::string text;
  for (char c : json) {
    if (in_value_) {
      value_byte(c, text);
      continue;
    }
    for (size_t i = 0; i < kTextKeys.size(); ++i) {
      matched_[i] = next_match(i, matched_[i], c);
      if (matched_[i] == kTextKeys[i].size()) in_value_ = true;
    }
    if (in_value_) matched_.fill(0);
  }
  if (!text.empty()) out_(text);
}

void PdfCommentText::finish() {
  std::string text;
  if (high_) append_utf8(text, 0xFFFD);
  high_ = 0;
  if (in_value_) text += '\n';  // a value the output ends in (cut): its text so far, ended
  in_value_ = false;
  escape_ = 0;
  if (!text.empty()) out_(text);
}

void PdfCommentText::value_byte(char c, std::string& text) {
  if (escape_ == 1) {
    escape_ = 0;
    switch (c) {
      case 'n': return unit('\n', text);
      case 't': return unit('\t', text);
      case 'r': return unit('\r', text);
      case 'b': case 'f': return unit(' ', text);
      case 'u':
        escape_ = 2;
        code_ = 0;
        return;
      default: return unit(static_cast<unsigned char>(c), text);  // \" \\ \/ and anything else as itself
    }
  }
  if (escape_ >= 2) {
    int v = hex_value(c);
    if (v < 0) {  // a broken \u: what was read of it is U+FFFD, c read on its own
      escape_ = 0;
      unit(0x80000000u | 0xFFFD, text);
      return value_byte(c, text);
    }
    code_ = code_ * 16 + uint32_t(v);
    if (++escape_ == 6) {
      escape_ = 0;
      unit((code_ ? code_ : ' ') | 0x80000000u, text);  // marked: a code unit, not a byte; \u0000 a space
    }
    return;
  }
  if (c == '\\') {
    escape_ = 1;
  } else if (c == '"') {
    if (high_) append_utf8(text, 0xFFFD);
    high_ = 0;
    text += '\n';
    in_value_ = false;
  } else {
    unit(static_cast<unsigned char>(c), text);
  }
}

// A byte of the UTF-8 text, or (bit 31 set) a UTF-16 code unit from \uXXXX.
void PdfCommentText::unit(uint32_t u, std::string& text) {
  bool utf16 = (u & 0x80000000u) != 0;
  u &= 0xFFFF'FFFFu >> 1;
  if (high_ && !(utf16 && u >= 0xDC00 && u <= 0xDFFF)) {  // a high surrogate without its low one
    append_utf8(text, 0xFFFD);
    high_ = 0;
  }
  if (!utf16) {
    text += char(u);
    return;
  }
  if (u >= 0xD800 && u <= 0xDBFF) {
    high_ = u;
  } else if (u >= 0xDC00 && u <= 0xDFFF) {
    if (high_) append_utf8(text, 0x10000 + ((high_ - 0xD800) << 10) + (u - 0xDC00));
    else append_utf8(text, 0xFFFD);
    high_ = 0;
  } else {
    append_utf8(text, u);
  }
}

}  // namespace phi::mime
