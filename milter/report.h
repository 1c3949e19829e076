// NAME
//   report - what phimilter concluded about one message, and its JSON form
// SYNOPSIS
//   struct MessageReport { queue_id, hops, stamped, ... };
//   std::string format_report_json(std::string_view file, const MessageReport&);
// DESCRIPTION
//   The session fills a MessageReport at end of message; test mode prints it
//   as one JSON object per line (schema in DESIGN.md and phimilter(8)):
//   "file", "phi", "pii", "score", "phi_in_subject", "categories",
//   "findings" (masked), "uninspected", "provenance" {"hops", "summary"},
//   "stamped" (headers we added),
//   "removed" (forged headers we deleted), "direction", "mode",
//   "decisions" [{"recipient", "action", "rule", "enforced"}], "reply"
//   (the policy's refusal, or null), "quarantine" (the reason, or null),
//   "escrow" (null, or {"id" (null when nothing was written, as in test
//   mode without -E), "rule", "recipients"}), "config". Field names are stable:
//   add fields freely, never rename.
// THREADS
//   Pure; any thread.
#ifndef PHI_MILTER_REPORT_H
#define PHI_MILTER_REPORT_H

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "milter/provenance/hop.h"
#include "milter/provenance/path_summary.h"
#include "policy/classifier.h"

namespace phi {

struct Config;

// What was decided for one recipient, and whether it was carried out.
struct RecipientOutcome {
  std::string recipient;
  std::string action;   // accept, tag, quarantine, reject, tempfail, escrow, route-tls
  std::string rule;     // name of the matching policy rule ("" = none matched)
  bool enforced = true; // false in Mode monitor
};

struct MessageReport {
  std::string queue_id;
  std::vector<std::string> recipients;
  // Newest first: this hop (when there is a live connection), then the
  // hops learnt from the message's header.
  std::vector<provenance::Hop> hops;
  provenance::PathSummary summary;  // over `hops`, with the DKIM result
  bool has_summary = false;
  std::vector<std::pair<std::string, std::string>> stamped;  // headers added
  size_t removed_forged = 0;                                 // our headers from outside, deleted
  policy::Verdict verdict;  // classification of the decoded content
  bool has_verdict = false;
  std::string direction;                   // inbound or outbound ("" before policy ran)
  std::string mode;                        // enforce or monitor ("" before policy ran)
  std::string reply;                       // "550 5.7.1 text" when the policy refused the message
  std::string quarantine;                  // quarantine reason, when the message was held
  std::vector<RecipientOutcome> decisions;  // one per envelope recipient, in order
  std::string escrow_id;                   // escrow entry, when one was written
  std::string escrow_rule;                 // rule that escrowed ("" = nothing escrowed)
  std::vector<std::string> escrow_recipients;  // recipients escrowed (they get notices)
};

std::string format_report_json(std::string_view file, const MessageReport& r, const Config& cfg);

}  // namespace phi

#endif
