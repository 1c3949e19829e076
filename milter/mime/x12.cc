// x12 - HIPAA X12 segments written as labelled text (see x12.h).
#include "milter/mime/x12.h"

#include <algorithm>
#include <vector>

#include "milter/mime/labelled.h"
#include "milter/util/strings.h"

namespace phi::mime {

bool X12Text::starts(std::string_view b) {
  return b.size() >= 7 && b.substr(0, 3) == "ISA" && !ascii_alnum(b[3]) && b[3] != ' ' && b[6] == b[3];
}

void X12Text::feed(std::string_view in, std::string& out) {
  if (passthrough_) {
    out.append(in);
    return;
  }
  for (char c : in) take(c, out);
}

void X12Text::take(char c, std::string& out) {
  if (passthrough_) {
    out.push_back(c);
    return;
  }
  if (!known_) {
    isa_.push_back(c);
    if (isa_.size() < kX12IsaBytes) return;
    elem_ = isa_[3];
    comp_ = isa_[104];
    seg_ = isa_[105];
    auto seps = std::count(isa_.begin(), isa_.begin() + 104, elem_);
    if (seps != 16 || ascii_alnum(seg_) || seg_ == elem_) {  // not an ISA header: the bytes as they are
      passthrough_ = true;
      out.append(isa_);
      isa_.clear();
      return;
    }
    known_ = true;
    seg_buf_.assign(isa_, 0, 105);
    isa_.clear();
    segment(out);
    return;
  }
  if (c == seg_) {
    if (long_) out.push_back('\n');
    else segment(out);
    long_ = false;
    return;
  }
  if (long_) {
    raw(std::string_view(&c, 1), out);
    return;
  }
  if (seg_buf_.empty() && (c == '\r' || c == '\n' || c == ' ' || c == '\t')) return;  // line breaks between segments
  if (seg_buf_.size() >= kMaxX12Segment) {
    raw(seg_buf_, out);
    seg_buf_.clear();
    long_ = true;
    raw(std::string_view(&c, 1), out);
    return;
  }
  seg_buf_.push_back(c);
}

void X12Text::raw(std::string_view bytes, std::string& out) {
  for (char c : bytes) out.push_back(c == elem_ || c == comp_ ? ' ' : c);
}

void X12Text::finish(std::string& out) {
  if (!known_ && !passthrough_) out.append(isa_);  // too short to be X12
  else if (known_ && !long_ && !seg_buf_.empty()) segment(out);
  isa_.clear();
  seg_buf_.clear();
}

// One segment (without its terminator) as a line of text.
void X12Text::segment(std::string& out) {
  std::vector<std::string_view> e = split_on(seg_buf_, elem_);
  auto el = [&](size_t i) { return i < e.size() ? e[i] : std::string_view(); };
  std::string_view id = e[0];
  std::string line;
  if (id == "NM1") {
    bool person = el(2) == "1";
    std::string name;
    for (size_t k : {size_t{4}, size_t{5}, size_t{3}})
      if (person && !el(k).empty()) name += (name.empty() ? "" : " ") + title_case(el(k));
    if (!person) name = std::string(el(3));
    std::string_view who = el(1);
    line = !person         ? "Organization: "
           : who == "IL"   ? "Subscriber name: "
           : (who == "QC" || who == "03") ? "Patient name: "
                                           : "Provider ";
    line += name;
    std::string_view q = el(8), v = el(9);
    if (!v.empty())
      line += std::string("\n") + (q == "MI" ? "Member ID: " : q == "34" ? "SSN: " : q == "XX" ? "NPI: " : "ID: ") +
              std::string(v);
  } else if (id == "DMG" && el(1) == "D8") {
    line = "Date of birth: " + as_iso_date(el(2));
  } else if (id == "HI") {
    line = "Diagnosis:";
    for (size_t k = 1; k < e.size(); ++k) {
      std::vector<std::string_view> c = split_on(e[k], comp_);
      if (c.size() > 1) line += (k > 1 ? ", " : " ") + icd10_code(c[1]);
    }
  } else if (id == "SV1" || id == "SV2" || id == "SV3" || id == "SVC") {
    line = "Procedure:";
    for (size_t k = 1; k < e.size(); ++k) {
      std::vector<std::string_view> c = split_on(e[k], comp_);
      if (c.size() > 1 && (c[0] == "HC" || c[0] == "AD")) line += " CPT " + std::string(c[1]);
    }
  } else if (id == "REF") {
    std::string_view q = el(1);
    line = q == "SY"                                  ? "SSN: "
           : (q == "1W" || q == "IL" || q == "0F")    ? "Member ID: "
           : q == "EA"                                ? "MRN: "
           : (q == "F8" || q == "D9" || q == "1K")    ? "Claim number: "
                                                      : "Reference: ";
    line += std::string(el(2));
  } else if (id == "N3") {
    line = "Address: " + std::string(el(1)) + (el(2).empty() ? "" : " " + std::string(el(2)));
  } else if (id == "N4") {
    line = "Address: " + std::string(el(1)) + ", " + std::string(el(2)) + " " + std::string(el(3));
  } else if (id == "CLM" || id == "CLP") {
    line = "Claim number: " + std::string(el(1));
  } else if (id == "DTP") {
    std::string_view q = el(1);
    line = q == "472" ? "Date of service: " : q == "435" ? "Admission date: " : q == "096" ? "Discharge date: " : "Date: ";
    line += el(2) == "D8" ? as_iso_date(el(3)) : std::string(el(3));
  } else {
    raw(seg_buf_, line);
  }
  out += line;
  out.push_back('\n');
  seg_buf_.clear();
}

}  // namespace phi::mime
