// NAME
//   pdf_names - which PDF names that matter to the daemon a PDF's bytes hold
// SYNOPSIS
//   phi::mime::PdfNameScan s;
//   s.feed(bytes); ...                 // the PDF as it arrives, any split
//   s.encrypted();                     // an /Encrypt entry: a password may be needed
//   s.attached_files();                // files attached to the document
// DESCRIPTION
//   Reads the PDF's bytes as PDF names (a '/' and the regular characters
//   after it, up to white space or a delimiter, #xx escapes decoded, so
//   /Embedded#46ile is /EmbeddedFile) and remembers which of these it met:
//     Encrypt         the trailer's key of an encrypted document;
//     EmbeddedFile    the /Type of a file's stream embedded in the PDF
//                     (optional by the standard, written by every common
//                     producer), EmbeddedFiles the catalog's name tree of
//                     such files (a portfolio, an attachment), and
//                     FileAttachment, the subtype of an annotation that
//                     holds a file: files attached to the document.
//   A name is found wherever the bytes hold it uncompressed, which for
//   these is always where a PDF writes it: a stream's dictionary (an
//   embedded file's) is never compressed -- streams cannot be inside
//   object streams -- and the trailer's /Encrypt is in the trailer or the
//   cross-reference stream's dictionary. The catalog's name tree and an
//   annotation's subtype may be inside a compressed object stream (PDF
//   1.5), where they are not seen. A name inside a string, or in an
//   uncompressed content stream, counts too: the answers are "may be", for
//   reporting a part as not wholly read, never for reading less.
//   What is found does not depend on how the bytes are split.
// INPUT
//   A hostile PDF. Memory: a name of at most kMaxPdfName bytes (longer
//   names are skipped to their end). Time: linear.
// THREADS
//   One object per document, used by one thread at a time.
#ifndef PHI_MIME_PDF_NAMES_H
#define PHI_MIME_PDF_NAMES_H

#include <cstddef>
#include <string>
#include <string_view>

namespace phi::mime {

inline constexpr size_t kMaxPdfName = 32;  // longer than any name looked for

class PdfNameScan {
 public:
  void feed(std::string_view bytes);
  // A name the bytes end in counts too (it ends with the document).
  bool encrypted() const { return ((found_ | pending()) & kEncrypt) != 0; }
  bool attached_files() const { return ((found_ | pending()) & kAttached) != 0; }

 private:
  static constexpr unsigned kEncrypt = 1, kAttached = 2;
  void byte(unsigned char c);
  void add(char c);
  unsigned match() const;  // what name_ is, if it is one looked for
  unsigned pending() const { return in_name_ ? match() : 0; }

  bool in_name_ = false;
  bool skipped_ = false;  // the name is longer than kMaxPdfName or has a stray '#': none looked for
  int escape_ = 0;        // 1: after '#', 2: after '#' and one hex digit
  int high_ = 0;          // that hex digit's value
  std::string name_;      // the name so far, without its '/'
  unsigned found_ = 0;    // kEncrypt, kAttached
};

}  // namespace phi::mime

#endif
