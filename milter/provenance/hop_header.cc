// hop_header - this hop from the MTA macros, and its header value.
#include "milter/provenance/hop_header.h"

#include <charconv>

#include "milter/util/sanitize.h"
#include "milter/util/strings.h"

namespace phi::provenance {

std::string normalize_tls_version(std::string_view v) {
  std::string s;
  for (char c : v)
    if (c != ' ' && c != '_' && c != '.' && c != 'v' && c != 'V' && c != '-') s.push_back(ascii_lower(c));
  // s is now e.g. "tls13", "tls12", "tls1", "tls10", "tls11"
  if (s == "tls13") return "TLSv1.3";
  if (s == "tls12") return "TLSv1.2";
  if (s == "tls11") return "TLSv1.1";
  if (s == "tls1" || s == "tls10") return "TLSv1";
  if (s == "ssl3" || s == "ssl30") return "SSLv3";
  return "";
}

Hop hop_from_macros(const HopMacros& m) {
  Hop h;
  h.source = HopSource::Macros;
  h.by = m.receiver;
  h.from = m.client_name.empty() ? m.helo : m.client_name;
  h.addr = m.client_addr;
  h.version = normalize_tls_version(m.tls_version);
  if (h.version.empty() && !m.tls_version.empty()) h.version = sanitize_header_text(m.tls_version, 32);
  h.cipher = m.cipher;
  int bits = 0;
  auto [p, ec] = std::from_chars(m.cipher_bits.data(), m.cipher_bits.data() + m.cipher_bits.size(), bits);
  h.bits = (ec == std::errc() && bits > 0 && bits < 100000) ? bits : 0;
  h.verify = m.verify;
  h.cert_subject = m.cert_subject;
  h.cert_issuer = m.cert_issuer;
  h.authenticated = !m.auth_authen.empty();
  h.tls = (!m.tls_version.empty() || !m.cipher.empty()) ? TlsState::Encrypted : TlsState::Plaintext;
  return h;
}

std::string format_utc_time(std::time_t when) {
  std::tm tm{};
  gmtime_r(&when, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {

void put(std::string& out, std::string_view key, std::string_view value) {
  if (value.empty()) return;
  out += "; ";
  out += key;
  out += '=';
  out += quote_header_value(value, kMaxHeaderValueBytes);
}

}  // namespace

std::string format_hop_header(const Hop& hop, std::string_view authserv_id, std::time_t when) {
  std::string out = sanitize_header_text(authserv_id, kMaxHeaderValueBytes);
  // The authserv-id must be a token; anything else would make the header unparsable.
  for (auto& c : out)
    if (c == ';' || c == ' ' || c == '"' || c == '=') c = '_';
  put(out, "tls", tls_state_name(hop.tls));
  put(out, "version", hop.version);
  put(out, "cipher", hop.cipher);
  if (hop.bits > 0) put(out, "bits", std::to_string(hop.bits));
  put(out, "verify", hop.verify);
  put(out, "from", hop.from);
  put(out, "addr", hop.addr);
  put(out, "cert-subject", hop.cert_subject);
  put(out, "cert-issuer", hop.cert_issuer);
  put(out, "auth", hop.authenticated ? "yes" : "no");
  put(out, "time", format_utc_time(when));
  return out;
}

}  // namespace phi::provenance
