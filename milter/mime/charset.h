// NAME
//   charset - streaming conversion of a declared charset to UTF-8
// SYNOPSIS
//   CharsetConverter c("iso-8859-1");
//   c.convert(chunk, out); ... c.finish(out);
//   c.had_errors(); c.known();
//   void append_utf8(std::string& out, uint32_t code_point);
//   uint32_t windows1252_code_point(unsigned char);
//   std::string convert_to_utf8(std::string_view charset, std::string_view bytes, bool* had_errors);
// DESCRIPTION
//   UTF-8 (validated here), us-ascii and unlabelled text (UTF-8 where it is
//   valid, else Windows-1252 byte by byte), iso-8859-1 and windows-1252
//   (built-in table: mail labelled latin-1 is usually Windows-1252) and
//   every charset iconv knows (one iconv_open per converter). A sequence
//   split between chunks is carried over (at most kMaxCarry bytes). iconv
//   is handed the text a line at a time (through its LF; a longer line in
//   pieces of kIconvPiece bytes), pieces fixed by the text alone: what a
//   stateful encoding (UTF-7, ISO-2022-*) makes of an invalid sequence
//   depends on where iconv's calls begin, and must not depend on how the
//   MTA cut the body into chunks. Invalid
//   sequences become U+FFFD and set had_errors(); nothing is dropped
//   silently. After one, iconv resumes a code unit further on (2 bytes
//   for UCS-2/UTF-16, 4 for UCS-4/UTF-32, as iconv says; else 1), so the
//   rest of a 16-bit text stays in step. An unknown or malformed charset name falls back to
//   Windows-1252, sets had_errors() and known() is false.
// INPUT
//   Untrusted bytes and charset name. Linear time; output is at most
//   4 bytes per input byte plus the replacement characters.
// THREADS
//   One object per stream.
#ifndef PHI_MIME_CHARSET_H
#define PHI_MIME_CHARSET_H

#include <iconv.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "milter/util/c_ptr.h"

namespace phi::mime {

inline constexpr size_t kMaxCarry = 16;        // bytes of an incomplete sequence kept between chunks
inline constexpr size_t kIconvPiece = 4096;    // iconv gets a line, or pieces of this many bytes of a longer one
inline constexpr size_t kMaxCharsetName = 40;  // longer names are unknown

void append_utf8(std::string& out, uint32_t code_point);
// The Unicode code point of a Windows-1252 byte.
uint32_t windows1252_code_point(unsigned char b);

class CharsetConverter {
 public:
  explicit CharsetConverter(std::string_view charset);
  void convert(std::string_view in, std::string& out);
  void finish(std::string& out);
  bool had_errors() const { return errors_; }
  bool known() const { return known_; }

 private:
  enum class Mode { Utf8, Unlabelled, Windows1252, Iconv };
  void convert_utf8(std::string_view in, std::string& out);
  void feed_iconv(std::string_view in, std::string& out);
  void convert_iconv(std::string_view in, std::string& out);
  void bad_byte(unsigned char b, std::string& out);

  Mode mode_ = Mode::Unlabelled;
  CPtr<void, iconv_close> cd_;
  size_t unit_ = 1;  // code unit skipped past an invalid sequence (2 for UCS-2/UTF-16, 4 for UCS-4/UTF-32)
  std::string carry_;
  std::string piece_;  // Iconv: the start of a line not yet handed to iconv (< kIconvPiece bytes)
  bool errors_ = false;
  bool known_ = true;
};

// One-shot conversion (header words, RFC 2231 parameters).
std::string convert_to_utf8(std::string_view charset, std::string_view bytes, bool* had_errors);

}  // namespace phi::mime

#endif
