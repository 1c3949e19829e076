// metafile - the text drawn by an EMF or WMF metafile (see metafile.h).
#include "milter/mime/metafile.h"

#include <algorithm>

#include "milter/mime/charset.h"
#include "milter/mime/decompress.h"
#include "milter/mime/office_pictures.h"
#include "milter/util/le.h"

namespace phi::mime {
namespace {

constexpr uint32_t kEmrHeader = 1, kEmrEof = 14, kEmrExtTextOutA = 0x53, kEmrExtTextOutW = 0x54;
constexpr uint32_t kEmfSignature = 0x464D4520;  // " EMF"
constexpr uint32_t kWmfPlaceable = 0x9AC6CDD7;
constexpr uint16_t kMetaEof = 0x0000, kMetaTextOut = 0x0521, kMetaExtTextOut = 0x0A32;
constexpr uint32_t kEmrBitBlt = 0x4C, kEmrStretchBlt = 0x4D, kEmrMaskBlt = 0x4E, kEmrSetDiBitsToDevice = 0x50,
                   kEmrStretchDiBits = 0x51, kEmrAlphaBlend = 0x72, kEmrTransparentBlt = 0x74;
constexpr uint16_t kMetaDibBitBlt = 0x0940, kMetaDibStretchBlt = 0x0B41, kMetaStretchDib = 0x0F43,
                   kMetaSetDibToDev = 0x0D33;
constexpr uint64_t kBiJpeg = 4, kBiPng = 5;  // an EMF DIB's pixels that are a JPEG or PNG file
constexpr size_t kSignature = 8;             // their first bytes held: a PNG's signature
constexpr uint64_t kSmallestDib = 12;        // a BITMAPCOREHEADER
constexpr uint32_t kGlyphIndex = 0x0010;                 // ETO_GLYPH_INDEX
constexpr uint16_t kOpaque = 0x0002, kClipped = 0x0004;  // ETO_OPAQUE, ETO_CLIPPED: a WMF rectangle follows
constexpr size_t kHead = 64;                             // enough to tell the format

int64_t i32(const char* p) { return static_cast<int32_t>(le32(p)); }
int64_t i16(const char* p) { return static_cast<int16_t>(le16(p)); }

}  // namespace

std::string_view metafile_format(std::string_view h, bool signed_only, size_t* records_at) {
  size_t at = 0;
  std::string_view kind;
  if (h.size() >= 44 && le32(h.data()) == kEmrHeader && le32(h.data() + 40) == kEmfSignature) {
    kind = "emf";
  } else if (h.size() >= 22 + 18 && le32(h.data()) == kWmfPlaceable && le16(h.data() + 24) == 9) {
    kind = "wmf";
    at = 22 + 18;
  } else if (!signed_only && h.size() >= 18 && (le16(h.data()) == 1 || le16(h.data()) == 2) &&
             le16(h.data() + 2) == 9) {
    kind = "wmf";
    at = 18;
  }
  if (records_at) *records_at = at;
  return kind;
}

MetafileText::MetafileText(std::function<void(std::string_view)> out, bool zlib, MetafilePicture picture)
    : out_(std::move(out)), picture_(std::move(picture)) {
  if (zlib) inflate_ = std::make_unique<Decompressor>(Compression::Zlib);
}

std::string_view MetafileText::unread() const {
  if (limited_ > 0) return "part-limit";
  if (refused_ > 0 || (characters_ == 0 && given_ == 0)) return "image";
  return {};
}

MetafileText::~MetafileText() = default;

void MetafileText::feed(std::string_view piece) {
  if (format_ == Format::None) return;
  if (inflate_) inflate_->feed(piece, [this](std::string_view b) { return inflated(b); });
  else metafile(piece);
}

// Inflated bytes: false to stop (the metafile ended or is damaged, or
// kMaxMetafileBytes were given).
bool MetafileText::inflated(std::string_view b) {
  metafile(b);
  return format_ != Format::None && inflate_->produced() <= kMaxMetafileBytes;
}

void MetafileText::metafile(std::string_view piece) {
  if (format_ == Format::None) return;
  if (format_ == Format::Unknown) {
    size_t take = std::min(piece.size(), kHead - head_.size());
    head_.append(piece.substr(0, take));
    piece.remove_prefix(take);
    if (head_.size() < kHead || !decide()) return;
  }
  records(piece);
}

void MetafileText::finish() {
  if (inflate_ && format_ != Format::None) inflate_->finish([this](std::string_view b) { return inflated(b); });
  if (format_ == Format::Unknown) decide();
  if (in_bitmap_) end_bitmap();  // cut short
  if (line_open_) out_("\n");
  line_open_ = false;
  format_ = Format::None;
}

// The format, from head_ (all of it, or kHead bytes); then the bytes after
// the headers that are no records are read as records.
bool MetafileText::decide() {
  size_t records_at = 0;
  kind_ = metafile_format(head_, false, &records_at);
  if (kind_.empty()) {
    format_ = Format::None;
    head_.clear();
    return false;
  }
  format_ = kind_ == "emf" ? Format::Emf : Format::Wmf;
  std::string rest = head_.substr(records_at);
  head_.clear();
  records(rest);
  return format_ != Format::None;
}

// Record headers: EMF's type and size in bytes (8 bytes), WMF's size in
// 16-bit words and function (6 bytes). A text record is held whole, a
// bitmap record read by bitmap() as it comes, any other passed over by
// its size.
void MetafileText::records(std::string_view b) {
  const size_t header = format_ == Format::Emf ? 8 : 6;
  while (!b.empty() && format_ != Format::None) {
    if (in_bitmap_) {
      size_t n = size_t(std::min<uint64_t>(bm_.len - bm_.at, b.size()));
      bitmap(b.substr(0, n));
      b.remove_prefix(n);
      if (bm_.at == bm_.len) end_bitmap();
      continue;
    }
    if (skip_ > 0) {
      size_t n = size_t(std::min<uint64_t>(skip_, b.size()));
      skip_ -= n;
      b.remove_prefix(n);
      continue;
    }
    if (rec_len_ == 0) {
      size_t n = std::min(b.size(), header - rec_.size());
      rec_.append(b.substr(0, n));
      b.remove_prefix(n);
      if (rec_.size() < header) return;
      uint32_t type;
      if (format_ == Format::Emf) {
        type = le32(rec_.data());
        rec_len_ = le32(rec_.data() + 4);
        if (type == kEmrEof) rec_len_ = 0;
      } else {
        type = le16(rec_.data() + 4);
        rec_len_ = uint64_t(le32(rec_.data())) * 2;
        if (type == kMetaEof) rec_len_ = 0;
      }
      if (rec_len_ < header) {  // the end, or a damaged record: nothing after it is read
        format_ = Format::None;
        return;
      }
      if (uint64_t fields = bitmap_fields(format_ == Format::Emf, type); fields > 0 && rec_len_ > fields) {
        bm_ = Bitmap{};
        bm_.type = type;
        bm_.at = header;
        bm_.len = rec_len_;
        bm_.fixed = fields;
        in_bitmap_ = true;
        rec_.clear();
        rec_len_ = 0;
        continue;
      }
      bool text = format_ == Format::Emf ? (type == kEmrExtTextOutA || type == kEmrExtTextOutW)
                                         : (type == kMetaTextOut || type == kMetaExtTextOut);
      held_ = text && rec_len_ <= kMaxMetafileRecord;
      if (!held_) {
        skip_ = rec_len_ - header;
        rec_.clear();
        rec_len_ = 0;
      }
      continue;
    }
    size_t n = size_t(std::min<uint64_t>(rec_len_ - rec_.size(), b.size()));
    rec_.append(b.substr(0, n));
    b.remove_prefix(n);
    if (rec_.size() < rec_len_) return;
    record(rec_);
    rec_.clear();
    rec_len_ = 0;
  }
}

// EMF: the bytes up to the end of the source bitmap's offsets and sizes;
// WMF: the parameters before the DIB (the record's header included).
uint64_t MetafileText::bitmap_fields(bool emf, uint32_t type) {
  if (emf) {
    switch (type) {
      case kEmrSetDiBitsToDevice:
      case kEmrStretchDiBits: return 64;  // offBmiSrc at 48
      case kEmrBitBlt:
      case kEmrStretchBlt:
      case kEmrMaskBlt:
      case kEmrAlphaBlend:
      case kEmrTransparentBlt: return 100;  // offBmiSrc at 84
      default: return 0;
    }
  }
  switch (type) {
    case kMetaDibBitBlt: return 6 + 16;      // raster operation, 6 coordinates
    case kMetaDibStretchBlt: return 6 + 20;  // raster operation, 8 coordinates
    case kMetaStretchDib: return 6 + 22;     // raster operation, colour usage, 8 coordinates
    case kMetaSetDibToDev: return 6 + 18;    // colour usage, scans, 7 coordinates
    default: return 0;
  }
}

// A bitmap record's bytes after its header: its fields, then its DIB's
// header and its pixels (EMF: where the fields say, bytes between them
// passed over), each given on as it comes when the bitmap is given.
void MetafileText::bitmap(std::string_view b) {
  while (!b.empty()) {
    size_t n = b.size();
    if (bm_.state == Bitmap::State::Fields) {
      n = size_t(std::min<uint64_t>(bm_.fixed - bm_.at, b.size()));
      bm_.held.append(b.substr(0, n));
      if (bm_.at + n == bm_.fixed) {
        bm_.at += n;
        b.remove_prefix(n);
        place();
        continue;
      }
    } else if (bm_.state == Bitmap::State::Dib) {
      const uint64_t dib_end = bm_.dib_at + bm_.dib_len, bits_end = bm_.bits_at + bm_.bits_len;
      if (bm_.at < bm_.dib_at) {
        n = size_t(std::min<uint64_t>(bm_.dib_at - bm_.at, b.size()));
      } else if (bm_.at < dib_end) {
        n = size_t(std::min<uint64_t>(dib_end - bm_.at, b.size()));
        std::string_view p = b.substr(0, n);
        if (!bm_.decided && gather(p, std::min<uint64_t>(kBitmapHead, bm_.dib_len))) decide_bitmap();
        if (bm_.giving && !bm_.bits_only) give(p);
      } else if (bm_.at < bm_.bits_at) {
        n = size_t(std::min<uint64_t>(bm_.bits_at - bm_.at, b.size()));
      } else if (bm_.at < bits_end) {
        n = size_t(std::min<uint64_t>(bits_end - bm_.at, b.size()));
        std::string_view p = b.substr(0, n);
        if (bm_.sniff && gather(p, std::min<uint64_t>(kSignature, bm_.bits_len))) sniffed();
        if (bm_.giving) give(p);
      }
    }
    bm_.at += n;
    b.remove_prefix(n);
  }
}

bool MetafileText::gather(std::string_view& p, uint64_t want) {
  size_t take = size_t(std::min<uint64_t>(p.size(), want - bm_.held.size()));
  bm_.held.append(p.substr(0, take));
  p.remove_prefix(take);
  return bm_.held.size() == want;
}

// The fields are held: where the DIB's header and pixels are (a record
// without a source bitmap, a pattern fill, is passed over; an EMF one
// whose offsets point outside it, or pixels before the header, is a
// bitmap not read); a WMF DIB is the rest of the record (the forms
// without a bitmap leave 2 bytes there: a reserved word).
void MetafileText::place() {
  bm_.state = Bitmap::State::Skip;
  if (format_ == Format::Wmf) {
    bm_.dib_at = bm_.fixed;
    bm_.dib_len = bm_.len - bm_.fixed;
    bm_.bits_at = bm_.len;
  } else {
    const char* f = bm_.held.data() + ((bm_.type == kEmrSetDiBitsToDevice || bm_.type == kEmrStretchDiBits) ? 48 : 84) - 8;
    bm_.dib_at = le32(f);
    bm_.dib_len = le32(f + 4);
    bm_.bits_at = le32(f + 8);
    bm_.bits_len = le32(f + 12);
  }
  bm_.held.clear();  // the fields are read: it now holds the DIB's head
  const bool emf = format_ == Format::Emf;
  if (emf ? bm_.dib_len == 0 || bm_.bits_len == 0 : bm_.dib_len < kSmallestDib) return;  // no source bitmap
  if (emf && (bm_.dib_at < bm_.fixed || bm_.dib_at + bm_.dib_len > bm_.bits_at || bm_.bits_at + bm_.bits_len > bm_.len)) {
    ++pictures_;
    ++refused_;
    return;
  }
  bm_.state = Bitmap::State::Dib;
}

// The DIB's first bytes are held: a bitmap too narrow or low for a line
// of text is passed over; one that can be given begins (its file header,
// then those bytes).
void MetafileText::decide_bitmap() {
  bm_.decided = true;
  const std::string head = std::move(bm_.held);
  bm_.held.clear();  // (kept for a JPEG's or PNG's first bytes)
  uint64_t width = 0, height = 0, compression = 0;
  bool ok = dib_dimensions(head, width, height, compression);
  if (ok && (width < kMinPicturePixels || height < kMinPicturePixels)) {
    bm_.state = Bitmap::State::Skip;
    return;
  }
  ++pictures_;
  std::string header;
  if (ok && format_ == Format::Emf && (compression == kBiJpeg || compression == kBiPng)) {
    bm_.bits_only = true;  // the pixels are the file
  } else if (ok) {  // EMF: the pixels right after the header, as the file will have them
    header = format_ == Format::Emf ? bmp_file_header_at(bm_.dib_len + bm_.bits_len, bm_.dib_len)
                                    : bmp_file_header(head, bm_.dib_len);
    ok = !header.empty();
  }
  if (!ok || !picture_ || given_ >= kMaxMetafilePictures) {
    ++(ok && picture_ ? limited_ : refused_);
    bm_.state = Bitmap::State::Skip;
    return;
  }
  if (bm_.bits_only) {
    bm_.sniff = true;  // given when its first bytes are a JPEG's or a PNG's
    return;
  }
  begin_giving();
  give(header);
  give(head);
}

// The first bytes of pixels that say they are a JPEG or PNG file: given
// with the rest when they are one (anything else is no bitmap read here).
void MetafileText::sniffed() {
  bm_.sniff = false;
  std::string_view h = bm_.held;
  if (is_jpeg(h) || is_png(h)) {
    begin_giving();
    give(h);
  } else {
    ++refused_;
    bm_.state = Bitmap::State::Skip;
  }
  bm_.held.clear();
}

void MetafileText::begin_giving() {
  ++given_;
  bm_.giving = true;
  if (line_open_) out_("\n");  // the bitmap's text on lines of its own
  line_open_ = false;
}

void MetafileText::give(std::string_view b) {
  if (!b.empty()) picture_(b, false);
}

// The bitmap record ends (or the metafile, inside it): a bitmap given
// ends; one whose header never came whole is a bitmap not read.
void MetafileText::end_bitmap() {
  in_bitmap_ = false;
  if (bm_.giving) picture_({}, true);
  else if (bm_.state == Bitmap::State::Dib && (!bm_.decided || bm_.sniff)) {
    ++pictures_;
    ++refused_;
  }
  bm_ = Bitmap{};
}

// One text record, whole: its string and baseline.
void MetafileText::record(std::string_view r) {
  if (format_ == Format::Emf) {
    if (r.size() < 76) return;  // the EMRTEXT after bounds, mode and scales
    uint32_t type = le32(r.data());
    int64_t y = i32(r.data() + 40);
    uint64_t chars = le32(r.data() + 44), at = le32(r.data() + 48);
    if (le32(r.data() + 52) & kGlyphIndex) return;
    uint64_t bytes = chars * (type == kEmrExtTextOutW ? 2 : 1);
    if (at > r.size() || bytes > r.size() - at) return;
    std::string_view s = r.substr(size_t(at), size_t(bytes));
    text(convert_to_utf8(type == kEmrExtTextOutW ? "utf-16le" : "windows-1252", s, nullptr), y);
    return;
  }
  uint16_t function = le16(r.data() + 4);
  std::string_view p = r.substr(6);
  if (function == kMetaTextOut) {
    if (p.size() < 2) return;
    size_t len = le16(p.data());
    size_t padded = len + (len & 1);
    if (p.size() < 2 + padded + 2) return;
    text(convert_to_utf8("windows-1252", p.substr(2, len), nullptr), i16(p.data() + 2 + padded));
    return;
  }
  if (p.size() < 8) return;  // META_EXTTEXTOUT: y, x, length, options, [rectangle], string
  int64_t y = i16(p.data());
  size_t len = le16(p.data() + 4);
  uint16_t options = le16(p.data() + 6);
  if (options & kGlyphIndex) return;
  size_t at = 8 + ((options & (kOpaque | kClipped)) ? 8 : 0);
  if (p.size() < at + len) return;
  text(convert_to_utf8("windows-1252", p.substr(at, len), nullptr), y);
}

// A string on the baseline of the one before it follows it after a tab;
// on another, on a line of its own. Control characters are blanks.
void MetafileText::text(std::string_view utf8, int64_t y) {
  std::string s(utf8);
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  size_t n = 0;
  for (char c : s)
    if (c != ' ') ++n;
  if (n == 0) return;
  if (line_open_) out_(y == last_y_ ? "\t" : "\n");
  out_(s);
  line_open_ = true;
  last_y_ = y;
  characters_ += n;
}

MetafileToText::MetafileToText(EmbeddedDocument* documents)
    : file_(documents),
      m_([this](std::string_view t) { out_->append(t); }, false,
         documents ? MetafilePicture([this](std::string_view b, bool end) {
           if (end) file_.end(*out_);
           else file_.bytes(b, *out_);
         })
                   : MetafilePicture()) {}

}  // namespace phi::mime
