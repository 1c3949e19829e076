// hop_header - this hop from the MTA macros, and its header value.
#include "milter/provenance/hop_header.h"

#include <charconv>

#include "milter/util/files.h"
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

std::string format_utc_time(std::time_t when) { return format_utc(when); }

std::string format_authserv_id(std::string_view authserv_id) {
  std::string out = sanitize_header_text(authserv_id, kMaxHeaderValueBytes);
  // The authserv-id must be a token; anything else would make the header unparsable.
  for (auto& c : out)
    if (c == ';' || c == ' ' || c == '"' || c == '=') c = '_';
  return out;
}

void append_header_param(std::string& out, std::string_view key, std::string_view value) {
  if (value.empty()) return;
  out += "; ";
  out += key;
  out += '=';
  out += quote_header_value(value, kMaxHeaderValueBytes);
}

std::string format_hop_header(const Hop& hop, std::string_view authserv_id, std::time_t when) {
  std::string out = format_authserv_id(authserv_id);
  append_header_param(out, "tls", tls_state_name(hop.tls));
  append_header_param(out, "version", hop.version);
  append_header_param(out, "cipher", hop.cipher);
  if (hop.bits > 0) append_header_param(out, "bits", std::to_string(hop.bits));
  append_header_param(out, "verify", hop.verify);
  append_header_param(out, "from", hop.from);
  append_header_param(out, "addr", hop.addr);
  append_header_param(out, "cert-subject", hop.cert_subject);
  append_header_param(out, "cert-issuer", hop.cert_issuer);
  append_header_param(out, "auth", hop.authenticated ? "yes" : "no");
  append_header_param(out, "time", format_utc_time(when));
  return out;
}

std::string_view HeaderFields::get(std::string_view key) const {
  for (const auto& [k, v] : values)
    if (k == key) return v;
  return {};
}

namespace {

// Reads a token or a quoted string at s[i]; advances i past it.
std::string read_value(std::string_view s, size_t& i) {
  std::string v;
  if (i < s.size() && s[i] == '"') {
    for (++i; i < s.size() && s[i] != '"'; ++i) {
      if (s[i] == '\\' && i + 1 < s.size()) ++i;
      v += s[i];
    }
    if (i < s.size()) ++i;
    return v;
  }
  while (i < s.size() && s[i] != ';') v += s[i++];
  return std::string(trim(v));
}

}  // namespace

Result<HeaderFields> parse_header_fields(std::string_view value) {
  if (value.size() > kMaxOurHeaderBytes) return Error{"header longer than " + std::to_string(kMaxOurHeaderBytes) + " bytes"};
  HeaderFields f;
  size_t semi = value.find(';');
  f.authserv_id = std::string(trim(value.substr(0, semi)));
  if (f.authserv_id.empty()) return Error{"no authserv-id"};
  size_t i = semi == std::string_view::npos ? value.size() : semi + 1;
  while (i < value.size()) {
    while (i < value.size() && (is_space(value[i]) || value[i] == ';')) ++i;
    if (i >= value.size()) break;
    size_t eq = i;
    while (eq < value.size() && value[eq] != '=' && value[eq] != ';') ++eq;
    if (eq >= value.size() || value[eq] != '=') return Error{"expected key=value"};
    std::string key = to_lower(trim(value.substr(i, eq - i)));
    i = eq + 1;
    while (i < value.size() && is_space(value[i])) ++i;
    std::string v = read_value(value, i);
    if (f.values.size() >= kMaxOurHeaderKeys) return Error{"more than " + std::to_string(kMaxOurHeaderKeys) + " keys"};
    f.values.emplace_back(std::move(key), std::move(v));
    while (i < value.size() && value[i] != ';') ++i;  // junk after a quoted value
  }
  return f;
}

Result<ParsedHopHeader> parse_hop_header(std::string_view value) {
  auto f = parse_header_fields(value);
  if (!f) return f.error();
  ParsedHopHeader out;
  out.authserv_id = f->authserv_id;
  Hop& h = out.hop;
  h.source = HopSource::OurHeader;
  h.by = sanitize_header_text(f->authserv_id, kMaxHeaderValueBytes);
  auto tls = f->get("tls");
  if (tls == "encrypted") h.tls = TlsState::Encrypted;
  else if (tls == "plaintext") h.tls = TlsState::Plaintext;
  else if (tls == "internal") h.tls = TlsState::Internal;
  else if (tls == "unknown") h.tls = TlsState::Unknown;
  else return Error{"tls= missing or not encrypted|plaintext|internal|unknown"};
  h.version = normalize_tls_version(f->get("version"));
  h.cipher = sanitize_header_text(f->get("cipher"), kMaxHeaderValueBytes);
  auto bits = f->get("bits");
  int b = 0;
  auto [p, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), b);
  h.bits = (ec == std::errc() && p == bits.data() + bits.size() && b > 0 && b < 100000) ? b : 0;
  h.verify = sanitize_header_text(f->get("verify"), kMaxHeaderValueBytes);
  h.from = sanitize_header_text(f->get("from"), kMaxHeaderValueBytes);
  h.addr = sanitize_header_text(f->get("addr"), kMaxHeaderValueBytes);
  h.cert_subject = sanitize_header_text(f->get("cert-subject"), kMaxHeaderValueBytes);
  h.cert_issuer = sanitize_header_text(f->get("cert-issuer"), kMaxHeaderValueBytes);
  h.authenticated = f->get("auth") == "yes";
  h.date = sanitize_header_text(f->get("time"), kMaxHeaderValueBytes);
  return out;
}

}  // namespace phi::provenance
