// enforce_plan - per-recipient decisions -> one message plan, tag and log text (see enforce_plan.h).
#include "policy/enforce_plan.h"

#include <algorithm>
#include <cstdio>

#include "milter/util/sanitize.h"

namespace phi::policy {
namespace {

// Appends s unless present; keeps at most kMaxLoggedRules + 1 items (the
// last one only marks "more"), so that many recipients stay linear.
void add_unique(std::vector<std::string>& v, const std::string& s) {
  if (v.size() > kMaxLoggedRules) return;
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

std::string join(const std::vector<std::string>& v, size_t max_items) {
  std::string out;
  for (size_t i = 0; i < v.size() && i < max_items; ++i) out += (i ? "," : "") + v[i];
  if (v.size() > max_items) out += ",...";
  return out;
}

// The first reject (else the first tempfail) refuses the whole message.
bool plan_refusal(const std::vector<Decision>& decisions, Plan& p) {
  for (Action want : {Action::Reject, Action::Tempfail}) {
    for (const auto& d : decisions) {
      if (d.action != want) continue;
      const bool rej = want == Action::Reject;
      p.outcome = rej ? Outcome::Reject : Outcome::Tempfail;
      p.smtp_code = d.smtp_code.empty() ? (rej ? "550" : "451") : d.smtp_code;
      p.status_code = d.status_code.empty() ? (rej ? "5.7.1" : "4.7.1") : d.status_code;
      p.text = d.text.empty() ? (rej ? kDefaultRejectText : kDefaultTempfailText) : d.text;
      p.refusing_rule = d.rule;
      return true;
    }
  }
  return false;
}

// A recipient delivered on this host that would stay in the delivered copy
// without an action of its own (accept, tag).
bool local_in_routed_copy(const Decision& d) {
  return d.local_delivery && (d.action == Action::Accept || d.action == Action::Tag);
}

}  // namespace

Facts message_facts(const Verdict& v, Direction d, std::string_view sender, std::string_view hop_tls,
                    std::string_view path_weakest) {
  Facts f;
  f.direction = d;
  f.phi = v.phi;
  f.pii = v.pii;
  f.score = v.score;
  f.categories = v.categories;
  f.phi_in_subject = v.phi_in_subject;
  f.has_uninspected = !v.uninspected.empty();
  f.sender_domain = domain_of(sender);
  f.hop_tls = std::string(hop_tls);
  f.path_weakest = std::string(path_weakest);
  return f;
}

Facts recipient_facts(const Facts& message, std::string_view recipient, const Posture& posture, bool local_delivery) {
  Facts f = message;
  f.recipient = std::string(recipient);
  f.recipient_domain = domain_of(recipient);
  f.posture = posture;
  f.local_delivery = local_delivery;
  return f;
}

bool is_local_transport(std::string_view rcpt_mailer, const std::vector<std::string>& local_transports) {
  if (rcpt_mailer.empty()) return false;
  return std::find(local_transports.begin(), local_transports.end(), rcpt_mailer) != local_transports.end();
}

Plan plan_message(const std::vector<Decision>& decisions, Mode mode) {
  Plan p;
  if (mode == Mode::Monitor) {
    p.enforced = false;
    p.tag = true;
    const bool routed = std::any_of(decisions.begin(), decisions.end(),
                                    [](const Decision& d) { return d.action == Action::RouteTls; });
    for (const auto& d : decisions)
      add_unique(p.monitor_actions, format_action(routed && local_in_routed_copy(d) ? Action::Escrow : d.action));
    return p;
  }
  if (plan_refusal(decisions, p)) return p;
  std::vector<std::string> escrow_rules;
  for (size_t i = 0; i < decisions.size(); ++i) {
    const auto& d = decisions[i];
    if (d.tag) p.tag = true;
    switch (d.action) {
      case Action::Escrow:
        p.escrow.push_back(i);
        add_unique(escrow_rules, d.rule);
        break;
      case Action::Quarantine:
        if (!p.quarantine) p.quarantine_reason = d.text.empty() ? "policy rule " + d.rule : d.text;
        p.quarantine = true;
        break;
      case Action::RouteTls: p.route_tls = true; break;
      default: break;  // accept, tag; reject/tempfail were handled above
    }
  }
  if (p.route_tls) {
    // The route-tls header sends the whole copy through SMTP: a local
    // mailbox in it would loop back to this host and bounce.
    for (size_t i = 0; i < decisions.size(); ++i) {
      if (!local_in_routed_copy(decisions[i])) continue;
      p.local_escrowed.push_back(i);
      add_unique(escrow_rules, decisions[i].rule.empty() ? "(none)" : decisions[i].rule);
    }
    if (!p.local_escrowed.empty()) {
      p.escrow.insert(p.escrow.end(), p.local_escrowed.begin(), p.local_escrowed.end());
      std::sort(p.escrow.begin(), p.escrow.end());
    }
  }
  p.escrow_rule = join(escrow_rules, kMaxLoggedRules);
  return p;
}

std::string format_tag_value(std::string_view authserv_id, const Verdict& v, bool show_categories, const Plan& plan) {
  char score[32];
  std::snprintf(score, sizeof score, "%.2f", v.score);
  std::string out = std::string(authserv_id) + "; phi=" + (v.phi ? "yes" : "no") + "; pii=" + (v.pii ? "yes" : "no") +
                    "; score=" + score;
  if (show_categories && !v.categories.empty()) {
    std::vector<std::string> names;
    for (const auto& [name, n] : v.categories)
      if (n > 0) names.push_back(name);
    if (!names.empty()) out += "; categories=" + join(names, 64);
  }
  if (!plan.enforced) out += "; mode=monitor; actions=" + (plan.monitor_actions.empty() ? "none" : join(plan.monitor_actions, 16));
  return sanitize_header_text(out, kMaxTagBytes);
}

std::string format_policy_log(Direction d, Mode mode, const std::vector<Decision>& decisions, const Plan& plan) {
  std::string out = std::string("direction=") + format_direction(d) + " mode=" + format_mode(mode) +
                    " rcpt=" + std::to_string(decisions.size());
  for (Action a : {Action::Accept, Action::Tag, Action::RouteTls, Action::Escrow, Action::Quarantine,
                   Action::Reject, Action::Tempfail}) {
    auto n = std::count_if(decisions.begin(), decisions.end(), [a](const Decision& x) { return x.action == a; });
    if (n > 0) out += std::string(" ") + format_action(a) + "=" + std::to_string(n);
  }
  std::vector<std::string> rules;
  for (const auto& x : decisions) add_unique(rules, x.rule.empty() ? "(none)" : x.rule);
  out += " rules=" + (rules.empty() ? std::string("(none)") : join(rules, kMaxLoggedRules));
  if (plan.outcome != Outcome::Deliver)
    out += std::string(" outcome=") + (plan.outcome == Outcome::Reject ? "reject " : "tempfail ") + plan.smtp_code +
           " " + plan.status_code + " rule=" + plan.refusing_rule;
  if (plan.quarantine) out += " held=yes";
  if (plan.route_tls) out += " routed=mandatory-tls";
  if (!plan.local_escrowed.empty()) out += " local-escrowed=" + std::to_string(plan.local_escrowed.size());
  return out;
}

}  // namespace phi::policy
