// NAME
//   hop_header - format this hop's provenance header from the MTA's macros
// SYNOPSIS
//   struct HopMacros { client_name, client_addr, tls_version, cipher, ... };
//   Hop hop_from_macros(const HopMacros&);
//   std::string format_hop_header(const Hop&, std::string_view authserv_id,
//                                 std::time_t when);
//   Result<HeaderFields> parse_header_fields(std::string_view value);
//   Result<ParsedHopHeader> parse_hop_header(std::string_view value);
// DESCRIPTION
//   hop_from_macros() turns the values libmilter reports for the current
//   connection ({tls_version}, {cipher}, {cipher_bits}, {cert_subject},
//   {cert_issuer}, {verify}, {auth_authen}, j, and the connect callback's
//   host name and address) into a Hop: Encrypted when a TLS version or
//   cipher is present, Plaintext otherwise.
//
//   format_hop_header() writes the value of the per-hop header, in the
//   key=value; syntax of RFC 8601 with the authserv-id first:
//
//     mx.example.org; tls=encrypted; version=TLSv1.3;
//       cipher=TLS_AES_256_GCM_SHA384; bits=256; verify=OK;
//       from=client.example.net; addr=192.0.2.4; auth=no;
//       time=2026-12-02T05:00:00Z
//
//   (one line; folded here for reading). Keys whose value was not recorded
//   are left out; tls is always present. Every value passes through
//   quote_header_value(): no CR, LF or control character is ever written,
//   each value is at most kMaxHeaderValueBytes, and a value with characters
//   outside a token is double-quoted.
//
//   parse_header_fields() reads that syntax back (used for both our
//   headers): the authserv-id, then key=value pairs separated by ';',
//   values either tokens or quoted strings with '\' escapes. Keys are
//   lower-cased; unknown keys are kept. parse_hop_header() turns a per-hop
//   header into a Hop (source OurHeader, by = the authserv-id), so that
//   our own earlier hops, relayed to us internally, are counted.
// INPUT
//   parse_*: untrusted header values, at most kMaxOurHeaderBytes bytes and
//   kMaxOurHeaderKeys keys (more is an error); linear time; never throws.
// THREADS
//   Pure; any thread.
#ifndef PHI_PROVENANCE_HOP_HEADER_H
#define PHI_PROVENANCE_HOP_HEADER_H

#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "milter/provenance/hop.h"
#include "milter/util/result.h"

namespace phi::provenance {

inline constexpr size_t kMaxHeaderValueBytes = 200;

struct HopMacros {
  std::string receiver;      // j: this host's name
  std::string client_name;   // connect callback host name
  std::string client_addr;   // connect callback address, no brackets
  std::string helo;          // HELO/EHLO argument
  std::string tls_version;   // {tls_version}
  std::string cipher;        // {cipher}
  std::string cipher_bits;   // {cipher_bits}
  std::string cert_subject;  // {cert_subject}
  std::string cert_issuer;   // {cert_issuer}
  std::string verify;        // {verify} (Sendmail)
  std::string auth_authen;   // {auth_authen}
};

Hop hop_from_macros(const HopMacros& m);

std::string format_hop_header(const Hop& hop, std::string_view authserv_id, std::time_t when);

// Shared by our header writers (per-hop and summary): the authserv-id as a
// token (';', blank, '"' and '=' become '_'), and "; key=value" with the
// value through quote_header_value(), left out when empty.
std::string format_authserv_id(std::string_view authserv_id);
void append_header_param(std::string& out, std::string_view key, std::string_view value);

inline constexpr size_t kMaxOurHeaderBytes = 4096;
inline constexpr size_t kMaxOurHeaderKeys = 32;

struct HeaderFields {
  std::string authserv_id;
  std::vector<std::pair<std::string, std::string>> values;  // key (lower case), unquoted value
  // The value of `key`, or "" when absent.
  std::string_view get(std::string_view key) const;
};

Result<HeaderFields> parse_header_fields(std::string_view value);

struct ParsedHopHeader {
  std::string authserv_id;
  Hop hop;
};

Result<ParsedHopHeader> parse_hop_header(std::string_view value);

// RFC 3339 UTC timestamp, e.g. 2026-12-02T05:00:00Z.
std::string format_utc_time(std::time_t when);

}  // namespace phi::provenance

#endif
