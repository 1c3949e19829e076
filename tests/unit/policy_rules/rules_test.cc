// Tests for rule evaluation: every condition, every action, first match wins, mixed recipients.
#include "policy/rules.h"

#include <gtest/gtest.h>

#include "policy/rules_parser.h"

namespace phi::policy {
namespace {

RuleSet rules_of(const std::string& text) {
  auto r = parse_rules(text, "t.policy");
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? std::move(*r) : RuleSet{};
}

Facts base_facts() {
  Facts f;
  f.direction = Direction::Outbound;
  f.sender_domain = "hospital.example";
  f.recipient = "a@partner.example";
  f.recipient_domain = "partner.example";
  f.hop_tls = "encrypted";
  f.path_weakest = "encrypted";
  return f;
}

TEST(Decide, EachConditionMatchesOnlyItsFact) {
  struct Row {
    const char* label;
    const char* cond;
    void (*make_true)(Facts&);
  } rows[] = {
      {"outbound", "outbound", [](Facts& f) { f.direction = Direction::Outbound; }},
      {"inbound", "inbound", [](Facts& f) { f.direction = Direction::Inbound; }},
      {"direction outbound", "direction outbound", [](Facts& f) { f.direction = Direction::Outbound; }},
      {"direction inbound", "direction INBOUND", [](Facts& f) { f.direction = Direction::Inbound; }},
      {"phi", "phi", [](Facts& f) { f.phi = true; }},
      {"pii", "pii", [](Facts& f) { f.pii = true; }},
      {"phi in subject", "phi-in-subject", [](Facts& f) { f.phi_in_subject = true; }},
      {"uninspected", "uninspected", [](Facts& f) { f.has_uninspected = true; }},
      {"tls mandatory", "tls-mandatory", [](Facts& f) { f.posture.mandatory = true; }},
      {"never secure", "never-secure", [](Facts& f) { f.posture.never_secure = true; }},
      {"local delivery", "local-delivery", [](Facts& f) { f.local_delivery = true; }},
      {"category any-of", "category ssn, icd10", [](Facts& f) { f.categories["icd10"] = 2; }},
      {"category star", "category *", [](Facts& f) { f.categories["npi"] = 1; }},
      {"score threshold equal", "score >= 0.75", [](Facts& f) { f.score = 0.75; }},
      {"sender domain exact", "sender-domain clinic.example", [](Facts& f) { f.sender_domain = "clinic.example"; }},
      {"sender domain suffix", "sender-domain .clinic.example", [](Facts& f) { f.sender_domain = "mx.clinic.example"; }},
      {"recipient domain", "recipient-domain gmail.com,yahoo.com", [](Facts& f) { f.recipient_domain = "yahoo.com"; }},
      {"hop tls", "hop-tls plaintext", [](Facts& f) { f.hop_tls = "plaintext"; }},
      {"path tls", "path-tls plaintext, unknown", [](Facts& f) { f.path_weakest = "unknown"; }},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    auto set = rules_of(std::string("rule hit if ") + r.cond + " then reject\nrule miss then accept\n");
    Facts no = base_facts();
    if (std::string(r.label).find("outbound") != std::string::npos) no.direction = Direction::Inbound;
    EXPECT_EQ(decide(set, no).rule, "miss");
    Facts yes = base_facts();
    r.make_true(yes);
    EXPECT_EQ(decide(set, yes).rule, "hit");
    auto neg = rules_of(std::string("rule hit if not ") + r.cond + " then reject\nrule miss then accept\n");
    EXPECT_EQ(decide(neg, yes).rule, "miss");
    EXPECT_EQ(decide(neg, no).rule, "hit");
  }
}

// local-delivery is only the fact the daemon filled in from the MTA's
// {rcpt_mailer}; nothing in the message or its recipient domain makes it
// true, and the Decision carries it along for the plan.
TEST(Decide, LocalDeliveryIsFalseUnlessTheFactSaysSo) {
  auto set = rules_of("rule local if outbound and local-delivery and phi then accept and tag\n"
                      "rule esc if outbound and phi then escrow\n");
  Facts f = base_facts();
  f.phi = true;
  f.recipient = "a@localhost";
  f.recipient_domain = "localhost";
  f.hop_tls = f.path_weakest = "internal";
  auto d = decide(set, f);
  EXPECT_EQ(d.rule, "esc");
  EXPECT_FALSE(d.local_delivery);
  f.local_delivery = true;
  d = decide(set, f);
  EXPECT_EQ(d.rule, "local");
  EXPECT_EQ(d.action, Action::Accept);
  EXPECT_TRUE(d.tag);
  EXPECT_TRUE(d.local_delivery);
  f.phi = false;
  EXPECT_TRUE(decide(set, f).local_delivery) << "also when no rule matched";
}

TEST(Decide, ScoreBelowThresholdAndZeroCountCategoryDoNotMatch) {
  auto set = rules_of("rule s if score >= 0.8 then reject\nrule c if category ssn then escrow\nrule d then accept\n");
  Facts f = base_facts();
  f.score = 0.79;
  f.categories["ssn"] = 0;
  EXPECT_EQ(decide(set, f).rule, "d");
}

TEST(Decide, TlsMandatoryIsFalseForNeverSecureEvenIfFlagged) {
  auto set = rules_of("rule m if tls-mandatory then route-tls\nrule d then escrow\n");
  Facts f = base_facts();
  f.posture.mandatory = true;
  f.posture.never_secure = true;
  EXPECT_EQ(decide(set, f).action, Action::Escrow);
}

TEST(Decide, AndBindsTighterThanOr) {
  auto set = rules_of("rule r if phi and pii or uninspected then escrow\nrule d then accept\n");
  struct { const char* label; bool phi, pii, unin; const char* want; } rows[] = {
      {"phi only", true, false, false, "d"},
      {"phi and pii", true, true, false, "r"},
      {"uninspected alone", false, false, true, "r"},
      {"pii only", false, true, false, "d"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    Facts f = base_facts();
    f.phi = r.phi;
    f.pii = r.pii;
    f.has_uninspected = r.unin;
    EXPECT_EQ(decide(set, f).rule, r.want);
  }
}

TEST(Decide, EveryActionAndItsParameters) {
  struct { const char* label; const char* action; Action want; bool tag; const char* smtp; const char* status; const char* text; } rows[] = {
      {"accept", "accept", Action::Accept, false, "", "", ""},
      {"accept and tag", "accept and tag", Action::Accept, true, "", "", ""},
      {"tag", "tag", Action::Tag, true, "", "", ""},
      {"escrow", "escrow", Action::Escrow, false, "", "", ""},
      {"route-tls", "route-tls", Action::RouteTls, false, "", "", ""},
      {"quarantine default reason", "quarantine", Action::Quarantine, false, "", "", "policy rule r"},
      {"quarantine reason", "quarantine \"PHI to unknown domain\"", Action::Quarantine, false, "", "", "PHI to unknown domain"},
      {"reject default", "reject", Action::Reject, false, "550", "5.7.1", "Message refused by the PHI encryption policy"},
      {"reject code and text", "reject 5.7.26 \"Use the portal\"", Action::Reject, false, "550", "5.7.26", "Use the portal"},
      {"reject smtp code", "reject 554 5.7.1 \"No\" and tag", Action::Reject, true, "554", "5.7.1", "No"},
      {"tempfail default", "tempfail", Action::Tempfail, false, "451", "4.7.1", "Message deferred by the PHI encryption policy, try again later"},
      {"tempfail text", "tempfail 450 4.7.0 \"later\"", Action::Tempfail, false, "450", "4.7.0", "later"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    auto set = rules_of(std::string("rule r then ") + r.action + "\n");
    auto d = decide(set, base_facts());
    EXPECT_EQ(d.action, r.want);
    EXPECT_EQ(d.rule, "r");
    EXPECT_EQ(d.tag, r.tag);
    EXPECT_EQ(d.smtp_code, r.smtp);
    EXPECT_EQ(d.status_code, r.status);
    EXPECT_EQ(d.text, r.text);
  }
}

TEST(Decide, FirstMatchWins) {
  auto set = rules_of(
      "rule first if phi then reject\n"
      "rule second if phi then escrow\n"
      "rule last then accept\n");
  Facts f = base_facts();
  f.phi = true;
  EXPECT_EQ(decide(set, f).rule, "first");
  EXPECT_EQ(decide(set, f).action, Action::Reject);
  f.phi = false;
  EXPECT_EQ(decide(set, f).rule, "last");
}

TEST(Decide, NoRuleMatchesMeansAcceptWithoutName) {
  auto set = rules_of("rule only if phi then escrow\n");
  auto d = decide(set, base_facts());
  EXPECT_EQ(d.action, Action::Accept);
  EXPECT_EQ(d.rule, "");
}

TEST(Decide, MixedRecipientsAreDecidedOneByOne) {
  auto set = rules_of(
      "rule phi-tls if outbound and phi and tls-mandatory then route-tls\n"
      "rule phi-webmail if outbound and phi and recipient-domain gmail.com then reject 5.7.1 \"no webmail\"\n"
      "rule phi-insecure if outbound and phi then escrow\n"
      "rule default then accept\n");
  struct { const char* label; const char* rcpt; bool mandatory; Action want; const char* rule; } rows[] = {
      {"mandatory TLS partner", "a@partner.example", true, Action::RouteTls, "phi-tls"},
      {"webmail", "b@gmail.com", false, Action::Reject, "phi-webmail"},
      {"opportunistic", "c@other.example", false, Action::Escrow, "phi-insecure"},
  };
  Facts msg = base_facts();
  msg.phi = true;
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    Facts f = msg;
    f.recipient = r.rcpt;
    f.recipient_domain = domain_of(r.rcpt);
    f.posture.mandatory = r.mandatory;
    auto d = decide(set, f);
    EXPECT_EQ(d.action, r.want);
    EXPECT_EQ(d.rule, r.rule);
  }
}

TEST(Format, ActionsAndModes) {
  EXPECT_STREQ(format_action(Action::RouteTls), "route-tls");
  EXPECT_STREQ(format_action(Action::Quarantine), "quarantine");
  EXPECT_STREQ(format_mode(Mode::Monitor), "monitor");
  EXPECT_STREQ(format_mode(Mode::Enforce), "enforce");
  EXPECT_STREQ(format_cond_kind(CondKind::PhiInSubject), "phi-in-subject");
  EXPECT_STREQ(format_cond_kind(CondKind::LocalDelivery), "local-delivery");
}

TEST(DomainOf, TakesTheLastAtAndFoldsCase) {
  struct { const char* label; const char* in; const char* want; } rows[] = {
      {"plain", "a@Example.ORG", "example.org"},
      {"angle brackets", "<a@b.example>", "b.example"},
      {"quoted local part with @", "\"x@y\"@c.example", "c.example"},
      {"trailing dot", "a@d.example.", "d.example"},
      {"no domain", "postmaster", ""},
      {"null sender", "<>", ""},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    EXPECT_EQ(domain_of(r.in), r.want);
  }
}

}  // namespace
}  // namespace phi::policy
