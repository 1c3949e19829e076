// pdf_comments - annotations' /Contents and attached files' names out of qpdf's JSON (see pdf_comments.h).
#include "milter/mime/pdf_comments.h"

#include <array>
#include <string>

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
  auto emit = [&](char b) { text.push_back(b); };
  for (char c : json) {
    if (in_value_) {
      if (!value_.step(c, emit)) {
        text += '\n';
        in_value_ = false;
      }
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
  if (!in_value_) return;
  std::string text;  // a value the output ends in (cut): its text so far, ended
  value_.end([&](char b) { text.push_back(b); });
  text += '\n';
  in_value_ = false;
  out_(text);
}

}  // namespace phi::mime
