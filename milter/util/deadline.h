// NAME
//   deadline - waiting for a child process or a descriptor until a deadline
// SYNOPSIS
//   auto deadline = DeadlineClock::now() + timeout;
//   ::poll(&p, 1, ms_left(deadline));
//   "no answer within " + format_timeout(timeout)   // "30 s", or "300 ms"
// DESCRIPTION
//   ms_left() is the time left until `deadline` in milliseconds for poll(2):
//   0 once it has passed, at most 60 s (a caller loops and checks again).
//   format_timeout() writes a timeout for a log line or an error: whole
//   seconds as "N s", anything else (tests' short timeouts) as "N ms".
// THREADS
//   Any thread.
#ifndef PHI_UTIL_DEADLINE_H
#define PHI_UTIL_DEADLINE_H

#include <chrono>
#include <string>

namespace phi {

using DeadlineClock = std::chrono::steady_clock;

inline int ms_left(DeadlineClock::time_point deadline) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - DeadlineClock::now()).count();
  return ms <= 0 ? 0 : ms > 60'000 ? 60'000 : int(ms);
}

inline std::string format_timeout(std::chrono::milliseconds t) {
  return t.count() % 1000 == 0 ? std::to_string(t.count() / 1000) + " s" : std::to_string(t.count()) + " ms";
}

}  // namespace phi

#endif
