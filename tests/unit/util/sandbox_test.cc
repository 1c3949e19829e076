// Tests of spawn_sandboxed(): a Python stand-in for a converter reports what
// the child may and may not do (python3 is in scripts/setup).
#include "milter/util/sandbox.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "milter/util/c_ptr.h"

namespace phi {
namespace {

// Runs python3 -c `code` sandboxed with `limits`, `input` on its stdin;
// returns its output and sets *status.
std::string run_python(const std::string& code, const std::string& input, int* status,
                       std::vector<std::pair<int, rlim_t>> limits = {}) {
  int in[2], out[2];
  EXPECT_EQ(::pipe2(in, O_CLOEXEC), 0);
  EXPECT_EQ(::pipe2(out, O_CLOEXEC), 0);
  SandboxSpec spec{"/usr/bin/python3", {"python3", "-S", "-c", code}, {"PATH=/usr/bin:/bin"}, std::move(limits)};
  auto pid = spawn_sandboxed(spec, in[0], out[1]);
  ::close(in[0]);
  ::close(out[1]);
  EXPECT_TRUE(pid.ok()) << (pid.ok() ? "" : pid.error().message);
  EXPECT_EQ(::write(in[1], input.data(), input.size()), ssize_t(input.size()));
  ::close(in[1]);
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(out[0], buf, sizeof buf)) > 0) text.append(buf, size_t(n));
  ::close(out[0]);
  if (pid.ok()) ::waitpid(*pid, status, 0);
  return text;
}

class Sandbox : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::access("/usr/bin/python3", X_OK), 0) << "python3 missing: scripts/setup installs it";
    char tmpl[] = "/tmp/phi-sandbox-XXXXXX";
    ASSERT_TRUE(::mkdtemp(tmpl));
    dir = tmpl;
    std::ofstream(dir + "/keep") << "secret";
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::string dir;
};

TEST_F(Sandbox, ReadsItsInputAndFilesButChangesNothingAndReachesNoOne) {
  if (!sandbox_filter_available()) GTEST_SKIP() << "no seccomp filter for this architecture";
  const std::string code =
      "import os, sys, socket\n"
      "def t(name, f):\n"
      "    try:\n"
      "        f(); print(name, 'allowed')\n"
      "    except PermissionError: print(name, 'EPERM')\n"
      "    except OSError as e: print(name, 'error', e.errno)\n"
      "d = '" + dir + "'\n"
      "print('input', len(sys.stdin.buffer.read()))\n"
      "t('read', lambda: open(d + '/keep').read())\n"
      "t('write', lambda: open(d + '/new', 'w'))\n"
      "t('append', lambda: open(d + '/keep', 'a'))\n"
      "t('rdwr', lambda: os.open(d + '/keep', os.O_RDWR))\n"
      "t('unlink', lambda: os.unlink(d + '/keep'))\n"
      "t('rename', lambda: os.rename(d + '/keep', d + '/moved'))\n"
      "t('mkdir', lambda: os.mkdir(d + '/sub'))\n"
      "t('chmod', lambda: os.chmod(d + '/keep', 0o777))\n"
      "t('socket', lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM))\n"
      "t('unix', lambda: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM))\n"
      "t('kill', lambda: os.kill(os.getppid(), 0))\n"
      "print('fds', sorted(int(f) for f in os.listdir('/proc/self/fd'))[:3], len(os.listdir('/proc/self/fd')))\n"
      "print('env', open('/proc/self/environ').read().split('\\0'))\n";
  int status = -1;
  std::string out = run_python(code, std::string(100000, 'x'), &status);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out;
  for (const char* want : {"input 100000\n", "read allowed\n", "write EPERM\n", "append EPERM\n", "rdwr EPERM\n",
                           "unlink EPERM\n", "rename EPERM\n", "mkdir EPERM\n", "chmod EPERM\n", "socket EPERM\n",
                           "unix EPERM\n", "kill EPERM\n", "fds [0, 1, 2] 4\n", "env ['PATH=/usr/bin:/bin', '']\n"})
    EXPECT_NE(out.find(want), std::string::npos) << want << " in:\n" << out;
  EXPECT_TRUE(std::filesystem::exists(dir + "/keep"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/new"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/sub"));
}

TEST_F(Sandbox, LimitsAreSetBeforeItRuns) {
  int status = -1;
  std::string out = run_python(
      "import resource as r\n"
      "print(r.getrlimit(r.RLIMIT_AS), r.getrlimit(r.RLIMIT_FSIZE), r.getrlimit(r.RLIMIT_NOFILE))\n",
      "", &status, {{RLIMIT_AS, 1ull << 30}, {RLIMIT_FSIZE, 0}, {RLIMIT_NOFILE, 64}});
  EXPECT_EQ(out, "(1073741824, 1073741824) (0, 0) (64, 64)\n");
}

TEST_F(Sandbox, AProgramThatCannotStartIsAnError) {
  int fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  SandboxSpec spec{dir + "/missing", {"missing"}, {}, {}};
  auto pid = spawn_sandboxed(spec, fd, fd);
  ASSERT_FALSE(pid.ok());
  EXPECT_EQ(pid.error().message, "cannot start: No such file or directory");
  SandboxSpec not_exec{dir + "/keep", {"keep"}, {}, {}};
  auto pid2 = spawn_sandboxed(not_exec, fd, fd);
  ASSERT_FALSE(pid2.ok());
  EXPECT_EQ(pid2.error().message, "cannot start: Permission denied");
  ::close(fd);
}

}  // namespace
}  // namespace phi
