// pdftext - PDF text through a limited pdftotext(1) child (see pdftext.h).
#include "milter/pdftext.h"

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "milter/converter.h"
#include "milter/log.h"
#include "milter/mime/pdf_html.h"
#include "milter/mime/pdf_names.h"
#include "milter/util/c_ptr.h"
#include "milter/util/deadline.h"
#include "milter/util/files.h"

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
// A rendered page (2200 pixels on its long side, grey) is a few MB at most.
constexpr uint64_t kMaxPageImage = 64ull << 20;

// A page with less text than kConverterMinText (a page number, a fax
// header) is taken for a picture of a page: a scan, whose words pdftotext
// cannot see.

ConverterSpec pdf_spec(const PdfOptions& o) {
  ConverterSpec s(o, pool(), "pdf", "PdfProcesses", "pdf");
  s.program = o.program;
  // -htmlmeta: the document information (title, subject, keywords) too (mime/pdf_html.h).
  s.argv = {o.program, "-q", "-enc", "UTF-8", "-eol", "unix", "-htmlmeta", "-", "-"};
  s.env = {"PATH=/usr/bin:/bin"};
  return s;
}

// pdftoppm: one page of the PDF as a grey PNG on its standard output.
class RenderRun : public ConverterRun {
 public:
  RenderRun(const PdfOptions& o, size_t page) : ConverterRun(render_spec(o, page)) {}

 private:
  static ConverterSpec render_spec(const PdfOptions& o, size_t page) {
    ConverterSpec s = pdf_spec(o);
    std::string n = std::to_string(page);
    s.program = o.render_program;
    s.argv = {o.render_program, "-f", n, "-l", n, "-scale-to", "2200", "-gray", "-png", "-singlefile", "-"};
    s.max_text = kMaxPageImage;
    s.pool = &render_pool();
    s.log_tag = "pdf";
    s.raw = true;
    return s;
  }
  std::string on_exit(int status) override {
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
    log_line(LogLevel::Info, "", "pdf", spec().program + " could not render a scanned page (status " +
                                            std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
    return "pdf";
  }
};

class PdfRun : public ConverterRun {
 public:
  explicit PdfRun(const PdfOptions& o) : ConverterRun(pdf_spec(o)), o_(o) {
    if (o_.ocr && !o_.render_program.empty()) {
      int fd = ::memfd_create("phimilter-pdf", MFD_CLOEXEC);
      if (fd >= 0) spool_.reset(fd);
      else log_line(LogLevel::Warning, "", "pdf", std::string("memfd_create: ") + std::strerror(errno) +
                                                      ": scanned pages of this PDF are not read");
    }
  }
  std::string finish(const std::function<void(std::string_view)>& text) override;

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
        }
        page_text_ = 0;
      } else if (!converter_blank(c)) {  // '\f' ended the page above
        ++page_text_;
      }
    }
  }
  std::string on_exit(int status) override;

  std::string read_scans(const std::function<void(std::string_view)>& text);
  std::string render(size_t page, std::string& png);

  const PdfOptions o_;
  mime::PdfNameScan names_;  // /Encrypt, and files attached to the document
  size_t pages_ = 0, textless_pages_ = 0, page_text_ = 0;
  std::vector<size_t> scans_;  // the first max_ocr_pages textless pages (1-based)
  mime::PdfHtmlText pages_text_{[this](std::string_view t) { count(t); }, [](std::string_view) {}};
  bool scanned_ = false;       // pdftotext succeeded but found textless pages
  UniqueFd spool_;             // a copy of the PDF, for rendering its scanned pages
};

void PdfRun::on_input(std::string_view bytes) {
  if (spool_ && !write_all(spool_.get(), bytes)) {
    log_line(LogLevel::Warning, "", "pdf", std::string("memory file: ") + std::strerror(errno) +
                                               ": scanned pages of this PDF are not read");
    spool_.reset();
  }
  names_.feed(bytes);
}

std::string PdfRun::on_exit(int status) {
  pages_text_.finish();  // the last page's end, held back until the output ended
  const std::string& program = spec().program;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    if (pages_ > 0 && textless_pages_ == 0) return "";
    scanned_ = pages_ > 0;
    if (scanned_ && spool_) return "pdf";  // finish() reads the scans
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

std::string PdfRun::finish(const std::function<void(std::string_view)>& text) {
  mime::PdfHtmlText html(text);  // the document information, then the pages' text
  std::string reason = ConverterRun::finish([&](std::string_view t) { html.feed(t); });
  html.finish();
  if (reason == "pdf" && scanned_ && spool_) reason = read_scans(text);
  if (reason.empty() && names_.attached_files()) {
    // pdftotext prints the pages alone: a file attached to the document (an
    // embedded file, a portfolio's, a file attachment annotation's) is unread.
    log_line(LogLevel::Info, "", "pdf",
             "a PDF with files attached to it: its pages are read, the attached files are not; reported uninspected");
    return "pdf";
  }
  return reason;
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
    std::string png;
    std::string why = render(page, png);
    if (why == "unavailable" || why == "time-limit") return why;
    if (!why.empty() || png.empty()) continue;
    auto doc = budget() ? o_.ocr->open_until("image", *budget()) : o_.ocr->open("image");
    // OCR busy: the message is retried, not passed on half read (unless its budget ran out meanwhile)
    if (!doc) return past_deadline() ? "time-limit" : "unavailable";
    doc->feed(png);
    png.clear();
    text("\n");
    why = doc->finish(text);
    if (why == "unavailable" || why == "time-limit") return why;
    if (why.empty()) ++read;
  }
  spool_.reset();
  log_line(LogLevel::Info, "", "pdf",
           "a PDF with " + std::to_string(textless_pages_) + " of " + std::to_string(pages_) +
               " pages without text (scanned?): " + std::to_string(read) + " read by OCR" +
               (read == textless_pages_ ? "" : ", the PDF is reported uninspected"));
  return read == textless_pages_ ? "" : "pdf";
}

std::string PdfRun::render(size_t page, std::string& png) {
  RenderRun run(o_, page);
  run.set_deadline(budget());
  if (!run.start()) return run.past_deadline() ? "time-limit" : "unavailable";
  if (::lseek(spool_.get(), 0, SEEK_SET) != 0) return "pdf";
  std::string buf(64 * 1024, '\0');
  for (;;) {
    ssize_t n = ::read(spool_.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return "pdf";
    if (n == 0) break;
    run.feed(std::string_view(buf.data(), size_t(n)));
  }
  return run.finish([&](std::string_view b) { png.append(b); });
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
