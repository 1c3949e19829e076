// TermIndex: dictionary terms found by words and a hash table.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "policy/detectors_dict.h"

namespace phi::policy {
namespace {

void record(void* ctx, unsigned id, size_t from, size_t to) {
  *static_cast<std::string*>(ctx) += std::to_string(id) + "@" + std::to_string(from) + "-" + std::to_string(to) + " ";
}

std::string hits(const TermIndex& idx, std::string_view text) {
  std::string out;
  idx.scan(text, record, &out);
  return out;
}

std::string reference_hits(const TermIndex& idx, std::string_view text) {
  std::string out;
  idx.scan_reference(text, record, &out);
  return out;
}

TEST(TermIndex, MatchesWordsCaseAndSeparatorVariants) {
  TermIndex idx;
  idx.add("end-stage renal disease", 1);
  idx.add("gastroesophageal reflux", 2);
  idx.add("heart failure", 3);
  idx.add("crohn's disease", 4);
  idx.add("alt", 5);
  idx.add("diabetes", 6);
  idx.finish();
  struct { const char* label; const char* text; const char* want; } rows[] = {
      {"exact", "end-stage renal disease", "1@0-23 "},
      {"upper case", "End-Stage Renal Disease", "1@0-23 "},
      {"hyphen as blank", "end stage renal disease", "1@0-23 "},
      {"no hyphen", "endstage renal disease", "1@0-22 "},
      {"hyphen inside a word", "gastro-esophageal reflux", "2@0-24 "},
      {"wrapped over lines", "heart\r\n  failure", "3@0-16 "},
      {"apostrophe", "Crohn's disease", "4@0-15 "},
      {"short term at word edges", "ALT 42", "5@0-3 "},
      {"short term inside a word", "altitude salt", ""},
      {"term inside a longer word", "heart failures", ""},
      {"after a joining hyphen", "pre-diabetes", "6@4-12 "},
      {"other punctuation is not a blank", "heart, failure", ""},
      {"too wide a gap", "heart          failure", ""},
      {"nothing", "the quarterly budget review", ""},
      {"empty", "", ""},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    EXPECT_EQ(hits(idx, r.text), r.want);
  }
  EXPECT_EQ(idx.size(), 6u);
}

TEST(TermIndex, HostileRepeatsStayLinear) {
  TermIndex idx;
  idx.add("heart failure", 1);
  idx.finish();
  std::string text;
  for (int i = 0; i < 10000; ++i) text += "heart heart- -heart failure-";
  std::string out = hits(idx, text);
  EXPECT_FALSE(out.empty());
  std::string dashes(10000, '-'), letters(10000, 'a');
  EXPECT_EQ(hits(idx, dashes + letters + dashes), "");
}

TEST(TermIndex, FindsNothingBeforeFinish) {
  TermIndex idx;
  idx.add("diabetes", 1);
  EXPECT_EQ(hits(idx, "diabetes"), "");
  idx.finish();
  EXPECT_EQ(hits(idx, "diabetes"), "1@0-8 ");
  idx.add("asthma", 2);
  idx.finish();
  EXPECT_EQ(hits(idx, "diabetes asthma"), "1@0-8 2@9-15 ");
}

// Random text from a small alphabet that is mostly word bytes, hyphens,
// blanks and bytes next to the letter and digit ranges ('/', ':', '@',
// '[', '`', '{', 0x80, 0xC3), so words end everywhere in a 64-byte block.
std::string hostile_text(std::mt19937& rng, size_t len) {
  static const std::string kBytes = std::string("aZz09-- \n\t/:@[`{AbY") + char(0x80) + char(0xC3) + char(0xFF) + char(0);
  std::string s;
  for (size_t i = 0; i < len; ++i) s += kBytes[rng() % kBytes.size()];
  return s;
}

TEST(TermIndex, WordMaskMatchesTheScalarTable) {
  std::mt19937 rng(7);
  for (int round = 0; round < 2000; ++round) {
    SCOPED_TRACE(round);
    char block[64];
    for (char& c : block) c = char(round < 1000 ? rng() : "aZ09-@[`{/:\x80"[rng() % 13]);
    for (size_t avail : {size_t(64), size_t(63), size_t(17), size_t(1), size_t(0)}) {
      EXPECT_EQ(dict_detail::word_mask(block, avail), dict_detail::word_mask_scalar(block, avail)) << avail;
    }
  }
  char all[256 + 64] = {};
  for (int c = 0; c < 256; ++c) all[c] = char(c);
  for (size_t at = 0; at < 256; at += 64) {
    EXPECT_EQ(dict_detail::word_mask(all + at, 64), dict_detail::word_mask_scalar(all + at, 64));
  }
}

TEST(TermIndex, FastWordHashEqualsTheByteByByteHash) {
  struct { const char* label; std::string text; } rows[] = {
      {"short", "ab"}, {"seven", "Abcdefg"}, {"eight", "ABCDEFGH"}, {"nine", "abcdefghi"},
      {"digits", "E11 9x"}, {"sixteen", "abcdefghijklmnop"}, {"long", std::string(1000, 'Q') + " x"},
      {"at the end", "0123456789012345678"},
      {"short, more text after", "Abc defghijkl"}, {"one byte, more after", "x ray image"},
      {"seven, more after", "Abcdefg hijklmn"}, {"eight, more after", "AbcdefgH ijklmn"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    size_t end = 0;
    bool joined = false;
    uint64_t slow = dict_detail::word_hash(r.text, 0, &end, &joined);
    EXPECT_EQ(dict_detail::word_hash_fast(r.text, 0, end), slow);
  }
}

// The 64-byte tokenizer reports exactly what the byte-by-byte one does, in
// the same order, on random words and on hostile bytes, at every length
// around block edges.
TEST(TermIndex, BlockScanEqualsReferenceScan) {
  const char* terms[] = {"a", "ab", "abc", "z0", "09", "az", "aza", "za-az", "a a", "ab-ba", "zz", "abcdefgh",
                         "abcdefghi", "abcdefghijklmnopq", "heart failure", "end-stage renal disease", "pre-op"};
  TermIndex idx;
  unsigned id = 0;
  for (const char* t : terms) idx.add(t, id++);
  idx.finish();
  std::mt19937 rng(11);
  for (int round = 0; round < 400; ++round) {
    SCOPED_TRACE(round);
    std::string text;
    if (round % 2) {
      text = hostile_text(rng, rng() % 300);
    } else {
      size_t want = rng() % 400;
      while (text.size() < want) {
        text += terms[rng() % (sizeof terms / sizeof *terms)];
        text += " -\n,"[rng() % 4];
      }
    }
    std::string fast = hits(idx, text);
    EXPECT_EQ(fast, reference_hits(idx, text));
    if (round % 2 == 0 && text.size() > 20) {
      EXPECT_FALSE(fast.empty());  // random terms are found
    }
  }
}

// Terms are compared eight bytes at a time while the text spells them
// exactly; where the text differs (case, blank runs, line breaks, hyphens
// for blanks, another word) the byte-by-byte match() must decide as it
// alone would. Terms that the fast compare may not read (a capital, a
// blank run, a trailing blank) are mixed in.
TEST(TermIndex, EightByteCompareEqualsByteByByteMatch) {
  const std::vector<std::string> terms = {"end-stage renal disease", "type 2 diabetes mellitus", "type 2 diabetes insipidus",
                                          "abcdefgh ijklmnop", "abcdefghijklmnopqrstuvwx", "heart failure, acute",
                                          "x-ray of chest", "Capital Letters here", "double  blank term", "trailing blank ",
                                          "tab\tinside term", "member#12345678", "a.b.c.d.e.f.g.h.i", "aspirin",
                                          "x-ray", "ab cd", "mg", "abcdefg", "ab cdefg h"};
  TermIndex idx;
  for (size_t i = 0; i < terms.size(); ++i) idx.add(terms[i], unsigned(i));
  idx.finish();
  std::mt19937 rng(23);
  auto mutate = [&](std::string t) {
    for (char& c : t) {
      unsigned r = rng() % 16;
      if (r == 0 && c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
      else if (r == 1 && c == ' ') c = "\n\t-"[rng() % 3];
      else if (r == 2 && c == '-') c = ' ';
      else if (r == 3 && c >= 'a' && c <= 'z') c = char('a' + rng() % 26);
    }
    if (rng() % 8 == 0) t.insert(rng() % (t.size() + 1), rng() % 2 ? " " : "  ");
    if (rng() % 8 == 0) t.resize(rng() % (t.size() + 1));
    return t;
  };
  size_t found = 0;
  for (int round = 0; round < 3000; ++round) {
    SCOPED_TRACE(round);
    std::string text;
    while (text.size() < 120) text += mutate(terms[rng() % terms.size()]) + " ,\n."[rng() % 4];
    std::string fast = hits(idx, text);
    EXPECT_EQ(fast, reference_hits(idx, text));
    found += !fast.empty();
  }
  EXPECT_GT(found, 2000u);  // most texts hold a term spelled well enough
}

TEST(TermIndex, LongWordsAcrossBlocksEqualReferenceScan) {
  TermIndex idx;
  idx.add("ab", 1);
  idx.add("abc", 2);
  idx.add(std::string(70, 'a'), 3);
  idx.finish();
  for (size_t len : {size_t(62), size_t(63), size_t(64), size_t(65), size_t(70), size_t(127), size_t(128), size_t(129), size_t(200)}) {
    for (size_t lead = 0; lead < 70; lead += 3) {
      for (const char* tail : {" ab abc", "-ab abc", "", "x", "-"}) {
        std::string text = std::string(lead, ' ') + "ab " + std::string(len, 'a') + tail;
        SCOPED_TRACE(testing::Message() << "len " << len << " lead " << lead << " tail \"" << tail << "\"");
        std::string fast = hits(idx, text);
        EXPECT_EQ(fast, reference_hits(idx, text));
        EXPECT_NE(fast.find("1@" + std::to_string(lead) + "-"), std::string::npos);
      }
    }
  }
}

TEST(TermIndex, CollidingSlotsKeepEveryTermInOrder) {
  // Many first words fill the flat table; terms sharing a first word come out in add() order.
  TermIndex idx;
  for (unsigned i = 0; i < 3000; ++i) idx.add("w" + std::to_string(i), i);
  idx.add("w7 b", 5000);
  idx.add("w7 a", 5001);
  idx.add("w7", 5002);
  idx.finish();
  EXPECT_EQ(idx.size(), 3003u);
  EXPECT_EQ(hits(idx, "w2999 w0 w7 a"), "2999@0-5 0@6-8 7@9-11 5001@9-13 5002@9-11 ");
  EXPECT_EQ(hits(idx, "w3000 x7"), "");
}

}  // namespace
}  // namespace phi::policy
