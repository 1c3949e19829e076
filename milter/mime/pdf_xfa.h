// NAME
//   pdf_xfa - the streams that hold an XML (XFA) form's data, out of qpdf's JSON
// SYNOPSIS
//   phi::mime::PdfXfaRefs x;
//   x.feed(json_piece); ...           // qpdf --json=2 --json-key=qpdf --json-stream-data=none
//   x.finish();
//   x.found(); x.refs(); x.damaged();
// DESCRIPTION
//   A form made with Adobe LiveCycle Designer (XFA: an intake form, a
//   prior authorization) keeps what was typed into it in an XML packet,
//   "datasets", that no page draws: a dynamic form's only page says
//   "Please wait...", which pdftotext prints. The interactive form's /XFA
//   is, in qpdf's JSON (version 2), either one stream ("N G R": the whole
//   XDP document, every packet in it) or an array of packet names and
//   streams: ["u:preamble", "6 0 R", "u:template", "7 0 R", "u:datasets",
//   "8 0 R", ...]. PdfXfaRefs finds each `"/XFA": ` key (the JSON's own
//   spacing) and reads its value, at most kMaxXfaValue bytes: refs() are
//   the stream after each "u:datasets" name, or the single stream, in the
//   order met, at most kMaxXfaRefs; found(): a /XFA key was seen;
//   damaged(): a value could not be understood (cut, longer than
//   kMaxXfaValue, neither a string nor an array, a datasets name not
//   followed by a reference, more than kMaxXfaRefs references). An array
//   without datasets (a form never filled in) gives no reference and is
//   not damaged. Strings are compared as qpdf writes them (escapes not
//   decoded: the names and references looked for have none).
//   What is found does not depend on how the JSON is split.
// INPUT
//   A child's output, untrusted (its strings are the PDF's). Memory: the
//   key's last bytes and one value (kMaxXfaValue). Time: linear.
// THREADS
//   One object per document, used by one thread at a time.
#ifndef PHI_MIME_PDF_XFA_H
#define PHI_MIME_PDF_XFA_H

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "milter/mime/pdf_names.h"

namespace phi::mime {

inline constexpr size_t kMaxXfaValue = 4096;  // an /XFA array: a dozen packets' names and references
inline constexpr size_t kMaxXfaRefs = 4;

class PdfXfaRefs {
 public:
  void feed(std::string_view json);
  void finish();
  bool found() const { return found_; }
  const std::vector<PdfObjectRef>& refs() const { return refs_; }
  bool damaged() const { return damaged_; }

 private:
  enum class State { Key, Value, String, Array };
  void step(char c);
  void end_value();
  void add(std::string_view ref);

  State state_ = State::Key;
  std::string tail_;       // Key: the last bytes, up to the key's length
  std::string value_;      // String, Array: the value's bytes so far
  bool quoted_ = false;    // Array: inside a string
  bool escaped_ = false;   // String, Array: after a backslash in a string
  bool found_ = false;
  bool damaged_ = false;
  std::vector<PdfObjectRef> refs_;
};

}  // namespace phi::mime

#endif
