// NAME
//   submit - hand a message to the local MTA through a sendmail(1) command
// SYNOPSIS
//   Result<void> submit_message(std::string_view command, const std::vector<std::string>& args,
//                               std::string_view message, std::chrono::milliseconds timeout);
// DESCRIPTION
//   Runs `command` (split on blanks; the first word is looked up in PATH when
//   it holds no '/') followed by `args`, writes `message` to its standard
//   input and waits for it. Success means the command read everything and
//   exited 0: for sendmail(1) the message is then in the MTA's queue. CRLF
//   line ends are written as LF, as local submission expects. The input is a
//   socket written with MSG_NOSIGNAL, so a command that exits early is an
//   error, never a SIGPIPE. The child is started with posix_spawnp (safe in
//   a threaded daemon) in a process group of its own, with no descriptor of
//   the daemon's beyond its standard input, output and error (where glibc
//   has posix_spawn_file_actions_addclosefrom_np, 2.34 and later; before,
//   only close-on-exec descriptors stay out). A command that has not
//   read the message and exited within `timeout` is an error, and its whole
//   process group is killed (SIGKILL): Postfix's postdrop, denied its setgid
//   group, retries forever instead of failing.
// INPUT
//   `message` is ours (a composed notice); `args` are envelope addresses that
//   the caller has stripped of controls. No shell is involved.
// THREADS
//   Any thread; blocks until the command exits or `timeout` passes.
#ifndef PHI_MILTER_SUBMIT_H
#define PHI_MILTER_SUBMIT_H

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "milter/util/result.h"

namespace phi {

Result<void> submit_message(std::string_view command, const std::vector<std::string>& args, std::string_view message,
                            std::chrono::milliseconds timeout);

}  // namespace phi

#endif
