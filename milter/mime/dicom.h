// NAME
//   dicom - the text of a DICOM file's data elements (patient, study, report), read as it streams
// SYNOPSIS
//   if (DicomText::starts(first_132_bytes)) { DicomText d(&documents); d.feed(bytes, out); ... d.finish(out); }
//   d.done(); d.pixels(); d.had_errors();
// DESCRIPTION
//   A DICOM file (a CT slice, an ultrasound frame, a structured report, as
//   PACS viewers and CD exports save them) holds its patient's name, ID,
//   birth date and address, the referring physician, the study's
//   description and the institution in data elements before its pixels.
//   DicomText reads the file meta group (explicit VR little endian) and
//   then the data set in the transfer syntax it names (implicit VR little
//   endian, explicit VR little or big endian; any compressed syntax keeps
//   its data set explicit little endian), and writes one line per text
//   value (VRs AE AS CS DA DS DT IS LO LT PN SH ST UC UR UT; in implicit
//   VR the VR of a known element, else a value of printable bytes), the
//   elements that carry a person's data labelled:
//     "Patient name: Jane Q Doe" (PN, family^given^middle, title case),
//     "Patient ID:", "Date of birth: 1962-03-14", "Address:", "Phone:",
//     "Referring physician:", "Date of service:" (study date),
//     "Study description:", "Diagnosis:" (admitting diagnoses),
//     "Procedure:", "Reason for study:", "Institution:", ...
//   Multiple values (separated by a backslash) are a line each; values
//   are converted from the Specific Character Set (0008,0005) named before
//   them (ISO_IR 100, 192, ...; unnamed: UTF-8 where valid, else
//   Windows-1252). UIDs, times, code strings and numbers other than those
//   labelled are not written. Sequences and their items are read through,
//   whatever their lengths. Reading ends at the pixel data (7FE0,0010):
//   done() and pixels() are then true, and the rest is not looked at but
//   the first frame, which goes, with an EmbeddedDocument, to it as a
//   picture (burned-in annotations: an ultrasound frame or a screen
//   capture shows the patient's name and ID in its pixels, where a
//   de-identified data set no longer names them): a .bmp file (rows top
//   down) written as the pixels stream when they are stored uncompressed
//   (8-bit grey, MONOCHROME1 through an inverted palette, 8-bit PALETTE
//   COLOR through the palette its lookup tables make; 16-bit grey,
//   each pixel's stored bits scaled to 8, signed ones shifted; 8-bit RGB
//   as 24-bit BGR; YBR_FULL as the grey of its Y; planar colour as its
//   first plane in grey; at most kMaxDicomPicture bytes), or as RLE
//   Lossless compresses them (8-bit grey, palette or colour: the frame's
//   fragment's first segment decoded into the same .bmp file, a colour
//   frame's as grey), or the JPEG
//   file of a baseline or extended JPEG transfer syntax, or the JPEG 2000
//   codestream of a JPEG 2000 one (the fragments after the offset table,
//   to the one ending with the end-of-image (end-of-codestream) marker,
//   kMaxDicomPicture bytes at most). The image attributes
//   (group 0028) are those of the data set, not of a sequence's item; an
//   icon's pixels, inside a sequence, are skipped. Any other pixels
//   (16-bit palette colour, a palette without its lookup tables or with
//   segmented ones, JPEG lossless, JPEG-LS, HTJ2K, 16-bit RLE, a size the
//   attributes do not make, an RLE fragment without its header)
//   are not read. A file
//   whose data set is deflated, or whose element headers make no sense,
//   ends reading with had_errors(). An encapsulated document (a report
//   stored as DICOM, (0042,0011)) of a kind EmbeddedFile tells (a PDF, a
//   CDA, text, an image, an Office file, a ZIP; embedded.h) goes, as it
//   streams, to the EmbeddedDocument given to the constructor, if any,
//   which reads it (a PDF through the Walker's DocumentReader) and writes
//   its text after the lines before it; any other encapsulated document is
//   skipped. unread() names what the caller reports as not read: "binary"
//   for an error or a skipped document, else the reason the
//   EmbeddedDocument gave for a document it could not read ("pdf",
//   "unavailable", "part-limit", ...; for the picture "image" when OCR
//   reads too little of it or is off), else "image" for pixels not read,
//   else "".
// INPUT
//   Untrusted. Memory: one element header, one text value of at most
//   kMaxDicomValue bytes (a longer value is skipped), a document's first
//   kEmbeddedDocumentHead bytes, the open sequences' ends (at most
//   kMaxDicomDepth: deeper is an error), one pixel, an RLE fragment's
//   header and the .bmp header (1 KB), and the .bmp rows made of one call's
//   bytes. Time: linear.
// THREADS
//   One object per stream.
#ifndef PHI_MIME_DICOM_H
#define PHI_MIME_DICOM_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "milter/mime/embedded.h"

namespace phi::mime {

inline constexpr size_t kDicomPreamble = 128;  // then "DICM"
inline constexpr size_t kMaxDicomValue = 65536;
inline constexpr uint64_t kMaxDicomPicture = 16ull << 20;  // a frame's .bmp or JPEG file
inline constexpr size_t kMaxDicomDepth = 64;                // sequences and items open at once

class DicomText {
 public:
  explicit DicomText(EmbeddedDocument* documents = nullptr) : file_(documents), documents_(documents != nullptr) {}
  // The first bytes of a file (at least 132): a 128-byte preamble, then "DICM".
  static bool starts(std::string_view first_bytes);
  void feed(std::string_view in, std::string& out);
  void finish(std::string& out);  // a value cut short is not written; a document cut short is ended
  bool had_errors() const { return errors_; }
  bool done() const { return state_ == State::Done; }
  bool pixels() const { return pixels_; }
  std::string_view unread() const;

 private:
  enum class State { Preamble, Header, Peek, Value, Skip, Document, Pixels, Fragment, FragmentBytes, Done };
  enum class Syntax { ExplicitLittle, ImplicitLittle, ExplicitBig };
  enum class Coding { Native, Jpeg, Rle, Other };  // how the data set's pixels are stored (Jpeg: or JPEG 2000)
  // The image attributes of the data set (group 0028).
  struct Image {
    uint16_t rows = 0, columns = 0, samples = 1, bits = 0, stored = 0, sign = 0, planar = 0;
    std::string photometric;
    std::string lut_descriptor[3], lut[3];  // PALETTE COLOR: red, green, blue (each at most kMaxDicomValue)
  };
  void header(std::string& out);
  void peeked();
  void value(std::string& out);
  void image_value();
  void fail();
  void document(std::string_view in, std::string& out);
  void picture(uint64_t len, std::string& out);
  std::string lut_palette() const;
  void pixels(std::string_view in, std::string& out);
  void convert(std::string_view in, std::string& out);
  void rle(std::string_view in, std::string& out);
  void fragment(std::string& out);
  void fragment_bytes(std::string_view in, std::string& out);
  void end_picture(std::string& out);
  void take(std::string_view& in, size_t n) {
    in.remove_prefix(n);
    pos_ += n;
  }

  State state_ = State::Preamble;
  Syntax syntax_ = Syntax::ExplicitLittle;  // the file meta group's
  Syntax data_syntax_ = Syntax::ExplicitLittle;
  bool meta_ = true;        // still in the file meta group (0002,xxxx)
  bool deflated_ = false;   // the data set is deflated: not read
  std::string hdr_;         // the preamble, then an element header, being gathered
  size_t need_ = 8;         // bytes of the header (8, or 12 for a long explicit VR; 4 to peek)
  bool hold_ = false;       // the value is held to be written, not skipped
  uint32_t tag_ = 0;
  std::string vr_;
  std::string val_;         // a text value being held
  uint64_t left_ = 0;       // bytes of the value still to hold or skip
  std::string charset_;     // iconv's name for the Specific Character Set
  bool errors_ = false;
  bool pixels_ = false;
  bool pictured_ = false;   // the first frame went to file_ as a picture
  EmbeddedFile file_;       // encapsulated documents and the picture: read, or skipped (embedded.h)
  bool documents_ = false;  // file_ has an EmbeddedDocument
  uint64_t pos_ = 0;        // bytes of the file consumed
  std::vector<uint64_t> ends_;  // where the open sequences and items end (kOpen: at their delimiter)
  Coding coding_ = Coding::Native;
  Image image_;
  // The picture being written: how a stored pixel becomes a .bmp pixel.
  enum class Convert { Copy, Gray16, Bgr, FirstOfThree } convert_ = Convert::Copy;
  std::string pixel_;       // a stored pixel's bytes, being gathered
  uint32_t column_ = 0, pad_ = 0;  // the .bmp row's pixels so far; its padding to 4 bytes
  uint64_t picture_bytes_ = 0;     // of a JPEG's fragments given
  bool table_ = false;      // the encapsulated pixels' first item (the offset table): skipped
  std::string tail_;        // a fragment's last bytes (the end-of-image marker)
  struct Rle {              // an RLE fragment being decoded
    std::string bmp;        // the .bmp file's header, given once the RLE header makes sense
    std::string head;       // its header's 64 bytes, being gathered
    uint64_t skip = 0;      // bytes before the first segment
    uint64_t literal = 0;   // bytes of a literal run still to come
    unsigned repeat = 0;    // times the next byte is repeated
    uint64_t left = 0;      // pixels of the frame still to decode
  } rle_;
  uint64_t peek_end_ = 0;   // where an implicit VR value being peeked at ends
};

}  // namespace phi::mime

#endif
