// NAME
//   rules_parser - read the policy file into a RuleSet
// SYNOPSIS
//   Result<RuleSet> parse_rules(std::string_view text, const std::string& file_name);
//   Result<RuleSet> load_rules(const std::string& path);
//   std::string default_policy_path();
// DESCRIPTION
//   One rule per logical line; a line that starts with white space
//   continues the rule above; lines whose first non-blank character is '#'
//   are comments:
//
//     rule NAME [if CONDITION] then ACTION [and tag]
//
//   CONDITION is atoms joined by "and" (binds tighter) and "or", each atom
//   optionally preceded by "not": outbound, inbound, direction outbound|
//   inbound, phi, pii, phi-in-subject, uninspected, tls-mandatory,
//   never-secure, local-delivery, always, category LIST ("*" = any), score >= NUMBER (0..1),
//   sender-domain LIST, recipient-domain LIST, hop-tls LIST, path-tls LIST
//   (TLS states encrypted, plaintext, unknown, internal). A LIST is items
//   separated by commas, with or without blanks after them.
//   ACTION is accept, tag, escrow, route-tls, quarantine ["reason"],
//   reject [5XX] [5.7.N] ["text"], tempfail [4XX] [4.7.N] ["text"].
//   Texts are double-quoted (\" and \\ escape), printable ASCII, at most
//   kMaxReplyText bytes. Rule names are unique. Every error names
//   "file:line". phimilter.conf(5) is the user documentation.
//   default_policy_path() is PHI_PKGDATADIR/default.policy when it exists,
//   else the source tree's policy/data/default.policy.
// INPUT
//   A configuration file, still bounded: kMaxPolicyBytes, kMaxRules,
//   kMaxLineBytes, kMaxRuleTokens; parsing is linear.
// THREADS
//   Pure (load_rules reads one file); any thread.
#ifndef PHI_POLICY_RULES_PARSER_H
#define PHI_POLICY_RULES_PARSER_H

#include <string>
#include <string_view>
#include <vector>

#include "milter/util/result.h"
#include "policy/rules.h"

namespace phi::policy {

inline constexpr size_t kMaxPolicyBytes = 1 << 20;
inline constexpr size_t kMaxRules = 10000;
inline constexpr size_t kMaxLineBytes = 8192;
inline constexpr size_t kMaxRuleTokens = 1000;
inline constexpr size_t kMaxReplyText = 200;
inline constexpr size_t kMaxRuleName = 64;

Result<RuleSet> parse_rules(std::string_view text, const std::string& file_name);
Result<RuleSet> load_rules(const std::string& path);
std::string default_policy_path();

// Every category a rule names is "*" or one of `known` (the classifier's
// category_names()): a misspelt one would never match. The error names
// "file:line" and lists the known categories.
Result<void> check_categories(const RuleSet& rules, const std::vector<std::string>& known);

}  // namespace phi::policy

#endif
