// WordSet: "is one of these words in the text" as std::string_view::find says.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "policy/word_set.h"

namespace phi::policy {
namespace {

bool find_any(std::string_view hay, std::initializer_list<std::string_view> words) {
  for (auto w : words)
    if (hay.find(w) != std::string_view::npos) return true;
  return false;
}

TEST(WordSet, FindsWordsAnywhereIncludingBothEnds) {
  const WordSet dose{"mg", "tablet", "started on", "qd"};
  EXPECT_TRUE(dose.in("500 mg"));
  EXPECT_TRUE(dose.in("mg"));
  EXPECT_TRUE(dose.in("tablet daily"));
  EXPECT_TRUE(dose.in(std::string(40, ' ') + "was started on it"));
  EXPECT_TRUE(dose.in(std::string(126, 'x') + "qd"));  // the last two bytes of a padded text
  EXPECT_TRUE(dose.in(std::string(300, 'x') + "qd"));  // longer than kMaxPadded
  EXPECT_FALSE(dose.in("m"));
  EXPECT_FALSE(dose.in(""));
  EXPECT_FALSE(dose.in("tablespoon started-on q d"));
  EXPECT_FALSE(dose.in("MG"));  // case as given: callers lower-case the text
}

TEST(WordSet, OneByteWordsUseAPlainFind) {
  const WordSet w{"#", "no."};
  EXPECT_TRUE(w.in("member # 5"));
  EXPECT_TRUE(w.in("no. 5"));
  EXPECT_FALSE(w.in("number 5"));
}

// Every length around the sixteen-byte blocks and the padding, words of
// two, three and more bytes sharing prefixes, against find().
TEST(WordSet, EqualsFindOnRandomText) {
  const std::initializer_list<std::string_view> words = {"dx", "dxa", "diagnos", "icd", "ic", "code", "aab", "ab"};
  const WordSet set(words);
  std::mt19937 rng(5);
  const std::string letters = "abcdgiosx dc";
  size_t hits = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string hay(rng() % 200, ' ');
    for (char& c : hay) c = letters[rng() % letters.size()];
    SCOPED_TRACE(hay);
    bool want = find_any(hay, words);
    ASSERT_EQ(set.in(hay), want);
    // in_padded() on the text followed by kPad bytes that are not zero
    // (Lowered pads with zeros; the answer must not depend on them).
    std::string padded = hay + std::string(WordSet::kPad, char(rng() % 2 ? 'x' : 'd'));
    ASSERT_EQ(set.in_padded(std::string_view(padded.data(), hay.size())), want);
    hits += want;
  }
  EXPECT_GT(hits, 1000u);
  EXPECT_LT(hits, 19000u);  // both answers are exercised
}

}  // namespace
}  // namespace phi::policy
