// NAME
//   enforce_plan - from per-recipient decisions to what is done to one message
// SYNOPSIS
//   Facts message_facts(const Verdict&, Direction, sender, hop_tls, path_weakest);
//   Facts recipient_facts(const Facts& message, recipient, const Posture&, bool local_delivery);
//   bool is_local_transport(std::string_view rcpt_mailer, const std::vector<std::string>& local_transports);
//   Plan plan_message(const std::vector<Decision>& per_recipient, Mode);
//   std::string format_tag_value(authserv_id, const Verdict&, show_categories, const Plan&);
//   std::string format_policy_log(Direction, Mode, decisions, const Plan&);
// DESCRIPTION
//   The policy decides per recipient (rules.h); at end of message the MTA
//   can only act on the whole message, except for removing recipients.
//   plan_message() turns the recipients' decisions into one plan:
//
//   - reject or tempfail for any recipient refuses the whole message
//     (reject wins over tempfail; the first such recipient's rule gives the
//     codes and text). A milter cannot refuse single recipients at end of
//     message, and refusing is the only answer that loses nothing and tells
//     the sender. Nothing else is done then.
//   - escrow recipients are collected (their indexes) and handed to escrow
//     together; escrow removes them from the delivered copy.
//   - quarantine for any remaining recipient holds the whole message (the
//     hold queue keeps one copy for all remaining recipients); the first
//     quarantine rule's reason (default "policy rule NAME") is used.
//   - route-tls for any remaining recipient adds the route-tls header to
//     the message, so every remaining recipient is delivered over mandatory
//     TLS. Recipients decided "accept" on the same message go over mandatory
//     TLS too: at worst their delivery defers when their domain offers no
//     TLS; PHI never goes out in plaintext because of a mixed message.
//   - the classification tag is added when any decision asks for it.
//   In Mode monitor nothing is enforced: the plan only tags (always, so that
//   every monitored message shows what would have happened) and
//   monitor_actions lists the actions that would have been taken.
//
//   message_facts() fills the parts of Facts shared by all recipients;
//   recipient_facts() adds one recipient's address, domain and posture,
//   and whether the MTA delivers it on this host. is_local_transport() is
//   true when rcpt_mailer (the MTA's {rcpt_mailer} macro for the recipient)
//   is exactly one of local_transports (LocalTransports); an empty
//   rcpt_mailer (no macro) is never local.
//   format_tag_value() is "<authserv-id>; phi=yes; pii=no; score=0.97"
//   [+ "; categories=ssn,icd10"] [+ "; mode=monitor; actions=escrow,tag"
//   when the plan is not enforced],
//   header-safe (no CR/LF, at most kMaxTagBytes). format_policy_log() is the
//   one log line per message: counts per action and the deciding rules'
//   names, never an address or content.
// INPUT
//   Verdict and addresses come from untrusted mail; categories are the
//   classifier's names. All output is bounded.
// THREADS
//   Pure; any thread.
#ifndef PHI_POLICY_ENFORCE_PLAN_H
#define PHI_POLICY_ENFORCE_PLAN_H

#include <string>
#include <string_view>
#include <vector>

#include "policy/classifier.h"
#include "policy/rules.h"

namespace phi::policy {

inline constexpr size_t kMaxTagBytes = 900;        // classification tag value
inline constexpr size_t kMaxLoggedRules = 20;      // rule names in the policy log line
inline constexpr const char* kDefaultRejectText = "Message refused by the PHI encryption policy";
inline constexpr const char* kDefaultTempfailText = "Message deferred by the PHI encryption policy, try again later";

enum class Outcome { Deliver, Reject, Tempfail };

struct Plan {
  Outcome outcome = Outcome::Deliver;
  std::string smtp_code;     // Reject / Tempfail: "550", "451"
  std::string status_code;   // Reject / Tempfail: "5.7.1", "4.7.1"
  std::string text;          // Reject / Tempfail reply text
  std::string refusing_rule;
  std::vector<size_t> escrow;   // recipient indexes, ascending
  std::string escrow_rule;      // names of the escrowing rules, comma-separated, first-seen order
  bool quarantine = false;
  std::string quarantine_reason;
  bool route_tls = false;
  bool tag = false;
  bool enforced = true;                      // false in Mode monitor
  std::vector<std::string> monitor_actions;  // Mode monitor: distinct actions that would be taken
  std::vector<size_t> local_escrowed;        // local accept/tag recipients escrowed because of route-tls
};

Facts message_facts(const Verdict& v, Direction d, std::string_view sender, std::string_view hop_tls,
                    std::string_view path_weakest);
Facts recipient_facts(const Facts& message, std::string_view recipient, const Posture& posture,
                      bool local_delivery = false);
bool is_local_transport(std::string_view rcpt_mailer, const std::vector<std::string>& local_transports);

Plan plan_message(const std::vector<Decision>& decisions, Mode mode);

std::string format_tag_value(std::string_view authserv_id, const Verdict& v, bool show_categories, const Plan& plan);

std::string format_policy_log(Direction d, Mode mode, const std::vector<Decision>& decisions, const Plan& plan);

}  // namespace phi::policy

#endif
