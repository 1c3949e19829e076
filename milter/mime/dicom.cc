// dicom - a DICOM file's text values written as labelled lines, up to its pixel data (see dicom.h).
#include "milter/mime/dicom.h"

#include <algorithm>

#include "milter/mime/charset.h"
#include "milter/mime/labelled.h"
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
constexpr uint32_t kItem = 0xFFFEE000;

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
  return pixels_ ? "image" : "";
}

void DicomText::finish(std::string& out) {
  if (state_ != State::Document) return;
  file_.end(out);  // cut short: what the reader makes of it (too short to tell: skipped)
  state_ = State::Done;
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
        size_t take = std::min(in.size(), kDicomPreamble + 4 - hdr_.size());
        hdr_.append(in.substr(0, take));
        in.remove_prefix(take);
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
      case State::Peek: {
        size_t take = std::min(in.size(), need_ - hdr_.size());
        hdr_.append(in.substr(0, take));
        in.remove_prefix(take);
        if (hdr_.size() < need_) break;
        if (state_ == State::Peek) peeked();
        else header();
        break;
      }
      case State::Document: {
        size_t take = static_cast<size_t>(std::min<uint64_t>(in.size(), left_));
        left_ -= take;
        document(in.substr(0, take), out);
        in.remove_prefix(take);
        break;
      }
      case State::Value:
      case State::Skip: {
        size_t take = static_cast<size_t>(std::min<uint64_t>(in.size(), left_));
        if (state_ == State::Value) val_.append(in.substr(0, take));
        in.remove_prefix(take);
        left_ -= take;
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
// items (a sequence), or the next header.
void DicomText::header() {
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
  hdr_.clear();
  need_ = 8;
  if (tag_ == kPixelData || tag_ == kPadding) {
    pixels_ = tag_ == kPixelData;
    state_ = State::Done;
    return;
  }
  // An item, a delimiter, a sequence, an undefined length: the elements inside are read next.
  if (tag_ >> 16 == 0xFFFE || vr_ == "SQ" || len == 0xFFFFFFFF || len == 0) return;
  left_ = len;
  if (tag_ == kEncapsulatedDocument) {  // a report stored as DICOM: a PDF is read, anything else skipped
    state_ = State::Document;
    return;
  }
  hold_ = (tag_ >> 16 == 0x0002 ? tag_ == kTransferSyntax : known(tag_) || text_vr(vr_) || vr_.empty() || tag_ == kCharset) &&
          len <= kMaxDicomValue;
  val_.clear();
  // Implicit VR, an element not in the table: a sequence of defined length starts with an item tag.
  if (vr_.empty() && len >= 8) {
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
    return;
  }
  if (hold_) val_ = hdr_;
  left_ -= 4;
  hdr_.clear();
  state_ = hold_ ? State::Value : State::Skip;
}

void DicomText::value(std::string& out) {
  std::string_view v = trimmed(val_);
  if (tag_ == kTransferSyntax) {
    if (v == "1.2.840.10008.1.2") data_syntax_ = Syntax::ImplicitLittle;
    else if (v == "1.2.840.10008.1.2.2") data_syntax_ = Syntax::ExplicitBig;
    else if (v == "1.2.840.10008.1.2.1.99") deflated_ = true;
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

}  // namespace phi::mime
