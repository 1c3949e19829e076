// NAME
//   sockopt - socket options libmilter gives no access to
// SYNOPSIS
//   Result<bool> set_tcp_nodelay_if_listener(int fd);
//   Result<size_t> set_tcp_nodelay_on_listeners();
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
//   set_tcp_nodelay_on_listeners() applies it to every descriptor of the
//   process (listed in /proc/self/fd) and returns how many it changed.
//   Without Nagle's algorithm a milter's small replies are not held back
//   waiting for the MTA's delayed ACK (40 ms on Linux).
// THREADS
//   Any thread; the descriptors are only inspected and given an option.
#ifndef PHI_UTIL_SOCKOPT_H
#define PHI_UTIL_SOCKOPT_H

#include <cstddef>

#include "milter/util/result.h"

namespace phi {

Result<bool> set_tcp_nodelay_if_listener(int fd);
Result<size_t> set_tcp_nodelay_on_listeners();

}  // namespace phi

#endif
