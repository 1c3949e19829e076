// NAME
//   unfold - the text of iCalendar and vCard files: content lines unfolded, text escapes undone
// SYNOPSIS
//   ContentLines c;
//   c.feed(bytes, out); ... c.finish(out);
// DESCRIPTION
//   iCalendar (RFC 5545: meeting invitations, appointment reminders) and
//   vCard (RFC 6350) fold every line longer than 75 octets: a line break
//   followed by one blank or tab continues the line. The fold falls
//   anywhere, inside an identifier too ("SSN 219-09-9" CRLF " 999"), so
//   it is removed: the line break and that one blank. Text values escape
//   ',', ';' and '\' with a backslash and write a line break as "\n":
//   those are undone. Everything else passes unchanged, line ends included.
//   Bytes are handled as ASCII: for UTF-8 and the 8-bit charsets, before
//   charset conversion.
// INPUT
//   Untrusted. Linear time; state is O(1) (a held line end or backslash).
// THREADS
//   One object per stream.
#ifndef PHI_MIME_UNFOLD_H
#define PHI_MIME_UNFOLD_H

#include <string>
#include <string_view>

namespace phi::mime {

class ContentLines {
 public:
  void feed(std::string_view in, std::string& out);
  void finish(std::string& out);

 private:
  enum class State { Text, Cr, Lf, Backslash };
  void step(char c, std::string& out);
  State st_ = State::Text;
  bool cr_ = false;  // Lf: the line end held is CR LF
};

// A part of this type or file name is iCalendar or vCard text.
bool is_content_lines(std::string_view content_type, std::string_view extension);

}  // namespace phi::mime

#endif
