// NAME
//   files - small file and time helpers with no mail knowledge
// SYNOPSIS
//   Result<std::string> load_file(const std::string& path, size_t max_bytes);
//   std::string format_utc(std::time_t t, const char* fmt = kRfc3339Utc);
// DESCRIPTION
//   load_file() reads a whole file, refusing one larger than max_bytes; its
//   errors read "path: cannot open: reason", "path: larger than N MiB" or
//   "path: read error". format_utc() formats t in UTC with strftime(3)
//   (default "2026-12-02T05:00:00Z").
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

}  // namespace phi

#endif
