// Tests for load_file (bounds, errors) and format_utc.
#include "milter/util/files.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <unistd.h>

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

TEST(FormatUtc, DefaultIsRfc3339AndCustomFormatsWork) {
  EXPECT_EQ(format_utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_utc(1764651600), "2025-12-02T05:00:00Z");
  EXPECT_EQ(format_utc(1764651600, "%Y-%m-%d %H:%M UTC"), "2025-12-02 05:00 UTC");
}

}  // namespace
}  // namespace phi
