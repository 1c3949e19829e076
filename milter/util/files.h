// NAME
//   files - small file, time and fsync helpers with no mail knowledge
// SYNOPSIS
//   Result<std::string> load_file(const std::string& path, size_t max_bytes);
//   std::string format_utc(std::time_t t, const char* fmt = kRfc3339Utc);
//   bool write_all(int fd, std::string_view data);   // false and errno on failure
//   int sync_fd(int fd);                       // fsync(2), or a test's stand-in
//   void set_fsync_for_tests(int (*fn)(int));
//   Result<UniqueFd> open_regular(const std::string& path, int flags, mode_t mode = 0, bool* missing = nullptr);
//   std::string wrong_owner(uid_t actual, uid_t expected);
// DESCRIPTION
//   load_file() reads a whole file, refusing one larger than max_bytes; its
//   errors read "path: cannot open: reason", "path: larger than N MiB" or
//   "path: read error". format_utc() formats t in UTC with strftime(3)
//   (default "2026-12-02T05:00:00Z"). write_all() writes all of data
//   (retrying short writes and EINTR; a write of 0 bytes is EIO). sync_fd() is fsync(2) for the syncs
//   durability rests on (escrow entries, markers and directory; audit
//   records' group commit); set_fsync_for_tests() replaces it (nullptr:
//   fsync again) so that a test can make one fail or hold a thread in it.
//   open_regular() opens path with flags (plus O_CLOEXEC, O_NOFOLLOW and,
//   for the open itself, O_NONBLOCK) and refuses anything but a regular
//   file, so that a FIFO by that name is never waited on (open(2) of a
//   FIFO blocks until the other end opens it); O_NONBLOCK is cleared on
//   the descriptor returned. Its errors read "cannot open: reason" (a
//   symbolic link: "Too many levels of symbolic links"), "not a regular
//   file", "stat: reason" or "fcntl: reason", without the path: callers add
//   it with Error::context(). *missing is set when the name does not exist.
//   wrong_owner() says why a key file owned by `actual` is refused where
//   `expected` or root must own it: "owned by uid 105 (phimilter),
//   expected uid 1000 or root". When root is expected (phimilter runs as
//   root because UserID is not set) it adds what to do: "; phimilter runs
//   as root when UserID is not set: set UserID phimilter, or chown root"
//   (for a uid without a name: "set UserID to the file's owner").
// THREADS
//   Any thread.
#ifndef PHI_UTIL_FILES_H
#define PHI_UTIL_FILES_H

#include <sys/types.h>

#include <cstddef>
#include <ctime>
#include <string>
#include <string_view>

#include "milter/util/c_ptr.h"
#include "milter/util/result.h"

namespace phi {

inline constexpr const char* kRfc3339Utc = "%Y-%m-%dT%H:%M:%SZ";

Result<std::string> load_file(const std::string& path, size_t max_bytes);
std::string format_utc(std::time_t t, const char* fmt = kRfc3339Utc);
bool write_all(int fd, std::string_view data);
int sync_fd(int fd);
void set_fsync_for_tests(int (*fn)(int));
Result<UniqueFd> open_regular(const std::string& path, int flags, mode_t mode = 0, bool* missing = nullptr);
std::string wrong_owner(uid_t actual, uid_t expected);

}  // namespace phi

#endif
