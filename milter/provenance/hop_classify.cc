// hop_classify - recognise TLS notes and classify a Received hop (see hop_classify.h).
#include "milter/provenance/hop_classify.h"

#include <charconv>

#include "milter/provenance/hop_header.h"
#include "milter/util/sanitize.h"
#include "milter/util/strings.h"

namespace phi::provenance {
namespace {

bool contains_ci(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i)
    if (iequals(hay.substr(i, needle.size()), needle)) return true;
  return false;
}

// Splits on white space and commas.
std::vector<std::string_view> words(std::string_view s) { return split_list(s); }

int parse_bits(std::string_view v) {
  int n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  return (ec == std::errc() && p != v.data() && n > 0 && n < 100000) ? n : 0;
}

std::string clean(std::string_view v) { return sanitize_header_text(v, 128); }

void merge(TlsNote& into, const TlsNote& n) {
  if (!n.found) return;
  into.found = true;
  if (into.version.empty()) into.version = n.version;
  if (into.cipher.empty()) into.cipher = n.cipher;
  if (into.bits == 0) into.bits = n.bits;
  if (into.verify.empty()) into.verify = n.verify;
}

// version=X cipher=Y bits=N[/M] verify=Z, blank or comma separated.
TlsNote kv_note(std::string_view c) {
  TlsNote n;
  for (auto w : words(c)) {
    auto eq = w.find('=');
    if (eq == std::string_view::npos) continue;
    auto k = w.substr(0, eq), v = w.substr(eq + 1);
    if (iequals(k, "version")) n.version = normalize_tls_version(v);
    else if (iequals(k, "cipher")) n.cipher = clean(v);
    else if (iequals(k, "bits")) n.bits = parse_bits(v);
    else if (iequals(k, "verify")) n.verify = clean(v);
  }
  n.found = !n.version.empty() || !n.cipher.empty();
  return n;
}

// Postfix/Stalwart/MDaemon: using TLSv1.3 with cipher X (256/256 bits) ...
TlsNote using_note(std::string_view c) {
  TlsNote n;
  auto w = words(c);
  if (w.size() < 2 || !iequals(w[0], "using")) return n;
  n.version = normalize_tls_version(w[1]);
  for (size_t i = 2; i < w.size(); ++i) {
    if (iequals(w[i], "cipher") && i + 1 < w.size()) n.cipher = clean(w[i + 1]);
    if (n.bits == 0 && istarts_with(w[i], "bits")) {  // "(256/256 bits)" or "(256 bits)"
      auto b = w[i - 1];
      if (!b.empty() && b.front() == '(') b.remove_prefix(1);
      n.bits = parse_bits(b);
    }
  }
  n.found = !n.version.empty() || !n.cipher.empty();
  return n;
}

// Exim/OpenSMTPD: TLS1.3 | TLSv1.2:CIPHER:256 | TLSv1.3:CIPHER:256:NO
TlsNote colon_note(std::string_view c) {
  TlsNote n;
  auto w = words(c);
  if (w.empty()) return n;
  std::string_view rest = w[0];
  std::string_view part[4];
  for (int k = 0; k < 4 && !rest.empty(); ++k) {
    auto colon = rest.find(':');
    part[k] = rest.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
  }
  n.version = normalize_tls_version(part[0]);
  if (n.version.empty()) return n;
  n.found = true;
  n.cipher = clean(part[1]);
  n.bits = parse_bits(part[2]);
  n.verify = clean(part[3]);
  return n;
}

// Courier: [AUTH: LOGIN user, ]TLS: TLSv1.2,256bits,CIPHER
TlsNote courier_note(std::string_view c) {
  TlsNote n;
  auto w = words(c);
  for (size_t i = 0; i < w.size(); ++i) {
    if (!iequals(w[i], "TLS:")) continue;
    n.found = true;
    if (i + 1 < w.size()) n.version = normalize_tls_version(w[i + 1]);
    if (i + 2 < w.size()) n.bits = parse_bits(w[i + 2]);
    if (i + 3 < w.size()) n.cipher = clean(w[i + 3]);
    break;
  }
  return n;
}

// qmail TLS patch: (CIPHER encrypted); Google: (Google Transport Security);
// Exchange 2010: (TLS).
TlsNote word_note(std::string_view c) {
  TlsNote n;
  auto w = words(c);
  if (w.size() == 2 && iequals(w[1], "encrypted")) {
    n.found = true;
    n.cipher = clean(w[0]);
  } else if (iequals(c, "Google Transport Security") || iequals(c, "TLS") || iequals(c, "STARTTLS")) {
    n.found = true;
  }
  return n;
}

TlsNote comment_note(std::string_view c) {
  TlsNote n;
  merge(n, using_note(c));
  merge(n, kv_note(c));
  merge(n, colon_note(c));
  merge(n, courier_note(c));
  merge(n, word_note(c));
  return n;
}

constexpr std::string_view kTlsTypes[] = {"ESMTPS", "ESMTPSA", "LMTPS", "LMTPSA", "UTF8SMTPS", "UTF8SMTPSA",
                                         "UTF8LMTPS", "UTF8LMTPSA", "SMTPS", "SMTPSA"};
constexpr std::string_view kAuthTypes[] = {"ESMTPA", "ESMTPSA", "LMTPA", "LMTPSA", "UTF8SMTPA",
                                          "UTF8SMTPSA", "UTF8LMTPA", "UTF8LMTPSA", "SMTPSA"};
constexpr std::string_view kSmtpTypes[] = {"SMTP", "ESMTP", "ESMTPA", "LMTP", "LMTPA",
                                          "UTF8SMTP", "UTF8SMTPA", "UTF8LMTP", "UTF8LMTPA"};

template <size_t N>
bool in(std::string_view w, const std::string_view (&set)[N]) {
  for (auto s : set)
    if (iequals(w, s)) return true;
  return false;
}

std::string_view first_word(std::string_view s) {
  auto w = words(s);
  return w.empty() ? std::string_view{} : w[0];
}

// IronPort: ESMTP/TLS/CIPHER
TlsNote with_note(std::string_view with) {
  TlsNote n;
  auto fw = first_word(with);
  if (in(fw, kTlsTypes)) n.found = true;
  for (auto w : words(with))
    if (iequals(w, "STARTTLS")) n.found = true;
  std::string_view rest = fw;
  bool tls = false;
  while (!rest.empty()) {
    auto slash = rest.find('/');
    auto part = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (tls) { n.cipher = clean(part); break; }
    if (iequals(part, "TLS")) tls = n.found = true;
  }
  return n;
}

// The part of a comment the MTA wrote itself: everything before the
// client's HELO argument, which qmail and IronPort write as "(HELO name)",
// CommuniGate as "(account user HELO name)" and Exim as "([addr] helo=name)"
// (followed by "ident=user", the client's ident answer). That text is the
// client's and unfiltered (qmail keeps ':', '/' and digits), so it is never
// read as a TLS note, a local-submission marker or an address.
std::string_view mta_part(std::string_view c) {
  for (auto w : words(c))
    if (iequals(w, "HELO") || iequals(w, "EHLO") || iequals(w, "LHLO") || istarts_with(w, "helo=") ||
        istarts_with(w, "ident="))
      return c.substr(0, static_cast<size_t>(w.data() - c.data()));
  return c;
}

void visit_comments(const ReceivedParts& p, auto&& f) {
  for (const auto& c : p.leading_comments) f(mta_part(c));
  for (const auto& cl : p.clauses)
    for (const auto& c : cl.comments) f(mta_part(c));
}

std::string_view strip_ip_decoration(std::string_view t) {
  // Exim with incoming port logging: "[203.0.113.8]:4567", "[IPv6:2001:db8::1]:4567".
  if (!t.empty() && t.front() == '[') {
    auto close = t.find("]:");
    if (close != std::string_view::npos) {
      auto port = t.substr(close + 2);
      while (!port.empty() && (port.back() == ')' || port.back() == ',')) port.remove_suffix(1);
      if (!port.empty() && port.size() <= 5 && port.find_first_not_of("0123456789") == std::string_view::npos)
        t = t.substr(0, close + 1);
    }
  }
  while (!t.empty() && (t.front() == '[' || t.front() == '(')) t.remove_prefix(1);
  while (!t.empty() && (t.back() == ']' || t.back() == ')' || t.back() == ',')) t.remove_suffix(1);
  if (istarts_with(t, "IPv6:")) t.remove_prefix(5);
  auto pct = t.find('%');  // fe80::1%5: drop the zone
  if (pct != std::string_view::npos) t = t.substr(0, pct);
  return t;
}

std::string find_addr(const ReceivedClause* from) {
  if (!from) return {};
  auto try_text = [](std::string_view text) -> std::string {
    for (auto w : words(text)) {
      if (w.find('=') != std::string_view::npos) {  // Exim: port=...
        continue;
      }
      auto t = strip_ip_decoration(w);
      if (t.find_first_of(".:") != std::string_view::npos && parse_ip(t)) return std::string(t);
    }
    return {};
  };
  // The address the MTA wrote: in a from-comment, outside the client's HELO
  // text ("(HELO 127.0.0.1) (198.51.100.3)" is from 198.51.100.3).
  for (const auto& c : from->comments)
    if (auto a = try_text(mta_part(c)); !a.empty()) return a;
  return try_text(from->value);
}

// The reverse DNS name in the first from-comment, as Postfix, Sendmail and
// Exchange write it: "(name [addr])". Empty when absent or "unknown".
std::string find_rdns(const ReceivedClause* from) {
  if (!from || from->comments.empty()) return {};
  auto w = first_word(mta_part(from->comments[0]));
  if (w.empty() || w.front() == '[' || w.find('=') != std::string_view::npos || iequals(w, "unknown") ||
      iequals(w, "HELO") || iequals(w, "EHLO") || iequals(w, "LHLO") || parse_ip(strip_ip_decoration(w)))
    return {};
  std::string n = to_lower(w);
  while (!n.empty() && n.back() == '.') n.pop_back();
  return n;
}

// Sendmail: "(name [addr] (may be forged))" when the name does not resolve
// back to the address.
bool rdns_forged(const ReceivedClause* from) {
  return from && !from->comments.empty() && contains_ci(mta_part(from->comments[0]), "may be forged");
}

// qmail, IronPort and Zimbra's LMTP write the name they looked up for the
// client after "from" and the client's HELO in a comment of its own:
// "from name (HELO x) (addr)".
bool helo_in_comment(const ReceivedClause* from) {
  return from && !from->comments.empty() && !from->comments[0].empty() && mta_part(from->comments[0]).empty();
}

bool by_has_addr(const ReceivedParts& p, const IpAddr& ip) {
  const auto* by = p.find("by");
  if (!by) return false;
  for (const auto& c : by->comments)
    for (auto w : words(c))
      if (auto a = parse_ip(strip_ip_decoration(w)); a && a->bytes == ip.bytes) return true;
  return false;
}

bool is_localhost_name(std::string_view n) {
  return iequals(n, "localhost") || iequals(n, "localhost.localdomain") || iequals(n, "localhost.");
}

bool same_name(std::string_view a, std::string_view b) {
  auto strip = [](std::string_view s) { while (!s.empty() && s.back() == '.') s.remove_suffix(1); return s; };
  a = strip(a);
  b = strip(b);
  return !a.empty() && iequals(a, b);
}

bool local_submission(const ReceivedParts& p) {
  bool found = false;
  visit_comments(p, [&](std::string_view c) {
    if (contains_ci(c, "from userid") || contains_ci(c, "/Submit") || contains_ci(c, "invoked by uid") ||
        contains_ci(c, "invoked by alias") || contains_ci(c, "invoked from network") || contains_ci(c, "unix socket"))
      found = true;
  });
  return found || istarts_with(first_word(p.with), "local");
}

bool by_is_internal(const ReceivedParts& p, const HostList& list) {
  if (list.contains_name(first_word(p.by)) || list.contains_addr(strip_ip_decoration(first_word(p.by)))) return true;
  if (const auto* by = p.find("by"))
    for (const auto& c : by->comments)
      for (auto w : words(c))
        if (list.contains_addr(strip_ip_decoration(w))) return true;
  return false;
}

bool is_internal(const ReceivedParts& p, const Hop& h, const std::string& rdns, const HopContext& ctx) {
  if (local_submission(p)) return true;
  auto ip = h.addr.empty() ? std::nullopt : parse_ip(h.addr);
  if (ip && is_loopback(*ip)) return true;
  if (!ip && (is_localhost_name(p.from) || is_localhost_name(rdns))) return true;
  if (is_localhost_name(first_word(p.by)) && (!ip || is_loopback(*ip))) return true;
  // The sending host's address is the one written next to the receiver's
  // name (Exchange: "from X ([fe80::1]) by X ([fe80::1%5]) with mapi").
  if (ip && by_has_addr(p, *ip)) return true;
  // The sending host has the receiving host's name. A name the MTA looked
  // up may say so (Postfix writes the reverse DNS name only when it is
  // forward-confirmed, Sendmail adds "may be forged" otherwise); the HELO
  // name is the client's claim, so it counts only when no address was
  // recorded or the address is one of InternalHosts (loopback is internal
  // anyway).
  const auto* from = p.find("from");
  std::string_view looked_up = rdns_forged(from) ? std::string_view{} : std::string_view(rdns);
  if (rdns.empty() && helo_in_comment(from)) looked_up = first_word(p.from);
  const bool internal_addr = ip && ctx.internal_hosts && ctx.internal_hosts->contains_addr(h.addr);
  if (!p.from.empty() && same_name(looked_up, first_word(p.by))) return true;
  if (!p.from.empty() && rdns.empty() && (!ip || internal_addr) && same_name(first_word(p.from), first_word(p.by)))
    return true;
  if (ctx.internal_hosts && !ctx.internal_hosts->empty()) {
    const auto& l = *ctx.internal_hosts;
    bool sender = (ip && l.contains_addr(h.addr)) || l.contains_name(rdns) || (!ip && l.contains_name(first_word(p.from)));
    if (sender && by_is_internal(p, l)) return true;
  }
  return false;
}

bool is_authenticated(const ReceivedParts& p) {
  for (const auto& cl : p.clauses) {
    if (cl.keyword != "with") continue;
    if (in(first_word(cl.value), kAuthTypes)) return true;
    for (auto w : words(cl.value))
      if (iequals(w, "AUTH")) return true;  // Mimecast: with ESMTP with both STARTTLS and AUTH
  }
  bool found = false;
  visit_comments(p, [&](std::string_view c) {
    if (contains_ci(c, "Authenticated sender") || istarts_with(c, "authenticated") || contains_ci(c, "AUTH:"))
      found = true;
  });
  return found;
}

bool smtp_family(std::string_view with) {
  if (in(first_word(with), kSmtpTypes)) return true;
  return istarts_with(with, "Microsoft SMTP Server") || istarts_with(with, "ESMTP/") || istarts_with(with, "SMTP/");
}

// Postfix's note on the client certificate: (Client CN "x", Issuer "y"
// (verified OK)), (... (not verified)), (No client certificate requested),
// (Client did not present a certificate).
std::string postfix_verify(std::string_view c) {
  if (contains_ci(c, "(verified OK)") || iequals(c, "verified OK")) return "OK";
  if (contains_ci(c, "(not verified)")) return "FAIL";
  if (contains_ci(c, "No client certificate requested") || contains_ci(c, "did not present a certificate")) return "NO";
  return {};
}

}  // namespace

TlsNote find_tls_note(const ReceivedParts& p) {
  TlsNote n;
  std::string verify;
  visit_comments(p, [&](std::string_view c) {
    merge(n, comment_note(c));
    if (verify.empty()) verify = postfix_verify(c);
  });
  if (n.found && n.verify.empty()) n.verify = verify;
  for (const auto& cl : p.clauses) {
    if (cl.keyword == "tls" && !cl.value.empty()) {
      TlsNote t;
      t.found = true;
      t.cipher = clean(first_word(cl.value));
      merge(n, t);
    }
    if (cl.keyword == "with") merge(n, with_note(cl.value));
  }
  return n;
}

Hop hop_from_received(const ReceivedParts& p, const HopContext& ctx) {
  Hop h;
  h.source = HopSource::Received;
  const auto* from = p.find("from");
  std::string rdns = find_rdns(from);
  h.by = clean(first_word(p.by));
  h.from = clean(rdns.empty() ? first_word(p.from) : std::string_view(rdns));
  h.addr = clean(find_addr(from));
  h.with = clean(p.with);
  h.id = clean(first_word(p.id));
  h.date = clean(p.date);
  h.authenticated = is_authenticated(p);
  auto note = find_tls_note(p);
  if (note.found) {
    h.tls = TlsState::Encrypted;
    h.version = note.version;
    h.cipher = note.cipher;
    h.bits = note.bits;
    h.verify = note.verify;
  } else if (is_internal(p, h, rdns, ctx)) {
    h.tls = TlsState::Internal;
  } else if (!p.from.empty() && smtp_family(p.with)) {
    h.tls = TlsState::Plaintext;
  } else {
    h.tls = TlsState::Unknown;
  }
  return h;
}

}  // namespace phi::provenance
