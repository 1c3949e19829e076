// NAME
//   dicom - the text of a DICOM file's data elements (patient, study, report), read as it streams
// SYNOPSIS
//   if (DicomText::starts(first_132_bytes)) { DicomText d(&documents); d.feed(bytes, out); ... d.finish(out); }
//   d.done(); d.pixels(); d.had_errors();
// DESCRIPTION
//   A DICOM file (a CT slice, an ultrasound frame, a structured report, as
//   PACS viewers and CD exports save them) holds its patient's name, ID,
//   birth date and address, the referring physician, the study's
//   description and the institution in data elements before its pixels.
//   DicomText reads the file meta group (explicit VR little endian) and
//   then the data set in the transfer syntax it names (implicit VR little
//   endian, explicit VR little or big endian; any compressed syntax keeps
//   its data set explicit little endian), and writes one line per text
//   value (VRs AE AS CS DA DS DT IS LO LT PN SH ST UC UR UT; in implicit
//   VR the VR of a known element, else a value of printable bytes), the
//   elements that carry a person's data labelled:
//     "Patient name: Jane Q Doe" (PN, family^given^middle, title case),
//     "Patient ID:", "Date of birth: 1962-03-14", "Address:", "Phone:",
//     "Referring physician:", "Date of service:" (study date),
//     "Study description:", "Diagnosis:" (admitting diagnoses),
//     "Procedure:", "Reason for study:", "Institution:", ...
//   Multiple values (separated by a backslash) are a line each; values
//   are converted from the Specific Character Set (0008,0005) named before
//   them (ISO_IR 100, 192, ...; unnamed: UTF-8 where valid, else
//   Windows-1252). UIDs, times, code strings and numbers other than those
//   labelled are not written. Sequences and their items are read through,
//   whatever their lengths. Reading ends at the pixel data (7FE0,0010):
//   done() and pixels() are then true, the rest is not looked at. A file
//   whose data set is deflated, or whose element headers make no sense,
//   ends reading with had_errors(). An encapsulated document (a report
//   stored as DICOM, (0042,0011)) of a kind EmbeddedFile tells (a PDF, a
//   CDA, text, an image, an Office file, a ZIP; embedded.h) goes, as it
//   streams, to the EmbeddedDocument given to the constructor, if any,
//   which reads it (a PDF through the Walker's DocumentReader) and writes
//   its text after the lines before it; any other encapsulated document is
//   skipped. unread() names what the caller reports as not read: "binary"
//   for an error or a skipped document, else the reason the
//   EmbeddedDocument gave for a document it could not read ("pdf",
//   "unavailable", "part-limit", ...), else "image" for the pixels, else
//   "".
// INPUT
//   Untrusted. Memory: one element header, one text value of at most
//   kMaxDicomValue bytes (a longer value is skipped) and a document's
//   first kEmbeddedDocumentHead bytes. Time: linear.
// THREADS
//   One object per stream.
#ifndef PHI_MIME_DICOM_H
#define PHI_MIME_DICOM_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "milter/mime/embedded.h"

namespace phi::mime {

inline constexpr size_t kDicomPreamble = 128;  // then "DICM"
inline constexpr size_t kMaxDicomValue = 65536;

class DicomText {
 public:
  explicit DicomText(EmbeddedDocument* documents = nullptr) : file_(documents) {}
  // The first bytes of a file (at least 132): a 128-byte preamble, then "DICM".
  static bool starts(std::string_view first_bytes);
  void feed(std::string_view in, std::string& out);
  void finish(std::string& out);  // a value cut short is not written; a document cut short is ended
  bool had_errors() const { return errors_; }
  bool done() const { return state_ == State::Done; }
  bool pixels() const { return pixels_; }
  std::string_view unread() const;

 private:
  enum class State { Preamble, Header, Peek, Value, Skip, Document, Done };
  enum class Syntax { ExplicitLittle, ImplicitLittle, ExplicitBig };
  void header();
  void peeked();
  void value(std::string& out);
  void fail();
  void document(std::string_view in, std::string& out);

  State state_ = State::Preamble;
  Syntax syntax_ = Syntax::ExplicitLittle;  // the file meta group's
  Syntax data_syntax_ = Syntax::ExplicitLittle;
  bool meta_ = true;        // still in the file meta group (0002,xxxx)
  bool deflated_ = false;   // the data set is deflated: not read
  std::string hdr_;         // the preamble, then an element header, being gathered
  size_t need_ = 8;         // bytes of the header (8, or 12 for a long explicit VR; 4 to peek)
  bool hold_ = false;       // the value is held to be written, not skipped
  uint32_t tag_ = 0;
  std::string vr_;
  std::string val_;         // a text value being held
  uint64_t left_ = 0;       // bytes of the value still to hold or skip
  std::string charset_;     // iconv's name for the Specific Character Set
  bool errors_ = false;
  bool pixels_ = false;
  EmbeddedFile file_;       // encapsulated documents: read, or skipped (embedded.h)
};

}  // namespace phi::mime

#endif
