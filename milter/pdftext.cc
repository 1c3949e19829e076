// pdftext - PDF text through a limited pdftotext(1) child (see pdftext.h).
#include "milter/pdftext.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <vector>

#include "milter/log.h"
#include "milter/mime/charset.h"
#include "milter/util/c_ptr.h"
#include "milter/util/deadline.h"
#include "milter/util/process.h"
#include "milter/util/sandbox.h"

namespace phi {
namespace {

using Clock = DeadlineClock;

// Children running, daemon-wide (a reload's new PdfToText shares the count).
struct Slots {
  std::mutex m;
  std::condition_variable cv;
  unsigned busy = 0;
};
Slots& slots() {
  static Slots s;
  return s;
}

bool take_slot(unsigned limit, Clock::time_point deadline) {
  Slots& s = slots();
  std::unique_lock lock(s.m);
  if (!s.cv.wait_until(lock, deadline, [&] { return s.busy < limit; })) return false;
  ++s.busy;
  return true;
}

void give_slot() {
  Slots& s = slots();
  {
    std::lock_guard lock(s.m);
    --s.busy;
  }
  s.cv.notify_one();
}

constexpr std::string_view kEncrypt = "/Encrypt";
// A page with less text than this (a page number, a fax header) is taken
// for a picture of a page: a scan, whose words pdftotext cannot see.
constexpr size_t kMinPageText = 32;

class PdfRun : public mime::Document {
 public:
  explicit PdfRun(PdfOptions o) : o_(std::move(o)) {}
  ~PdfRun() override {
    kill_child();
    if (slot_) give_slot();
  }

  // Starts the child; false (logged) when it cannot be.
  bool start();
  void feed(std::string_view bytes) override;
  std::string finish(const std::function<void(std::string_view)>& text) override;

 private:
  // Kills and reaps the child; the CPU time it used, in seconds.
  double kill_child() {
    if (pid_ <= 0) return 0;
    ::kill(-pid_, SIGKILL);
    int status;
    rusage ru{};
    while (::wait4(pid_, &status, 0, &ru) < 0 && errno == EINTR) {}
    pid_ = -1;
    auto secs = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
    return secs(ru.ru_utime) + secs(ru.ru_stime);
  }
  // Out of time (wall clock): killed. A child that used less than half its
  // time on the CPU was slowed by the machine, not by the document, and
  // the reason is "unavailable" (a retry may read it); else "pdf".
  void time_out(std::string_view what) {
    failed_ = true;
    double cpu = kill_child();
    busy_ = slowed_by_machine(cpu, o_.timeout);
    char used[32];
    std::snprintf(used, sizeof used, "%.1f s", cpu);
    log_line(LogLevel::Warning, "", "pdf",
             o_.program + ": " + std::string(what) + " within " + format_timeout(o_.timeout) + " (" + used +
                 " of CPU); killed; " +
                 (busy_ ? "the machine is busy: the message gets OnInternalError" : "the PDF part is reported uninspected"));
  }
  void look_for_encrypt(std::string_view bytes);
  // pdftotext ends every page with a form feed: counts the pages, and those
  // with fewer than kMinPageText characters other than white space.
  void count_pages(std::string_view out) {
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

  const PdfOptions o_;
  bool slot_ = false;
  pid_t pid_ = -1;
  UniqueFd in_, out_;  // the child's standard input (a socket) and output (a pipe)
  bool failed_ = false;
  bool busy_ = false;       // timed out while the machine, not the document, kept it slow
  bool encrypted_ = false;  // an /Encrypt key was seen
  std::string tail_;        // the last bytes fed, for a key split between feeds
  size_t pages_ = 0, textless_pages_ = 0, page_text_ = 0;
};

bool PdfRun::start() {
  if (!take_slot(std::max(1u, o_.processes), Clock::now() + o_.timeout)) {
    log_line(LogLevel::Warning, "", "pdf",
             "all " + std::to_string(o_.processes) + " PdfProcesses busy for " + format_timeout(o_.timeout));
    return false;
  }
  slot_ = true;
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    log_line(LogLevel::Error, "", "pdf", std::string("socketpair: ") + std::strerror(errno));
    return false;
  }
  UniqueFd ours_in(sv[0]), theirs_in(sv[1]);
  int pv[2];
  if (::pipe2(pv, O_CLOEXEC) != 0) {
    log_line(LogLevel::Error, "", "pdf", std::string("pipe: ") + std::strerror(errno));
    return false;
  }
  UniqueFd ours_out(pv[0]), theirs_out(pv[1]);

  // The limits are in place before the child runs a line of pdftotext.
  const rlim_t cpu = rlim_t((o_.timeout.count() + 999) / 1000);
  SandboxSpec spec;
  spec.program = o_.program;
  spec.argv = {o_.program, "-q", "-enc", "UTF-8", "-eol", "unix", "-", "-"};
  spec.env = {"PATH=/usr/bin:/bin"};
  spec.limits = {{RLIMIT_AS, rlim_t(o_.memory_limit)},
                 {RLIMIT_CPU, std::max<rlim_t>(cpu, 1)},
                 {RLIMIT_FSIZE, 0},
                 {RLIMIT_CORE, 0},
                 {RLIMIT_NPROC, 0},
                 {RLIMIT_NOFILE, 64}};
  auto pid = spawn_sandboxed(spec, theirs_in.get(), theirs_out.get());
  if (!pid) {
    log_line(LogLevel::Error, "", "pdf", o_.program + ": " + pid.error().message);  // the message gets OnInternalError
    return false;
  }
  pid_ = *pid;
  in_ = std::move(ours_in);
  out_ = std::move(ours_out);
  (void)::fcntl(in_.get(), F_SETFL, ::fcntl(in_.get(), F_GETFL) | O_NONBLOCK);
  (void)::fcntl(out_.get(), F_SETFL, ::fcntl(out_.get(), F_GETFL) | O_NONBLOCK);
  return true;
}

void PdfRun::look_for_encrypt(std::string_view bytes) {
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

void PdfRun::feed(std::string_view bytes) {
  if (failed_ || pid_ <= 0 || !in_) return;
  look_for_encrypt(bytes);
  auto deadline = Clock::now() + o_.timeout;
  while (!bytes.empty()) {
    ssize_t n = ::send(in_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(size_t(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (Clock::now() >= deadline) return time_out("not reading its input");
      pollfd p{in_.get(), POLLOUT, 0};
      (void)::poll(&p, 1, ms_left(deadline));
      continue;
    }
    // EPIPE: it stopped reading (it exits at once on input that is no PDF);
    // finish() tells why from its exit status.
    in_.reset();
    return;
  }
}

std::string PdfRun::finish(const std::function<void(std::string_view)>& text) {
  if (failed_ || pid_ <= 0) return busy_ ? "unavailable" : "pdf";
  in_.reset();  // end of input
  auto deadline = Clock::now() + o_.timeout;
  mime::CharsetConverter utf8("utf-8");
  std::string buf(64 * 1024, '\0'), converted;
  uint64_t total = 0;
  bool cut = false, timed_out = false;
  for (;;) {
    ssize_t n = ::read(out_.get(), buf.data(), buf.size());
    if (n == 0) break;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      if (Clock::now() >= deadline) {
        timed_out = true;
        break;
      }
      pollfd p{out_.get(), POLLIN, 0};
      (void)::poll(&p, 1, ms_left(deadline));
      continue;
    }
    if (n < 0) break;
    std::string_view piece(buf.data(), size_t(n));
    if (total + piece.size() > o_.max_text) {
      piece = piece.substr(0, size_t(o_.max_text - total));
      cut = true;
    }
    total += piece.size();
    count_pages(piece);
    converted.clear();
    utf8.convert(piece, converted);
    std::replace(converted.begin(), converted.end(), '\f', '\n');
    text(converted);
    if (cut) break;
  }
  converted.clear();
  utf8.finish(converted);
  text(converted);
  out_.reset();
  if (cut) {
    kill_child();
    log_line(LogLevel::Info, "", "pdf", "text of a PDF longer than " + std::to_string(o_.max_text) + " bytes: the rest is not read");
    return "size-limit";
  }
  int status = 0;
  int waited = timed_out ? 0 : wait_child_until(pid_, &status, deadline);
  if (waited == 0) {
    time_out("no answer");
    return busy_ ? "unavailable" : "pdf";
  }
  if (waited < 0) {
    failed_ = true;
    kill_child();
    log_line(LogLevel::Error, "", "pdf", o_.program + ": waitpid: " + std::strerror(errno));
    return "unavailable";
  }
  pid_ = -1;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    if (pages_ > 0 && textless_pages_ == 0) return "";
    // A scan: the page is a picture, and what it shows was not read.
    log_line(LogLevel::Info, "", "pdf",
             "a PDF with " + std::to_string(textless_pages_) + " of " + std::to_string(pages_) +
                 " pages without text (scanned?): reported uninspected");
    return "pdf";
  }
  if (WIFEXITED(status) && (WEXITSTATUS(status) == 3 || (WEXITSTATUS(status) == 1 && encrypted_))) {
    log_line(LogLevel::Debug, "", "pdf", o_.program + " exited with status " + std::to_string(WEXITSTATUS(status)) +
                                             ": an encrypted PDF, reported uninspected");
    return "encrypted";
  }
  if (WIFEXITED(status))
    log_line(LogLevel::Info, "", "pdf", o_.program + " exited with status " + std::to_string(WEXITSTATUS(status)) +
                                            ": a damaged PDF or no PDF, reported uninspected");
  else
    log_line(LogLevel::Warning, "", "pdf", o_.program + " killed by signal " +
                                               std::to_string(WIFSIGNALED(status) ? WTERMSIG(status) : 0) +
                                               " (PdfMemoryLimit or PdfTimeout reached, or it crashed); the PDF part is reported uninspected");
  return "pdf";
}

}  // namespace

bool slowed_by_machine(double cpu_seconds, std::chrono::milliseconds timeout) {
  return cpu_seconds * 2 < double(timeout.count()) / 1000;
}

std::unique_ptr<mime::Document> PdfToText::open(std::string_view kind) const {
  if (kind != "pdf" || o_.program.empty()) return nullptr;
  auto run = std::make_unique<PdfRun>(o_);
  if (!run->start()) return nullptr;
  return run;
}

}  // namespace phi
