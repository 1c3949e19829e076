// NAME
//   audit/find - select audit records by Message-ID, sender, recipient, time
// SYNOPSIS
//   bool record_matches(const ParsedRecord& r, const FindQuery& q);
// DESCRIPTION
//   Every criterion that is set must hold. Message-IDs compare without
//   their angle brackets; addresses compare without regard to case (and
//   without angle brackets); since and until (unix seconds) are inclusive.
//   A recipient matches a message record's recipients[].address or a
//   release/purge record's recipients[]. Records of kind start and
//   checkpoint match only a query with no address or Message-ID criterion.
// THREADS
//   Pure; any thread.
#ifndef PHI_AUDIT_FIND_H
#define PHI_AUDIT_FIND_H

#include <cstdint>
#include <optional>
#include <string>

#include "milter/audit/record.h"

namespace phi::audit {

struct FindQuery {
  std::string message_id, sender, recipient;
  std::optional<int64_t> since, until;
};

bool record_matches(const ParsedRecord& r, const FindQuery& q);

}  // namespace phi::audit

#endif
