// Tests for the shipped policy/data/default.policy: what happens to typical messages.
#include <gtest/gtest.h>

#include <fstream>

#include "policy/rules_parser.h"

namespace phi::policy {
namespace {

RuleSet shipped() {
  auto r = load_rules(std::string(PHI_SRCDIR) + "/policy/data/default.policy");
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? std::move(*r) : RuleSet{};
}

TEST(DefaultPolicy, DecidesTypicalMessages) {
  RuleSet set = shipped();
  ASSERT_FALSE(set.rules.empty());
  EXPECT_EQ(set.rules.front().name, "phi-in-subject");  // order matters: the Subject rule comes first
  struct Row {
    const char* label;
    Direction dir;
    bool phi, pii, subject, uninspected, mandatory, never;
    int categories;
    Action want;
    const char* rule;
  } rows[] = {
      {"phi in subject, mandatory tls", Direction::Outbound, true, true, true, false, true, false, 1, Action::Reject, "phi-in-subject"},
      {"phi to mandatory tls", Direction::Outbound, true, true, false, false, true, false, 2, Action::RouteTls, "phi-tls"},
      {"phi to opportunistic", Direction::Outbound, true, false, false, false, false, false, 2, Action::Escrow, "phi-insecure"},
      {"phi to never-secure", Direction::Outbound, true, false, false, false, true, true, 2, Action::Escrow, "phi-insecure"},
      {"uninspected with pii, opportunistic", Direction::Outbound, false, true, false, true, false, false, 0, Action::Escrow, "uninspected-insecure"},
      {"uninspected with health term, opportunistic", Direction::Outbound, false, false, false, true, false, false, 1, Action::Escrow, "uninspected-insecure"},
      {"uninspected with pii, mandatory", Direction::Outbound, false, true, false, true, true, false, 0, Action::RouteTls, "uninspected-tls"},
      {"uninspected with pii, never-secure", Direction::Outbound, false, true, false, true, true, true, 0, Action::Escrow, "uninspected-insecure"},
      {"uninspected, nothing found", Direction::Outbound, false, false, false, true, false, false, 0, Action::Accept, "uninspected-clean"},
      {"clean outbound", Direction::Outbound, false, false, false, false, false, false, 0, Action::Accept, "default"},
      {"pii only outbound", Direction::Outbound, false, true, false, false, false, false, 0, Action::Accept, "default"},
      {"inbound phi", Direction::Inbound, true, true, true, true, false, false, 3, Action::Tag, "inbound"},
      {"inbound clean", Direction::Inbound, false, false, false, false, false, false, 0, Action::Tag, "inbound"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    Facts f;
    f.direction = r.dir;
    f.phi = r.phi;
    f.pii = r.pii;
    f.phi_in_subject = r.subject;
    f.has_uninspected = r.uninspected;
    f.posture.mandatory = r.mandatory && !r.never;
    f.posture.never_secure = r.never;
    if (r.categories) f.categories["diagnosis_term"] = r.categories;
    auto d = decide(set, f);
    EXPECT_EQ(d.rule, r.rule);
    EXPECT_EQ(d.action, r.want) << format_action(d.action);
  }
}

// A recipient the MTA delivers on this host gets outbound PHI (and mail
// treated as PHI) delivered and tagged instead of escrowed or routed; the
// Subject rule and everything else stay as for a remote recipient.
TEST(DefaultPolicy, LocalRecipientsGetPhiDeliveredAndTagged) {
  RuleSet set = shipped();
  struct Row {
    const char* label;
    Direction dir;
    bool phi, pii, subject, uninspected, mandatory;
    int categories;
    Action want;
    bool tag;
    const char* rule;
  } rows[] = {
      {"phi, opportunistic", Direction::Outbound, true, true, false, false, false, 2, Action::Accept, true, "phi-local"},
      {"phi, mandatory", Direction::Outbound, true, true, false, false, true, 2, Action::Accept, true, "phi-local"},
      {"uninspected with pii", Direction::Outbound, false, true, false, true, false, 0, Action::Accept, true, "phi-local"},
      {"uninspected with a health term", Direction::Outbound, false, false, false, true, false, 1, Action::Accept, true, "phi-local"},
      {"uninspected, nothing found", Direction::Outbound, false, false, false, true, false, 0, Action::Accept, true, "uninspected-clean"},
      {"phi in subject still refused", Direction::Outbound, true, true, true, false, false, 1, Action::Reject, false, "phi-in-subject"},
      {"clean", Direction::Outbound, false, false, false, false, false, 0, Action::Accept, false, "default"},
      {"inbound phi", Direction::Inbound, true, true, false, false, false, 1, Action::Tag, true, "inbound"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    Facts f;
    f.direction = r.dir;
    f.phi = r.phi;
    f.pii = r.pii;
    f.phi_in_subject = r.subject;
    f.has_uninspected = r.uninspected;
    f.posture.mandatory = r.mandatory;
    if (r.categories) f.categories["diagnosis_term"] = r.categories;
    f.local_delivery = true;
    auto d = decide(set, f);
    EXPECT_EQ(d.rule, r.rule);
    EXPECT_EQ(d.action, r.want) << format_action(d.action);
    EXPECT_EQ(d.tag, r.tag);
    f.local_delivery = false;
    if (std::string(r.rule) == "phi-local") {
      EXPECT_NE(decide(set, f).rule, "phi-local") << "not without the fact";
    }
  }
}

TEST(DefaultPolicy, SubjectRejectionTellsTheSenderWhatToDo) {
  RuleSet set = shipped();
  Facts f;
  f.direction = Direction::Outbound;
  f.phi = f.phi_in_subject = true;
  auto d = decide(set, f);
  EXPECT_EQ(d.smtp_code, "550");
  EXPECT_EQ(d.status_code, "5.7.1");
  EXPECT_NE(d.text.find("move it into the message body"), std::string::npos) << d.text;
}

TEST(DefaultPolicy, PathFallsBackToTheSourceTree) {
  auto p = default_policy_path();
  EXPECT_NE(p.find("default.policy"), std::string::npos);
  EXPECT_TRUE(load_rules(p).ok());
}

// Every ".B rule ..." example in phimilter.conf(5) is a valid rule.
TEST(DefaultPolicy, ManPageExamplesParse) {
  std::ifstream in(std::string(PHI_SRCDIR) + "/man/phimilter.conf.5");
  ASSERT_TRUE(in.good());
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    if (line.rfind(".B rule ", 0) != 0 || line.find("\\f") != std::string::npos) continue;  // not the synopsis
    std::string rule = line.substr(3);
    for (size_t p; (p = rule.find("\"\"\"")) != std::string::npos;) rule.replace(p, 3, "\"");
    SCOPED_TRACE(rule);
    auto r = parse_rules(rule + "\n", "phimilter.conf.5");
    EXPECT_TRUE(r.ok()) << r.error().message;
    ++n;
  }
  EXPECT_GE(n, 20);
}

}  // namespace
}  // namespace phi::policy
