// NAME
//   hl7 - HL7 version 2 messages (ADT, ORU lab results, ORM orders, DFT, MDM) as labelled text
// SYNOPSIS
//   if (Hl7Text::starts(first_bytes)) { Hl7Text h; h.feed(bytes, out); ... h.finish(out); }
//   Hl7Lines l; l.feed(text, out); ... l.finish(out);   // any text: HL7 messages in it labelled
//   std::string_view t = l.filter(text, buf);           // the same, `text` itself when unchanged
// DESCRIPTION
//   Hospital systems exchange HL7 v2 messages, and export them to files
//   that people mail: segments of fields, components and repetitions
//   ("PID|1||00482913^^^HOSP^MR||DOE^JANE^Q||19620314|F|||...") in which
//   nothing says "name", "MRN" or "date of birth" the way the classifier
//   reads it. Hl7Text writes each segment as a line of its unlabelled
//   fields, separators as blanks, followed by a labelled line for each
//   field (and repetition) that carries a person's data:
//     PID  "Patient ID:" / "MRN:" / "SSN:" / "Member ID:" by the
//          identifier's type code, "Patient name: Jane Q Doe",
//          "Date of birth: 1962-03-14", "Address:", phones,
//          "Account number:", "SSN:", "Date of death:";
//     NK1, GT1, IN1  next of kin, guarantor and insured: names,
//          addresses, phones, dates of birth, SSN, "Member ID:";
//     PV1, OBR, ORC, DG1, PR1  physicians by name (and NPI),
//          "Encounter number:", admission and discharge dates,
//          "Diagnosis: E11.9 Type 2 diabetes ..." (ICD-10 codes with
//          their period), "Procedure: CPT 99214 ...", orders;
//     OBX  "Result: Hemoglobin A1c 9.2 % 4.0-5.6 H" on one line;
//     AL1, RXE, RXO, RXA, RXD, MRG  allergies, medications, merged ids.
//   Names are written in title case, dates CCYYMMDD as 1962-03-14. The
//   separators are each header segment's (MSH, FHS, BHS: field separator
//   at byte 3, then component, repetition, escape and subcomponent); the
//   escape sequences \F\ \S\ \T\ \R\ \E\ are decoded, \.br\ is a line
//   break, \Xhh\ printable ASCII, any other sequence is dropped. Segments
//   end at CR or LF; MLLP's frame bytes (0x0B, 0x1C) end one too.
//   Hl7Lines finds HL7 in any text, where people paste it (an interface
//   analyst's "this message failed", a reply quoting it, a file of
//   messages): a line that begins with a header segment (after up to
//   kMaxHl7Quote quote marks '>' and blanks, and MLLP's start byte) starts
//   HL7, read by an Hl7Text, and so is every later line of the text that
//   begins with a segment ID (three capitals or digits, the first a
//   letter) and the field separator, or an MLLP frame byte. Other lines
//   pass unchanged: a segment a mail client wrapped loses its label for
//   the wrapped part only. A file that is one message with CR between
//   segments is one such line.
//   An OBX whose value type (OBX-2) is ED holds a file (a PDF report, an
//   image) in its value (OBX-5: source, type, subtype, encoding, data).
//   Data encoded Base64 or Hex is decoded, not written, and given as it
//   streams to an EmbeddedFile (embedded.h): a PDF, a scanned image, an
//   RTF document (a transcribed note), XML (a CDA), text, an Office file
//   or a ZIP goes to the EmbeddedDocument given to the constructor, which
//   reads it and writes its text on lines of its own after the segment's;
//   any other file (a gzip file) is skipped. Data of encoding A is text,
//   written as such; any other encoding is written as text and counts as
//   a skipped file. In a
//   segment longer than kMaxHl7Segment, the data must begin in its first
//   kEmbeddedHead bytes to be decoded (else the file is skipped). Data
//   that is not valid base64 is decoded best effort and sets
//   had_errors(). unread() names what the caller reports as not read
//   ("binary" for a skipped file, else a reason the EmbeddedDocument
//   gave), "" when nothing.
// INPUT
//   Untrusted. Memory: one segment of at most kMaxHl7Segment bytes (a
//   longer one, such as a report or a file embedded in an OBX, is written
//   or decoded as it comes, its separators as blanks), a file's first
//   kEmbeddedDocumentHead bytes. Time: linear.
// THREADS
//   One object per stream.
#ifndef PHI_MIME_HL7_H
#define PHI_MIME_HL7_H

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "milter/mime/embedded.h"
#include "milter/mime/transfer.h"

namespace phi::mime {

inline constexpr size_t kMaxHl7Segment = 65536;
inline constexpr size_t kEmbeddedHead = 256;  // of a longer segment: an OBX's file data begins in it to be read
inline constexpr size_t kMaxHl7Quote = 8;                     // quote marks and blanks before a pasted segment
inline constexpr size_t kHl7LineHead = kMaxHl7Quote + 1 + 9;  // then MLLP's start byte and "MSH|^~\&|"

enum class Hl7Field : int;  // how a labelled field is read (hl7.cc)

class Hl7Text {
 public:
  explicit Hl7Text(EmbeddedDocument* documents = nullptr) : file_(documents) {}
  // The first bytes of a file (at least 8) are an HL7 v2 header segment,
  // maybe after MLLP's start byte.
  static bool starts(std::string_view first_bytes);
  void feed(std::string_view in, std::string& out);
  void finish(std::string& out);
  char field_separator() const { return field_; }
  // What of the OBX files (value type ED) so far was not read: "", "binary", or the reader's reason.
  std::string_view unread() const { return file_.unread(); }
  // A file's data was not valid base64.
  bool had_errors() const { return errors_; }

 private:
  void take(char c, std::string& out);
  void segment(std::string& out);
  void raw(std::string_view bytes, std::string& out) const;
  std::string text(std::string_view v) const;
  std::string value(Hl7Field kind, std::string_view v, std::string_view& label) const;
  std::string code(std::string_view v) const;
  std::string person(std::string_view v, size_t first) const;

  char field_ = '|', comp_ = '^', rep_ = '~', esc_ = '\\', sub_ = '&';
  enum class Encoding { None, Base64, Hex };
  size_t file_data(std::string_view s, bool whole, Encoding& enc);
  size_t data_end(std::string_view s, size_t from) const;
  void long_head(std::string_view s, std::string& out);
  void long_bytes(std::string_view in, std::string& out);
  void decode(std::string_view in, std::string& out);
  void file_end(std::string& out);

  std::string seg_;      // the segment being read
  bool long_ = false;    // the rest of a segment longer than kMaxHl7Segment
  EmbeddedFile file_;    // OBX files: read, or skipped (embedded.h)
  Encoding enc_ = Encoding::None;  // decoding a file's data
  Base64Decoder b64_;
  HexDecoder hex_;       // a Hex file's digits
  std::string dec_;      // decoded bytes, for file_
  bool errors_ = false;
};

class Hl7Lines {
 public:
  explicit Hl7Lines(EmbeddedDocument* documents = nullptr) : documents_(documents), reader_(documents) {}
  void feed(std::string_view in, std::string& out);
  // feed() without a copy where it can: returns `in` itself when it passes
  // unchanged and nothing of it is held, else `buf` (cleared first) with
  // what feed() would have appended.
  std::string_view filter(std::string_view in, std::string& buf);
  void finish(std::string& out);  // and ready for another text
  // What of the files in HL7 results in any text so far was not read (Hl7Text::unread).
  std::string_view unread() const { return unread_.empty() ? reader_.unread() : std::string_view(unread_); }
  bool had_errors() const { return errors_ || reader_.had_errors(); }  // Hl7Text::had_errors, any text so far

 private:
  size_t text_run(std::string_view in);
  void decide(std::string& out);

  enum class Line { Head, Text, Segment };
  Line line_ = Line::Head;
  std::string head_;   // a line's first bytes (up to kHl7LineHead), until they tell
  bool hl7_ = false;   // a header segment was seen in this text
  std::string unread_;  // of the texts before this one
  bool errors_ = false;  // of the texts before this one
  EmbeddedDocument* documents_;
  Hl7Text reader_;
};

}  // namespace phi::mime

#endif
