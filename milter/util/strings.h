// NAME
//   strings - small string helpers with no mail knowledge
// SYNOPSIS
//   std::string_view trim(std::string_view);
//   bool iequals(std::string_view, std::string_view);
//   std::string to_lower(std::string_view);
//   std::vector<std::string_view> split_list(std::string_view);  // commas/blanks
//   bool istarts_with(std::string_view s, std::string_view prefix);
// DESCRIPTION
//   ASCII-only case folding; never allocates for views.
// THREADS
//   Pure; any thread.
#ifndef PHI_UTIL_STRINGS_H
#define PHI_UTIL_STRINGS_H

#include <string>
#include <string_view>
#include <vector>

namespace phi {

inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }
inline char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

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

}  // namespace phi

#endif
