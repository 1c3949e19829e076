// metafile - the text drawn by an EMF or WMF metafile (see metafile.h).
#include "milter/mime/metafile.h"

#include <algorithm>

#include "milter/mime/charset.h"
#include "milter/mime/decompress.h"
#include "milter/util/le.h"

namespace phi::mime {
namespace {

constexpr uint32_t kEmrHeader = 1, kEmrEof = 14, kEmrExtTextOutA = 0x53, kEmrExtTextOutW = 0x54;
constexpr uint32_t kEmfSignature = 0x464D4520;  // " EMF"
constexpr uint32_t kWmfPlaceable = 0x9AC6CDD7;
constexpr uint16_t kMetaEof = 0x0000, kMetaTextOut = 0x0521, kMetaExtTextOut = 0x0A32;
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

MetafileText::MetafileText(std::function<void(std::string_view)> out, bool zlib) : out_(std::move(out)) {
  if (zlib) inflate_ = std::make_unique<Decompressor>(Compression::Zlib);
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
  if (!first_) out_("\n");
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
// 16-bit words and function (6 bytes). A text record is held whole, any
// other passed over by its size.
void MetafileText::records(std::string_view b) {
  const size_t header = format_ == Format::Emf ? 8 : 6;
  while (!b.empty() && format_ != Format::None) {
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
  if (!first_) out_(y == last_y_ ? "\t" : "\n");
  out_(s);
  first_ = false;
  last_y_ = y;
  characters_ += n;
}

}  // namespace phi::mime
