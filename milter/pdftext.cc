// pdftext - PDF text through a limited pdftotext(1) child (see pdftext.h).
#include "milter/pdftext.h"

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <string>
#include <unordered_set>
#include <vector>

#include "milter/converter.h"
#include "milter/inner_file.h"
#include "milter/log.h"
#include "milter/mime/pdf_comments.h"
#include "milter/mime/pdf_html.h"
#include "milter/mime/pdf_names.h"
#include "milter/mime/pdf_pictures.h"
#include "milter/mime/pdf_xfa.h"
#include "milter/util/c_ptr.h"
#include "milter/util/deadline.h"
#include "milter/util/files.h"
#include "policy/classifier.h"

namespace phi {
namespace {

// Children running, daemon-wide (a reload's new PdfToText shares the count).
ConverterPool& pool() {
  static ConverterPool p;
  return p;
}
// Page renderers: one at most per PDF slot, so never waited on for long.
ConverterPool& render_pool() {
  static ConverterPool p;
  return p;
}
// qpdf, for files attached to a PDF and its comments: one at most per PDF slot, as renderers.
ConverterPool& qpdf_pool() {
  static ConverterPool p;
  return p;
}
// A rendered page (2200 pixels on its long side, grey) is a few MB at most.
constexpr uint64_t kMaxPageImage = 64ull << 20;
// pdfimages -list writes about 100 bytes per image drawn: 10,000 of them.
constexpr uint64_t kMaxImageList = 1ull << 20;

// A page with less text than kConverterMinText (a page number, a fax
// header) is taken for a picture of a page: a scan, whose words pdftotext
// cannot see.

// A page whose pictures cover kSearchableScanArea (about a whole letter or
// A4 page) and whose text is kSearchableScanText or more is a searchable
// scan: a scanner's or fax server's OCR put the picture's words under it,
// as invisible text, and pdftotext has read them; it is not read by OCR
// again (a typed letter with a pasted screenshot has room for neither so
// large a picture nor so much text beside it). A fax header typed over a
// scan is less text: that page is read.
constexpr double kSearchableScanArea = 80;
constexpr size_t kSearchableScanText = 500;

ConverterSpec pdf_spec(const PdfOptions& o) {
  ConverterSpec s(o, pool(), "pdf", "PdfProcesses", "pdf");
  s.program = o.program;
  // -htmlmeta: the document information (title, subject, keywords) too (mime/pdf_html.h).
  s.argv = {o.program, "-q", "-enc", "UTF-8", "-eol", "unix", "-htmlmeta", "-", "-"};
  s.env = {"PATH=/usr/bin:/bin"};
  return s;
}

// A poppler helper on the PDF (its standard input), its output raw: pdftoppm
// rendering a page as a grey PNG, pdfimages listing the pictures the pages
// draw (mime/pdf_pictures.h). In the renderers' pool: one at most per PDF
// slot, so never waited on for long. `task` says in a failure's log line
// what it was to do.
class HelperRun : public ConverterRun {
 public:
  HelperRun(const PdfOptions& o, std::vector<std::string> argv, uint64_t max_output, std::string task)
      : ConverterRun(helper_spec(o, std::move(argv), max_output)), task_(std::move(task)) {}

 private:
  static ConverterSpec helper_spec(const PdfOptions& o, std::vector<std::string> argv, uint64_t max_output) {
    ConverterSpec s = pdf_spec(o);
    s.program = argv.front();
    s.argv = std::move(argv);
    s.max_text = max_output;
    s.pool = &render_pool();
    s.raw = true;
    return s;
  }
  std::string on_exit(int status) override {
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
    log_line(LogLevel::Info, "", "pdf", spec().program + " could not " + task_ + " (status " +
                                            std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
    return "pdf";
  }
  const std::string task_;
};

// A PDF attached to a PDF is read (depth 1), one attached to that is not.
constexpr unsigned kMaxPdfDepth = 1;

// qpdf on the PDF: `args`, then /dev/stdin, its standard input being the
// PDF's memory file (qpdf opens it again to seek in); one at a time per
// PDF slot, and one more for a PDF attached to it (`depth` 1: it may run
// while the outer PDF's qpdf decodes the file holding it, and takes no
// slot, so that it never waits on one). `task` says in a failure's log
// line what it was to do.
class QpdfRun : public ConverterRun {
 public:
  QpdfRun(const PdfOptions& o, std::vector<std::string> args, uint64_t max_output, bool raw, std::string task,
          unsigned depth)
      : ConverterRun(qpdf_spec(o, std::move(args), max_output, raw)), task_(std::move(task)), depth_(depth) {}
  bool start_on(int pdf) { return (depth_ > 0 || reserve()) && spawn(pdf); }

 private:
  static ConverterSpec qpdf_spec(const PdfOptions& o, std::vector<std::string> args, uint64_t max_output, bool raw) {
    ConverterSpec s = pdf_spec(o);
    s.program = o.qpdf_program;
    s.argv = {o.qpdf_program};
    s.argv.insert(s.argv.end(), args.begin(), args.end());
    s.argv.push_back("/dev/stdin");
    s.max_text = max_output;
    s.pool = &qpdf_pool();
    s.raw = raw;
    return s;
  }
  std::string on_exit(int status) override {
    // 3: qpdf's "warnings" (a damaged file it could still read)
    if (WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 3)) return "";
    log_line(LogLevel::Info, "", "pdf", spec().program + " could not " + task_ + " (status " +
                                            std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
    return "pdf";
  }
  const std::string task_;
  const unsigned depth_;
};

// The readers of documents inside a file attached to a PDF, within the
// message's budget: images by `ocr` (another pool), Office 97-2003 and
// .msg files by `office` and 7z and RAR archives by `archive` (in the
// PDF's slot: they take none of their own), and a PDF (at depth
// kMaxPdfDepth at most) by a PdfRun in the outer PDF's slot, which its
// pdftotext no longer uses (the files are read after the pages), so that
// no second slot is ever waited for.
class AttachedDocuments : public mime::DocumentReader {
 public:
  AttachedDocuments(const PdfOptions& o, unsigned depth, std::optional<DeadlineClock::time_point> deadline)
      : o_(o), others_(nullptr, o.ocr, o.office, o.archive), depth_(depth), deadline_(deadline) {}
  std::unique_ptr<mime::Document> open(std::string_view kind) const override;
  bool reads(std::string_view kind) const override {
    return kind == "pdf" ? depth_ < kMaxPdfDepth : others_.reads(kind);
  }
  uint64_t min_bytes(std::string_view kind) const override { return others_.min_bytes(kind); }

 private:
  const PdfOptions& o_;
  const Converters others_;  // every kind but "pdf": images, Office 97-2003 files, 7z and RAR
  const unsigned depth_;     // of the PDF the file is attached to
  const std::optional<DeadlineClock::time_point> deadline_;
};

class PdfRun : public ConverterRun {
 public:
  // depth 0: a part of the mail, which takes a slot (start()); 1: a PDF
  // attached to one, which runs in that one's slot (start_in_slot()).
  explicit PdfRun(const PdfOptions& o, unsigned depth = 0) : ConverterRun(pdf_spec(o)), o_(o), depth_(depth) {
    if ((o_.ocr && !o_.render_program.empty()) || !o_.qpdf_program.empty()) {
      int fd = ::memfd_create("phimilter-pdf", MFD_CLOEXEC);
      if (fd >= 0) spool_.reset(fd);
      else log_line(LogLevel::Warning, "", "pdf", std::string("memfd_create: ") + std::strerror(errno) +
                                                      ": scanned pages and attached files of this PDF are not read");
    }
  }
  std::string finish(const std::function<void(std::string_view)>& text) override;
  bool start_in_slot() { return spawn(-1); }

 private:
  void on_input(std::string_view bytes) override;
  // The pages are counted on the raw output (on_text), the only place
  // that still has pdftotext's form feeds: the text finish() passes on has
  // been through the UTF-8 check, which turns them into line breaks. So
  // the output is parsed twice, by pages_text_ here and in finish(); the
  // head is at most kMaxPdfHead and the rest is a linear pass.
  void on_text(std::string_view out) override { pages_text_.feed(out); }
  // pdftotext ends every page with a form feed: counts the pages, and those
  // with fewer than kConverterMinText characters other than white space
  // (the document information, before the pages, is not counted).
  void count(std::string_view page_text) {
    for (char c : page_text) {
      if (c == '\f') {
        ++pages_;
        if (page_text_ < kConverterMinText) {
          ++textless_pages_;
          if (scans_.size() < o_.max_ocr_pages) scans_.push_back(pages_);
        } else if (page_text_ >= kSearchableScanText) {
          full_pages_.push_back(pages_);
        }
        page_text_ = 0;
      } else if (!converter_blank(c)) {  // '\f' ended the page above
        ++page_text_;
      }
    }
  }
  std::string on_exit(int status) override;

  // OCR and a renderer configured, and the PDF kept (the memory file is also kept for attached files alone).
  bool reads_scans() const { return spool_ && o_.ocr && !o_.render_program.empty(); }
  std::string read_scans(const std::function<void(std::string_view)>& text);
  // pdfimages configured too, and the PDF names an image: known once its bytes are in.
  bool may_read_pictures() const { return reads_scans() && !o_.image_list_program.empty() && names_.has_images(); }
  // And it has pages with text (a scan is read above): known once pdftotext has exited.
  bool reads_pictures() const { return text_read_ && may_read_pictures(); }
  std::string read_pictures(const std::function<void(std::string_view)>& text);
  std::string ocr_page(size_t page, const std::function<void(std::string_view)>& text);
  void pass_new_lines(std::string_view ocr, const std::function<void(std::string_view)>& text) const;
  std::string render(size_t page, std::string& png);
  std::string feed_spool(ConverterRun& run);
  std::string read_files(const std::function<void(std::string_view)>& text);
  std::string read_file(mime::PdfObjectRef ref, const std::function<void(std::string_view)>& text,
                        std::string_view type = "application/octet-stream",
                        std::string_view what = "a file attached to a PDF");
  std::string read_comments(const std::function<void(std::string_view)>& text);
  std::string read_form(const mime::PdfXfaRefs& xfa, const std::function<void(std::string_view)>& text);

  const PdfOptions o_;
  const unsigned depth_;
  mime::PdfNameScan names_;  // /Encrypt, and files attached to the document
  size_t pages_ = 0, textless_pages_ = 0, page_text_ = 0;
  std::vector<size_t> scans_;  // the first max_ocr_pages textless pages (1-based)
  std::vector<size_t> full_pages_;  // pages with kSearchableScanText or more (ascending; at most max_text / that)
  mime::PdfHtmlText pages_text_{[this](std::string_view t) { count(t); }, [](std::string_view) {}};
  bool scanned_ = false;       // pdftotext succeeded but found textless pages
  bool text_read_ = false;     // pdftotext succeeded and found pages with text
  UniqueFd spool_;             // a copy of the PDF, for rendering its scanned pages and taking out its files
  uint64_t text_bytes_ = 0;    // text passed on, for max_text over the attached files too
  // The last policy::kProximityBytes (to twice that) of the text passed
  // on, when pictures may be read: pass_new_lines() leaves out what OCR
  // reads again that the classifier would count twice.
  std::string recent_;
};

void PdfRun::on_input(std::string_view bytes) {
  if (spool_ && !write_all(spool_.get(), bytes)) {
    log_line(LogLevel::Warning, "", "pdf", std::string("memory file: ") + std::strerror(errno) +
                                               ": scanned pages and attached files of this PDF are not read");
    spool_.reset();
  }
  names_.feed(bytes);
}

std::string PdfRun::on_exit(int status) {
  pages_text_.finish();  // the last page's end, held back until the output ended
  const std::string& program = spec().program;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    text_read_ = pages_ > textless_pages_;
    if (pages_ > 0 && textless_pages_ == 0) return "";
    scanned_ = pages_ > 0;
    if (scanned_ && reads_scans()) return "pdf";  // finish() reads the scans
    // A scan: the page is a picture, and what it shows was not read.
    log_line(LogLevel::Info, "", "pdf",
             "a PDF with " + std::to_string(textless_pages_) + " of " + std::to_string(pages_) +
                 " pages without text (scanned?): reported uninspected");
    return "pdf";
  }
  if (WIFEXITED(status) && (WEXITSTATUS(status) == 3 || (WEXITSTATUS(status) == 1 && names_.encrypted()))) {
    log_line(LogLevel::Debug, "", "pdf", program + " exited with status " + std::to_string(WEXITSTATUS(status)) +
                                             ": an encrypted PDF, reported uninspected");
    return "encrypted";
  }
  if (WIFEXITED(status))
    log_line(LogLevel::Info, "", "pdf", program + " exited with status " + std::to_string(WEXITSTATUS(status)) +
                                            ": a damaged PDF or no PDF, reported uninspected");
  else
    log_line(LogLevel::Warning, "", "pdf", program + " killed by signal " +
                                               std::to_string(WIFSIGNALED(status) ? WTERMSIG(status) : 0) +
                                               " (PdfMemoryLimit or PdfTimeout reached, or it crashed); the PDF part is reported uninspected");
  return "pdf";
}

// Whether more is read of a PDF whose reason so far is `reason`: when it
// was read ("") or is uninspected "pdf" (a scan, a file pdftotext could
// not read); not when it is "encrypted", cut ("size-limit") or out of
// time or slots.
bool reads_more(std::string_view reason) { return reason.empty() || reason == "pdf"; }

// A PDF's reason after one more reading (its attached files, its
// comments) gave `more`: a PDF read so far takes that reason; an
// uninspected one stays "pdf" unless the reading ran out of time or
// slots (which decide the answer: the budget, a retry).
void fold(std::string& reason, const std::string& more) {
  if (reason.empty() || more == "unavailable" || more == "time-limit") reason = more;
}

std::string PdfRun::finish(const std::function<void(std::string_view)>& text) {
  bool pictures = may_read_pictures();  // reads_pictures() needs pdftotext's exit, after the text below
  std::function<void(std::string_view)> counted = [&](std::string_view t) {
    text_bytes_ += t.size();
    if (pictures) {
      recent_.append(t.substr(t.size() > policy::kProximityBytes ? t.size() - policy::kProximityBytes : 0));
      if (recent_.size() > 2 * policy::kProximityBytes) recent_.erase(0, recent_.size() - policy::kProximityBytes);
    }
    text(t);
  };
  mime::PdfHtmlText html(counted);  // the document information, then the pages' text
  std::string reason = ConverterRun::finish([&](std::string_view t) { html.feed(t); });
  html.finish();
  if (reason == "pdf" && scanned_ && reads_scans()) reason = read_scans(counted);
  // Nor does it see the words in a picture on a page with text (a pasted
  // screenshot of a chart, a photographed card, a scan in a typed letter).
  if (reads_more(reason) && reads_pictures()) fold(reason, read_pictures(counted));
  // pdftotext prints the pages alone: the files attached to the document
  // (embedded files, a portfolio's, a file attachment annotation's) are
  // read apart -- also when the pages were not all read (a scan, a damaged
  // file qpdf may still take apart): an uninspected PDF whose attached CSV
  // holds PHI is otherwise delivered by uninspected-clean.
  if (reads_more(reason) && names_.attached_files()) fold(reason, read_files(counted));
  // Nor does it print the comments (sticky notes, pop-ups, markups' notes)
  // or the attached files' names, nor what was typed into an XML (XFA)
  // form: a dynamic one's page says only "Please wait...".
  bool objects = names_.may_have_comments() || names_.attached_files() || names_.has_xfa();
  if (reads_more(reason) && objects && spool_ && !o_.qpdf_program.empty()) {
    fold(reason, read_comments(counted));
  } else if (reads_more(reason) && names_.has_xfa()) {
    log_line(LogLevel::Info, "", "pdf",
             std::string("an XML (XFA) form: its pages are read, the data typed into it is not (") +
                 (o_.qpdf_program.empty() ? "PdfObjects is empty" : "no memory file") + "); reported uninspected");
    fold(reason, "pdf");
  }
  spool_.reset();
  return reason;
}

// The text of the PDF's comments and its attached files' names and
// descriptions, after its other text: "" when qpdf
// listed its objects, else the run's reason ("pdf": the comments are
// unknown; "size-limit": the list was longer than max_text, the comments
// in what came are read).
std::string PdfRun::read_comments(const std::function<void(std::string_view)>& text) {
  if (budget() && DeadlineClock::now() >= *budget()) return "time-limit";
  // Every object as JSON, stream data left out.
  QpdfRun run(o_, {"--json=2", "--json-key=qpdf", "--json-stream-data=none"}, o_.max_text, false,
              "list the objects of a PDF for its comments and files' names", depth_);
  run.set_deadline(budget());
  if (!run.start_on(spool_.get())) return run.past_deadline() ? "time-limit" : "unavailable";
  bool first = true;
  mime::PdfCommentText comments([&](std::string_view t) {
    if (first) text("\n");
    first = false;
    text(t);
  });
  mime::PdfXfaRefs xfa;
  std::string why = run.finish([&](std::string_view json) {
    comments.feed(json);
    xfa.feed(json);
  });
  comments.finish();
  xfa.finish();
  if (!xfa.found() || why == "unavailable" || why == "time-limit") return why;
  std::string form = read_form(xfa, text);
  return why.empty() || form == "unavailable" || form == "time-limit" ? form : why;
}

// The data typed into an XML (XFA) form: each "datasets" stream (or the
// whole XDP stream) qpdf's JSON named, decoded and read as an XML
// attachment would be (its elements' text and attribute values). "" when
// each was read (a form never filled in has none); "pdf" when the /XFA
// value could not be understood; else what a stream's reading gave.
std::string PdfRun::read_form(const mime::PdfXfaRefs& xfa, const std::function<void(std::string_view)>& text) {
  std::string reason = xfa.damaged() ? "pdf" : "";
  size_t read = 0;
  for (const auto& ref : xfa.refs()) {
    if (budget() && DeadlineClock::now() >= *budget()) return "time-limit";
    std::string why = read_file(ref, text, "application/xml", "an XML (XFA) form's data");
    if (why == "unavailable" || why == "time-limit") return why;
    if (why.empty()) ++read;
    else if (reason.empty()) reason = why;
  }
  log_line(LogLevel::Info, "", "pdf",
           "an XML (XFA) form with " + std::to_string(xfa.refs().size()) + " data stream(s): " + std::to_string(read) +
               " read" + (reason.empty() ? "" : ", the PDF is reported uninspected " + reason));
  return reason;
}

// Each embedded file's stream that the PDF's bytes named (the first
// kMaxPdfFileStreams), decoded by qpdf_program and read as an attachment
// would be (InnerFile); its text follows the PDF's. "" when every one
// noted was read to its end and there were no more.
std::string PdfRun::read_files(const std::function<void(std::string_view)>& text) {
  const auto& files = names_.file_streams();
  if (o_.qpdf_program.empty() || !spool_ || files.empty()) {
    log_line(LogLevel::Info, "", "pdf",
             std::string("a PDF with files attached to it: its pages are read, the attached files are not (") +
                 (o_.qpdf_program.empty() ? "PdfObjects is empty"
                  : !spool_                ? "no memory file"
                                           : "no embedded file's stream named") +
                 "); reported uninspected");
    return "pdf";
  }
  size_t read = 0;
  std::string reason;
  for (const auto& ref : files) {
    if (budget() && DeadlineClock::now() >= *budget()) {
      log_line(LogLevel::Warning, "", "pdf",
               "the message's DocumentTimeBudget ran out after " + std::to_string(read) + " of " +
                   std::to_string(files.size()) +
                   " files attached to a PDF: the PDF is reported uninspected time-limit");
      return "time-limit";
    }
    std::string why = read_file(ref, text);
    if (why == "unavailable" || why == "time-limit") return why;
    if (why.empty()) ++read;
    else if (why == "size-limit") reason = why;
  }
  bool all = read == files.size() && !names_.more_file_streams();
  log_line(LogLevel::Info, "", "pdf",
           "a PDF with files attached to it: " + std::to_string(read) + " of " + std::to_string(files.size()) +
               (names_.more_file_streams() ? " (and more not tried)" : "") + " read" +
               (all ? "" : ", the PDF is reported uninspected"));
  if (all) return "";
  return reason.empty() ? "pdf" : reason;
}

// One attached file, given to a Walker of its own as an unnamed
// octet-stream attachment: text (in any charset an unlabelled attachment's
// bytes tell), HTML, RTF, Office packages (.xlsx, .docx), ZIP, tar and
// gzip files, HL7 and the other formats the Walker reads itself; images
// by OCR, Office 97-2003 and .msg files by `office`, 7z and RAR archives
// by `archive`. "" when it was read to its end; "unavailable" or
// "time-limit" (the run's or a reader's); else the reason of what was not
// read ("binary", "pdf", "office", "archive", ...: whatever else happened)
// or the run's ("size-limit"; "pdf": qpdf failed).
std::string PdfRun::read_file(mime::PdfObjectRef ref, const std::function<void(std::string_view)>& text,
                              std::string_view type, std::string_view what) {
  if (text_bytes_ >= o_.max_text) return "size-limit";
  // The stream's data, decoded: the file's bytes.
  QpdfRun run(o_,
              {"--show-object=" + std::to_string(ref.number) + "," + std::to_string(ref.generation),
               "--filtered-stream-data"},
              o_.max_text - text_bytes_, true, "decode a file attached to a PDF", depth_);
  run.set_deadline(budget());
  if (!run.start_on(spool_.get())) return run.past_deadline() ? "time-limit" : "unavailable";
  AttachedDocuments docs(o_, depth_, budget());
  InnerFile file(text, &docs, type, "");
  std::string why = run.finish([&](std::string_view b) { file.feed(b); });
  std::string unread = file.finish();
  if (why == "unavailable" || why == "time-limit") return why;
  if (!unread.empty()) {
    log_line(LogLevel::Info, "", "pdf", std::string(what) + " is not read to its end: " + unread);
    return unread;
  }
  return why;  // "" read; "size-limit" cut; "pdf" qpdf failed (what came is kept)
}

// Each scanned page (the first max_ocr_pages) rendered and read by OCR; its
// text follows the PDF's. "" when every textless page was read.
std::string PdfRun::read_scans(const std::function<void(std::string_view)>& text) {
  size_t read = 0;
  for (size_t page : scans_) {
    if (budget() && DeadlineClock::now() >= *budget()) {
      log_line(LogLevel::Warning, "", "pdf",
               "the message's DocumentTimeBudget ran out after " + std::to_string(read) + " of " +
                   std::to_string(textless_pages_) + " scanned pages: the PDF is reported uninspected time-limit");
      return "time-limit";
    }
    std::string why = ocr_page(page, text);
    if (why == "unavailable" || why == "time-limit") return why;
    if (why.empty()) ++read;
  }
  log_line(LogLevel::Info, "", "pdf",
           "a PDF with " + std::to_string(textless_pages_) + " of " + std::to_string(pages_) +
               " pages without text (scanned?): " + std::to_string(read) + " read by OCR" +
               (read == textless_pages_ ? "" : ", the PDF is reported uninspected"));
  return read == textless_pages_ ? "" : "pdf";
}

// The pages with text whose pictures are large enough to hold text
// (mime/pdf_pictures.h), as pdfimages lists them, each rendered and read
// by OCR as a scan is, as many as max_ocr_pages leaves after the scans;
// their text follows the PDF's. "" when every such page was read (OCR
// recognising little or nothing included: a photograph), "pdf" when the
// list failed or was cut, or pages were left unread.
std::string PdfRun::read_pictures(const std::function<void(std::string_view)>& text) {
  if (budget() && DeadlineClock::now() >= *budget()) return "time-limit";
  HelperRun run(o_, {o_.image_list_program, "-list", "-"}, kMaxImageList, "list the pictures of a PDF");
  run.set_deadline(budget());
  if (!run.start()) return run.past_deadline() ? "time-limit" : "unavailable";
  std::string list;
  if (std::string why = feed_spool(run); !why.empty()) return why;
  std::string listed = run.finish([&](std::string_view b) { list.append(b); });
  if (listed == "unavailable" || listed == "time-limit") return listed;
  // A list cut or ended by a failure ("size-limit", "pdf"): its pages are read, the PDF stays uninspected.
  std::vector<size_t> pages;
  size_t searchable = 0;
  for (auto [page, area] : mime::picture_pages(list)) {
    if (page > pages_ || std::find(scans_.begin(), scans_.end(), page) != scans_.end()) continue;  // read above
    if (area >= kSearchableScanArea && std::binary_search(full_pages_.begin(), full_pages_.end(), page)) {
      ++searchable;  // its words are in its text already
      continue;
    }
    pages.push_back(page);
  }
  list.clear();
  size_t room = o_.max_ocr_pages > scans_.size() ? o_.max_ocr_pages - scans_.size() : 0;
  size_t over = pages.size() > room ? pages.size() - room : 0, read = 0;
  pages.resize(pages.size() - over);
  for (size_t page : pages) {
    if (budget() && DeadlineClock::now() >= *budget()) {
      log_line(LogLevel::Warning, "", "pdf",
               "the message's DocumentTimeBudget ran out after " + std::to_string(read) + " of " +
                   std::to_string(pages.size() + over) +
                   " pages with pictures beside text: the PDF is reported uninspected time-limit");
      return "time-limit";
    }
    std::string ocr;
    std::string why = ocr_page(page, [&](std::string_view t) { ocr.append(t); });
    pass_new_lines(ocr, text);
    if (why == "unavailable" || why == "time-limit") return why;
    if (why.empty() || why == "image") ++read;  // "image": little or no text in it (a photograph)
  }
  bool all = listed.empty() && over == 0 && read == pages.size();
  if (!pages.empty() || !all)
    log_line(LogLevel::Info, "", "pdf",
             "a PDF with pictures beside text on " + std::to_string(pages.size() + over) + " pages" +
                 (listed.empty() ? "" : " or more (their list is incomplete)") + ": " + std::to_string(read) +
                 " read by OCR" + (all ? "" : ", the PDF is reported uninspected"));
  if (searchable > 0)
    log_line(LogLevel::Debug, "", "pdf",
             "a PDF with " + std::to_string(searchable) + " searchable scanned pages: read by their text, not by OCR");
  return all ? "" : "pdf";
}

// The lines of `ocr` (a page with text and pictures, read whole) but
// those the text passed on last (recent_) already holds, compared by
// their letters and digits: the page's typed lines, which OCR reads again
// beside its pictures, would otherwise be counted twice by the classifier
// -- two weak findings, each counted twice, add up to evidence neither
// copy holds. A copy further back than that is kept: the page's typed
// lines, near the picture's, still tell whom the picture is about. A line
// OCR misread is kept too.
void PdfRun::pass_new_lines(std::string_view ocr, const std::function<void(std::string_view)>& text) const {
  auto key = [](std::string_view line) {
    std::string k;
    for (char c : line)
      if (std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80)
        k += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return k;
  };
  std::unordered_set<std::string> seen;
  for (std::string_view rest = recent_; !rest.empty();) {
    size_t end = rest.find('\n');
    if (std::string k = key(rest.substr(0, end)); !k.empty()) seen.insert(std::move(k));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  }
  std::string kept;
  for (std::string_view rest = ocr; !rest.empty();) {
    size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end == std::string_view::npos ? rest.size() : end + 1);
    rest.remove_prefix(line.size());
    std::string k = key(line);
    if (k.empty() || !seen.count(k)) kept.append(line);
  }
  if (!kept.empty()) text(kept);
}

// `page` rendered and read by OCR, its text (if any) passed on after a
// line break: OCR's reason ("" text recognised, "image" little or none),
// "unavailable" or "time-limit" (which decide the answer), or "pdf" (the
// page was not rendered).
std::string PdfRun::ocr_page(size_t page, const std::function<void(std::string_view)>& text) {
  std::string png;
  std::string why = render(page, png);
  if (!why.empty()) return why;
  if (png.empty()) return "pdf";
  auto doc = o_.ocr->open_within("image", budget());
  // OCR busy: the message is retried, not passed on half read (unless its budget ran out meanwhile)
  if (!doc) return past_deadline() ? "time-limit" : "unavailable";
  doc->feed(png);
  png.clear();
  text("\n");
  return doc->finish(text);
}

std::string PdfRun::render(size_t page, std::string& png) {
  std::string n = std::to_string(page);
  HelperRun run(o_, {o_.render_program, "-f", n, "-l", n, "-scale-to", "2200", "-gray", "-png", "-singlefile", "-"},
                kMaxPageImage, "render a page");
  run.set_deadline(budget());
  if (!run.start()) return run.past_deadline() ? "time-limit" : "unavailable";
  if (std::string why = feed_spool(run); !why.empty()) return why;
  return run.finish([&](std::string_view b) { png.append(b); });
}

// The PDF's memory file, from its start, as `run`'s input: "" or "pdf"
// (it could not be read).
std::string PdfRun::feed_spool(ConverterRun& run) {
  if (::lseek(spool_.get(), 0, SEEK_SET) != 0) return "pdf";
  std::string buf(64 * 1024, '\0');
  for (;;) {
    ssize_t n = ::read(spool_.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return "pdf";
    if (n == 0) return "";
    run.feed(std::string_view(buf.data(), size_t(n)));
  }
}

std::unique_ptr<mime::Document> AttachedDocuments::open(std::string_view kind) const {
  if (!reads(kind)) return nullptr;
  if (kind != "pdf") return others_.open_within(kind, deadline_);  // office and archive: in this PDF's slot
  auto run = std::make_unique<PdfRun>(o_, depth_ + 1);
  run->set_deadline(deadline_);
  if (!run->start_in_slot()) return nullptr;  // logged: "unavailable"
  return run;
}

}  // namespace

std::unique_ptr<mime::Document> PdfToText::start(std::string_view kind,
                                                 std::optional<std::chrono::steady_clock::time_point> deadline) const {
  if (kind != "pdf" || o_.program.empty()) return nullptr;
  auto run = std::make_unique<PdfRun>(o_);
  run->set_deadline(deadline);
  if (!run->start()) return nullptr;
  return run;
}

}  // namespace phi
