// NAME
//   metafile_builder - EMF and WMF metafiles that draw given strings, for tests
// SYNOPSIS
//   std::string emf = make_emf({{100, "Maria Gonzalez"}, {100, "03/14/1962"}, {200, "4471823"}});
//   std::string wmf = make_wmf({{100, "MRN"}}, true);   // with a placeable header
// DESCRIPTION
//   make_emf writes an EMR_HEADER, an EMR_EXTTEXTOUTW record per string
//   (its baseline y, UTF-16 of the ASCII text; glyphs: ETO_GLYPH_INDEX set,
//   the "text" then glyph numbers), an EMR_LINETO between them (a record
//   that is not text) and EMR_EOF. make_wmf writes a WMF header (after a
//   placeable one if asked), META_TEXTOUT and META_EXTTEXTOUT records
//   (alternately; the latter with a clipping rectangle) and META_EOF.
// THREADS
//   Test only.
#ifndef PHI_TESTS_UNIT_MIME_METAFILE_BUILDER_H
#define PHI_TESTS_UNIT_MIME_METAFILE_BUILDER_H

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace phi::mime::test {

inline std::string le(uint64_t v, int bytes) {
  std::string s(size_t(bytes), '\0');
  for (int i = 0; i < bytes; ++i) s[size_t(i)] = char((v >> (8 * i)) & 0xFF);
  return s;
}

inline std::string make_emf(const std::vector<std::pair<int32_t, std::string>>& strings, bool glyphs = false) {
  std::string header = le(1, 4) + le(88, 4) + std::string(32, '\0') + le(0x464D4520, 4) + std::string(44, '\0');
  std::string out = header;
  for (const auto& [y, text] : strings) {
    std::string utf16;
    for (char c : text) utf16 += std::string{c, '\0'};
    while (utf16.size() % 4) utf16.push_back('\0');
    // bounds, graphics mode, scales; then EMRTEXT: reference point, chars, offString, options, rectangle, offDx
    std::string body = std::string(16, '\0') + le(1, 4) + std::string(8, '\0') + le(10, 4) + le(uint32_t(y), 4) +
                       le(text.size(), 4) + le(76, 4) + le(glyphs ? 0x10 : 0, 4) + std::string(16, '\0') + le(0, 4);
    out += le(0x54, 4) + le(8 + body.size() + utf16.size(), 4) + body + utf16;
    out += le(0x36, 4) + le(16, 4) + le(5, 4) + le(6, 4);  // EMR_LINETO
  }
  out += le(14, 4) + le(20, 4) + std::string(12, '\0');  // EMR_EOF
  return out;
}

inline std::string make_wmf(const std::vector<std::pair<int16_t, std::string>>& strings, bool placeable = false) {
  std::string out;
  if (placeable) out += le(0x9AC6CDD7, 4) + std::string(18, '\0');
  out += le(1, 2) + le(9, 2) + le(0x300, 2) + le(0, 4) + le(0, 2) + le(0, 4) + le(0, 2);
  bool ext = false;
  for (const auto& [y, text] : strings) {
    std::string s = text;
    if (s.size() % 2) s.push_back('\0');
    std::string params = ext ? le(uint16_t(y), 2) + le(10, 2) + le(text.size(), 2) + le(0x0004, 2) + std::string(8, '\0') + s
                             : le(text.size(), 2) + s + le(uint16_t(y), 2) + le(10, 2);
    out += le((6 + params.size()) / 2, 4) + le(ext ? 0x0A32 : 0x0521, 2) + params;
    ext = !ext;
  }
  out += le(3, 4) + le(0, 2);  // META_EOF
  return out;
}

}  // namespace phi::mime::test

#endif
