// process - waiting for a child process until a deadline (see process.h).
#include "milter/util/process.h"

#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "milter/util/c_ptr.h"

namespace phi {

int wait_child_until(pid_t pid, int* status, DeadlineClock::time_point deadline) {
  UniqueFd pfd;
#ifdef SYS_pidfd_open
  pfd.reset(int(::syscall(SYS_pidfd_open, pid, 0)));
#endif
  for (auto nap = std::chrono::milliseconds(1);; nap = std::min(nap * 2, std::chrono::milliseconds(50))) {
    pid_t r = ::waitpid(pid, status, WNOHANG);
    if (r == pid) return 1;
    if (r < 0 && errno != EINTR) return -1;
    if (DeadlineClock::now() >= deadline) return 0;
    if (pfd) {
      pollfd p{pfd.get(), POLLIN, 0};
      (void)::poll(&p, 1, ms_left(deadline));
    } else {
      std::this_thread::sleep_for(nap);
    }
  }
}

}  // namespace phi
