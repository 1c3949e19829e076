// labelled - helpers for the readers that write data files as labelled text (see labelled.h).
#include "milter/mime/labelled.h"

#include "milter/util/strings.h"

namespace phi::mime {

std::vector<std::string_view> split_on(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (size_t b = 0;;) {
    size_t e = s.find(sep, b);
    out.push_back(s.substr(b, e == std::string_view::npos ? std::string_view::npos : e - b));
    if (e == std::string_view::npos) return out;
    b = e + 1;
  }
}

std::string title_case(std::string_view w) {
  std::string out(w);
  bool start = true;
  for (size_t i = 0; i < out.size(); ++i) {
    auto c = static_cast<unsigned char>(out[i]);
    if (c >= 'A' && c <= 'Z' && !start) out[i] = static_cast<char>(c - 'A' + 'a');
    // Latin-1 capitals in UTF-8 (U+00C0 to U+00DE but the sign U+00D7): C3 80-9E -> C3 A0-BE.
    auto next = i + 1 < out.size() ? static_cast<unsigned char>(out[i + 1]) : 0;
    if (c == 0xC3 && !start && next >= 0x80 && next <= 0x9E && next != 0x97) out[i + 1] = static_cast<char>(next + 0x20);
    start = !ascii_alnum(static_cast<char>(c)) && c != '\'' && c < 0x80;
  }
  return out;
}

std::string iso_date(std::string_view d) {
  if (d.size() < 8) return {};
  for (size_t i = 0; i < 8; ++i)
    if (!ascii_digit(d[i])) return {};
  int month = (d[4] - '0') * 10 + (d[5] - '0'), day = (d[6] - '0') * 10 + (d[7] - '0');
  if (month < 1 || month > 12 || day < 1 || day > 31) return {};
  return std::string(d.substr(0, 4)) + "-" + std::string(d.substr(4, 2)) + "-" + std::string(d.substr(6, 2));
}

std::string as_iso_date(std::string_view d) {
  std::string iso = iso_date(d);
  return iso.empty() ? std::string(d) : iso;
}

std::string icd10_code(std::string_view code) {
  if (code.size() > 3 && code[0] >= 'A' && code[0] <= 'Z' && code.find('.') == std::string_view::npos)
    return std::string(code.substr(0, 3)) + "." + std::string(code.substr(3));
  return std::string(code);
}

}  // namespace phi::mime
