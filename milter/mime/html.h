// NAME
//   html - streaming text/html to plain text
// SYNOPSIS
//   HtmlToText h;
//   h.feed(utf8_chunk, out); ... h.finish(out); h.had_errors();
//   std::string html_to_text(std::string_view html, bool* had_errors);
// DESCRIPTION
//   A state machine over UTF-8 input split anywhere: tags are removed,
//   character references decoded (named ones from a table of the common
//   entities, numeric decimal and hex ones), comments and the content of
//   <script> and <style> skipped. Comments end where an HTML5 browser ends
//   them: at "-->", "--!>", and "<!-->" and "<!--->" are whole comments.
//   Block-level tags (p, div, br, li, td, tr, h1...) become a line break or
//   a blank; inline tags (b, i, span, a, font...) vanish without splitting
//   a word, so "1<b>23</b>-45-6789" reads "123-45-6789". &nbsp; becomes a
//   blank; invisible characters (soft hyphen, zero-width space/joiners,
//   word joiner, BOM) written as references are dropped, so they cannot
//   split an identifier either. An unknown reference is kept literally.
//   had_errors() is set by invalid numeric references and by input that
//   ends inside a tag, comment or script.
// INPUT
//   Untrusted. Linear time; carried state is O(1) (tag names and
//   references are bounded by kMaxTagName and kMaxEntity).
// THREADS
//   One object per stream.
#ifndef PHI_MIME_HTML_H
#define PHI_MIME_HTML_H

#include <cstddef>
#include <string>
#include <string_view>

namespace phi::mime {

inline constexpr size_t kMaxTagName = 16;
inline constexpr size_t kMaxEntity = 32;

class HtmlToText {
 public:
  void feed(std::string_view in, std::string& out);
  void finish(std::string& out);
  bool had_errors() const { return errors_; }

 private:
  enum class State {
    Text, Entity, TagOpen, TagName, InTag, InQuote, Bogus, RawText, MarkupDecl,
    // The HTML5 comment states (step_comment).
    CommentStart, CommentStartDash, Comment, CommentEndDash, CommentEnd, CommentEndBang
  };
  size_t text_run(std::string_view in, size_t i, std::string& out);
  void step(char c, std::string& out);
  void step_entity(char c, std::string& out);
  void step_tag_name(char c, std::string& out);
  void step_in_tag(char c, std::string& out);
  void step_raw_text(char c);
  void step_comment(char c);
  void tag_done(std::string& out);
  void flush_entity(bool semicolon, std::string& out);

  State st_ = State::Text;
  std::string name_;        // tag name or reference, lower-cased, bounded
  std::string raw_end_;     // "script" / "style" while skipping raw text
  size_t raw_match_ = 0;    // chars of "</" + raw_end_ matched
  bool closing_ = false;
  char quote_ = 0;
  char last_in_tag_ = 0;    // last non-blank char inside the tag
  char last_out_ = 0;       // the last char written by an earlier feed(), 0 before any
  size_t out_start_ = 0;    // where this call's output begins in `out`
  int dashes_ = 0;          // dashes after "<!" (MarkupDecl)
  bool errors_ = false;
};

std::string html_to_text(std::string_view html, bool* had_errors);

// Decodes one reference name without '&' and ';' ("amp", "#64", "#x40") to
// UTF-8; false if unknown or invalid. Invisible characters decode to "".
bool decode_html_entity(std::string_view name, std::string& out, bool* invalid);

}  // namespace phi::mime

#endif
