// NAME
//   sandbox - start a converter for hostile input as a confined child process
// SYNOPSIS
//   SandboxSpec s{"/usr/bin/pdftotext", {"pdftotext", "-", "-"}, {"PATH=/usr/bin:/bin"},
//                 {{RLIMIT_AS, 512 << 20}}};
//   Result<pid_t> pid = spawn_sandboxed(s, stdin_fd, stdout_fd);
//   bool sandbox_filter_available();
// DESCRIPTION
//   spawn_sandboxed() forks and, in the child (system calls only, as a
//   threaded parent requires), puts stdin_fd and stdout_fd on 0 and 1 and
//   /dev/null on 2, closes every other descriptor, makes the child the
//   leader of a process group of its own, unblocks every signal and sets
//   SIGPIPE and SIGCHLD to their defaults, applies `limits` (setrlimit(2),
//   soft and hard), sets no_new_privs and, where sandbox_filter_available()
//   (x86-64 and AArch64), installs a seccomp filter, then executes
//   `program` with `argv` and exactly `env`.
//   The filter lets the converter read what it can read and compute, and
//   nothing else that could reach beyond its pipes: system calls of another
//   architecture (i386 or x32 on x86-64) kill it; open/openat with a write,
//   create, truncate or append flag, openat2, creat, and the calls that
//   change the file system (unlink, rename, link, symlink, mkdir, rmdir,
//   mknod, chmod, chown, truncate, utimes and their *at forms), create
//   sockets or reach other processes (socket, ptrace, process_vm_readv and
//   _writev, kill, tkill, tgkill, pidfd_open, pidfd_send_signal,
//   pidfd_getfd), io_uring_setup (whose operations bypass seccomp),
//   bpf, mount, setns, unshare, keyctl, add_key, request_key and
//   perf_event_open fail with EPERM.
//   The child's exec failing is reported as an error ("cannot start:
//   reason") through a close-on-exec pipe; so is fork failing.
// INPUT
//   program, argv and env are ours; the child's input is hostile, which is
//   why it runs so.
// THREADS
//   Any thread.
#ifndef PHI_UTIL_SANDBOX_H
#define PHI_UTIL_SANDBOX_H

#include <sys/resource.h>
#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "milter/util/result.h"

namespace phi {

struct SandboxSpec {
  std::string program;                             // absolute path
  std::vector<std::string> argv;                   // argv[0] first
  std::vector<std::string> env;                    // the whole environment
  std::vector<std::pair<int, rlim_t>> limits;      // RLIMIT_* resource, value
};

Result<pid_t> spawn_sandboxed(const SandboxSpec& spec, int stdin_fd, int stdout_fd);

// Whether spawn_sandboxed() installs its seccomp filter on this build.
bool sandbox_filter_available();

}  // namespace phi

#endif
