// path_summary - counts, weakest link and the summary header (see path_summary.h).
#include "milter/provenance/path_summary.h"

#include "milter/provenance/hop_header.h"
#include "milter/util/sanitize.h"

namespace phi::provenance {
namespace {

int strength(TlsState s) {
  switch (s) {
    case TlsState::Plaintext: return 0;
    case TlsState::Unknown: return 1;
    case TlsState::Encrypted: return 2;
    case TlsState::Internal: break;
  }
  return 3;
}


}  // namespace

int tls_version_rank(std::string_view v) {
  if (v == "SSLv3") return 0;
  if (v == "TLSv1") return 1;
  if (v == "TLSv1.1") return 2;
  if (v == "TLSv1.2") return 3;
  if (v == "TLSv1.3") return 4;
  return -1;
}

PathSummary summarize(const std::vector<Hop>& newest_first) {
  PathSummary s;
  s.hops = newest_first.size();
  bool any_external = false;
  int lowest = 99;
  for (const auto& h : newest_first) {
    switch (h.tls) {
      case TlsState::Encrypted: ++s.encrypted; break;
      case TlsState::Plaintext: ++s.plaintext; s.first_plaintext_by = h.by; break;  // last seen = oldest
      case TlsState::Unknown: ++s.unknown; break;
      case TlsState::Internal: ++s.internal; break;
    }
    if (h.tls != TlsState::Internal) {
      if (!any_external || strength(h.tls) < strength(s.weakest)) s.weakest = h.tls;
      any_external = true;
    }
    int r = tls_version_rank(h.version);
    if (r >= 0 && r < lowest) { lowest = r; s.lowest_version = h.version; }
  }
  if (!any_external) s.weakest = s.hops ? TlsState::Internal : TlsState::Unknown;
  return s;
}

std::string format_summary_header(const PathSummary& s, std::string_view authserv_id, std::time_t when) {
  std::string out = format_authserv_id(authserv_id);
  append_header_param(out, "hops", std::to_string(s.hops));
  append_header_param(out, "encrypted", std::to_string(s.encrypted));
  append_header_param(out, "plaintext", std::to_string(s.plaintext));
  append_header_param(out, "unknown", std::to_string(s.unknown));
  append_header_param(out, "internal", std::to_string(s.internal));
  append_header_param(out, "weakest", tls_state_name(s.weakest));
  append_header_param(out, "first-plaintext-by", s.first_plaintext_by);
  append_header_param(out, "lowest-version", s.lowest_version);
  append_header_param(out, "dkim", dkim_result_name(s.dkim.result));
  append_header_param(out, "dkim-domain", s.dkim.domain);
  append_header_param(out, "time", format_utc_time(when));
  return out;
}

}  // namespace phi::provenance
