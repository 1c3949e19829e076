// NAME
//   strings - small string helpers with no mail knowledge
// SYNOPSIS
//   std::string_view trim(std::string_view);
//   bool iequals(std::string_view, std::string_view);
//   std::string to_lower(std::string_view);
//   std::vector<std::string_view> split_list(std::string_view);  // commas/blanks
//   bool istarts_with(std::string_view s, std::string_view prefix);
//   bool iends_with(std::string_view s, std::string_view suffix);
//   int hex_value(char);  // 0-15, -1 if not a hex digit
//   bool one_of(s, {a, b, ...});  // s equals one of them
// DESCRIPTION
//   ASCII-only case folding; never allocates for views.
// THREADS
//   Pure; any thread.
#ifndef PHI_UTIL_STRINGS_H
#define PHI_UTIL_STRINGS_H

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace phi {

inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }
inline char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }
inline bool ascii_digit(char c) { return c >= '0' && c <= '9'; }
inline bool ascii_upper(char c) { return c >= 'A' && c <= 'Z'; }
inline bool ascii_alpha(char c) { return ascii_upper(c) || (c >= 'a' && c <= 'z'); }
inline bool ascii_alnum(char c) { return ascii_alpha(c) || ascii_digit(c); }

template <typename T, typename U>
bool one_of(const T& s, std::initializer_list<U> list) {
  for (const U& x : list)
    if (s == x) return true;
  return false;
}

inline int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

inline bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

inline bool iends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

inline std::string to_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = ascii_lower(c);
  return out;
}

// Splits on commas and white space, dropping empty items.
inline std::vector<std::string_view> split_list(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (is_space(s[i]) || s[i] == ',')) ++i;
    size_t j = i;
    while (j < s.size() && !is_space(s[j]) && s[j] != ',') ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// The numbered lines of a text, without their '\n' (a last line without
// one counts; a '\r' before it stays):
//   Lines lines(text); std::string_view line;
//   while (lines.next(line)) use(lines.number(), line);
class Lines {
 public:
  explicit Lines(std::string_view text) : text_(text) {}
  bool next(std::string_view& line) {
    if (pos_ >= text_.size()) return false;
    size_t nl = text_.find('\n', pos_);
    size_t end = nl == std::string_view::npos ? text_.size() : nl;
    line = text_.substr(pos_, end - pos_);
    pos_ = nl == std::string_view::npos ? text_.size() : nl + 1;
    ++number_;
    return true;
  }
  size_t number() const { return number_; }

 private:
  std::string_view text_;
  size_t pos_ = 0, number_ = 0;
};

}  // namespace phi

#endif
