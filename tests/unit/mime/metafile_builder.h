// NAME
//   metafile_builder - EMF and WMF metafiles that draw given strings, for tests
// SYNOPSIS
//   std::string emf = make_emf({{100, "Maria Gonzalez"}, {100, "03/14/1962"}, {200, "4471823"}});
//   std::string wmf = make_wmf({{100, "MRN"}}, true);   // with a placeable header
//   std::string dib = make_dib(64, 16);                 // a 24-bit DIB: header, then pixels
//   make_emf({{100, "Chart"}}, false, {emf_bitmap(0x51, dib.substr(0, 40), dib.substr(40))});
//   make_wmf({}, true, {wmf_bitmap(0x0F43, dib)});
//   bmp_of(header_and_palette, pixels);                 // the .bmp file a reader is given
// DESCRIPTION
//   make_emf writes an EMR_HEADER, an EMR_EXTTEXTOUTW record per string
//   (its baseline y, UTF-16 of the ASCII text; glyphs: ETO_GLYPH_INDEX set,
//   the "text" then glyph numbers), an EMR_LINETO between them (a record
//   that is not text) and EMR_EOF. make_wmf writes a WMF header (after a
//   placeable one if asked), META_TEXTOUT and META_EXTTEXTOUT records
//   (alternately; the latter with a clipping rectangle) and META_EOF.
//   `extra` records go before the end (EMR_EOF, META_EOF). make_dib
//   writes a BITMAPINFOHEADER of `width` by `height` (24 bits a pixel, or
//   `compression` with `pixels` as its image), then pixels of a pattern;
//   emf_bitmap an EMR_STRETCHDIBITS (0x51), EMR_SETDIBITSTODEVICE (0x50),
//   EMR_BITBLT (0x4C) or EMR_STRETCHBLT (0x4D) record of a source bitmap
//   (its header at the record's fixed part's end, `gap` bytes after it,
//   then its pixels), wmf_bitmap a META_STRETCHDIB (0x0F43),
//   META_DIBSTRETCHBLT (0x0B41), META_DIBBITBLT (0x0940) or
//   META_SETDIBTODEV (0x0D33) record holding a DIB.
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

inline std::string make_emf(const std::vector<std::pair<int32_t, std::string>>& strings, bool glyphs = false,
                            const std::vector<std::string>& extra = {}) {
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
  for (const std::string& r : extra) out += r;
  out += le(14, 4) + le(20, 4) + std::string(12, '\0');  // EMR_EOF
  return out;
}

inline std::string make_wmf(const std::vector<std::pair<int16_t, std::string>>& strings, bool placeable = false,
                            const std::vector<std::string>& extra = {}) {
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
  for (const std::string& r : extra) out += r;
  out += le(3, 4) + le(0, 2);  // META_EOF
  return out;
}

inline std::string make_dib(int32_t width, int32_t height, uint32_t compression = 0, const std::string& pixels = "") {
  size_t rows = size_t(height < 0 ? -height : height);
  size_t row = (size_t(width) * 3 + 3) / 4 * 4;
  std::string image = pixels;
  if (compression == 0) {
    for (size_t i = 0; i < row * rows; ++i) image.push_back(char((i * 7 + i / row) & 0xFF));
  }
  return le(40, 4) + le(uint32_t(width), 4) + le(uint32_t(height), 4) + le(1, 2) + le(compression ? 0 : 24, 2) +
         le(compression, 4) + le(image.size(), 4) + std::string(16, '\0') + image;
}

inline std::string emf_bitmap(uint32_t type, const std::string& bmi, const std::string& bits, size_t gap = 0) {
  const size_t fixed = type == 0x51 ? 80 : type == 0x50 ? 76 : type == 0x4D ? 108 : 100;
  const size_t at = type == 0x51 || type == 0x50 ? 48 : 84;  // offBmiSrc
  std::string r = le(type, 4) + le(fixed + bmi.size() + gap + bits.size(), 4) + std::string(fixed - 8, '\x11');
  std::string fields = le(fixed, 4) + le(bmi.size(), 4) + le(fixed + bmi.size() + gap, 4) + le(bits.size(), 4);
  r.replace(at, 16, fields);
  return r + bmi + std::string(gap, '\x22') + bits;
}

inline std::string wmf_bitmap(uint16_t function, std::string dib) {
  const size_t params = function == 0x0F43 ? 22 : function == 0x0B41 ? 20 : function == 0x0940 ? 16 : 18;
  if (dib.size() % 2) dib.push_back('\0');
  return le((6 + params + dib.size()) / 2, 4) + le(function, 2) + std::string(params, '\x11') + dib;
}

// The .bmp file of a DIB whose header (and palette) is `bmi`, its pixels `bits`.
inline std::string bmp_of(const std::string& bmi, const std::string& bits) {
  return "BM" + le(14 + bmi.size() + bits.size(), 4) + le(0, 4) + le(14 + bmi.size(), 4) + bmi + bits;
}

}  // namespace phi::mime::test

#endif
