// NAME
//   le - little-endian integers read from bytes (file formats: OLE2, PowerPoint records)
// SYNOPSIS
//   uint16_t v = le16(p); uint32_t w = le32(p);   // p: const char* or const unsigned char*
// DESCRIPTION
//   The value of the 2 or 4 bytes at p, least significant first; the
//   caller has checked that they are there.
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

}  // namespace phi

#endif
