// NAME
//   session - one SMTP connection's state and the per-message pipeline
// SYNOPSIS
//   Session s(config_snapshot, clock, SessionOptions{}, SessionServices{&audit_service});
//   s.on_connect(mta, host, addr); s.on_helo(mta, name);
//   s.on_envfrom(mta, from); s.on_envrcpt(mta, rcpt);
//   s.on_header(mta, name, value); s.on_eoh(mta); s.on_body(mta, chunk);
//   Status st = s.on_eom(mta);  const MessageReport& r = s.report();
// DESCRIPTION
//   The milter callbacks and test mode both drive a Session; it reaches the
//   MTA only through Mta. A Session keeps the Config snapshot it was created
//   with for its whole life, so a reload never changes a message midway.
//   Headers go to a provenance::PathCollector (Received fields and our own
//   earlier headers) and, with the body chunk by chunk, to a DKIM
//   verifier. At end of message it removes forged copies of our headers
//   (highest index first, since the MTA renumbers after each delete),
//   builds this hop from the MTA's macros, the path and its summary, and
//   stamps the per-hop and the summary header. Then the classifier's
//   verdict and the policy (milter/enforce.cc) decide per recipient, and the
//   plan (policy/enforce_plan.h) is carried out: forged classification tags
//   removed, refuse, escrow, quarantine, route-tls header, tag header.
//   internal_error() logs (without message content) and answers the
//   configured OnInternalError action, except that once the rewrite of the
//   message for escrow has begun (any edit for its notice or its escrowed
//   recipients, also when an exception follows) accept becomes tempfail:
//   the MTA would deliver the half-made rewrite. A committed escrow entry
//   whose message is then answered otherwise than by delivering the rewrite
//   (an internal error, or a failed audit record answered tempfail) is
//   withdrawn, because the sender keeps or gets back the original and a
//   retry escrows it again; it stays only when a submitted notice already
//   points at it (settle_entry()).
//   SessionOptions are data, not modes: escrow_writes = false (test mode
//   without -E) makes escrow decisions reported but never written to disk.
//   SessionServices hands a Session the process-wide objects that do not
//   belong in a Config snapshot (the audit log); test mode passes none.
// INPUT
//   Every argument is untrusted. Headers are kept up to kMaxHeaderCount
//   fields and kMaxHeaderBytes bytes; beyond that they are counted, not kept.
//   Recipients are kept up to kMaxRecipients, each with the MTA's
//   {rcpt_mailer} macro of its RCPT stage (the transport that will deliver
//   it; at most kMaxMailerBytes, longer counts as none): only that macro,
//   never anything the client sent, makes a recipient local. A message with more is
//   refused (550 5.5.3) in Mode enforce, since the policy cannot decide
//   for recipients it has not got.
// THREADS
//   A Session is used by one callback at a time (libmilter serialises a
//   connection's callbacks, possibly on different threads).
#ifndef PHI_MILTER_SESSION_H
#define PHI_MILTER_SESSION_H

#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "milter/config.h"
#include "milter/escrow/spool.h"
#include "milter/inspect.h"
#include "milter/mta.h"
#include "milter/provenance/dkim.h"
#include "milter/provenance/hop_header.h"
#include "milter/provenance/path_collector.h"
#include "milter/report.h"
#include "policy/direction.h"
#include "policy/enforce_plan.h"

namespace phi {

inline constexpr size_t kMaxHeaderCount = 4000;
inline constexpr size_t kMaxHeaderBytes = 4 * 1024 * 1024;
inline constexpr size_t kMaxRecipients = 10000;  // per message; more are counted and the message refused
inline constexpr size_t kMaxMessageIdBytes = 998;
inline constexpr size_t kMaxMailerBytes = 64;  // {rcpt_mailer}; LocalTransports names are at most this long

class AuditService;

// Process-wide services a Session may use; null members are absent.
struct SessionServices {
  AuditService* audit = nullptr;  // one record per message when set and enabled
};

struct SessionOptions {
  // Spool messages and write escrow entries, send notices and edit the
  // message for escrowed recipients. false: escrow decisions are only
  // reported (test mode unless -E).
  bool escrow_writes = true;
  // Keep every finding with its masked excerpt in report().verdict (test
  // mode prints them). The daemon reads only the verdict, the categories and
  // the uninspected parts, and skips building findings.
  policy::Findings findings = policy::Findings::Keep;
};

class Session {
 public:
  using Clock = std::function<std::time_t()>;
  explicit Session(std::shared_ptr<const Config> cfg, Clock clock = nullptr, SessionOptions options = {},
                   SessionServices services = {});

  const Config& config() const { return *cfg_; }
  const MessageReport& report() const { return report_; }

  Status on_connect(Mta& mta, std::string_view host, std::string_view addr);
  Status on_helo(Mta& mta, std::string_view helo);
  Status on_envfrom(Mta& mta, std::string_view sender);
  Status on_envrcpt(Mta& mta, std::string_view rcpt);
  Status on_header(Mta& mta, std::string_view name, std::string_view value);
  Status on_eoh(Mta& mta);
  Status on_body(Mta& mta, std::string_view chunk);
  Status on_eom(Mta& mta);
  Status on_abort(Mta& mta);

  // Logs `why` (no message content!) and answers OnInternalError; once
  // the message's rewrite for escrow has begun, tempfail instead of accept.
  Status internal_error(Mta& mta, std::string_view where, std::string_view why);

  // Stages the MTA expects no reply for (a mask the libmilter glue
  // negotiated): a failure there cannot be answered at once, so the glue
  // keeps the first one and answers it at end of message.
  struct QuietFailure {
    std::string where, why;
  };
  void set_quiet_stages(unsigned long mask) { quiet_stages_ = mask; }
  unsigned long quiet_stages() const { return quiet_stages_; }
  std::optional<QuietFailure>& quiet_failure() { return quiet_failure_; }

  // The MTA connection's TCP socket when the glue found it (-1 for a unix
  // socket or when it could not tell): the glue asks the kernel to
  // acknowledge at once what the MTA streams without waiting for replies.
  void set_tcp_fd(int fd) { tcp_fd_ = fd; }
  int tcp_fd() const { return tcp_fd_; }

 private:
  friend struct SessionTestPeer;  // tests/unit/milter: drives escrow() before policy wiring exists
  struct Message {
    std::string queue_id;
    std::string sender;
    std::string message_id;  // the first Message-ID field, trimmed and bounded
    std::vector<std::string> recipients;
    // The MTA's {rcpt_mailer} for each kept recipient ("" when it sent none
    // or an overlong one); the same length as recipients.
    std::vector<std::string> rcpt_mailers;
    size_t recipients_dropped = 0;  // beyond kMaxRecipients
    std::vector<std::pair<std::string, std::string>> headers;
    size_t header_bytes = 0;
    size_t headers_dropped = 0;
    std::unique_ptr<provenance::PathCollector> path;  // Received + our headers -> hops
    std::unique_ptr<provenance::DkimVerifier> dkim;    // null when DKIMVerify is no
    std::unique_ptr<Inspection> inspect;               // MIME walker -> classifier
    uint64_t body_bytes = 0;
    size_t tag_headers = 0;           // TagHeader fields seen so far
    std::vector<size_t> forged_tags;  // 1-based indexes of those claiming our authserv-id
    // milter/escrow_glue.cc: the original, encrypted, while escrow may need it.
    std::unique_ptr<escrow::Spool> spool;
    std::string spool_error;     // why there is no usable spool ("" = none needed or fine)
    bool spool_started = false;  // a spool was asked for (first header or body)
    bool spool_in_body = false;  // the blank line after the header is written
    std::vector<size_t> foreign_markers;  // indexes of notice markers from outside, to strip
    size_t markers = 0;                   // notice marker fields seen
    bool own_notice = false;              // our own pickup notice over a trusted path
    bool escrow_rewrite = false;          // edits for escrow sent: accept on an error would lose it
    std::string entry_id;                 // the escrow entry committed for this message, if any
    size_t notices_submitted = 0;         // notices handed to NoticeSendmail (cannot be taken back)
  };

  Message& new_message();
  // Outbound when the client is in InternalNetworks or InternalHosts, or
  // authenticated (from the macros captured so far; enforce.cc).
  policy::Direction direction() const;
  Status remove_forged(Mta& mta, Message& m);
  Status stamp_provenance(Mta& mta, Message& m);
  void classify(Message& m);
  // milter/enforce.cc: per-recipient policy decisions and their actions;
  // note_tag_header() remembers incoming TagHeader copies claiming our id.
  Status enforce(Mta& mta, Message& m);
  void note_tag_header(Message& m, std::string_view name, std::string_view value);
  Status remove_forged_tags(Mta& mta, Message& m);
  Status carry_out(Mta& mta, Message& m, const policy::Plan& plan);
  // milter/escrow_glue.cc: spool the original while it streams; escrow the
  // given recipients (indexes into m.recipients) under `rule` at end of message.
  void escrow_spool_header(Message& m, std::string_view name, std::string_view value);
  void escrow_spool_body(Message& m, std::string_view chunk);
  Status escrow(Mta& mta, Message& m, const std::vector<size_t>& recipients, const std::string& rule);
  // Strips notice markers that came from outside; sets m.own_notice for our
  // own notices over a trusted path (they skip classification and policy).
  Status escrow_check_notice(Mta& mta, Message& m);
  Result<size_t> deliver_notices(Mta& mta, Message& m, const std::vector<std::string>& rcpts, bool all,
                                 const escrow::EntryWriter& w);
  // The message's committed entry (m.entry_id) when the message is not
  // delivered as rewritten for it: withdrawn unless a submitted notice
  // points at it; logs either way.
  void settle_entry(Message& m);
  bool escrow_spool_wanted() const;
  bool trusted_path() const;
  // milter/audit_glue.cc: one audit record for the message.
  Status audit(Mta& mta, Message& m);
  // Writes the record; returns the error without logging or replying.
  Result<void> write_audit_record(Message& m);

  void capture_macros(Mta& mta);
  void capture_queue_id(Mta& mta);  // the current message's, from macro i
  Message& message();
  std::string queue_id() const;

  std::shared_ptr<const Config> cfg_;
  Clock clock_;
  SessionOptions options_;
  SessionServices services_;
  bool connected_ = false;  // a live connection: there is a current hop
  provenance::HopMacros macros_;
  std::unique_ptr<Message> msg_;
  unsigned long quiet_stages_ = 0;
  std::optional<QuietFailure> quiet_failure_;
  int tcp_fd_ = -1;
  MessageReport report_;
};

}  // namespace phi

#endif
