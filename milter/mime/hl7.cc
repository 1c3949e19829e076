// hl7 - HL7 v2 segments written as labelled text (see hl7.h).
#include "milter/mime/hl7.h"

#include <algorithm>
#include <vector>

#include "milter/mime/labelled.h"
#include "milter/util/strings.h"

namespace phi::mime {

enum class Hl7Field : int { Id, Name, Person, Date, Address, Phone, Code, Text };

namespace {

using F = Hl7Field;

struct Label {
  std::string_view segment;
  size_t field;
  F kind;
  std::string_view label;
};

// The fields that carry a person's data, by segment and position (HL7 v2.5).
// Id: CX (its type code may say more); Name: XPN; Person: XCN (id, then
// the name); Code: CE or CWE; Phone: XTN; Address: XAD; Date: TS or DTM.
constexpr Label kLabels[] = {
    {"PID", 2, F::Id, "Patient ID: "},
    {"PID", 3, F::Id, "Patient ID: "},
    {"PID", 4, F::Id, "Patient ID: "},
    {"PID", 5, F::Name, "Patient name: "},
    {"PID", 6, F::Name, "Mother's maiden name: "},
    {"PID", 7, F::Date, "Date of birth: "},
    {"PID", 9, F::Name, "Alias name: "},
    {"PID", 11, F::Address, "Address: "},
    {"PID", 13, F::Phone, "Home phone: "},
    {"PID", 14, F::Phone, "Work phone: "},
    {"PID", 18, F::Id, "Account number: "},
    {"PID", 19, F::Text, "SSN: "},
    {"PID", 20, F::Text, "Driver's license: "},
    {"PID", 29, F::Date, "Date of death: "},
    {"NK1", 2, F::Name, "Next of kin name: "},
    {"NK1", 4, F::Address, "Address: "},
    {"NK1", 5, F::Phone, "Phone: "},
    {"NK1", 6, F::Phone, "Work phone: "},
    {"NK1", 16, F::Date, "Date of birth: "},
    {"NK1", 37, F::Text, "SSN: "},
    {"PV1", 7, F::Person, "Attending physician: "},
    {"PV1", 8, F::Person, "Referring physician: "},
    {"PV1", 9, F::Person, "Consulting physician: "},
    {"PV1", 17, F::Person, "Admitting physician: "},
    {"PV1", 19, F::Id, "Encounter number: "},
    {"PV1", 44, F::Date, "Admission date: "},
    {"PV1", 45, F::Date, "Discharge date: "},
    {"DG1", 3, F::Code, "Diagnosis: "},
    {"DG1", 4, F::Text, "Diagnosis: "},
    {"DG1", 5, F::Date, "Diagnosis date: "},
    {"DG1", 16, F::Person, "Diagnosing physician: "},
    {"PR1", 3, F::Code, "Procedure: "},
    {"PR1", 4, F::Text, "Procedure: "},
    {"PR1", 5, F::Date, "Procedure date: "},
    {"PR1", 11, F::Person, "Surgeon: "},
    {"ORC", 12, F::Person, "Ordering provider: "},
    {"OBR", 4, F::Code, "Order: "},
    {"OBR", 7, F::Date, "Date of service: "},
    {"OBR", 16, F::Person, "Ordering provider: "},
    {"OBR", 31, F::Code, "Diagnosis: "},
    {"OBX", 14, F::Date, "Date of service: "},
    {"AL1", 3, F::Code, "Allergy: "},
    {"AL1", 5, F::Text, "Reaction: "},
    {"RXO", 1, F::Code, "Medication: "},
    {"RXE", 2, F::Code, "Medication: "},
    {"RXD", 2, F::Code, "Medication: "},
    {"RXA", 5, F::Code, "Medication: "},
    {"IN1", 2, F::Code, "Insurance plan: "},
    {"IN1", 4, F::Text, "Insurance company: "},
    {"IN1", 8, F::Text, "Group number: "},
    {"IN1", 16, F::Name, "Insured name: "},
    {"IN1", 18, F::Date, "Insured date of birth: "},
    {"IN1", 19, F::Address, "Address: "},
    {"IN1", 36, F::Text, "Member ID: "},
    {"IN1", 49, F::Id, "Insured ID: "},
    {"GT1", 3, F::Name, "Guarantor name: "},
    {"GT1", 5, F::Address, "Address: "},
    {"GT1", 6, F::Phone, "Home phone: "},
    {"GT1", 8, F::Date, "Date of birth: "},
    {"GT1", 12, F::Text, "SSN: "},
    {"MRG", 1, F::Id, "Patient ID: "},
    {"MRG", 3, F::Id, "Account number: "},
    {"MRG", 7, F::Name, "Patient name: "},
};

// OBX's observation (3), value (5), units (6), reference range (7) and flags (8): one "Result:" line.
bool result_field(size_t k) { return k == 3 || k == 5 || k == 6 || k == 7 || k == 8; }

const Label* find_label(std::string_view segment, size_t field) {
  for (const Label& l : kLabels)
    if (l.field == field && l.segment == segment) return &l;
  return nullptr;
}

// An identifier's type code (CX.5) names it more precisely than its field.
std::string_view id_label(std::string_view type, std::string_view fallback) {
  if (one_of(type, {"MR", "MRN", "MRT", "PI", "PT", "PN", "PE"})) return "MRN: ";
  if (type == "SS") return "SSN: ";
  if (one_of(type, {"MB", "MI", "MA", "MC", "MCD", "MCR", "SN", "HC"})) return "Member ID: ";
  if (type == "AN") return "Account number: ";
  if (type == "VN") return "Encounter number: ";
  if (type == "DL") return "Driver's license: ";
  if (type == "NPI") return "NPI: ";
  return fallback;
}

// Separators are printable ASCII punctuation.
bool separator(char c) { return c > ' ' && c < 0x7F && !ascii_alnum(c); }

bool header_id(std::string_view id) { return id == "MSH" || id == "FHS" || id == "BHS"; }

constexpr std::string_view kSegmentEnds("\r\n\x0B\x1C", 4);

void add(std::string& out, std::string_view part) {
  if (part.empty()) return;
  if (!out.empty()) out.push_back(' ');
  out.append(part);
}

// The line that starts at `line` may begin a header: quote marks or blanks, MLLP's start byte, or MSH, FHS, BHS
// (or too few bytes to tell).
bool may_begin_header(std::string_view line) {
  switch (line[0]) {
    case '>': case ' ': case '\t': case '\x0B': return true;
    case 'M': case 'F': case 'B': return line.size() < 3 || header_id(line.substr(0, 3));
    default: return false;
  }
}

// A line of HL7 after a header: a segment ID and the field separator, or an MLLP frame byte.
bool segment_line(std::string_view l, char field) {
  auto id_char = [](char c) { return ascii_upper(c) || ascii_digit(c); };
  if (!l.empty() && (l[0] == '\x0B' || l[0] == '\x1C')) return true;
  return l.size() >= 4 && ascii_upper(l[0]) && id_char(l[1]) && id_char(l[2]) && l[3] == field;
}


}  // namespace

bool Hl7Text::starts(std::string_view b) {
  if (!b.empty() && b[0] == '\x0B') b.remove_prefix(1);  // MLLP's start of block
  if (b.size() < 8 || !header_id(b.substr(0, 3)) || !separator(b[3])) return false;
  for (size_t i = 4; i < 9 && i < b.size(); ++i) {  // two to four encoding characters, then the field separator
    if (b[i] == b[3]) return i >= 6;
    if (!separator(b[i])) return false;
  }
  return false;
}

void Hl7Text::feed(std::string_view in, std::string& out) {
  while (!in.empty()) {
    size_t end = in.find_first_of(kSegmentEnds);
    std::string_view piece = in.substr(0, end);
    if (long_) {
      long_bytes(piece, out);
    } else if (seg_.size() + piece.size() > kMaxHl7Segment) {  // written (or decoded) as it comes
      std::string s = std::move(seg_);
      seg_.clear();
      s.append(piece);
      long_ = true;
      long_head(s, out);
    } else {
      seg_.append(piece);
    }
    if (end == std::string_view::npos) return;
    if (long_) {
      out.push_back('\n');
      if (enc_ != Encoding::None) file_end(out);
    } else if (!seg_.empty()) {
      segment(out);
    }
    long_ = false;
    in.remove_prefix(end + 1);
  }
}

// Where the file data of an OBX of value type ED begins in `s` (the
// whole segment, or the first bytes of a longer one): the offset of
// OBX-5's fifth component when the fourth, the encoding, is Base64 or Hex
// (`enc`), else npos. Data of any other encoding but A (text), or not
// found in a longer segment's head, is a file skipped.
size_t Hl7Text::file_data(std::string_view s, bool whole, Encoding& enc) {
  enc = Encoding::None;
  constexpr size_t npos = std::string_view::npos;
  if (s.size() < 4 || s.compare(0, 3, "OBX") != 0 || s[3] != field_) return npos;
  size_t at = 0;  // the field separator before OBX-5
  for (int k = 0; k < 5 && at != npos; ++k) at = s.find(field_, at + (k > 0));
  std::vector<std::string_view> f = split_on(s.substr(0, at == npos ? s.size() : at), field_);
  if (f.size() < 3 || f[2] != "ED") return npos;
  size_t end = at == npos ? npos : s.find(field_, at + 1);
  std::string_view value = at == npos ? std::string_view() : s.substr(at + 1, end == npos ? npos : end - at - 1);
  if (value.empty() && (whole || end != npos)) return npos;  // ED without a value
  std::vector<std::string_view> c = split_on(value, comp_);
  if (c.size() < 5) {  // no data where an ED has it (or not in a longer segment's head)
    file_.skip();
    return npos;
  }
  if (iequals(c[3], "Base64")) enc = Encoding::Base64;
  else if (iequals(c[3], "Hex")) enc = Encoding::Hex;
  else if (!iequals(c[3], "A")) file_.skip();  // an encoding not known: written as text
  return enc == Encoding::None ? npos : static_cast<size_t>(c[4].data() - s.data());
}

// Where a file's data that starts at `from` ends: at the next separator of
// any kind (base64 and hex use none), npos when not in `s`.
size_t Hl7Text::data_end(std::string_view s, size_t from) const {
  const char seps[] = {field_, comp_, rep_, sub_, esc_};
  return s.find_first_of(std::string_view(seps, sizeof seps), from);
}

// The first bytes of a segment longer than kMaxHl7Segment: written as
// they come, an OBX's file data from its head on decoded instead.
void Hl7Text::long_head(std::string_view s, std::string& out) {
  Encoding enc;
  size_t d = file_data(s.substr(0, kEmbeddedHead), false, enc);
  if (d == std::string_view::npos) {
    raw(s, out);
    return;
  }
  raw(s.substr(0, d), out);
  out.push_back('\n');  // the file's text on lines of its own
  enc_ = enc;
  long_bytes(s.substr(d), out);
}

void Hl7Text::long_bytes(std::string_view in, std::string& out) {
  if (enc_ == Encoding::None) {
    raw(in, out);
    return;
  }
  size_t stop = data_end(in, 0);
  decode(in.substr(0, stop), out);
  if (stop == std::string_view::npos) return;
  file_end(out);
  raw(in.substr(stop), out);
}

// File data to file_, decoded (an RTF's or XML's text to `out`).
void Hl7Text::decode(std::string_view in, std::string& out) {
  dec_.clear();
  if (enc_ == Encoding::Base64) {
    b64_.decode(in, dec_);
  } else {
    hex_.decode(in, dec_);
  }
  file_.bytes(dec_, out);
}

// The file's data is over: what the reader makes of it, after `out`.
void Hl7Text::file_end(std::string& out) {
  dec_.clear();
  if (enc_ == Encoding::Base64) b64_.finish(dec_);
  file_.bytes(dec_, out);
  file_.end(out);
  if (b64_.had_errors()) errors_ = true;
  enc_ = Encoding::None;
  b64_ = Base64Decoder();
  hex_ = HexDecoder();
}

void Hl7Text::finish(std::string& out) {
  if (!long_ && !seg_.empty()) segment(out);
  if (enc_ != Encoding::None) file_end(out);  // cut short: what the reader makes of it
  seg_.clear();
  long_ = false;
}

void Hl7Text::raw(std::string_view bytes, std::string& out) const {
  for (char c : bytes) out.push_back(c == field_ || c == comp_ || c == rep_ || c == sub_ || c == esc_ ? ' ' : c);
}

// A field's or component's text: separators as blanks, escape sequences decoded.
std::string Hl7Text::text(std::string_view v) const {
  std::string r;
  r.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    size_t e = c == esc_ && esc_ != field_ ? v.find(esc_, i + 1) : std::string_view::npos;
    if (e == std::string_view::npos || e - i > 64) {
      r.push_back(c == comp_ || c == rep_ || c == sub_ || c == esc_ ? ' ' : c);
      continue;
    }
    std::string_view seq = v.substr(i + 1, e - i - 1);
    i = e;
    if (seq == "F") r.push_back(field_);
    else if (seq == "S") r.push_back(comp_);
    else if (seq == "T") r.push_back(sub_);
    else if (seq == "R") r.push_back(rep_);
    else if (seq == "E") r.push_back(esc_);
    else if (seq.substr(0, 3) == ".br" || seq.substr(0, 3) == ".sp") r.push_back('\n');
    else if (seq.substr(0, 1) == ".") r.push_back(' ');  // .in .ti .sk .ce .fi .nf: layout
    else if (seq.substr(0, 1) == "X") {                   // hexadecimal bytes: printable ASCII kept
      for (size_t k = 1; k + 1 < seq.size(); k += 2) {
        int hi = hex_value(seq[k]), lo = hex_value(seq[k + 1]);
        if (hi < 0 || lo < 0) break;
        int b = hi * 16 + lo;
        r.push_back(b == '\r' || b == '\n' ? '\n' : (b >= ' ' && b < 0x7F) ? static_cast<char>(b) : ' ');
      }
    }
    // \H\ \N\ (highlighting), \Cxxyy\ \Mxxyyzz\ (character sets), \Z...\: nothing
  }
  return r;
}

// A person's name from an XPN (first = 0) or the name part of an XCN (first = 1):
// family (its first subcomponent), given, middle, suffix -> "Jane Q Doe".
std::string Hl7Text::person(std::string_view v, size_t first) const {
  std::vector<std::string_view> c = split_on(v, comp_);
  auto el = [&](size_t i) { return i < c.size() ? c[i] : std::string_view(); };
  std::string out;
  for (size_t k : {first + 1, first + 2, first})
    add(out, title_case(text(k == first ? split_on(el(k), sub_)[0] : el(k))));
  add(out, text(el(first + 3)));
  return out;
}

// A coded element (CE, CWE): code and text, and the alternate code and text;
// ICD-10 codes with their period, CPT codes labelled.
std::string Hl7Text::code(std::string_view v) const {
  std::vector<std::string_view> c = split_on(v, comp_);
  auto el = [&](size_t i) { return i < c.size() ? c[i] : std::string_view(); };
  std::string out;
  for (size_t k : {size_t{0}, size_t{3}}) {
    std::string_view sys = el(k + 2);
    std::string cd = text(el(k));
    if (!cd.empty() && one_of(sys, {"I10", "I10C", "ICD10", "ICD-10", "ICD10CM", "ICD-10-CM", "2.16.840.1.113883.6.90"}))
      cd = icd10_code(cd);
    else if (!cd.empty() && one_of(sys, {"C4", "C5", "CPT", "CPT4", "CPT-4"}))
      cd = "CPT " + cd;
    add(out, cd);
    add(out, text(el(k + 1)));
  }
  return out;
}

std::string Hl7Text::value(Hl7Field kind, std::string_view v, std::string_view& label) const {
  std::vector<std::string_view> c = split_on(v, comp_);
  auto el = [&](size_t i) { return i < c.size() ? c[i] : std::string_view(); };
  switch (kind) {
    case F::Id:
      label = id_label(el(4), label);
      return text(el(0));
    case F::Name:
      return person(v, 0);
    case F::Person: {
      std::string out = person(v, 1);
      if (!el(0).empty()) out += (el(12) == "NPI" ? "\nNPI: " : "\nProvider ID: ") + text(el(0));
      return out;
    }
    case F::Date: {
      std::string iso = iso_date(el(0));
      return iso.empty() ? text(el(0)) : iso;
    }
    case F::Address: {
      std::string out;  // "17 Daws Rd, Apt 4, Blue Bell, PA 19422"
      for (std::string part : {title_case(text(split_on(el(0), sub_)[0])), title_case(text(el(1))),
                               title_case(text(el(2))), text(el(3))})
        if (!part.empty()) out += (out.empty() ? "" : ", ") + part;
      add(out, text(el(4)));
      return out;
    }
    case F::Phone: {
      std::string out = text(el(0));
      if (out.empty() && !el(6).empty()) {  // area code and local number (v2.3 on)
        std::string local = text(el(6));
        if (local.size() == 7) local.insert(3, "-");
        out = el(5).empty() ? local : "(" + text(el(5)) + ") " + local;
      }
      add(out, text(el(3)));  // an e-mail address
      return out;
    }
    case F::Code:
      return code(v);
    case F::Text:
      return text(v);
  }
  return text(v);
}

// One segment (without its terminator): a line of its unlabelled fields,
// then a labelled line per labelled field and repetition.
void Hl7Text::segment(std::string& out) {
  std::string_view s = seg_;
  if (s.size() >= 4 && header_id(s.substr(0, 3)) && separator(s[3])) {  // a header names the separators
    field_ = s[3];
    size_t end = s.find(field_, 4);
    std::string_view enc = s.substr(4, end == std::string_view::npos ? std::string_view::npos : end - 4);
    auto sep = [&](size_t i) { return i < enc.size() && separator(enc[i]) ? enc[i] : field_; };
    comp_ = sep(0);
    rep_ = sep(1);
    esc_ = sep(2);
    sub_ = sep(3);
    out.append(s.substr(0, 3));
    if (end != std::string_view::npos) {
      out.push_back(' ');
      raw(s.substr(end + 1), out);
    }
    out.push_back('\n');
    seg_.clear();
    return;
  }
  std::vector<std::string_view> f = split_on(s, field_);
  std::string_view id = f[0];
  bool obx = id == "OBX";
  Encoding enc = Encoding::None;
  size_t d = obx && f.size() > 2 && f[2] == "ED" ? file_data(s, true, enc) : std::string_view::npos;
  std::string_view data;
  if (d != std::string_view::npos) {  // the file's data is decoded, not written
    size_t stop = data_end(s, d);
    data = s.substr(d, stop == std::string_view::npos ? std::string_view::npos : stop - d);
    f[5] = f[5].substr(0, d - static_cast<size_t>(f[5].data() - s.data()));  // the components before the data
  }
  std::string line = text(id), result, labelled;
  for (size_t k = 1; k < f.size(); ++k) {
    if (f[k].empty()) continue;
    if (obx && result_field(k)) {  // a coded value (OBX-2 CE, CWE, CNE) as a code
      bool coded = k != 7 && k != 8 && (k != 5 || one_of(f[2], {"CE", "CWE", "CNE"}));
      add(result, coded ? code(f[k]) : text(f[k]));
      continue;
    }
    const Label* l = find_label(id, k);
    if (!l) {
      add(line, text(f[k]));
      continue;
    }
    for (std::string_view r : split_on(f[k], rep_)) {
      std::string_view label = l->label;
      std::string v = value(l->kind, r, label);
      if (trim(v).empty()) continue;
      labelled.append(label);
      labelled.append(v);
      labelled.push_back('\n');
    }
  }
  out.append(line);
  out.push_back('\n');
  if (!result.empty()) out.append("Result: " + result + "\n");
  out.append(labelled);
  if (d != std::string_view::npos) {
    enc_ = enc;
    decode(data, out);
    file_end(out);
  }
  seg_.clear();
}


// Before any header, lines that cannot begin one are text: the bytes of `in`
// they take from its start, 0 when the first may begin one (it is held).
size_t Hl7Lines::text_run(std::string_view in) {
  if (hl7_ || !head_.empty() || line_ == Line::Segment || (line_ == Line::Head && may_begin_header(in))) return 0;
  size_t end = 0;
  line_ = Line::Text;
  for (;;) {
    size_t nl = in.find('\n', end);
    if (nl == std::string_view::npos) return in.size();
    end = nl + 1;
    if (end == in.size() || may_begin_header(in.substr(end))) {
      line_ = Line::Head;
      return end;
    }
  }
}

std::string_view Hl7Lines::filter(std::string_view in, std::string& buf) {
  buf.clear();
  if (in.empty()) return in;
  size_t run = text_run(in);
  if (run == in.size()) return in;  // unchanged, and nothing held: no copy (most text)
  buf.append(in.substr(0, run));
  feed(in.substr(run), buf);
  return buf;
}

void Hl7Lines::feed(std::string_view in, std::string& out) {
  while (!in.empty()) {
    if (size_t run = text_run(in)) {  // most lines of most mail, in one piece
      out.append(in.substr(0, run));
      in.remove_prefix(run);
      continue;
    }
    size_t nl = in.find('\n');
    if (line_ == Line::Head) {
      size_t take = std::min({in.size(), nl == std::string_view::npos ? in.size() : nl + 1, kHl7LineHead - head_.size()});
      head_.append(in.substr(0, take));
      in.remove_prefix(take);
      if (head_.size() == kHl7LineHead || head_.back() == '\n') decide(out);
      continue;
    }
    std::string_view piece = in.substr(0, nl == std::string_view::npos ? in.size() : nl + 1);
    if (line_ == Line::Text) out.append(piece);
    else reader_.feed(piece, out);
    in.remove_prefix(piece.size());
    if (nl != std::string_view::npos) line_ = Line::Head;
  }
}

// The line's first bytes are in (or the whole line): HL7 or text.
void Hl7Lines::decide(std::string& out) {
  std::string_view h = head_;
  size_t q = 0;
  while (q < h.size() && q < kMaxHl7Quote && (h[q] == '>' || h[q] == ' ' || h[q] == '\t')) ++q;
  std::string_view rest = h.substr(q);
  bool header = Hl7Text::starts(rest);
  hl7_ = hl7_ || header;
  bool segment = header || (hl7_ && segment_line(rest, reader_.field_separator()));
  if (segment) reader_.feed(rest, out);  // without its quote marks
  else out.append(h);
  line_ = h.back() == '\n' ? Line::Head : segment ? Line::Segment : Line::Text;
  head_.clear();
}

void Hl7Lines::finish(std::string& out) {
  if (line_ == Line::Head && !head_.empty()) decide(out);
  reader_.finish(out);
  if (unread_.empty()) unread_ = std::string(reader_.unread());
  errors_ = had_errors();
  reader_ = Hl7Text(documents_);
  hl7_ = false;
  line_ = Line::Head;
}

}  // namespace phi::mime
