// Spool: bytes held in memory up to a limit, then spilled to a nameless encrypted file.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "milter/escrow/spool.h"
#include "tests/unit/escrow/test_util.h"

namespace phi::escrow {
namespace {

using testing::TempDir;

size_t files_in(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

std::string read_back(Spool& s) {
  std::string out;
  auto r = s.copy_to([&](std::string_view b) -> Result<void> { out.append(b); return Ok(); });
  EXPECT_TRUE(r.ok()) << (r ? "" : r.error().message);
  return out;
}

TEST(Spool, RoundTripInMemoryAndOnDisk) {
  struct { const char* label; uint64_t memory; std::vector<size_t> chunks; bool disk; } rows[] = {
      {"fits in memory", 100, {10, 20, 70}, false},
      {"exactly the limit", 100, {50, 50}, false},
      {"spills in the middle of a chunk", 100, {60, 60, 5}, true},
      {"one chunk larger than the limit", 100, {1000}, true},
      {"no memory: a file from the start", 0, {3, 4}, true},
      {"empty", 100, {}, false},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    TempDir dir;
    auto s = Spool::create(dir.path(), 1 << 20, r.memory);
    ASSERT_TRUE(s.ok()) << s.error().message;
    std::string want;
    for (size_t n : r.chunks) {
      std::string c(n, char('a' + want.size() % 26));
      want += c;
      ASSERT_TRUE((*s)->write(c).ok());
    }
    EXPECT_EQ((*s)->on_disk(), r.disk);
    EXPECT_EQ((*s)->size(), want.size());
    EXPECT_EQ(files_in(dir.path()), 0u) << "a spool never has a name";
    EXPECT_EQ(read_back(**s), want);
    EXPECT_FALSE((*s)->write("x").ok()) << "written after it was read";
  }
}

TEST(Spool, SpillFailureShowsAtTheSpillingWriteAndSticks) {
  TempDir dir;
  auto s = Spool::create(dir.path() + "/missing", 1 << 20, 8);
  ASSERT_TRUE(s.ok()) << "nothing touches the disk before the limit";
  EXPECT_TRUE((*s)->write("1234").ok());
  auto w = (*s)->write("56789");
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.error().message.find("missing/.tmp-spool-"), std::string::npos) << w.error().message;
  EXPECT_FALSE((*s)->write("a").ok());
  EXPECT_EQ((*s)->failed(), w.error().message);
  EXPECT_FALSE((*s)->copy_to([](std::string_view) -> Result<void> { return Ok(); }).ok());
}

TEST(Spool, MaxBytesBoundsMemoryAndDisk) {
  TempDir dir;
  auto s = Spool::create(dir.path(), 10, 4);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE((*s)->write("1234").ok());
  EXPECT_TRUE((*s)->write("567890").ok());
  EXPECT_FALSE((*s)->write("x").ok()) << "11 bytes > max 10";
}

}  // namespace
}  // namespace phi::escrow
