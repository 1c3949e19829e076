// header - RFC 2047 encoded words, RFC 2045/2231 parameters and display names.
#include "milter/mime/header.h"

#include <algorithm>
#include <map>

#include "milter/mime/charset.h"
#include "milter/mime/transfer.h"
#include "milter/util/strings.h"

namespace phi::mime {
namespace {

struct EncodedWord {
  std::string_view charset, text;
  char encoding = 0;
  size_t end = 0;  // index just past "?="
};

// The next "?=" and the next blank at or after a position of one string,
// remembered between the candidate words of decode_encoded_words(): every
// "=?" that fails to form a word used to search to the end of the string
// again, quadratic in a Subject or filename of many "=?a?q? " (seconds per
// part). Positions asked for only grow there, so each byte is scanned
// once; a smaller one searches afresh.
class Lookahead {
 public:
  explicit Lookahead(std::string_view s) : s_(s) {}
  size_t close(size_t from) { return next(close_, from, [&](size_t f) { return s_.find("?=", f); }); }
  size_t blank(size_t from) { return next(blank_, from, [&](size_t f) { return s_.find_first_of(" \t", f); }); }

 private:
  struct Hit { size_t from = std::string_view::npos, at = 0; };
  template <class Find>
  static size_t next(Hit& h, size_t from, Find find) {
    // Still the first hit at or after `from` when it was searched for from
    // no later than `from` and lies no earlier (npos: there is none).
    if (h.from == std::string_view::npos || from < h.from || h.at < from) h = Hit{from, find(from)};
    return h.at;
  }
  std::string_view s_;
  Hit close_, blank_;
};

// Parses "=?cs?X?text?=" at s[i]; false if there is none.
bool parse_encoded_word(std::string_view s, size_t i, Lookahead& ahead, EncodedWord* w) {
  if (s.compare(i, 2, "=?") != 0) return false;
  size_t q1 = s.substr(0, i + 3 + kMaxEncodedWordCharset).find('?', i + 2);
  if (q1 == std::string_view::npos || q1 - (i + 2) > kMaxEncodedWordCharset || q1 == i + 2) return false;
  if (q1 + 3 > s.size() || s[q1 + 2] != '?') return false;
  char e = ascii_lower(s[q1 + 1]);
  if (e != 'b' && e != 'q') return false;
  size_t end = ahead.close(q1 + 3);
  if (end == std::string_view::npos) return false;
  if (ahead.blank(q1 + 3) < end) return false;  // no blanks inside a word
  std::string_view text = s.substr(q1 + 3, end - (q1 + 3));
  w->charset = s.substr(i + 2, q1 - (i + 2));
  size_t star = w->charset.find('*');  // RFC 2231 language suffix
  if (star != std::string_view::npos) w->charset = w->charset.substr(0, star);
  w->encoding = e;
  w->text = text;
  w->end = end + 2;
  return true;
}

void decode_word_bytes(const EncodedWord& w, std::string& out, bool* errors) {
  if (w.encoding == 'b') {
    Base64Decoder b;
    b.decode(w.text, out);
    b.finish(out);
    if (b.had_errors() && errors) *errors = true;
    return;
  }
  for (size_t i = 0; i < w.text.size(); ++i) {
    char c = w.text[i];
    if (c == '_') { out.push_back(' '); continue; }
    if (c == '=' && i + 2 < w.text.size() && hex_value(w.text[i + 1]) >= 0 && hex_value(w.text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(w.text[i + 1]) * 16 + hex_value(w.text[i + 2])));
      i += 2;
      continue;
    }
    if (c == '=' && errors) *errors = true;
    out.push_back(c);
  }
}

bool only_blanks(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t'; });
}

// Percent-decodes an RFC 2231 extended value.
std::string percent_decode(std::string_view v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '%' && i + 2 < v.size() && hex_value(v[i + 1]) >= 0 && hex_value(v[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(v[i + 1]) * 16 + hex_value(v[i + 2])));
      i += 2;
    } else {
      out.push_back(v[i]);
    }
  }
  return out;
}

// Index just past the comment that opens at s[i] == '(' (nested, with
// quoted-pairs); s.size() and *unterminated if it does not close.
size_t skip_comment(std::string_view s, size_t i, bool* unterminated) {
  size_t depth = 0;
  while (i < s.size()) {
    char c = s[i++];
    if (c == '\\') { if (i < s.size()) ++i; continue; }
    if (c == '(') ++depth;
    else if (c == ')' && --depth == 0) return i;
  }
  *unterminated = true;
  return i;
}

// Index just past the quoted string that opens at s[i] == '"'.
size_t skip_quoted(std::string_view s, size_t i) {
  for (++i; i < s.size();) {
    char c = s[i++];
    if (c == '\\' && i < s.size()) ++i;
    else if (c == '"') return i;
  }
  return i;
}

struct Section { bool encoded; std::string value; };

// Reads a quoted string starting after the opening quote at s[i]; returns the index after it.
size_t read_quoted(std::string_view s, size_t i, std::string& out, bool* unterminated) {
  while (i < s.size()) {
    char c = s[i++];
    if (c == '"') return i;
    if (c == '\\' && i < s.size()) c = s[i++];
    out.push_back(c);
  }
  *unterminated = true;
  return i;
}

// Splits "name*3*" into base name, section number (-1 if none) and the extended flag.
void split_param_name(const std::string& name, std::string* base, long* section, bool* ext) {
  std::string n = name;
  *ext = !n.empty() && n.back() == '*';
  if (*ext) n.pop_back();
  *section = -1;
  size_t star = n.find('*');
  if (star != std::string::npos) {
    std::string num = n.substr(star + 1);
    if (!num.empty() && num.size() <= 4 && std::all_of(num.begin(), num.end(), [](char c) { return c >= '0' && c <= '9'; }))
      *section = std::stol(num);
    n = n.substr(0, star);
  }
  *base = n;
}

// Joins the sections of one RFC 2231 parameter and converts it to UTF-8.
std::string join_sections(const std::map<long, Section>& secs, bool* malformed) {
  std::string charset, bytes;
  bool first = true;
  for (const auto& [num, sec] : secs) {
    std::string_view v = sec.value;
    if (first && sec.encoded) {
      size_t a = v.find('\''), b = a == std::string_view::npos ? a : v.find('\'', a + 1);
      if (b != std::string_view::npos) {
        charset = std::string(v.substr(0, a));
        v = v.substr(b + 1);
      } else {
        *malformed = true;
      }
    }
    first = false;
    bytes += sec.encoded ? percent_decode(v) : std::string(v);
  }
  return convert_to_utf8(charset, bytes, malformed);
}

}  // namespace

std::string FieldValue::param(std::string_view name) const {
  for (const auto& [k, v] : params)
    if (k == name) return v;
  return {};
}

bool FieldValue::has_param(std::string_view name) const {
  for (const auto& kv : params)
    if (kv.first == name) return true;
  return false;
}

std::string strip_comments(std::string_view s, bool* unterminated, std::string* comments) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '(') {
      size_t start = i;
      i = skip_comment(s, i, unterminated);
      if (comments) comments->append(s.substr(start, i - start)).push_back(' ');
      out.push_back(' ');  // a comment separates what stands on its two sides
    } else if (s[i] == '"') {
      size_t end = skip_quoted(s, i);
      out.append(s.substr(i, end - i));
      i = end;
    } else {
      out.push_back(s[i++]);
    }
  }
  return out;
}

std::string unfold_header(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value)
    if (c != '\r' && c != '\n') out.push_back(c);
  return out;
}

std::string decode_encoded_words(std::string_view s, bool* had_errors) {
  std::string out, pending, pending_cs;  // bytes of adjacent words in one charset
  auto flush = [&] {
    if (!pending.empty()) out += convert_to_utf8(pending_cs, pending, had_errors);
    pending.clear();
  };
  size_t i = 0, literal = 0;
  bool after_word = false;
  Lookahead ahead(s);
  while (i < s.size()) {
    size_t next = s.find("=?", i);
    if (next == std::string_view::npos) break;
    EncodedWord w;
    if (!parse_encoded_word(s, next, ahead, &w)) { i = next + 2; continue; }
    std::string_view gap = s.substr(literal, next - literal);
    if (!(after_word && only_blanks(gap))) {
      flush();
      out += convert_to_utf8("", gap, had_errors);
    }
    if (!pending.empty() && !iequals(pending_cs, w.charset)) flush();
    pending_cs = std::string(w.charset);
    decode_word_bytes(w, pending, had_errors);
    i = literal = w.end;
    after_word = true;
  }
  flush();
  out += convert_to_utf8("", s.substr(literal), had_errors);
  return out;
}

FieldValue decode_field_value(std::string_view raw) {
  FieldValue fv;
  std::string v = strip_comments(unfold_header(raw), &fv.malformed, &fv.comments);
  std::string_view s = v;
  size_t semi = s.find(';');
  fv.token = to_lower(trim(s.substr(0, semi)));
  std::map<std::string, std::map<long, Section>> ext;  // RFC 2231 parameters
  std::vector<std::pair<std::string, std::string>> plain;
  size_t i = semi == std::string_view::npos ? s.size() : semi + 1;
  while (i < s.size()) {
    while (i < s.size() && (is_space(s[i]) || s[i] == ';')) ++i;
    size_t eq = s.find('=', i);
    if (i >= s.size()) break;
    if (eq == std::string_view::npos) { fv.malformed = true; break; }
    std::string name = to_lower(trim(s.substr(i, eq - i)));
    std::string value;
    i = eq + 1;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    if (i < s.size() && s[i] == '"') {
      i = read_quoted(s, i + 1, value, &fv.malformed);
      while (i < s.size() && s[i] != ';') ++i;  // junk after the quote
    } else {
      size_t end = s.find(';', i);
      if (end == std::string_view::npos) end = s.size();
      value = std::string(trim(s.substr(i, end - i)));
      i = end;
    }
    if (name.empty()) { fv.malformed = true; continue; }
    if (plain.size() + ext.size() >= kMaxParams) { fv.malformed = true; break; }
    std::string base;
    long section;
    bool is_ext;
    split_param_name(name, &base, &section, &is_ext);
    if (section < 0 && !is_ext) { plain.emplace_back(name, std::move(value)); continue; }
    auto& secs = ext[base];
    if (secs.size() >= kMaxParamSections) { fv.malformed = true; continue; }
    secs[section < 0 ? 0 : section] = Section{is_ext, std::move(value)};
  }
  for (auto& [name, secs] : ext) fv.params.emplace_back(name, join_sections(secs, &fv.malformed));
  for (auto& kv : plain)
    if (!ext.count(kv.first)) fv.params.push_back(std::move(kv));
  return fv;
}

std::vector<std::string> decode_display_names(std::string_view list, bool* had_errors) {
  std::vector<std::string> names;
  std::string phrase, comment;
  bool angle = false;
  auto end_mailbox = [&] {
    std::string_view n = trim(angle ? std::string_view(phrase) : std::string_view(comment));
    if (!n.empty()) names.push_back(decode_encoded_words(n, had_errors));
    phrase.clear();
    comment.clear();
    angle = false;
  };
  bool unterminated = false;
  for (size_t i = 0; i < list.size();) {
    char c = list[i++];
    if (c == '"') {
      i = read_quoted(list, i, phrase, &unterminated);
    } else if (c == '(') {
      size_t depth = 1;
      while (i < list.size() && depth > 0) {
        char d = list[i++];
        if (d == '\\' && i < list.size()) { comment.push_back(list[i++]); continue; }
        if (d == '(' && depth < kMaxCommentDepth) ++depth;
        else if (d == ')') --depth;
        if (depth > 0) comment.push_back(d);
      }
      comment.push_back(' ');
    } else if (c == '<') {
      angle = true;
      size_t gt = list.find('>', i);
      i = gt == std::string_view::npos ? list.size() : gt + 1;
    } else if (c == ':') {
      angle = true;  // a group name counts as a display name
      end_mailbox();
    } else if (c == ',' || c == ';') {
      end_mailbox();
    } else if (c != '\r' && c != '\n') {
      phrase.push_back(c);
    }
  }
  end_mailbox();
  if (unterminated && had_errors) *had_errors = true;
  return names;
}

}  // namespace phi::mime
