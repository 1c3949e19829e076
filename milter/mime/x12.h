// NAME
//   x12 - HIPAA X12 transactions (837 claims, 835 remittances, 834, 270/271) as labelled text
// SYNOPSIS
//   if (X12Text::starts(first_bytes)) { X12Text x; x.feed(bytes, out); ... x.finish(out); }
// DESCRIPTION
//   The transactions HIPAA prescribes for claims, remittances, enrolment
//   and eligibility are X12 files: segments of elements
//   ("NM1*IL*1*DOE*JANE****MI*W123456789~DMG*D8*19620314*F~HI*ABK:E119~")
//   in which nothing says "name", "date of birth" or "diagnosis" the way
//   the classifier reads it. X12Text writes each segment as a line of
//   text, the segments that carry a person's data with a label:
//     NM1  "Subscriber name:" (IL), "Patient name:" (QC, 03), "Provider"
//          or "Organization" otherwise, the name in title case, and its
//          identifier ("Member ID", "SSN", "NPI", "ID");
//     DMG  "Date of birth: 1962-03-14";
//     HI   "Diagnosis: E11.9, I10" (ICD-10 codes with their period);
//     SV1, SV2, SV3, SVC  "Procedure: CPT 99214";
//     REF  "SSN", "Member ID", "MRN", "Claim number" by qualifier;
//     N3, N4  "Address: ..."; CLM, CLP  "Claim number: ...";
//     DTP  "Date of service:", "Admission date:", "Discharge date:".
//   Any other segment is its elements separated by blanks: nothing is
//   dropped. The separators are the interchange header's (ISA: element
//   separator at byte 3, component separator at 104, segment terminator
//   at 105); input whose ISA does not have them is passed on unchanged.
//   Line breaks after segment terminators are ignored.
// INPUT
//   Untrusted. Memory: the ISA header and one segment of at most
//   kMaxX12Segment bytes (a longer one is written as it comes, its
//   separators as blanks). Time: linear.
// THREADS
//   One object per stream.
#ifndef PHI_MIME_X12_H
#define PHI_MIME_X12_H

#include <cstddef>
#include <string>
#include <string_view>

namespace phi::mime {

inline constexpr size_t kX12IsaBytes = 106;
inline constexpr size_t kMaxX12Segment = 4096;

class X12Text {
 public:
  // The first bytes of a file (at least 7) begin an X12 interchange.
  static bool starts(std::string_view first_bytes);
  void feed(std::string_view in, std::string& out);
  void finish(std::string& out);
  bool had_errors() const { return false; }  // any bytes are text: an ISA that is not one passes unchanged

 private:
  void take(char c, std::string& out);
  void segment(std::string& out);
  void raw(std::string_view bytes, std::string& out);

  std::string isa_;        // the interchange header, until its separators are known
  bool known_ = false;     // the separators are known
  bool passthrough_ = false;  // not X12 after all: the bytes go on unchanged
  char elem_ = '*', comp_ = ':', seg_ = '~';
  std::string seg_buf_;    // the segment being read
  bool long_ = false;      // the rest of a segment longer than kMaxX12Segment
};

}  // namespace phi::mime

#endif
