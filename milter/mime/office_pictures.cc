// office_pictures - OfficeArt BLIP records found in an Office 97-2003 stream; an Excel workbook's drawing group.
#include "milter/mime/office_pictures.h"

#include <algorithm>

#include "milter/mime/embedded.h"
#include "milter/util/le.h"

namespace phi::mime {
namespace {

uint8_t byte_at(std::string_view b, size_t i) { return static_cast<uint8_t>(b[i]); }

enum class Blip { None, Read, Metafile, Other };
struct Found {
  Blip kind = Blip::None;
  size_t data_at = 0;     // from the record's start: where the picture's bytes (or the rest to skip) start
  uint64_t data_len = 0;  // how many there are
  bool compressed = false;  // a metafile's bytes are a zlib stream
  std::string prefix;       // given before them: a DIB's .bmp file header
};

enum class Format { None, Png, Jpeg, Tiff, Dib, Metafile };

// The format a BLIP record of this type and instance holds ([MS-ODRAW]
// 2.2.23-2.2.31; an odd instance has a second identifier).
Format format_of(uint16_t type, uint16_t inst) {
  uint16_t even = inst & ~1u;
  switch (type) {
    case 0xF01D:
    case 0xF02A: return even == 0x46A || even == 0x6E2 ? Format::Jpeg : Format::None;
    case 0xF01E: return even == 0x6E0 ? Format::Png : Format::None;
    case 0xF029: return even == 0x6E4 ? Format::Tiff : Format::None;
    case 0xF01F: return even == 0x7A8 ? Format::Dib : Format::None;
    case 0xF01A: return even == 0x3D4 ? Format::Metafile : Format::None;
    case 0xF01B: return even == 0x216 ? Format::Metafile : Format::None;
    case 0xF01C: return even == 0x542 ? Format::Metafile : Format::None;
    default: return Format::None;
  }
}

bool signature_of(Format f, std::string_view d) {
  switch (f) {
    case Format::Png: return is_png(d);
    case Format::Jpeg: return is_jpeg(d);
    case Format::Tiff: return d.substr(0, 4) == std::string_view("II*\0", 4) || d.substr(0, 4) == std::string_view("MM\0*", 4);
    case Format::Dib: return is_dib_header_size(le32(d.data()));  // BITMAPCOREHEADER ... BITMAPV5HEADER
    default: return false;
  }
}

// Whether a BLIP record starts at b[0]: `b` holds kBlipLook bytes, or
// all the stream has left.
Found blip_at(std::string_view b) {
  if (b.size() < 8 || byte_at(b, 3) != 0xF0) return {};
  uint16_t ver_inst = le16(b.data());
  if ((ver_inst & 0xF) != 0) return {};
  uint16_t inst = ver_inst >> 4;
  Format f = format_of(le16(b.data() + 2), inst);
  if (f == Format::None) return {};
  uint32_t len = le32(b.data() + 4);
  size_t uids = (inst & 1) ? 32 : 16;
  if (f == Format::Metafile) {  // the identifiers, then a 34-byte header ending in compression and filter
    size_t at = 8 + uids;
    if (b.size() < at + 34 || len < uids + 34) return {};
    uint8_t compression = byte_at(b, at + 32), filter = byte_at(b, at + 33);
    if ((compression != 0x00 && compression != 0xFE) || filter != 0xFE) return {};
    if (le16(b.data() + 2) == 0xF01C) return {Blip::Other, at, len - uids, false, {}};  // PICT: a Macintosh picture
    return {Blip::Metafile, at + 34, len - uids - 34, compression == 0x00, {}};
  }
  size_t at = 8 + uids + 1;  // the identifiers and the tag byte
  if (b.size() < at + 8 || len < uids + 1 + 8 || !signature_of(f, b.substr(at, 8))) return {};
  if (f != Format::Dib) return {Blip::Read, at, len - uids - 1, false, {}};
  std::string header = bmp_file_header(b.substr(at), len - uids - 1);  // read as the .bmp file it would be
  if (header.empty()) return {Blip::Other, at, len - uids - 1, false, {}};
  return {Blip::Read, at, len - uids - 1, false, std::move(header)};
}

}  // namespace

namespace {

// A DIB header's fields that say where its pixels start and how many bytes they take.
struct DibLayout {
  uint64_t bits = 0, pixels_at = 0;  // bits a pixel; the pixels' offset in the DIB (header, masks, palette)
  uint64_t width = 0, height = 0, compression = 0, image = 0;
};

bool dib_layout(std::string_view dib, DibLayout& d) {
  if (dib.size() < 36 || !is_dib_header_size(le32(dib.data()))) return false;
  uint32_t size = le32(dib.data());
  uint64_t colors, entry = 4, masks = 0;
  if (size == 12) {  // BITMAPCOREHEADER: 16-bit sizes, RGB triples
    d.width = le16(dib.data() + 4);
    d.height = le16(dib.data() + 6);
    d.bits = le16(dib.data() + 10);
    colors = d.bits <= 8 ? uint64_t(1) << d.bits : 0;
    entry = 3;
  } else {
    int32_t h = static_cast<int32_t>(le32(dib.data() + 8));  // negative: rows top down
    d.width = le32(dib.data() + 4);
    d.height = h < 0 ? uint64_t(-int64_t(h)) : uint64_t(h);
    d.bits = le16(dib.data() + 14);
    d.compression = le32(dib.data() + 16);
    d.image = le32(dib.data() + 20);
    uint32_t used = le32(dib.data() + 32);
    colors = used ? used : d.bits <= 8 ? uint64_t(1) << d.bits : 0;
    if (size == 40 && d.compression == 3) masks = 12;  // BI_BITFIELDS: three masks after the header
    if (size == 40 && d.compression == 6) masks = 16;  // BI_ALPHABITFIELDS: four
  }
  d.pixels_at = uint64_t(size) + masks + colors * entry;
  return d.bits > 0 && d.bits <= 32;
}

}  // namespace

uint64_t dib_size(std::string_view dib) {
  DibLayout d;
  if (!dib_layout(dib, d) || d.width > (1u << 20) || d.height > (1u << 20)) return 0;
  bool rows = d.compression == 0 || d.compression == 3 || d.compression == 6;  // BI_RGB, the bit fields
  uint64_t image = rows ? (d.width * d.bits + 31) / 32 * 4 * d.height : d.image;
  return image ? d.pixels_at + image : 0;
}

bool dib_dimensions(std::string_view dib, uint64_t& width, uint64_t& height, uint64_t& compression) {
  if (dib.size() < 20 || !is_dib_header_size(le32(dib.data()))) return false;
  if (le32(dib.data()) == 12) {  // BITMAPCOREHEADER
    width = le16(dib.data() + 4);
    height = le16(dib.data() + 6);
    compression = 0;
    return true;
  }
  int32_t w = static_cast<int32_t>(le32(dib.data() + 4)), h = static_cast<int32_t>(le32(dib.data() + 8));
  if (w < 0) return false;
  width = uint64_t(w);
  height = h < 0 ? uint64_t(-int64_t(h)) : uint64_t(h);  // negative: rows top down
  compression = le32(dib.data() + 16);                   // BI_JPEG and BI_PNG may say 0 bits a pixel
  return true;
}

std::string bmp_file_header(std::string_view dib, uint64_t dib_size) {
  DibLayout d;
  if (!dib_layout(dib, d) || d.pixels_at > dib_size) return {};
  return bmp_file_header_at(dib_size, d.pixels_at);
}

std::string bmp_file_header_at(uint64_t dib_size, uint64_t pixels_at) {
  if (dib_size > 0xFFFFFFFFull - 14 || pixels_at > dib_size) return {};
  std::string h = "BM" + std::string(12, '\0');
  put_le32(&h[2], static_cast<uint32_t>(14 + dib_size));  // at most 2^32 - 1, checked above
  put_le32(&h[10], static_cast<uint32_t>(14 + pixels_at));
  return h;
}

// The current record's bytes at the start of `b` (at most left_): given
// to the sink or skipped; the record ends with the last. Returns how many.
size_t BlipScanner::record_bytes(std::string_view b) {
  size_t n = static_cast<size_t>(std::min<uint64_t>(left_, b.size()));
  if (giving_) sink_.bytes(b.substr(0, n));
  left_ -= n;
  if (left_ == 0 && giving_) {
    giving_ = false;
    sink_.end();
  }
  return n;
}

void BlipScanner::feed(std::string_view b) {
  if (left_ > 0 && buf_.empty()) b.remove_prefix(record_bytes(b));  // inside a record: its bytes need no copy
  buf_.append(b);
  scan(false);
}

void BlipScanner::scan(bool last) {
  std::string_view v = buf_;
  size_t p = 0;
  while (p < v.size()) {
    if (left_ > 0) {
      p += record_bytes(v.substr(p));
      continue;
    }
    if (!last && v.size() - p < kBlipLook) break;  // the rest waits for more bytes
    Found f = blip_at(v.substr(p, kBlipLook));
    if (f.kind == Blip::None) {
      ++p;
      continue;
    }
    if (f.kind == Blip::Read) {
      giving_ = true;
      sink_.begin();
      if (!f.prefix.empty()) sink_.bytes(f.prefix);
    } else if (f.kind == Blip::Metafile) {
      giving_ = sink_.metafile(f.compressed);
    } else {
      giving_ = false;
      sink_.other();
    }
    p += f.data_at;
    left_ = f.data_len;
  }
  buf_.erase(0, p);
}

void BlipScanner::finish() {
  scan(true);
  if (giving_) sink_.end();  // cut short by the end of the stream
  giving_ = false;
  left_ = 0;
  buf_.clear();
}

void DrawingGroup::feed(std::string_view b, const std::function<void(std::string_view)>& data) {
  while (!b.empty()) {
    if (left_ == 0) {  // a record header (type, length)
      size_t take = std::min(b.size(), sizeof head_ - head_len_);
      std::copy_n(b.data(), take, head_ + head_len_);
      head_len_ += take;
      b.remove_prefix(take);
      if (head_len_ < sizeof head_) return;
      head_len_ = 0;
      uint16_t type = le16(head_);
      keep_ = type == 0x00EB || (type == 0x003C && in_group_);
      in_group_ = keep_;
      left_ = le16(head_ + 2);
      continue;
    }
    size_t n = std::min<size_t>(left_, b.size());
    if (keep_) data(b.substr(0, n));
    left_ -= static_cast<uint32_t>(n);
    b.remove_prefix(n);
  }
}

}  // namespace phi::mime
