// NAME
//   office_pictures - the pictures a Word, Excel or PowerPoint 97-2003 file stores (OfficeArt BLIP records)
// SYNOPSIS
//   struct Files : OfficePictureSink { ... };   // begin(), bytes(b), end(), other()
//   BlipScanner s(files); s.feed(stream_piece); ... s.finish();
//   std::string h = bmp_file_header(dib_first_bytes, dib_size);   // "" when no bitmap header
//   uint64_t n = dib_size(dib_first_bytes);                         // 0 when unknown
//   DrawingGroup g; g.feed(workbook_piece, [&](std::string_view d) { s.feed(d); });
// DESCRIPTION
//   A picture pasted into a Word, Excel or PowerPoint 97-2003 document (a
//   screenshot of the chart, a scanned form) is stored whole as an
//   OfficeArt BLIP record ([MS-ODRAW] 2.2.23-2.2.31): an 8-byte header
//   (recVer 0, recInstance, recType 0xF018-0xF117, recLen), one or two
//   16-byte identifiers, then for a bitmap a tag byte and the file's
//   bytes (PNG 0xF01E, JPEG 0xF01D and 0xF02A, TIFF 0xF029, DIB 0xF01F),
//   for a metafile (EMF 0xF01A, WMF 0xF01B, PICT 0xF01C) a 34-byte header
//   and its compressed bytes. Word keeps them in its "Data" stream (inline
//   pictures) or the "WordDocument" and table streams (floating ones),
//   PowerPoint in "Pictures", Excel in the workbook's drawing group (a
//   MsoDrawingGroup record and the Continue records after it: DrawingGroup
//   gives their data, joined, from the workbook stream's records).
//   BlipScanner finds those records anywhere in the bytes it is fed, by
//   their header (type and instance of one of the kinds above, recVer 0)
//   and what must follow it: a PNG, JPEG or TIFF signature where the
//   bitmap's bytes start (a DIB: the size of a bitmap header; a metafile:
//   a compression byte 0x00 or 0xFE and filter 0xFE in its header), and a
//   length that holds them. A PNG, JPEG or TIFF picture's bytes go to the
//   OfficePictureSink (begin(), bytes() as they come, end(); a record
//   cut by the end of the stream ends there), and so do a DIB's (a
//   screenshot Office kept as a bitmap), after the 14-byte file header
//   that makes them a .bmp file (bmp_file_header: the pixels' offset from
//   the bitmap header's size, masks and palette; a header that makes no
//   sense: other()); an EMF or WMF metafile's
//   bytes after its header are given the same way when the sink's
//   metafile() asks for them (metafile.h reads their text); a PICT
//   or a metafile the sink does not ask for is not read (other()), its
//   bytes skipped. The bytes of a record are not searched again.
// INPUT
//   Untrusted. Linear time; memory: kBlipLook bytes carried between feeds.
// THREADS
//   One object per stream.
#ifndef PHI_MIME_OFFICE_PICTURES_H
#define PHI_MIME_OFFICE_PICTURES_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace phi::mime {

inline constexpr size_t kBlipLook = 80;  // a record's header and what must follow it, at most 8 + 32 + 34 + 6

class OfficePictureSink {
 public:
  virtual ~OfficePictureSink() = default;
  virtual void begin() = 0;                      // a PNG, JPEG, TIFF or BMP (a DIB) picture
  virtual void bytes(std::string_view b) = 0;    // its bytes, in pieces
  virtual void end() = 0;
  virtual void other() = 0;                      // a PICT picture (or a damaged DIB), not read
  // An EMF or WMF picture (compressed: its bytes are a zlib stream): true
  // to be given its bytes (bytes(), end()) as a picture's, else other().
  virtual bool metafile(bool compressed) {
    (void)compressed;
    other();
    return false;
  }
};

// The file header (14 bytes) that makes a device-independent bitmap of
// dib_size bytes, whose first bytes (at least 36) are `dib`, a .bmp file;
// "" when they are no bitmap header.
std::string bmp_file_header(std::string_view dib, uint64_t dib_size);
// The same for a DIB of dib_size bytes whose pixels start pixels_at bytes
// into it (known from elsewhere: an EMF record's offsets); "" past 4 GB.
std::string bmp_file_header_at(uint64_t dib_size, uint64_t pixels_at);
// A DIB's size in bytes as its first bytes (at least 36) say: header,
// masks, palette and pixels (their rows for an uncompressed one, else the
// header's image size); 0 when they do not tell (a compressed bitmap
// without its size, a width or height over 2^20).
uint64_t dib_size(std::string_view dib);
// A DIB's width and height in pixels and its compression (0 BI_RGB, 4
// BI_JPEG, 5 BI_PNG, ...) as its first bytes (at least 20) say; false
// when they are no bitmap header.
bool dib_dimensions(std::string_view dib, uint64_t& width, uint64_t& height, uint64_t& compression);

class BlipScanner {
 public:
  explicit BlipScanner(OfficePictureSink& sink) : sink_(sink) {}
  void feed(std::string_view b);
  void finish();  // the stream ends: a picture being given ends

 private:
  void scan(bool last);
  size_t record_bytes(std::string_view b);
  OfficePictureSink& sink_;
  std::string buf_;       // bytes not yet searched (under kBlipLook after a feed)
  uint64_t left_ = 0;     // bytes of the current record still to come
  bool giving_ = false;   // ... to the sink (a picture read), else skipped
};

// The data of an Excel workbook stream's drawing group: of each
// MsoDrawingGroup record (0x00EB) and the Continue records (0x003C) that
// follow it, in order; the other records are skipped.
class DrawingGroup {
 public:
  void feed(std::string_view b, const std::function<void(std::string_view)>& data);

 private:
  char head_[4] = {};
  size_t head_len_ = 0;
  uint32_t left_ = 0;     // bytes of the current record's data still to come
  bool keep_ = false;     // the current record is part of the drawing group
  bool in_group_ = false; // the last record was (Continue records after it belong to it)
};

}  // namespace phi::mime

#endif
