// NAME
//   files - small file, time and fsync helpers with no mail knowledge
// SYNOPSIS
//   Result<std::string> load_file(const std::string& path, size_t max_bytes);
//   std::string format_utc(std::time_t t, const char* fmt = kRfc3339Utc);
//   int sync_fd(int fd);                       // fsync(2), or a test's stand-in
//   void set_fsync_for_tests(int (*fn)(int));
// DESCRIPTION
//   load_file() reads a whole file, refusing one larger than max_bytes; its
//   errors read "path: cannot open: reason", "path: larger than N MiB" or
//   "path: read error". format_utc() formats t in UTC with strftime(3)
//   (default "2026-12-02T05:00:00Z"). sync_fd() is fsync(2) for the syncs
//   durability rests on (escrow entries, markers and directory; audit
//   records' group commit); set_fsync_for_tests() replaces it (nullptr:
//   fsync again) so that a test can make one fail or hold a thread in it.
// THREADS
//   Any thread.
#ifndef PHI_UTIL_FILES_H
#define PHI_UTIL_FILES_H

#include <cstddef>
#include <ctime>
#include <string>

#include "milter/util/result.h"

namespace phi {

inline constexpr const char* kRfc3339Utc = "%Y-%m-%dT%H:%M:%SZ";

Result<std::string> load_file(const std::string& path, size_t max_bytes);
std::string format_utc(std::time_t t, const char* fmt = kRfc3339Utc);
int sync_fd(int fd);
void set_fsync_for_tests(int (*fn)(int));

}  // namespace phi

#endif
