// NAME
//   header - decode MIME header fields: RFC 2047 words, parameters (RFC 2231), display names
// SYNOPSIS
//   std::string unfold_header(std::string_view value);
//   std::string strip_comments(std::string_view value, bool* unterminated, std::string* comments = nullptr);
//   std::string decode_encoded_words(std::string_view text, bool* had_errors);
//   FieldValue decode_field_value(std::string_view value);   // Content-Type / -Disposition
//   std::vector<std::string> decode_display_names(std::string_view address_list, bool* had_errors);
// DESCRIPTION
//   unfold_header() removes CR and LF (folding keeps its white space).
//   strip_comments() replaces each RFC 822 comment - "(...)", nested, with
//   quoted-pairs - outside quoted strings with a blank, as readers do
//   (Python's email.policy.default): "boundary=b (x)" has boundary "b",
//   "message/rfc822 (fwd)" is message/rfc822.
//   decode_encoded_words() turns "=?charset?B|Q?...?=" words into UTF-8;
//   white space between adjacent encoded words is dropped, and adjacent
//   words in the same charset are joined before conversion (a character
//   may be split between them). Text outside encoded words is taken as
//   UTF-8 where valid, else Windows-1252. A malformed word stays literal.
//   decode_field_value() strips comments, then splits "token; name=value;
//   ..." into the lower-cased token (for Content-Type "type/subtype") and
//   parameters; quoted strings
//   are unquoted, RFC 2231 continuations (name*0, name*1*) joined and
//   name*=charset'lang'%XX values decoded to UTF-8. A parameter given both
//   ways keeps the RFC 2231 value. Parameter names are lower-cased.
//   decode_display_names() returns the display names of an address list
//   (From, To, Cc): the phrase before <addr>, or the comment after a bare
//   address, and group names; each decoded with decode_encoded_words().
// INPUT
//   Untrusted; linear time. At most kMaxParams parameters and
//   kMaxParamSections sections of one parameter, kMaxCommentDepth nested
//   comments in display names; the rest is ignored and marks the value
//   malformed, as does an unterminated comment in a field value.
// THREADS
//   Pure; any thread.
#ifndef PHI_MIME_HEADER_H
#define PHI_MIME_HEADER_H

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace phi::mime {

inline constexpr size_t kMaxParams = 64;
inline constexpr size_t kMaxParamSections = 64;
inline constexpr size_t kMaxCommentDepth = 32;
inline constexpr size_t kMaxEncodedWordCharset = 64;

struct FieldValue {
  std::string token;  // lower case; "" when absent
  std::vector<std::pair<std::string, std::string>> params;
  bool malformed = false;
  std::string comments;  // the text of the value's comments, which a reader may see as part of it
  // The value of parameter `name` (lower case), or "" if absent.
  std::string param(std::string_view name) const;
  bool has_param(std::string_view name) const;
};

std::string unfold_header(std::string_view value);
std::string strip_comments(std::string_view value, bool* unterminated, std::string* comments = nullptr);
std::string decode_encoded_words(std::string_view text, bool* had_errors);
FieldValue decode_field_value(std::string_view value);
std::vector<std::string> decode_display_names(std::string_view address_list, bool* had_errors);

}  // namespace phi::mime

#endif
