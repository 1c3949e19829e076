// NAME
//   process - waiting for a child process until a deadline
// SYNOPSIS
//   int status;
//   int r = wait_child_until(pid, &status, DeadlineClock::now() + timeout);
//   // 1: exited (status set), 0: still running at the deadline, -1: errno
// DESCRIPTION
//   wait_child_until() waits for child `pid` until `deadline`: 1 with
//   *status once it has exited, 0 when the deadline passed first (the child
//   still runs), -1 with errno set when it cannot be waited for (ECHILD:
//   reaped elsewhere, so its exit status is unknown). A pidfd is polled
//   where the kernel has it (5.3 and later); elsewhere waitpid(WNOHANG)
//   every few milliseconds.
// THREADS
//   Any thread; blocks until the child exits or the deadline passes.
#ifndef PHI_UTIL_PROCESS_H
#define PHI_UTIL_PROCESS_H

#include <sys/types.h>

#include "milter/util/deadline.h"

namespace phi {

int wait_child_until(pid_t pid, int* status, DeadlineClock::time_point deadline);

}  // namespace phi

#endif
