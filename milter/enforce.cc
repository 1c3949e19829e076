// enforce - per-recipient policy decisions and their actions at end of message.
#include <algorithm>
#include <optional>

#include "milter/log.h"
#include "milter/provenance/hop_header.h"
#include "milter/session.h"
#include "milter/util/strings.h"
#include "policy/direction.h"

namespace phi {
namespace {

// This hop's TLS state (the current hop is first and built from macros).
std::string hop_tls_of(const MessageReport& r) {
  if (!r.hops.empty() && r.hops.front().source == provenance::HopSource::Macros)
    return std::string(provenance::tls_state_name(r.hops.front().tls));
  return "unknown";
}

// One decision per recipient; an error when a TLS posture lookup fails.
// mailers[i] is recipient i's {rcpt_mailer} ("" = none: not local).
Result<std::vector<policy::Decision>> decide_recipients(const Config& cfg, const std::string& qid,
                                                        const std::vector<std::string>& recipients,
                                                        const std::vector<std::string>& mailers,
                                                        const policy::Facts& base) {
  std::vector<policy::Decision> decisions;
  std::optional<policy::PostureCache> cache;
  if (cfg.tls_posture) cache.emplace(*cfg.tls_posture);
  for (size_t i = 0; i < recipients.size(); ++i) {
    const auto& rcpt = recipients[i];
    const bool local = i < mailers.size() && policy::is_local_transport(mailers[i], cfg.settings.LocalTransports);
    policy::Posture posture;
    const auto domain = policy::domain_of(rcpt);
    if (cache) {
      auto p = cache->get(domain);
      if (!p) return Error{"TLS posture lookup failed for domain " + domain + ": " + p.error().message};
      posture = *p;
    }
    const auto& d = decisions.emplace_back(policy::decide(*cfg.rules, policy::recipient_facts(base, rcpt, posture, local)));
    // The domain only: a local part can itself identify a patient.
    log_line(LogLevel::Debug, qid, "policy",
             "recipient domain=" + (domain.empty() ? std::string("(none)") : domain) +
                 " tls=" + policy::format_tls_level(posture.level) + (posture.mandatory ? "/mandatory" : "") +
                 (posture.never_secure ? "/never-secure" : "") + (local ? " delivery=local" : "") +
                 " action=" + policy::format_action(d.action) +
                 " rule=" + (d.rule.empty() ? "(none)" : d.rule));
  }
  return decisions;
}

}  // namespace

// Test mode without -D has no client: inbound.
policy::Direction Session::direction() const {
  if (!connected_) return policy::Direction::Inbound;
  const policy::ClientInfo client{macros_.client_addr, macros_.client_name, macros_.auth_authen};
  if (cfg_->internal_networks &&
      policy::decide_direction(*cfg_->internal_networks, client) == policy::Direction::Outbound)
    return policy::Direction::Outbound;
  return policy::decide_direction(cfg_->internal_hosts, client);
}

void Session::note_tag_header(Message& m, std::string_view name, std::string_view value) {
  if (!iequals(name, cfg_->settings.TagHeader)) return;
  ++m.tag_headers;
  auto id = trim(value.substr(0, value.find(';')));
  bool ours = iequals(id, cfg_->authserv_id) || iequals(id, provenance::format_authserv_id(cfg_->authserv_id));
  if (ours && m.forged_tags.size() < kMaxHeaderCount) m.forged_tags.push_back(m.tag_headers);
}

Status Session::remove_forged_tags(Mta& mta, Message& m) {
  const auto& name = cfg_->settings.TagHeader;
  for (auto it = m.forged_tags.rbegin(); it != m.forged_tags.rend(); ++it) {
    auto r = mta.delete_header(name, *it);
    if (!r) return internal_error(mta, "policy", "cannot delete forged header: " + r.error().message);
  }
  report_.removed_forged += m.forged_tags.size();
  if (!m.forged_tags.empty())
    log_line(LogLevel::Notice, m.queue_id, "policy",
             "removed " + std::to_string(m.forged_tags.size()) + " forged " + name + " header(s)");
  return Status::Continue;
}

Status Session::enforce(Mta& mta, Message& m) {
  const auto& rules = *cfg_->rules;
  const auto dir = direction();
  report_.direction = policy::format_direction(dir);
  report_.mode = policy::format_mode(rules.mode);
  const std::string weakest =
      report_.has_summary ? std::string(provenance::tls_state_name(report_.summary.weakest)) : "unknown";
  const auto base = policy::message_facts(report_.verdict, dir, m.sender, hop_tls_of(report_), weakest);

  if (m.recipients_dropped > 0) {
    const std::string counts = std::to_string(m.recipients.size() + m.recipients_dropped) + " recipients, at most " +
                               std::to_string(kMaxRecipients) + " are decided";
    if (rules.mode == policy::Mode::Monitor) {
      log_line(LogLevel::Warning, m.queue_id, "policy", counts + "; monitor mode: the rest are not looked at");
    } else {
      // The policy cannot decide for recipients it has not got: fail closed.
      policy::Plan refuse;
      refuse.outcome = policy::Outcome::Reject;
      refuse.smtp_code = "550";
      refuse.status_code = "5.5.3";
      refuse.text = "phimilter: too many recipients for one message (at most " + std::to_string(kMaxRecipients) + ")";
      log_line(LogLevel::Warning, m.queue_id, "policy", counts + "; message refused");
      for (const auto& r : m.recipients) report_.decisions.push_back(RecipientOutcome{r, "reject", "", true});
      return carry_out(mta, m, refuse);
    }
  }
  auto decided = decide_recipients(*cfg_, m.queue_id, m.recipients, m.rcpt_mailers, base);
  if (!decided) return internal_error(mta, "policy", decided.error().message);
  const auto& decisions = *decided;
  const auto plan = policy::plan_message(decisions, rules.mode);
  for (size_t i = 0; i < decisions.size(); ++i) {
    // A local recipient that route-tls would send round through SMTP is escrowed (enforce_plan.h).
    const bool moved = std::find(plan.local_escrowed.begin(), plan.local_escrowed.end(), i) != plan.local_escrowed.end();
    report_.decisions.push_back(RecipientOutcome{
        m.recipients[i], policy::format_action(moved ? policy::Action::Escrow : decisions[i].action),
        decisions[i].rule, plan.enforced});
  }
  log_line(LogLevel::Info, m.queue_id, "policy", policy::format_policy_log(dir, rules.mode, decisions, plan));
  return carry_out(mta, m, plan);
}

Status Session::carry_out(Mta& mta, Message& m, const policy::Plan& plan) {
  if (plan.outcome != policy::Outcome::Deliver) {
    report_.reply = plan.smtp_code + " " + plan.status_code + " " + plan.text;
    auto r = mta.set_reply(plan.smtp_code, plan.status_code, plan.text);
    if (!r) return internal_error(mta, "policy", "cannot set the reply: " + r.error().message);
    return plan.outcome == policy::Outcome::Reject ? Status::Reject : Status::Tempfail;
  }
  Status st = remove_forged_tags(mta, m);
  if (st != Status::Continue) return st;
  if (!plan.escrow.empty()) {
    st = escrow(mta, m, plan.escrow, plan.escrow_rule);  // removes those recipients from the delivered copy
    if (st != Status::Continue) return st;
  }
  if (plan.quarantine) {
    auto r = mta.quarantine(plan.quarantine_reason);
    if (!r) return internal_error(mta, "policy", "cannot quarantine: " + r.error().message);
    log_line(LogLevel::Notice, m.queue_id, "policy", "quarantined: " + plan.quarantine_reason);
    report_.quarantine = plan.quarantine_reason;
  }
  std::vector<std::pair<std::string, std::string>> add;
  if (plan.route_tls) add.emplace_back(cfg_->rules->route_tls_header, policy::kRouteTlsValue);
  if (plan.tag)
    add.emplace_back(cfg_->settings.TagHeader,
                     policy::format_tag_value(provenance::format_authserv_id(cfg_->authserv_id), report_.verdict,
                                              cfg_->rules->tag_show_categories, plan));
  for (auto& [name, value] : add) {
    auto r = mta.add_header(name, value);
    if (!r) return internal_error(mta, "policy", "cannot add header: " + r.error().message);
    report_.stamped.emplace_back(std::move(name), std::move(value));
  }
  return Status::Continue;
}

}  // namespace phi
