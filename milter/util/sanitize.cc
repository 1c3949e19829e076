// sanitize - make untrusted text safe for headers and logs (see sanitize.h).
#include "milter/util/sanitize.h"

#include <algorithm>

namespace phi {

size_t utf8_sequence_length(std::string_view s) {
  if (s.empty()) return 0;
  auto b = static_cast<unsigned char>(s[0]);
  if (b < 0x80) return 1;
  size_t n;
  unsigned min;
  if ((b & 0xE0) == 0xC0) { n = 2; min = 0x80; }
  else if ((b & 0xF0) == 0xE0) { n = 3; min = 0x800; }
  else if ((b & 0xF8) == 0xF0) { n = 4; min = 0x10000; }
  else return 0;
  if (s.size() < n) return 0;
  unsigned cp = b & (0xFF >> (n + 1));
  for (size_t i = 1; i < n; ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (c & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

namespace {

// Appends the safe form of `in` to `out`, stopping before max_bytes.
// Returns false when the input was cut.
bool append_clean(std::string_view in, size_t max_bytes, std::string& out) {
  size_t i = 0;
  while (i < in.size()) {
    // A run of printable ASCII is copied as it is, in one append.
    size_t run = i;
    while (run < in.size() && static_cast<unsigned char>(in[run]) - 0x20u < 0x5Fu) ++run;
    if (run > i) {
      size_t room = max_bytes > out.size() ? max_bytes - out.size() : 0;
      out.append(in.substr(i, std::min(run - i, room)));
      if (run - i > room) return false;
      i = run;
      continue;
    }
    auto c = static_cast<unsigned char>(in[i]);
    size_t n = utf8_sequence_length(in.substr(i));
    std::string_view piece;
    char repl = 0;
    if (n == 0) { repl = '?'; n = 1; }
    else if (n == 1 && (c < 0x20 || c == 0x7F)) { repl = (c == '\t') ? ' ' : 0; }
    else if (n == 2 && c == 0xC2 && static_cast<unsigned char>(in[i + 1]) < 0xA0) { repl = 0; piece = {}; }  // C1 controls
    else piece = in.substr(i, n);
    size_t add = piece.empty() ? (repl ? 1 : 0) : piece.size();
    if (out.size() + add > max_bytes) return false;
    if (!piece.empty()) out.append(piece);
    else if (repl) out.push_back(repl);
    i += n;
  }
  return true;
}

std::string clean(std::string_view in, size_t max_bytes) {
  std::string out;
  const size_t budget = max_bytes > 3 ? max_bytes - 3 : max_bytes;
  out.reserve(std::min(in.size(), max_bytes));
  if (!append_clean(in, max_bytes, out)) {
    // Cut on a character boundary so that "..." fits.
    while (out.size() > budget) {
      out.pop_back();
      while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
      if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
    }
    if (max_bytes >= 3) out += "...";
  }
  return out;
}

bool is_token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '.' || c == '-' || c == '_' || c == ':' || c == '/' || c == '+' || c == '@' ||
         c == '[' || c == ']';
}

}  // namespace

std::string sanitize_header_text(std::string_view in, size_t max_bytes) { return clean(in, max_bytes); }

std::string sanitize_log_text(std::string_view in, size_t max_bytes) { return clean(in, max_bytes); }

std::string quote_header_value(std::string_view in, size_t max_bytes) {
  std::string body = clean(in, max_bytes > 2 ? max_bytes - 2 : max_bytes);
  bool token = !body.empty();
  for (char c : body)
    if (!is_token_char(c)) { token = false; break; }
  if (token) return body;
  std::string out = "\"";
  for (char c : body) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace phi
