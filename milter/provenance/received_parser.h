// NAME
//   received_parser - split one Received: field body into its clauses
// SYNOPSIS
//   struct ReceivedLimits { max_bytes, max_clauses, max_comment_depth };
//   struct ReceivedParts { from, by, via, with, id, for_, date, clauses, ... };
//   Result<ReceivedParts> parse_received(std::string_view body,
//                                        const ReceivedLimits& = {});
// DESCRIPTION
//   Splits the body of a Received: field (RFC 5321 section 4.4, RFC 5322
//   section 3.6.7) into its clauses: from, by, via, with, id, for, the
//   clauses registered later (tls, RFC 8314 section 4.3) and any other
//   keyword an MTA writes (envelope-from, ...), each with the comments that
//   follow it, and the date after the last top-level ';'. Keywords are
//   matched without regard to case. A clause's value is every word up to
//   the next keyword, so "with Microsoft SMTP Server" keeps its three
//   words. Text the SMTP client chose is not read as clauses: the value of
//   a leading "from" (the HELO name, which Postfix writes as given, spaces
//   included) runs up to the first comment, the TCP-info part the MTA
//   writes, and holds no keyword ("from tls X (unknown [addr]) by ..." has
//   from "tls X"); only a field without such a comment is read again with
//   the from value ending at the first "by" ("from alice by host with
//   local"). A tls clause is recognised only after a with clause, where
//   Exim and RFC 8314 put it. A comment that starts with HELO, EHLO or
//   LHLO (qmail, IronPort: the client's argument) ends at the first ')',
//   so a '(' in it neither nests nor swallows the by and with clauses; a
//   '(' that is never closed (a Postfix HELO name "a(b") is read as text,
//   not as a comment running to the end of the field.
//   An angle address may hold a quoted local part with '>' in it. Folding (CRLF or bare LF followed by white space) counts as one
//   space; comments nest and may hold quoted pairs; domain literals such as
//   [IPv6:2001:db8::1] and <angle addresses> are single words; a clause
//   that is missing is simply empty. Comments that come before the first
//   keyword (qmail's "(qmail 123 invoked by uid 89)") are kept in
//   `leading_comments`.
// INPUT
//   Untrusted. The body is cut at max_bytes (kMaxReceivedBytes) and at most
//   max_clauses (kMaxReceivedClauses) clauses are kept; either sets
//   `truncated`. Comments nested deeper than max_comment_depth
//   (kMaxCommentDepth) make the field an error. A body with no keyword, no
//   comment and no date is an error. At most two passes over the bytes:
//   linear time.
//   Never throws.
// THREADS
//   Pure; any thread.
#ifndef PHI_PROVENANCE_RECEIVED_PARSER_H
#define PHI_PROVENANCE_RECEIVED_PARSER_H

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "milter/util/result.h"

namespace phi::provenance {

inline constexpr size_t kMaxReceivedBytes = 16 * 1024;
inline constexpr size_t kMaxReceivedClauses = 64;
inline constexpr size_t kMaxCommentDepth = 8;
// Comments kept per clause; further comments are dropped (and `truncated` set).
inline constexpr size_t kMaxReceivedComments = 32;

struct ReceivedLimits {
  size_t max_bytes = kMaxReceivedBytes;
  size_t max_clauses = kMaxReceivedClauses;
  size_t max_comment_depth = kMaxCommentDepth;
};

struct ReceivedClause {
  std::string keyword;                // lower case: "from", "by", "with", "tls", "envelope-from", ...
  std::string value;                  // words up to the next keyword, single-spaced
  std::vector<std::string> comments;  // text inside each following (...), nested parens kept
};

struct ReceivedParts {
  std::vector<std::string> leading_comments;  // comments before the first keyword
  std::vector<ReceivedClause> clauses;        // every clause, in order, unknown ones too
  // The first clause of each standard keyword (empty when missing).
  std::string from, by, via, with, id, for_;
  std::string date;  // text after the last top-level ';', trimmed
  bool truncated = false;

  // The first clause with this (lower-case) keyword, or nullptr.
  const ReceivedClause* find(std::string_view keyword) const;
};

Result<ReceivedParts> parse_received(std::string_view body, const ReceivedLimits& lim = {});

}  // namespace phi::provenance

#endif
