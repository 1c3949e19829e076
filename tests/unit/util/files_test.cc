// Tests for load_file (bounds, errors), open_regular and format_utc.
#include "milter/util/files.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace phi {
namespace {

TEST(LoadFile, ReadsWholeFileAndRefusesLargerOnes) {
  char path[] = "/tmp/phimilter-files-test-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  { std::ofstream(path) << std::string(100000, 'x'); }
  auto ok = load_file(path, 1 << 20);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->size(), 100000u);
  auto big = load_file(path, 50000);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().message, std::string(path) + ": larger than 0 MiB");
  std::remove(path);
  auto missing = load_file(path, 1 << 20);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message.rfind(std::string(path) + ": cannot open: ", 0), 0u);
}

// A FIFO (or anything but a regular file) is refused without waiting for
// the other end, for reading and for writing; alarm() turns a regression
// into a failed run instead of a hung one.
TEST(OpenRegular, RefusesAnythingButARegularFileWithoutWaiting) {
  char tmpl[] = "/tmp/phimilter-files-test-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl, file = dir + "/file", fifo = dir + "/fifo", link = dir + "/link";
  { std::ofstream(file) << "x"; }
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  ASSERT_EQ(symlink(file.c_str(), link.c_str()), 0);
  alarm(30);
  struct { const char* label; std::string path; int flags; const char* error; } rows[] = {
      {"regular, read", file, O_RDONLY, ""},
      {"regular, append", file, O_WRONLY | O_APPEND | O_CREAT, ""},
      {"created", dir + "/new", O_WRONLY | O_APPEND | O_CREAT, ""},
      {"FIFO, read", fifo, O_RDONLY, "not a regular file"},
      {"FIFO, write without a reader", fifo, O_WRONLY | O_APPEND | O_CREAT, "not a regular file"},
      {"directory", dir, O_RDONLY, "not a regular file"},
      {"symbolic link", link, O_RDONLY, "cannot open: Too many levels of symbolic links"},
      {"missing", dir + "/absent", O_RDONLY, "cannot open: No such file or directory"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    bool missing = false;
    auto fd = open_regular(r.path, r.flags, 0600, &missing);
    EXPECT_EQ(missing, r.path == dir + "/absent");
    if (!*r.error) {
      ASSERT_TRUE(fd.ok()) << fd.error().message;
      EXPECT_EQ(fcntl(fd->get(), F_GETFL) & O_NONBLOCK, 0) << "O_NONBLOCK left set";
    } else {
      ASSERT_FALSE(fd.ok());
      EXPECT_EQ(fd.error().message, r.error);
    }
  }
  alarm(0);
  std::filesystem::remove_all(dir);
}

TEST(FormatUtc, DefaultIsRfc3339AndCustomFormatsWork) {
  EXPECT_EQ(format_utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_utc(1764651600), "2025-12-02T05:00:00Z");
  EXPECT_EQ(format_utc(1764651600, "%Y-%m-%d %H:%M UTC"), "2025-12-02 05:00 UTC");
}

}  // namespace
}  // namespace phi
