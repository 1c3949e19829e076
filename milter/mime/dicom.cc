// dicom - a DICOM file's text values written as labelled lines, its first frame as a picture (see dicom.h).
#include "milter/mime/dicom.h"

#include <algorithm>

#include "milter/mime/charset.h"
#include "milter/mime/labelled.h"
#include "milter/mime/office_pictures.h"
#include "milter/util/le.h"
#include "milter/util/strings.h"

namespace phi::mime {
namespace {

struct Element {
  uint32_t tag;
  std::string_view vr;     // for implicit VR data sets
  std::string_view label;  // "" for a value written as it is
};

// The elements that carry a person's or a study's data (PS3.6).
constexpr Element kElements[] = {
    {0x00100010, "PN", "Patient name: "},
    {0x00100020, "LO", "Patient ID: "},
    {0x00100030, "DA", "Date of birth: "},
    {0x00100040, "CS", "Sex: "},
    {0x00101000, "LO", "Patient ID: "},    // other patient IDs
    {0x00101001, "PN", "Patient name: "},  // other patient names
    {0x00101005, "PN", "Patient name: "},  // birth name
    {0x00101010, "AS", "Age: "},
    {0x00101040, "LO", "Address: "},
    {0x00101060, "PN", "Mother's maiden name: "},
    {0x00102000, "LO", "Medical alerts: "},
    {0x00102110, "LO", "Allergies: "},
    {0x00102154, "SH", "Phone: "},
    {0x001021B0, "LT", "Patient history: "},
    {0x00104000, "LT", "Patient comments: "},
    {0x00080020, "DA", "Date of service: "},  // study date
    {0x00080050, "SH", "Accession number: "},
    {0x00080060, "CS", "Modality: "},
    {0x00080080, "LO", "Institution: "},
    {0x00080081, "ST", "Institution address: "},
    {0x00080090, "PN", "Referring physician: "},
    {0x00080104, "LO", ""},  // a code's meaning (structured reports)
    {0x00081030, "LO", "Study description: "},
    {0x0008103E, "LO", "Series description: "},
    {0x00081048, "PN", "Physician of record: "},
    {0x00081050, "PN", "Performing physician: "},
    {0x00081060, "PN", "Reading physician: "},
    {0x00081070, "PN", "Operator: "},
    {0x00081080, "LO", "Diagnosis: "},  // admitting diagnoses
    {0x00180015, "CS", "Body part: "},
    {0x00321030, "LO", "Reason for study: "},
    {0x00321060, "LO", "Procedure: "},
    {0x00380010, "LO", "Encounter number: "},  // admission ID
    {0x00400254, "LO", "Procedure: "},
    {0x00401002, "LO", "Reason for study: "},
    {0x0040A123, "PN", "Observer: "},
    {0x0040A160, "UT", ""},  // a structured report's text
};

constexpr uint32_t kTransferSyntax = 0x00020010, kCharset = 0x00080005, kPixelData = 0x7FE00010, kPadding = 0xFFFCFFFC;
constexpr uint32_t kEncapsulatedDocument = 0x00420011;  // a PDF or CDA report inside (Encapsulated PDF/CDA storage)
constexpr uint32_t kItem = 0xFFFEE000, kItemEnd = 0xFFFEE00D, kSequenceEnd = 0xFFFEE0DD;
constexpr uint32_t kUndefined = 0xFFFFFFFF;              // a length: to the delimiter
constexpr uint64_t kOpen = UINT64_MAX;                   // a sequence or item that ends at its delimiter
// The image attributes (group 0028) the picture is written from.
constexpr uint32_t kSamples = 0x00280002, kPhotometric = 0x00280004, kPlanar = 0x00280006, kRows = 0x00280010,
                   kColumns = 0x00280011, kBitsAllocated = 0x00280100, kBitsStored = 0x00280101, kPixelSign = 0x00280103;

// PALETTE COLOR's lookup tables: red, green and blue descriptors (entries, first value mapped, bits an entry), then data.
constexpr uint32_t kLutDescriptor = 0x00281101, kLutData = 0x00281201;

bool lut_tag(uint32_t tag) {
  return (tag >= kLutDescriptor && tag <= kLutDescriptor + 2) || (tag >= kLutData && tag <= kLutData + 2);
}

bool image_attribute(uint32_t tag) {
  return tag == kSamples || tag == kPhotometric || tag == kPlanar || tag == kRows || tag == kColumns || tag == kBitsAllocated ||
         tag == kBitsStored || tag == kPixelSign || lut_tag(tag);
}

const Element* known(uint32_t tag) {
  for (const Element& e : kElements)
    if (e.tag == tag) return &e;
  return nullptr;
}

uint16_t u16(const std::string& b, size_t at, bool big) {
  auto x = static_cast<unsigned char>(b[at]), y = static_cast<unsigned char>(b[at + 1]);
  return static_cast<uint16_t>(big ? (x << 8 | y) : (y << 8 | x));
}

uint32_t u32(const std::string& b, size_t at, bool big) {
  uint32_t hi = u16(b, at + (big ? 0 : 2), big), lo = u16(b, at + (big ? 2 : 0), big);
  return hi << 16 | lo;
}

// VRs whose explicit header has two reserved bytes and a 32-bit length.
bool long_vr(std::string_view vr) {
  return one_of(vr, {"OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"});
}

bool text_vr(std::string_view vr) { return one_of(vr, {"LO", "SH", "LT", "ST", "UT", "UC", "PN"}); }

std::string_view trimmed(std::string_view v) {
  while (!v.empty() && (v.back() == ' ' || v.back() == '\0')) v.remove_suffix(1);
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  return v;
}

// An implicit VR value of an element not in the table is written when it
// is printable text with a letter in it, and not a UID.
bool printable_text(std::string_view v) {
  bool letter = false;
  for (char c : v) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\t' && c != '\r' && c != '\n') return false;
    letter = letter || (u >= 0x80) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }
  return letter;
}

// iconv's name for a Specific Character Set (its last value: the first may be empty, the default repertoire).
std::string charset_name(std::string_view v) {
  std::string_view last;
  for (std::string_view p : split_on(v, '\\'))
    if (!trimmed(p).empty()) last = trimmed(p);
  if (last == "GB18030" || last == "GBK") return std::string(last);
  size_t ir = last.rfind("IR ");
  if (ir == std::string_view::npos) return {};
  std::string_view n = last.substr(ir + 3);
  static constexpr std::pair<std::string_view, std::string_view> kNames[] = {
      {"100", "ISO-8859-1"}, {"101", "ISO-8859-2"}, {"109", "ISO-8859-3"}, {"110", "ISO-8859-4"},
      {"144", "ISO-8859-5"}, {"127", "ISO-8859-6"}, {"126", "ISO-8859-7"}, {"138", "ISO-8859-8"},
      {"148", "ISO-8859-9"}, {"203", "ISO-8859-15"}, {"166", "TIS-620"},   {"13", "SHIFT_JIS"},
      {"192", "UTF-8"},      {"87", "ISO-2022-JP"},  {"149", "EUC-KR"}};
  for (const auto& [num, name] : kNames)
    if (n == num) return std::string(name);
  return {};  // ISO_IR 6 (ASCII) or unknown: UTF-8 where valid, else Windows-1252
}

// DOE^JANE^Q^DR^JR (family, given, middle, prefix, suffix; '=' begins another
// representation) -> Jane Q Doe Jr.
std::string person_name(std::string_view v) {
  std::vector<std::string_view> c = split_on(v.substr(0, v.find('=')), '^');
  auto el = [&](size_t i) { return i < c.size() ? trimmed(c[i]) : std::string_view(); };
  std::string out;
  for (std::string_view p : {el(1), el(2), el(0), el(4)}) {
    if (p.empty()) continue;
    if (!out.empty()) out.push_back(' ');
    out += title_case(p);
  }
  return out;
}

}  // namespace

bool DicomText::starts(std::string_view b) { return b.size() >= kDicomPreamble + 4 && b.substr(kDicomPreamble, 4) == "DICM"; }

std::string_view DicomText::unread() const {
  if (errors_) return "binary";
  if (!file_.unread().empty()) return file_.unread();
  return pixels_ && !pictured_ ? "image" : "";
}

void DicomText::finish(std::string& out) {
  if (state_ == State::Document) {
    file_.end(out);  // cut short: what the reader makes of it (too short to tell: skipped)
    state_ = State::Done;
  }
  if (state_ == State::Pixels || state_ == State::Fragment || state_ == State::FragmentBytes) end_picture(out);
}

void DicomText::end_picture(std::string& out) {
  state_ = State::Done;
  if (coding_ == Coding::Rle && !rle_.bmp.empty()) {  // no RLE header came: no picture
    pictured_ = false;
    return;
  }
  file_.end(out);
}

// An encapsulated document's bytes, to file_ (read by its kind, or skipped).
void DicomText::document(std::string_view in, std::string& out) {
  file_.bytes(in, out);
  if (left_ > 0) return;
  file_.end(out);
  state_ = State::Header;
}

void DicomText::fail() {
  errors_ = true;
  state_ = State::Done;
}

void DicomText::feed(std::string_view in, std::string& out) {
  while (!in.empty() && state_ != State::Done) {
    switch (state_) {
      case State::Preamble: {
        size_t n = std::min(in.size(), kDicomPreamble + 4 - hdr_.size());
        hdr_.append(in.substr(0, n));
        take(in, n);
        if (hdr_.size() < kDicomPreamble + 4) break;
        if (!starts(hdr_)) {
          fail();
          break;
        }
        hdr_.clear();
        state_ = State::Header;
        break;
      }
      case State::Header:
      case State::Peek:
      case State::Fragment: {
        size_t n = std::min(in.size(), need_ - hdr_.size());
        hdr_.append(in.substr(0, n));
        take(in, n);
        if (hdr_.size() < need_) break;
        if (state_ == State::Peek) peeked();
        else if (state_ == State::Fragment) fragment(out);
        else header(out);
        break;
      }
      case State::Document:
      case State::Pixels:
      case State::FragmentBytes: {  // bytes for file_: each ends its file, or its fragment, once left_ is 0
        size_t n = static_cast<size_t>(std::min<uint64_t>(in.size(), left_));
        left_ -= n;
        std::string_view b = in.substr(0, n);
        if (state_ == State::Document) document(b, out);
        else if (state_ == State::Pixels) pixels(b, out);
        else fragment_bytes(b, out);
        take(in, n);
        break;
      }
      case State::Value:
      case State::Skip: {
        size_t n = static_cast<size_t>(std::min<uint64_t>(in.size(), left_));
        if (state_ == State::Value) val_.append(in.substr(0, n));
        take(in, n);
        left_ -= n;
        if (left_ > 0) break;
        if (state_ == State::Value) value(out);
        state_ = State::Header;
        break;
      }
      case State::Done:
        break;
    }
  }
}

// An element header is in (need_ bytes): what follows is its value, its
// items (a sequence), the pixels, or the next header.
void DicomText::header(std::string& out) {
  if (meta_ && u16(hdr_, 0, false) != 0x0002) {  // the file meta group is over: the data set's syntax
    meta_ = false;
    if (deflated_) {
      fail();
      return;
    }
    syntax_ = data_syntax_;
  }
  bool big = syntax_ == Syntax::ExplicitBig;
  tag_ = static_cast<uint32_t>(u16(hdr_, 0, big)) << 16 | u16(hdr_, 2, big);
  uint32_t len;
  if (tag_ >> 16 == 0xFFFE || syntax_ == Syntax::ImplicitLittle) {  // items and delimiters have no VR
    const Element* e = known(tag_);
    vr_ = e ? e->vr : "";
    len = u32(hdr_, 4, big);
  } else {
    char a = hdr_[4], b = hdr_[5];
    if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z') {
      fail();
      return;
    }
    vr_.assign(hdr_, 4, 2);
    if (long_vr(vr_) && need_ < 12) {
      need_ = 12;
      return;
    }
    len = long_vr(vr_) ? u32(hdr_, 8, big) : u16(hdr_, 6, big);
  }
  const uint64_t start = pos_ - hdr_.size();  // where this header began: the sequences and items ended by then are closed
  hdr_.clear();
  need_ = 8;
  while (!ends_.empty() && ends_.back() <= start) ends_.pop_back();
  if (tag_ == kPixelData && !ends_.empty() && len != kUndefined) {  // an icon's, in a sequence's item: skipped
    left_ = len;
    state_ = len ? State::Skip : State::Header;
    return;
  }
  if (tag_ == kPixelData || tag_ == kPadding) {
    state_ = State::Done;
    if (tag_ == kPixelData) picture(len, out);
    return;
  }
  if (tag_ == kItemEnd || tag_ == kSequenceEnd) {  // closes the innermost one open to its delimiter
    if (!ends_.empty() && ends_.back() == kOpen) ends_.pop_back();
    return;
  }
  // An item, a sequence, an undefined length: the elements inside are read next.
  if (tag_ == kItem || vr_ == "SQ" || len == kUndefined) {
    if (ends_.size() >= kMaxDicomDepth) {
      fail();
      return;
    }
    ends_.push_back(len == kUndefined ? kOpen : pos_ + len);
    return;
  }
  if (tag_ >> 16 == 0xFFFE || len == 0) return;
  left_ = len;
  if (tag_ == kEncapsulatedDocument) {  // a report stored as DICOM: a PDF is read, anything else skipped
    state_ = State::Document;
    return;
  }
  hold_ = (tag_ >> 16 == 0x0002 ? tag_ == kTransferSyntax
                                : known(tag_) || text_vr(vr_) || vr_.empty() || tag_ == kCharset || image_attribute(tag_)) &&
          len <= kMaxDicomValue;
  val_.clear();
  // Implicit VR, an element not in the table: a sequence of defined length starts with an item tag.
  if (vr_.empty() && len >= 8) {
    peek_end_ = pos_ + len;
    state_ = State::Peek;
    need_ = 4;
    return;
  }
  state_ = hold_ ? State::Value : State::Skip;
}

// The first four bytes of an implicit VR value of unknown VR: an item tag
// makes it a sequence, whose elements are read next.
void DicomText::peeked() {
  need_ = 8;
  if (hdr_ == std::string_view("\xFE\xFF\x00\xE0", 4)) {
    state_ = State::Header;  // the item's tag is the start of the next header
    if (ends_.size() >= kMaxDicomDepth) fail();
    else ends_.push_back(peek_end_);
    return;
  }
  if (hold_) val_ = hdr_;
  left_ -= 4;
  hdr_.clear();
  state_ = hold_ ? State::Value : State::Skip;
}

void DicomText::value(std::string& out) {
  if (image_attribute(tag_) && ends_.empty()) image_value();  // and, as before, written when it is text
  if (lut_tag(tag_)) return;                                  // binary
  std::string_view v = trimmed(val_);
  if (tag_ == kTransferSyntax) {
    if (v == "1.2.840.10008.1.2") data_syntax_ = Syntax::ImplicitLittle;
    else if (v == "1.2.840.10008.1.2.2") data_syntax_ = Syntax::ExplicitBig;
    else if (v == "1.2.840.10008.1.2.1.99") deflated_ = true;
    else if (one_of(v, {"1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91"}))
      coding_ = Coding::Jpeg;  // JPEG baseline, extended; JPEG 2000 lossless, lossy: the file is the frame's fragments
    else if (v == "1.2.840.10008.1.2.5") coding_ = Coding::Rle;
    else if (v != "1.2.840.10008.1.2.1") coding_ = Coding::Other;
    return;
  }
  if (tag_ == kCharset) {
    charset_ = charset_name(v);
    return;
  }
  const Element* e = known(tag_);
  std::string_view vr = vr_;
  if (vr.empty() && !e) {
    if (!printable_text(v) || v.find_first_not_of("0123456789.") == std::string_view::npos) return;
    vr = "LT";
  }
  if (vr.empty()) vr = e->vr;
  if (!e && !text_vr(vr)) return;
  std::vector<std::string_view> values = one_of(vr, {"LT", "ST", "UT"}) ? std::vector<std::string_view>{v} : split_on(v, '\\');
  for (std::string_view one : values) {
    one = trimmed(one);
    if (one.empty()) continue;
    std::string text = convert_to_utf8(charset_, one, nullptr);
    if (vr == "PN") text = person_name(text);
    if (vr == "DA") text = as_iso_date(text);
    if (text.empty()) continue;
    if (e) out += e->label;
    out += text;
    out.push_back('\n');
  }
}

// An image attribute of the data set (val_, tag_).
void DicomText::image_value() {
  if (tag_ == kPhotometric) {
    image_.photometric = std::string(trimmed(val_));
    return;
  }
  if (lut_tag(tag_)) {  // 0x...1 red, 2 green, 3 blue
    (tag_ < kLutData ? image_.lut_descriptor : image_.lut)[(tag_ & 0xF) - 1] = val_;
    return;
  }
  if (val_.size() < 2) return;
  uint16_t v = u16(val_, 0, syntax_ == Syntax::ExplicitBig);
  switch (tag_) {
    case kSamples: image_.samples = v; break;
    case kPlanar: image_.planar = v; break;
    case kRows: image_.rows = v; break;
    case kColumns: image_.columns = v; break;
    case kBitsAllocated: image_.bits = v; break;
    case kBitsStored: image_.stored = v; break;
    case kPixelSign: image_.sign = v; break;
    default: break;
  }
}

// The pixel data's header is in (len bytes, or kUndefined: fragments):
// the first frame goes to file_ as a picture when the image attributes
// say how; else it is not read.
void DicomText::picture(uint64_t len, std::string& out) {
  pixels_ = true;
  state_ = State::Done;
  if (!documents_) return;
  if (coding_ == Coding::Jpeg && len == kUndefined) {
    pictured_ = true;
    table_ = true;  // the first item: the frames' offsets
    picture_bytes_ = 0;
    state_ = State::Fragment;
    return;
  }
  const Image& m = image_;
  const bool rle = coding_ == Coding::Rle && len == kUndefined;
  if ((coding_ != Coding::Native || len == kUndefined) && !rle) return;
  if (m.rows == 0 || m.columns == 0) return;
  const bool mono = m.photometric == "MONOCHROME1" || m.photometric == "MONOCHROME2";
  const std::string palette = m.photometric == "PALETTE COLOR" && m.bits == 8 ? lut_palette() : std::string();
  uint64_t stored_pixel = 1;  // bytes
  bool gray = true;
  if (rle) {  // 8-bit: the first segment, all of a grey frame or its first colour plane
    if (m.bits != 8 ||
        !((m.samples == 1 && (mono || !palette.empty())) || (m.samples == 3 && (m.photometric == "RGB" || m.photometric == "YBR_FULL"))))
      return;
    convert_ = Convert::Copy;
  } else if (m.samples == 1 && (mono || !palette.empty()) && m.bits == 8) {
    convert_ = Convert::Copy;
  } else if (m.samples == 1 && mono && m.bits == 16) {
    convert_ = Convert::Gray16;
    stored_pixel = 2;
  } else if (m.samples == 3 && (m.photometric == "RGB" || m.photometric == "YBR_FULL") && m.bits == 8) {
    if (m.planar == 1) {
      convert_ = Convert::Copy;  // the first plane: red, or Y
    } else if (m.photometric == "RGB") {
      convert_ = Convert::Bgr;
      stored_pixel = 3;
      gray = false;
    } else {
      convert_ = Convert::FirstOfThree;  // Y of Y Cb Cr
      stored_pixel = 3;
    }
  } else {
    return;
  }
  const uint64_t frame = uint64_t(m.rows) * m.columns * stored_pixel;
  const uint64_t written = uint64_t(m.columns) * (gray ? 1 : 3), row = (written + 3) / 4 * 4;
  if ((!rle && frame > len) || row * m.rows > kMaxDicomPicture) return;
  std::string dib(40, '\0');  // BITMAPINFOHEADER: uncompressed, no resolution, no important colours
  put_le32(&dib[0], 40);
  put_le32(&dib[4], m.columns);
  put_le32(&dib[8], static_cast<uint32_t>(-static_cast<int32_t>(m.rows)));  // negative: rows top down
  put_le16(&dib[12], 1);                                                      // planes
  put_le16(&dib[14], gray ? 8 : 24);                                          // bits a pixel
  put_le32(&dib[20], static_cast<uint32_t>(row * m.rows));                    // the pixels' size
  put_le32(&dib[32], gray ? 256 : 0);                                         // palette entries
  if (gray && !palette.empty()) dib += palette;
  for (int g = 0; g < 256 && gray && palette.empty(); ++g) {  // MONOCHROME1: 0 is white
    char c = static_cast<char>(m.photometric == "MONOCHROME1" ? 255 - g : g);
    dib += std::string{c, c, c, '\0'};
  }
  std::string file = bmp_file_header(dib, dib.size() + row * m.rows);
  if (file.empty()) return;
  file += dib;
  pad_ = static_cast<uint32_t>(row - written);
  column_ = 0;
  pixel_.clear();
  pictured_ = true;
  if (rle) {  // the .bmp header waits for the fragment's RLE header
    rle_ = Rle{};
    rle_.left = frame;
    rle_.bmp = std::move(file);
    table_ = true;
    state_ = State::Fragment;
    return;
  }
  left_ = frame;
  state_ = State::Pixels;
  file_.bytes(file, out);
}

// PALETTE COLOR with 8 bits a pixel: the .bmp palette (256 entries, blue,
// green, red, 0) the three lookup tables make: each stored value's entry
// (below the first value mapped the first entry, past the last the last),
// 16-bit entries by their high byte, or by their low one when no entry
// of the three tables exceeds 255 (some writers store 8-bit colours so);
// "" when a table is missing, or shorter than its descriptor says.
std::string DicomText::lut_palette() const {
  const bool big = syntax_ == Syntax::ExplicitBig;
  uint64_t entries[3], first[3];
  bool wide[3], high = false;
  for (size_t c = 0; c < 3; ++c) {
    const std::string& d = image_.lut_descriptor[c];
    if (d.size() < 6) return {};
    entries[c] = u16(d, 0, big) ? u16(d, 0, big) : 65536;
    first[c] = u16(d, 2, big);
    uint16_t bits = u16(d, 4, big);
    if (bits != 8 && bits != 16) return {};
    wide[c] = bits == 16;
    if (image_.lut[c].size() < entries[c] * (wide[c] ? 2 : 1)) return {};
    for (uint64_t i = 0; wide[c] && i < entries[c] && !high; ++i) high = u16(image_.lut[c], size_t(2 * i), big) > 255;
  }
  std::string p;
  for (uint64_t v = 0; v < 256; ++v) {
    char bgr[3];
    for (size_t c = 0; c < 3; ++c) {
      uint64_t i = v < first[c] ? 0 : std::min(v - first[c], entries[c] - 1);
      uint16_t e = wide[c] ? u16(image_.lut[c], size_t(2 * i), big) : static_cast<unsigned char>(image_.lut[c][size_t(i)]);
      bgr[2 - c] = static_cast<char>(wide[c] && high ? e >> 8 : e & 0xFF);
    }
    p += std::string{bgr[0], bgr[1], bgr[2], '\0'};
  }
  return p;
}

// Stored pixels of the first frame, as the .bmp file's rows; the file ends with the frame.
void DicomText::pixels(std::string_view in, std::string& out) {
  convert(in, out);
  if (left_ == 0) end_picture(out);
}

// Stored pixels as the .bmp file's, to file_.
void DicomText::convert(std::string_view in, std::string& out) {
  const size_t need = convert_ == Convert::Copy ? 1 : convert_ == Convert::Gray16 ? 2 : 3;
  const unsigned stored = image_.stored >= 1 && image_.stored <= 16 ? image_.stored : 16;
  std::string bmp;
  bmp.reserve(in.size() * 3 / need + pad_ + 3);
  for (char c : in) {
    pixel_.push_back(c);
    if (pixel_.size() < need) continue;
    switch (convert_) {
      case Convert::Copy:
      case Convert::FirstOfThree:
        bmp.push_back(pixel_[0]);
        break;
      case Convert::Gray16: {
        uint32_t v = u16(pixel_, 0, syntax_ == Syntax::ExplicitBig) & ((1u << stored) - 1);
        if (image_.sign == 1) v ^= 1u << (stored - 1);  // two's complement to offset: the lowest value black
        bmp.push_back(static_cast<char>(stored > 8 ? v >> (stored - 8) : v << (8 - stored)));
        break;
      }
      case Convert::Bgr:
        bmp += std::string{pixel_[2], pixel_[1], pixel_[0]};
        break;
    }
    pixel_.clear();
    if (++column_ == image_.columns) {
      bmp.append(pad_, '\0');
      column_ = 0;
    }
  }
  file_.bytes(bmp, out);
}

// An item header of encapsulated pixel data is in: a fragment follows;
// the sequence's delimiter (or anything else) ends the picture.
void DicomText::fragment(std::string& out) {
  uint32_t tag = static_cast<uint32_t>(u16(hdr_, 0, false)) << 16 | u16(hdr_, 2, false), len = u32(hdr_, 4, false);
  hdr_.clear();
  if (tag != kItem || len == kUndefined) {
    end_picture(out);
    return;
  }
  left_ = len;
  if (len > 0) state_ = State::FragmentBytes;
  else table_ = false;  // an empty offset table, or an empty fragment
}

// A fragment's bytes: after the offset table, the JPEG file's, to the
// fragment that ends with its end-of-image marker (then an even length's
// padding byte, or none; a JPEG 2000 codestream's end marker is the same).
void DicomText::fragment_bytes(std::string_view in, std::string& out) {
  if (!table_ && coding_ == Coding::Rle) {
    rle(in, out);
    if (state_ != State::Done && left_ == 0) end_picture(out);  // a frame is one fragment
    return;
  }
  if (!table_) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(in.size(), kMaxDicomPicture - picture_bytes_));
    file_.bytes(in.substr(0, n), out);
    picture_bytes_ += n;
    tail_ += in.substr(in.size() - std::min<size_t>(in.size(), 3));
    if (tail_.size() > 3) tail_.erase(0, tail_.size() - 3);
  }
  if (left_ > 0) return;
  state_ = State::Fragment;
  if (table_) {
    table_ = false;
    return;
  }
  std::string_view t = tail_;
  bool eoi = (t.size() >= 2 && t.substr(t.size() - 2) == "\xFF\xD9") ||
             (t.size() >= 3 && t.substr(t.size() - 3) == std::string_view("\xFF\xD9\0", 3));
  if (eoi || picture_bytes_ >= kMaxDicomPicture) end_picture(out);
}

// An RLE fragment's bytes (PS3.5 annex G): its 64-byte header (the number
// of segments, their offsets), then the first segment's PackBits runs
// decoded into the frame's first rows*columns pixels; the picture ends
// with them. The other segments (planes, low bytes) are not read.
void DicomText::rle(std::string_view in, std::string& out) {
  std::string px;
  while (!in.empty() && rle_.left > 0) {
    if (rle_.head.size() < 64) {
      size_t n = std::min(in.size(), 64 - rle_.head.size());
      rle_.head.append(in.substr(0, n));
      in.remove_prefix(n);
      if (rle_.head.size() < 64) break;
      uint32_t segments = u32(rle_.head, 0, false), first = u32(rle_.head, 4, false);
      if (segments == 0 || segments > 15 || first < 64) {  // not an RLE header: no picture
        end_picture(out);
        return;
      }
      rle_.skip = first - 64;
      file_.bytes(rle_.bmp, out);
      rle_.bmp.clear();
      continue;
    }
    if (rle_.skip > 0) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(in.size(), rle_.skip));
      rle_.skip -= n;
      in.remove_prefix(n);
      continue;
    }
    auto byte = static_cast<unsigned char>(in.front());
    if (rle_.literal > 0) {  // a run of bytes as they are
      size_t n = static_cast<size_t>(std::min<uint64_t>({in.size(), rle_.literal, rle_.left}));
      px.append(in.substr(0, n));
      in.remove_prefix(n);
      rle_.literal -= n;
      rle_.left -= n;
    } else if (rle_.repeat > 0) {  // the byte repeated
      size_t n = static_cast<size_t>(std::min<uint64_t>(rle_.repeat, rle_.left));
      px.append(n, static_cast<char>(byte));
      in.remove_prefix(1);
      rle_.repeat = 0;
      rle_.left -= n;
    } else {  // a run's header: 0..127 n+1 bytes follow; -1..-127 the next one -n+1 times; -128 nothing
      in.remove_prefix(1);
      if (byte < 128) rle_.literal = byte + 1u;
      else if (byte > 128) rle_.repeat = 257u - byte;
    }
  }
  convert(px, out);
  if (rle_.left == 0) end_picture(out);
}

}  // namespace phi::mime
