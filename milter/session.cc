// session - connection state and the end-of-message pipeline (see session.h).
#include "milter/session.h"

#include "milter/log.h"
#include "milter/util/strings.h"

namespace phi {

Session::Session(std::shared_ptr<const Config> cfg, Clock clock)
    : cfg_(std::move(cfg)), clock_(clock ? std::move(clock) : Clock([] { return std::time(nullptr); })) {}

Session::Message& Session::message() {
  if (!msg_) msg_ = std::make_unique<Message>();
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
  capture_macros(mta);
  return Status::Continue;
}

Status Session::on_helo(Mta& mta, std::string_view helo) {
  macros_.helo = std::string(helo.substr(0, 255));
  capture_macros(mta);
  return Status::Continue;
}

Status Session::on_envfrom(Mta& mta, std::string_view sender) {
  msg_ = std::make_unique<Message>();
  msg_->sender = std::string(sender.substr(0, 1024));
  capture_macros(mta);
  return Status::Continue;
}

Status Session::on_envrcpt(Mta& mta, std::string_view rcpt) {
  (void)mta;
  auto& m = message();
  if (m.recipients.size() < 10000) m.recipients.emplace_back(rcpt.substr(0, 1024));
  return Status::Continue;
}

Status Session::on_header(Mta& mta, std::string_view name, std::string_view value) {
  (void)mta;
  auto& m = message();
  if (iequals(name, cfg_->settings.HopHeader)) {
    ++m.our_header_count;
    // A header that names our authserv-id but reaches us from outside is a
    // forgery (or a replay): remove it before we stamp our own.
    auto semi = value.find(';');
    auto id = trim(value.substr(0, semi));
    if (iequals(id, cfg_->authserv_id)) m.forged.push_back(m.our_header_count);
  }
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
  return Status::Continue;
}

Status Session::on_body(Mta& mta, std::string_view chunk) {
  (void)mta;
  message().body_bytes += chunk.size();
  return Status::Continue;
}

Status Session::on_eom(Mta& mta) {
  capture_macros(mta);
  auto& m = message();
  report_ = MessageReport{};
  report_.queue_id = m.queue_id;
  report_.recipients = m.recipients;

  // Forged copies of our header: delete from the highest index down.
  for (auto it = m.forged.rbegin(); it != m.forged.rend(); ++it) {
    auto r = mta.delete_header(cfg_->settings.HopHeader, *it);
    if (!r) return internal_error(mta, "provenance", "cannot delete forged header: " + r.error().message);
  }
  report_.removed_forged = m.forged.size();
  if (!m.forged.empty())
    log_line(LogLevel::Notice, m.queue_id, "provenance",
             "removed " + std::to_string(m.forged.size()) + " forged " + cfg_->settings.HopHeader + " header(s)");

  if (connected_) {
    auto hop = provenance::hop_from_macros(macros_);
    if (hop.by.empty()) hop.by = cfg_->authserv_id;
    std::string value = provenance::format_hop_header(hop, cfg_->authserv_id, clock_());
    auto r = mta.insert_header(0, cfg_->settings.HopHeader, value);
    if (!r) return internal_error(mta, "provenance", "cannot add header: " + r.error().message);
    report_.stamped.emplace_back(cfg_->settings.HopHeader, value);
    log_line(LogLevel::Info, m.queue_id, "provenance",
             std::string("tls=") + std::string(provenance::tls_state_name(hop.tls)) +
                 (hop.version.empty() ? "" : " version=" + hop.version) +
                 (hop.cipher.empty() ? "" : " cipher=" + hop.cipher) + " client=" + hop.addr);
    report_.hops.push_back(std::move(hop));
  }
  msg_.reset();
  return Status::Continue;
}

Status Session::on_abort(Mta& mta) {
  (void)mta;
  msg_.reset();
  return Status::Continue;
}

Status Session::internal_error(Mta& mta, std::string_view where, std::string_view why) {
  const auto& action = cfg_->settings.OnInternalError;
  log_line(LogLevel::Error, queue_id(), where, std::string(why) + "; answering " + action);
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
