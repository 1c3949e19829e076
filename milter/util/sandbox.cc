// sandbox - fork, confine (rlimits, no_new_privs, seccomp) and exec a converter (see sandbox.h).
#include "milter/util/sandbox.h"

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

#include "milter/util/c_ptr.h"

namespace phi {
namespace {

#if defined(__x86_64__)
constexpr uint32_t kArch = AUDIT_ARCH_X86_64;
#define PHI_SANDBOX_FILTER 1
#elif defined(__aarch64__)
constexpr uint32_t kArch = AUDIT_ARCH_AARCH64;
#define PHI_SANDBOX_FILTER 1
#endif

#ifdef PHI_SANDBOX_FILTER
// System calls that fail with EPERM (see sandbox.h); those this
// architecture does not have are left out by the #ifdefs.
constexpr int kDenied[] = {
#define D(name) __NR_##name,
#ifdef __NR_creat
    D(creat)
#endif
#ifdef __NR_unlink
    D(unlink) D(rename) D(link) D(symlink) D(mkdir) D(rmdir) D(mknod) D(chmod) D(chown) D(lchown) D(utime) D(utimes)
    D(futimesat)
#endif
    D(openat2) D(unlinkat) D(renameat2) D(linkat) D(symlinkat) D(mkdirat) D(mknodat) D(fchmod) D(fchmodat)
    D(fchown) D(fchownat) D(truncate) D(ftruncate) D(utimensat) D(setxattr) D(lsetxattr) D(fsetxattr)
    D(removexattr) D(lremovexattr) D(fremovexattr)
#ifdef __NR_renameat
    D(renameat)
#endif
    D(socket) D(socketpair) D(ptrace) D(process_vm_readv) D(process_vm_writev) D(kill) D(tkill) D(tgkill)
    D(rt_sigqueueinfo) D(rt_tgsigqueueinfo) D(pidfd_open) D(pidfd_send_signal) D(pidfd_getfd)
    D(io_uring_setup) D(io_uring_enter) D(io_uring_register) D(bpf) D(mount) D(umount2) D(setns) D(unshare)
    D(keyctl) D(add_key) D(request_key) D(perf_event_open) D(userfaultfd) D(open_by_handle_at)
    D(name_to_handle_at) D(fanotify_init) D(chroot) D(pivot_root)
#undef D
};

constexpr uint32_t kWriteFlags = O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND;

// Low 32 bits of system call argument i (both architectures are little-endian).
constexpr uint32_t arg_low(int i) { return uint32_t(offsetof(seccomp_data, args) + 8 * i); }

const sock_fprog* filter() {
  static const std::vector<sock_filter> prog = [] {
    std::vector<sock_filter> f;
    auto stmt = [&](uint16_t code, uint32_t k) { f.push_back(sock_filter{code, 0, 0, k}); };
    auto jump = [&](uint16_t code, uint32_t k, uint8_t jt, uint8_t jf) { f.push_back(sock_filter{code, jt, jf, k}); };
    const uint32_t deny = SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA);
    stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch));
    jump(BPF_JMP | BPF_JEQ | BPF_K, kArch, 1, 0);
    stmt(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
    stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr));
#ifdef __x86_64__
    jump(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1);  // __X32_SYSCALL_BIT: the x32 ABI
    stmt(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
#endif
    for (int nr : kDenied) {
      jump(BPF_JMP | BPF_JEQ | BPF_K, uint32_t(nr), 0, 1);
      stmt(BPF_RET | BPF_K, deny);
    }
    // open(path, flags) and openat(dir, path, flags): read-only opens only.
    // Each block ends in a return, so loading the flags clobbers nothing.
    auto open_block = [&](int nr, int flags_arg) {
      jump(BPF_JMP | BPF_JEQ | BPF_K, uint32_t(nr), 0, 4);
      stmt(BPF_LD | BPF_W | BPF_ABS, arg_low(flags_arg));
      jump(BPF_JMP | BPF_JSET | BPF_K, kWriteFlags, 0, 1);
      stmt(BPF_RET | BPF_K, deny);
      stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    };
    open_block(__NR_openat, 2);
#ifdef __NR_open
    open_block(__NR_open, 1);
#endif
    stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    return f;
  }();
  static const sock_fprog fprog{static_cast<unsigned short>(prog.size()), const_cast<sock_filter*>(prog.data())};
  return &fprog;
}
#endif

// The child, between fork and exec: system calls only (the parent may have
// other threads holding locks that malloc or stdio need).
[[noreturn]] void child(int in, int out, int null_fd, int err_pipe, const SandboxSpec& spec,
                        const std::vector<rlimit>& limits, char* const* argv, char* const* envp,
                        const sock_fprog* prog) {
  auto die = [&](int e) {
    (void)!::write(3, &e, sizeof e);
    ::_exit(127);
  };
  if (::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(null_fd, 2) < 0) ::_exit(127);
  if (err_pipe != 3 && ::dup3(err_pipe, 3, O_CLOEXEC) < 0) ::_exit(127);
  if (::close_range(4, ~0u, 0) != 0)
    for (int fd = 4; fd < 4096; ++fd) ::close(fd);
  (void)::setpgid(0, 0);
  sigset_t none;
  sigemptyset(&none);
  (void)::sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  (void)::sigaction(SIGPIPE, &dfl, nullptr);
  (void)::sigaction(SIGCHLD, &dfl, nullptr);
  for (size_t i = 0; i < limits.size(); ++i)
    if (::setrlimit(static_cast<__rlimit_resource>(spec.limits[i].first), &limits[i]) != 0) die(errno);
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) die(errno);
  if (prog && ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog) != 0) die(errno);
  ::execve(spec.program.c_str(), argv, envp);
  die(errno);
  ::_exit(127);  // not reached: die() exits
}

}  // namespace

bool sandbox_filter_available() {
#ifdef PHI_SANDBOX_FILTER
  return true;
#else
  return false;
#endif
}

Result<pid_t> spawn_sandboxed(const SandboxSpec& spec, int stdin_fd, int stdout_fd) {
  // Everything the child needs is made here: it may not allocate.
  std::vector<std::string> args = spec.argv, env = spec.env;
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<rlimit> limits;
  for (auto [res, value] : spec.limits) limits.push_back(rlimit{value, value});
  const sock_fprog* prog = nullptr;
#ifdef PHI_SANDBOX_FILTER
  prog = filter();
#endif
  UniqueFd null_fd(::open("/dev/null", O_WRONLY | O_CLOEXEC));
  if (!null_fd) return Error{std::string("/dev/null: ") + std::strerror(errno)};
  int ep[2];
  if (::pipe2(ep, O_CLOEXEC) != 0) return Error{std::string("pipe: ") + std::strerror(errno)};
  UniqueFd err_read(ep[0]), err_write(ep[1]);
  pid_t pid = ::fork();
  if (pid < 0) return Error{std::string("fork: ") + std::strerror(errno)};
  if (pid == 0)
    child(stdin_fd, stdout_fd, null_fd.get(), err_write.get(), spec, limits, argv.data(), envp.data(), prog);
  err_write.reset();
  int e = 0;
  ssize_t n;
  while ((n = ::read(err_read.get(), &e, sizeof e)) < 0 && errno == EINTR) {}
  if (n == 0) return pid;  // the pipe closed on exec
  int status;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  return Error{"cannot start: " + std::string(n == sizeof e ? std::strerror(e) : "it died before exec")};
}

}  // namespace phi
