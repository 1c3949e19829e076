// TermIndex: dictionary terms found by words and a hash table.
#include <gtest/gtest.h>

#include <string>

#include "policy/detectors_dict.h"

namespace phi::policy {
namespace {

std::string hits(const TermIndex& idx, std::string_view text) {
  std::string out;
  auto cb = [](void* ctx, unsigned id, size_t from, size_t to) {
    *static_cast<std::string*>(ctx) += std::to_string(id) + "@" + std::to_string(from) + "-" + std::to_string(to) + " ";
  };
  idx.scan(text, cb, &out);
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
  std::string text;
  for (int i = 0; i < 10000; ++i) text += "heart heart- -heart failure-";
  std::string out = hits(idx, text);
  EXPECT_FALSE(out.empty());
  std::string dashes(10000, '-'), letters(10000, 'a');
  EXPECT_EQ(hits(idx, dashes + letters + dashes), "");
}

}  // namespace
}  // namespace phi::policy
