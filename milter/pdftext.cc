// pdftext - PDF text through a limited pdftotext(1) child (see pdftext.h).
#include "milter/pdftext.h"

#include <sys/wait.h>

#include <algorithm>
#include <string>

#include "milter/converter.h"
#include "milter/log.h"

namespace phi {
namespace {

// Children running, daemon-wide (a reload's new PdfToText shares the count).
ConverterPool& pool() {
  static ConverterPool p;
  return p;
}

constexpr std::string_view kEncrypt = "/Encrypt";
// A page with less text than this (a page number, a fax header) is taken
// for a picture of a page: a scan, whose words pdftotext cannot see.
constexpr size_t kMinPageText = 32;

ConverterSpec pdf_spec(const PdfOptions& o) {
  ConverterSpec s;
  s.program = o.program;
  s.argv = {o.program, "-q", "-enc", "UTF-8", "-eol", "unix", "-", "-"};
  s.env = {"PATH=/usr/bin:/bin"};
  s.timeout = o.timeout;
  s.memory_limit = o.memory_limit;
  s.max_text = o.max_text;
  s.processes = o.processes;
  s.pool = &pool();
  s.log_tag = "pdf";
  s.processes_key = "PdfProcesses";
  s.reason = "pdf";
  return s;
}

class PdfRun : public ConverterRun {
 public:
  explicit PdfRun(const PdfOptions& o) : ConverterRun(pdf_spec(o)) {}

 private:
  void on_input(std::string_view bytes) override;
  // pdftotext ends every page with a form feed: counts the pages, and those
  // with fewer than kMinPageText characters other than white space.
  void on_text(std::string_view out) override {
    for (char c : out) {
      if (c == '\f') {
        ++pages_;
        if (page_text_ < kMinPageText) ++textless_pages_;
        page_text_ = 0;
      } else if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\v') {
        ++page_text_;
      }
    }
  }
  std::string on_exit(int status) override;

  bool encrypted_ = false;  // an /Encrypt key was seen
  std::string tail_;        // the last bytes fed, for a key split between feeds
  size_t pages_ = 0, textless_pages_ = 0, page_text_ = 0;
};

void PdfRun::on_input(std::string_view bytes) {
  if (encrypted_) return;
  std::string window = tail_;
  window.append(bytes.substr(0, std::min(bytes.size(), kEncrypt.size())));
  if (window.find(kEncrypt) != std::string::npos || bytes.find(kEncrypt) != std::string_view::npos) {
    encrypted_ = true;
    return;
  }
  std::string_view last = bytes.size() >= kEncrypt.size() ? bytes.substr(bytes.size() - kEncrypt.size() + 1) : bytes;
  tail_.append(last);
  if (tail_.size() > kEncrypt.size() - 1) tail_.erase(0, tail_.size() - (kEncrypt.size() - 1));
}

std::string PdfRun::on_exit(int status) {
  const std::string& program = spec().program;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    if (pages_ > 0 && textless_pages_ == 0) return "";
    // A scan: the page is a picture, and what it shows was not read.
    log_line(LogLevel::Info, "", "pdf",
             "a PDF with " + std::to_string(textless_pages_) + " of " + std::to_string(pages_) +
                 " pages without text (scanned?): reported uninspected");
    return "pdf";
  }
  if (WIFEXITED(status) && (WEXITSTATUS(status) == 3 || (WEXITSTATUS(status) == 1 && encrypted_))) {
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

}  // namespace

std::unique_ptr<mime::Document> PdfToText::open(std::string_view kind) const {
  if (kind != "pdf" || o_.program.empty()) return nullptr;
  auto run = std::make_unique<PdfRun>(o_);
  if (!run->start()) return nullptr;
  return run;
}

}  // namespace phi
