// submit - pipe a message into a sendmail(1)-style command (see submit.h).
#include "milter/submit.h"

#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "milter/util/c_ptr.h"
#include "milter/util/strings.h"

extern char** environ;

namespace phi {
namespace {

std::string sys_error(const std::string& what) { return what + ": " + std::strerror(errno); }

// Writes `data` with CRLF turned into LF; false with errno set on failure.
bool send_lf(int fd, std::string_view data) {
  std::string buf;
  buf.reserve(data.size());
  for (size_t i = 0; i < data.size(); ++i)
    if (!(data[i] == '\r' && i + 1 < data.size() && data[i + 1] == '\n')) buf.push_back(data[i]);
  std::string_view rest = buf;
  while (!rest.empty()) {
    ssize_t n = ::send(fd, rest.data(), rest.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    rest.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

using SpawnActions = CPtr<posix_spawn_file_actions_t, posix_spawn_file_actions_destroy>;

}  // namespace

Result<void> submit_message(std::string_view command, const std::vector<std::string>& args, std::string_view message) {
  std::vector<std::string> argv;
  for (auto w : split_list(command)) argv.emplace_back(w);
  if (argv.empty()) return Error{"no submission command"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);

  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return Error{sys_error("socketpair")};
  UniqueFd ours(sv[0]), theirs(sv[1]);
  posix_spawn_file_actions_t fa_storage;
  if (posix_spawn_file_actions_init(&fa_storage) != 0) return Error{"posix_spawn_file_actions_init failed"};
  SpawnActions fa(&fa_storage);
  posix_spawn_file_actions_adddup2(fa.get(), theirs.get(), 0);  // dup2 clears FD_CLOEXEC on 0
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, cargv[0], fa.get(), nullptr, cargv.data(), environ);
  if (rc != 0) return Error{argv[0] + ": cannot start: " + std::strerror(rc)};
  theirs.reset();
  bool sent = send_lf(ours.get(), message);
  int send_errno = errno;
  ::shutdown(ours.get(), SHUT_WR);
  ours.reset();
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return Error{sys_error("waitpid " + argv[0])};
  }
  if (!sent) return Error{argv[0] + ": writing the message: " + std::strerror(send_errno)};
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Ok();
  if (WIFEXITED(status)) return Error{argv[0] + " exited with status " + std::to_string(WEXITSTATUS(status))};
  return Error{argv[0] + " killed by signal " + std::to_string(WIFSIGNALED(status) ? WTERMSIG(status) : 0)};
}

}  // namespace phi
