// NAME
//   json_read - a small, bounded JSON reader
// SYNOPSIS
//   Result<JsonValue> parse_json(std::string_view text, const JsonLimits& lim = {});
//   const JsonValue* v = doc.get("key");  v->is_string();  v->str;
// DESCRIPTION
//   Parses one RFC 8259 JSON text into a tree. Object members keep their
//   order; a key given twice is an error. Numbers that are integers within
//   int64 are kept exactly (integral, num_int); every number also has
//   num (double). \uXXXX escapes (with surrogate pairs) become UTF-8.
// INPUT
//   Untrusted. At most lim.max_bytes bytes, lim.max_depth nesting levels
//   and lim.max_values values in all; work is linear in the input size.
// THREADS
//   Pure; any thread.
#ifndef PHI_UTIL_JSON_READ_H
#define PHI_UTIL_JSON_READ_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "milter/util/result.h"

namespace phi {

struct JsonLimits {
  size_t max_bytes = 1 << 20;
  size_t max_depth = 32;
  size_t max_values = 100000;
};

struct JsonMember;

struct JsonValue {
  enum class Type { Null, Bool, Number, String, Array, Object };
  Type type = Type::Null;
  bool boolean = false;
  double num = 0;
  int64_t num_int = 0;
  bool integral = false;
  std::string str;
  std::vector<JsonValue> items;
  std::vector<JsonMember> members;  // an object's, in the order of the text

  bool is_null() const { return type == Type::Null; }
  bool is_string() const { return type == Type::String; }
  bool is_object() const { return type == Type::Object; }
  bool is_array() const { return type == Type::Array; }
  bool is_int() const { return type == Type::Number && integral; }
  // The member named key of an object, or nullptr.
  const JsonValue* get(std::string_view key) const;
  // The member's string, or "" when absent or not a string.
  std::string_view get_string(std::string_view key) const;
  // The member's integer, or def when absent or not an integer.
  int64_t get_int(std::string_view key, int64_t def = 0) const;
};

// Its own type rather than std::pair<std::string, JsonValue>: clang
// rejects a std::pair of JsonValue where JsonValue is still incomplete
// (the --enable-fuzzing build).
struct JsonMember {
  std::string name;
  JsonValue value;
};

Result<JsonValue> parse_json(std::string_view text, const JsonLimits& lim = {});

}  // namespace phi

#endif
