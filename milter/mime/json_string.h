// NAME
//   json_string - a JSON string's body decoded to UTF-8 as it streams, escapes and surrogate pairs included
// SYNOPSIS
//   JsonString s;                                  // after a string's opening quote
//   if (!s.step(c, [&](char b) { out += b; })) ... // false: c was the closing quote
//   s.end(emit);                                   // a string cut before its quote
//   s.had_errors();
// DESCRIPTION
//   The one decoding of JSON strings' escapes for the readers of JSON
//   (json_text.h: FHIR and other JSON files; pdf_comments.h: qpdf's list
//   of a PDF's objects). step() takes a byte of the string after its
//   opening quote and gives `emit` the UTF-8 bytes it decodes to, one at a
//   time: \" \\ \/ \n \t \r as themselves, \b and \f as a space, \uXXXX as
//   UTF-8 with a surrogate pair as one code point; a lone surrogate half,
//   \u0000 (no NUL goes into text) and a broken \u (fewer than four hex
//   digits: the byte that broke it is then read on its own) as U+FFFD.
//   Other bytes pass as they are. An unknown escape ("\x") is the byte
//   itself. step() returns false for the closing quote (nothing emitted;
//   ready for the next string). end() closes a string cut by the end of the
//   input: a high half waiting becomes U+FFFD, an escape begun is dropped.
//   had_errors(): an unknown escape, a broken \u or a cut escape was seen.
// INPUT
//   Untrusted. Memory: a few integers. Time: constant per byte.
// THREADS
//   One object per stream.
#ifndef PHI_MIME_JSON_STRING_H
#define PHI_MIME_JSON_STRING_H

#include <cstdint>
#include <string>

#include "milter/mime/charset.h"
#include "milter/util/strings.h"

namespace phi::mime {

class JsonString {
 public:
  template <class Emit>
  bool step(char c, Emit&& emit) {
    if (escape_ == 1) {
      escape_ = 0;
      switch (c) {
        case 'n': return byte('\n', emit);
        case 't': return byte('\t', emit);
        case 'r': return byte('\r', emit);
        case 'b': case 'f': return byte(' ', emit);
        case 'u':
          escape_ = 2;
          code_ = 0;
          return true;
        case '"': case '\\': case '/': return byte(c, emit);
        default:
          errors_ = true;
          return byte(c, emit);
      }
    }
    if (escape_ >= 2) {
      int v = hex_value(c);
      if (v < 0) {  // a broken \u: what was read of it is U+FFFD, c read on its own
        escape_ = 0;
        errors_ = true;
        code_point(0xFFFD, emit);
        return step(c, emit);
      }
      code_ = code_ * 16 + uint32_t(v);
      if (++escape_ == 6) {
        escape_ = 0;
        unit(code_, emit);
      }
      return true;
    }
    if (c == '\\') {
      escape_ = 1;
      return true;
    }
    if (c == '"') {
      end(emit);
      return false;
    }
    return byte(c, emit);
  }

  template <class Emit>
  void end(Emit&& emit) {
    if (escape_) errors_ = true;
    escape_ = 0;
    if (high_) code_point(0xFFFD, emit);
    high_ = 0;
  }

  bool had_errors() const { return errors_; }

 private:
  // A byte of UTF-8 as it is (after a high half that found no low one).
  template <class Emit>
  bool byte(char c, Emit& emit) {
    if (high_) code_point(0xFFFD, emit);
    high_ = 0;
    emit(c);
    return true;
  }
  // A UTF-16 code unit from \uXXXX.
  template <class Emit>
  void unit(uint32_t u, Emit& emit) {
    if (u >= 0xDC00 && u <= 0xDFFF) {
      code_point(high_ ? 0x10000 + ((high_ - 0xD800) << 10) + (u - 0xDC00) : 0xFFFD, emit);
      high_ = 0;
      return;
    }
    if (high_) code_point(0xFFFD, emit);  // a high half without its low one
    high_ = 0;
    if (u >= 0xD800 && u <= 0xDBFF) high_ = u;
    else code_point(u == 0 ? 0xFFFD : u, emit);
  }
  template <class Emit>
  static void code_point(uint32_t cp, Emit& emit) {
    std::string u;  // at most 4 bytes: no allocation
    append_utf8(u, cp);
    for (char b : u) emit(b);
  }

  int escape_ = 0;     // 1: after '\', 2..5: hex digits of \u read
  uint32_t code_ = 0;  // the \u unit so far
  uint32_t high_ = 0;  // a high surrogate waiting for its low one
  bool errors_ = false;
};

}  // namespace phi::mime

#endif
