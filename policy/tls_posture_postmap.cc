// tls_posture_postmap - look up an indexed Postfix table by running `postmap -q`.
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "milter/util/sanitize.h"
#include "milter/util/strings.h"
#include "policy/tls_posture.h"

extern char** environ;

namespace phi::policy {
namespace {

struct Fd {
  int fd = -1;
  ~Fd() { if (fd >= 0) ::close(fd); }
  void reset() { if (fd >= 0) ::close(fd); fd = -1; }
};

struct Output { std::string out, err; bool overflow = false; };

// Reads both pipes until EOF on each, keeping at most kMaxPostmapOutput bytes of each.
void drain(Fd& out, Fd& err, Output& o) {
  char buf[1024];
  while (out.fd >= 0 || err.fd >= 0) {
    pollfd p[2] = {{out.fd, POLLIN, 0}, {err.fd, POLLIN, 0}};
    if (::poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::read(p[i].fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      std::string& dst = i == 0 ? o.out : o.err;
      if (n <= 0) { (i == 0 ? out : err).reset(); continue; }
      size_t room = kMaxPostmapOutput - std::min(dst.size(), kMaxPostmapOutput);
      if (static_cast<size_t>(n) > room) o.overflow = true;
      dst.append(buf, std::min(static_cast<size_t>(n), room));
    }
  }
}

// Runs argv with stdout and stderr captured; returns the exit status (or -1 + err).
Result<int> run(const std::vector<std::string>& args, Output& o) {
  int po[2], pe[2];
  if (::pipe2(po, O_CLOEXEC) != 0) return Error{std::string("pipe: ") + std::strerror(errno)};
  Fd out_r{po[0]}, out_w{po[1]};
  if (::pipe2(pe, O_CLOEXEC) != 0) return Error{std::string("pipe: ") + std::strerror(errno)};
  Fd err_r{pe[0]}, err_w{pe[1]};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out_w.fd, 1);
  posix_spawn_file_actions_adddup2(&fa, err_w.fd, 2);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return Error{"cannot run " + args[0] + ": " + std::strerror(rc)};
  out_w.reset();
  err_w.reset();
  drain(out_r, err_r, o);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return Error{std::string("waitpid: ") + std::strerror(errno)};
  if (!WIFEXITED(status)) return Error{args[0] + " was killed by signal " + std::to_string(WTERMSIG(status))};
  return WEXITSTATUS(status);
}

}  // namespace

Result<std::optional<std::string>> PostmapTlsPolicyTable::lookup(const std::string& key) const {
  Output o;
  std::vector<std::string> args{postmap_};
  if (!config_dir_.empty()) args.insert(args.end(), {"-c", config_dir_});
  args.insert(args.end(), {"-q", key, table_});
  auto status = run(args, o);
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

}  // namespace phi::policy
