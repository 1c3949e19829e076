// NAME
//   html - streaming text/html to plain text
// SYNOPSIS
//   HtmlToText h(documents);   // documents: where data: URLs' files go, or none
//   h.feed(utf8_chunk, out); ... h.finish(out); h.had_errors(); h.unread();
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
//   What a reader does not see in the text but the message carries all the
//   same is read too, as "hidden text", one value per line after the
//   visible text: the values of the attributes that hold words or links
//   (alt, title, href, src, srcset, action, cite, poster, background,
//   data, value, placeholder, label, aria-label, content, summary, abbr;
//   entities decoded; in links, %-escapes of ASCII decoded and ? & = + #
//   read as blanks, so that "?name=Jane%20Doe&mrn=00482913" reads "name
//   Jane Doe mrn 00482913"; cid: URLs are not text and are skipped), the
//   text of comments (Word keeps document properties in them, and what
//   Outlook shows under [if mso] is a comment to others; tags in a comment
//   become blanks) and the content of <script> (JSON data of a saved web
//   page).
//   Style sheets and style attributes are not text: only the data: URLs of
//   their url(...) tokens are read, as files (below). Hidden text is held
//   until the end (finish()) so that it never splits the visible text;
//   more than kHiddenFlush bytes of it are written at the next block tag,
//   and kMaxHidden bytes at once wherever they are reached.
//   A data: URL in a link or a source (href, src, action, cite, poster,
//   background, an object's data, each URL of a srcset, whose descriptors
//   are dropped) or in CSS is a file the message carries: a screenshot
//   pasted into the mail, an image in a saved web page, a background. Its
//   media type is skipped; base64 data is decoded as it streams and given
//   to an InlineFile (embedded.h) with the EmbeddedDocument given to the
//   constructor, which reads a picture by OCR, a PDF, an Office file or a
//   ZIP as an attachment of its kind, its text written to `out` on lines
//   of its own where the tag is (or passed on by the document first, with
//   the text before it); data that is not base64 (%-escaped text) is read
//   as the rest of a link is (in CSS it is skipped). unread(): "" while
//   every data: file was read (or there was none), else why one was not
//   (EmbeddedFile::unread(): "binary" for a file of no kind read or
//   without an EmbeddedDocument, "image" for a picture too small for OCR
//   or with OCR off, ...).
//   had_errors() is set by invalid numeric references, by input that
//   ends inside a tag, comment or script, and by data: URLs that are not
//   valid base64.
// INPUT
//   Untrusted. Linear time; carried state is O(1) (tag names and
//   references are bounded by kMaxTagName and kMaxEntity, hidden text by
//   kMaxHidden; a data: URL's media type by kMaxDataType, its data by
//   kInlineChunk bytes decoded at a time and the EmbeddedFile's head).
// THREADS
//   One object per stream.
#ifndef PHI_MIME_HTML_H
#define PHI_MIME_HTML_H

#include <cstddef>
#include <string>
#include <string_view>

#include "milter/mime/embedded.h"
#include "milter/mime/transfer.h"

namespace phi::mime {

inline constexpr size_t kMaxTagName = 16;
inline constexpr size_t kMaxEntity = 32;
inline constexpr size_t kHiddenFlush = 8 * 1024;
inline constexpr size_t kMaxHidden = 64 * 1024;
inline constexpr size_t kMaxDataType = 256;       // "image/png;name=scan.png;base64": longer is not a data: URL read

class HtmlToText {
 public:
  explicit HtmlToText(EmbeddedDocument* documents = nullptr) : file_(documents) {}
  void feed(std::string_view in, std::string& out);
  void finish(std::string& out);
  bool had_errors() const { return errors_; }
  std::string_view unread() const { return file_.unread(); }

 private:
  enum class State {
    Text, Entity, TagOpen, TagName, InTag, InQuote, InValue, Bogus, RawText, MarkupDecl,
    // The HTML5 comment states (step_comment).
    CommentStart, CommentStartDash, Comment, CommentEndDash, CommentEnd, CommentEndBang
  };
  size_t text_run(std::string_view in, size_t i, std::string& out);
  void step(char c, std::string& out);
  void step_entity(char c, std::string& out);
  void step_tag_name(char c, std::string& out);
  void step_in_tag(char c, std::string& out);
  void step_raw_text(char c, std::string& out);
  void step_comment(char c, std::string& out);
  void tag_done(std::string& out);
  void flush_entity(bool semicolon, std::string& out);
  void start_value(char quote);
  void value_char(char c, std::string& out);
  void comment_char(char c, std::string& out);
  void hide(char c, std::string& out);
  void end_hidden(std::string& out);
  void flush_hidden(std::string& out);
  void data_char(char c, std::string& out);
  void data_end(std::string& out);
  bool srcset_char(char c, std::string& out);
  void css_char(char c, std::string& out);
  void raw_char(char c, std::string& out);
  void end_line(std::string& out);

  State st_ = State::Text;
  std::string name_;        // tag name, lower-cased, bounded
  std::string ent_;         // character reference name, bounded
  std::string raw_end_;     // "script" / "style" while skipping raw text
  size_t raw_match_ = 0;    // chars of "</" + raw_end_ matched
  bool closing_ = false;
  char quote_ = 0;
  char last_in_tag_ = 0;    // last non-blank char inside the tag
  char last_out_ = 0;       // the last char written by an earlier feed(), 0 before any
  size_t out_start_ = 0;    // where this call's output begins in `out`
  int dashes_ = 0;          // dashes after "<!" (MarkupDecl)
  State entity_return_ = State::Text;  // the state a reference is in: Text, InQuote or InValue
  std::string attr_;        // the attribute name being read, lower-cased, bounded
  bool attr_done_ = false;  // blanks after it: the next name character starts another
  bool keep_value_ = false; // the attribute value being read is hidden text
  bool url_value_ = false;  // ... and a link: %-escapes and ? & = + # (below)
  int pct_ = 0;             // a link's %-escape: hex digits read (1, 2) after '%' (0: none)
  char pct_hex_ = 0;
  size_t value_len_ = 0;    // bytes of the current hidden value so far
  size_t value_start_ = 0;  // where it starts in hidden_
  bool comment_tag_ = false;  // inside a tag in a comment
  bool raw_keep_ = false;     // RawText is a script's: hidden text (a style sheet's is CSS)
  bool drop_url_ = false;     // the rest of this link is dropped (a cid: URL)
  // srcset's candidates: blanks and commas between them, a URL, its descriptors.
  enum class Srcset { Off, Between, Url, Descriptors };
  Srcset srcset_ = Srcset::Off;
  char srcset_last_ = 0;      // the URL's last byte so far
  // CSS (css_on_: a style attribute's value or a style sheet): looking for
  // "url(" (Scan), blanks and a quote after it (Open), "data:" (Prefix),
  // the data: URL (Data), the rest of another URL (Skip).
  enum class Css { Scan, Open, Prefix, Data, Skip };
  bool css_on_ = false;
  Css css_ = Css::Scan;
  size_t css_match_ = 0;      // bytes of "url(" or "data:" matched
  char css_quote_ = 0;        // the URL's quote, 0 if unquoted
  std::string hidden_;      // hidden text not yet written, each value ending in '\n'
  // A data: URL in a link: its media type and parameters (Type), then
  // base64 data to the file (Base64); Skip: a type too long, the rest dropped.
  enum class Data { None, Type, Base64, Skip };
  Data data_ = Data::None;
  std::string data_type_;   // bounded by kMaxDataType
  Base64Decoder b64_;
  InlineFile file_;
  bool errors_ = false;
};

std::string html_to_text(std::string_view html, bool* had_errors);

// Decodes one reference name without '&' and ';' ("amp", "#64", "#x40") to
// UTF-8; false if unknown or invalid. Invisible characters decode to "".
bool decode_html_entity(std::string_view name, std::string& out, bool* invalid);

}  // namespace phi::mime

#endif
