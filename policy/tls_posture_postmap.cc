// tls_posture_postmap - an indexed Postfix table, listed with `postmap -s` and kept until its file changes.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "milter/util/c_ptr.h"
#include "milter/util/deadline.h"
#include "milter/util/sanitize.h"
#include "milter/util/strings.h"
#include "policy/tls_posture.h"

extern char** environ;

namespace phi::policy {
namespace {

using Clock = DeadlineClock;

struct Output {
  std::string out, err;
  bool overflow = false;
};

// Reads both pipes until EOF on each or until `deadline` (false), keeping
// at most `max_out` bytes of stdout and kMaxPostmapOutput of stderr.
bool drain(UniqueFd& out, UniqueFd& err, Output& o, size_t max_out, Clock::time_point deadline) {
  char buf[4096];
  while (out.get() >= 0 || err.get() >= 0) {
    if (Clock::now() >= deadline) return false;
    pollfd p[2] = {{out.get(), POLLIN, 0}, {err.get(), POLLIN, 0}};
    if (::poll(p, 2, ms_left(deadline)) < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    for (int i = 0; i < 2; ++i) {
      if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::read(p[i].fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) { (i == 0 ? out : err).reset(); continue; }
      std::string& dst = i == 0 ? o.out : o.err;
      size_t limit = i == 0 ? max_out : kMaxPostmapOutput;
      size_t room = limit - std::min(dst.size(), limit);
      if (static_cast<size_t>(n) > room) o.overflow = o.overflow || i == 0;
      dst.append(buf, std::min(static_cast<size_t>(n), room));
    }
  }
  return true;
}

// Runs argv with stdin from /dev/null and stdout and stderr captured;
// returns the exit status. A run past `timeout` is killed and an error.
Result<int> run(const std::vector<std::string>& args, Output& o, size_t max_out, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  int po[2], pe[2];
  if (::pipe2(po, O_CLOEXEC) != 0) return Error{std::string("pipe: ") + std::strerror(errno)};
  UniqueFd out_r(po[0]), out_w(po[1]);
  if (::pipe2(pe, O_CLOEXEC) != 0) return Error{std::string("pipe: ") + std::strerror(errno)};
  UniqueFd err_r(pe[0]), err_w(pe[1]);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out_w.get(), 1);
  posix_spawn_file_actions_adddup2(&fa, err_w.get(), 2);
#ifdef HAVE_POSIX_SPAWN_FILE_ACTIONS_ADDCLOSEFROM_NP
  posix_spawn_file_actions_addclosefrom_np(&fa, 3);  // nothing of the daemon's (see milter/submit.cc)
#endif
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return Error{"cannot run " + args[0] + ": " + std::strerror(rc)};
  out_w.reset();
  err_w.reset();
  bool finished = drain(out_r, err_r, o, max_out, deadline);
  int status = 0;
  if (!finished) ::kill(pid, SIGKILL);
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return Error{std::string("waitpid: ") + std::strerror(errno)};
  if (!finished)
    return Error{args[0] + ": no answer within " + format_timeout(timeout) + "; killed"};
  if (!WIFEXITED(status)) return Error{args[0] + " was killed by signal " + std::to_string(WTERMSIG(status))};
  return WEXITSTATUS(status);
}

// The file postmap keeps a table of this type in.
std::string database_file(std::string_view spec) {
  auto colon = spec.find(':');
  if (colon == std::string_view::npos) return "";
  std::string_view type = spec.substr(0, colon);
  std::string path(spec.substr(colon + 1));
  if (type == "hash" || type == "btree") return path + ".db";
  if (type == "lmdb") return path + ".lmdb";
  if (type == "cdb") return path + ".cdb";
  if (type == "dbm" || type == "sdbm") return path + ".pag";
  return "";
}

std::optional<PostmapTlsPolicyTable::FileVersion> file_version(const std::string& path) {
  struct stat st {};
  if (path.empty() || ::stat(path.c_str(), &st) != 0) return std::nullopt;
  return PostmapTlsPolicyTable::FileVersion{uint64_t(st.st_dev), uint64_t(st.st_ino), uint64_t(st.st_size),
                                            int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
                                            int64_t(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec};
}

int64_t realtime_ns() {
  struct timespec ts {};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

PostmapTlsPolicyTable::PostmapTlsPolicyTable(std::string table, std::string postmap, std::string config_dir,
                                             std::chrono::milliseconds timeout)
    : table_(std::move(table)),
      postmap_(std::move(postmap)),
      config_dir_(std::move(config_dir)),
      db_file_(database_file(table_)),
      timeout_(timeout) {}

std::vector<std::string> PostmapTlsPolicyTable::command(std::initializer_list<std::string> args) const {
  std::vector<std::string> v{postmap_};
  if (!config_dir_.empty()) v.insert(v.end(), {"-c", config_dir_});
  v.insert(v.end(), args);
  return v;
}

// The table as `postmap -s` lists it ("key<TAB>value" lines), for the
// database file as it is now; listed again when the file has changed, and
// once more when it had changed within kPostmapSettleTime of its listing.
std::shared_ptr<const PostmapTlsPolicyTable::Listing> PostmapTlsPolicyTable::listing() const {
  auto before = file_version(db_file_);
  if (!before) return nullptr;
  const int64_t now = realtime_ns();
  std::lock_guard<std::mutex> g(mu_);
  if (listing_ && listing_->version == *before && (listing_->settled_ns == 0 || now < listing_->settled_ns))
    return listing_;
  if (unlistable_ == before) return nullptr;
  Output o;
  auto status = run(command({"-s", table_}), o, kMaxTableBytes, timeout_);
  if (file_version(db_file_) != before) return nullptr;  // rebuilt meanwhile: ask this time, list next time
  if (!status || *status != 0 || !trim(o.err).empty() || o.overflow) {
    unlistable_ = before;  // not listable (type, size, error): postmap -q until the file changes
    return nullptr;
  }
  auto l = std::make_shared<Listing>();
  l->version = *before;
  // ctime, which utimensat(2) cannot set back, is in the file-time clock's
  // coarse ticks: within the settle time of `now` a change within the same
  // tick would leave every field of the version as it is.
  const int64_t settle = std::chrono::nanoseconds(kPostmapSettleTime).count();
  if (before->ctime_ns > now - settle) l->settled_ns = before->ctime_ns + settle;
  for (std::string_view rest = o.out; !rest.empty();) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    size_t k = 0;
    while (k < line.size() && !is_space(line[k])) ++k;
    if (k == 0) continue;
    l->entries.insert_or_assign(to_lower(line.substr(0, k)), std::string(trim(line.substr(k))));
  }
  listing_ = l;
  return listing_;
}

Result<std::optional<std::string>> PostmapTlsPolicyTable::query(const std::string& key) const {
  Output o;
  auto status = run(command({"-q", key, table_}), o, kMaxPostmapOutput, timeout_);
  if (!status) return status.error();
  std::string_view err = trim(o.err);
  if (!err.empty() || *status > 1) {
    auto first = err.substr(0, err.find('\n'));
    return Error{"postmap -q on " + table_ + " failed (exit " + std::to_string(*status) + ")" +
                 (first.empty() ? "" : ": " + sanitize_log_text(first, 200))};
  }
  if (o.overflow) return Error{"postmap -q on " + table_ + ": value longer than " + std::to_string(kMaxPostmapOutput) + " bytes"};
  if (*status == 1) return std::optional<std::string>{};
  std::string_view v = trim(o.out);
  return std::optional<std::string>{std::string(v.substr(0, v.find('\n')))};
}

Result<void> PostmapTlsPolicyTable::check_entries() const {
  auto l = listing();
  if (!l) return Ok();
  for (const auto& [key, value] : l->entries)
    if (auto level = parse_tls_policy_value(value); !level)
      return level.error().context(table_ + ": entry \"" + sanitize_log_text(key, 200) + "\"");
  return Ok();
}

Result<std::optional<std::string>> PostmapTlsPolicyTable::lookup(const std::string& key) const {
  if (auto l = listing()) {
    auto it = l->entries.find(key);
    if (it == l->entries.end()) return std::optional<std::string>{};
    return std::optional<std::string>{it->second};
  }
  return query(key);
}

}  // namespace phi::policy
