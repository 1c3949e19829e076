// json_text - JSON as "key: value" lines, name parts joined (see json_text.h).
#include "milter/mime/json_text.h"

#include "milter/util/strings.h"

namespace phi::mime {
namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
// A byte of a number or literal: anything but JSON's punctuation and blanks, so that text that is no JSON keeps its words.
bool token_char(char c) {
  return !blank(c) && c != '{' && c != '}' && c != '[' && c != ']' && c != ',' && c != ':' && c != '"';
}
void add_part(std::string& to, std::string_view v) {
  if (to.size() + v.size() + 1 > kMaxJsonName) return;
  if (!to.empty()) to.push_back(' ');
  to.append(v);
}

}  // namespace

void JsonText::feed(std::string_view in, std::string& out) {
  for (char c : in) step(c, out);
}

void JsonText::step(char c, std::string& out) {
  switch (st_) {
    case State::String:
      if (!string_.step(c, [&](char b) { string_byte(b, out); })) end_string(out);
      return;
    case State::Token:
      if (token_char(c)) {
        if (token_.size() < kMaxJsonKey) token_.push_back(c);
        return;
      }
      end_token(out);
      step(c, out);
      return;
    case State::Between:
      break;
  }
  if (blank(c)) return;
  if (pending_) {  // the string before was a key if this is ':', else a value
    pending_ = false;
    if (c == ':') {
      key_ = str_.substr(0, kMaxJsonKey);
      return;
    }
    value(str_, out);
  }
  switch (c) {
    case '"':
      st_ = State::String;
      str_.clear();
      streaming_ = false;
      return;
    case '{':
    case '[':
      if (nesting_.size() < kMaxJsonDepth) {
        nesting_.push_back(c);
        if (c == '{') frames_.emplace_back();
      } else {
        ++beyond_;
      }
      return;
    case '}':
    case ']':
      if (beyond_ > 0) {
        --beyond_;
      } else if (!nesting_.empty() && nesting_.back() == (c == '}' ? '{' : '[')) {
        nesting_.pop_back();
        if (c == '}') close_object(out);
      } else {
        errors_ = true;
      }
      return;
    case ',':
    case ':':
      return;
    default:
      st_ = State::Token;
      token_.assign(1, c);
      return;
  }
}

// One byte of a string, decoded.
void JsonText::string_byte(char c, std::string& out) {
  if (streaming_) {
    out.push_back(c);
    return;
  }
  str_.push_back(c);
  if (str_.size() <= kMaxJsonString) return;
  streaming_ = true;  // too long for a key: a value, written as it comes
  out += key_.empty() ? "" : key_ + ": ";
  out += str_;
  str_.clear();
}

void JsonText::end_string(std::string& out) {
  st_ = State::Between;
  if (streaming_) {
    out.push_back('\n');
    streaming_ = false;
    return;
  }
  pending_ = true;
}

void JsonText::end_token(std::string& out) {
  st_ = State::Between;
  if (token_ != "null") value(token_, out);
  token_.clear();
}

// A value under the current key; the parts of a person's name are kept for the object's end.
void JsonText::value(std::string_view v, std::string& out) {
  if (v.empty()) return;
  if (!key_.empty()) out += key_ + ": ";
  out.append(v);
  out.push_back('\n');
  if (frames_.empty()) return;
  if (one_of(key_, {"given", "firstName", "first_name", "givenName"})) add_part(frames_.back().given, v);
  if (one_of(key_, {"family", "lastName", "last_name", "familyName", "surname"})) add_part(frames_.back().family, v);
}

void JsonText::close_object(std::string& out) {
  if (frames_.empty()) return;
  Frame f = std::move(frames_.back());
  frames_.pop_back();
  if (!f.given.empty() && !f.family.empty()) out += "Name: " + f.given + " " + f.family + "\n";
}

void JsonText::finish(std::string& out) {
  if (st_ == State::Token) end_token(out);
  if (st_ == State::String) string_.end([&](char b) { string_byte(b, out); });
  if (st_ != State::Between) {  // cut inside a string
    errors_ = true;
    if (streaming_) out.push_back('\n');
    else value(str_, out);
  }
  if (pending_) value(str_, out);
  if (!nesting_.empty() || beyond_ > 0) errors_ = true;
  st_ = State::Between;
  pending_ = streaming_ = false;
}

}  // namespace phi::mime
