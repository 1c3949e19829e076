// NAME
//   embedded - a file stored inside another (a DICOM report, an HL7 result's document, a picture in HTML or RTF) handed to a reader
// SYNOPSIS
//   struct Reader : EmbeddedDocument { ... };   // begin(kind), bytes(b, text), end(text)
//   EmbeddedFile f(&reader); f.bytes(b, out); ... f.end(out); f.unread();
//   InlineFile i(&reader); i.held() += bytes; i.pass(out, out_start, last_out); ... i.end(...);
// DESCRIPTION
//   Hospital formats carry whole files in a field: a radiology report
//   stored as an Encapsulated PDF or CDA DICOM object, a pathology report
//   or a transcribed note in an HL7 OBX of value type ED; an HTML page
//   carries pictures in data: URLs, an RTF document in \pict groups. The
//   readers of those formats see the file's bytes as they stream and give
//   them to an EmbeddedFile, whose first kEmbeddedDocumentHead bytes (or
//   all there are, at least kEmbeddedKindMin) tell its kind: "pdf"
//   ("%PDF-"), "image" (is_image: PNG, JPEG, TIFF, GIF, WebP, BMP, JPEG 2000, HEIF), "office" (an OLE2
//   file: Word, Excel, PowerPoint 97-2003, an Outlook message), "package"
//   (a ZIP whose first entry is an Office package's [Content_Types].xml or
//   an OpenDocument's mimetype), "archive" (any other ZIP), "metafile" (an
//   EMF, or a WMF with its placeable header: metafile_format, metafile.h;
//   read by the text it draws), "rtf"
//   ("{\rtf"), "xml" ('<' then '?' or a letter, after a UTF-8 byte order
//   mark or not: a CDA), "text" (they look like text as an octet-stream
//   attachment's first bytes must, looks_like_text: no NUL and no control
//   byte but tab, line ends, form feed and escape, or UTF-16 with or
//   without a byte order mark; and not the start of a GIF or PNG
//   signature: the binary formats checked have a control byte in their
//   first 64, embedded_test). A file of one of those kinds goes on, as it
//   comes, to the EmbeddedDocument given to the constructor (LeafBody's
//   and PackageReader's EmbeddedReader, entity.h, which writes its text
//   after the lines before it, or where it is; when a document's text does
//   not end a line, a line end follows it, however the text was split
//   across the callers' buffers); any other file (a gzip file), a file too
//   short to tell, or any file without an EmbeddedDocument is skipped. One
//   EmbeddedFile takes any number of files, one after the other.
//   unread(): "" while every file was read; "binary" once one was
//   skipped; else the first reason an EmbeddedDocument gave for a file it
//   did not read ("pdf", "unavailable", "part-limit", ...).
// INPUT
//   Untrusted. Memory: a file's first kEmbeddedDocumentHead bytes. Time:
//   linear.
// THREADS
//   One object per stream.
#ifndef PHI_MIME_EMBEDDED_H
#define PHI_MIME_EMBEDDED_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace phi::mime {

inline constexpr size_t kEmbeddedDocumentHead = 64;  // a file's first bytes, held until they tell what it is
inline constexpr size_t kEmbeddedKindMin = 5;        // fewer tell nothing ("%PDF-")

// PNG, JPEG, TIFF, GIF, WebP, BMP, JPEG 2000 (a JP2 file, or a bare
// codestream as DICOM stores one) or HEIF by their first bytes (12 for
// WebP, JP2 and HEIF, 18 for BMP: "BM", the reserved words 0 and a bitmap
// header's size, since "BM" alone is a word's start). Only formats whose
// signature the OCR program's image library checks, and HEIF, which the
// OCR reader decodes first (milter/ocr.h): given anything it does not
// recognise, tesseract takes its input for a list of file names to read.
bool is_image(std::string_view first_bytes);
// A HEIF or AVIF file (an iPhone photo is HEIC): an ISO base media file's
// first box, "ftyp", whose major brand is one of HEIF's image brands
// (heic, heix, heim, heis, hevc, hevx, mif1, msf1, avif, avis).
bool is_heif(std::string_view first_bytes);
// A PNG file's 8-byte signature; a JPEG file's start of image and first marker (3 bytes).
bool is_png(std::string_view first_bytes);
bool is_jpeg(std::string_view first_bytes);
// A DIB's header size (BITMAPCOREHEADER 12 ... BITMAPV5HEADER 124): the
// first 4 bytes of a device-independent bitmap, as a .bmp file holds it
// after its 14-byte file header.
bool is_dib_header_size(uint32_t size);

// Where an embedded document goes.
class EmbeddedDocument {
 public:
  virtual ~EmbeddedDocument() = default;
  // A document of `kind` ("pdf", "image", "office", "package", "archive",
  // "metafile", "rtf", "xml", "text") begins:
  // "" to be given its bytes, else why it is not read.
  virtual std::string begin(std::string_view kind) = 0;
  // Its bytes; text read from them as they come is appended to `text`,
  // or (a document that writes its text elsewhere as it comes, a ZIP)
  // `text` is passed on first and cleared.
  virtual void bytes(std::string_view b, std::string& text) = 0;
  // Its last bytes are in, or the file ended before them: its text is
  // appended to `text`, or `text` (the lines written before it) is passed
  // on first and cleared, then the document's. Returns "" when the
  // document was read, else why not.
  virtual std::string end(std::string& text) = 0;
};

class EmbeddedFile {
 public:
  explicit EmbeddedFile(EmbeddedDocument* documents = nullptr) : documents_(documents) {}
  void bytes(std::string_view in, std::string& text);  // `text` as for EmbeddedDocument::bytes
  // The file's last bytes are in (or it was cut short): a document being
  // read is ended, `text` as for EmbeddedDocument::end; ready for another file.
  void end(std::string& text);
  void skip() { skipped_ = true; }  // a file the caller could not decode
  std::string_view unread() const { return skipped_ ? std::string_view("binary") : std::string_view(reason_); }

 private:
  void decide(std::string& text);
  void to_document(std::string_view b, std::string& text);
  EmbeddedDocument* documents_;
  std::string head_;     // the file's first bytes, until they tell
  bool decided_ = false;
  bool open_ = false;    // documents_ is being given its bytes
  bool skipped_ = false;
  char last_ = '\n';    // the last character of text the open document wrote ('\n' for none)
  std::string reason_;   // why a document was not read (the first)
};

inline constexpr size_t kInlineChunk = 4 * 1024;  // an inline file's decoded bytes held before they go on

// A file inside a text that a text converter decodes (an HTML data: URL's
// base64, an RTF picture's hex digits): the converter appends its bytes to
// held() and calls pass() (which hands them on once kInlineChunk are held)
// and end(); the file goes to an EmbeddedFile, its text to the converter's
// output `out`. A file with bytes starts a line of `out`, as a block tag
// does: the converter's last character is out.back() past out_start,
// else last_out (0 for none); its text ends one (EmbeddedFile::end). A
// document that passes its text on passes `out` first and empties it:
// out_start and last_out are then set as they are after that. A file
// without bytes is no file.
class InlineFile {
 public:
  explicit InlineFile(EmbeddedDocument* documents) : file_(documents) {}
  std::string& held() { return held_; }
  void pass(std::string& out, size_t& out_start, char& last_out) {
    if (held_.size() >= kInlineChunk) give(out, out_start, last_out, false);
  }
  void end(std::string& out, size_t& out_start, char& last_out) { give(out, out_start, last_out, true); }
  std::string_view unread() const { return file_.unread(); }

 private:
  void give(std::string& out, size_t& out_start, char& last_out, bool last);
  EmbeddedFile file_;
  std::string held_;   // decoded, not yet given to file_ (under kInlineChunk + a few)
  bool any_ = false;   // bytes of this file given to file_
};

}  // namespace phi::mime

#endif
