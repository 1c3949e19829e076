// Tests for enforce_plan: per-recipient decisions -> message plan, facts, tag value and log line.
#include "policy/enforce_plan.h"

#include <gtest/gtest.h>

namespace phi::policy {
namespace {

Decision dec(Action a, std::string rule, std::string text = "", bool tag = false) {
  Decision d;
  d.action = a;
  d.rule = std::move(rule);
  d.text = std::move(text);
  d.tag = tag || a == Action::Tag;
  return d;
}

std::string join_idx(const std::vector<size_t>& v) {
  std::string s;
  for (auto i : v) s += (s.empty() ? "" : ",") + std::to_string(i);
  return s;
}

TEST(EnforcePlan, MessagePlanFromDecisions) {
  struct Row {
    const char* label;
    std::vector<Decision> in;
    Outcome outcome;
    std::string reply;  // "550 5.7.1 text" when refused
    std::string escrow, escrow_rule;
    bool quarantine, route_tls, tag;
  };
  const std::vector<Row> rows = {
      {"nothing to do", {dec(Action::Accept, "default")}, Outcome::Deliver, "", "", "", false, false, false},
      {"no recipients", {}, Outcome::Deliver, "", "", "", false, false, false},
      {"tag only", {dec(Action::Tag, "inbound")}, Outcome::Deliver, "", "", "", false, false, true},
      {"accept and tag", {dec(Action::Accept, "a", "", true)}, Outcome::Deliver, "", "", "", false, false, true},
      {"reject wins over everything",
       {dec(Action::RouteTls, "t"), dec(Action::Tempfail, "later"), dec(Action::Reject, "subj", "move it")},
       Outcome::Reject, "550 5.7.1 move it", "", "", false, false, false},
      {"tempfail with default text",
       {dec(Action::Escrow, "e"), dec(Action::Tempfail, "later")},
       Outcome::Tempfail, std::string("451 4.7.1 ") + kDefaultTempfailText, "", "", false, false, false},
      {"reject with default text", {dec(Action::Reject, "r")}, Outcome::Reject,
       std::string("550 5.7.1 ") + kDefaultRejectText, "", "", false, false, false},
      {"mixed: route-tls, escrow, escrow",
       {dec(Action::RouteTls, "phi-tls"), dec(Action::Escrow, "phi-insecure"), dec(Action::Escrow, "phi-insecure")},
       Outcome::Deliver, "", "1,2", "phi-insecure", false, true, false},
      {"escrow under two rules",
       {dec(Action::Escrow, "b"), dec(Action::Accept, "x"), dec(Action::Escrow, "a"), dec(Action::Escrow, "b")},
       Outcome::Deliver, "", "0,2,3", "b,a", false, false, false},
      {"quarantine holds the message, route-tls still added",
       {dec(Action::Quarantine, "hold", "why"), dec(Action::RouteTls, "t"), dec(Action::Quarantine, "hold2", "other")},
       Outcome::Deliver, "", "", "", true, true, false},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    auto p = plan_message(r.in, Mode::Enforce);
    EXPECT_EQ(p.outcome, r.outcome);
    EXPECT_EQ(p.outcome == Outcome::Deliver ? "" : p.smtp_code + " " + p.status_code + " " + p.text, r.reply);
    EXPECT_EQ(join_idx(p.escrow), r.escrow);
    EXPECT_EQ(p.escrow_rule, r.escrow_rule);
    EXPECT_EQ(p.quarantine, r.quarantine);
    EXPECT_EQ(p.route_tls, r.route_tls);
    EXPECT_EQ(p.tag, r.tag);
    EXPECT_TRUE(p.enforced);
  }
}

TEST(EnforcePlan, RefusalKeepsTheRulesCodes) {
  Decision d = dec(Action::Reject, "subject", "Move it into the body");
  d.smtp_code = "554";
  d.status_code = "5.7.9";
  auto p = plan_message({dec(Action::Accept, "a"), d}, Mode::Enforce);
  EXPECT_EQ(p.outcome, Outcome::Reject);
  EXPECT_EQ(p.smtp_code, "554");
  EXPECT_EQ(p.status_code, "5.7.9");
  EXPECT_EQ(p.refusing_rule, "subject");
}

TEST(EnforcePlan, QuarantineReasonIsTheFirstRulesTextOrItsName) {
  EXPECT_EQ(plan_message({dec(Action::Quarantine, "hold", "why"), dec(Action::Quarantine, "h2", "x")}, Mode::Enforce)
                .quarantine_reason,
            "why");
  EXPECT_EQ(plan_message({dec(Action::Quarantine, "hold")}, Mode::Enforce).quarantine_reason, "policy rule hold");
}

TEST(EnforcePlan, MonitorModeOnlyTags) {
  auto p = plan_message({dec(Action::Reject, "r"), dec(Action::Escrow, "e"), dec(Action::Quarantine, "q"),
                         dec(Action::RouteTls, "t"), dec(Action::Escrow, "e2")},
                        Mode::Monitor);
  EXPECT_FALSE(p.enforced);
  EXPECT_EQ(p.outcome, Outcome::Deliver);
  EXPECT_TRUE(p.escrow.empty());
  EXPECT_FALSE(p.quarantine);
  EXPECT_FALSE(p.route_tls);
  EXPECT_TRUE(p.tag);
  EXPECT_EQ(p.monitor_actions, (std::vector<std::string>{"reject", "escrow", "quarantine", "route-tls"}));
}

Decision local(Decision d) {
  d.local_delivery = true;
  return d;
}

// Only the MTA's transport name, exactly as listed, is local; no macro
// (empty) never is.
TEST(EnforcePlan, IsLocalTransport) {
  const std::vector<std::string> def = {"local", "virtual"};
  struct { const char* label; const char* mailer; std::vector<std::string> list; bool want; } rows[] = {
      {"local", "local", def, true},
      {"virtual", "virtual", def, true},
      {"smtp", "smtp", def, false},
      {"relay", "relay", def, false},
      {"lmtp not by default", "lmtp", def, false},
      {"lmtp when listed", "lmtp", {"local", "lmtp"}, true},
      {"no macro", "", def, false},
      {"no macro, empty item cannot match", "", {""}, false},
      {"empty list", "local", {}, false},
      {"case matters", "Local", def, false},
      {"no prefix match", "local2", def, false},
      {"no substring match", "loc", def, false},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    EXPECT_EQ(is_local_transport(r.mailer, r.list), r.want);
  }
}

// A local recipient decided accept/tag on a message that is routed over
// mandatory TLS would be sent round through SMTP: it is escrowed instead.
TEST(EnforcePlan, LocalRecipientsOfARoutedMessageAreEscrowed) {
  {
    auto p = plan_message({local(dec(Action::Accept, "phi-local", "", true)), dec(Action::Escrow, "phi-insecure")},
                          Mode::Enforce);
    EXPECT_EQ(join_idx(p.escrow), "1") << "no route-tls: the local recipient is delivered";
    EXPECT_TRUE(p.local_escrowed.empty());
    EXPECT_TRUE(p.tag);
  }
  {
    std::vector<Decision> d = {local(dec(Action::Accept, "phi-local", "", true)), dec(Action::RouteTls, "phi-tls"),
                               dec(Action::Escrow, "phi-insecure"), local(dec(Action::Tag, "t")),
                               local(dec(Action::Quarantine, "q")), local(dec(Action::RouteTls, "own"))};
    auto p = plan_message(d, Mode::Enforce);
    EXPECT_TRUE(p.route_tls);
    EXPECT_EQ(join_idx(p.escrow), "0,2,3");
    EXPECT_EQ(join_idx(p.local_escrowed), "0,3");
    EXPECT_EQ(p.escrow_rule, "phi-insecure,phi-local,t");
    EXPECT_TRUE(p.quarantine) << "a rule's own action stands";
    EXPECT_NE(format_policy_log(Direction::Outbound, Mode::Enforce, d, p).find(" routed=mandatory-tls local-escrowed=2"),
              std::string::npos);
  }
  {
    std::vector<Decision> d = {local(dec(Action::Accept, "phi-local", "", true)), dec(Action::RouteTls, "phi-tls")};
    auto p = plan_message(d, Mode::Monitor);
    EXPECT_TRUE(p.escrow.empty());
    EXPECT_TRUE(p.local_escrowed.empty());
    EXPECT_EQ(p.monitor_actions, (std::vector<std::string>{"escrow", "route-tls"})) << "shows what would happen";
  }
  {
    std::vector<Decision> d = {local(dec(Action::Accept, "phi-local", "", true)), dec(Action::Reject, "r")};
    auto p = plan_message(d, Mode::Enforce);
    EXPECT_EQ(p.outcome, Outcome::Reject);
    EXPECT_TRUE(p.escrow.empty());
  }
}

TEST(EnforcePlan, Facts) {
  Verdict v;
  v.phi = true;
  v.score = 0.9;
  v.categories = {{"ssn", 1}};
  v.phi_in_subject = true;
  v.uninspected = {{"2", "encrypted"}};
  auto m = message_facts(v, Direction::Outbound, "<Alice@Clinic.EXAMPLE>", "encrypted", "plaintext");
  Posture p;
  p.level = TlsLevel::Encrypt;
  p.mandatory = true;
  auto f = recipient_facts(m, "<bob@Partner.Example>", p);
  EXPECT_EQ(f.direction, Direction::Outbound);
  EXPECT_TRUE(f.phi);
  EXPECT_FALSE(f.pii);
  EXPECT_DOUBLE_EQ(f.score, 0.9);
  EXPECT_EQ(f.categories.at("ssn"), 1);
  EXPECT_TRUE(f.phi_in_subject);
  EXPECT_TRUE(f.has_uninspected);
  EXPECT_EQ(f.sender_domain, "clinic.example");
  EXPECT_EQ(f.recipient, "<bob@Partner.Example>");
  EXPECT_EQ(f.recipient_domain, "partner.example");
  EXPECT_TRUE(f.posture.mandatory);
  EXPECT_EQ(f.hop_tls, "encrypted");
  EXPECT_EQ(f.path_weakest, "plaintext");
  EXPECT_FALSE(f.local_delivery) << "not local unless the caller says so";
  EXPECT_TRUE(recipient_facts(m, "<bob@Partner.Example>", p, true).local_delivery);
  EXPECT_EQ(message_facts(v, Direction::Inbound, "<>", "unknown", "unknown").sender_domain, "");
}

TEST(EnforcePlan, TagValue) {
  Verdict v;
  v.phi = true;
  v.pii = true;
  v.score = 0.974;
  v.categories = {{"ssn", 1}, {"icd10", 2}, {"zero", 0}};
  Plan enforced;
  struct Row { const char* label; bool cats; bool monitor; std::string want; };
  const std::vector<Row> rows = {
      {"plain", false, false, "mx.example; phi=yes; pii=yes; score=0.97"},
      {"categories", true, false, "mx.example; phi=yes; pii=yes; score=0.97; categories=icd10,ssn"},
      {"monitor", false, true, "mx.example; phi=yes; pii=yes; score=0.97; mode=monitor; actions=escrow,route-tls"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    Plan p = r.monitor ? plan_message({dec(Action::Escrow, "e"), dec(Action::RouteTls, "t")}, Mode::Monitor) : enforced;
    EXPECT_EQ(format_tag_value("mx.example", v, r.cats, p), r.want);
  }
}

TEST(EnforcePlan, TagValueIsHeaderSafeAndBounded) {
  Verdict v;
  for (int i = 0; i < 10000; ++i) v.categories["cat\r\nX-Evil: " + std::to_string(i)] = 1;
  auto s = format_tag_value("mx\r\n.example", v, true, Plan{});
  EXPECT_EQ(s.find('\r'), std::string::npos);
  EXPECT_EQ(s.find('\n'), std::string::npos);
  EXPECT_LE(s.size(), kMaxTagBytes);
}

TEST(EnforcePlan, LogLineCountsActionsAndNamesRules) {
  std::vector<Decision> d = {dec(Action::RouteTls, "phi-tls"), dec(Action::Escrow, "phi-insecure"),
                             dec(Action::Escrow, "phi-insecure"), dec(Action::Accept, "")};
  auto p = plan_message(d, Mode::Enforce);
  EXPECT_EQ(format_policy_log(Direction::Outbound, Mode::Enforce, d, p),
            "direction=outbound mode=enforce rcpt=4 accept=1 route-tls=1 escrow=2 "
            "rules=phi-tls,phi-insecure,(none) routed=mandatory-tls");
  std::vector<Decision> r = {dec(Action::Reject, "phi-in-subject", "move it")};
  EXPECT_EQ(format_policy_log(Direction::Outbound, Mode::Enforce, r, plan_message(r, Mode::Enforce)),
            "direction=outbound mode=enforce rcpt=1 reject=1 rules=phi-in-subject outcome=reject 550 5.7.1 "
            "rule=phi-in-subject");
}

TEST(EnforcePlan, LogLineBoundsRuleNames) {
  std::vector<Decision> d;
  for (int i = 0; i < 10000; ++i) d.push_back(dec(Action::Accept, "r" + std::to_string(i)));
  auto s = format_policy_log(Direction::Inbound, Mode::Monitor, d, plan_message(d, Mode::Monitor));
  EXPECT_LT(s.size(), 400u);
  EXPECT_NE(s.find("rcpt=10000 accept=10000"), std::string::npos);
  EXPECT_NE(s.find(",..."), std::string::npos);
}

}  // namespace
}  // namespace phi::policy
