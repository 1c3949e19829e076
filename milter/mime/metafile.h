// NAME
//   metafile - the text drawn by a Windows metafile (EMF, WMF): a table or chart pasted as a picture
// SYNOPSIS
//   MetafileText m([](std::string_view utf8) { ... });
//   m.feed(piece); ... m.finish();
//   m.characters(); m.kind();   // "emf", "wmf", "" (neither)
//   metafile_format(first_bytes, signed_only);  // "emf", "wmf" or ""
//   MetafileToText t; t.feed(bytes, out); ... t.finish(out); t.unread();   // a part's converter
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
//   to `out`; unread() is "image" when it drew no text (a logo, a drawing).
// INPUT
//   Hostile. Linear time; a record is held only when it draws text and is
//   at most kMaxMetafileRecord bytes (longer ones, and every other
//   record, are skipped by their length); the output is at most the
//   input's size times three (UTF-8 of Windows-1252).
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

namespace phi::mime {

class Decompressor;

inline constexpr size_t kMaxMetafileRecord = 64 * 1024;
inline constexpr uint64_t kMaxMetafileBytes = uint64_t(64) << 20;

class MetafileText {
 public:
  // zlib: the bytes are a zlib stream of the metafile (as Office stores
  // metafile pictures), inflated as they come, at most kMaxMetafileBytes.
  explicit MetafileText(std::function<void(std::string_view)> out, bool zlib = false);
  ~MetafileText();
  MetafileText(const MetafileText&) = delete;
  MetafileText& operator=(const MetafileText&) = delete;
  void feed(std::string_view piece);
  void finish();
  uint64_t characters() const { return characters_; }
  std::string_view kind() const { return kind_; }

 private:
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
  bool first_ = true;            // no text given yet
  int64_t last_y_ = 0;
  uint64_t characters_ = 0;
  std::string kind_;
  std::unique_ptr<Decompressor> inflate_;  // with `zlib`
};

// The first bytes of a metafile: "emf" or "wmf", else "". With
// signed_only, a WMF without the placeable key is "". records_at: where
// the records begin.
std::string_view metafile_format(std::string_view first_bytes, bool signed_only, size_t* records_at = nullptr);

// A metafile attachment's text, as a part's converter.
class MetafileToText {
 public:
  MetafileToText() : m_([this](std::string_view t) { out_->append(t); }) {}
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
  std::string_view unread() const { return m_.characters() ? std::string_view() : std::string_view("image"); }

 private:
  std::string* out_ = nullptr;
  MetafileText m_;
};

}  // namespace phi::mime

#endif
