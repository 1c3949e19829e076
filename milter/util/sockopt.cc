// sockopt - TCP_NODELAY on the process's listening TCP sockets (see sockopt.h).
#include "milter/util/sockopt.h"

#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "milter/util/c_ptr.h"

namespace phi {
namespace {

// The integer value of a SOL_SOCKET option, or -1 when fd has none.
int socket_option(int fd, int name) {
  int v = 0;
  socklen_t len = sizeof v;
  if (getsockopt(fd, SOL_SOCKET, name, &v, &len) != 0) return -1;
  return v;
}

using Dir = CPtr<DIR, closedir>;

}  // namespace

Result<bool> set_tcp_nodelay_if_listener(int fd) {
  if (socket_option(fd, SO_ACCEPTCONN) != 1) return false;
  int domain = socket_option(fd, SO_DOMAIN);
  if (domain != AF_INET && domain != AF_INET6) return false;
  if (socket_option(fd, SO_PROTOCOL) != IPPROTO_TCP) return false;
  int on = 1;
  if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) != 0)
    return Error{"setsockopt TCP_NODELAY on fd " + std::to_string(fd) + ": " + std::strerror(errno)};
  return true;
}

Result<size_t> set_tcp_nodelay_on_listeners() {
  Dir dir(opendir("/proc/self/fd"));
  if (!dir) return Error{std::string("cannot list /proc/self/fd: ") + std::strerror(errno)};
  std::vector<int> fds;  // collected first: the directory's own fd is in the listing
  while (const dirent* e = readdir(dir.get())) {
    char* end = nullptr;
    long n = std::strtol(e->d_name, &end, 10);
    if (end != e->d_name && *end == '\0' && n >= 0 && n != dirfd(dir.get())) fds.push_back(static_cast<int>(n));
  }
  size_t changed = 0;
  for (int fd : fds) {
    auto r = set_tcp_nodelay_if_listener(fd);
    if (!r) return r.error();
    if (*r) ++changed;
  }
  return changed;
}

}  // namespace phi
