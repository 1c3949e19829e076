// html - streaming HTML-to-text state machine with character reference decoding.
#include "milter/mime/html.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "milter/mime/charset.h"

namespace phi::mime {
namespace {

struct NamedEntity { std::string_view name; uint32_t cp; };
// Sorted by name (std::lower_bound).
constexpr NamedEntity kEntities[] = {
    {"aacute", 0xE1}, {"acirc", 0xE2}, {"agrave", 0xE0}, {"amp", '&'}, {"apos", '\''},
    {"aring", 0xE5}, {"atilde", 0xE3}, {"auml", 0xE4}, {"bdquo", 0x201E}, {"bull", 0x2022},
    {"ccedil", 0xE7}, {"cent", 0xA2}, {"colon", ':'}, {"comma", ','}, {"copy", 0xA9},
    {"dash", 0x2010}, {"deg", 0xB0}, {"divide", 0xF7}, {"dollar", '$'}, {"eacute", 0xE9},
    {"ecirc", 0xEA}, {"egrave", 0xE8}, {"emsp", ' '}, {"ensp", ' '}, {"equals", '='},
    {"euml", 0xEB}, {"euro", 0x20AC}, {"frac12", 0xBD}, {"gt", '>'}, {"hellip", 0x2026},
    {"hyphen", 0x2010}, {"iacute", 0xED}, {"icirc", 0xEE}, {"iexcl", 0xA1}, {"igrave", 0xEC},
    {"iquest", 0xBF}, {"iuml", 0xEF}, {"laquo", 0xAB}, {"ldquo", 0x201C}, {"lpar", '('},
    {"lsquo", 0x2018}, {"lt", '<'}, {"mdash", 0x2014}, {"micro", 0xB5}, {"middot", 0xB7},
    {"minus", 0x2212}, {"nbsp", ' '}, {"ndash", 0x2013}, {"ntilde", 0xF1}, {"num", '#'},
    {"oacute", 0xF3}, {"ocirc", 0xF4}, {"ograve", 0xF2}, {"ordf", 0xAA}, {"ordm", 0xBA},
    {"oslash", 0xF8}, {"otilde", 0xF5}, {"ouml", 0xF6}, {"para", 0xB6}, {"percnt", '%'},
    {"period", '.'}, {"plus", '+'}, {"plusmn", 0xB1}, {"pound", 0xA3}, {"quot", '"'},
    {"raquo", 0xBB}, {"rdquo", 0x201D}, {"reg", 0xAE}, {"rpar", ')'}, {"rsquo", 0x2019},
    {"sbquo", 0x201A}, {"sect", 0xA7}, {"semi", ';'}, {"shy", 0xAD}, {"sol", '/'},
    {"sup1", 0xB9}, {"sup2", 0xB2}, {"sup3", 0xB3}, {"szlig", 0xDF}, {"thinsp", ' '},
    {"times", 0xD7}, {"trade", 0x2122}, {"uacute", 0xFA}, {"ucirc", 0xFB}, {"ugrave", 0xF9},
    {"uuml", 0xFC}, {"yacute", 0xFD}, {"yen", 0xA5}, {"yuml", 0xFF}, {"zwj", 0x200D},
    {"zwnj", 0x200C}};

bool invisible(uint32_t cp) {
  return cp == 0xAD || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF;
}

// Tags that end a line or a cell: they become white space in the text.
bool is_block_tag(std::string_view n) {
  // Sorted (std::binary_search).
  static constexpr std::string_view kBlock[] = {
      "address", "article", "aside", "blockquote", "body", "br", "caption", "center", "dd", "div",
      "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
      "h5", "h6", "head", "header", "hr", "html", "legend", "li", "main", "nav", "ol", "option",
      "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "ul"};
  return n.size() <= 10 && std::binary_search(std::begin(kBlock), std::end(kBlock), n);
}

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_alpha(c) || (c >= '0' && c <= '9'); }
bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool decode_numeric(std::string_view digits, bool hex, uint32_t* cp) {
  if (digits.empty()) return false;
  uint32_t v = 0;
  for (char c : digits) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (hex && lower(c) >= 'a' && lower(c) <= 'f') d = lower(c) - 'a' + 10;
    else return false;
    v = v * (hex ? 16 : 10) + static_cast<uint32_t>(d);
    if (v > 0x10FFFF) v = 0x110000;  // saturate: invalid
  }
  *cp = v;
  return true;
}

}  // namespace

bool decode_html_entity(std::string_view name, std::string& out, bool* invalid) {
  if (!name.empty() && name[0] == '#') {
    bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
    uint32_t cp = 0;
    if (!decode_numeric(name.substr(hex ? 2 : 1), hex, &cp)) return false;
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      if (invalid) *invalid = true;
      cp = 0xFFFD;
    }
    if (cp >= 0x80 && cp < 0xA0) cp = windows1252_code_point(static_cast<unsigned char>(cp));  // HTML5
    if (!invisible(cp)) append_utf8(out, cp);
    return true;
  }
  if (name.size() > kMaxEntity) return false;
  char buf[kMaxEntity];
  for (size_t i = 0; i < name.size(); ++i) buf[i] = lower(name[i]);
  std::string_view key(buf, name.size());
  auto it = std::lower_bound(std::begin(kEntities), std::end(kEntities), key,
                             [](const NamedEntity& e, std::string_view k) { return e.name < k; });
  if (it == std::end(kEntities) || key != it->name) return false;
  if (!invisible(it->cp)) append_utf8(out, it->cp);
  return true;
}

size_t HtmlToText::text_run(std::string_view in, size_t i, std::string& out) {
  size_t j = i;
  while (j < in.size() && in[j] != '<' && in[j] != '&') ++j;
  out.append(in.data() + i, j - i);
  return j;
}

void HtmlToText::feed(std::string_view in, std::string& out) {
  out_start_ = out.size();
  size_t i = 0;
  while (i < in.size()) {
    if (st_ == State::Text) {
      i = text_run(in, i, out);
      if (i == in.size()) break;
    }
    step(in[i++], out);
  }
  if (out.size() > out_start_) last_out_ = out.back();
}

void HtmlToText::step(char c, std::string& out) {
  switch (st_) {
    case State::Text:
      if (c == '<') st_ = State::TagOpen;
      else if (c == '&') { name_.clear(); st_ = State::Entity; }
      else out.push_back(c);
      return;
    case State::Entity: step_entity(c, out); return;
    case State::TagOpen:
      name_.clear();
      closing_ = false;
      last_in_tag_ = 0;
      if (is_alpha(c)) { name_.push_back(lower(c)); st_ = State::TagName; }
      else if (c == '/') { closing_ = true; st_ = State::TagName; }
      else if (c == '!') { dashes_ = 0; st_ = State::MarkupDecl; }
      else if (c == '?') st_ = State::Bogus;
      else { out.push_back('<'); st_ = State::Text; step(c, out); }
      return;
    case State::TagName: step_tag_name(c, out); return;
    case State::InTag:
    case State::InQuote: step_in_tag(c, out); return;
    case State::MarkupDecl:  // "<!": "--" opens a comment; anything else is a bogus comment
      if (c == '-' && ++dashes_ == 2) st_ = State::CommentStart;
      else if (c == '>') st_ = State::Text;
      else if (c != '-') st_ = State::Bogus;
      return;
    case State::CommentStart:
    case State::CommentStartDash:
    case State::Comment:
    case State::CommentEndDash:
    case State::CommentEnd:
    case State::CommentEndBang: step_comment(c); return;
    case State::Bogus:
      if (c == '>') st_ = State::Text;
      return;
    case State::RawText: step_raw_text(c); return;
  }
}

void HtmlToText::step_entity(char c, std::string& out) {
  if (c == ';') { flush_entity(true, out); return; }
  bool ok = is_alnum(c) || (c == '#' && name_.empty());
  if (ok && name_.size() < kMaxEntity) { name_.push_back(c); return; }
  flush_entity(false, out);
  step(c, out);
}

// Emits the pending reference decoded, or literally when unknown.
void HtmlToText::flush_entity(bool semicolon, std::string& out) {
  st_ = State::Text;
  if (!name_.empty() && decode_html_entity(name_, out, &errors_)) return;
  out.push_back('&');
  out.append(name_);
  if (semicolon) out.push_back(';');
}

void HtmlToText::step_tag_name(char c, std::string& out) {
  if (is_alnum(c) || (c == '-' && !name_.empty())) {
    if (name_.size() < kMaxTagName) name_.push_back(lower(c));
    else name_ = "~";  // too long to be a known tag
    return;
  }
  if (name_.empty() && closing_ && c != '>') {  // "</ x>" or "</3": a bogus comment
    st_ = State::Bogus;
    step(c, out);
    return;
  }
  st_ = State::InTag;
  step_in_tag(c, out);
}

void HtmlToText::step_in_tag(char c, std::string& out) {
  if (st_ == State::InQuote) {
    if (c == quote_) { st_ = State::InTag; last_in_tag_ = c; }
    return;
  }
  if (c == '>') { tag_done(out); return; }
  if ((c == '"' || c == '\'') && last_in_tag_ == '=') { quote_ = c; st_ = State::InQuote; return; }
  if (!is_blank(c)) last_in_tag_ = c;
}

void HtmlToText::tag_done(std::string& out) {
  st_ = State::Text;
  if (!closing_ && (name_ == "script" || name_ == "style") && last_in_tag_ != '/') {
    raw_end_ = name_;
    raw_match_ = 0;
    st_ = State::RawText;
    return;
  }
  if (is_block_tag(name_)) {
    // What this converter wrote last, in this call or an earlier one: the
    // caller's buffer may hold only this chunk's output.
    char last = out.size() > out_start_ ? out.back() : last_out_;
    if (last != '\n') out.push_back('\n');
  }
}

// Skips script/style content up to "</script" or "</style" (any case).
void HtmlToText::step_raw_text(char c) {
  size_t want = raw_end_.size() + 2;
  char expect = raw_match_ == 0 ? '<' : raw_match_ == 1 ? '/' : raw_end_[raw_match_ - 2];
  if (lower(c) == expect) {
    if (++raw_match_ == want) {
      name_ = raw_end_;
      closing_ = true;
      last_in_tag_ = 0;
      st_ = State::InTag;
    }
    return;
  }
  raw_match_ = c == '<' ? 1 : 0;
}

// The comment states of the WHATWG HTML tokenizer, which mail clients
// follow: "<!-->" and "<!--->" are whole (empty) comments, "--!>" ends one
// as "-->" does. The comment less-than sign states only report nested
// "<!--" as a parse error; they end a comment nowhere else, so they are
// folded into Comment.
void HtmlToText::step_comment(char c) {
  switch (st_) {
    case State::CommentStart:
      st_ = c == '-' ? State::CommentStartDash : c == '>' ? State::Text : State::Comment;
      return;
    case State::CommentStartDash:
      st_ = c == '-' ? State::CommentEnd : c == '>' ? State::Text : State::Comment;
      return;
    case State::Comment:
      if (c == '-') st_ = State::CommentEndDash;
      return;
    case State::CommentEndDash:
      st_ = c == '-' ? State::CommentEnd : State::Comment;
      return;
    case State::CommentEnd:  // "--" seen; more dashes stay here
      if (c == '>') st_ = State::Text;
      else if (c == '!') st_ = State::CommentEndBang;
      else if (c != '-') st_ = State::Comment;
      return;
    case State::CommentEndBang:
      st_ = c == '-' ? State::CommentEndDash : c == '>' ? State::Text : State::Comment;
      return;
    default: return;
  }
}

void HtmlToText::finish(std::string& out) {
  out_start_ = out.size();
  switch (st_) {
    case State::Text: break;
    case State::Entity: flush_entity(false, out); break;
    case State::TagOpen: out.push_back('<'); break;
    default: errors_ = true; break;
  }
  st_ = State::Text;
}

std::string html_to_text(std::string_view html, bool* had_errors) {
  HtmlToText h;
  std::string out;
  h.feed(html, out);
  h.finish(out);
  if (had_errors && h.had_errors()) *had_errors = true;
  return out;
}

}  // namespace phi::mime
