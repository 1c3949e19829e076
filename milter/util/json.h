// NAME
//   json - a small JSON writer for test-mode output and audit records
// SYNOPSIS
//   JsonWriter w;  w.begin_object();  w.key("file").string("x.eml");
//   w.key("n").number(3);  w.end_object();  std::string s = w.str();
// DESCRIPTION
//   Writes compact JSON with commas placed automatically. Strings are
//   escaped per RFC 8259; bytes that are not valid UTF-8 become U+FFFD, so
//   the output is always valid UTF-8 whatever the input.
// THREADS
//   One writer per thread.
#ifndef PHI_UTIL_JSON_H
#define PHI_UTIL_JSON_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace phi {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& string(std::string_view s);
  JsonWriter& number(int64_t n);
  JsonWriter& number(double d);
  JsonWriter& boolean(bool b);
  JsonWriter& null();
  // Inserts already-serialised JSON as one value.
  JsonWriter& raw(std::string_view json);
  const std::string& str() const { return out_; }

 private:
  void before_value();
  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

// Appends the JSON string literal for s (with quotes) to out.
void json_escape(std::string_view s, std::string& out);

}  // namespace phi

#endif
