// converter - a document's text from a sandboxed child process (see converter.h).
#include "milter/converter.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "milter/log.h"
#include "milter/mime/charset.h"
#include "milter/util/deadline.h"
#include "milter/util/files.h"
#include "milter/util/process.h"
#include "milter/util/sandbox.h"

namespace phi {

ConverterSpec::ConverterSpec(const ConverterLimits& limits, ConverterPool& p, std::string tag, std::string key,
                             std::string why)
    : ConverterLimits(limits), pool(&p), log_tag(std::move(tag)), processes_key(std::move(key)), reason(std::move(why)) {}
namespace {

using Clock = DeadlineClock;

bool take_slot(ConverterPool& pool, unsigned limit, Clock::time_point deadline) {
  std::unique_lock lock(pool.m);
  if (!pool.cv.wait_until(lock, deadline, [&] { return pool.busy < limit; })) return false;
  ++pool.busy;
  return true;
}

void give_slot(ConverterPool& pool) {
  {
    std::lock_guard lock(pool.m);
    --pool.busy;
  }
  pool.cv.notify_one();
}

}  // namespace

ConverterRun::~ConverterRun() {
  kill_child();
  if (slot_) give_slot(*s_.pool);
}

double ConverterRun::kill_child() {
  if (pid_ <= 0) return 0;
  ::kill(-pid_, SIGKILL);
  int status;
  rusage ru{};
  while (::wait4(pid_, &status, 0, &ru) < 0 && errno == EINTR) {}
  pid_ = -1;
  auto secs = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}

void ConverterRun::time_out(std::string_view what) {
  failed_ = true;
  double cpu = kill_child();
  if (budget_ && Clock::now() >= *budget_) {  // the message's documents have had their time
    over_budget_ = true;
    log_line(LogLevel::Warning, "", s_.log_tag,
             s_.program + ": " + std::string(what) + " when the message's DocumentTimeBudget ran out; killed; the "
                                                      "part is reported uninspected time-limit");
    return;
  }
  busy_ = slowed_by_machine(cpu, s_.timeout);
  char used[32];
  std::snprintf(used, sizeof used, "%.1f s", cpu);
  log_line(LogLevel::Warning, "", s_.log_tag,
           s_.program + ": " + std::string(what) + " within " + format_timeout(s_.timeout) + " (" + used +
               " of CPU); killed; " +
               (busy_ ? "the machine is busy: the message gets OnInternalError"
                      : "the part is reported uninspected " + s_.reason));
}

std::string ConverterRun::failure() const {
  return over_budget_ ? "time-limit" : busy_ ? "unavailable" : s_.reason;
}

bool ConverterRun::reserve() {
  if (!take_slot(*s_.pool, std::max(1u, s_.processes), until(Clock::now() + s_.timeout))) {
    const std::string busy = "all " + std::to_string(s_.processes) + " " + s_.processes_key + " busy ";
    if (past_deadline())
      log_line(LogLevel::Warning, "", s_.log_tag, busy + "until the message's DocumentTimeBudget ran out");
    else
      log_line(LogLevel::Warning, "", s_.log_tag, busy + "for " + format_timeout(s_.timeout));
    return false;
  }
  slot_ = true;
  return true;
}

bool ConverterRun::spawn(int input) {
  UniqueFd ours_in, theirs_in;
  if (input < 0) {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
      log_line(LogLevel::Error, "", s_.log_tag, std::string("socketpair: ") + std::strerror(errno));
      failed_ = true;
      return false;
    }
    ours_in.reset(sv[0]);
    theirs_in.reset(sv[1]);
  } else if (::lseek(input, 0, SEEK_SET) != 0) {
    log_line(LogLevel::Error, "", s_.log_tag, std::string("lseek: ") + std::strerror(errno));
    failed_ = true;
    return false;
  }
  int pv[2];
  if (::pipe2(pv, O_CLOEXEC) != 0) {
    log_line(LogLevel::Error, "", s_.log_tag, std::string("pipe: ") + std::strerror(errno));
    failed_ = true;
    return false;
  }
  UniqueFd ours_out(pv[0]), theirs_out(pv[1]);

  // The limits are in place before the child runs a line of the program.
  const rlim_t cpu = rlim_t((s_.timeout.count() + 999) / 1000);
  SandboxSpec spec;
  spec.program = s_.program;
  spec.argv = s_.argv;
  spec.env = s_.env;
  spec.limits = {{RLIMIT_AS, rlim_t(s_.memory_limit)},
                 {RLIMIT_CPU, std::max<rlim_t>(cpu, 1)},
                 {RLIMIT_FSIZE, 0},
                 {RLIMIT_CORE, 0},
                 {RLIMIT_NPROC, 0},
                 {RLIMIT_NOFILE, 64}};
  auto pid = spawn_sandboxed(spec, input < 0 ? theirs_in.get() : input, theirs_out.get());
  if (!pid) {
    log_line(LogLevel::Error, "", s_.log_tag, s_.program + ": " + pid.error().message);  // the message gets OnInternalError
    failed_ = true;
    return false;
  }
  pid_ = *pid;
  in_ = std::move(ours_in);
  out_ = std::move(ours_out);
  if (in_) (void)::fcntl(in_.get(), F_SETFL, ::fcntl(in_.get(), F_GETFL) | O_NONBLOCK);
  (void)::fcntl(out_.get(), F_SETFL, ::fcntl(out_.get(), F_GETFL) | O_NONBLOCK);
  return true;
}

void ConverterRun::feed(std::string_view bytes) {
  if (failed_ || pid_ <= 0 || !in_) return;
  on_input(bytes);
  auto deadline = until(Clock::now() + s_.timeout);
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
    // EPIPE: it stopped reading (it exits at once on input it cannot
    // read); finish() tells why from its exit status.
    in_.reset();
    return;
  }
}

std::string ConverterRun::finish(const std::function<void(std::string_view)>& text) {
  if (failed_ || pid_ <= 0) return failure();
  in_.reset();  // end of input
  auto own = Clock::now() + s_.timeout;
  auto deadline = until(own);
  // The time the caller takes with the output (an archive's files read,
  // their own documents converted) is not the child's: it extends the
  // child's deadline, never the message's budget.
  auto pass_on = [&](std::string_view piece) {
    auto t0 = Clock::now();
    text(piece);
    own += Clock::now() - t0;
    deadline = until(own);
  };
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
    if (total + piece.size() > s_.max_text) {
      piece = piece.substr(0, size_t(s_.max_text - total));
      cut = true;
    }
    total += piece.size();
    on_text(piece);
    for (char c : piece)
      if (!converter_blank(c)) ++text_chars_;
    if (s_.raw) {
      pass_on(piece);
      if (cut) break;
      continue;
    }
    converted.clear();
    utf8.convert(piece, converted);
    std::replace(converted.begin(), converted.end(), '\f', '\n');
    pass_on(converted);
    if (cut) break;
  }
  if (!s_.raw) {
    converted.clear();
    utf8.finish(converted);
    pass_on(converted);
  }
  out_.reset();
  if (cut) {
    kill_child();
    log_line(LogLevel::Info, "", s_.log_tag,
             "text of a document longer than " + std::to_string(s_.max_text) + " bytes: the rest is not read");
    return "size-limit";
  }
  int status = 0;
  int waited = timed_out ? 0 : wait_child_until(pid_, &status, deadline);
  if (waited == 0) {
    time_out("no answer");
    return failure();
  }
  if (waited < 0) {
    failed_ = true;
    kill_child();
    log_line(LogLevel::Error, "", s_.log_tag, s_.program + ": waitpid: " + std::strerror(errno));
    return "unavailable";
  }
  pid_ = -1;
  return on_exit(status);
}

UniqueFd memory_file(const std::string& log_tag) {
  int fd = ::memfd_create(("phimilter-" + log_tag).c_str(), MFD_CLOEXEC);
  if (fd < 0) log_line(LogLevel::Error, "", log_tag, std::string("memfd_create: ") + std::strerror(errno));
  return UniqueFd(fd);
}

bool append_memory_file(UniqueFd& file, std::string_view bytes, const std::string& log_tag) {
  if (write_all(file.get(), bytes)) return true;
  log_line(LogLevel::Error, "", log_tag, std::string("memory file: ") + std::strerror(errno));
  file.reset();
  return false;
}

bool slowed_by_machine(double cpu_seconds, std::chrono::milliseconds timeout) {
  return cpu_seconds * 2 < double(timeout.count()) / 1000;
}

const mime::DocumentReader* Converters::reader(std::string_view kind) const {
  if (kind == "pdf") return pdf_.get();
  if (kind == "image") return ocr_.get();
  if (kind == "office") return office_.get();
  if (kind == "archive") return archive_.get();
  return nullptr;
}

std::unique_ptr<mime::Document> Converters::open(std::string_view kind) const {
  const auto* r = reader(kind);
  return r ? r->open(kind) : nullptr;
}

std::unique_ptr<mime::Document> Converters::open_until(std::string_view kind, Clock::time_point deadline) const {
  const auto* r = reader(kind);
  return r ? r->open_until(kind, deadline) : nullptr;
}

bool Converters::reads(std::string_view kind) const {
  const auto* r = reader(kind);
  return r && r->reads(kind);
}

uint64_t Converters::min_bytes(std::string_view kind) const {
  const auto* r = reader(kind);
  return r ? r->min_bytes(kind) : 0;
}

}  // namespace phi

namespace phi {

// A document of a budgeted message: its calls are timed and given what is
// left; without `inner` (nothing was left when it was opened), "time-limit".
class DocumentBudget::Budgeted : public mime::Document {
 public:
  Budgeted(const DocumentBudget& budget, std::unique_ptr<mime::Document> inner)
      : b_(budget), inner_(std::move(inner)) {}
  void feed(std::string_view bytes) override {
    if (!inner_) return;
    auto t0 = Clock::now();
    inner_->set_deadline(t0 + b_.left_);
    inner_->feed(bytes);
    b_.spend(Clock::now() - t0);
  }
  std::string finish(const std::function<void(std::string_view)>& text) override {
    if (!inner_) return "time-limit";
    auto t0 = Clock::now();
    inner_->set_deadline(t0 + b_.left_);
    std::string reason = inner_->finish(text);
    b_.spend(Clock::now() - t0);
    if (reason == "time-limit") b_.spent_all();
    return reason;
  }

 private:
  const DocumentBudget& b_;
  std::unique_ptr<mime::Document> inner_;
};

std::unique_ptr<mime::Document> DocumentBudget::open(std::string_view kind) const {
  if (left_ <= Clock::duration::zero()) {
    spent_all();
    return std::make_unique<Budgeted>(*this, nullptr);
  }
  auto t0 = Clock::now();
  auto doc = inner_.open_until(kind, t0 + left_);
  spend(Clock::now() - t0);
  if (!doc && left_ <= Clock::duration::zero()) {  // waited for a free process until the budget ran out
    spent_all();
    return std::make_unique<Budgeted>(*this, nullptr);
  }
  if (!doc) return nullptr;
  return std::make_unique<Budgeted>(*this, std::move(doc));
}

void DocumentBudget::spend(Clock::duration d) const {
  left_ = d >= left_ ? Clock::duration::zero() : left_ - d;
}

void DocumentBudget::spent_all() const {
  if (warned_) return;
  warned_ = true;
  log_line(LogLevel::Warning, "", "documents",
           "the message's attachments took DocumentTimeBudget (" + format_timeout(budget_) +
               ") to read: the rest are reported uninspected time-limit");
}

}  // namespace phi
