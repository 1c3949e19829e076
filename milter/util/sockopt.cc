// sockopt - TCP_NODELAY, ACK timing and corking on the milter's TCP sockets (see sockopt.h).
#include "milter/util/sockopt.h"

#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
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

// Linux 6.15 uapi value; older headers lack the name, older kernels the option.
#ifndef TCP_DELACK_MAX_US
constexpr int TCP_DELACK_MAX_US = 46;
#endif

bool is_tcp(int fd) {
  int domain = socket_option(fd, SO_DOMAIN);
  return (domain == AF_INET || domain == AF_INET6) && socket_option(fd, SO_PROTOCOL) == IPPROTO_TCP;
}

uint16_t local_port(int fd) {
  sockaddr_storage a{};
  socklen_t len = sizeof a;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) return 0;
  if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&a)->sin_port);
  if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&a)->sin6_port);
  return 0;
}

}  // namespace

Result<bool> set_tcp_nodelay_if_listener(int fd) {
  if (socket_option(fd, SO_ACCEPTCONN) != 1 || !is_tcp(fd)) return false;
  int on = 1;
  if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) != 0)
    return Error{"setsockopt TCP_NODELAY on fd " + std::to_string(fd) + ": " + std::strerror(errno)};
  int us = kMaxAckDelayUs;  // an optimisation only: kernels before 6.15 answer ENOPROTOOPT
  (void)setsockopt(fd, IPPROTO_TCP, TCP_DELACK_MAX_US, &us, sizeof us);
  return true;
}

uint16_t tcp_connection_port(int fd) {
  if (socket_option(fd, SO_ACCEPTCONN) != 0 || !is_tcp(fd)) return 0;
  sockaddr_storage peer{};
  socklen_t len = sizeof peer;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) return 0;
  return local_port(fd);
}

void tcp_ack_now(int fd) {
  int on = 1;
  (void)setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &on, sizeof on);
}

void tcp_ack_if_drained(int fd) {
  int unread = 0;
  if (ioctl(fd, FIONREAD, &unread) == 0 && unread > 0) return;
  tcp_ack_now(fd);
}

void tcp_cork(int fd, bool on) {
  int v = on ? 1 : 0;
  (void)setsockopt(fd, IPPROTO_TCP, TCP_CORK, &v, sizeof v);
}

Result<std::vector<uint16_t>> set_tcp_nodelay_on_listeners() {
  Dir dir(opendir("/proc/self/fd"));
  if (!dir) return Error{std::string("cannot list /proc/self/fd: ") + std::strerror(errno)};
  std::vector<int> fds;  // collected first: the directory's own fd is in the listing
  while (const dirent* e = readdir(dir.get())) {
    char* end = nullptr;
    long n = std::strtol(e->d_name, &end, 10);
    if (end != e->d_name && *end == '\0' && n >= 0 && n != dirfd(dir.get())) fds.push_back(static_cast<int>(n));
  }
  std::vector<uint16_t> ports;
  for (int fd : fds) {
    auto r = set_tcp_nodelay_if_listener(fd);
    if (!r) return r.error();
    if (*r) ports.push_back(local_port(fd));
  }
  return ports;
}

}  // namespace phi
