// html - streaming HTML-to-text state machine with character reference decoding.
#include "milter/mime/html.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "milter/mime/charset.h"
#include "milter/util/strings.h"

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

// Attributes whose values are words or links a message carries (see html.h), sorted.
bool hidden_attribute(std::string_view n) {
  static constexpr std::string_view kKept[] = {"abbr",  "action", "alt",    "aria-label",  "background", "cite",
                                               "content", "data", "href",   "label",       "placeholder", "poster",
                                               "src",   "srcset", "summary", "title",      "value"};
  return std::binary_search(std::begin(kKept), std::end(kKept), n);
}

// Links and sources: their values are URLs (a data: URL a file).
bool url_attribute(std::string_view n) {
  static constexpr std::string_view kUrl[] = {"action", "background", "cite", "data", "href", "poster", "src", "srcset"};
  return std::binary_search(std::begin(kUrl), std::end(kUrl), n);
}

// In a link, what separates its words: the query's punctuation and %-escaped controls.
char url_char(char c) {
  return (c == '?' || c == '&' || c == '=' || c == '+' || c == '#' || static_cast<unsigned char>(c) < 0x20) ? ' ' : c;
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

bool decode_numeric(std::string_view digits, bool hex, uint32_t* cp) {
  if (digits.empty()) return false;
  uint32_t v = 0;
  for (char c : digits) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (hex && ascii_lower(c) >= 'a' && ascii_lower(c) <= 'f') d = ascii_lower(c) - 'a' + 10;
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
  for (size_t i = 0; i < name.size(); ++i) buf[i] = ascii_lower(name[i]);
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
      else if (c == '&') { ent_.clear(); entity_return_ = State::Text; st_ = State::Entity; }
      else out.push_back(c);
      return;
    case State::Entity: step_entity(c, out); return;
    case State::TagOpen:
      name_.clear();
      closing_ = false;
      last_in_tag_ = 0;
      if (ascii_alpha(c)) { name_.push_back(ascii_lower(c)); st_ = State::TagName; }
      else if (c == '/') { closing_ = true; st_ = State::TagName; }
      else if (c == '!') { dashes_ = 0; st_ = State::MarkupDecl; }
      else if (c == '?') st_ = State::Bogus;
      else { out.push_back('<'); st_ = State::Text; step(c, out); }
      return;
    case State::TagName: step_tag_name(c, out); return;
    case State::InTag:
    case State::InQuote:
    case State::InValue: step_in_tag(c, out); return;
    case State::MarkupDecl:  // "<!": "--" opens a comment; anything else is a bogus comment
      if (c == '-' && ++dashes_ == 2) {
        st_ = State::CommentStart;
        value_len_ = 0;
        value_start_ = hidden_.size();
        url_value_ = false;
        comment_tag_ = false;
      } else if (c == '>') st_ = State::Text;
      else if (c != '-') st_ = State::Bogus;
      return;
    case State::CommentStart:
    case State::CommentStartDash:
    case State::Comment:
    case State::CommentEndDash:
    case State::CommentEnd:
    case State::CommentEndBang: step_comment(c, out); return;
    case State::Bogus:
      if (c == '>') st_ = State::Text;
      return;
    case State::RawText: step_raw_text(c, out); return;
  }
}

void HtmlToText::step_entity(char c, std::string& out) {
  if (c == ';') { flush_entity(true, out); return; }
  bool ok = ascii_alnum(c) || (c == '#' && ent_.empty());
  if (ok && ent_.size() < kMaxEntity) { ent_.push_back(c); return; }
  flush_entity(false, out);
  step(c, out);
}

// Emits the pending reference decoded, or literally when unknown: into
// the text, or into the attribute value it is in.
void HtmlToText::flush_entity(bool semicolon, std::string& out) {
  st_ = entity_return_;
  if (st_ == State::Text) {
    if (!ent_.empty() && decode_html_entity(ent_, out, &errors_)) return;
    out.push_back('&');
    out.append(ent_);
    if (semicolon) out.push_back(';');
    return;
  }
  std::string decoded;
  if (ent_.empty() || !decode_html_entity(ent_, decoded, &errors_)) decoded = "&" + ent_ + (semicolon ? ";" : "");
  for (char d : decoded) value_char(d, out);
}

void HtmlToText::step_tag_name(char c, std::string& out) {
  if (ascii_alnum(c) || (c == '-' && !name_.empty())) {
    if (name_.size() < kMaxTagName) name_.push_back(ascii_lower(c));
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

// Attributes: names, and values quoted or not; the values of the
// attributes hidden_attribute() names are hidden text.
void HtmlToText::step_in_tag(char c, std::string& out) {
  if (st_ == State::InQuote || st_ == State::InValue) {
    bool quoted = st_ == State::InQuote;
    if (quoted ? c == quote_ : (is_blank(c) || c == '>')) {
      end_hidden(out);
      st_ = State::InTag;
      attr_.clear();
      attr_done_ = false;
      if (quoted) last_in_tag_ = c;
      if (c == '>') tag_done(out);
      return;
    }
    if (!quoted) last_in_tag_ = c;
    if (!keep_value_) return;
    if (c == '&') {
      ent_.clear();
      entity_return_ = st_;
      st_ = State::Entity;
      return;
    }
    value_char(c, out);
    return;
  }
  if (c == '>') {
    attr_.clear();
    attr_done_ = false;
    tag_done(out);
    return;
  }
  if (last_in_tag_ == '=' && !is_blank(c)) {  // a value starts
    start_value(c == '"' || c == '\'' ? c : 0);
    if (st_ == State::InValue) step_in_tag(c, out);
    return;
  }
  if (is_blank(c)) {
    attr_done_ = !attr_.empty();
    return;
  }
  last_in_tag_ = c;
  if (c == '=' ) return;  // the name before it stays: its value follows
  if (c == '/' || c == '"' || c == '\'' || attr_done_) {
    attr_.clear();
    attr_done_ = false;
    if (c == '/' || c == '"' || c == '\'') return;
  }
  if (attr_.size() < kMaxTagName) attr_.push_back(ascii_lower(c));
  else attr_ = "~";  // too long to be one of the kept names
}

// An attribute value begins (quote: its quote character, 0 if unquoted).
void HtmlToText::start_value(char quote) {
  quote_ = quote;
  st_ = quote ? State::InQuote : State::InValue;
  css_on_ = attr_ == "style";
  keep_value_ = css_on_ || hidden_attribute(attr_);
  url_value_ = keep_value_ && url_attribute(attr_);
  srcset_ = attr_ == "srcset" ? Srcset::Between : Srcset::Off;
  css_ = Css::Scan;
  css_match_ = 0;
  pct_ = 0;
  value_len_ = 0;
  value_start_ = hidden_.size();
}

// One byte of a kept attribute value, references decoded.
void HtmlToText::value_char(char c, std::string& out) {
  if (css_on_) {
    css_char(c, out);
    return;
  }
  if (srcset_ != Srcset::Off && srcset_char(c, out)) return;
  if (data_ != Data::None) {
    data_char(c, out);
    return;
  }
  if (!url_value_) {
    hide(c == '\n' || c == '\r' || c == '\t' ? ' ' : c, out);
    return;
  }
  if (pct_ == 1 && hex_value(c) >= 0) {
    pct_hex_ = c;
    pct_ = 2;
    return;
  }
  if (pct_ == 2 && hex_value(c) >= 0) {
    pct_ = 0;
    int v = hex_value(pct_hex_) * 16 + hex_value(c);
    if (v < 0x80) {
      hide(url_char(static_cast<char>(v)), out);
    } else {  // a byte of a multibyte character: kept escaped, so that the text stays UTF-8
      hide('%', out);
      hide(pct_hex_, out);
      hide(c, out);
    }
    return;
  }
  if (pct_ >= 1) hide('%', out);
  if (pct_ == 2) hide(pct_hex_, out);
  pct_ = 0;
  if (c == '%') {
    pct_ = 1;
    return;
  }
  hide(url_char(c), out);
}

// One byte of hidden text. A link that is a cid: URL is not text: dropped;
// one that is a data: URL is a file (data_char).
void HtmlToText::hide(char c, std::string& out) {
  if (drop_url_) return;
  hidden_.push_back(c);
  ++value_len_;
  if (url_value_ && (value_len_ == 4 || value_len_ == 5) && value_start_ + value_len_ == hidden_.size()) {
    std::string_view v = std::string_view(hidden_).substr(value_start_);
    bool cid = v.size() == 4 && iequals(v, "cid:");
    bool data = v.size() == 5 && iequals(v, "data:");
    if (cid || data) {
      hidden_.resize(value_start_);
      value_len_ = 0;
      if (cid) drop_url_ = true;  // the rest of this URL is dropped
      if (data) {
        data_ = Data::Type;
        data_type_.clear();
      }
      return;
    }
  }
  if (hidden_.size() >= kMaxHidden) flush_hidden(out);
}

// One byte of a data: URL after "data:". Its media type and parameters up
// to ',' say whether the data is base64 (";base64" last): then it is a
// file, decoded and given to file_ as it comes; else it is %-escaped
// text, read as the rest of a link.
void HtmlToText::data_char(char c, std::string& out) {
  if (data_ == Data::Type) {
    if (c != ',') {
      if (data_type_.size() < kMaxDataType) data_type_.push_back(ascii_lower(c));
      else data_ = Data::Skip;
      return;
    }
    std::string_view type = data_type_;
    if (type.size() < 7 || type.substr(type.size() - 7) != ";base64") {
      data_ = Data::None;
      return;
    }
    data_ = Data::Base64;
    return;
  }
  if (data_ != Data::Base64) return;  // Skip
  b64_.decode(std::string_view(&c, 1), file_.held());
  file_.pass(out, out_start_, last_out_);
}

// The end of a data: URL's value (or of the input inside it): a file given
// bytes is ended.
void HtmlToText::data_end(std::string& out) {
  if (data_ == Data::Base64) {
    b64_.finish(file_.held());
    if (b64_.had_errors()) errors_ = true;
    b64_ = Base64Decoder();
    file_.end(out, out_start_, last_out_);
  }
  data_ = Data::None;
  data_type_.clear();
}

// srcset's "URL [descriptors], URL [descriptors], ...": each URL is read
// as a link of its own (a data: URL as a file); the descriptors ("2x",
// "480w") are dropped. True when `c` was taken here. A comma ends a data:
// URL's base64 (which has none); in another URL it is the URL's, but ends
// the candidate when it is the URL's last byte.
bool HtmlToText::srcset_char(char c, std::string& out) {
  switch (srcset_) {
    case Srcset::Between:
      if (is_blank(c) || c == ',') return true;
      srcset_ = Srcset::Url;
      srcset_last_ = c;
      return false;  // the URL's first byte
    case Srcset::Url:
      if (is_blank(c) || (c == ',' && data_ == Data::Base64)) {
        srcset_ = c == ',' || srcset_last_ == ',' ? Srcset::Between : Srcset::Descriptors;
        end_line(out);
        return true;
      }
      srcset_last_ = c;
      return false;
    case Srcset::Descriptors:
      if (c == ',') srcset_ = Srcset::Between;
      return true;
    case Srcset::Off: break;
  }
  return false;
}

// A byte of CSS (a style attribute's value, a style sheet): only the
// data: URLs of its url(...) tokens are read, as files (data_char); the
// rest of a style sheet is not text a reader sees. A url( ... ) that is
// no data: URL, and a data: URL that is not base64, are skipped.
void HtmlToText::css_char(char c, std::string& out) {
  static constexpr std::string_view kUrl = "url(", kData = "data:";
  char l = ascii_lower(c);
  bool url_end = css_quote_ ? c == css_quote_ : (c == ')' || is_blank(c));
  switch (css_) {
    case Css::Scan:
      if (l == kUrl[css_match_]) {
        if (++css_match_ < kUrl.size()) return;
        css_ = Css::Open;
        css_quote_ = 0;
        css_match_ = 0;
      } else {
        css_match_ = l == 'u' ? 1 : 0;
      }
      return;
    case Css::Open:  // blanks, then perhaps a quote, before the URL
      if (is_blank(c)) return;
      if (css_quote_ == 0 && (c == '"' || c == '\'')) {
        css_quote_ = c;
        return;
      }
      css_ = Css::Prefix;
      [[fallthrough]];
    case Css::Prefix:
      if (url_end || l != kData[css_match_]) {
        css_ = url_end ? Css::Scan : Css::Skip;
        css_match_ = 0;
        return;
      }
      if (++css_match_ < kData.size()) return;
      css_ = Css::Data;
      data_ = Data::Type;
      data_type_.clear();
      return;
    case Css::Data:
      if (url_end) {
        data_end(out);
        css_ = Css::Scan;
        css_match_ = 0;
        return;
      }
      if (data_ != Data::None) data_char(c, out);  // None: the data is not base64, skipped
      return;
    case Css::Skip:
      if (url_end) {
        css_ = Css::Scan;
        css_match_ = 0;
      }
      return;
  }
}

// The end of one link or value in hidden text: a data: URL's file is
// ended, and the value's line if it had any.
void HtmlToText::end_line(std::string& out) {
  if (data_ != Data::None) data_end(out);
  if (keep_value_ && url_value_) {  // an escape cut by the end of the value is kept as it was
    if (pct_ >= 1) hide('%', out);
    if (pct_ == 2) hide(pct_hex_, out);
  }
  if (value_len_ > 0) hidden_.push_back('\n');
  value_len_ = 0;
  pct_ = 0;
  drop_url_ = false;
  value_start_ = hidden_.size();
}

// The end of an attribute value, comment, script or style sheet: a line of
// hidden text if it had any.
void HtmlToText::end_hidden(std::string& out) {
  end_line(out);
  keep_value_ = false;
  url_value_ = false;
  css_on_ = false;
  srcset_ = Srcset::Off;
  if (hidden_.size() >= kMaxHidden) flush_hidden(out);
}

// Writes the hidden text held so far, on lines of its own.
void HtmlToText::flush_hidden(std::string& out) {
  if (hidden_.empty()) return;
  char last = out.size() > out_start_ ? out.back() : last_out_;
  if (last != 0 && last != '\n') out.push_back('\n');
  out.append(hidden_);
  if (out.back() != '\n') out.push_back('\n');
  hidden_.clear();
  value_start_ = 0;
}

void HtmlToText::tag_done(std::string& out) {
  st_ = State::Text;
  if (!closing_ && (name_ == "script" || name_ == "style") && last_in_tag_ != '/') {
    raw_end_ = name_;
    raw_match_ = 0;
    raw_keep_ = name_ == "script";
    css_on_ = !raw_keep_;
    css_ = Css::Scan;
    css_match_ = 0;
    value_len_ = 0;
    value_start_ = hidden_.size();
    st_ = State::RawText;
    return;
  }
  if (is_block_tag(name_)) {
    // What this converter wrote last, in this call or an earlier one: the
    // caller's buffer may hold only this chunk's output.
    char last = out.size() > out_start_ ? out.back() : last_out_;
    if (last != '\n') out.push_back('\n');
    if (hidden_.size() >= kHiddenFlush) flush_hidden(out);  // at a line break of the text
  }
}

// Reads script content and scans a style sheet's for data: URLs
// (css_char) up to "</script" or "</style" (any case); the bytes of a
// partial match are content after all.
void HtmlToText::step_raw_text(char c, std::string& out) {
  size_t want = raw_end_.size() + 2;
  auto end_char = [this](size_t k) { return k == 0 ? '<' : k == 1 ? '/' : raw_end_[k - 2]; };
  if (ascii_lower(c) == end_char(raw_match_)) {
    if (++raw_match_ == want) {
      end_hidden(out);
      name_ = raw_end_;
      closing_ = true;
      last_in_tag_ = 0;
      attr_.clear();
      attr_done_ = false;
      st_ = State::InTag;
    }
    return;
  }
  for (size_t k = 0; k < raw_match_; ++k) raw_char(end_char(k), out);
  raw_match_ = c == '<' ? 1 : 0;
  if (c != '<') raw_char(c, out);
}

void HtmlToText::raw_char(char c, std::string& out) {
  if (raw_keep_) hide(c, out);
  else css_char(c, out);
}

// The comment states of the WHATWG HTML tokenizer, which mail clients
// follow: "<!-->" and "<!--->" are whole (empty) comments, "--!>" ends one
// as "-->" does. The comment less-than sign states only report nested
// "<!--" as a parse error; they end a comment nowhere else, so they are
// folded into Comment.
void HtmlToText::step_comment(char c, std::string& out) {
  switch (st_) {
    case State::CommentStart:
      if (c == '-') st_ = State::CommentStartDash;
      else if (c == '>') st_ = State::Text;
      else { st_ = State::Comment; comment_char(c, out); }
      return;
    case State::CommentStartDash:
      if (c == '-') st_ = State::CommentEnd;
      else if (c == '>') st_ = State::Text;
      else { st_ = State::Comment; comment_char('-', out); comment_char(c, out); }
      return;
    case State::Comment:
      if (c == '-') st_ = State::CommentEndDash;
      else comment_char(c, out);
      return;
    case State::CommentEndDash:
      if (c == '-') st_ = State::CommentEnd;
      else { st_ = State::Comment; comment_char('-', out); comment_char(c, out); }
      return;
    case State::CommentEnd:  // "--" seen; more dashes stay here
      if (c == '>') { st_ = State::Text; end_hidden(out); }
      else if (c == '!') st_ = State::CommentEndBang;
      else if (c == '-') comment_char('-', out);
      else { st_ = State::Comment; for (char d : {'-', '-', c}) comment_char(d, out); }
      return;
    case State::CommentEndBang:
      if (c == '>') { st_ = State::Text; end_hidden(out); return; }
      for (char d : {'-', '-', '!'}) comment_char(d, out);
      if (c == '-') st_ = State::CommentEndDash;
      else { st_ = State::Comment; comment_char(c, out); }
      return;
    default: return;
  }
}

// A byte of a comment's text: tags in it (Word's XML, the HTML of a
// conditional comment) become blanks.
void HtmlToText::comment_char(char c, std::string& out) {
  if (comment_tag_) {
    if (c == '>') {
      comment_tag_ = false;
      hide(' ', out);
    }
    return;
  }
  if (c == '<') {
    comment_tag_ = true;
    return;
  }
  hide(c, out);
}

void HtmlToText::finish(std::string& out) {
  out_start_ = out.size();
  switch (st_) {
    case State::Text: break;
    case State::Entity:
      if (entity_return_ != State::Text) errors_ = true;  // in an attribute value: the tag is cut
      flush_entity(false, out);
      break;
    case State::TagOpen: out.push_back('<'); break;
    default: errors_ = true; break;
  }
  st_ = State::Text;
  if (data_ != Data::None) data_end(out);  // a file cut short is read as far as it goes
  flush_hidden(out);
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
