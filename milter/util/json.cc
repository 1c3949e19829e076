// json - compact JSON writer with RFC 8259 escaping (see json.h).
#include "milter/util/json.h"

#include <cmath>
#include <cstdio>

#include "milter/util/sanitize.h"

namespace phi {

void json_escape(std::string_view s, std::string& out) {
  out.push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = utf8_sequence_length(s.substr(i));
    if (n == 0) { out += "\xEF\xBF\xBD"; ++i; continue; }
    if (n > 1) { out.append(s.substr(i, n)); i += n; continue; }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out.push_back('"');
}

void JsonWriter::before_value() {
  if (after_key_) { after_key_ = false; return; }
  if (!first_.empty()) {
    if (!first_.back()) out_.push_back(',');
    first_.back() = false;
  }
}

JsonWriter& JsonWriter::begin_object() { before_value(); out_.push_back('{'); first_.push_back(true); return *this; }
JsonWriter& JsonWriter::end_object() { out_.push_back('}'); first_.pop_back(); return *this; }
JsonWriter& JsonWriter::begin_array() { before_value(); out_.push_back('['); first_.push_back(true); return *this; }
JsonWriter& JsonWriter::end_array() { out_.push_back(']'); first_.pop_back(); return *this; }

JsonWriter& JsonWriter::key(std::string_view k) {
  before_value();
  json_escape(k, out_);
  out_.push_back(':');
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::string(std::string_view s) { before_value(); json_escape(s, out_); return *this; }
JsonWriter& JsonWriter::number(int64_t n) { before_value(); out_ += std::to_string(n); return *this; }

JsonWriter& JsonWriter::number(double d) {
  before_value();
  if (!std::isfinite(d)) { out_ += "null"; return *this; }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", d);
  out_ += buf;
  return *this;
}

JsonWriter& JsonWriter::boolean(bool b) { before_value(); out_ += b ? "true" : "false"; return *this; }
JsonWriter& JsonWriter::null() { before_value(); out_ += "null"; return *this; }
JsonWriter& JsonWriter::raw(std::string_view json) { before_value(); out_.append(json); return *this; }

}  // namespace phi
