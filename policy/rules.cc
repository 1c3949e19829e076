// rules - evaluate the ordered policy for one recipient (see rules.h).
#include "policy/rules.h"

#include <algorithm>

namespace phi::policy {
namespace {

bool any_word(const std::vector<std::string>& words, const std::string& value) {
  return std::find(words.begin(), words.end(), value) != words.end();
}

bool any_category(const std::vector<std::string>& words, const std::map<std::string, int>& cats) {
  for (const auto& w : words) {
    if (w == "*") {
      for (const auto& [name, n] : cats)
        if (n > 0) return true;
      continue;
    }
    auto it = cats.find(w);
    if (it != cats.end() && it->second > 0) return true;
  }
  return false;
}

bool holds(const Cond& c, const Facts& f) {
  switch (c.kind) {
    case CondKind::Outbound: return f.direction == Direction::Outbound;
    case CondKind::Inbound: return f.direction == Direction::Inbound;
    case CondKind::Phi: return f.phi;
    case CondKind::Pii: return f.pii;
    case CondKind::PhiInSubject: return f.phi_in_subject;
    case CondKind::Uninspected: return f.has_uninspected;
    case CondKind::TlsMandatory: return f.posture.mandatory && !f.posture.never_secure;
    case CondKind::NeverSecure: return f.posture.never_secure;
    case CondKind::LocalDelivery: return f.local_delivery;
    case CondKind::Category: return any_category(c.words, f.categories);
    case CondKind::ScoreAtLeast: return f.score >= c.number;
    case CondKind::SenderDomain: return c.domains.contains(f.sender_domain);
    case CondKind::RecipientDomain: return c.domains.contains(f.recipient_domain);
    case CondKind::HopTls: return any_word(c.words, f.hop_tls);
    case CondKind::PathTls: return any_word(c.words, f.path_weakest);
    case CondKind::Always: return true;
  }
  return false;
}

bool rule_matches(const Rule& r, const Facts& f) {
  if (r.any_of.empty()) return true;
  for (const auto& all : r.any_of) {
    bool ok = true;
    for (const auto& c : all)
      if (!matches(c, f)) { ok = false; break; }
    if (ok) return true;
  }
  return false;
}

}  // namespace

bool matches(const Cond& c, const Facts& f) { return holds(c, f) != c.negated; }

Decision decide(const RuleSet& rules, const Facts& facts) {
  for (const auto& r : rules.rules) {
    if (!rule_matches(r, facts)) continue;
    Decision d;
    d.action = r.action;
    d.rule = r.name;
    d.tag = r.tag || r.action == Action::Tag;
    d.smtp_code = r.smtp_code;
    d.status_code = r.status_code;
    d.text = r.text;
    d.local_delivery = facts.local_delivery;
    return d;
  }
  Decision none;
  none.local_delivery = facts.local_delivery;
  return none;
}

const char* format_action(Action a) {
  switch (a) {
    case Action::Accept: return "accept";
    case Action::Tag: return "tag";
    case Action::Quarantine: return "quarantine";
    case Action::Reject: return "reject";
    case Action::Tempfail: return "tempfail";
    case Action::Escrow: return "escrow";
    case Action::RouteTls: return "route-tls";
  }
  return "accept";
}

const char* format_mode(Mode m) { return m == Mode::Monitor ? "monitor" : "enforce"; }

const char* format_cond_kind(CondKind k) {
  switch (k) {
    case CondKind::Outbound: return "outbound";
    case CondKind::Inbound: return "inbound";
    case CondKind::Phi: return "phi";
    case CondKind::Pii: return "pii";
    case CondKind::PhiInSubject: return "phi-in-subject";
    case CondKind::Uninspected: return "uninspected";
    case CondKind::TlsMandatory: return "tls-mandatory";
    case CondKind::NeverSecure: return "never-secure";
    case CondKind::LocalDelivery: return "local-delivery";
    case CondKind::Category: return "category";
    case CondKind::ScoreAtLeast: return "score";
    case CondKind::SenderDomain: return "sender-domain";
    case CondKind::RecipientDomain: return "recipient-domain";
    case CondKind::HopTls: return "hop-tls";
    case CondKind::PathTls: return "path-tls";
    case CondKind::Always: return "always";
  }
  return "always";
}

}  // namespace phi::policy
