// ocr - image text through a limited tesseract(1) child (see ocr.h).
#include "milter/ocr.h"

#include <sys/wait.h>

#include <algorithm>
#include <string>

#include "milter/log.h"
#include "milter/mime/embedded.h"
#include "milter/mime/ocr_tsv.h"

namespace phi {
namespace {

// Children running, daemon-wide (a reload's new ImageOcr shares the count).
ConverterPool& pool() {
  static ConverterPool p;
  return p;
}

// The HEIF decoder's children: as many as OcrProcesses, taken only by a
// run that holds an OCR slot (so never waited for: no run holds a decoder's
// slot while it waits for an OCR one).
ConverterPool& heif_pool() {
  static ConverterPool p;
  return p;
}

// What a HEIF image's decoder may write: a PGM header and 4096 by 4096 grey
// pixels at most (phimilter-heif shrinks larger pictures).
constexpr uint64_t kMaxDecodedHeif = 4096ull * 4096 + 64;
// The first bytes that tell a HEIF image from the others (is_heif).
constexpr size_t kImageHead = 12;

// The log line for a child (tesseract, the HEIF decoder) that exited with
// a status other than 0 (`damaged` says what that means) or was killed;
// the reason: "image".
std::string child_failed(const std::string& program, int status, const std::string& damaged) {
  if (WIFEXITED(status))
    log_line(LogLevel::Info, "", "ocr", program + " exited with status " + std::to_string(WEXITSTATUS(status)) + ": " +
                                            damaged + ", reported uninspected");
  else
    log_line(LogLevel::Warning, "", "ocr", program + " killed by signal " +
                                               std::to_string(WIFSIGNALED(status) ? WTERMSIG(status) : 0) +
                                               " (OcrMemoryLimit or OcrTimeout reached, or it crashed); the image is reported uninspected");
  return "image";
}

ConverterSpec ocr_spec(const OcrOptions& o) {
  ConverterSpec s(o, pool(), "ocr", "OcrProcesses", "image");
  s.program = o.program;
  s.argv = {o.program, "stdin", "stdout", "-l", o.language};
  if (o.orientation) s.argv.insert(s.argv.end(), {"--psm", "1", "-c", "min_orientation_margin=2"});
  s.argv.push_back("tsv");  // words with their confidence (mime/ocr_tsv.h)
  s.env = {"PATH=/usr/bin:/bin", "OMP_THREAD_LIMIT=1"};
  return s;
}

ConverterSpec heif_spec(const OcrOptions& o) {
  ConverterSpec s(o, heif_pool(), "ocr", "OcrProcesses", "image");
  s.program = o.heif_program;
  s.argv = {o.heif_program};
  s.env = {"PATH=/usr/bin:/bin"};
  s.raw = true;
  s.max_text = kMaxDecodedHeif;
  return s;
}

// phimilter-heif: a HEIF image in, a PGM out (passed on unconverted).
class HeifRun : public ConverterRun {
 public:
  explicit HeifRun(const OcrOptions& o) : ConverterRun(heif_spec(o)) {}

 private:
  std::string on_exit(int status) override {
    const std::string& program = spec().program;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
    return child_failed(program, status, "a damaged HEIF image, or one of a kind libheif does not decode");
  }
};

// tesseract on an image. It holds its OCR slot from open() and starts
// tesseract once the first kImageHead bytes say what the image is: a HEIF
// image (is_heif) first goes to HeifRun, whose picture tesseract is given
// as it comes; without a decoder (OcrHeifProgram empty) a HEIF image is
// "image", and tesseract, which could not read it, is not started.
class OcrRun : public ConverterRun {
 public:
  explicit OcrRun(const OcrOptions& o) : ConverterRun(ocr_spec(o)), o_(o) {}

  bool open() { return reserve(); }

  void feed(std::string_view bytes) override {
    if (state_ != State::Head) return pass(bytes);
    const size_t take = std::min(bytes.size(), kImageHead - head_.size());
    head_.append(bytes.substr(0, take));
    if (head_.size() < kImageHead) return;
    decide();
    pass(bytes.substr(take));
  }

  std::string finish(const std::function<void(std::string_view)>& text) override {
    if (state_ == State::Head) decide();
    switch (state_) {
      case State::Head:
      case State::Image: return read_words(text);
      case State::NoDecoder: return "image";
      case State::Failed: return failed_;
      case State::Heif: break;
    }
    bool started = false, start_failed = false;
    decoder_->set_deadline(budget());
    std::string reason = decoder_->finish([&](std::string_view picture) {
      if (!started && !start_failed) {
        started = spawn(-1);
        start_failed = !started;
      }
      if (started) ConverterRun::feed(picture);
    });
    decoder_.reset();  // its slot is free again
    if (!reason.empty()) return reason;
    if (start_failed) return past_deadline() ? "time-limit" : "unavailable";
    if (!started) return "image";  // exit status 0 and no picture: not a decoder's doing
    return read_words(text);
  }

 private:
  enum class State { Head, Image, Heif, NoDecoder, Failed };

  // What the first bytes are: tesseract starts, or the decoder does.
  void decide() {
    if (!mime::is_heif(head_)) {
      if (!spawn(-1)) return fail();
      state_ = State::Image;
    } else if (o_.heif_program.empty()) {
      log_line(LogLevel::Debug, "", "ocr", "a HEIF image and OcrHeifProgram empty: reported uninspected");
      state_ = State::NoDecoder;
    } else {
      decoder_ = std::make_unique<HeifRun>(o_);
      decoder_->set_deadline(budget());
      if (!decoder_->start()) return fail();
      state_ = State::Heif;
    }
    std::string head = std::move(head_);
    pass(head);
  }

  void fail() {
    state_ = State::Failed;
    failed_ = past_deadline() || (decoder_ && decoder_->past_deadline()) ? "time-limit" : "unavailable";
    decoder_.reset();
  }

  void pass(std::string_view bytes) {
    if (bytes.empty()) return;
    if (state_ == State::Image) {
      ConverterRun::feed(bytes);
    } else if (state_ == State::Heif) {
      decoder_->set_deadline(budget());
      decoder_->feed(bytes);
    }
  }

  // tesseract's TSV read as its words (OcrTsv); an image whose words are
  // too few or too unsure is "image", its words still passed on.
  std::string read_words(const std::function<void(std::string_view)>& text) {
    mime::OcrTsv words(text);
    std::string reason = ConverterRun::finish([&](std::string_view tsv) { words.feed(tsv); });
    words.finish();
    if (!reason.empty()) return reason;
    if (words.chars() < kConverterMinText) {
      log_line(LogLevel::Debug, "", "ocr", "an image with no text recognised: reported uninspected");
      return "image";
    }
    if (words.confidence() < kOcrMinConfidence) {
      log_line(LogLevel::Debug, "", "ocr",
               "an image whose " + std::to_string(words.words()) + " words were recognised with a mean confidence of " +
                   std::to_string(int(words.confidence())) + " (under " + std::to_string(int(kOcrMinConfidence)) +
                   "): reported uninspected");
      return "image";
    }
    return "";
  }

  std::string on_exit(int status) override {
    const std::string& program = spec().program;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
    return child_failed(program, status, "a damaged image (or OcrLanguage not installed)");
  }

  OcrOptions o_;
  State state_ = State::Head;
  std::string head_;                  // the first bytes, until they say what the image is
  std::unique_ptr<HeifRun> decoder_;  // a HEIF image's
  std::string failed_;                // the reason, once nothing could start
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
  if (!run->open()) return nullptr;
  return run;
}

}  // namespace phi
