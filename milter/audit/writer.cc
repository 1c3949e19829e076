// audit/writer - the audit chain's writer: Boost.Log sink, fsync, rotation, checkpoints.
#include "milter/audit/writer.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <boost/log/attributes/constant.hpp>
#include <boost/log/core.hpp>
#include <boost/log/expressions.hpp>
#include <boost/log/sinks/basic_sink_backend.hpp>
#include <boost/log/sinks/sync_frontend.hpp>
#include <boost/log/sources/logger.hpp>
#include <boost/make_shared.hpp>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>
#include <system_error>

#include "milter/util/files.h"
#include "milter/util/log_record.h"
#include "milter/util/c_ptr.h"
#include "milter/util/strings.h"

namespace phi::audit {
namespace {

namespace blog = boost::log;
namespace sinks = boost::log::sinks;
namespace expr = boost::log::expressions;

constexpr size_t kMaxCheckpointTail = 64 * 1024;  // bytes read from the end of AuditCheckpointFile
// Bytes read from the end of the log to find its last whole record: that
// record, a torn line after it (a record cut short, so at most a record
// long), their newlines, and room for the torn start records of recoveries
// that were cut short in turn (a few hundred bytes each).
constexpr size_t kMaxLogTail = 2 * (kMaxRecordBytes + 1) + 64 * 1024;
constexpr const char* kSinkAttr = "AuditSink";    // milter/log.cc filters on this name

std::atomic<unsigned> g_next_sink_id{1};

Error errno_error(const std::string& what) { return Error{what + ": " + std::strerror(errno)}; }

// Reads up to max_bytes from the end of fd.
Result<std::string> read_tail(int fd, size_t max_bytes) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return errno_error("fstat");
  size_t size = static_cast<size_t>(st.st_size);
  size_t want = size < max_bytes ? size : max_bytes;
  std::string buf(want, '\0');
  size_t got = 0;
  while (got < want) {
    ssize_t n = ::pread(fd, buf.data() + got, want - got, static_cast<off_t>(size - want + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return errno_error("read");
    got += static_cast<size_t>(n);
  }
  return buf;
}

// The head of the last parseable record in a file's tail, if any.
std::optional<ChainHead> last_record(std::string_view tail) {
  while (!tail.empty()) {
    if (tail.back() == '\n') tail.remove_suffix(1);
    auto nl = tail.rfind('\n');
    std::string_view line = nl == std::string_view::npos ? tail : tail.substr(nl + 1);
    if (auto r = parse_record(line)) return ChainHead{r->seq, sha256_hex(line)};
    if (nl == std::string_view::npos) break;
    tail = tail.substr(0, nl + 1);
  }
  return std::nullopt;
}

// Whether the last line of a file's tail (with or without its newline) is
// a record; false for a torn line, or for an empty tail.
bool ends_with_record(std::string_view tail) {
  if (!tail.empty() && tail.back() == '\n') tail.remove_suffix(1);
  auto nl = tail.rfind('\n');
  std::string_view line = nl == std::string_view::npos ? tail : tail.substr(nl + 1);
  return !line.empty() && parse_record(line).ok();
}

// Boost.Log backend: writes each record's message as one line and keeps the outcome.
class FileBackend : public sinks::basic_sink_backend<sinks::synchronized_feeding> {
 public:
  void arm(int fd) { fd_ = fd; outcome_ = Error{"audit sink did not receive the record"}; }
  Result<void> outcome() const { return outcome_; }

  void consume(const blog::record_view& rec) {
    auto msg = rec[expr::smessage];
    if (!msg) fail("audit record without text", EINVAL);
    off_t before = ::lseek(fd_, 0, SEEK_END);
    std::string line = msg.get() + "\n";
    bool ok = before >= 0 && write_all(fd_, line);
    if (!ok) {
      int e = errno;
      if (before >= 0 && ::ftruncate(fd_, before) != 0) { /* the verifier will name the torn line */ }
      fail("cannot write audit record", e);
    }
    outcome_ = Ok();
  }

 private:
  [[noreturn]] void fail(const char* what, int e) {
    outcome_ = Error{std::string(what) + ": " + std::strerror(e)};
    throw std::system_error(e, std::generic_category(), what);
  }
  int fd_ = -1;
  Result<void> outcome_ = Ok();
};

using AuditSinkFrontend = sinks::synchronous_sink<FileBackend>;

int64_t system_now() { return static_cast<int64_t>(std::time(nullptr)); }

}  // namespace

struct AuditLog::Impl {
  mutable std::mutex mu;
  AuditOptions opts;
  CheckpointSink cp_sink;
  ProblemSink problems;
  bool checkpoint_failing = false;  // the last checkpoint attempted failed (reported once)
  Clock clock;
  UniqueFd fd;
  dev_t dev = 0;
  ino_t ino = 0;
  off_t end = 0;  // file size after our last record: another size means another writer
  std::optional<ChainHead> head;
  // The file's last line is not a record (a writer stopped mid-record, and
  // its line may have been ended since): the next record must be a start
  // record continuing from the last whole one, which verify takes as the
  // recovery from the torn lines before it. Cleared by any record written.
  bool torn_pending = false;
  uint64_t since_checkpoint = 0;
  int64_t last_checkpoint_time = 0;
  unsigned sink_id = g_next_sink_id++;
  // Group commit (AuditSync yes): records are written under mu and made
  // durable under sync_mu by one fsync that covers every record written
  // before it, so concurrent messages share fsyncs. Lock order: sync_mu, mu.
  std::mutex sync_mu;
  uint64_t written = 0;  // records written to fd (under mu)
  uint64_t synced = 0;   // records known durable (under sync_mu)
  boost::shared_ptr<FileBackend> backend = boost::make_shared<FileBackend>();
  boost::shared_ptr<AuditSinkFrontend> sink;
  blog::sources::logger_mt logger;

  Impl() {
    sink = boost::make_shared<AuditSinkFrontend>(backend);
    sink->set_filter(expr::attr<unsigned>(kSinkAttr) == sink_id);
    logger.add_attribute(kSinkAttr, blog::attributes::constant<unsigned>(sink_id));
    blog::core::get()->add_sink(sink);
  }
  ~Impl() { blog::core::get()->remove_sink(sink); }

  Result<void> push(const std::string& line) {
    backend->arm(fd.get());
    try {
      auto rec = logger.open_record();
      if (!rec) return Error{"audit sink is not accepting records (Boost.Log core disabled?)"};
      set_record_message(rec, line);
      logger.push_record(std::move(rec));
    } catch (const std::exception& e) {
      auto r = backend->outcome();
      return r ? Error{std::string("audit record: ") + e.what()} : r.error();
    }
    return backend->outcome();
  }

  // Another process (phimilterctl) appended since our last record: take
  // the chain head from the file. Called with the file locked.
  Result<void> follow_other_writers() {
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return errno_error("audit log " + opts.path + ": fstat");
    if (st.st_size == end) return Ok();
    auto tail = read_tail(fd.get(), kMaxLogTail);
    if (!tail) return tail.error().context("audit log " + opts.path);
    if (auto h = last_record(*tail)) head = h;  // else (emptied): keep ours, verify names the gap
    end = st.st_size;
    // A writer stopped mid-record (a write that failed and could not be cut
    // back), or ended such a line and stopped before its start record: end
    // the line; emit() writes the start record. Each torn line a failed
    // recovery leaves is one more line before it, which verify accepts too.
    if (!tail->empty() && tail->back() != '\n' && !write_all(fd.get(), "\n"))
      return errno_error("audit log " + opts.path + ": cannot end a torn last line");
    torn_pending = !tail->empty() && !ends_with_record(*tail);
    return Ok();
  }

  Result<void> emit(RecordKind kind, const std::function<void(JsonWriter&)>& body, int64_t time) {
    if (!fd) return Error{"audit log " + opts.path + " is not open"};
    // flock serialises writers in other processes; mu those of this one.
    if (::flock(fd.get(), LOCK_EX) != 0) return errno_error("audit log " + opts.path + ": flock");
    struct Unlock { int f; ~Unlock() { ::flock(f, LOCK_UN); } } unlock{fd.get()};
    if (auto r = follow_other_writers(); !r) return r;
    if (torn_pending && kind != RecordKind::Start) {
      if (auto r = append(RecordKind::Start, [&](JsonWriter& w) { write_start_body(w, head, "torn write"); }, 0); !r)
        return r;
      ++written;
    }
    return append(kind, body, time);
  }

  // Seals and writes one record after the chain head (file locked, mu held).
  Result<void> append(RecordKind kind, const std::function<void(JsonWriter&)>& body, int64_t time) {
    ChainLink link;
    link.seq = head ? head->seq + 1 : 1;
    if (head) link.prev = head->hash;
    link.time = time ? time : clock();
    auto line = seal_record(opts.key, link, kind, body);
    if (!line) return line.error();
    if (auto r = push(*line); !r) return r.error().context("audit log " + opts.path);
    head = ChainHead{link.seq, sha256_hex(*line)};
    torn_pending = false;
    if (off_t e = ::lseek(fd.get(), 0, SEEK_END); e >= 0) end = e;
    ++since_checkpoint;
    return Ok();
  }

  Result<void> write_checkpoint() {
    // The body is written after emit() has followed other writers: it names
    // the record right before the checkpoint.
    auto body = [&](JsonWriter& w) { write_checkpoint_body(w, head.value_or(ChainHead{0, std::string(kGenesisPrev)})); };
    if (auto r = emit(RecordKind::Checkpoint, body, 0); !r) return r;
    ++written;
    if (::fsync(fd.get()) != 0) return errno_error("audit log " + opts.path + ": fsync");
    since_checkpoint = 0;
    last_checkpoint_time = clock();
    std::string line = format_checkpoint_line(*head, last_checkpoint_time, opts.path);
    if (opts.checkpoint_file.empty()) {
      if (cp_sink) cp_sink(line);
      return Ok();
    }
    // open_regular: a FIFO (or device) by that name is refused, not waited
    // on; open(2) of a FIFO blocks until a reader comes, with mu held.
    const std::string what = "AuditCheckpointFile " + opts.checkpoint_file;
    auto cfd = open_regular(opts.checkpoint_file, O_WRONLY | O_APPEND | O_CREAT, 0600);
    if (!cfd) return cfd.error().context(what);
    if (!write_all(cfd->get(), line + "\n") || ::fsync(cfd->get()) != 0) return errno_error(what);
    return Ok();
  }

  // A checkpoint written when it falls due or on close: its failure does
  // not fail the record, it is reported (the first of a run, and the
  // recovery).
  void scheduled_checkpoint() {
    auto r = write_checkpoint();
    if (!r && !checkpoint_failing) {
      if (problems)
        problems("checkpoint after seq " + std::to_string(head ? head->seq : 0) + " not recorded: " + r.error().message +
                 "; the next checkpoint tries again");
    } else if (r && checkpoint_failing && problems) {
      problems("checkpoint recorded again (seq " + std::to_string(head ? head->seq : 0) + ")");
    }
    checkpoint_failing = !r;
  }

  void maybe_checkpoint() {
    bool by_count = opts.checkpoint_records && since_checkpoint >= opts.checkpoint_records;
    bool by_time = opts.checkpoint_seconds && since_checkpoint > 0 &&
                   clock() - last_checkpoint_time >= static_cast<int64_t>(opts.checkpoint_seconds);
    if (by_count || by_time) scheduled_checkpoint();
  }

  // The head named by the last line of AuditCheckpointFile; none when it
  // does not exist yet. A FIFO or device there is refused, not waited on.
  Result<std::optional<ChainHead>> checkpoint_file_head() const {
    if (opts.checkpoint_file.empty()) return std::optional<ChainHead>{};
    const std::string what = "AuditCheckpointFile " + opts.checkpoint_file;
    bool missing = false;
    auto cfd = open_regular(opts.checkpoint_file, O_RDONLY, 0, &missing);
    if (missing) return std::optional<ChainHead>{};
    if (!cfd) return cfd.error().context(what);
    auto tail = read_tail(cfd->get(), kMaxCheckpointTail);
    if (!tail) return tail.error().context(what);
    return parse_last_checkpoint(*tail);
  }

  // Opens opts.path and learns the chain head from its tail when we have none.
  Result<void> open_file() {
    const std::string what = "audit log " + opts.path;
    UniqueFd nfd{::open(opts.path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)};
    if (!nfd) return errno_error(what + ": cannot open");
    struct stat st {};
    if (::fstat(nfd.get(), &st) != 0) return errno_error(what + ": fstat");
    if (!S_ISREG(st.st_mode)) return Error{what + ": not a regular file"};
    auto tail = read_tail(nfd.get(), kMaxLogTail);
    if (!tail) return tail.error().context(what);
    if (!tail->empty() && tail->back() != '\n' && !write_all(nfd.get(), "\n"))
      return errno_error(what + ": cannot end a torn last line");
    // The start record that follows the open is the recovery; should it
    // fail, the next record written is preceded by one (emit()).
    torn_pending = !tail->empty() && !ends_with_record(*tail);
    if (!head && !tail->empty()) {
      head = last_record(*tail);
      if (!head) return Error{what + ": no valid record at its end; move the file aside"};
    }
    // Read even when not needed: a FIFO or device at AuditCheckpointFile is
    // refused here, at start and reload, rather than found at a checkpoint.
    auto cp = checkpoint_file_head();
    if (!cp) return cp.error();
    if (!head && tail->empty()) head = *cp;
    off_t size = ::lseek(nfd.get(), 0, SEEK_END);
    if (size < 0) return errno_error(what + ": lseek");
    end = size;
    fd = std::move(nfd);
    dev = st.st_dev;
    ino = st.st_ino;
    return Ok();
  }

  // The body names the head emit() continues from, after following other writers.
  Result<void> start(std::string_view reason) {
    return emit(RecordKind::Start, [&](JsonWriter& w) { write_start_body(w, head, reason); }, 0);
  }

  // A start record on a file opened again, fsynced (sync_mu and mu held).
  Result<void> start_synced() {
    if (auto r = start("reopen"); !r) return r;
    ++written;
    if (::fsync(fd.get()) != 0) return errno_error("audit log " + opts.path + ": fsync");
    synced = written;
    return Ok();
  }

  // Makes record number `ticket` durable: returns at once when an fsync
  // since it was written covered it; otherwise fsyncs everything written
  // so far. Called without mu.
  Result<void> sync_to(uint64_t ticket) {
    std::lock_guard s(sync_mu);
    if (synced >= ticket) return Ok();
    int f = -1;
    uint64_t target = 0;
    {
      std::lock_guard l(mu);
      f = fd.get();
      target = written;
    }
    // fd cannot be closed meanwhile: reopen, reconfigure and close hold sync_mu.
    if (f < 0) return Error{"audit log " + opts.path + " is not open"};
    if (sync_fd(f) != 0) return errno_error("audit log " + opts.path + ": fsync");
    synced = target;
    return Ok();
  }

  // Before the descriptor is closed (with sync_mu and mu held): the
  // checkpoint that closes the file has fsynced every record in it.
  void closing() {
    scheduled_checkpoint();
    if (checkpoint_failing) (void)::fsync(fd.get());
    synced = written;
  }

  bool file_moved() const {
    struct stat st {};
    return ::stat(opts.path.c_str(), &st) != 0 || st.st_dev != dev || st.st_ino != ino;
  }
};

AuditLog::AuditLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

AuditLog::~AuditLog() {
  std::lock_guard s(impl_->sync_mu);
  std::lock_guard lock(impl_->mu);
  if (impl_->fd) impl_->closing();
}

Result<std::unique_ptr<AuditLog>> AuditLog::open(AuditOptions opts, CheckpointSink sink, Clock clock,
                                                 ProblemSink problems) {
  auto impl = std::make_unique<Impl>();
  impl->opts = std::move(opts);
  impl->cp_sink = std::move(sink);
  impl->problems = std::move(problems);
  impl->clock = clock ? std::move(clock) : Clock(system_now);
  impl->last_checkpoint_time = impl->clock();
  if (auto r = impl->open_file(); !r) return r.error();
  if (auto r = impl->start("open"); !r) return r.error();
  if (auto r = impl->sync_to(++impl->written); !r) return r.error();
  return std::unique_ptr<AuditLog>(new AuditLog(std::move(impl)));
}

Result<void> AuditLog::append(RecordKind kind, const std::function<void(JsonWriter&)>& body, int64_t time) {
  uint64_t ticket = 0;
  bool sync = false;
  {
    std::lock_guard lock(impl_->mu);
    if (auto r = impl_->emit(kind, body, time); !r) return r;
    ticket = ++impl_->written;
    sync = impl_->opts.sync_each;
    impl_->maybe_checkpoint();  // the record is written; a failed checkpoint is reported, not returned
  }
  return sync ? impl_->sync_to(ticket) : Result<void>(Ok());
}

Result<void> AuditLog::append_message(const MessageEvent& e) {
  return append(RecordKind::Message, [&](JsonWriter& w) { write_message_body(w, e); }, e.time);
}

Result<void> AuditLog::append_admin(const AdminEvent& e) {
  if (e.kind != RecordKind::Release && e.kind != RecordKind::Purge) return Error{"admin record must be release or purge"};
  return append(e.kind, [&](JsonWriter& w) { write_admin_body(w, e); }, e.time);
}

Result<void> AuditLog::reopen() {
  std::lock_guard s(impl_->sync_mu);
  std::lock_guard lock(impl_->mu);
  if (impl_->fd && !impl_->file_moved()) return Ok();
  if (impl_->fd) impl_->closing();  // closes the rotated file with a checkpoint
  impl_->fd.reset();
  if (auto r = impl_->open_file(); !r) return r;
  return impl_->start_synced();
}

Result<void> AuditLog::reconfigure(AuditOptions opts) {
  std::lock_guard s(impl_->sync_mu);
  std::lock_guard lock(impl_->mu);
  bool same_file = opts.path == impl_->opts.path && impl_->fd && !impl_->file_moved();
  if (impl_->fd && !same_file) impl_->closing();
  impl_->opts = std::move(opts);
  if (same_file) return Ok();
  impl_->fd.reset();
  if (auto r = impl_->open_file(); !r) return r;
  return impl_->start_synced();
}

Result<void> AuditLog::checkpoint() {
  std::lock_guard lock(impl_->mu);
  return impl_->write_checkpoint();
}

ChainHead AuditLog::head() const {
  std::lock_guard lock(impl_->mu);
  return impl_->head.value_or(ChainHead{});
}

Result<void> parse_checkpoint_interval(std::string_view text, AuditOptions& out) {
  text = trim(text);
  if (text.empty()) return Error{"expected a record count or a duration"};
  uint64_t mult = 0;
  switch (ascii_lower(text.back())) {
    case 's': mult = 1; break;
    case 'm': mult = 60; break;
    case 'h': mult = 3600; break;
    case 'd': mult = 86400; break;
    default: break;
  }
  std::string_view digits = mult ? text.substr(0, text.size() - 1) : text;
  uint64_t n = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size() || (mult && n > UINT64_MAX / mult))
    return Error{"\"" + std::string(text) + "\" is not a record count (1000) or a duration (10m)"};
  out.checkpoint_records = mult ? 0 : n;
  out.checkpoint_seconds = mult ? n * mult : 0;
  return Ok();
}

namespace {

// What the configuration can tell before the first checkpoint: a path that
// exists must be a regular file (not a FIFO, device, socket or symbolic
// link, which open_regular refuses at every checkpoint), and one that does
// not must be creatable in an existing directory. A path that cannot be
// looked at (no search permission: `phimilter -n` as another user) is left
// to the opening of the log.
Result<void> check_checkpoint_path(const std::string& path) {
  if (path.empty()) return Ok();
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) return S_ISREG(st.st_mode) ? Result<void>(Ok()) : Error{"not a regular file"};
  if (errno != ENOENT && errno != ENOTDIR) return Ok();
  std::string dir = path.substr(0, path.find_last_of('/'));
  if (dir.empty()) dir = "/";
  if (::stat(dir.c_str(), &st) == 0) return S_ISDIR(st.st_mode) ? Result<void>(Ok()) : Error{dir + " is not a directory"};
  if (errno == ENOENT || errno == ENOTDIR) return Error{"directory " + dir + " does not exist"};
  return Ok();
}

}  // namespace

Result<AuditOptions> make_audit_options(const std::string& path, const std::string& key_file,
                                        std::string_view checkpoint_interval, const std::string& checkpoint_file,
                                        bool sync, uid_t key_owner) {
  AuditOptions o;
  o.path = path;
  o.checkpoint_file = checkpoint_file;
  o.sync_each = sync;
  if (auto r = parse_checkpoint_interval(checkpoint_interval, o); !r) return r.error().context("AuditCheckpointInterval");
  if (auto r = check_checkpoint_path(checkpoint_file); !r) return r.error().context("AuditCheckpointFile " + checkpoint_file);
  auto key = load_audit_key(key_file, key_owner);
  if (!key) return key.error();
  o.key = std::move(*key);
  return o;
}

std::optional<ChainHead> parse_last_checkpoint(std::string_view text) {
  std::optional<ChainHead> found;
  size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    line = trim(line);
    std::string_view seq_text, hash;
    if (auto s = line.find("seq="), h = line.find(" head="); s != std::string_view::npos && h != std::string_view::npos && h > s) {
      seq_text = line.substr(s + 4, h - s - 4);
      hash = line.substr(h + 6, kDigestHexLen);
    } else if (auto c = line.find(':'); c != std::string_view::npos && line.find(' ') == std::string_view::npos) {
      seq_text = line.substr(0, c);
      hash = line.substr(c + 1);
    }
    uint64_t seq = 0;
    auto [p, ec] = std::from_chars(seq_text.data(), seq_text.data() + seq_text.size(), seq);
    if (!seq_text.empty() && ec == std::errc() && p == seq_text.data() + seq_text.size() && seq > 0 && is_digest_hex(hash))
      found = ChainHead{seq, std::string(hash)};
  }
  return found;
}

std::string format_checkpoint_line(const ChainHead& head, int64_t time, std::string_view log_path) {
  return format_utc_time(time) + " audit checkpoint seq=" + std::to_string(head.seq) + " head=" + head.hash +
         " log=" + std::string(log_path);
}

}  // namespace phi::audit
