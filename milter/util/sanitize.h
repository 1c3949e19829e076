// NAME
//   sanitize - make untrusted text safe to write into a header or a log line
// SYNOPSIS
//   std::string sanitize_header_text(std::string_view in, size_t max_bytes);
//   std::string quote_header_value(std::string_view in, size_t max_bytes);
//   std::string sanitize_log_text(std::string_view in, size_t max_bytes);
// DESCRIPTION
//   sanitize_header_text() drops CR, LF and every other control character
//   (tabs become spaces), replaces bytes that are not valid UTF-8 with '?',
//   and cuts the result at max_bytes on a character boundary, marking a cut
//   with "...". quote_header_value() additionally returns a token unchanged
//   when it holds only characters safe in a key=value; list, and otherwise
//   a double-quoted string with '"' and '\' escaped. The output never
//   contains CR or LF, so it can never start a new header.
// INPUT
//   Untrusted bytes of any length; work is linear in min(size, max_bytes*4).
// THREADS
//   Pure; any thread.
#ifndef PHI_UTIL_SANITIZE_H
#define PHI_UTIL_SANITIZE_H

#include <cstddef>
#include <string>
#include <string_view>

namespace phi {

std::string sanitize_header_text(std::string_view in, size_t max_bytes);
std::string quote_header_value(std::string_view in, size_t max_bytes);
std::string sanitize_log_text(std::string_view in, size_t max_bytes);

// Length of the valid UTF-8 sequence starting at s[0], or 0 if invalid.
size_t utf8_sequence_length(std::string_view s);

}  // namespace phi

#endif
