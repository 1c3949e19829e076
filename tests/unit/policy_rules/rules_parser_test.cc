// Tests for the policy-file parser: syntax accepted, every error path names file:line, limits.
#include "policy/rules_parser.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace phi::policy {
namespace {

TEST(ParseRules, AcceptsOneLineAndContinuedRulesWithComments) {
  auto r = parse_rules(
      "# leading comment\n"
      "\n"
      "rule one if outbound and phi then escrow\n"
      "rule two\n"
      "    # comment inside a rule\n"
      "    if category ssn,\n"
      "       icd10 , npi\n"
      "    then reject 5.7.1 \"a \\\"quoted\\\" \\\\ text\"\n"
      "RULE Three THEN ACCEPT\n",
      "t.policy");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->rules.size(), 3u);
  EXPECT_EQ(r->source, "t.policy");
  EXPECT_EQ(r->rules[0].name, "one");
  EXPECT_EQ(r->rules[0].line, 3u);
  EXPECT_EQ(r->rules[1].line, 4u);
  ASSERT_EQ(r->rules[1].any_of.size(), 1u);
  ASSERT_EQ(r->rules[1].any_of[0].size(), 1u);
  EXPECT_EQ(r->rules[1].any_of[0][0].words, (std::vector<std::string>{"ssn", "icd10", "npi"}));
  EXPECT_EQ(r->rules[1].text, "a \"quoted\" \\ text");
  EXPECT_EQ(r->rules[2].name, "Three");
  EXPECT_TRUE(r->rules[2].any_of.empty());
}

TEST(ParseRules, LocalDeliveryIsAFlagCondition) {
  auto r = parse_rules("rule a if outbound and Local-Delivery and phi\n"
                       "    or not local-delivery and uninspected then accept and tag\n",
                       "t.policy");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->rules[0].any_of.size(), 2u);
  EXPECT_EQ(r->rules[0].any_of[0][1].kind, CondKind::LocalDelivery);
  EXPECT_FALSE(r->rules[0].any_of[0][1].negated);
  EXPECT_EQ(r->rules[0].any_of[1][0].kind, CondKind::LocalDelivery);
  EXPECT_TRUE(r->rules[0].any_of[1][0].negated);
  EXPECT_EQ(r->rules[0].any_of[1][0].line, 2u);
  auto bad = parse_rules("rule a if local-delivery smtp then accept\n", "t.policy");
  ASSERT_FALSE(bad.ok()) << "takes no list";
  EXPECT_EQ(bad.error().message.rfind("t.policy:1: ", 0), 0u) << bad.error().message;
  EXPECT_FALSE(parse_rules("rule a if local then accept\n", "t.policy").ok());
}

TEST(ParseRules, ErrorsNameFileAndLine) {
  struct { const char* label; const char* text; const char* want; } rows[] = {
      {"empty file", "# nothing\n", "t.policy: no rules"},
      {"not a rule", "escrow everything\n", "t.policy:1: expected \"rule NAME ...\", got \"escrow\""},
      {"continuation first", "  if phi then escrow\n", "t.policy:1: continuation line without a rule"},
      {"missing name", "rule\n", "t.policy:1: rule without a name"},
      {"missing name before if", "rule if phi then escrow\n", "t.policy:1: rule without a name"},
      {"bad name", "rule bad/name then accept\n", "t.policy:1: bad rule name \"bad/name\""},
      {"keyword as name", "rule not then accept\n", "t.policy:1: bad rule name \"not\""},
      {"quoted name", "rule \"x\" then accept\n", "t.policy:1: bad rule name \"x\""},
      {"duplicate name", "rule a then accept\n\nrule A then escrow\n", "t.policy:3: duplicate rule name \"A\" (first at line 1)"},
      {"no then", "rule a if phi\n", "t.policy:1: rule \"a\" has no \"then ACTION\""},
      {"no then in block", "rule a\n  if phi\n  and pii\n", "t.policy:3: rule \"a\" has no \"then ACTION\""},
      {"junk before then", "rule a if phi pii then escrow\n", "t.policy:1: expected \"and\", \"or\" or \"then\", got \"pii\""},
      {"empty condition", "rule a if then escrow\n", "t.policy:1: condition missing before \"then\""},
      {"dangling and", "rule a if phi and\n", "t.policy:1: condition missing before the end of the rule"},
      {"unknown condition", "rule a\n  if outbound and phl\n  then escrow\n", "t.policy:2: unknown condition \"phl\""},
      {"quoted condition", "rule a if \"phi\" then escrow\n", "t.policy:1: quoted text where a condition was expected"},
      {"not at end", "rule a if not\n", "t.policy:1: condition missing after \"not\""},
      {"bad direction", "rule a if direction sideways then accept\n", "t.policy:1: direction needs inbound or outbound"},
      {"score without >=", "rule a if score 0.5 then escrow\n", "t.policy:1: score needs \">= NUMBER\""},
      {"score missing number", "rule a if score >=\n", "t.policy:1: score needs \">= NUMBER\""},
      {"bad number", "rule a if score >= high then escrow\n", "t.policy:1: bad number \"high\" after score >="},
      {"negative number", "rule a if score >= -1 then escrow\n", "t.policy:1: bad number \"-1\""},
      {"number with junk", "rule a if score >= 0.5x then escrow\n", "t.policy:1: bad number \"0.5x\""},
      {"nan", "rule a if score >= nan then escrow\n", "t.policy:1: bad number \"nan\""},
      {"score above 1 (a percentage)", "rule a\n  if phi and score >= 80\n  then escrow\n",
       "t.policy:2: score >= 80 can never match: the score is between 0 and 1"},
      {"score just above 1", "rule a if score >= 1.01 then escrow\n", "t.policy:1: score >= 1.01 can never match"},
      {"empty category list", "rule a if category then escrow\n", "t.policy:1: category needs a list of values"},
      {"bad category", "rule a if category ss$n then escrow\n", "t.policy:1: category: \"ss$n\" is not a category name"},
      {"bad tls state", "rule a if hop-tls encrypted,weak then escrow\n", "t.policy:1: hop-tls: \"weak\" is not one of"},
      {"bad path state", "rule a if path-tls tls then escrow\n", "t.policy:1: path-tls: \"tls\" is not one of"},
      {"bad domain", "rule a if recipient-domain 10.0.0.0/8 then escrow\n", "t.policy:1: recipient-domain: \"10.0.0.0/8\" is not a domain name"},
      {"bad sender domain", "rule a if sender-domain a..b then escrow\n", "t.policy:1: sender-domain: \"a..b\" is not a domain name"},
      {"missing action", "rule a if phi then\n", "t.policy:1: action missing after \"then\""},
      {"bad action", "rule a\n  if phi\n  then encrypt\n", "t.policy:3: unknown action \"encrypt\""},
      {"quoted action", "rule a then \"accept\"\n", "t.policy:1: quoted text where an action was expected"},
      {"junk after action", "rule a then escrow now\n", "t.policy:1: unexpected \"now\" after the action"},
      {"and not tag", "rule a then escrow and reject\n", "t.policy:1: only \"and tag\" may follow an action"},
      {"reject wrong class", "rule a then reject 451 \"x\"\n", "t.policy:1: bad SMTP reply code \"451\" (expected 5XX)"},
      {"reject not 5.7", "rule a then reject 5.1.1 \"x\"\n", "t.policy:1: bad enhanced status code \"5.1.1\" (expected 5.7.N)"},
      {"reject code too long", "rule a then reject 5.7.1234\n", "t.policy:1: bad enhanced status code \"5.7.1234\""},
      {"tempfail wrong class", "rule a then tempfail 5.7.1\n", "t.policy:1: bad enhanced status code \"5.7.1\" (expected 4.7.N)"},
      {"unquoted text", "rule a then reject 5.7.1 no way\n", "t.policy:1: unexpected \"no\" after the action"},
      {"empty text", "rule a then reject \"\"\n", "t.policy:1: empty quoted text"},
      {"control char in text", "rule a then quarantine \"a\tb\"\n", "t.policy:1: quoted text must be printable ASCII"},
      {"8-bit text", "rule a then reject \"caf\xc3\xa9\"\n", "t.policy:1: quoted text must be printable ASCII"},
      {"unterminated", "rule a then reject \"open\n", "t.policy:1: unterminated quoted text"},
      {"unterminated in block", "rule a\n  then reject 5.7.1 \"open\n", "t.policy:2: unterminated quoted text"},
      {"quote inside word", "rule a then reject x\"y\"\n", "t.policy:1: '\"' inside a word"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    auto got = parse_rules(r.text, "t.policy");
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().message.rfind(r.want, 0), 0u) << "got: " << got.error().message;
  }
}

TEST(ParseRules, ScoreBoundsAreAccepted) {
  for (const char* n : {"0", "0.5", "1", "1.0"}) {
    SCOPED_TRACE(n);
    auto got = parse_rules(std::string("rule a if score >= ") + n + " then escrow\n", "t.policy");
    EXPECT_TRUE(got.ok()) << got.error().message;
  }
}

// A category the classifier does not have would never match: refused with
// the line it is on and the names that exist; "*" is always valid.
TEST(CheckCategories, UnknownNamesAreRefusedWithTheirLine) {
  const std::vector<std::string> known = {"icd10", "site_mrn", "ssn"};
  auto ok = parse_rules("rule a if category ssn, site_mrn or category * then escrow\nrule b then accept\n", "t.policy");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_TRUE(check_categories(*ok, known).ok());
  struct { const char* label; const char* text; const char* want; } rows[] = {
      {"misspelt", "rule a if category snn then reject\n", "t.policy:1: unknown category \"snn\" (known: icd10, site_mrn, ssn)"},
      {"second of a list", "rule a if category ssn, icd9 then reject\n", "t.policy:1: unknown category \"icd9\""},
      {"on a continuation line", "rule ok then accept\nrule a\n  if phi\n  or category SNN\n  then reject\n",
       "t.policy:4: unknown category \"snn\""},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    auto set = parse_rules(r.text, "t.policy");
    ASSERT_TRUE(set.ok()) << set.error().message;
    auto got = check_categories(*set, known);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().message.rfind(r.want, 0), 0u) << "got: " << got.error().message;
  }
}

TEST(ParseRules, LongTextIsRefused) {
  auto got = parse_rules("rule a then reject \"" + std::string(kMaxReplyText + 1, 'x') + "\"\n", "t.policy");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().message, "t.policy:1: quoted text longer than 200 bytes");
  auto ok = parse_rules("rule a then reject \"" + std::string(kMaxReplyText, 'x') + "\"\n", "t.policy");
  EXPECT_TRUE(ok.ok());
}

TEST(ParseRules, LimitsOnLinesTokensRulesAndSize) {
  struct { const char* label; std::string text; const char* want; } rows[] = {
      {"overlong line", "rule a then accept " + std::string(kMaxLineBytes, 'x') + "\n", "t.policy:1: line longer than"},
      {"too many words", [] {
         std::string s = "rule a if phi";
         for (size_t i = 0; i < kMaxRuleTokens; ++i) s += "\n  and phi";
         return s + "\n  then escrow\n";
       }(), "t.policy:"},
      {"too many rules", [] {
         std::string s;
         for (size_t i = 0; i <= kMaxRules; ++i) s += "rule r" + std::to_string(i) + " then accept\n";
         return s;
       }(), "t.policy:10001: more than 10000 rules"},
      {"too large", std::string(kMaxPolicyBytes + 1, '#'), "t.policy: larger than 1 MiB"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    auto got = parse_rules(r.text, "t.policy");
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().message.rfind(r.want, 0), 0u) << "got: " << got.error().message.substr(0, 200);
  }
}

TEST(ParseRules, TenThousandRepeatsOfHostileInputStayLinear) {
  struct { const char* label; std::string unit; } rows[] = {
      {"quotes", "\"\\"},
      {"commas", ","},
      {"nots", "not "},
      {"continuations", "\n "},
      {"or chains", " or phi"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    std::string text = "rule a if category x";
    for (int i = 0; i < 10000; ++i) text += r.unit;
    text += " then escrow\n";
    auto got = parse_rules(text, "t.policy");  // ok or error, but returns
    if (got) {
      EXPECT_EQ(got->rules.size(), 1u);
    }
  }
  std::string many;
  for (int i = 0; i < 10000; ++i) many += "rule r" + std::to_string(i) + " if category a, b or score >= 1 then escrow\n";
  auto got = parse_rules(many, "t.policy");
  ASSERT_TRUE(got.ok()) << got.error().message;
  Facts f;
  EXPECT_EQ(decide(*got, f).rule, "");
}

TEST(LoadRules, ReadsAFileAndNamesItInErrors) {
  std::string path = ::testing::TempDir() + "/policy_rules_load.policy";
  {
    std::ofstream out(path);
    out << "rule ok then accept\nrule bad then frobnicate\n";
  }
  auto got = load_rules(path);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().message, path + ":2: unknown action \"frobnicate\"");
  std::remove(path.c_str());
  auto missing = load_rules("/nonexistent/x.policy");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message.rfind("/nonexistent/x.policy: cannot open", 0), 0u);
}

}  // namespace
}  // namespace phi::policy
