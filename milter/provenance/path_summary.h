// NAME
//   path_summary - the weakest link of a message's whole path, and its header
// SYNOPSIS
//   struct PathSummary { hops, encrypted, plaintext, unknown, internal,
//                        weakest, first_plaintext_by, lowest_version, dkim };
//   PathSummary summarize(const std::vector<Hop>& newest_first);
//   std::string format_summary_header(const PathSummary&,
//                                     std::string_view authserv_id, std::time_t);
//   int tls_version_rank(std::string_view normalised_version);
// DESCRIPTION
//   summarize() counts the hops per TLS state and finds the weakest hop
//   that is not internal (plaintext < unknown < encrypted). When every hop
//   is internal, weakest is "internal"; with no hop at all it is
//   "unknown". first_plaintext_by is the `by` host of the oldest plaintext
//   hop (the first place the message travelled in the clear);
//   lowest_version the lowest TLS version recorded on any hop. The caller
//   fills in `dkim`.
//
//   format_summary_header() writes the summary header in the same syntax as
//   the per-hop header (hop_header.h):
//
//     mx.example.org; hops=3; encrypted=2; plaintext=1; unknown=0;
//       internal=0; weakest=plaintext; first-plaintext-by=relay.example.net;
//       lowest-version=TLSv1.2; dkim=pass; dkim-domain=example.net;
//       time=2026-12-02T05:00:00Z
//
//   (one line; folded here for reading). first-plaintext-by,
//   lowest-version and dkim-domain are left out when empty.
// THREADS
//   Pure; any thread.
#ifndef PHI_PROVENANCE_PATH_SUMMARY_H
#define PHI_PROVENANCE_PATH_SUMMARY_H

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "milter/provenance/dkim.h"
#include "milter/provenance/hop.h"

namespace phi::provenance {

struct PathSummary {
  size_t hops = 0, encrypted = 0, plaintext = 0, unknown = 0, internal = 0;
  TlsState weakest = TlsState::Unknown;
  std::string first_plaintext_by;
  std::string lowest_version;
  DkimOutcome dkim;
};

PathSummary summarize(const std::vector<Hop>& newest_first);

std::string format_summary_header(const PathSummary& s, std::string_view authserv_id, std::time_t when);

// 0 for SSLv3, 1 TLSv1, 2 TLSv1.1, 3 TLSv1.2, 4 TLSv1.3; -1 otherwise.
int tls_version_rank(std::string_view v);

}  // namespace phi::provenance

#endif
