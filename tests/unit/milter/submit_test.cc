// Tests of submit_message(): what reaches the command, its exit status, and
// the timeout that kills a command (and what it started) that never answers.
#include "milter/submit.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "tests/unit/escrow/test_util.h"

namespace phi {
namespace {

using escrow::testing::read_file;
using escrow::testing::TempDir;
using namespace std::chrono_literals;

// Whether process `pid` has ended: gone, or a zombie nobody has reaped yet
// (its parent was killed and this machine's init may not reap it at once).
bool ended(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';
}

// Waits up to 10 s for `pid` to end (a SIGKILL is delivered at once, but
// the exit itself is asynchronous). A bound, not a timing assertion.
bool ends_soon(pid_t pid) {
  for (int i = 0; i < 1000; ++i) {
    if (ended(pid)) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

TEST(Submit, TheCommandGetsTheArgumentsAndTheMessageWithLfLineEnds) {
  TempDir dir;
  dir.write("cmd", "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + dir.file("args") + "\ncat > " + dir.file("stdin") + "\n", 0755);
  auto r = submit_message(dir.file("cmd") + " -C /etc/postfix-out", {"-i", "--", "a@example.org"},
                          "Subject: x\r\n\r\nbody\r\n", 10s);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(read_file(dir.file("args")), "-C\n/etc/postfix-out\n-i\n--\na@example.org\n");
  EXPECT_EQ(read_file(dir.file("stdin")), "Subject: x\n\nbody\n");
}

// A descriptor the daemon holds without close-on-exec (a LogTarget file, a
// pipe of libmilter's) must not reach the command.
TEST(Submit, TheCommandGetsNoDescriptorButItsStandardOnes) {
  TempDir dir;
  int null_fd = ::open("/dev/null", O_RDONLY);
  ASSERT_GE(null_fd, 0);
  int leaky = ::fcntl(null_fd, F_DUPFD, 77);  // no close-on-exec, on purpose; a number the shell does not use
  ::close(null_fd);
  ASSERT_GE(leaky, 77);
  dir.write("cmd", "#!/bin/sh\ncat >/dev/null\nls /proc/$$/fd > " + dir.file("fds") + "\n", 0755);
  auto r = submit_message(dir.file("cmd"), {}, "x\n", 10s);
  ::close(leaky);
  ASSERT_TRUE(r.ok()) << r.error().message;
  std::string fds = "\n" + read_file(dir.file("fds"));
  EXPECT_NE(fds.find("\n0\n"), std::string::npos) << fds;
  EXPECT_EQ(fds.find("\n" + std::to_string(leaky) + "\n"), std::string::npos) << "open in the command:" << fds;
}

TEST(Submit, AFailingCommandIsAnError) {
  TempDir dir;
  dir.write("cmd", "#!/bin/sh\ncat >/dev/null\nexit 75\n", 0755);
  auto r = submit_message(dir.file("cmd"), {}, "x\n", 10s);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("exited with status 75"), std::string::npos) << r.error().message;
  EXPECT_FALSE(submit_message(dir.file("absent"), {}, "x\n", 10s).ok());
}

// A child whose exit status cannot be read (reaped elsewhere: SIGCHLD
// ignored) may have failed: that is an error, never a success.
TEST(Submit, AnExitStatusNobodyCanReadIsAnError) {
  TempDir dir;
  dir.write("cmd", "#!/bin/sh\ncat >/dev/null\nexit 0\n", 0755);
  struct sigaction ignore {}, old {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGCHLD, &ignore, &old);
  auto r = submit_message(dir.file("cmd"), {}, "x\n", 10s);
  ::sigaction(SIGCHLD, &old, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("waitpid"), std::string::npos) << r.error().message;
}

// Postfix's postdrop without its setgid group retries for ever: the
// submission gives up after the timeout and kills the command's process
// group, so nothing it started is left behind either.
TEST(Submit, ACommandThatNeverExitsIsKilledWithWhatItStarted) {
  TempDir dir;
  dir.write("cmd",
            "#!/bin/sh\ncat >/dev/null\nsleep 600 &\necho $! > " + dir.file("child") + ".tmp\nmv " + dir.file("child") +
                ".tmp " + dir.file("child") + "\nwait\n",
            0755);
  auto r = submit_message(dir.file("cmd"), {}, "x\n", 500ms);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("no answer within 500 ms; killed"), std::string::npos) << r.error().message;
  std::string child = read_file(dir.file("child"));
  ASSERT_FALSE(child.empty()) << "the command's own child never started";
  pid_t pid = pid_t(std::stol(child));
  EXPECT_TRUE(ends_soon(pid)) << "the command's child " << pid << " still runs";
  if (!ended(pid)) ::kill(pid, SIGKILL);
}

// A command that never reads its input: writing a message larger than the
// socket's buffer blocks, and the same timeout ends it.
TEST(Submit, ACommandThatNeverReadsIsKilled) {
  TempDir dir;
  dir.write("cmd", "#!/bin/sh\nexec sleep 600\n", 0755);
  std::string big(8 << 20, 'x');
  auto r = submit_message(dir.file("cmd"), {}, big, 500ms);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("no answer within"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace phi
