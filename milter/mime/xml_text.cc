// xml_text - streaming XML-to-text state machine for office document parts (see xml_text.h).
#include "milter/mime/xml_text.h"

#include <algorithm>
#include <iterator>

#include "milter/mime/html.h"

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

}  // namespace

void XmlToText::feed(std::string_view in, std::string& out) {
  out_start_ = out.size();
  size_t i = 0;
  while (i < in.size()) {
    if (st_ == State::Text) {
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
      st_ = State::InTag;
      step(c, out);
      return;
    case State::InTag:
      if (c == '>') { tag_done(out); return; }
      if (c == '"' || c == '\'') { quote_ = c; st_ = State::InQuote; return; }
      if (!is_blank(c)) prev_ = c;
      return;
    case State::InQuote:
      if (c == quote_) { st_ = State::InTag; prev_ = c; }
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

void XmlToText::tag_done(std::string& out) {
  st_ = State::Text;
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
