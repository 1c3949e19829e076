// NAME
//   dicom_builder - DICOM files for the tests, written element by element
// SYNOPSIS
//   std::string f = dicom_file(kExplicitLittle, element(0x0010, 0x0010, "PN", "DOE^JANE") + ...);
//   std::string g = dicom_file(kExplicitLittle, image_attributes({5, 3, 1, "MONOCHROME2", 8}) + pixel_data(px));
// DESCRIPTION
//   Explicit VR data elements, little endian (element) or big endian
//   (element_be), a file's preamble and meta group naming its transfer
//   syntax (dicom_file), the image attributes of group 0028 (and a
//   palette's lookup tables, palette_tables), native pixel
//   data, and encapsulated pixel data (an offset table, fragments, the
//   sequence's delimiter), as pydicom and dcmtk write them.
// THREADS
//   Tests only.
#ifndef PHI_TESTS_UNIT_MIME_DICOM_BUILDER_H
#define PHI_TESTS_UNIT_MIME_DICOM_BUILDER_H

#include <cstdint>
#include <string>
#include <vector>

#include "milter/mime/dicom.h"

namespace phi::mime::test {

inline const std::string kExplicitLittle = "1.2.840.10008.1.2.1";
inline const std::string kExplicitBig = "1.2.840.10008.1.2.2";
inline const std::string kJpegBaseline = "1.2.840.10008.1.2.4.50";

inline std::string le16(uint16_t v) { return {static_cast<char>(v & 0xFF), static_cast<char>(v >> 8)}; }
inline std::string le32(uint32_t v) { return le16(static_cast<uint16_t>(v & 0xFFFF)) + le16(static_cast<uint16_t>(v >> 16)); }
inline std::string be16(uint16_t v) { return {static_cast<char>(v >> 8), static_cast<char>(v & 0xFF)}; }
inline std::string be32(uint32_t v) { return be16(static_cast<uint16_t>(v >> 16)) + be16(static_cast<uint16_t>(v & 0xFFFF)); }

inline bool long_form(const std::string& vr) { return vr == "UT" || vr == "SQ" || vr == "OB" || vr == "OW" || vr == "UN"; }

// An explicit VR little endian element (`value` as it is: pad it to an even length yourself).
inline std::string element(uint16_t group, uint16_t elem, const std::string& vr, const std::string& value) {
  std::string h = le16(group) + le16(elem) + vr;
  return h + (long_form(vr) ? std::string(2, '\0') + le32(static_cast<uint32_t>(value.size())) : le16(static_cast<uint16_t>(value.size()))) +
         value;
}
inline std::string element_be(uint16_t group, uint16_t elem, const std::string& vr, const std::string& value) {
  std::string h = be16(group) + be16(elem) + vr;
  return h + (long_form(vr) ? std::string(2, '\0') + be32(static_cast<uint32_t>(value.size())) : be16(static_cast<uint16_t>(value.size()))) +
         value;
}

// The preamble, "DICM" and a meta group of one element: the transfer syntax.
inline std::string dicom_file(const std::string& syntax, const std::string& data_set) {
  std::string ts = syntax.size() % 2 ? syntax + '\0' : syntax;
  return std::string(kDicomPreamble, '\0') + "DICM" + element(0x0002, 0x0010, "UI", ts) + data_set;
}

struct ImageAttributes {
  uint16_t columns, rows, samples;
  std::string photometric;
  uint16_t bits, stored = 0, sign = 0, planar = 0;
  bool big = false;  // in an explicit VR big endian data set
};
inline std::string image_attributes(const ImageAttributes& a) {
  auto us = [&](uint16_t e, uint16_t v) {
    return a.big ? element_be(0x0028, e, "US", be16(v)) : element(0x0028, e, "US", le16(v));
  };
  std::string p = a.photometric.size() % 2 ? a.photometric + ' ' : a.photometric;
  uint16_t stored = a.stored ? a.stored : a.bits;
  return us(0x0002, a.samples) + (a.big ? element_be(0x0028, 0x0004, "CS", p) : element(0x0028, 0x0004, "CS", p)) +
         us(0x0006, a.planar) + us(0x0010, a.rows) + us(0x0011, a.columns) + us(0x0100, a.bits) + us(0x0101, stored) +
         us(0x0102, static_cast<uint16_t>(stored - 1)) + us(0x0103, a.sign);
}

// PALETTE COLOR's red, green and blue lookup tables (little endian): each
// descriptor (entries, the first value mapped, bits an entry) and its data,
// entry(colour 0-2, index) each entry (8-bit entries packed two a word).
template <typename Entry>
inline std::string palette_tables(uint16_t entries, uint16_t first, uint16_t bits, Entry entry) {
  std::string out;
  for (uint16_t c = 0; c < 3; ++c) out += element(0x0028, static_cast<uint16_t>(0x1101 + c), "US", le16(entries) + le16(first) + le16(bits));
  for (uint16_t c = 0; c < 3; ++c) {
    std::string d;
    for (uint32_t i = 0; i < entries; ++i)
      d += bits == 16 ? le16(entry(c, i)) : std::string(1, static_cast<char>(entry(c, i)));
    if (d.size() % 2) d.push_back('\0');
    out += element(0x0028, static_cast<uint16_t>(0x1201 + c), "OW", d);
  }
  return out;
}

inline std::string pixel_data(const std::string& pixels, bool big = false) {
  return big ? element_be(0x7FE0, 0x0010, "OW", pixels) : element(0x7FE0, 0x0010, "OW", pixels);
}

// Encapsulated pixel data: the offset table's item, then one item per fragment.
inline std::string encapsulated(const std::string& offsets, const std::vector<std::string>& fragments) {
  auto item = [](const std::string& b) { return le16(0xFFFE) + le16(0xE000) + le32(static_cast<uint32_t>(b.size())) + b; };
  std::string s = le16(0x7FE0) + le16(0x0010) + "OB" + std::string(2, '\0') + le32(0xFFFFFFFF) + item(offsets);
  for (const std::string& f : fragments) s += item(f);
  return s + le16(0xFFFE) + le16(0xE0DD) + le32(0);
}

}  // namespace phi::mime::test

#endif
