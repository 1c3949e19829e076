// json_read - recursive-descent JSON parser with byte, depth and value bounds.
#include "milter/util/json_read.h"

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <unordered_set>

namespace phi {
namespace {

class Parser {
 public:
  Parser(std::string_view s, const JsonLimits& lim) : s_(s), lim_(lim) {}

  Result<JsonValue> document() {
    JsonValue v;
    if (!value(v, 0)) return fail();
    skip_ws();
    if (pos_ != s_.size()) { err_ = "trailing data"; return fail(); }
    return v;
  }

 private:
  Error fail() const { return Error{"JSON at byte " + std::to_string(pos_) + ": " + err_}; }
  bool error(const char* e) { err_ = e; return false; }
  void skip_ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return error("unknown literal");
    pos_ += word.size();
    return true;
  }

  bool value(JsonValue& v, size_t depth) {
    if (++values_ > lim_.max_values) return error("too many values");
    skip_ws();
    if (pos_ >= s_.size()) return error("unexpected end");
    switch (s_[pos_]) {
      case '{': return object(v, depth + 1);
      case '[': return array(v, depth + 1);
      case '"': v.type = JsonValue::Type::String; return string(v.str);
      case 't': v.type = JsonValue::Type::Bool; v.boolean = true; return literal("true");
      case 'f': v.type = JsonValue::Type::Bool; return literal("false");
      case 'n': return literal("null");
      default: return number(v);
    }
  }

  bool object(JsonValue& v, size_t depth) {
    if (depth > lim_.max_depth) return error("nested too deeply");
    v.type = JsonValue::Type::Object;
    ++pos_;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == '}') { ++pos_; return true; }
    std::unordered_set<std::string> seen;  // duplicate check without a quadratic scan
    for (;;) {
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != '"') return error("expected a member name");
      std::string key;
      if (!string(key)) return false;
      if (!seen.insert(key).second) return error("member given twice");
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != ':') return error("expected ':'");
      ++pos_;
      JsonValue m;
      if (!value(m, depth)) return false;
      v.members.push_back(JsonMember{std::move(key), std::move(m)});
      skip_ws();
      if (pos_ < s_.size() && s_[pos_] == ',') { ++pos_; continue; }
      if (pos_ < s_.size() && s_[pos_] == '}') { ++pos_; return true; }
      return error("expected ',' or '}'");
    }
  }

  bool array(JsonValue& v, size_t depth) {
    if (depth > lim_.max_depth) return error("nested too deeply");
    v.type = JsonValue::Type::Array;
    ++pos_;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == ']') { ++pos_; return true; }
    for (;;) {
      JsonValue item;
      if (!value(item, depth)) return false;
      v.items.push_back(std::move(item));
      skip_ws();
      if (pos_ < s_.size() && s_[pos_] == ',') { ++pos_; continue; }
      if (pos_ < s_.size() && s_[pos_] == ']') { ++pos_; return true; }
      return error("expected ',' or ']'");
    }
  }

  static void put_utf8(uint32_t cp, std::string& out) {
    if (cp < 0x80) { out.push_back(char(cp)); return; }
    if (cp < 0x800) { out.push_back(char(0xC0 | (cp >> 6))); }
    else if (cp < 0x10000) { out.push_back(char(0xE0 | (cp >> 12))); out.push_back(char(0x80 | ((cp >> 6) & 0x3F))); }
    else {
      out.push_back(char(0xF0 | (cp >> 18)));
      out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    }
    out.push_back(char(0x80 | (cp & 0x3F)));
  }

  bool hex4(uint32_t& cp) {
    if (pos_ + 4 > s_.size()) return error("short \\u escape");
    auto [p, ec] = std::from_chars(s_.data() + pos_, s_.data() + pos_ + 4, cp, 16);
    if (ec != std::errc() || p != s_.data() + pos_ + 4) return error("bad \\u escape");
    pos_ += 4;
    return true;
  }

  bool unicode_escape(std::string& out) {
    uint32_t cp = 0;
    if (!hex4(cp)) return false;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      uint32_t lo = 0;
      if (s_.substr(pos_, 2) != "\\u") return error("lone surrogate");
      pos_ += 2;
      if (!hex4(lo)) return false;
      if (lo < 0xDC00 || lo > 0xDFFF) return error("bad surrogate pair");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      return error("lone surrogate");
    }
    put_utf8(cp, out);
    return true;
  }

  bool string(std::string& out) {
    ++pos_;  // opening quote
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return error("control character in string");
      if (c != '\\') { out.push_back(c); continue; }
      if (pos_ >= s_.size()) break;
      char e = s_[pos_++];
      switch (e) {
        case '"': case '\\': case '/': out.push_back(e); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': if (!unicode_escape(out)) return false; break;
        default: return error("bad escape");
      }
    }
    return error("unterminated string");
  }

  bool number(JsonValue& v) {
    size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    size_t digits = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    if (pos_ == digits) return error("unexpected character");
    if (s_[digits] == '0' && pos_ - digits > 1) return error("leading zero");
    bool integral = true;
    if (pos_ < s_.size() && s_[pos_] == '.') {
      integral = false;
      size_t f = ++pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
      if (pos_ == f) return error("bad fraction");
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      integral = false;
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      size_t e = pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
      if (pos_ == e) return error("bad exponent");
    }
    v.type = JsonValue::Type::Number;
    std::string text(s_.substr(start, pos_ - start));
    v.num = std::strtod(text.c_str(), nullptr);
    if (integral) {
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v.num_int);
      v.integral = ec == std::errc() && p == text.data() + text.size();
    }
    return true;
  }

  std::string_view s_;
  const JsonLimits& lim_;
  size_t pos_ = 0;
  size_t values_ = 0;
  const char* err_ = "";
};

}  // namespace

const JsonValue* JsonValue::get(std::string_view key) const {
  if (type != Type::Object) return nullptr;
  for (const auto& [k, v] : members)
    if (k == key) return &v;
  return nullptr;
}

std::string_view JsonValue::get_string(std::string_view key) const {
  const JsonValue* v = get(key);
  return v && v->is_string() ? std::string_view(v->str) : std::string_view();
}

int64_t JsonValue::get_int(std::string_view key, int64_t def) const {
  const JsonValue* v = get(key);
  return v && v->is_int() ? v->num_int : def;
}

Result<JsonValue> parse_json(std::string_view text, const JsonLimits& lim) {
  if (text.size() > lim.max_bytes) return Error{"JSON text larger than " + std::to_string(lim.max_bytes) + " bytes"};
  return Parser(text, lim).document();
}

}  // namespace phi
