// NAME
//   pdftext - the text of PDF attachments, from poppler's pdftotext(1) in a child process
// SYNOPSIS
//   PdfOptions o; o.program = "/usr/bin/pdftotext";
//   PdfToText pdf(o);
//   mime::Walker w(limits, sink, &pdf);     // PDF parts now come as Body text
// DESCRIPTION
//   A mime::DocumentReader for "pdf": open() starts
//     program -q -enc UTF-8 -eol unix -htmlmeta - -
//   (the document information and the pages, taken apart by mime/pdf_html.h)
//   as a ConverterRun (milter/converter.h: the sandbox, the limits -- address
//   space `memory_limit`, CPU time `timeout` --, the slots, the timeouts, the
//   text read and checked as UTF-8) with an environment of PATH alone, in a
//   pool of `processes` (PdfProcesses) of its own. pdftotext reads the whole
//   document before it writes a word, so the daemon holds none of the PDF,
//   only a 64 KiB read buffer -- except with `ocr` and `render_program`, or
//   `qpdf_program`, set: the PDF is then also kept in an anonymous memory
//   file (memfd, freed with the Document; at most max_part_bytes) so that,
//   once pdftotext has shown which pages are scans, each of the first
//   max_ocr_pages of them is rendered by
//     render_program -f N -l N -scale-to 2200 -gray -png -singlefile -
//   (a ConverterRun as well, in a pool of `processes` of its own: it runs
//   only inside a PDF's slot, so it never waits on one) and the PNG read by
//   `ocr`, whose text follows the PDF's. OCR busy or a renderer that cannot
//   start is "unavailable", as for pdftotext.
//   Pictures on pages with text (a pasted screenshot of a chart, a
//   photographed insurance card, a scan in a typed letter) are not in
//   pdftotext's output either: when the PDF's bytes name an image
//   (PdfNameScan::has_images) and `image_list_program` is set,
//     image_list_program -list -
//   lists the images each page draws (a ConverterRun in the renderers'
//   pool, its output at most 1 MiB), and each page with text
//   whose pictures cover kMinPictureArea (mime/pdf_pictures.h: 4 square
//   inches; a logo or a signature is smaller) is rendered and read by
//   `ocr` as a scan is, as many as max_ocr_pages leaves after the scans
//   -- but for a searchable scan (a picture of about the whole page, 80
//   square inches, over 500 characters or more of text: a scanner's OCR
//   under its picture, read by pdftotext already);
//   the lines OCR reads there that the last policy::kProximityBytes of
//   text passed on already hold (the page's typed lines, read again with
//   the picture) are left out, so that the classifier does not count them
//   twice.
//   Files attached to the PDF (mime/pdf_names.h: the streams whose
//   dictionaries say /Type /EmbeddedFile, as the PDF's bytes go by, at most
//   kMaxPdfFileStreams) are then each decoded by
//     qpdf_program --show-object=N,G --filtered-stream-data /dev/stdin
//   (qpdf; its standard input the memory file, which it opens again to seek
//   in; a ConverterRun in a pool of its own, as the renderer, its output at
//   most what is left of max_text), and read as an unnamed octet-stream
//   attachment would be (milter/inner_file.h: a Walker of its own): text in
//   the charset its first bytes tell, HTML, RTF, Office packages (.xlsx,
//   .docx, .odt), ZIP, tar and gzip files, the health formats, images by
//   `ocr`, Word, Excel and PowerPoint 97-2003 files and Outlook .msg files
//   by `office`, 7z and RAR archives by `archive` (the files in them read
//   as the files attached to the PDF are), and a PDF by a PdfRun of its
//   own (depth 1: a PDF attached to that one is not read); the last three
//   run in this PDF's slot, idle once pdftotext is done (the PdfRun's qpdf
//   runs take no slot: they may run beside this PDF's, which decodes the
//   file holding it; `office` and `archive` take none of their own, and
//   `office` reads no PDF attached to a .msg): no second slot of a pool is
//   ever waited for while one is held. Its text follows the PDF's.
//   Then, when the PDF's bytes named an annotation or hold object streams
//   (PdfNameScan::may_have_comments) or named an attached file, its comments
//   and its files' names: the same program runs
//     qpdf_program --json=2 --json-key=qpdf --json-stream-data=none /dev/stdin
//   and the annotations' /Contents and the file specifications' /UF, /F and
//   /Desc text strings in its output (mime/pdf_comments.h) follow the PDF's
//   text; when the bytes named /XFA (an XML form) too, the form's
//   "datasets" streams that output names (mime/pdf_xfa.h) are decoded as
//   attached files are and read as XML attachments, their text after it.
//   These are also done for a PDF whose pages were not all read ("pdf":
//   a scan, a file pdftotext could not read), which stays "pdf".
//   Reasons finish() returns: "" for exit status 0 when every page had text
//   (32 characters or more other than white space; pages are counted by the
//   form feed pdftotext ends each with, which is passed on as a line break),
//   or when every page without (a scan) was then read by OCR, and every
//   page with pictures listed (OCR recognising little there is a
//   photograph: read); "pdf" for
//   status 0 with a page without that much text that OCR did not read (none
//   configured, more than max_ocr_pages such pages, too little recognised:
//   its text, if any, is still passed on) or no page, for pages with
//   pictures when the list failed or was cut or more than max_ocr_pages
//   pages in all were to be read (those read are passed on), and for a PDF that
//   names files attached to it when one of them was not read to its end (a
//   PDF not read, an image without OCR, a damaged spreadsheet, qpdf failed,
//   no `qpdf_program`, no stream of one found, more than kMaxPdfFileStreams;
//   its pages' text and the files' read are still passed on), when qpdf
//   could not list its objects for the comments, and for an XML form whose
//   /XFA could not be understood or whose data was not read (no
//   `qpdf_program` either); "encrypted" when the
//   document has an /Encrypt entry and pdftotext could not read it (a user
//   password) or refused it (status 3, copying not allowed); "size-limit"
//   after max_text bytes of text (the child is killed, the text before is
//   kept); "pdf" for anything else -- a damaged file, a crash, a limit hit,
//   no answer within `timeout` after at least half of it on the CPU (the
//   child is killed; a warning is logged); "unavailable" for no answer within
//   `timeout` with less CPU time than that (slowed by a busy machine: the
//   message is retried) or a child that cannot be waited for.
//   At most `processes` children run at a time in the whole daemon (over
//   reloads: the count is process-wide); open() waits up to `timeout` for a
//   free one, then gives up (nullptr, a warning logged: the Walker reports
//   the part uninspected "unavailable", on which the session answers
//   OnInternalError so that the MTA retries). A child that cannot be started
//   is logged (an error) and is nullptr too.
//   Logs name the program, the exit status and the reason, never a byte of
//   the document or its text.
// INPUT
//   The PDF is hostile: poppler parses it in the child, under the limits
//   above, as the daemon's user. The child's output is read as untrusted
//   text, bounded by max_text.
// THREADS
//   open() from any thread; each Document is used by one thread at a time.
#ifndef PHI_MILTER_PDFTEXT_H
#define PHI_MILTER_PDFTEXT_H

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "milter/converter.h"
#include "milter/mime/walker.h"

namespace phi {

struct PdfOptions : ConverterLimits {  // timeout: the whole extraction
  std::string program;                           // absolute path of pdftotext
  // Scanned pages: rendered by `render_program` (poppler's pdftoppm) and
  // read by `ocr` ("image"); either empty, they stay unread.
  std::string render_program;
  std::shared_ptr<const mime::DocumentReader> ocr;
  unsigned max_ocr_pages = 20;                   // scanned pages and pages with pictures read per PDF
  // Pages with text that show large pictures (mime/pdf_pictures.h), as
  // `image_list_program` (poppler's pdfimages) lists them, rendered and
  // read as scans are; empty (or no OCR), the pictures stay unread.
  std::string image_list_program;
  // Files attached to a PDF, each embedded file's stream decoded by
  // `qpdf_program` (qpdf) and read as an attachment, and the PDF's comments
  // and XML form data, from its objects as qpdf lists them; empty, none is read.
  std::string qpdf_program;
  // Word, Excel and PowerPoint 97-2003 files and Outlook .msg files
  // attached to a PDF ("office"): a LegacyOffice with `in_caller_slot` (its
  // documents run in the PDF's slot) and no PDF reader for a .msg's
  // attachments; null, they are not read (the PDF is uninspected "pdf").
  std::shared_ptr<const mime::DocumentReader> office;
  // 7z and RAR archives attached to a PDF ("archive"): an ArchiveToTar with
  // `in_caller_slot`; the files in them are read by the readers above (a
  // PDF in one as a PDF attached to the PDF). Null: not read ("pdf").
  std::shared_ptr<const mime::DocumentReader> archive;
};

class PdfToText : public ConverterReader {
 public:
  explicit PdfToText(PdfOptions o) : o_(std::move(o)) {}
  bool reads(std::string_view kind) const override { return kind == "pdf" && !o_.program.empty(); }
  const PdfOptions& options() const { return o_; }

 private:
  std::unique_ptr<mime::Document> start(std::string_view kind,
                                        std::optional<std::chrono::steady_clock::time_point> deadline) const override;
  PdfOptions o_;
};

}  // namespace phi

#endif
