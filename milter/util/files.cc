// files - bounded whole-file reads, whole writes, regular-file opens, key files' owners, UTC time formatting and fsync with a test seam (see files.h).
#include "milter/util/files.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

namespace phi {
namespace {
std::atomic<int (*)(int)> g_fsync{nullptr};  // set_fsync_for_tests
}  // namespace

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

int sync_fd(int fd) {
  auto* f = g_fsync.load();
  return f ? f(fd) : ::fsync(fd);
}

void set_fsync_for_tests(int (*fn)(int)) { g_fsync.store(fn); }

namespace {
// The user name of `uid` ("" when it has none).
std::string user_name(uid_t uid) {
  std::vector<char> buf(16384);
  struct passwd pw {};
  struct passwd* found = nullptr;
  if (::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) != 0 || !found || !found->pw_name) return {};
  return found->pw_name;
}
}  // namespace

std::string wrong_owner(uid_t actual, uid_t expected) {
  std::string name = user_name(actual);
  std::string m = "owned by uid " + std::to_string(actual) + (name.empty() ? "" : " (" + name + ")") + ", expected uid " +
                  std::to_string(expected) + " or root";
  if (expected == 0)
    m += "; phimilter runs as root when UserID is not set: set UserID " + (name.empty() ? "to the file's owner" : name) +
         ", or chown root";
  return m;
}

Result<UniqueFd> open_regular(const std::string& path, int flags, mode_t mode, bool* missing) {
  UniqueFd fd(::open(path.c_str(), flags | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, mode));
  if (missing) *missing = !fd && errno == ENOENT;
  if (!fd) {
    // A FIFO opened for writing without a reader fails with ENXIO: name
    // what it is rather than "No such device or address".
    struct stat st;
    if (errno == ENXIO && ::lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) return Error{"not a regular file"};
    return Error{std::string("cannot open: ") + std::strerror(errno)};
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return Error{std::string("stat: ") + std::strerror(errno)};
  if (!S_ISREG(st.st_mode)) return Error{"not a regular file"};
  const int fl = ::fcntl(fd.get(), F_GETFL);
  if (fl < 0 || ::fcntl(fd.get(), F_SETFL, fl & ~O_NONBLOCK) != 0) return Error{std::string("fcntl: ") + std::strerror(errno)};
  return fd;
}

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
