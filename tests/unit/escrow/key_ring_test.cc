// Tests for EscrowKeyFile: syntax errors name file:line, unsafe files are refused.
#include "milter/escrow/key_ring.h"

#include <gtest/gtest.h>

#include "tests/unit/escrow/test_util.h"

namespace phi::escrow {
namespace {

using testing::kHex1;
using testing::kHex2;
using testing::TempDir;

TEST(ParseKeyRing, NewestIsLastAndOlderAreFound) {
  auto r = parse_key_ring(std::string("# keys\n\nold ") + kHex1 + "\n  new\t" + kHex2 + "  \n", "k");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)->size(), 2u);
  EXPECT_EQ((*r)->newest().id, "new");
  ASSERT_NE((*r)->find("old"), nullptr);
  EXPECT_EQ((*r)->find("old")->key.str().size(), 32u);
  EXPECT_EQ((*r)->find("missing"), nullptr);
}

TEST(ParseKeyRing, ErrorsNameFileAndLine) {
  struct { const char* label; std::string text; std::string want; } rows[] = {
      {"empty file", "", "keys.txt: no keys"},
      {"comments only", "# nothing\n", "keys.txt: no keys"},
      {"short key", "k1 0011\n", "keys.txt:1: key k1: expected 64 hex digits, got 4"},
      {"long key", std::string("k1 ") + kHex1 + "00\n", "keys.txt:1: key k1: expected 64 hex digits, got 66"},
      {"not hex", "\nk1 " + std::string(64, 'g') + "\n", "keys.txt:2: key k1: not a hex digit"},
      {"missing key", "k1\n", "keys.txt:1: key k1: expected 64 hex digits, got 0"},
      {"bad id", std::string("k/1 ") + kHex1 + "\n", "keys.txt:1: bad key id"},
      {"duplicate id", std::string("a ") + kHex1 + "\na " + kHex2 + "\n", "keys.txt:2: key id a given twice"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    auto got = parse_key_ring(r.text, "keys.txt");
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().message.substr(0, r.want.size()), r.want) << got.error().message;
  }
}

TEST(ParseKeyRing, TenThousandHostileLinesAreBounded) {
  std::string junk;
  for (int i = 0; i < 10000; ++i) junk += "k" + std::to_string(i) + " " + std::string(63, 'a') + "\n";
  auto r = parse_key_ring(junk, "k");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("larger than"), std::string::npos) << r.error().message;
  std::string many;
  for (int i = 0; i < 300; ++i) many += "k" + std::to_string(i) + " " + kHex1 + "\n";
  auto m = parse_key_ring(many, "k");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("k:257: more than 256 keys"), std::string::npos) << m.error().message;
}

TEST(LoadKeyFile, AcceptsPrivateFiles) {
  TempDir d;
  for (mode_t mode : {0600, 0400}) {
    SCOPED_TRACE(mode);
    auto p = d.write("keys", std::string("k1 ") + kHex1 + "\n", mode);
    auto r = load_key_file(p);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ((*r)->newest().id, "k1");
  }
}

TEST(LoadKeyFile, RefusesUnsafeOrMissingFiles) {
  TempDir d;
  const std::string good = std::string("k1 ") + kHex1 + "\n";
  struct { const char* label; mode_t mode; std::string want; } rows[] = {
      {"group readable", 0640, "mode 0640 grants group or other access"},
      {"other readable", 0604, "mode 0604 grants group or other access"},
      {"group writable", 0620, "mode 0620 grants group or other access"},
      {"world everything", 0777, "mode 0777 grants group or other access"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    auto p = d.write("keys", good, r.mode);
    auto got = load_key_file(p);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().message, p + ": " + r.want + "; use chmod 600");
  }
  auto missing = load_key_file(d.file("absent"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, d.file("absent") + ": cannot open: No such file or directory");
  auto dir = load_key_file(d.path());
  ASSERT_FALSE(dir.ok());
  ASSERT_EQ(mkfifo(d.file("fifo").c_str(), 0600), 0);
  alarm(30);  // a FIFO must be refused, not waited on: fail instead of hanging
  auto fifo = load_key_file(d.file("fifo"));
  alarm(0);
  ASSERT_FALSE(fifo.ok());
  EXPECT_EQ(fifo.error().message, d.file("fifo") + ": not a regular file");
  auto bad = load_key_file(d.write("bad", "k1 00\n", 0600));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message.substr(0, d.file("bad").size() + 2), d.file("bad") + ":1");
}

TEST(LoadKeyFile, RefusesAnotherOwner) {
  TempDir d;
  auto p = d.write("keys", std::string("k1 ") + kHex1 + "\n", 0600);
  uid_t expect = geteuid();
  if (geteuid() == 0) {
    ASSERT_EQ(chown(p.c_str(), 12345, static_cast<gid_t>(-1)), 0);  // as root: give the file away
  } else {
    expect = geteuid() + 1;  // as a user: demand someone else
  }
  auto r = load_key_file(p, expect);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(p + ": owned by uid"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace phi::escrow
