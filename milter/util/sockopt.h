// NAME
//   sockopt - socket options libmilter gives no access to
// SYNOPSIS
//   Result<bool> set_tcp_nodelay_if_listener(int fd);
//   Result<std::vector<uint16_t>> set_tcp_nodelay_on_listeners();
//   uint16_t tcp_connection_port(int fd);
//   void tcp_ack_now(int fd);
//   void tcp_ack_if_drained(int fd);
//   void tcp_cork(int fd, bool on);
// DESCRIPTION
//   libmilter opens and accepts its sockets itself and hands the accepted
//   descriptors to no callback, so TCP_NODELAY cannot be set per
//   connection. On Linux an accepted TCP socket inherits TCP_NODELAY from
//   its listening socket, so setting it on the listener is enough.
//   set_tcp_nodelay_if_listener() sets TCP_NODELAY on `fd` when it is a
//   listening (SO_ACCEPTCONN) TCP socket of family AF_INET or AF_INET6 and
//   returns whether it did; any other descriptor (unix socket, connected
//   socket, file, closed fd) is left alone and answers false. Errors only
//   when setsockopt itself fails on a listener.
//   It also caps the socket's delayed-ACK time at kMaxAckDelayUs where the
//   kernel has TCP_DELACK_MAX_US (Linux 6.15 and later; older kernels keep
//   their 40 ms and the option is skipped), which accepted sockets inherit
//   too.
//   set_tcp_nodelay_on_listeners() applies it to every descriptor of the
//   process (listed in /proc/self/fd) and returns the local ports of the
//   listeners it changed.
//   Without Nagle's algorithm a milter's small replies are not held back
//   waiting for the MTA's delayed ACK (40 ms on Linux).
//   tcp_connection_port() is the local port of `fd` when it is a connected
//   (not listening) TCP socket, else 0.
//   tcp_ack_now() asks the kernel to acknowledge what `fd` has received
//   now and to leave delayed-ACK ("ping-pong") mode (TCP_QUICKACK; best
//   effort, errors ignored). The MTA's side keeps Nagle's algorithm on: it
//   holds a command back until the milter has acknowledged the previous one
//   it sent without waiting for a reply (the DATA macros, header and body
//   commands with no-reply negotiated), and a milter in delayed-ACK mode
//   acknowledges only after 40 ms.
//   tcp_ack_if_drained() is tcp_ack_now() when nothing received on `fd`
//   waits to be read (FIONREAD), else nothing: what is still queued is read
//   next, and the call after the last of it acknowledges everything at
//   once. Until then the connection stays in delayed-ACK mode, so when the
//   last command queued is one that gets a reply, the reply carries the
//   ACK: after TCP_QUICKACK the read that empties the queue would send an
//   ACK of its own.
//   tcp_cork(fd, true) holds what is then written to `fd` (TCP_CORK) so
//   that several small writes leave as one segment instead of one each
//   (TCP_NODELAY sends every write at once); tcp_cork(fd, false) sends what
//   is held at once. The kernel sends held data after 200 ms at the latest.
//   Best effort, errors ignored; a descriptor that is not TCP is left alone.
// THREADS
//   Any thread; the descriptors are only inspected and given an option.
#ifndef PHI_UTIL_SOCKOPT_H
#define PHI_UTIL_SOCKOPT_H

#include <cstddef>
#include <cstdint>
#include <vector>

#include "milter/util/result.h"

namespace phi {

inline constexpr int kMaxAckDelayUs = 5000;  // rounded up to whole jiffies by the kernel

Result<bool> set_tcp_nodelay_if_listener(int fd);
Result<std::vector<uint16_t>> set_tcp_nodelay_on_listeners();
uint16_t tcp_connection_port(int fd);
void tcp_ack_now(int fd);
void tcp_ack_if_drained(int fd);
void tcp_cork(int fd, bool on);

}  // namespace phi

#endif
