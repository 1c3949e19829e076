// validators - checksums and format rules for identifiers and codes.
#include "policy/validators.h"

#include <array>

namespace phi::policy {

std::string digits_of(std::string_view s, size_t max) {
  std::string d;
  for (char c : s) {
    if (is_digit(c)) {
      if (d.size() >= max) break;
      d += c;
    }
  }
  return d;
}

namespace {

int num(std::string_view d) {
  int n = 0;
  for (char c : d) n = n * 10 + (c - '0');
  return n;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

// Published or widely circulated example numbers that are not anyone's.
constexpr std::array<std::string_view, 6> kExampleSsns = {"078051120", "219099999", "123456789",
                                                          "111111111", "333333333", "987654320"};

}  // namespace

bool check_ssn(std::string_view d) {
  if (d.size() != 9 || !all_digits(d)) return false;
  int area = num(d.substr(0, 3)), group = num(d.substr(3, 2)), serial = num(d.substr(5, 4));
  if (area == 0 || area == 666 || area >= 900) return false;
  if (group == 0 || serial == 0) return false;
  for (auto ex : kExampleSsns)
    if (d == ex) return false;
  // Nine identical digits are never issued in practice.
  if (d.find_first_not_of(d[0]) == std::string_view::npos) return false;
  return true;
}

bool check_itin(std::string_view d) {
  if (d.size() != 9 || !all_digits(d) || d[0] != '9') return false;
  int group = num(d.substr(3, 2));
  bool group_ok = (group >= 50 && group <= 65) || (group >= 70 && group <= 88) ||
                  (group >= 90 && group <= 92) || (group >= 94 && group <= 99);
  return group_ok && num(d.substr(5, 4)) != 0;
}

namespace {
// MBI letters: A-Z without S, L, O, I, B, Z.
bool mbi_letter(char c) { return is_upper(c) && c != 'S' && c != 'L' && c != 'O' && c != 'I' && c != 'B' && c != 'Z'; }
bool mbi_alnum(char c) { return is_digit(c) || mbi_letter(c); }
}  // namespace

bool check_mbi(std::string_view t) {
  std::string s;
  size_t dashes = 0;
  for (char c : t) {
    if (c == '-') { ++dashes; continue; }
    if (s.size() >= 11) return false;
    s += c;
  }
  if (s.size() != 11) return false;
  if (dashes != 0 && !(dashes == 2 && t.size() == 13 && t[4] == '-' && t[8] == '-')) return false;
  // Layout: C A AN N A AN N A A N N (C = 1-9).
  return s[0] >= '1' && s[0] <= '9' && mbi_letter(s[1]) && mbi_alnum(s[2]) && is_digit(s[3]) &&
         mbi_letter(s[4]) && mbi_alnum(s[5]) && is_digit(s[6]) && mbi_letter(s[7]) && mbi_letter(s[8]) &&
         is_digit(s[9]) && is_digit(s[10]);
}

bool check_hicn_suffix(std::string_view b) {
  // Beneficiary identification codes: a letter, optionally a digit or letter.
  if (b.empty() || b.size() > 2) return false;
  static constexpr std::string_view kFirst = "ABCDEFGHJKMTW";
  if (kFirst.find(b[0]) == std::string_view::npos) return false;
  return b.size() == 1 || is_digit(b[1]) || is_upper(b[1]);
}

bool check_luhn(std::string_view d) {
  if (d.empty() || !all_digits(d)) return false;
  int sum = 0;
  bool dbl = false;
  for (size_t i = d.size(); i-- > 0;) {
    int v = d[i] - '0';
    if (dbl) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
    sum += v;
    dbl = !dbl;
  }
  return sum % 10 == 0;
}

bool check_npi(std::string_view d) {
  if (d.size() != 10 || !all_digits(d) || (d[0] != '1' && d[0] != '2')) return false;
  return check_luhn("80840" + std::string(d));
}

bool check_dea(std::string_view t) {
  if (t.size() != 9 || !is_upper(t[0]) || !(is_upper(t[1]) || t[1] == '9') || !all_digits(t.substr(2))) return false;
  static constexpr std::string_view kRegistrant = "ABCDEFGHJKLMPRSTUX";
  if (kRegistrant.find(t[0]) == std::string_view::npos) return false;
  auto d = [&](int i) { return t[2 + i] - '0'; };
  int sum = d(0) + d(2) + d(4) + 2 * (d(1) + d(3) + d(5));
  return sum % 10 == d(6);
}

bool check_credit_card(std::string_view t) {
  char sep = 0;
  for (char c : t) {
    if (is_digit(c)) continue;
    if (c != ' ' && c != '-') return false;
    if (sep && c != sep) return false;  // mixed separators are not a card number
    sep = c;
  }
  std::string d = digits_of(t, 20);
  if (d.size() < 13 || d.size() > 19) return false;
  bool iin = d[0] == '4' || (d[0] == '5' && d[1] >= '1' && d[1] <= '5') || (d[0] == '2' && d[1] >= '2' && d[1] <= '7') ||
             (d[0] == '3' && (d[1] == '4' || d[1] == '7')) || d.compare(0, 4, "6011") == 0 || d.compare(0, 2, "65") == 0;
  if (!iin) return false;
  if (d.find_first_not_of(d[1], 1) == std::string::npos) return false;  // 4111... test-like runs
  return check_luhn(d);
}

bool check_ndc(std::string_view t) {
  size_t seg[3] = {0, 0, 0};
  int n = 0;
  for (char c : t) {
    if (c == '-') {
      if (++n > 2) return false;
      continue;
    }
    if (!is_digit(c)) return false;
    ++seg[n];
  }
  if (n == 0) return seg[0] == 11;
  if (n != 2) return false;
  auto is = [&](size_t a, size_t b, size_t c) { return seg[0] == a && seg[1] == b && seg[2] == c; };
  return is(4, 4, 2) || is(5, 3, 2) || is(5, 4, 1) || is(5, 4, 2);
}

bool check_phone(std::string_view d) {
  if (d.size() != 10 || !all_digits(d)) return false;
  if (d[0] < '2' || d[3] < '2') return false;           // NANP: area and exchange start 2-9
  if (d[1] == '1' && d[2] == '1') return false;         // N11 service codes
  return d.find_first_not_of(d[0]) != std::string_view::npos;
}

namespace {

constexpr std::array<std::string_view, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                      "jul", "aug", "sep", "oct", "nov", "dec"};

// Reads 1..max digits at s[*i]; returns -1 when there are none.
int read_num(std::string_view s, size_t* i, size_t max) {
  size_t start = *i;
  int n = 0;
  while (*i < s.size() && is_digit(s[*i]) && *i - start < max) n = n * 10 + (s[(*i)++] - '0');
  if (*i == start || (*i < s.size() && is_digit(s[*i]))) return -1;
  return n;
}

int read_month_name(std::string_view s, size_t* i) {
  size_t start = *i;
  while (*i < s.size() && is_alpha(s[*i]) && *i - start < 9) ++*i;
  if (*i - start < 3) return -1;
  std::string w;
  for (size_t k = start; k < start + 3; ++k) w += char(s[k] | 0x20);
  for (size_t m = 0; m < kMonths.size(); ++m)
    if (kMonths[m] == w) {
      if (*i < s.size() && s[*i] == '.') ++*i;
      return int(m) + 1;
    }
  return -1;
}

void skip(std::string_view s, size_t* i, std::string_view set) {
  while (*i < s.size() && set.find(s[*i]) != std::string_view::npos) ++*i;
}

std::optional<Date> make_date(int y, int m, int d) {
  if (y >= 0 && y < 100) y += y > 30 ? 1900 : 2000;
  if (y < 1880 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  return Date{y, m, d};
}

}  // namespace

std::optional<Date> parse_date(std::string_view s, size_t* used) {
  size_t i = 0;
  if (s.empty()) return std::nullopt;
  if (is_digit(s[0])) {
    int a = read_num(s, &i, 4);
    if (a < 0 || i >= s.size()) return std::nullopt;
    char sep = s[i];
    if (sep == '/' || sep == '-' || sep == '.') {
      ++i;
      int b = read_num(s, &i, 2);
      if (b < 0 || i >= s.size() || s[i] != sep) return std::nullopt;
      ++i;
      int c = read_num(s, &i, 4);
      if (c < 0) return std::nullopt;
      auto d = a > 31 ? make_date(a, b, c) : make_date(c, a, b);  // YYYY-MM-DD or MM/DD/YYYY
      if (d) *used = i;
      return d;
    }
    // "4 Mar 1962"
    skip(s, &i, " ");
    int m = read_month_name(s, &i);
    skip(s, &i, " ,");
    int y = m > 0 ? read_num(s, &i, 4) : -1;
    auto d = y >= 0 ? make_date(y, m, a) : std::nullopt;
    if (d) *used = i;
    return d;
  }
  int m = read_month_name(s, &i);
  if (m < 0) return std::nullopt;
  skip(s, &i, " ");
  int day = read_num(s, &i, 2);
  if (i < s.size() && (s.substr(i, 2) == "st" || s.substr(i, 2) == "nd" || s.substr(i, 2) == "rd" || s.substr(i, 2) == "th")) i += 2;
  skip(s, &i, " ,");
  int y = day > 0 ? read_num(s, &i, 4) : -1;
  auto d = y >= 0 ? make_date(y, m, day) : std::nullopt;
  if (d) *used = i;
  return d;
}

std::string mask_excerpt(std::string_view v) {
  // Bytes of multi-byte UTF-8 characters are always hidden (and never split).
  size_t alnum = 0;
  for (char c : v) alnum += is_alnum(c);
  size_t keep = std::min<size_t>(4, alnum / 2);
  std::string out(v.substr(0, 256));
  size_t seen = 0;
  for (auto& c : out) {
    if (static_cast<unsigned char>(c) >= 0x80) { c = '*'; continue; }
    if (!is_alnum(c)) {
      if (static_cast<unsigned char>(c) < 0x20) c = ' ';
      continue;
    }
    if (seen++ < alnum - keep) c = '*';
  }
  return out;
}

}  // namespace phi::policy
