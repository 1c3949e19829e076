// NAME
//   hop - the model of one hop of a message's path and its TLS state
// SYNOPSIS
//   enum class TlsState { Encrypted, Plaintext, Unknown, Internal };
//   struct Hop { by, from, addr, with, tls, version, cipher, bits, verify, ... };
//   std::string_view tls_state_name(TlsState);
// DESCRIPTION
//   A Hop says how a message travelled from one host to the next, whether
//   it was learnt from the MTA's macros for the hop phimilter sees, from a
//   Received: field, or from one of our own earlier provenance headers.
//   tls is Encrypted only when the source shows TLS; Plaintext when it shows
//   an SMTP protocol without TLS between two hosts; Internal for a hand-off
//   within one host or between InternalHosts; Unknown when nothing is
//   recorded. version is normalised to TLSv1, TLSv1.1, TLSv1.2 or TLSv1.3.
// THREADS
//   A value type.
#ifndef PHI_PROVENANCE_HOP_H
#define PHI_PROVENANCE_HOP_H

#include <optional>
#include <string>
#include <string_view>

namespace phi::provenance {

enum class TlsState { Encrypted, Plaintext, Unknown, Internal };

constexpr std::string_view tls_state_name(TlsState s) {
  switch (s) {
    case TlsState::Encrypted: return "encrypted";
    case TlsState::Plaintext: return "plaintext";
    case TlsState::Internal: return "internal";
    case TlsState::Unknown: break;
  }
  return "unknown";
}

enum class HopSource { Macros, Received, OurHeader };

struct Hop {
  HopSource source = HopSource::Received;
  std::string by;        // receiving host
  std::string from;      // sending host as named (HELO or reverse DNS)
  std::string addr;      // sending host's IP address, without brackets
  std::string with;      // protocol, e.g. ESMTPS, as written
  std::string id;        // receiving host's queue id
  std::string date;      // date clause as written
  TlsState tls = TlsState::Unknown;
  std::string version;   // normalised TLS version, empty when not recorded
  std::string cipher;    // cipher suite name, empty when not recorded
  int bits = 0;          // symmetric key bits, 0 when not recorded
  std::string verify;    // certificate verification (OK, FAIL, NONE, NO, ...), empty when not recorded
  std::string cert_subject;
  std::string cert_issuer;
  bool authenticated = false;  // SMTP AUTH was used on this hop
};

// Normalises "TLS1_3", "TLSv1.3", "tls1.3", "TLS 1.3" ... to "TLSv1.3";
// returns "" for anything that is not a TLS version.
std::string normalize_tls_version(std::string_view v);

}  // namespace phi::provenance

#endif
