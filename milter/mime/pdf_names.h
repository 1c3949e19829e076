// NAME
//   pdf_names - the PDF names that matter to the daemon in a PDF's bytes, and the objects of its attached files
// SYNOPSIS
//   phi::mime::PdfNameScan s;
//   s.feed(bytes); ...                 // the PDF as it arrives, any split
//   s.encrypted();                     // an /Encrypt entry: a password may be needed
//   s.attached_files();                // files attached to the document
//   s.file_streams();                  // {number, generation} of their streams
//   s.may_have_comments();             // annotations named, or maybe hidden
//   s.has_images();                    // image XObjects: pictures drawn on pages
//   s.has_xfa();                       // an XML (XFA) form: its data in a stream
// DESCRIPTION
//   Reads the PDF's bytes as PDF tokens: names (a '/' and the regular
//   characters after it, up to white space or a delimiter, #xx escapes
//   decoded, so /Embedded#46ile is /EmbeddedFile), numbers and keywords,
//   and remembers which of these names it met:
//     Encrypt         the trailer's key of an encrypted document;
//     EmbeddedFile    the /Type of a file's stream embedded in the PDF
//                     (optional by the standard, written by every common
//                     producer), EmbeddedFiles the catalog's name tree of
//                     such files (a portfolio, an attachment), and
//                     FileAttachment, the subtype of an annotation that
//                     holds a file: files attached to the document;
//     Annot, Annots   an annotation's /Type and a page's list of them, and
//     ObjStm          an object stream's /Type (the objects in it, an
//                     annotation's among them, are compressed): the PDF
//                     may have comments (may_have_comments());
//     Image           an image XObject's /Subtype: a picture the pages
//                     draw (has_images()), whose words pdftotext cannot
//                     see (an inline image, in a content stream, is
//                     seen only when that stream is not compressed);
//     XFA             the interactive form's XML form (has_xfa()): the
//                     data typed into it is an XML stream no page draws
//                     (pdf_xfa.h).
//   An /EmbeddedFile between "N G obj" and the keyword "stream" (before
//   "endobj") also notes object N generation G: the stream a program such
//   as qpdf can decode by its number (milter/pdftext.h).
//   A name is found wherever the bytes hold it uncompressed, which for
//   these is always where a PDF writes it: a stream's dictionary (an
//   embedded file's, an image's) is never compressed -- streams cannot be inside
//   object streams -- and the trailer's /Encrypt is in the trailer or the
//   cross-reference stream's dictionary. The catalog's name tree and an
//   annotation's subtype may be inside a compressed object stream (PDF
//   1.5), where they are not seen. Strings, comments and stream data are
//   read as tokens too (a lexer would skip them): a name inside a string,
//   or in an uncompressed content stream, counts, and an object noted
//   may not be a stream at all. The answers are "may be", for reporting a
//   part as not wholly read and for asking a PDF reader, never for
//   reading less.
//   What is found does not depend on how the bytes are split.
// INPUT
//   A hostile PDF. Memory: a name of at most kMaxPdfName bytes (longer
//   names are skipped to their end), a word of 16, kMaxPdfFileStreams
//   objects. Time: linear.
// THREADS
//   One object per document, used by one thread at a time.
#ifndef PHI_MIME_PDF_NAMES_H
#define PHI_MIME_PDF_NAMES_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace phi::mime {

inline constexpr size_t kMaxPdfName = 32;        // longer than any name looked for
inline constexpr size_t kMaxPdfFileStreams = 16;  // embedded files' objects noted per PDF

struct PdfObjectRef {
  uint32_t number = 0, generation = 0;
  bool operator==(const PdfObjectRef&) const = default;
};

class PdfNameScan {
 public:
  void feed(std::string_view bytes);
  // A name the bytes end in counts too (it ends with the document).
  bool encrypted() const { return ((found_ | pending()) & kEncrypt) != 0; }
  bool attached_files() const { return ((found_ | pending()) & kAttached) != 0; }
  // Annotations (/Annot, /Annots) were named, or object streams (/ObjStm)
  // may hide them: the PDF may hold comments that no page draws.
  bool may_have_comments() const { return ((found_ | pending()) & kComments) != 0; }
  bool has_images() const { return ((found_ | pending()) & kImages) != 0; }
  // /XFA, the interactive form's key for an XML form (Adobe LiveCycle):
  // its filled-in data is in a stream no page draws.
  bool has_xfa() const { return ((found_ | pending()) & kXfa) != 0; }
  // The streams ("N G obj" ... "stream") whose dictionaries name
  // /EmbeddedFile: the files attached, in the order met, at most kMaxPdfFileStreams
  // (more_file_streams() when there were more).
  const std::vector<PdfObjectRef>& file_streams() const { return file_streams_; }
  bool more_file_streams() const { return more_file_streams_; }

 private:
  static constexpr unsigned kEncrypt = 1, kAttached = 2, kFileStream = 4, kComments = 8, kImages = 16, kXfa = 32;
  enum class Token { None, Name, Word };
  void byte(unsigned char c);
  bool name_byte(unsigned char c);
  void add(char c);
  void end_name();
  void end_word();
  void note_file_stream();
  unsigned match() const;  // what name_ is, if it is one looked for
  unsigned pending() const { return token_ == Token::Name ? match() : 0; }

  Token token_ = Token::None;
  // A name: its bytes so far, without the '/'.
  bool skipped_ = false;  // longer than kMaxPdfName, or a stray '#': none looked for
  int escape_ = 0;        // 1: after '#', 2: after '#' and one hex digit
  int high_ = 0;          // that hex digit's value
  std::string name_;
  // Another token (a number, a keyword): its first bytes.
  std::string word_;
  bool word_long_ = false;
  // "N G obj": the last two numbers, how many of the last tokens were numbers (0-2), the object open.
  uint32_t previous_ = 0, last_ = 0;
  int ints_ = 0;
  PdfObjectRef object_;
  bool in_object_ = false;    // between "N G obj" and "endobj"
  bool file_object_ = false;  // and it named /EmbeddedFile, its "stream" not yet seen

  unsigned found_ = 0;  // kEncrypt, kAttached, kComments, kImages, kXfa
  std::vector<PdfObjectRef> file_streams_;
  bool more_file_streams_ = false;
};

}  // namespace phi::mime

#endif
