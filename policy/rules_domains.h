// NAME
//   rules_domains - a list of mail domains, Postfix-style
// SYNOPSIS
//   Result<DomainList> DomainList::parse(const std::vector<std::string>& items);
//   bool list.contains(std::string_view domain);
//   std::string domain_of(std::string_view address);
//   bool valid_domain(std::string_view domain);
// DESCRIPTION
//   An item "example.org" matches that domain only; ".example.org" matches
//   every domain below example.org but not example.org itself, as in
//   Postfix tables. Matching ignores case and one trailing dot. Items must
//   be domain names (letters, digits, '-', '_' and dots, at most 253
//   bytes); anything else is an error naming the item.
//   domain_of() returns the lower-cased part after the last '@' of an
//   envelope address (angle brackets removed), or "" when there is none.
// INPUT
//   Untrusted domains and addresses; work is linear in their length.
// THREADS
//   A DomainList is immutable after parse(); any thread.
#ifndef PHI_POLICY_RULES_DOMAINS_H
#define PHI_POLICY_RULES_DOMAINS_H

#include <string>
#include <string_view>
#include <vector>

#include "milter/util/result.h"

namespace phi::policy {

inline constexpr size_t kMaxDomainBytes = 253;

bool valid_domain(std::string_view domain);
std::string domain_of(std::string_view address);

class DomainList {
 public:
  static Result<DomainList> parse(const std::vector<std::string>& items);
  bool contains(std::string_view domain) const;
  bool empty() const { return exact_.empty() && suffixes_.empty(); }

 private:
  std::vector<std::string> exact_;     // lower case
  std::vector<std::string> suffixes_;  // lower case, with the leading '.'
};

}  // namespace phi::policy

#endif
