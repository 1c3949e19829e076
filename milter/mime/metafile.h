// NAME
//   metafile - the text and bitmaps drawn by a Windows metafile (EMF, WMF): a table, chart or screenshot pasted as a picture
// SYNOPSIS
//   MetafileText m([](std::string_view utf8) { ... }, zlib, [](std::string_view bmp, bool end) { ... });
//   m.feed(piece); ... m.finish();
//   m.characters(); m.kind();   // "emf", "wmf", "" (neither)
//   m.unread();                 // "" (read), "image" (drew nothing read), "part-limit"
//   metafile_format(first_bytes, signed_only);  // "emf", "wmf" or ""
//   MetafileToText t(&documents); t.feed(bytes, out); ... t.finish(out); t.unread();   // a part's converter
// DESCRIPTION
//   A range of cells or a chart copied from Excel and pasted "as picture"
//   into a Word, PowerPoint or RTF document is stored as an Enhanced
//   Metafile (EMF) or a Windows Metafile (WMF): drawing records, among
//   them the text of every cell as characters. MetafileText reads the
//   records as they come and gives the text of the text-drawing ones as
//   UTF-8: EMF's EMR_EXTTEXTOUTW (UTF-16) and EMR_EXTTEXTOUTA (ANSI, read
//   as Windows-1252), WMF's META_TEXTOUT and META_EXTTEXTOUT (ANSI). A
//   string drawn as glyph indices (ETO_GLYPH_INDEX: the font's glyphs,
//   not characters) is not text and is skipped. Strings drawn on the same
//   baseline are joined by a tab, a new baseline starts a line, so a
//   table's rows stay rows ("Maria Gonzalez\t03/14/1962\t4471823").
//   A screenshot or a scan pasted as a metafile is a bitmap drawn by it:
//   EMF's EMR_BITBLT, EMR_STRETCHBLT, EMR_MASKBLT, EMR_SETDIBITSTODEVICE,
//   EMR_STRETCHDIBITS, EMR_ALPHABLEND and EMR_TRANSPARENTBLT (the source
//   bitmap's header and pixels where the record's offsets say), WMF's
//   META_DIBBITBLT, META_DIBSTRETCHBLT, META_STRETCHDIB and
//   META_SETDIBTODEV (the DIB after the parameters). Each one at least
//   kMinPicturePixels wide and high (narrower ones, a gradient's strips or
//   a bullet, hold no line of text and are passed over) is given to
//   `picture`, as it streams, as the .bmp file it would be (a 14-byte file
//   header, then the DIB; an EMF DIB whose pixels are a JPEG or PNG file,
//   BI_JPEG or BI_PNG, as that file when its signature says so), then (b
//   empty, end true) its end; at most kMaxMetafilePictures of them.
//   unread(): "part-limit" when more were drawn, "image" when one could
//   not be given (no `picture`, a header that makes no sense) or when the
//   metafile gave neither text nor a bitmap (a logo, a drawing), else ""
//   (the caller adds what its reader of the bitmaps could not read: below
//   OcrMinBytes, "image"). A bitmap's text comes on lines of its own.
//   The kind is told by the first bytes: an EMF header record (type 1,
//   " EMF" at offset 40), a WMF placeable header (0x9AC6CDD7) or a WMF
//   header (type 1 or 2, 9 words). characters(): the characters of text
//   other than white space given; kind(): "" when the bytes are neither
//   (nothing is given). With `zlib` the bytes are inflated first
//   (decompress.h's Decompressor; Office's metafile pictures are stored
//   so: [MS-ODRAW] compression 0), at most kMaxMetafileBytes of them.
//   metafile_format() tells the kind from a file's first bytes (44, or 40
//   for a WMF, suffice); with signed_only, a WMF must have the placeable
//   header's key (a bare WMF header is three small numbers other files
//   may begin with). MetafileToText: the same as a part's converter
//   (feed(in, out), finish(out), had_errors(): never), the text appended
//   to `out`; with an EmbeddedDocument its bitmaps go to an EmbeddedFile
//   of it (embedded.h: OCR, in the daemon), their text to `out` where they
//   are; unread() is the MetafileText's, else the EmbeddedFile's.
// INPUT
//   Hostile. Linear time; a record is held only when it draws text and is
//   at most kMaxMetafileRecord bytes (longer ones, and every other
//   record, are skipped by their length), a bitmap record's fields and its
//   DIB header's first bytes (kBitmapHead); a bitmap's bytes stream on as
//   they come (at most its record's size plus 14); the text is at most
//   the input's size times three (UTF-8 of Windows-1252).
// THREADS
//   One object per metafile.
#ifndef PHI_MIME_METAFILE_H
#define PHI_MIME_METAFILE_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "milter/mime/embedded.h"

namespace phi::mime {

class Decompressor;

inline constexpr size_t kMaxMetafileRecord = 64 * 1024;
inline constexpr uint64_t kMaxMetafileBytes = uint64_t(64) << 20;
inline constexpr size_t kMaxMetafilePictures = 20;  // bitmaps given per metafile (as pictures per Office file)
inline constexpr uint64_t kMinPicturePixels = 8;    // a bitmap narrower or lower holds no line of text
inline constexpr size_t kBitmapHead = 40;           // a DIB header's bytes held to tell its size and format

// A bitmap a metafile draws, as a .bmp (or JPEG, PNG) file: its bytes in
// pieces (end false), then its end (b empty, end true).
using MetafilePicture = std::function<void(std::string_view b, bool end)>;

class MetafileText {
 public:
  // zlib: the bytes are a zlib stream of the metafile (as Office stores
  // metafile pictures), inflated as they come, at most kMaxMetafileBytes.
  // picture: where the bitmaps it draws go; none: they are not read.
  explicit MetafileText(std::function<void(std::string_view)> out, bool zlib = false, MetafilePicture picture = {});
  ~MetafileText();
  MetafileText(const MetafileText&) = delete;
  MetafileText& operator=(const MetafileText&) = delete;
  void feed(std::string_view piece);
  void finish();
  uint64_t characters() const { return characters_; }
  std::string_view kind() const { return kind_; }
  uint64_t pictures() const { return pictures_; }  // bitmaps found (at least kMinPicturePixels each way)
  uint64_t given() const { return given_; }        // of them, given to `picture`
  std::string_view unread() const;

 private:
  // A bitmap record being read: offsets are the record's (its header included).
  struct Bitmap {
    enum class State { Fields, Dib, Skip } state = State::Fields;
    uint32_t type = 0;
    uint64_t at = 0, len = 0;   // the next byte's offset; the record's length
    uint64_t fixed = 0;         // the offset its DIB (WMF) or the bytes after the fields read (EMF) start at
    uint64_t dib_at = 0, dib_len = 0, bits_at = 0, bits_len = 0;  // the DIB's header (WMF: all of it), its pixels (EMF)
    std::string held;           // the fields after the record's header, then the DIB's first kBitmapHead bytes
    bool decided = false;       // the DIB's head was read
    bool giving = false;        // its bytes go to picture_
    bool bits_only = false;     // a JPEG or PNG file: only the pixels go
    bool sniff = false;         // ... once their first bytes (held) are a JPEG's or PNG's signature
  };
  static uint64_t bitmap_fields(bool emf, uint32_t type);  // where a bitmap record's DIB or offsets end (0: not one)
  void bitmap(std::string_view b);  // bytes of the bitmap record (at most what it has left)
  bool gather(std::string_view& p, uint64_t want);  // p's first bytes to bm_.held, up to `want` there: true once it is
  void place();                     // the fields are held: where the DIB is
  void decide_bitmap();             // the DIB's head is held: given or not
  void sniffed();                   // a JPEG or PNG file's first bytes are held: given or not
  void begin_giving();
  void give(std::string_view b);
  void end_bitmap();

  enum class Format { Unknown, Emf, Wmf, None };
  void metafile(std::string_view piece);  // the metafile's bytes (inflated)
  bool inflated(std::string_view b);
  bool decide();                 // from head_: the format and where the records start
  void records(std::string_view b);
  void record(std::string_view r);  // one whole text record
  void text(std::string_view utf8, int64_t y);

  std::function<void(std::string_view)> out_;
  Format format_ = Format::Unknown;
  std::string head_;             // the first bytes, until the format is known
  std::string rec_;              // the record being read: its header, then (a text record) its bytes
  uint64_t rec_len_ = 0;         // its length, 0 while its header is not whole
  uint64_t skip_ = 0;            // bytes of a record to pass over
  bool held_ = false;            // rec_ is held whole (a text record)
  bool line_open_ = false;       // text given on a line not yet ended
  int64_t last_y_ = 0;
  uint64_t characters_ = 0;
  std::string kind_;
  std::unique_ptr<Decompressor> inflate_;  // with `zlib`
  MetafilePicture picture_;
  bool in_bitmap_ = false;  // bm_ is the record being read
  Bitmap bm_;
  uint64_t pictures_ = 0, given_ = 0;  // bitmaps found; given to picture_
  uint64_t refused_ = 0, limited_ = 0; // not given: no picture_ or a header that makes no sense; past kMaxMetafilePictures
};

// The first bytes of a metafile: "emf" or "wmf", else "". With
// signed_only, a WMF without the placeable key is "". records_at: where
// the records begin.
std::string_view metafile_format(std::string_view first_bytes, bool signed_only, size_t* records_at = nullptr);

// A metafile attachment's text, as a part's converter; its bitmaps go to
// `documents` (none: not read, "image").
class MetafileToText {
 public:
  explicit MetafileToText(EmbeddedDocument* documents = nullptr);
  MetafileToText(const MetafileToText&) = delete;
  MetafileToText& operator=(const MetafileToText&) = delete;
  void feed(std::string_view in, std::string& out) {
    out_ = &out;
    m_.feed(in);
  }
  void finish(std::string& out) {
    out_ = &out;
    m_.finish();
  }
  bool had_errors() const { return false; }
  std::string_view unread() const { return m_.unread().empty() ? file_.unread() : m_.unread(); }

 private:
  std::string* out_ = nullptr;
  EmbeddedFile file_;
  MetafileText m_;
};

}  // namespace phi::mime

#endif
