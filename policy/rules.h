// NAME
//   rules - the ordered encryption policy: facts in, one decision per recipient
// SYNOPSIS
//   Decision decide(const RuleSet& rules, const Facts& facts);
//   const char* format_action(Action);
//   Result<RuleSet> parse_rules(text, file_name);   // rules_parser.h
// DESCRIPTION
//   A RuleSet is a list of named rules tried in order; the first rule whose
//   condition holds decides. A condition is a disjunction ("or") of
//   conjunctions ("and") of possibly negated atoms (Cond). When no rule
//   matches, the decision is accept with rule name "" (the shipped policy
//   ends with an explicit catch-all rule).
//
//   Facts describe one message as seen for one recipient: the classifier's
//   verdict (phi, pii, score, categories, phi_in_subject, uninspected
//   parts), the direction, the sender and recipient domains, the
//   recipient's TLS posture (tls_posture.h) and the TLS state of this hop
//   and the weakest hop of the path ("encrypted", "plaintext", "unknown",
//   "internal"), and whether the MTA delivers the recipient on this host
//   (local_delivery: its {rcpt_mailer} macro names one of LocalTransports;
//   false when the MTA sent no such macro). Mixed recipients are decided one
//   by one with their own Facts. A Decision carries the recipient's
//   local_delivery along, for plan_message() (enforce_plan.h).
//
//   The RuleSet also carries the policy settings the daemon honours:
//   mode (enforce or monitor: in monitor mode every decision is computed,
//   logged and tagged but not enforced), whether the tag header shows the
//   categories, and the name of the route-tls header.
// THREADS
//   A RuleSet is immutable after parsing; decide() is pure; any thread.
#ifndef PHI_POLICY_RULES_H
#define PHI_POLICY_RULES_H

#include <map>
#include <string>
#include <vector>

#include "policy/direction.h"
#include "policy/rules_domains.h"
#include "policy/tls_posture.h"

namespace phi::policy {

struct Facts {
  Direction direction = Direction::Inbound;
  bool phi = false;
  bool pii = false;
  double score = 0;
  std::map<std::string, int> categories;  // category -> count of findings
  bool phi_in_subject = false;
  bool has_uninspected = false;           // some part could not be inspected
  std::string sender_domain;              // lower case, "" for the null sender
  std::string recipient;                  // envelope address, as given
  std::string recipient_domain;           // lower case
  Posture posture;                        // of recipient_domain
  std::string hop_tls;                    // this hop: encrypted|plaintext|unknown|internal
  std::string path_weakest;               // weakest hop of the whole path, same values
  bool local_delivery = false;            // the MTA's {rcpt_mailer} is one of LocalTransports
};

enum class CondKind {
  Outbound, Inbound, Phi, Pii, PhiInSubject, Uninspected, TlsMandatory, NeverSecure,
  LocalDelivery,    // facts.local_delivery
  Category,         // any of `words` has a count > 0; "*" = any category at all
  ScoreAtLeast,     // facts.score >= number
  SenderDomain,     // facts.sender_domain in domains
  RecipientDomain,  // facts.recipient_domain in domains
  HopTls,           // facts.hop_tls is one of `words`
  PathTls,          // facts.path_weakest is one of `words`
  Always,
};

struct Cond {
  CondKind kind = CondKind::Always;
  bool negated = false;
  std::vector<std::string> words;  // categories or TLS states
  DomainList domains;
  double number = 0;
  size_t line = 0;  // where the condition is in the file
};

enum class Action { Accept, Tag, Quarantine, Reject, Tempfail, Escrow, RouteTls };

struct Rule {
  std::string name;
  size_t line = 0;                           // where it starts in the file
  std::vector<std::vector<Cond>> any_of;     // OR of ANDs; empty = always
  Action action = Action::Accept;
  bool tag = false;                          // also add the classification tag
  std::string smtp_code;                     // reject/tempfail: "550" / "451"
  std::string status_code;                   // reject/tempfail: "5.7.1" / "4.7.1"
  std::string text;                          // reject/tempfail reply text, quarantine reason
};

enum class Mode { Enforce, Monitor };

struct RuleSet {
  std::string source;  // file the rules came from
  std::vector<Rule> rules;
  Mode mode = Mode::Enforce;
  bool tag_show_categories = false;
  std::string route_tls_header = "X-PHI-Route";
};

struct Decision {
  Action action = Action::Accept;
  std::string rule;         // name of the deciding rule, "" when none matched
  bool tag = false;         // add the classification tag (always true for Tag)
  std::string smtp_code;    // Reject / Tempfail
  std::string status_code;  // Reject / Tempfail
  std::string text;         // reply text (Reject / Tempfail) or quarantine reason
  bool local_delivery = false;  // copied from the recipient's Facts (enforce_plan.h)
};

bool matches(const Cond& c, const Facts& f);
Decision decide(const RuleSet& rules, const Facts& facts);

const char* format_action(Action a);  // "accept", "route-tls", ...
const char* format_mode(Mode m);      // "enforce" / "monitor"
const char* format_cond_kind(CondKind k);

// Value of the route-tls header; contrib/postfix/route-tls.header_checks matches it.
inline constexpr const char* kRouteTlsValue = "mandatory-tls";

}  // namespace phi::policy

#endif
