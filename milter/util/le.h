// NAME
//   le - little-endian integers read from bytes and written to them (file formats: OLE2, PowerPoint records, BMP)
// SYNOPSIS
//   uint16_t v = le16(p); uint32_t w = le32(p);   // p: const char* or const unsigned char*
//   put_le16(q, v); put_le32(q, w);               // q: char*
// DESCRIPTION
//   The value of the 2 or 4 bytes at p, least significant first; the 2 or
//   4 bytes at q set to a value so. The caller has checked that they are
//   there.
// THREADS
//   Pure.
#ifndef PHI_UTIL_LE_H
#define PHI_UTIL_LE_H

#include <cstdint>

namespace phi {

inline uint16_t le16(const unsigned char* p) { return uint16_t(p[0] | p[1] << 8); }
inline uint32_t le32(const unsigned char* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
inline uint16_t le16(const char* p) { return le16(reinterpret_cast<const unsigned char*>(p)); }
inline uint32_t le32(const char* p) { return le32(reinterpret_cast<const unsigned char*>(p)); }
inline void put_le16(char* q, uint16_t v) {
  q[0] = char(v & 0xFF);
  q[1] = char(v >> 8);
}
inline void put_le32(char* q, uint32_t v) {
  put_le16(q, uint16_t(v & 0xFFFF));
  put_le16(q + 2, uint16_t(v >> 16));
}

}  // namespace phi

#endif
