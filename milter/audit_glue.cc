// audit_glue - one hash-chained audit record per message, built from the report at end of message.
#include "milter/audit_service.h"
#include "milter/log.h"
#include "milter/session.h"
#include "milter/util/strings.h"

namespace phi {
namespace {

std::string bare_address(std::string_view a) {
  a = trim(a);
  if (a.size() >= 2 && a.front() == '<' && a.back() == '>') a = a.substr(1, a.size() - 2);
  return std::string(a);
}

// Per recipient: the policy decision when there is one, else "accept" with
// no rule (policy not enforced yet, or decisions not recorded).
std::vector<audit::RecipientOutcome> recipient_outcomes(const MessageReport& r) {
  std::vector<audit::RecipientOutcome> out;
  if (!r.decisions.empty()) {
    out.reserve(r.decisions.size());
    for (const auto& d : r.decisions) out.push_back({bare_address(d.recipient), d.action, d.rule, d.enforced});
    return out;
  }
  out.reserve(r.recipients.size());
  for (const auto& a : r.recipients) out.push_back({bare_address(a), "accept", "", true});
  return out;
}

// This hop's TLS, when the current hop (from the MTA's macros) used it.
audit::HopTls this_hop_tls(const MessageReport& r) {
  if (r.hops.empty() || r.hops[0].source != provenance::HopSource::Macros) return {};
  const auto& h = r.hops[0];
  if (h.tls != provenance::TlsState::Encrypted) return {};
  return audit::HopTls{h.version.empty() ? std::string("unknown") : h.version, h.cipher, h.bits, h.verify};
}

audit::PathCounts path_counts(const provenance::PathSummary& s) {
  auto n = [](size_t v) { return static_cast<int64_t>(v); };
  return audit::PathCounts{n(s.hops), n(s.encrypted), n(s.plaintext), n(s.unknown), n(s.internal),
                           std::string(provenance::tls_state_name(s.weakest))};
}

}  // namespace

// Builds the record from report_ (never findings or excerpts: categories and
// counts only) and appends it; a failure answers OnAuditError.
Result<void> Session::write_audit_record(Message& m) {
  if (!services_.audit || !services_.audit->enabled()) return Ok();
  audit::MessageEvent e;
  e.time = static_cast<int64_t>(clock_());
  e.queue_id = report_.queue_id;
  e.message_id = m.message_id;
  e.sender = bare_address(m.sender);
  e.recipients = recipient_outcomes(report_);
  e.client_name = macros_.client_name;
  e.client_addr = macros_.client_addr;
  e.tls = this_hop_tls(report_);
  e.path = path_counts(report_.summary);
  e.dkim = std::string(provenance::dkim_result_name(report_.summary.dkim.result));
  for (const auto& [name, n] : report_.verdict.categories) e.categories.emplace_back(name, n);
  e.escrow_id = report_.escrow_id;
  return services_.audit->append(e);
}

Status Session::audit(Mta& mta, Message& m) {
  auto r = write_audit_record(m);
  if (r) return Status::Continue;
  const auto& action = cfg_->settings.OnAuditError;
  log_line(LogLevel::Error, m.queue_id, "audit", "cannot write the audit record: " + r.error().message + "; answering " + action);
  if (action == "accept") return Status::Continue;
  settle_entry(m);  // the sender keeps the message and sends it again
  (void)mta.set_reply("451", "4.3.0", "phimilter: audit log unavailable, please try again later");
  return Status::Tempfail;
}

}  // namespace phi
