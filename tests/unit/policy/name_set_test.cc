// NameSet: a set of names that answers as std::set does, and known_name()
// that answers as fold_name() plus a lookup.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>

#include "policy/detectors.h"
#include "policy/name_set.h"

namespace phi::policy {
namespace {

TEST(NameSet, ContainsExactlyWhatWasInserted) {
  NameSet s;
  EXPECT_FALSE(s.contains("maria"));
  EXPECT_FALSE(s.contains(""));
  s.insert("maria");
  s.insert("maria");  // once
  s.insert("o'brien");
  s.insert("alexandria-rose");
  EXPECT_EQ(s.size(), 3u);
  EXPECT_TRUE(s.contains("maria"));
  EXPECT_TRUE(s.contains("o'brien"));
  EXPECT_TRUE(s.contains("alexandria-rose"));
  EXPECT_FALSE(s.contains("mari"));
  EXPECT_FALSE(s.contains("marias"));
  EXPECT_FALSE(s.contains("Maria"));  // stored as given: callers fold
  EXPECT_FALSE(s.contains("alexandria-ros"));
  EXPECT_FALSE(s.contains(std::string("maria\0", 6)));
}

// Through many growths, against std::set, with words that share their
// first eight bytes and words that differ in the last byte only.
TEST(NameSet, AgreesWithStdSetThroughGrowth) {
  std::mt19937 rng(7);
  auto word = [&](size_t len) {
    std::string w;
    for (size_t i = 0; i < len; ++i) w += char('a' + rng() % 4);
    return w;
  };
  NameSet s;
  std::set<std::string> ref;
  for (int i = 0; i < 20000; ++i) {
    std::string w = word(1 + rng() % 18);
    s.insert(w);
    ref.insert(w);
  }
  EXPECT_EQ(s.size(), ref.size());
  for (int i = 0; i < 50000; ++i) {
    std::string w = word(1 + rng() % 18);
    ASSERT_EQ(s.contains(w), ref.count(w) > 0) << w;
  }
  for (const auto& w : ref) ASSERT_TRUE(s.contains(w)) << w;
}

// known_name() is fold_name() then contains(), for ASCII, accented, cut
// and over-long words.
TEST(NameSet, KnownNameFoldsAsFoldName) {
  NameSet s;
  const std::string names[] = {"maria", "andre", "pena", "strasse", "emile", std::string(70, 'a')};
  for (const auto& n : names) s.insert(n);
  const std::string bytes[] = {"Maria", "MARIA", "Andr\xc3\xa9", "Pe\xc3\xb1" "a", "Stra\xc3\x9f" "e", "\xc3\x89mile",
                               "a\xc3\x97" "b", "Andr\xc3", "Marian", std::string(70, 'A'), std::string(69, 'A') + "\xc3\xa1",
                               ""};
  for (const auto& w : bytes) {
    std::string f = fold_name(w);
    EXPECT_EQ(known_name(s, w), !f.empty() && s.contains(f)) << w;
  }
  EXPECT_TRUE(known_name(s, "Andr\xc3\xa9"));
  EXPECT_TRUE(known_name(s, std::string(70, 'A')));  // longer than the stack buffer
  EXPECT_FALSE(known_name(s, "Andr\xc3"));
}

}  // namespace
}  // namespace phi::policy
