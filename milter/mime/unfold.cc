// unfold - iCalendar and vCard content lines unfolded, text escapes undone (see unfold.h).
#include "milter/mime/unfold.h"

namespace phi::mime {

void ContentLines::feed(std::string_view in, std::string& out) {
  size_t i = 0;
  while (i < in.size()) {
    if (st_ == State::Text) {  // a run with nothing to hold
      size_t j = i;
      while (j < in.size() && in[j] != '\r' && in[j] != '\n' && in[j] != '\\') ++j;
      out.append(in.data() + i, j - i);
      i = j;
      if (i == in.size()) break;
    }
    step(in[i++], out);
  }
}

void ContentLines::step(char c, std::string& out) {
  switch (st_) {
    case State::Text:
      if (c == '\r') st_ = State::Cr;
      else if (c == '\n') { st_ = State::Lf; cr_ = false; }
      else if (c == '\\') st_ = State::Backslash;
      else out.push_back(c);
      return;
    case State::Cr:
      if (c == '\n') {
        st_ = State::Lf;
        cr_ = true;
        return;
      }
      out.push_back('\r');
      st_ = State::Text;
      step(c, out);
      return;
    case State::Lf:
      st_ = State::Text;
      if (c == ' ' || c == '\t') return;  // a fold: the line goes on
      out.append(cr_ ? "\r\n" : "\n");
      step(c, out);
      return;
    case State::Backslash:
      st_ = State::Text;
      if (c == 'n' || c == 'N') out.push_back('\n');
      else if (c == ',' || c == ';' || c == '\\') out.push_back(c);
      else {
        out.push_back('\\');
        step(c, out);
      }
      return;
  }
}

void ContentLines::finish(std::string& out) {
  if (st_ == State::Cr) out.push_back('\r');
  if (st_ == State::Lf) out.append(cr_ ? "\r\n" : "\n");
  if (st_ == State::Backslash) out.push_back('\\');
  st_ = State::Text;
}

bool is_content_lines(std::string_view type, std::string_view ext) {
  for (std::string_view t : {"text/calendar", "text/x-vcalendar", "application/ics", "text/vcard", "text/x-vcard",
                             "text/directory"})
    if (type == t) return true;
  return ext == "ics" || ext == "vcs" || ext == "vcf";
}

}  // namespace phi::mime
