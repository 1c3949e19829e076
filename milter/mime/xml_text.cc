// xml_text - streaming XML-to-text state machine for office document parts (see xml_text.h).
#include "milter/mime/xml_text.h"

#include <algorithm>
#include <iterator>
#include <string>

#include "milter/mime/html.h"
#include "milter/mime/labelled.h"
#include "milter/util/strings.h"

namespace phi::mime {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// What an element's tag writes in Runs mode, by local name; 0 for nothing.
char run_separator(std::string_view name) {
  struct Sep { std::string_view name; char sep; };
  // Sorted by name (std::lower_bound); XML names are case-sensitive.
  static constexpr Sep kSeps[] = {
      {"br", '\n'},           {"c", '\n'},          {"comment", '\n'},   {"cr", '\n'},
      {"endnote", '\n'},      {"f", '\n'},          {"footnote", '\n'},  {"h", '\n'},
      {"line-break", '\n'},   {"noBreakHyphen", '-'}, {"note", '\n'},    {"note-citation", '\n'},
      {"p", '\n'},            {"pt", '\n'},         {"ptab", ' '},       {"row", '\n'},
      {"s", ' '},             {"si", '\n'},         {"tab", ' '},        {"table-cell", '\n'},
      {"table-row", '\n'},    {"tc", '\n'},         {"tr", '\n'},        {"txbxContent", '\n'},
      {"v", '\n'}};
  static_assert(std::is_sorted(std::begin(kSeps), std::end(kSeps),
                               [](const Sep& a, const Sep& b) { return a.name < b.name; }));
  auto it = std::lower_bound(std::begin(kSeps), std::end(kSeps), name,
                             [](const Sep& s, std::string_view n) { return s.name < n; });
  return it != std::end(kSeps) && it->name == name ? it->sep : 0;
}

// Data mode: attributes whose values say how to read the others, not
// what the document says (by local name; xmlns and xmlns:* aside).
bool data_attribute(std::string_view name) {
  if (name.rfind("xmlns", 0) == 0) return false;
  size_t colon = name.rfind(':');
  std::string_view local = colon == std::string_view::npos ? name : name.substr(colon + 1);
  static constexpr std::string_view kNoise[] = {
      "classCode", "codeSystem", "codeSystemName", "codeSystemVersion", "contextConductionInd", "determinerCode",
      "encoding", "inversionInd", "mediaType", "moodCode", "negationInd", "noNamespaceSchemaLocation", "nullFlavor",
      "operator", "representation", "root", "schemaLocation", "standalone", "type", "typeCode", "use", "version"};
  for (std::string_view n : kNoise)  // in any case: SpreadsheetML writes ss:Type
    if (iequals(n, local)) return false;
  return true;
}

constexpr size_t kMaxHeldDate = 32;

bool contains_birth(std::string_view n) {
  for (size_t i = 0; i + 5 <= n.size(); ++i)
    if ((n[i] | 0x20) == 'b' && (n[i + 1] | 0x20) == 'i' && (n[i + 2] | 0x20) == 'r' && (n[i + 3] | 0x20) == 't' &&
        (n[i + 4] | 0x20) == 'h')
      return true;
  return false;
}

}  // namespace

void XmlToText::feed(std::string_view in, std::string& out) {
  out_start_ = out.size();
  size_t i = 0;
  while (i < in.size()) {
    if (st_ == State::Text && mode_ != Mode::Data) {
      size_t j = i;
      while (j < in.size() && in[j] != '<' && in[j] != '&') ++j;
      out.append(in.data() + i, j - i);
      i = j;
      if (i == in.size()) break;
    }
    step(in[i++], out);
  }
  if (out.size() > out_start_) last_out_ = out.back();
}

void XmlToText::step(char c, std::string& out) {
  switch (st_) {
    case State::Text:
      if (c == '<') st_ = State::TagOpen;
      else if (c == '&') { name_.clear(); st_ = State::Ref; }
      else if (mode_ == Mode::Data) data_text(c, out);
      else out.push_back(c);
      return;
    case State::Ref:
      if (c == ';') { flush_ref(true, out); return; }
      if ((c == '#' && name_.empty()) || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        if (name_.size() < kMaxEntity) { name_.push_back(c); return; }
      }
      flush_ref(false, out);
      step(c, out);
      return;
    case State::TagOpen:
      name_.clear();
      prev_ = 0;
      closing_ = c == '/';
      attr_.clear();
      attr_done_ = false;
      if (c == '/') { st_ = State::TagName; return; }
      if (c == '!') { st_ = State::Markup; return; }
      if (c == '?') { st_ = State::PI; return; }
      if (is_blank(c) || c == '>' || c == '<' || c == '&') {  // not markup: a stray '<'
        errors_ = true;
        out.push_back('<');
        st_ = State::Text;
        step(c, out);
        return;
      }
      st_ = State::TagName;
      step(c, out);
      return;
    case State::TagName:
      if (c == ':') { name_.clear(); return; }  // the local name follows the prefix
      if (!is_blank(c) && c != '/' && c != '>') {
        if (name_.size() < kMaxTagName) name_.push_back(c);
        else name_ = "~";  // too long to be one of ours
        return;
      }
      elem_ = name_;
      st_ = State::InTag;
      step(c, out);
      return;
    case State::InTag:
      if (c == '>') { tag_done(out); return; }
      if (c == '"' || c == '\'') {
        quote_ = c;
        st_ = State::InQuote;
        if (mode_ == Mode::Data) data_value_start(out);
        return;
      }
      if (mode_ == Mode::Data) data_attribute_char(c);
      if (!is_blank(c)) prev_ = c;
      return;
    case State::InQuote:
      if (c == quote_) {
        st_ = State::InTag;
        prev_ = c;
        if (mode_ == Mode::Data) data_value_end(out);
      } else if (keep_value_) {
        if (birth_value_) {
          if (held_.size() < kMaxHeldDate) held_.push_back(c);
        } else {
          data_text(c, out);
        }
      }
      return;
    case State::Markup: {
      // "<!--" opens a comment, "<![CDATA[" a CDATA section; anything else is a declaration.
      static constexpr std::string_view kComment = "--", kCData = "[CDATA[";
      name_.push_back(c);
      if (name_ == kComment) { dashes_ = 0; st_ = State::Comment; return; }
      if (name_ == kCData) { dashes_ = 0; st_ = State::CData; return; }
      if (kComment.substr(0, name_.size()) == name_ || kCData.substr(0, name_.size()) == name_) return;
      depth_ = 0;
      st_ = State::Decl;
      for (char d : name_) step(d, out);
      return;
    }
    case State::Comment:
      if (c == '>' && dashes_ >= 2) st_ = State::Text;
      else dashes_ = c == '-' ? dashes_ + 1 : 0;
      return;
    case State::CData:
      if (c == ']') {
        if (dashes_ == 2) out.push_back(']');  // "]]]": the first one is text
        else ++dashes_;
        return;
      }
      if (c == '>' && dashes_ == 2) { st_ = State::Text; dashes_ = 0; return; }
      out.append(static_cast<size_t>(dashes_), ']');
      dashes_ = 0;
      out.push_back(c);
      return;
    case State::Decl:
      if (c == '[') ++depth_;
      else if (c == ']' && depth_ > 0) --depth_;
      else if (c == '>' && depth_ == 0) st_ = State::Text;
      return;
    case State::PI:
      if (c == '>' && prev_ == '?') st_ = State::Text;
      prev_ = c;
      return;
  }
}

void XmlToText::flush_ref(bool semicolon, std::string& out) {
  st_ = State::Text;
  if (semicolon && !name_.empty() && decode_html_entity(name_, out, &errors_)) return;
  out.push_back('&');
  out.append(name_);
  if (semicolon) out.push_back(';');
}

// Data mode: a byte of text or of a kept attribute value; white space is one blank.
void XmlToText::data_text(char c, std::string& out) {
  if (is_blank(c)) {
    blank(out);
    return;
  }
  out.push_back(c);
  text_since_tag_ = true;
}

void XmlToText::blank(std::string& out) {
  if (!is_blank(last(out)) && last(out) != 0) out.push_back(' ');
}

// Data mode: the name of the attribute whose value comes next (bounded).
void XmlToText::data_attribute_char(char c) {
  if (c == '=') {
    attr_done_ = false;  // its value follows
    return;
  }
  if (is_blank(c)) {
    attr_done_ = !attr_.empty();
    return;
  }
  if (c == '/' || attr_done_ || prev_ == '"' || prev_ == '\'') attr_.clear();  // a new attribute
  attr_done_ = false;
  if (c == '/') return;
  if (attr_.size() < 2 * kMaxTagName) attr_.push_back(c);
  else attr_ = "~";
}

void XmlToText::data_value_start(std::string& out) {
  keep_value_ = !attr_.empty() && attr_[0] != '~' && data_attribute(attr_);  // '~': a name too long to keep
  birth_value_ = keep_value_ && (contains_birth(elem_) || contains_birth(attr_));
  held_.clear();
  if (keep_value_ && !birth_value_) blank(out);
}

void XmlToText::data_value_end(std::string& out) {
  if (keep_value_) {
    // A date as HL7 writes it (YYYYMMDD, maybe a time after it) under a birth name.
    std::string iso = birth_value_ ? iso_date(held_) : std::string();
    blank(out);
    if (!iso.empty()) {
      out += "date of birth " + iso;
      text_since_tag_ = true;
    } else {
      for (char h : held_) data_text(h, out);
    }
    blank(out);
  }
  keep_value_ = birth_value_ = false;
  held_.clear();
  attr_.clear();
}

void XmlToText::tag_done(std::string& out) {
  st_ = State::Text;
  if (mode_ == Mode::Data) {  // an element that held only elements ends a line
    if (closing_ && !text_since_tag_) {
      if (last(out) != '\n' && last(out) != 0) out.push_back('\n');
    } else {
      blank(out);
    }
    text_since_tag_ = false;
    return;
  }
  char sep = mode_ == Mode::Elements ? '\n' : run_separator(name_);
  if (sep == 0) return;
  char before = last(out);
  if (sep == '\n') {
    if (before != '\n') out.push_back('\n');
  } else if (sep == ' ') {
    if (!is_blank(before)) out.push_back(' ');
  } else {
    out.push_back(sep);
  }
}

void XmlToText::finish(std::string& out) {
  out_start_ = out.size();
  if (st_ == State::Ref) flush_ref(false, out);
  else if (st_ == State::CData) { out.append(static_cast<size_t>(dashes_), ']'); errors_ = true; }
  else if (st_ != State::Text) errors_ = true;
  st_ = State::Text;
  if (out.size() > out_start_) last_out_ = out.back();
}

std::string xml_to_text(std::string_view xml, XmlToText::Mode mode, bool* had_errors) {
  XmlToText x(mode);
  std::string out;
  x.feed(xml, out);
  x.finish(out);
  if (had_errors && x.had_errors()) *had_errors = true;
  return out;
}

}  // namespace phi::mime
