// files - bounded whole-file reads, UTC time formatting and fsync with a test seam (see files.h).
#include "milter/util/files.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace phi {
namespace {
std::atomic<int (*)(int)> g_fsync{nullptr};  // set_fsync_for_tests
}  // namespace

int sync_fd(int fd) {
  auto* f = g_fsync.load();
  return f ? f(fd) : ::fsync(fd);
}

void set_fsync_for_tests(int (*fn)(int)) { g_fsync.store(fn); }

Result<std::string> load_file(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot open: " + std::strerror(errno)};
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > max_bytes) return Error{path + ": larger than " + std::to_string(max_bytes >> 20) + " MiB"};
  }
  if (in.bad()) return Error{path + ": read error"};
  return text;
}

std::string format_utc(std::time_t t, const char* fmt) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  if (std::strftime(buf, sizeof buf, fmt, &tm) == 0) return "";
  return buf;
}

}  // namespace phi
