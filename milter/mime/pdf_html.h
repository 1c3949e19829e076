// NAME
//   pdf_html - a PDF's document information and text out of pdftotext -htmlmeta's output
// SYNOPSIS
//   phi::mime::PdfHtmlText t([](std::string_view text) { ... });   // values and text
//   phi::mime::PdfHtmlText pages(count_text, ignore_values);      // text only
//   t.feed(output_piece); ...
//   t.finish();
// DESCRIPTION
//   pdftotext -htmlmeta writes an XHTML head that holds the PDF's document
//   information (its Info dictionary: the title as <title>, the subject,
//   keywords, author, creator, producer and dates as <meta name=...
//   content=.../> lines, each value with <, >, &, " and ' escaped), then
//   "<body>\n<pre>\n", the pages' text as pdftotext extracts it (not
//   escaped: a page may hold "</pre>" itself), and "</pre>\n</body>\n
//   </html>\n".
//   PdfHtmlText passes on the title, subject and keywords, each unescaped
//   and followed by a line break (a document's title is often its file's
//   name, or the patient's: "Microsoft Word - Doe_Jane.docx"), then the
//   pages' text unchanged; the author (nearly always the staff member who
//   made the file: a name beside the title's health words would be taken
//   for a patient's), the creator, producer and dates (the software that
//   made the file, and when) and the markup are left out.
//   The pages' text goes on as it comes but for its last kPdfHtmlTail
//   bytes, held until finish() tells whether they are the closing markup
//   (taken only at the very end, so a "</pre>" in a page stays text).
//   Output that does not begin as pdftotext's does ("<!DOCTYPE html") is
//   passed on unchanged: a program standing in for pdftotext that writes
//   plain text. A head longer than kMaxPdfHead (a title that long) is cut
//   there: its values are given as far as they go, and the rest of the
//   head is skipped up to the text.
//   The pieces given out do not depend on how the output is split, but
//   their sizes do; what they join to does not.
// INPUT
//   A child's output, untrusted. Memory: the head, at most kMaxPdfHead,
//   and kPdfHtmlTail bytes. Time: linear.
// THREADS
//   One object per document, used by one thread at a time.
#ifndef PHI_MIME_PDF_HTML_H
#define PHI_MIME_PDF_HTML_H

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace phi::mime {

inline constexpr size_t kMaxPdfHead = 64 * 1024;
inline constexpr std::string_view kPdfHtmlEnd = "</pre>\n</body>\n</html>\n";
inline constexpr size_t kPdfHtmlTail = kPdfHtmlEnd.size();

class PdfHtmlText {
 public:
  using Out = std::function<void(std::string_view)>;
  // The values go to `values` when it is given (a page counter ignores them), else to `out` too.
  explicit PdfHtmlText(Out out, Out values = nullptr) : out_(std::move(out)), values_(std::move(values)) {}
  void feed(std::string_view piece);
  void finish();

 private:
  enum class State { Start, Head, Skip, Body, Plain };
  void end_head();
  void body(std::string_view text);

  Out out_;
  Out values_;
  State state_ = State::Start;
  std::string head_;  // Start: the first bytes; Head: the head so far; Skip: the last bytes, for "<pre>\n"
  std::string tail_;  // Body: the text held back, at most kPdfHtmlTail bytes
};

// The document information values in a head (as far as it goes), each
// unescaped and followed by '\n': title, subject, keywords.
std::string pdf_head_values(std::string_view head);

}  // namespace phi::mime

#endif
