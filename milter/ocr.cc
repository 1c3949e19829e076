// ocr - image text through a limited tesseract(1) child (see ocr.h).
#include "milter/ocr.h"

#include <sys/wait.h>

#include <string>

#include "milter/log.h"

namespace phi {
namespace {

// Children running, daemon-wide (a reload's new ImageOcr shares the count).
ConverterPool& pool() {
  static ConverterPool p;
  return p;
}

ConverterSpec ocr_spec(const OcrOptions& o) {
  ConverterSpec s(o, pool(), "ocr", "OcrProcesses", "image");
  s.program = o.program;
  s.argv = {o.program, "stdin", "stdout", "-l", o.language};
  s.env = {"PATH=/usr/bin:/bin", "OMP_THREAD_LIMIT=1"};
  return s;
}

class OcrRun : public ConverterRun {
 public:
  explicit OcrRun(const OcrOptions& o) : ConverterRun(ocr_spec(o)) {}

 private:
  std::string on_exit(int status) override {
    const std::string& program = spec().program;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      if (text_chars() >= kConverterMinText) return "";
      log_line(LogLevel::Debug, "", "ocr", "an image with no text recognised: reported uninspected");
      return "image";
    }
    if (WIFEXITED(status))
      log_line(LogLevel::Info, "", "ocr", program + " exited with status " + std::to_string(WEXITSTATUS(status)) +
                                              ": a damaged image (or OcrLanguage not installed), reported uninspected");
    else
      log_line(LogLevel::Warning, "", "ocr", program + " killed by signal " +
                                                 std::to_string(WIFSIGNALED(status) ? WTERMSIG(status) : 0) +
                                                 " (OcrMemoryLimit or OcrTimeout reached, or it crashed); the image is reported uninspected");
    return "image";
  }
};

}  // namespace

bool valid_ocr_language(std::string_view language) {
  if (language.empty() || language.size() > 256) return false;
  bool name = false;
  for (char c : language) {
    if (c == '+') {
      if (!name) return false;
      name = false;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
      name = true;
    } else {
      return false;
    }
  }
  return name;
}

std::unique_ptr<mime::Document> ImageOcr::start(std::string_view kind,
                                                std::optional<std::chrono::steady_clock::time_point> deadline) const {
  if (kind != "image" || o_.program.empty()) return nullptr;
  auto run = std::make_unique<OcrRun>(o_);
  run->set_deadline(deadline);
  if (!run->start()) return nullptr;
  return run;
}

}  // namespace phi
