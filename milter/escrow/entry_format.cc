// entry_format - encode and parse escrow entry headers and metadata.
#include "milter/escrow/entry_format.h"

#include <charconv>
#include <functional>

#include "milter/escrow/key_ring.h"

namespace phi::escrow {

bool valid_entry_id(std::string_view id) {
  if (id.size() != kEntryIdHexBytes) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

namespace {

void add_line(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).push_back(' ');
  out.append(value).push_back('\n');
}

// Up to max bytes of an untrusted field for an error message, which
// phimilterctl prints on a terminal: printable ASCII stays, every other byte
// becomes \xNN ('\\' and '"' are escaped too), and a cut is marked "...".
std::string escaped(std::string_view v, size_t max) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (char ch : v.substr(0, max)) {
    auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') { out.push_back(ch); continue; }
    out += "\\x";
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  if (v.size() > max) out += "...";
  return out;
}

Result<int64_t> parse_int(std::string_view v) {
  int64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size() || n < 0) return Error{"bad number \"" + escaped(v, 32) + "\""};
  return n;
}

Result<Bytes> parse_hex_field(std::string_view v, size_t bytes, const char* name) {
  auto b = hex_decode(v);
  if (!b || b->size() != bytes) return Error{std::string(name) + ": expected " + std::to_string(bytes * 2) + " hex digits"};
  return b;
}

// Calls fn(name, value) for each "name value\n" line; lines must end in LF.
Result<void> for_each_line(std::string_view text, const std::function<Result<void>(std::string_view, std::string_view)>& fn) {
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    auto nl = text.find('\n');
    if (nl == std::string_view::npos) return Error{"line " + std::to_string(line_no) + ": no final newline"};
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    auto sp = line.find(' ');
    if (sp == std::string_view::npos || sp == 0) return Error{"line " + std::to_string(line_no) + ": expected \"name value\""};
    if (auto r = fn(line.substr(0, sp), line.substr(sp + 1)); !r) return r.error().context("line " + std::to_string(line_no));
  }
  return Ok();
}

Result<void> set_once(bool& seen, const char* name) {
  if (seen) return Error{std::string(name) + " given twice"};
  seen = true;
  return Ok();
}

Result<TokenHash> parse_token_line(std::string_view v) {
  auto sp = v.find(' ');
  if (sp == std::string_view::npos) return Error{"token: expected \"HASH EXPIRES\""};
  auto hash = v.substr(0, sp);
  if (!parse_hex_field(hash, 32, "token")) return Error{"token: expected 64 hex digits"};
  auto exp = parse_int(v.substr(sp + 1));
  if (!exp) return exp.error().context("token");
  return TokenHash{std::string(hash), *exp};
}

// Sets one known header field; unknown names are ignored.
Result<void> set_header_field(EntryHeader& h, unsigned& seen, std::string_view n, std::string_view v) {
  struct Field { const char* name; std::function<Result<void>()> set; };
  auto hex = [&](Bytes& dst, size_t bytes, const char* name) -> Result<void> {
    auto b = parse_hex_field(v, bytes, name);
    if (!b) return b.error();
    dst = std::move(*b);
    return Ok();
  };
  auto num = [&](auto& dst, const char* name) -> Result<void> {
    auto x = parse_int(v);
    if (!x) return x.error().context(name);
    dst = static_cast<std::remove_reference_t<decltype(dst)>>(*x);
    return Ok();
  };
  const Field fields[] = {
      {"format", [&]() -> Result<void> { return v == "1" ? Result<void>(Ok()) : Error{"unsupported format " + escaped(v, 16)}; }},
      {"id", [&]() -> Result<void> { if (!valid_entry_id(v)) return Error{"bad entry id"}; h.id = v; return Ok(); }},
      {"created", [&] { return num(h.created, "created"); }},
      {"expires", [&] { return num(h.expires, "expires"); }},
      {"key-id", [&]() -> Result<void> { if (!valid_key_id(v)) return Error{"bad key id"}; h.key_id = v; return Ok(); }},
      {"wrap-nonce", [&] { return hex(h.wrap_nonce, kNonceBytes, "wrap-nonce"); }},
      {"wrapped-key", [&] { return hex(h.wrapped_key, kKeyBytes + kTagBytes, "wrapped-key"); }},
      {"meta-nonce", [&] { return hex(h.meta_nonce, kNonceBytes, "meta-nonce"); }},
      {"meta-length", [&] { return num(h.meta_length, "meta-length"); }},
      {"body-nonce", [&] { return hex(h.body_nonce, kNonceBytes, "body-nonce"); }},
  };
  if (n == "token") {
    if (h.tokens.size() >= kMaxRecipients) return Error{"more than " + std::to_string(kMaxRecipients) + " tokens"};
    auto t = parse_token_line(v);
    if (!t) return t.error();
    h.tokens.push_back(std::move(*t));
    return Ok();
  }
  for (unsigned i = 0; i < std::size(fields); ++i) {
    if (n != fields[i].name) continue;
    bool was = seen & (1u << i);
    if (auto r = set_once(was, fields[i].name); !r) return r;
    seen |= 1u << i;
    return fields[i].set();
  }
  return Ok();  // unknown: a later format revision's addition
}

}  // namespace

std::string format_header(const EntryHeader& h) {
  std::string out;
  add_line(out, "format", "1");
  add_line(out, "id", h.id);
  add_line(out, "created", std::to_string(h.created));
  add_line(out, "expires", std::to_string(h.expires));
  add_line(out, "key-id", h.key_id);
  add_line(out, "wrap-nonce", hex_encode(h.wrap_nonce));
  add_line(out, "wrapped-key", hex_encode(h.wrapped_key));
  add_line(out, "meta-nonce", hex_encode(h.meta_nonce));
  add_line(out, "meta-length", std::to_string(h.meta_length));
  add_line(out, "body-nonce", hex_encode(h.body_nonce));
  add_line(out, "recipients", std::to_string(h.tokens.size()));
  for (const auto& t : h.tokens) add_line(out, "token", t.sha256_hex + " " + std::to_string(t.expires));
  return out;
}

Result<EntryHeader> parse_header(std::string_view text) {
  if (text.size() > kMaxHeaderBytes) return Error{"header larger than " + std::to_string(kMaxHeaderBytes) + " bytes"};
  EntryHeader h;
  unsigned seen = 0;
  int64_t recipients = -1;
  auto r = for_each_line(text, [&](std::string_view n, std::string_view v) -> Result<void> {
    if (n != "recipients") return set_header_field(h, seen, n, v);
    if (recipients >= 0) return Error{"recipients given twice"};
    auto x = parse_int(v);
    if (!x) return x.error().context("recipients");
    recipients = *x;
    return Ok();
  });
  if (!r) return r.error().context("header");
  if (seen != (1u << 10) - 1) return Error{"header: a required field is missing"};
  if (recipients < 0 || static_cast<size_t>(recipients) != h.tokens.size())
    return Error{"header: recipients count does not match the token lines"};
  if (h.meta_length > kMaxMetaBytes) return Error{"header: meta-length too large"};
  return h;
}

std::string format_prefix(const EntryHeader& h) {
  std::string header = format_header(h);
  std::string out(kMagic);
  uint32_t n = static_cast<uint32_t>(header.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((n >> shift) & 0xFF));
  return out + header;
}

Result<uint32_t> parse_prefix_length(std::string_view first12) {
  if (first12.size() < kPrefixFixedBytes) return Error{"file shorter than the fixed prefix"};
  if (first12.substr(0, kMagic.size()) != kMagic) return Error{"not an escrow entry (bad magic)"};
  uint32_t n = 0;
  for (size_t i = kMagic.size(); i < kPrefixFixedBytes; ++i) n = n << 8 | static_cast<unsigned char>(first12[i]);
  if (n == 0 || n > kMaxHeaderBytes) return Error{"header length " + std::to_string(n) + " out of range"};
  return n;
}

std::string percent_encode(std::string_view in) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : in) {
    if (c > 0x20 && c < 0x7F && c != '%') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 15]);
    }
  }
  return out;
}

Result<std::string> percent_decode(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') { out.push_back(in[i]); continue; }
    if (i + 2 >= in.size()) return Error{"truncated percent escape"};
    auto b = hex_decode(in.substr(i + 1, 2));
    if (!b || b->size() != 1) return Error{"bad percent escape"};
    out += *b;
    i += 2;
  }
  return out;
}

std::string format_meta(const EntryMeta& m) {
  std::string out;
  add_line(out, "sender", percent_encode(m.sender));
  for (const auto& r : m.recipients) add_line(out, "rcpt", percent_encode(r));
  add_line(out, "rule", percent_encode(m.rule));
  add_line(out, "queue-id", percent_encode(m.queue_id));
  add_line(out, "provenance", percent_encode(m.provenance));
  for (const auto& [name, count] : m.categories) add_line(out, "category", percent_encode(name) + " " + std::to_string(count));
  return out;
}

namespace {
Result<void> set_meta_field(EntryMeta& m, std::string_view n, std::string_view v) {
  if (n == "category") {
    if (m.categories.size() >= kMaxCategories) return Error{"too many categories"};
    auto sp = v.find(' ');
    if (sp == std::string_view::npos) return Error{"category: expected \"NAME COUNT\""};
    auto name = percent_decode(v.substr(0, sp));
    auto count = parse_int(v.substr(sp + 1));
    if (!name || !count) return Error{"category: bad name or count"};
    m.categories.emplace_back(std::move(*name), static_cast<uint64_t>(*count));
    return Ok();
  }
  std::string* dst = n == "sender" ? &m.sender : n == "rule" ? &m.rule : n == "queue-id" ? &m.queue_id
                   : n == "provenance" ? &m.provenance : nullptr;
  if (n == "rcpt") {
    if (m.recipients.size() >= kMaxRecipients) return Error{"too many recipients"};
    dst = &m.recipients.emplace_back();
  }
  if (!dst) return Ok();
  auto d = percent_decode(v);
  if (!d) return d.error().context(std::string(n));
  *dst = std::move(*d);
  return Ok();
}
}  // namespace

Result<EntryMeta> parse_meta(std::string_view text) {
  if (text.size() > kMaxMetaBytes) return Error{"metadata larger than " + std::to_string(kMaxMetaBytes) + " bytes"};
  EntryMeta m;
  auto r = for_each_line(text, [&](std::string_view n, std::string_view v) { return set_meta_field(m, n, v); });
  if (!r) return r.error().context("metadata");
  return m;
}

std::string wrap_aad(const EntryHeader& h) { return "phimilter-escrow-1 wrap " + h.id + " " + h.key_id; }

std::string section_aad(std::string_view prefix, std::string_view section) {
  std::string aad(prefix);
  aad.append(section);
  return aad;
}

}  // namespace phi::escrow
