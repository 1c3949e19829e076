// NAME
//   json_text - JSON files (FHIR resources, exports) as "key: value" lines
// SYNOPSIS
//   JsonText j;
//   j.feed(utf8_chunk, out); ... j.finish(out); j.had_errors();
// DESCRIPTION
//   In JSON a value is in quotes after its key in quotes, and a person's
//   name is often in parts: FHIR writes {"family":"Doe","given":["Jane"]},
//   "birthDate":"1962-03-14". Read as plain text, the classifier sees no
//   "Jane Doe" and a date after a quote. JsonText writes each string,
//   number and true/false as a line "key: value" under the last key read
//   (array elements under the array's key; null is left out), string
//   escapes decoded (mime/json_string.h: \uXXXX and surrogate pairs to
//   UTF-8; a lone surrogate, \u0000 and a broken \u as U+FFFD), and, when an object that held "given" and
//   "family" (or "firstName"/"lastName", "first_name"/"last_name") ends, a
//   line "Name: <given...> <family>". Keys are kept up to kMaxJsonKey
//   bytes; a string value longer than kMaxJsonString is written as it
//   comes; name parts are kept up to kMaxJsonName bytes per object, for
//   kMaxJsonDepth nested objects (deeper ones are read, their name parts
//   joined with the deepest one kept). Input that is not JSON is written
//   a word per line, without quotes and JSON's punctuation; had_errors()
//   tells when it does not balance.
// INPUT
//   Untrusted. Memory bounded by the constants above. Time: linear.
// THREADS
//   One object per stream.
#ifndef PHI_MIME_JSON_TEXT_H
#define PHI_MIME_JSON_TEXT_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "milter/mime/json_string.h"

namespace phi::mime {

inline constexpr size_t kMaxJsonKey = 64;
inline constexpr size_t kMaxJsonString = 4096;
inline constexpr size_t kMaxJsonName = 256;
inline constexpr size_t kMaxJsonDepth = 64;

class JsonText {
 public:
  void feed(std::string_view in, std::string& out);
  void finish(std::string& out);
  bool had_errors() const { return errors_ || string_.had_errors(); }

 private:
  enum class State { Between, String, Token };
  struct Frame {
    std::string given, family;
  };
  void step(char c, std::string& out);
  void string_byte(char c, std::string& out);
  void end_string(std::string& out);
  void value(std::string_view v, std::string& out);
  void end_token(std::string& out);
  void close_object(std::string& out);

  State st_ = State::Between;
  std::string str_;        // the string being read (a key or a value), up to kMaxJsonString
  bool streaming_ = false; // the string outgrew str_: it is a value, written as it comes
  bool pending_ = false;   // a string ended: a key if ':' follows, else a value
  std::string key_;
  std::string token_;      // a number or literal, up to kMaxJsonKey
  JsonString string_;             // the escapes of the string being read
  std::string nesting_;           // '{' and '[' of the open objects and arrays, up to kMaxJsonDepth
  size_t beyond_ = 0;             // open objects and arrays beyond that
  std::vector<Frame> frames_;     // the open objects in nesting_
  bool errors_ = false;
};

}  // namespace phi::mime

#endif
