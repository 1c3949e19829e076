// NAME
//   xml_text - streaming XML to plain text (the text of office documents)
// SYNOPSIS
//   XmlToText x(XmlToText::Mode::Runs);     // word/document.xml, content.xml ...
//   x.feed(utf8_chunk, out); ... x.finish(out); x.had_errors();
//   std::string xml_to_text(std::string_view xml, XmlToText::Mode m, bool* had_errors);
// DESCRIPTION
//   A state machine over UTF-8 XML split anywhere that keeps the character
//   data: markup and attribute values are removed, references decoded (the
//   five XML entities, decimal and hex ones, and the HTML names html.h
//   knows), CDATA sections kept as text, comments, processing
//   instructions and declarations (with an internal subset) skipped.
//   Where elements break the text depends on the mode:
//     * Runs, for the parts of Office Open XML and OpenDocument that hold
//       the document: a word processor splits a paragraph into runs
//       (<w:r><w:t>078-05-</w:t></w:r><w:r><w:rPr>..</w:rPr><w:t>1121</w:t>)
//       wherever formatting, spell checking or revision marks change, so
//       elements join their text by default, and only the elements that
//       end a paragraph, cell, row, note or line (by local name: p, h, tc,
//       tr, c, row, si, v, f, pt, br, cr, line-break, table-cell, ...)
//       become a line break; tab, s and ptab a blank; noBreakHyphen '-'.
//     * Elements, for metadata in office documents (docProps/core.xml,
//       meta.xml, customXml): every tag is a line break, since adjacent
//       elements (<dc:title>..</dc:title><dc:creator>) are separate values.
//     * Data, for XML files sent as such (clinical documents: HL7 CDA,
//       CCD, exports): the values of attributes are text too (a CDA's
//       diagnosis is <value code="E11.9" displayName="..."/>), all but
//       those that only say how to read the others (xmlns, xsi:type,
//       classCode, codeSystem, root...; data_attribute() in
//       xml_text.cc); white space is one blank; a tag is a blank and
//       the end of an element that holds elements a line break, so
//       <name><given>Jane</given><family>Doe</family></name> reads
//       "Jane Doe" on a line of its own. An attribute of an element whose
//       name says "birth" that holds a date as HL7 writes it
//       (<birthTime value="19620314"/>) reads "date of birth 1962-03-14".
//       References in attribute values stay as written.
//   had_errors() is set by input that ends inside markup and by '<' not
//   starting markup.
// INPUT
//   Untrusted. Linear time; carried state is O(1) (names and references
//   are bounded by kMaxTagName and kMaxEntity from html.h).
// THREADS
//   One object per stream.
#ifndef PHI_MIME_XML_TEXT_H
#define PHI_MIME_XML_TEXT_H

#include <cstddef>
#include <string>
#include <string_view>

namespace phi::mime {

class XmlToText {
 public:
  enum class Mode { Runs, Elements, Data };
  explicit XmlToText(Mode mode) : mode_(mode) {}
  void feed(std::string_view in, std::string& out);
  void finish(std::string& out);
  bool had_errors() const { return errors_; }

 private:
  enum class State { Text, Ref, TagOpen, TagName, InTag, InQuote, Markup, Comment, CData, Decl, PI };
  void step(char c, std::string& out);
  void tag_done(std::string& out);
  void flush_ref(bool semicolon, std::string& out);
  void data_text(char c, std::string& out);
  void data_attribute_char(char c);
  void data_value_start(std::string& out);
  void data_value_end(std::string& out);
  void blank(std::string& out);
  char last(const std::string& out) const { return out.size() > out_start_ ? out.back() : last_out_; }

  Mode mode_;
  State st_ = State::Text;
  std::string name_;     // local tag name (after the last ':'), a reference, or "<!" lookahead; bounded
  char quote_ = 0;
  char prev_ = 0;        // the previous char inside a tag, comment, PI or CDATA section
  int dashes_ = 0;       // Comment: '-' seen in a row; CData: ']' seen in a row (at most 2 held back)
  int depth_ = 0;        // Decl: '[' nesting of an internal subset
  bool closing_ = false;   // the tag is an end tag
  // Data mode: the element and attribute being read, whether text came
  // since the last tag, and the value of a birth date being held.
  std::string elem_, attr_;
  bool text_since_tag_ = false;
  bool attr_done_ = false;  // blanks after an attribute name: a name character starts another
  bool keep_value_ = false, birth_value_ = false;
  std::string held_;     // a birth date attribute's value (bounded)
  char last_out_ = 0;    // the last char an earlier feed() wrote
  size_t out_start_ = 0;
  bool errors_ = false;
};

std::string xml_to_text(std::string_view xml, XmlToText::Mode mode, bool* had_errors);

}  // namespace phi::mime

#endif
