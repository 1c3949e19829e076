// sockopt_test - TCP_NODELAY and the ACK cap on listening TCP sockets only (inherited), connection ports, ACK now (when drained), cork.
#include "milter/util/sockopt.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <linux/sockios.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <string>

namespace phi {
namespace {

constexpr int kDelackMaxUs = 46;  // TCP_DELACK_MAX_US (Linux 6.15 uapi)

struct Fd {
  int fd;
  explicit Fd(int f) : fd(f) {}
  ~Fd() { if (fd >= 0) close(fd); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

int nodelay(int fd) {
  int v = -1;
  socklen_t len = sizeof v;
  if (getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &len) != 0) return -1;
  return v;
}

// A TCP socket bound to 127.0.0.1 on an ephemeral port; listening when asked.
int tcp_socket(bool listening, sockaddr_in* where = nullptr) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return -1;
  if (listening && listen(fd, 4) != 0) return -1;
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  if (where) *where = a;
  return fd;
}

// A loopback TCP connection: the listener, the client that connected to it
// and the accepted side (fd -1 when connecting failed).
struct Loopback {
  sockaddr_in where{};
  Fd listener{tcp_socket(true, &where)};
  Fd client{socket(AF_INET, SOCK_STREAM, 0)};
  Fd accepted{-1};
  Loopback() {
    if (connect(client.fd, reinterpret_cast<sockaddr*>(&where), sizeof where) == 0)
      accepted.fd = accept(listener.fd, nullptr, nullptr);
  }
};

TEST(SetTcpNodelayIfListener, ChangesOnlyListeningTcpSockets) {
  Fd listener(tcp_socket(true));
  Fd unbound(socket(AF_INET, SOCK_STREAM, 0));
  Fd bound(tcp_socket(false));
  Fd udp(socket(AF_INET, SOCK_DGRAM, 0));
  int sv[2] = {-1, -1};
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  Fd u0(sv[0]), u1(sv[1]);
  Fd unix_listener(socket(AF_UNIX, SOCK_STREAM, 0));
  sockaddr_un ua{};
  ua.sun_family = AF_UNIX;  // abstract name: nothing left on disk
  std::string name = "phi-sockopt-test-" + std::to_string(getpid());
  std::memcpy(ua.sun_path + 1, name.data(), name.size());
  ASSERT_EQ(bind(unix_listener.fd, reinterpret_cast<sockaddr*>(&ua),
                 static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size())), 0);
  ASSERT_EQ(listen(unix_listener.fd, 4), 0);
  Fd file(open("/dev/null", O_RDONLY));
  struct Row {
    const char* label;
    int fd;
    bool want;
  } rows[] = {
      {"listening TCP socket", listener.fd, true},
      {"unbound TCP socket", unbound.fd, false},
      {"bound, not listening TCP socket", bound.fd, false},
      {"UDP socket", udp.fd, false},
      {"unix socketpair", u0.fd, false},
      {"listening unix socket", unix_listener.fd, false},
      {"regular file", file.fd, false},
      {"closed descriptor", 100000, false},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.label);
    ASSERT_GE(row.fd, 0);
    auto r = set_tcp_nodelay_if_listener(row.fd);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(*r, row.want);
  }
  EXPECT_EQ(nodelay(listener.fd), 1);
  EXPECT_EQ(nodelay(unbound.fd), 0);
  EXPECT_EQ(nodelay(bound.fd), 0);
}

TEST(SetTcpNodelayOnListeners, AcceptedConnectionsInheritIt) {
  sockaddr_in where{};
  Fd listener(tcp_socket(true, &where));
  Fd other(tcp_socket(false));
  ASSERT_EQ(nodelay(listener.fd), 0);
  auto r = set_tcp_nodelay_on_listeners();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_NE(std::find(r->begin(), r->end(), ntohs(where.sin_port)), r->end()) << "the listener's port is reported";
  EXPECT_EQ(nodelay(listener.fd), 1);
  EXPECT_EQ(nodelay(other.fd), 0) << "a socket that does not listen keeps Nagle";
  Fd client(socket(AF_INET, SOCK_STREAM, 0));
  ASSERT_EQ(connect(client.fd, reinterpret_cast<sockaddr*>(&where), sizeof where), 0);
  Fd accepted(accept(listener.fd, nullptr, nullptr));
  ASSERT_GE(accepted.fd, 0);
  EXPECT_EQ(nodelay(accepted.fd), 1) << "the accepted socket inherits TCP_NODELAY (Linux)";
  EXPECT_EQ(nodelay(client.fd), 0);
  int ack_us = 0;
  socklen_t len = sizeof ack_us;
  if (getsockopt(accepted.fd, IPPROTO_TCP, kDelackMaxUs, &ack_us, &len) == 0) {  // Linux 6.15 and later
    EXPECT_GE(ack_us, kMaxAckDelayUs);
    EXPECT_LT(ack_us, 40000) << "the accepted socket inherits the delayed-ACK cap";
  }
}

TEST(TcpConnectionPort, OnlyConnectedTcpSockets) {
  Loopback c;
  ASSERT_GE(c.accepted.fd, 0);
  EXPECT_EQ(tcp_connection_port(c.accepted.fd), ntohs(c.where.sin_port)) << "the accepted side: our listening port";
  EXPECT_NE(tcp_connection_port(c.client.fd), 0) << "the connecting side: its own ephemeral port";
  EXPECT_EQ(tcp_connection_port(c.listener.fd), 0) << "a listener is not a connection";
  Fd bound(tcp_socket(false));
  EXPECT_EQ(tcp_connection_port(bound.fd), 0) << "bound, never connected";
  int sv[2] = {-1, -1};
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  Fd u0(sv[0]), u1(sv[1]);
  EXPECT_EQ(tcp_connection_port(u0.fd), 0) << "unix socket";
  Fd file(open("/dev/null", O_RDONLY));
  EXPECT_EQ(tcp_connection_port(file.fd), 0) << "regular file";
  EXPECT_EQ(tcp_connection_port(100000), 0) << "closed descriptor";
}

int unacked(int fd) {
  tcp_info info{};
  socklen_t len = sizeof info;
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0) return -1;
  return static_cast<int>(info.tcpi_unacked);
}

// tcp_ack_now sends the ACK a socket in delayed-ACK mode is holding back
// (40 ms by default): the peer sees its byte acknowledged at once.
TEST(TcpAckNow, SendsTheHeldBackAck) {
  Loopback c;
  ASSERT_GE(c.accepted.fd, 0);
  int off = 0;  // delayed-ACK ("ping-pong") mode, as after a reply
  ASSERT_EQ(setsockopt(c.accepted.fd, IPPROTO_TCP, TCP_QUICKACK, &off, sizeof off), 0);
  char buf[16];
  ASSERT_EQ(write(c.client.fd, "a", 1), 1);
  ASSERT_EQ(read(c.accepted.fd, buf, sizeof buf), 1);
  if (unacked(c.client.fd) != 1) GTEST_SKIP() << "the kernel acknowledged at once (or 40 ms passed): nothing to test";
  tcp_ack_now(c.accepted.fd);
  EXPECT_EQ(unacked(c.client.fd), 0) << "the held-back ACK was sent";
}

TEST(TcpAckNow, IgnoresWhatIsNotTcp) {
  tcp_ack_now(-1);
  int sv[2] = {-1, -1};
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  Fd u0(sv[0]), u1(sv[1]);
  tcp_ack_now(u0.fd);
  ASSERT_EQ(write(u1.fd, "a", 1), 1);
  char c = 0;
  EXPECT_EQ(read(u0.fd, &c, 1), 1) << "the unix socket still works";
}

// tcp_ack_if_drained acknowledges only once everything received was read,
// and leaves the connection in delayed-ACK mode until then: reading the rest
// sends no ACK of its own (TCP_QUICKACK would have left that mode, and the
// read that empties the queue would send one), so a reply can carry it.
TEST(TcpAckIfDrained, AcknowledgesOnceEverythingWasRead) {
  Loopback c;
  ASSERT_GE(c.accepted.fd, 0);
  int off = 0;  // delayed-ACK ("ping-pong") mode, as after a reply
  ASSERT_EQ(setsockopt(c.accepted.fd, IPPROTO_TCP, TCP_QUICKACK, &off, sizeof off), 0);
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(write(c.client.fd, "ab", 2), 2);
  char buf[4];
  ASSERT_EQ(recv(c.accepted.fd, buf, 1, MSG_WAITALL), 1);
  if (unacked(c.client.fd) != 1) GTEST_SKIP() << "the kernel acknowledged at once (or 40 ms passed): nothing to test";
  tcp_ack_if_drained(c.accepted.fd);
  EXPECT_EQ(unacked(c.client.fd), 1) << "a byte still waits to be read: no ACK yet";
  ASSERT_EQ(read(c.accepted.fd, buf, sizeof buf), 1);
  int after_read = unacked(c.client.fd);
  if (after_read != 1 && std::chrono::steady_clock::now() - t0 > std::chrono::milliseconds(30))
    GTEST_SKIP() << "the delayed ACK's timer (40 ms) may have fired: this thread was away too long";
  EXPECT_EQ(after_read, 1) << "reading the rest sent no ACK of its own";
  tcp_ack_if_drained(c.accepted.fd);
  EXPECT_EQ(unacked(c.client.fd), 0) << "everything read: acknowledged";
  tcp_ack_if_drained(-1);
}

// Bytes written to fd that the kernel has not sent yet.
int unsent(int fd) {
  int n = -1;
  if (ioctl(fd, SIOCOUTQNSD, &n) != 0) return -1;
  return n;
}

// tcp_cork holds small writes on a TCP_NODELAY socket (phimilter's
// connections) and sends them together when released: the end-of-message
// actions leave in one segment.
TEST(TcpCork, HoldsSmallWritesUntilReleased) {
  Loopback c;
  ASSERT_GE(c.accepted.fd, 0);
  int on = 1;
  ASSERT_EQ(setsockopt(c.accepted.fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on), 0);
  ASSERT_EQ(write(c.accepted.fd, "x", 1), 1);
  EXPECT_EQ(unsent(c.accepted.fd), 0) << "without the cork a write leaves at once";
  tcp_cork(c.accepted.fd, true);
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(write(c.accepted.fd, "ab", 2), 2);
  ASSERT_EQ(write(c.accepted.fd, "cd", 2), 2);
  int held = unsent(c.accepted.fd);
  if (held == 0 && std::chrono::steady_clock::now() - t0 > std::chrono::milliseconds(150))
    GTEST_SKIP() << "the kernel sends corked data after 200 ms and this thread was away that long";
  EXPECT_EQ(held, 4) << "both writes held";
  tcp_cork(c.accepted.fd, false);
  EXPECT_EQ(unsent(c.accepted.fd), 0) << "sent when released";
  char buf[8] = {};
  ASSERT_EQ(recv(c.client.fd, buf, 5, MSG_WAITALL), 5);
  EXPECT_EQ(std::string(buf, 5), "xabcd");
}

TEST(TcpCork, IgnoresWhatIsNotTcp) {
  tcp_cork(-1, true);
  int sv[2] = {-1, -1};
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  Fd u0(sv[0]), u1(sv[1]);
  tcp_cork(u0.fd, true);
  ASSERT_EQ(write(u0.fd, "a", 1), 1);
  char c = 0;
  EXPECT_EQ(read(u1.fd, &c, 1), 1) << "the unix socket still works";
  tcp_cork(u0.fd, false);
}

}  // namespace
}  // namespace phi
