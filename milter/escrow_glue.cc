// escrow_glue - spool the original message encrypted while it streams, and
// escrow recipients at end of message: entry, notices, message edits.
#include <algorithm>
#include <map>
#include <utility>

#include "milter/escrow/notice.h"
#include "milter/escrow/token.h"
#include "milter/log.h"
#include "milter/session.h"
#include "milter/submit.h"
#include "milter/util/sanitize.h"
#include "milter/util/strings.h"

namespace phi {
namespace {

constexpr size_t kMaxReplaceChunk = 65535;  // libmilter's limit per smfi_replacebody call
constexpr std::string_view kMarker = escrow::kDefaultMarkerHeader;

// "Name: value\r\n" as received. libmilter strips the one blank after the
// colon (without SMFIP_HDR_LEADSPC), so it is put back; Postfix passes
// folded lines with bare LF, which become CRLF.
std::string header_line(std::string_view name, std::string_view value) {
  std::string out(name);
  out += ": ";
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\n' && (i == 0 || value[i - 1] != '\r')) out += '\r';
    out += value[i];
  }
  out += "\r\n";
  return out;
}

// Envelope address without angle brackets and controls, for sendmail(1).
std::string bare_address(std::string_view a) {
  std::string s = sanitize_header_text(a, escrow::kMaxAddressBytes);
  std::string_view v = trim(s);
  if (v.size() >= 2 && v.front() == '<' && v.back() == '>') v = v.substr(1, v.size() - 2);
  return std::string(v);
}

// An escrowed recipient's address for its notice, without angle brackets,
// exactly as in the envelope otherwise. One that bare_address() would
// change (cut at kMaxAddressBytes, controls or CR/LF/NUL dropped, bytes
// that are not UTF-8 replaced) is refused: the notice would go to another
// mailbox than the one removed from the envelope. The error names the
// reason only, never the address.
Result<std::string> notice_address(std::string_view a) {
  std::string_view v = trim(a);
  if (v.size() >= 2 && v.front() == '<' && v.back() == '>') v = v.substr(1, v.size() - 2);
  if (v.size() > escrow::kMaxAddressBytes)
    return Error{"address longer than " + std::to_string(escrow::kMaxAddressBytes) + " bytes (" + std::to_string(v.size()) + ")"};
  if (v.empty()) return Error{"empty address"};
  if (sanitize_header_text(v, escrow::kMaxAddressBytes) != v)
    return Error{"address with control characters or bytes that are not UTF-8"};
  return std::string(v);
}

}  // namespace

bool Session::trusted_path() const {
  return connected_ && provenance::is_trusted_relay(macros_.client_addr, &cfg_->internal_hosts);
}

// Spool only when an escrow could be written: escrow configured, writes
// allowed, and some rule can escrow.
bool Session::escrow_spool_wanted() const {
  if (!options_.escrow_writes || !cfg_->escrow) return false;
  if (!cfg_->rules) return true;
  return std::any_of(cfg_->rules->rules.begin(), cfg_->rules->rules.end(),
                     [](const policy::Rule& r) { return r.action == policy::Action::Escrow; });
}

namespace {
// Starts the spool on first use; a failure is kept and only matters if escrow() is called.
void spool_write(const std::shared_ptr<const Config>& cfg, bool wanted, std::string_view bytes,
                 std::unique_ptr<escrow::Spool>& spool, std::string& error, bool& started) {
  if (!started) {
    started = true;
    if (!wanted) return;
    auto s = escrow::Spool::create(cfg->escrow->options().directory, cfg->escrow->options().max_bytes);
    if (!s) { error = s.error().message; return; }
    spool = std::move(*s);
  }
  if (!spool) return;
  if (auto r = spool->write(bytes); !r) {
    error = r.error().message;
    spool.reset();  // the temporary file goes with it
  }
}
}  // namespace

void Session::escrow_spool_header(Message& m, std::string_view name, std::string_view value) {
  if (iequals(name, kMarker)) {
    ++m.markers;
    if (!trusted_path()) {
      if (m.foreign_markers.size() <= kMaxHeaderCount) m.foreign_markers.push_back(m.markers);
    }
    else if (iequals(trim(value), cfg_->authserv_id)) m.own_notice = true;
  }
  spool_write(cfg_, escrow_spool_wanted(), header_line(name, value), m.spool, m.spool_error, m.spool_started);
}

void Session::escrow_spool_body(Message& m, std::string_view chunk) {
  if (!m.spool_in_body) {
    m.spool_in_body = true;
    spool_write(cfg_, escrow_spool_wanted(), "\r\n", m.spool, m.spool_error, m.spool_started);
  }
  spool_write(cfg_, escrow_spool_wanted(), chunk, m.spool, m.spool_error, m.spool_started);
}

Status Session::escrow_check_notice(Mta& mta, Message& m) {
  if (m.foreign_markers.size() > kMaxHeaderCount)  // cannot strip them all: fail closed
    return internal_error(mta, "escrow", "more than " + std::to_string(kMaxHeaderCount) + " notice markers from outside");
  for (auto it = m.foreign_markers.rbegin(); it != m.foreign_markers.rend(); ++it) {
    auto r = mta.delete_header(kMarker, *it);
    if (!r) return internal_error(mta, "escrow", "cannot delete a notice marker from outside: " + r.error().message);
  }
  if (!m.foreign_markers.empty())
    log_line(LogLevel::Notice, m.queue_id, "escrow",
             "removed " + std::to_string(m.foreign_markers.size()) + " " + std::string(kMarker) + " field(s) from an untrusted client");
  if (m.own_notice) log_line(LogLevel::Info, m.queue_id, "escrow", "own pickup notice over a trusted path: not classified");
  return Status::Continue;
}

namespace {

struct EscrowPlan {
  std::vector<std::string> recipients;  // escrowed, in envelope order
  bool all = false;                     // every envelope recipient is escrowed
};

EscrowPlan plan_escrow(const std::vector<std::string>& envelope, const std::vector<size_t>& idx) {
  std::vector<size_t> sorted;
  for (size_t i : idx)
    if (i < envelope.size()) sorted.push_back(i);
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  EscrowPlan p;
  for (size_t i : sorted) p.recipients.push_back(envelope[i]);
  p.all = !sorted.empty() && sorted.size() == envelope.size();
  return p;
}

std::string header_value(const std::vector<std::pair<std::string, std::string>>& headers, std::string_view name) {
  for (const auto& [n, v] : headers)
    if (iequals(n, name)) return v;
  return "";
}

// Rewrites the message in place into `notice`: every header field except the
// trace fields is deleted (per name from the highest index down), the
// notice's fields are added and the body is replaced.
Result<void> rewrite_in_place(Mta& mta, const std::vector<std::pair<std::string, std::string>>& headers,
                              const std::vector<std::string>& keep, const escrow::Notice& notice) {
  std::map<std::string, std::pair<std::string, size_t>> names;  // lower-case -> spelling, count
  for (const auto& [n, v] : headers) {
    const std::string low = to_lower(n);
    if (std::find(keep.begin(), keep.end(), low) != keep.end()) continue;
    auto& e = names[low];
    if (e.second++ == 0) e.first = n;
  }
  for (const auto& [low, e] : names)
    for (size_t k = e.second; k >= 1; --k)
      if (auto r = mta.delete_header(e.first, k); !r) return r;
  for (const auto& [n, v] : notice.headers)
    if (auto r = mta.add_header(n, v); !r) return r;
  std::string_view body = notice.body;
  for (size_t i = 0; i < body.size(); i += kMaxReplaceChunk)
    if (auto r = mta.replace_body(body.substr(i, kMaxReplaceChunk)); !r) return r;
  return Ok();
}

std::string provenance_line(const MessageReport& r) {
  const auto& s = r.summary;
  return "hops=" + std::to_string(s.hops) + " encrypted=" + std::to_string(s.encrypted) +
         " plaintext=" + std::to_string(s.plaintext) + " unknown=" + std::to_string(s.unknown) +
         " internal=" + std::to_string(s.internal) + " weakest=" + std::string(provenance::tls_state_name(s.weakest));
}

}  // namespace

Status Session::escrow(Mta& mta, Message& m, const std::vector<size_t>& recipients, const std::string& rule) {
  EscrowPlan plan = plan_escrow(m.recipients, recipients);
  if (plan.recipients.empty()) return Status::Continue;
  report_.escrow_rule = rule;
  report_.escrow_recipients = plan.recipients;
  const std::string what = std::to_string(plan.recipients.size()) + " recipient(s), rule " + sanitize_log_text(rule, 64);
  if (!options_.escrow_writes) {
    log_line(LogLevel::Info, m.queue_id, "escrow", what + ": not written (escrow writes are off)");
    return Status::Continue;
  }
  if (!cfg_->escrow) return internal_error(mta, "escrow", "not configured: " + cfg_->escrow_unavailable);
  if (plan.all && m.headers_dropped > 0)
    return internal_error(mta, "escrow", "too many header fields to rewrite the message safely");
  if (!m.spool_in_body) escrow_spool_body(m, "");  // the blank line after the header
  if (!m.spool) return internal_error(mta, "escrow", "message not kept for escrow: " +
                                                         (m.spool_error.empty() ? std::string("no spool") : m.spool_error));
  const auto now = static_cast<int64_t>(clock_());
  escrow::EntryMeta meta;
  meta.sender = m.sender;
  meta.recipients = plan.recipients;
  meta.rule = rule;
  meta.queue_id = m.queue_id;
  meta.provenance = provenance_line(report_);
  for (const auto& [name, n] : report_.verdict.categories) meta.categories.emplace_back(name, n);
  auto w = cfg_->escrow->begin(meta, now);
  if (!w) return internal_error(mta, "escrow", "cannot start an entry: " + w.error().message);
  auto copied = m.spool->copy_to([&](std::string_view b) { return (*w)->write(b); });
  m.spool.reset();
  if (!copied) return internal_error(mta, "escrow", "cannot write the entry: " + copied.error().message);
  auto id = (*w)->commit();
  if (!id) return internal_error(mta, "escrow", "cannot commit the entry: " + id.error().message);
  report_.escrow_id = *id;
  m.entry_id = *id;
  auto delivered = deliver_notices(mta, m, plan.recipients, plan.all, **w);
  if (!delivered)  // internal_error() settles the entry
    return internal_error(mta, "escrow", "entry " + *id + ": " + delivered.error().message);
  log_line(LogLevel::Notice, m.queue_id, "escrow",
           "entry " + *id + ": " + what + (plan.all ? ", message rewritten into the notice" : ", original kept for the others") +
               ", " + std::to_string(*delivered) + " notice(s) submitted");
  return Status::Continue;
}

// Notices for the escrowed recipients: when all are escrowed the first gets
// the message itself rewritten into its notice, the others are removed from
// the envelope and get theirs through NoticeSendmail; returns how many were
// submitted. The MTA edits come first: they only take effect if we answer
// Continue, while a submitted notice cannot be taken back.
Result<size_t> Session::deliver_notices(Mta& mta, Message& m, const std::vector<std::string>& rcpts, bool all,
                                        const escrow::EntryWriter& w) {
  escrow::NoticeInput in;
  in.from = cfg_->escrow_notice_from;
  in.sender = m.sender;
  in.expires = w.expires();
  in.now = static_cast<int64_t>(clock_());
  in.subject_template = cfg_->settings.EscrowNoticeSubject;
  in.original_subject = header_value(m.headers, "Subject");
  in.authserv_id = cfg_->authserv_id;
  // Every address is checked before anything is composed, edited or
  // submitted: a refused one fails the message while it is still intact.
  std::vector<std::string> addresses;
  for (size_t i = 0; i < rcpts.size(); ++i) {
    auto a = notice_address(rcpts[i]);
    if (!a)
      return a.error().context("escrowed recipient " + std::to_string(i + 1) + " of " + std::to_string(rcpts.size()) +
                               ": no notice can be sent to it");
    addresses.push_back(std::move(*a));
  }
  std::vector<escrow::Notice> notices;
  for (size_t i = 0; i < rcpts.size(); ++i) {
    in.recipient = addresses[i];
    in.link = escrow::format_pickup_link(cfg_->portal_url, w.tokens().at(i).text);
    auto n = escrow::compose_notice(in);
    if (!n) return n.error().context("notice");
    notices.push_back(std::move(*n));
  }
  std::vector<std::string> keep = {"received", "return-path", to_lower(cfg_->settings.HopHeader),
                                         to_lower(cfg_->settings.SummaryHeader)};
  if (!trusted_path()) keep.push_back(to_lower(kMarker));  // already deleted by escrow_check_notice
  size_t first_submitted = 0;
  m.escrow_rewrite = true;  // from here on the MTA holds edits that need the escrow
  if (all) {
    if (auto r = rewrite_in_place(mta, m.headers, keep, notices[0]); !r) return r.error().context("rewrite");
    first_submitted = 1;
  }
  for (size_t i = first_submitted; i < rcpts.size(); ++i)
    if (auto r = mta.del_rcpt(rcpts[i]); !r) return r.error();
  const std::string from = bare_address(cfg_->escrow_notice_from);
  for (size_t i = first_submitted; i < rcpts.size(); ++i) {
    auto r = submit_message(cfg_->settings.NoticeSendmail, {"-i", "-f", from, "--", addresses[i]},
                            escrow::format_notice(notices[i]), std::chrono::seconds(cfg_->settings.NoticeTimeout));
    if (!r) return r.error().context("notice submission");
    ++m.notices_submitted;
  }
  return rcpts.size() - first_submitted;
}

void Session::settle_entry(Message& m) {
  if (m.entry_id.empty()) return;
  const std::string id = std::exchange(m.entry_id, std::string());
  if (report_.escrow_id == id) report_.escrow_id.clear();
  if (m.notices_submitted > 0) {
    log_line(LogLevel::Warning, m.queue_id, "escrow",
             "entry " + id + " kept: " + std::to_string(m.notices_submitted) +
                 " submitted notice(s) point at it; a retry of the message escrows it again");
    return;
  }
  if (auto r = cfg_->escrow->remove(id); !r) {
    log_line(LogLevel::Error, m.queue_id, "escrow",
             "entry " + id + " not withdrawn: " + r.error().message + "; it stays until EscrowRetention purges it");
    return;
  }
  log_line(LogLevel::Notice, m.queue_id, "escrow", "entry " + id + " withdrawn: the message was not delivered as escrowed");
}

}  // namespace phi
