// NAME
//   rtf - streaming RTF to plain text
// SYNOPSIS
//   RtfToText r(documents);   // documents: where pictures go, or none
//   r.feed(rtf_chunk, out); ... r.finish(out); r.had_errors(); r.unread();
//   std::string rtf_to_text(std::string_view rtf, bool* had_errors);
//   std::string codepage_charset(int cp);
// DESCRIPTION
//   A state machine over raw (transfer-decoded) RTF bytes split anywhere:
//   a control word, its parameter, a \'hh escape or \binN data may be cut
//   between two feed() calls; the text is the same however the input is
//   cut. Output is UTF-8, appended to `out`.
//
//   Groups nest; control words and their parameters are not text. \par,
//   \line, \row, \nestrow, \sect, \page, \column and a backslash before a
//   literal CR or LF become "\n"; \tab, \cell and \nestcell become "\t".
//   Formatting groups vanish without splitting a word, so
//   "078-05-{\b 1121}" reads "078-05-1121". Literal CR and LF, NUL and
//   other C0 bytes except TAB are not text. \~ is a blank, \_ a hyphen,
//   \- nothing; \{ \} \\ are literal; \emdash, \bullet, \lquote and the
//   other character words are their characters; \zwj, \zwnj, \ltrmark...,
//   and invisible characters written as \uN (soft hyphen, zero-width
//   space and joiners, word joiner, BOM) or as a Windows-1252 \'ad are
//   dropped so they cannot split an identifier either.
//
//   Skipped, with everything nested in them: a group that starts with \*
//   (except \*\shpinst and \*\shptxt, which hold text boxes, and
//   \*\annotation, Word's comments: they can carry PHI and a reader shows
//   them; their own \* sub-groups are skipped as usual), and groups that start with a
//   non-text destination: \fonttbl \colortbl \stylesheet \listtable
//   \listoverridetable \objdata \themedata \colorschememapping
//   \latentstyles \datastore \xmlnstbl \rsidtbl \generator \filetbl
//   \revtbl \fldinst \sp \shprslt \nonshppict and the other ones in
//   kSkipped (rtf.cc). A destination word is honoured only as the first
//   control word of its group (after \*, if any), as writers put it.
//   Kept: body text, \header \footer \footnote \fldrslt \listtext, and
//   the text of \info's sub-destinations (\title \subject \author
//   \keywords \comment \doccomm...), each on a line of its own, as are
//   headers, footers, footnotes, comments and text boxes (Word writes a
//   footnote where it is referenced: it must not join the word there).
//   \binN skips N raw bytes wherever it occurs (the bytes may hold braces
//   and backslashes); N is only counted down, never allocated.
//
//   Pictures: a \pict group is not text, but a picture pasted into the
//   document (a screenshot, a scanned form). One in the text, in
//   \*\shppict (where Word puts the PNG or JPEG it writes) or in a shape's
//   property value (\sp: a floating picture's "pib") whose format word is
//   \pngblip or \jpegblip has its data (hex digits, or \bin bytes) decoded
//   and given to an InlineFile (embedded.h) with the EmbeddedDocument
//   given to the constructor, its text written to `out` on lines of its
//   own where the picture is. A metafile (\emfblip, \wmetafile: a table
//   or chart pasted as a picture) is read here, without a reader: the
//   text it draws (MetafileText, metafile.h) on lines of its own where it
//   is; one that draws none (a logo) is "image"; a bitmap it draws (a
//   screenshot pasted as a metafile) goes to the InlineFile as the .bmp
//   file it would be, where it is drawn. A \dibitmap (a device-
//   independent bitmap) goes to the InlineFile as the .bmp file it would
//   be (office_pictures.h's bmp_file_header, from its first kDibHead
//   bytes; a header that makes no sense: "image"). A picture of another
//   format (\wbitmap, \macpict...), or a PNG or JPEG without an
//   EmbeddedDocument, is not read: unread() says "image"; else unread() is the reason the reader
//   gave for one it did not read ("image" under its minimum size...), ""
//   when all were read. The copies in \nonshppict and \shprslt (a
//   metafile of the same picture for older readers) and a bullet's
//   \listpicture are skipped as before, as is a picture in a picture.
//   An embedded object's data (\*\objdata: an OLE 1 object, hex digits)
//   is read the same way: its head is parsed (Ole1Object, ole_native.h)
//   and its file (an OLE 2 object's compound file, a package's file) given
//   to the InlineFile where the object is; without an EmbeddedDocument,
//   or cut short, unread() says "office".
//
//   Characters: \'hh and raw 8-bit bytes are bytes of the current code
//   page: the font's (\fN looked up in the \fonttbl: its \cpgN, else the
//   code page of its \fcharsetN) or the document's (\ansicpgN, \mac, \pc,
//   \pca; default Windows-1252). Windows-1252 is decoded with the built-in
//   table; the other Windows/DOS/Mac code pages, DBCS ones (932, 936, 949,
//   950) included, through CharsetConverter (iconv); a code page outside
//   the list in codepage_charset() (rtf.cc), or one iconv lacks, falls back
//   to Windows-1252 without an error. \uN (a signed 16-bit number,
//   negative means +65536) is that code point; then the next \ucN
//   characters (the \uc of the current group, default 1, at most
//   kMaxUcSkip) are skipped: a text byte, a \'hh, a control symbol or a
//   character word counts as one; a brace, a line or cell break ends the
//   skipping; other control words do not count. A high surrogate followed
//   by a low one (\u-10179?\u-8694?) is one code point; a lone surrogate,
//   an out-of-range \uN and \u without a number become U+FFFD. A
//   multi-byte character must be whole between two things written
//   otherwise (a \uN, a break...): a lead byte alone becomes U+FFFD.
//
//   Unknown control words are ignored with their parameter. Input that
//   does not start with "{\rtf" is converted all the same (a mislabelled
//   document is still shown by some clients; plain text comes out mostly
//   intact) and sets had_errors(). Text outside the outermost group is
//   kept. Hidden text (\v) is kept: the classifier would rather see it.
//   had_errors() is also set by a '}' without its '{', input that ends
//   inside a group, a \'hh escape or \bin data, an invalid \uN or lone
//   surrogate, and bytes invalid in a multi-byte code page.
//
//   Not handled: RTF-J raw double-byte characters whose trail byte is
//   '\', '{' or '}'; \upr's Unicode half (its \*\ud is skipped, the ANSI
//   half is shown); drawing objects (\do, \dptxbxtext); field
//   instructions (\fldinst, so a MERGEFIELD name or hyperlink target is
//   not text); the \* parts of comments (\atnauthor...); list numbers
//   that only \pn or \listtable generate (the \listtext a writer stores
//   is kept).
// INPUT
//   Untrusted. Linear time; carried state is O(1): control words are cut
//   at kMaxControlWord letters (a longer one is unknown), parameters
//   saturate at kMaxParam, at most kMaxFonts fonts are remembered (later
//   ones use the document's code page). Group depth is a counter; the
//   per-group state (\uc and font code page) is saved for the outer
//   kMaxDepth levels only: deeper, a change made in a group lasts until
//   the group at depth kMaxDepth closes, and a footnote or header does
//   not get a line of its own. Skipped destinations, \info and pictures
//   are tracked by depth counters, so they work at any depth. \binN data
//   is counted, not stored (a picture's: kInlineChunk bytes held at a
//   time).
// THREADS
//   One object per stream.
#ifndef PHI_MIME_RTF_H
#define PHI_MIME_RTF_H

#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "milter/mime/charset.h"
#include "milter/mime/embedded.h"
#include "milter/mime/transfer.h"

namespace phi::mime {

inline constexpr size_t kDibHead = 40;  // a DIB's first bytes held to write its .bmp file header (a BITMAPINFOHEADER)

class Ole1Object;
class MetafileText;

inline constexpr size_t kMaxControlWord = 32;  // letters of a control word (the RTF spec's limit)
inline constexpr int64_t kMaxParam = 2147483647;  // parameters saturate here
inline constexpr size_t kMaxDepth = 256;        // groups whose state is saved
inline constexpr size_t kMaxFonts = 64;         // \fonttbl entries remembered
inline constexpr int kMaxUcSkip = 16;           // \ucN above this counts as this
inline constexpr size_t kConverters = 4;        // code page converters kept open

class RtfToText {
 public:
  explicit RtfToText(EmbeddedDocument* documents = nullptr);
  ~RtfToText();
  RtfToText(const RtfToText&) = delete;
  RtfToText& operator=(const RtfToText&) = delete;

  void feed(std::string_view in, std::string& out);
  void finish(std::string& out);
  bool had_errors() const { return errors_; }
  // "" while every picture was read (or there was none), else why one was not.
  std::string_view unread() const { return unread_.empty() ? file_.unread() : std::string_view(unread_); }

 private:
  enum class State { Text, Backslash, Word, Param, Hex1, Hex2, Bin };
  struct Group {
    uint16_t uc = 1;  // \ucN
    uint16_t cp = 0;  // the font's code page, 0 for the document's
  };
  struct Font {
    int32_t num = 0;
    uint16_t charset_cp = 0;  // from \fcharsetN, 0 for the document's
    uint16_t cpg = 0;         // from \cpgN, 0 if none
  };

  bool step(unsigned char c, std::string& out);
  size_t text_run(std::string_view in, size_t i, std::string& out);
  void open_group();
  void close_group(std::string& out);
  void end_word(std::string& out);
  void control_word(std::string_view w, bool has_param, int64_t param, std::string& out);
  void font_table_word(std::string_view w, int64_t param);
  void control_symbol(unsigned char c, std::string& out);
  bool skipped(std::string_view word, std::string& out);
  void begin_skip(bool fonts);
  void begin_pict(std::string& out);
  void pict_bytes(std::string_view raw, bool hex, std::string& out);
  void end_pict(std::string& out);
  void dib_file(uint64_t size);
  void meta_text(std::string& out);
  void meta_picture(std::string_view b, bool end);  // a bitmap the metafile draws, to file_
  std::string_view decoded(std::string_view raw, bool hex);
  void cp_byte(unsigned char b, std::string& out);
  void unicode(int64_t param, bool has_param, std::string& out);
  void emit_char(uint32_t cp, std::string& out);
  void emit_break(char c, std::string& out);
  void break_if_needed(std::string& out);
  void resolve_surrogate(std::string& out);
  bool use_converter(int cp, std::string& out);
  void flush_converter(std::string& out);
  int font_cp(int64_t num) const;

  State st_ = State::Text;
  char word_[kMaxControlWord] = {};
  size_t word_len_ = 0;
  bool word_long_ = false;
  bool neg_ = false;
  bool has_param_ = false;
  int64_t param_ = 0;
  unsigned hex_hi_ = 0;
  uint64_t bin_left_ = 0;

  uint64_t depth_ = 0;
  std::array<Group, kMaxDepth> saved_{};     // [d]: the state of depth d, saved when d+1 opened
  std::bitset<kMaxDepth> own_line_;          // [d]: the group at depth d+1 is on a line of its own
  Group cur_;
  uint64_t skip_depth_ = 0;   // depth of the skipped group, 0 if not skipping
  bool skip_fonts_ = false;   // the skipped group is \fonttbl: read \f, \fcharset, \cpg
  bool skip_pictures_ = false;  // the skipped group is a shape property (\sp): a \pict in it is read
  uint64_t info_depth_ = 0;   // depth of \info, 0 outside it
  bool group_start_ = false;  // no token yet in the current group
  bool star_ = false;         // the current group started with \*
  int uc_left_ = 0;           // fallback characters still to skip
  uint32_t high_ = 0;         // a high surrogate waiting for its low half

  int doc_cp_ = 1252;
  int64_t deff_ = -1;
  std::array<Font, kMaxFonts> fonts_{};
  size_t nfonts_ = 0;
  int font_entry_ = -1;  // \fonttbl entry being read

  // Converters of the code pages met last (a document switching fonts
  // back and forth must not open iconv at each switch); conv_ is the one
  // in use, or null.
  struct Converter {
    int cp = 0;
    std::unique_ptr<CharsetConverter> c;
  };
  std::array<Converter, kConverters> convs_;
  size_t next_conv_ = 0;  // the slot replaced next
  CharsetConverter* conv_ = nullptr;
  int conv_cp_ = 0;
  bool conv_used_ = false;  // bytes handed to conv_ since its last finish()
  std::array<int, 8> failed_cps_{};
  size_t nfailed_ = 0;

  // A picture (\pict) being read: its group's depth (0 for none), whether
  // its format is one read (\pngblip, \jpegblip), whether it had data,
  // and its hex digits' decoder.
  EmbeddedDocument* documents_;
  InlineFile file_;
  uint64_t pict_depth_ = 0;
  bool pict_read_ = false;
  bool pict_data_ = false;
  bool pict_dib_ = false;   // a \dibitmap whose first kDibHead bytes are still held for its file header
  HexDecoder pict_hex_;
  std::unique_ptr<Ole1Object> object_;  // the \pict group is an \objdata: its head parsed first
  std::string object_bytes_;             // a piece of it (or of a metafile) decoded
  std::unique_ptr<MetafileText> meta_;   // the \pict is an EMF or WMF: the text it draws
  std::string meta_out_;                 // ... not yet written
  std::string* meta_sink_ = nullptr;     // ... the output while it is fed (its bitmaps' text goes there)
  bool meta_any_ = false;                // ... some was written
  std::string unread_;  // why a picture was not read (the first), unless file_ says

  size_t sig_pos_ = 0;  // bytes of "{\rtf" matched
  bool errors_ = false;
  char last_out_ = 0;    // the last char written by an earlier call, 0 before any
  size_t out_start_ = 0; // where this call's output begins in `out`
};

std::string rtf_to_text(std::string_view rtf, bool* had_errors);

// The charset name CharsetConverter gets for a Windows code page; "" for
// Windows-1252 (1252 itself, and code pages it does not list).
std::string codepage_charset(int cp);

}  // namespace phi::mime

#endif
