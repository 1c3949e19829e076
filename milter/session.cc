// session - connection state and the end-of-message pipeline (see session.h).
#include "milter/session.h"

#include <cstdio>
#include <optional>

#include "milter/log.h"
#include "milter/provenance/path_summary.h"
#include "milter/util/strings.h"

namespace phi {

Session::Session(std::shared_ptr<const Config> cfg, Clock clock, SessionOptions options, SessionServices services)
    : cfg_(std::move(cfg)),
      clock_(clock ? std::move(clock) : Clock([] { return std::time(nullptr); })),
      options_(options),
      services_(services) {}

Session::Message& Session::new_message() {
  msg_ = std::make_unique<Message>();
  provenance::PathOptions po;
  po.authserv_id = cfg_->authserv_id;
  po.hop_header = cfg_->settings.HopHeader;
  po.summary_header = cfg_->settings.SummaryHeader;
  po.internal_hosts = &cfg_->internal_hosts;
  po.trusted_relay = connected_ && provenance::is_trusted_relay(macros_.client_addr, &cfg_->internal_hosts);
  msg_->path = std::make_unique<provenance::PathCollector>(std::move(po));
  if (cfg_->dkim) msg_->dkim = std::make_unique<provenance::DkimVerifier>(cfg_->dkim);
  // Inbound mail's documents are read unless InboundDocuments is no; the
  // direction is known from the connection and MAIL's {auth_authen}.
  const bool documents = cfg_->settings.InboundDocuments || direction() == policy::Direction::Outbound;
  msg_->inspect = std::make_unique<Inspection>(*cfg_, options_.findings, documents);
  return *msg_;
}

Session::Message& Session::message() {
  if (!msg_) return new_message();
  return *msg_;
}

std::string Session::queue_id() const { return msg_ ? msg_->queue_id : std::string(); }

void Session::capture_macros(Mta& mta) {
  // TLS macros appear after STARTTLS (Postfix: at EHLO and later; Sendmail:
  // from the second EHLO). Keep the last non-empty value of each.
  auto keep = [&](std::string& field, const char* name) {
    auto v = mta.macro(name);
    if (!v.empty()) field = std::move(v);
  };
  keep(macros_.tls_version, "{tls_version}");
  keep(macros_.cipher, "{cipher}");
  keep(macros_.cipher_bits, "{cipher_bits}");
  keep(macros_.cert_subject, "{cert_subject}");
  keep(macros_.cert_issuer, "{cert_issuer}");
  keep(macros_.verify, "{verify}");
  keep(macros_.auth_authen, "{auth_authen}");
  keep(macros_.receiver, "j");
  capture_queue_id(mta);
}

void Session::capture_queue_id(Mta& mta) {
  if (msg_) {
    auto qid = mta.macro("i");
    if (!qid.empty()) msg_->queue_id = qid.substr(0, 64);
  }
}

Status Session::on_connect(Mta& mta, std::string_view host, std::string_view addr) {
  connected_ = true;
  macros_ = {};
  macros_.client_name = std::string(host.substr(0, 255));
  macros_.client_addr = std::string(addr.substr(0, 64));
  // Sendmail passes the PTR name even when its forward lookup failed
  // ({client_resolve} FORGED, FAIL or TEMP); Postfix passes "unknown" then,
  // and so do we, so that such a name neither makes mail outbound
  // (InternalNetworks) nor a hop internal.
  if (auto resolve = mta.macro("{client_resolve}"); !resolve.empty() && resolve != "OK") macros_.client_name = "unknown";
  capture_macros(mta);
  return Status::Continue;
}

Status Session::on_helo(Mta& mta, std::string_view helo) {
  macros_.helo = std::string(helo.substr(0, 255));
  capture_macros(mta);
  return Status::Continue;
}

Status Session::on_envfrom(Mta& mta, std::string_view sender) {
  msg_.reset();
  capture_macros(mta);  // first: MAIL's {auth_authen} makes the message outbound (new_message)
  new_message();
  msg_->sender = std::string(sender.substr(0, 1024));
  capture_queue_id(mta);
  return Status::Continue;
}

Status Session::on_envrcpt(Mta& mta, std::string_view rcpt) {
  auto& m = message();
  if (m.recipients.size() < kMaxRecipients) {
    m.recipients.emplace_back(rcpt.substr(0, 1024));
    // The transport the MTA resolved this recipient to (Postfix and
    // Sendmail send it with RCPT). Overlong: no transport, never local.
    auto mailer = mta.macro("{rcpt_mailer}");
    if (mailer.size() > kMaxMailerBytes) mailer.clear();
    m.rcpt_mailers.push_back(std::move(mailer));
  } else {
    ++m.recipients_dropped;
  }
  return Status::Continue;
}

Status Session::on_header(Mta& mta, std::string_view name, std::string_view value) {
  (void)mta;
  auto& m = message();
  m.path->add_header(name, value);
  if (m.dkim) m.dkim->header(name, value);
  LogScope scope(m.queue_id);  // the converters' lines name the message
  m.inspect->header(name, value);
  note_tag_header(m, name, value);
  escrow_spool_header(m, name, value);
  if (m.message_id.empty() && iequals(name, "Message-ID"))
    m.message_id = std::string(trim(value).substr(0, kMaxMessageIdBytes));
  if (m.headers.size() < kMaxHeaderCount && m.header_bytes + name.size() + value.size() <= kMaxHeaderBytes) {
    m.header_bytes += name.size() + value.size();
    m.headers.emplace_back(std::string(name), std::string(value));
  } else {
    ++m.headers_dropped;
  }
  return Status::Continue;
}

Status Session::on_eoh(Mta& mta) {
  capture_macros(mta);
  auto& m = message();
  if (m.dkim) m.dkim->end_of_headers();
  LogScope scope(m.queue_id);
  m.inspect->end_of_headers();
  return Status::Continue;
}

Status Session::on_body(Mta& mta, std::string_view chunk) {
  (void)mta;
  auto& m = message();
  m.body_bytes += chunk.size();
  if (m.dkim) m.dkim->body(chunk);  // streamed: libopendkim hashes as it goes
  LogScope scope(m.queue_id);
  m.inspect->body(chunk);           // streamed: decoded and scanned as it goes
  escrow_spool_body(m, chunk);
  return Status::Continue;
}

Status Session::on_eom(Mta& mta) {
  capture_macros(mta);
  auto& m = message();
  report_ = MessageReport{};
  report_.queue_id = m.queue_id;
  report_.recipients = m.recipients;

  Status st = remove_forged(mta, m);
  if (st != Status::Continue) return st;
  st = stamp_provenance(mta, m);
  if (st != Status::Continue) return st;
  st = escrow_check_notice(mta, m);
  if (st != Status::Continue) return st;
  if (!m.own_notice) {  // our own pickup notice: no PHI, and never escrowed again
    classify(m);
    if (m.inspect->reader_unavailable())  // fail closed: a retry reads what was skipped
      return internal_error(mta, "classify",
                            "a PDF or image part could not be read now (all PdfProcesses or OcrProcesses busy, "
                            "or pdftotext or tesseract could not start: see the pdf and ocr lines before)");
    st = enforce(mta, m);
    // After an internal error (any answer, accept included) the message's
    // state is gone: m must not be touched and there is nothing to record.
    if (!msg_) return st;
    if (st != Status::Continue && st != Status::Accept) {
      // A refusal the policy decided (reject, tempfail) is audited too. The
      // refusal stands whether or not the record could be written.
      if (auto r = write_audit_record(m); !r)
        log_line(LogLevel::Error, m.queue_id, "audit", "cannot write the audit record: " + r.error().message + "; the refusal stands");
      msg_.reset();
      return st;
    }
  }
  Status audited = audit(mta, m);
  if (audited != Status::Continue) return audited;
  msg_.reset();
  return Status::Continue;
}

Status Session::remove_forged(Mta& mta, Message& m) {
  // Forged copies of our headers: delete from the highest index down.
  const std::pair<const std::string*, const std::vector<size_t>*> lists[] = {
      {&cfg_->settings.HopHeader, &m.path->forged_hop_headers()},
      {&cfg_->settings.SummaryHeader, &m.path->forged_summary_headers()}};
  for (const auto& [name, idx] : lists) {
    for (auto it = idx->rbegin(); it != idx->rend(); ++it) {
      auto r = mta.delete_header(*name, *it);
      if (!r) return internal_error(mta, "provenance", "cannot delete forged header: " + r.error().message);
    }
    report_.removed_forged += idx->size();
    if (!idx->empty())
      log_line(LogLevel::Notice, m.queue_id, "provenance",
               "removed " + std::to_string(idx->size()) + " forged " + *name + " header(s)");
  }
  return Status::Continue;
}

Status Session::stamp_provenance(Mta& mta, Message& m) {
  std::optional<provenance::Hop> current;
  if (connected_) {
    current = provenance::hop_from_macros(macros_);
    if (current->by.empty()) current->by = cfg_->authserv_id;
  }
  report_.hops = m.path->hops(current ? &*current : nullptr);
  report_.summary = provenance::summarize(report_.hops);
  if (m.dkim) report_.summary.dkim = m.dkim->finish();
  report_.has_summary = true;
  if (!current) return Status::Continue;  // test mode without macros: nothing to stamp

  const auto now = clock_();
  std::string summary = provenance::format_summary_header(report_.summary, cfg_->authserv_id, now);
  std::string value = provenance::format_hop_header(*current, cfg_->authserv_id, now);
  for (const auto& [name, v] : {std::pair{&cfg_->settings.SummaryHeader, &summary},
                                std::pair{&cfg_->settings.HopHeader, &value}}) {
    auto r = mta.insert_header(0, *name, *v);  // the hop header ends up on top, the summary below it
    if (!r) return internal_error(mta, "provenance", "cannot add header: " + r.error().message);
    report_.stamped.emplace_back(*name, *v);
  }
  log_line(LogLevel::Info, m.queue_id, "provenance",
           std::string("tls=") + std::string(provenance::tls_state_name(current->tls)) +
               (current->version.empty() ? "" : " version=" + current->version) +
               (current->cipher.empty() ? "" : " cipher=" + current->cipher) + " client=" + current->addr +
               " path=" + std::to_string(report_.summary.hops) + " weakest=" +
               std::string(provenance::tls_state_name(report_.summary.weakest)) +
               " dkim=" + std::string(provenance::dkim_result_name(report_.summary.dkim.result)));
  return Status::Continue;
}

void Session::classify(Message& m) {
  LogScope scope(m.queue_id);
  report_.verdict = m.inspect->finish();
  report_.has_verdict = true;
  const auto& v = report_.verdict;
  // Categories and counts only: never an identifier or an excerpt.
  std::string cats;
  for (const auto& [name, n] : v.categories) cats += (cats.empty() ? "" : ",") + name + ":" + std::to_string(n);
  char score[16];
  std::snprintf(score, sizeof score, "%.2f", v.score);
  log_line(LogLevel::Info, m.queue_id, "classify",
           std::string("phi=") + (v.phi ? "yes" : "no") + " pii=" + (v.pii ? "yes" : "no") + " score=" + score +
               (v.phi_in_subject ? " subject=phi" : "") + " categories=" + (cats.empty() ? "none" : cats) +
               " uninspected=" + std::to_string(v.uninspected.size()) +
               (m.inspect->had_decode_errors() ? " decode-errors=yes" : ""));
}

Status Session::on_abort(Mta& mta) {
  (void)mta;
  msg_.reset();
  return Status::Continue;
}

Status Session::internal_error(Mta& mta, std::string_view where, std::string_view why) {
  std::string action = cfg_->settings.OnInternalError;
  std::string note;
  if (msg_ && msg_->escrow_rewrite && action == "accept") {  // accept would deliver the edits made so far
    action = "tempfail";
    note = " (not accept: the message was already rewritten for escrow)";
  }
  log_line(LogLevel::Error, queue_id(), where, std::string(why) + "; answering " + action + note);
  if (msg_) settle_entry(*msg_);  // whatever the answer, the rewrite for escrow will not be delivered
  msg_.reset();
  if (action == "accept") return Status::Accept;
  if (action == "reject") {
    (void)mta.set_reply("550", "5.3.0", "phimilter: message refused after an internal error");
    return Status::Reject;
  }
  (void)mta.set_reply("451", "4.3.0", "phimilter: internal error, please try again later");
  return Status::Tempfail;
}

}  // namespace phi
