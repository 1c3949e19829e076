// NAME
//   boundary - split a multipart body at its boundary delimiter lines (RFC 2046)
// SYNOPSIS
//   struct Events : BoundarySplitter::Events { content(view); delimiter(bool close); };
//   BoundarySplitter s("frontier", events);
//   s.feed(chunk); ... s.finish();
// DESCRIPTION
//   Reports the body as content() runs and delimiter() calls, in order.
//   A delimiter line starts with "--" boundary and goes on with "--" (the
//   close delimiter), blanks (transport padding, ignored up to the line
//   end) or the line end; the line break before a delimiter belongs to it
//   and is not content. Lines may end in CRLF or a bare LF. Chunks may be
//   split anywhere, even inside a delimiter or between CR and LF. Content
//   before the first delimiter is the preamble and after the close
//   delimiter the epilogue; the caller tells them apart by counting.
//   A delimiter as the last bytes of the body, without a line end, counts.
// INPUT
//   Untrusted. Every byte is looked at once: at a line start at most
//   2 + boundary + 2 bytes are held back to decide; elsewhere memchr runs
//   to the next LF. State is O(boundary length).
// THREADS
//   One object per stream.
#ifndef PHI_MIME_BOUNDARY_H
#define PHI_MIME_BOUNDARY_H

#include <string>
#include <string_view>

namespace phi::mime {

class BoundarySplitter {
 public:
  class Events {
   public:
    virtual ~Events() = default;
    virtual void content(std::string_view bytes) = 0;
    virtual void delimiter(bool close) = 0;
  };
  BoundarySplitter(std::string_view boundary, Events& events);
  void feed(std::string_view data);
  void finish();

 private:
  enum class State { LineStart, MidLine, SkipLine };
  enum class Verdict { NeedMore, NotDelimiter, Delimiter, Close };
  void feed_mid_line(std::string_view& data);
  void feed_line_start(std::string_view& data);
  Verdict judge() const;
  void not_delimiter();
  void emit(std::string_view bytes);

  std::string dash_boundary_;  // "--" + boundary
  Events& ev_;
  State st_ = State::LineStart;
  std::string look_;         // bytes held at a line start
  std::string pending_eol_;  // line break that belongs to a delimiter if one follows
  bool held_cr_ = false;     // a CR at the end of the last chunk
};

}  // namespace phi::mime

#endif
