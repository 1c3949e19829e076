// NAME
//   pdf_comments - the text of a PDF's comments (annotations' /Contents) and its attached files' names out of qpdf's JSON
// SYNOPSIS
//   phi::mime::PdfCommentText c([](std::string_view text) { ... });
//   c.feed(json_piece); ...           // qpdf --json=2 --json-key=qpdf --json-stream-data=none
//   c.finish();
// DESCRIPTION
//   pdftotext prints a PDF's pages, not its comments: a sticky note, the
//   text of a pop-up, a markup's note are an annotation's /Contents, a
//   text string that no page draws. qpdf's JSON (version 2) writes every
//   object of the PDF, each dictionary key as `"/Key": value`, a text
//   string as "u:" and its text in UTF-8 with JSON's escapes.
//   A file attached to the PDF has its name (/UF, /F) and description
//   (/Desc) in a file specification, text strings no page draws either.
//   PdfCommentText passes on the value of every "/Contents", "/UF", "/F"
//   and "/Desc" key (kTextKeys) whose value is a text string, JSON escapes
//   decoded (mime/json_string.h: \uXXXX and surrogate pairs to UTF-8, a
//   lone surrogate, \u0000 and a broken \u as U+FFFD), each followed by
//   a line break; nothing else. A page's /Contents is a reference ("7 0
//   R"), a signature's binary ("b:..."), an annotation's /F (its flags) a
//   number: none is a text string. A key that merely ends in one of them
//   (`"x\"/Contents": "u:`, a name with a quote in it) counts too: more
//   text read, never less.
//   The pieces given out do not depend on how the JSON is split; what
//   they join to does not either.
// INPUT
//   A child's output, untrusted (its strings are the PDF's). Memory: how
//   much of each key is matched so far, and the decoded text of one feed.
//   Time: linear (each byte against each of the four keys).
// THREADS
//   One object per document, used by one thread at a time.
#ifndef PHI_MIME_PDF_COMMENTS_H
#define PHI_MIME_PDF_COMMENTS_H

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "milter/mime/json_string.h"

namespace phi::mime {

// A key and the start of a text string value, as qpdf writes them.
inline constexpr std::array<std::string_view, 4> kTextKeys = {"\"/Contents\": \"u:", "\"/UF\": \"u:", "\"/F\": \"u:",
                                                            "\"/Desc\": \"u:"};

class PdfCommentText {
 public:
  using Out = std::function<void(std::string_view)>;
  explicit PdfCommentText(Out out) : out_(std::move(out)) {}
  void feed(std::string_view json);
  void finish();

 private:
  Out out_;
  std::array<uint8_t, kTextKeys.size()> matched_{};  // bytes of each key matched so far
  bool in_value_ = false;
  JsonString value_;      // the value's escapes
};

}  // namespace phi::mime

#endif
