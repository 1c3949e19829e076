// NAME
//   entity - the Walker's internals: one MIME entity and its body handlers
// SYNOPSIS
//   detail::WalkState ws{limits, sink};
//   detail::Entity e(ws, "", 0, true);   // a message: header fields, then body
//   e.header_field(name, value); e.end_headers(); e.feed(bytes); e.finish();
//   LeafPlan plan_leaf(type, subtype, filename);
//   std::string sniff_reason(std::string_view first_bytes, std::string_view declared);
//   bool is_zip(first_bytes); std::string reason_for_name(filename);   // is_image: embedded.h
// DESCRIPTION
//   An Entity parses its header block (from header_field() calls at the top
//   level, from raw lines below), then picks a Body: LeafBody (decode to
//   text (charset and HTML, or RTF; uuencoded files in text through a
//   UuReader), read it as a ZIP package through a
//   PackageReader, as TNEF through a TnefReader or as a compressed file or
//   tar archive through a DecompressReader or TarReader (those three are
//   ContainerReaders: each file inside is a part of its own), hand a PDF to the
//   WalkState's DocumentReader, hand it an image (held until it reaches the
//   reader's min_bytes), or report it uninspected), MultipartBody (BoundarySplitter + one child
//   Entity at a time) or MessageBody (transfer decoding + nested message).
//   Not for use outside milter/mime; see walker.h for the behaviour.
// INPUT
//   Untrusted, bounded as described in walker.h.
// THREADS
//   Owned by one Walker.
#ifndef PHI_MIME_ENTITY_H
#define PHI_MIME_ENTITY_H

#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "milter/mime/charset.h"
#include "milter/mime/decompress.h"
#include "milter/mime/dicom.h"
#include "milter/mime/hl7.h"
#include "milter/mime/html.h"
#include "milter/mime/json_text.h"
#include "milter/mime/metafile.h"
#include "milter/mime/rtf.h"
#include "milter/mime/tar.h"
#include "milter/mime/tnef.h"
#include "milter/mime/transfer.h"
#include "milter/mime/unfold.h"
#include "milter/mime/uuencode.h"
#include "milter/mime/walker.h"
#include "milter/mime/x12.h"
#include "milter/mime/xml_text.h"
#include "milter/mime/zip.h"
#include "milter/util/strings.h"

namespace phi::mime::detail {

inline constexpr size_t kSniffBytes = 16;
inline constexpr size_t kLeafSniffBytes = 512;        // a part's first bytes held to tell its kind: one tar header
inline constexpr size_t kTextHeadBytes = 64;          // a text's first bytes held to tell its encoding (text_charset)
inline constexpr size_t kMinUtf16Units = 8;           // code units below which unmarked UTF-16 is not guessed
inline constexpr size_t kMaxPackageNames = 64 * 1024;  // bytes of entry names classified per archive
inline constexpr size_t kMaxPackageDepth = 2;         // archives read inside an archive attachment
inline constexpr size_t kMaxTnefDepth = 1;            // TNEF streams open at once: none inside a TNEF attachment
inline constexpr size_t kMaxTnefString = 64 * 1024;   // bytes of a TNEF subject or attachment title kept
inline constexpr size_t kMaxArchiveDepth = 4;         // compressed and tar streams open at once (a .tar.gz is two)
inline constexpr size_t kMaxLeafMessages = 2;         // messages read out of a binary-labelled part, open at once
inline constexpr size_t kMinOfficeText = 32;          // an Office-labelled part shorter than this is not read as text
inline constexpr size_t kMaxUuDepth = 2;              // text parts with uuencoded files inside one another

struct WalkState {
  const Limits lim;
  Sink& sink;
  const DocumentReader* documents = nullptr;  // PDF and image reader, if any
  bool errors = false;
  bool truncated = false;
  size_t parts = 0;
  size_t uninspected = 0;
  uint64_t inflated = 0;  // bytes inflated from ZIP packages and unpacked from compressed files so far: at most max_total_bytes per message
  size_t documents_opened = 0;  // at most max_documents per message
  size_t tnef_depth = 0;        // TnefReaders open (at most kMaxTnefDepth)
  size_t archive_depth = 0;     // DecompressReaders and TarReaders open (at most kMaxArchiveDepth)
  bool large_decoder_open = false;  // an xz or zstd decoder (up to kLargeDecoderMemLimit) is open: not a second one inside it
  size_t leaf_messages = 0;     // LeafBody messages open (at most kMaxLeafMessages)
  size_t uu_depth = 0;          // UuReaders open
  bool packed_open = false;     // a PackedReader (7z, RAR) is open: not a second one inside it
  void report(const PartInfo& info, std::string_view reason) {
    ++uninspected;
    sink.uninspected(info, reason);
  }
  // A Document for a part of this kind from `documents`, or the reason the
  // part is uninspected instead: `kind` (no reader of it), "unavailable" (the
  // reader cannot run one now) or "part-limit" (max_documents reached;
  // truncated is set).
  std::unique_ptr<Document> open_document(std::string_view kind, std::string& reason) {
    reason = kind;
    if (!documents || !documents->reads(kind)) return nullptr;
    if (documents_opened >= lim.max_documents) {
      truncated = true;
      reason = "part-limit";
      return nullptr;
    }
    ++documents_opened;
    auto doc = documents->open(kind);
    if (!doc) reason = "unavailable";
    return doc;
  }
};

enum class LeafMode { Text, Html, Xml, Json, Rtf, Dicom, Metafile, Skip, Uninspected };

// One converter of a kind at a time, or none, behind one interface:
// feed(), finish(), had_errors().
template <typename... C>
class OneOf {
 public:
  bool active() const { return !std::holds_alternative<std::monostate>(m_); }
  template <typename T, typename... A>
  void emplace(A&&... args) { m_.template emplace<T>(std::forward<A>(args)...); }
  template <typename T>
  const T* get() const { return std::get_if<T>(&m_); }
  void reset() { m_.template emplace<std::monostate>(); }
  void feed(std::string_view in, std::string& out) {
    std::visit([&](auto& c) { if constexpr (kConverts<decltype(c)>) c.feed(in, out); }, m_);
  }
  void finish(std::string& out) {
    std::visit([&](auto& c) { if constexpr (kConverts<decltype(c)>) c.finish(out); }, m_);
  }
  bool had_errors() const {
    return std::visit([](const auto& c) { if constexpr (kConverts<decltype(c)>) return c.had_errors(); else return false; }, m_);
  }

 private:
  template <typename T>
  static constexpr bool kConverts = !std::is_same_v<std::decay_t<T>, std::monostate>;
  std::variant<std::monostate, C...> m_;
};

// The converter a text goes through after its charset, if any: HTML's,
// XML's (a mode), JSON's or X12's (x12.h works on ASCII bytes, which UTF-8
// keeps). HL7 is found in any text after these (Hl7Lines, hl7.h).
class Markup : public OneOf<HtmlToText, XmlToText, JsonText, X12Text> {
 public:
  void html(EmbeddedDocument* documents) { emplace<HtmlToText>(documents); }
  void xml(XmlToText::Mode mode) { emplace<XmlToText>(mode); }
  void json() { emplace<JsonText>(); }
  void x12() { emplace<X12Text>(); }
};

// The converter of a part whose bytes are not text in one charset; it
// writes UTF-8 itself: RTF's (RTF names its own code pages), DICOM's, or
// a metafile's (the text an EMF or WMF picture draws).
using BinaryText = OneOf<RtfToText, DicomText, MetafileToText>;

// A report stored in a DICOM file (DicomText's encapsulated document), in
// an HL7 result (an OBX of type ED) or in an HTML data: URL (HtmlToText),
// embedded.h (embedded_reader.cc): a PDF read by
// ws.documents as a PDF part is, its text to `text` after the lines
// written before it, on lines of its own (an image large enough,
// min_bytes, through OCR, as an image part); a CDA or other XML document
// through XmlToText (Mode::Data, as an XML attachment), RTF through
// RtfToText (its pictures not read: "image", since this reader is busy
// with the RTF), an EMF or WMF by the text it draws (MetafileToText; one
// that draws none "image"; the bitmaps it draws by an EmbeddedReader of
// its own that reads images only, as above) and text as unlabelled text
// is (UTF-16 or UTF-32 when its first bytes say so, text_charset, else
// UTF-8 where valid, else Windows-1252), their text written where the
// file is, as it streams; a
// Word, Excel or PowerPoint 97-2003 file by ws.documents as an Office part
// is; a ZIP (a DOCX, a ZIP of documents) by a PackageReader of the part,
// as a ZIP part is, its text passed on as it comes and its entry names
// the part's Filename values, what it cannot read reported by it.
class PackageReader;
class EmbeddedReader : public EmbeddedDocument {
 public:
  // packages: a reader for a ZIP of this whole reason ("office" for a
  // package that names an Office document first, "archive"), whose text
  // goes to `text` too; null when one more would be too deep.
  using Packages = std::function<std::unique_ptr<PackageReader>(std::string whole_reason)>;
  EmbeddedReader(WalkState& ws, std::function<void(std::string_view)> text, Packages packages);
  ~EmbeddedReader() override;
  std::string begin(std::string_view kind) override;
  void bytes(std::string_view b, std::string& text) override;
  std::string end(std::string& text) override;
  // From now on a file of any kind but "image" is not read ("image"): the
  // reader of a metafile's bitmaps, which are read as images or not at all.
  void images_only() { images_only_ = true; }

 private:
  void hold(std::string_view b);
  void lines_before(std::string& text);
  void pass_on(std::string_view t);  // the document's text, to text_
  void end_line();

  WalkState& ws_;
  std::function<void(std::string_view)> text_;
  Packages packages_;
  std::unique_ptr<PackageReader> package_;  // a ZIP (a DOCX, an XLSX), read as a ZIP attachment is
  char last_out_ = '\n';                    // the last character pass_on() gave text_
  std::unique_ptr<Document> doc_;  // a PDF, an image opened, a legacy Office file
  OneOf<XmlToText, RtfToText, MetafileToText> conv_;
  std::optional<CharsetConverter> plain_;  // text
  bool plain_pending_ = false;             // text begun, its charset still to tell from its first bytes
  std::unique_ptr<EmbeddedReader> bitmaps_;  // a metafile's bitmaps' reader (images only)
  bool images_only_ = false;  // this is one: any other kind is "image"
  bool image_ = false;        // an image held, not yet opened
  std::string image_reason_;  // why it is not read
  std::string held_;          // its bytes, below min_bytes
};

struct LeafPlan {
  LeafMode mode = LeafMode::Text;
  std::string reason;  // for Uninspected
};

LeafPlan plan_leaf(std::string_view type, std::string_view subtype, std::string_view filename);
// The reason for an uninspected part given its first bytes ("" keeps `declared`).
std::string sniff_reason(std::string_view first_bytes, std::string_view declared);
// A 7z archive, or a RAR archive of format 1.5-4 or 5 (read by a PackedReader).
bool is_packed(std::string_view first_bytes);
// A gzip, bzip2, xz or zstd file, a tar archive (its first header, whole)
// or is_packed(): first bytes that an archive reader (DecompressReader,
// TarReader, PackedReader) reads.
bool is_archive_file(std::string_view first_bytes);
// A file name as an archive stores it, without the control characters a
// hostile one may hold (a line break would split the Filename value).
std::string clean_name(std::string_view name);
using phi::one_of;  // type names, extensions, leaf modes (milter/util/strings.h)
// Text: no NUL and no control character other than tab, line breaks, form
// feed and escape (the first bytes of a part, up to kLeafSniffBytes), or a
// UTF-16 byte order mark, or UTF-16 without one (unmarked_utf16) whose
// code units pass the same test.
bool looks_like_text(std::string_view first_bytes);
// The charset a UTF-16 or UTF-32 byte order mark at the start of `b` says
// ("UTF-16", "UTF-32"; "" for none). Four bytes tell.
std::string_view bom_charset(std::string_view b);
// UTF-16 without a byte order mark ("UTF-16LE", "UTF-16BE"; "" for
// neither): at least kMinUtf16Units code units, three quarters or more of
// them with a zero high byte (Latin text) and at most one in sixteen with a
// zero low byte. 8-bit text has no NUL bytes, so it never qualifies.
std::string_view unmarked_utf16(std::string_view b);
// A message (RFC 5322) in the first bytes of a part that would be read as
// text: every line before the first empty one (or the end of `b`) is a
// header field or its continuation, the first a field. With `named` (the
// file is named .eml, .mht) one field is enough; else every field is one
// a message has (no "Patient:") and there are at least three, two of them
// From, To, Subject, Date, Message-ID, MIME-Version, Received or
// Return-Path, or MIME-Version comes first and another follows (MHT).
bool looks_like_message(std::string_view first_bytes, bool named);
// A header field name (RFC 5322 ftext): printable ASCII but ':', not empty.
bool valid_field_name(std::string_view name);
// HTML: after white space (and a UTF-8 byte order mark), '<', and one of
// <html, <!doctype html, <table, <body, <head, <meta in the first 512 bytes.
bool looks_like_html(std::string_view first_bytes);
// XML: after white space (and a UTF-8 byte order mark), an XML declaration.
bool looks_like_xml(std::string_view first_bytes);
// bom_charset, else unmarked_utf16: the charset a text's first
// kTextHeadBytes bytes (or all of a shorter one) say it is in.
std::string_view text_charset(std::string_view b);
// A ZIP archive's first local header signature.
bool is_zip(std::string_view first_bytes);
// A PNG, JPEG, TIFF, GIF or WebP signature: an image an OCR program can read.
// The reason a file of this name would be uninspected ("pdf", "office",
// "archive", "encrypted", "binary"), from its extension alone.
std::string reason_for_name(std::string_view filename);
// The lower-cased extension of a file name ("" if none or longer than 8).
std::string file_extension(std::string_view filename);

// An attachment read as a ZIP archive: Office Open XML, OpenDocument or a
// plain .zip (package.cc). The text of its XML, text and HTML entries
// (and of entries of no known kind whose first kLeafSniffBytes are text)
// (RTF entries too, and PDF and image entries -- images as the Walker's
// image parts: signed, at least min_bytes -- when the WalkState has a
// DocumentReader of them)
// becomes the part's Body text (a line break between entries); the entry
// names, one per line, a Filename value at the end; entries it cannot read
// (encrypted, embedded documents, images not read, other methods) and an archive
// it cannot read to the end are reported uninspected, each reason once.
// Inflated bytes count against max_part_bytes and, over all the packages of
// a message, against max_total_bytes; entries count against max_parts.
// A gzip, bzip2, xz or zstd file or a tar, 7z or RAR archive in it (by its
// first bytes, whatever its name) is not text of the part: with
// files_as_parts(), it becomes a part of its own, "<id>.<n>",
// application/octet-stream named by its path in the package, read as a
// MIME attachment of that name is (a DecompressReader, TarReader or
// PackedReader: their limits and depth apply; its name is classified once,
// with the package's names). The Sink sees flat parts: the package's part
// is ended before one and begun again, without its Filename, when text or
// a report of its own comes after. Without it (a package inside an HL7
// result or a DICOM file, whose text goes to output()), it is reported by
// its name's reason, as is any other file that is not a ZIP.
class LeafBody;
class PackageReader : public ZipStream::Handler {
 public:
  // whole_reason: what the part is reported as when the archive cannot be
  // read ("office", "archive"). A document or archive inside the package
  // (a docx in a .zip, a worksheet embedded in a docx) is read by a nested
  // reader, to kMaxPackageDepth levels ("depth-limit" for a ZIP below;
  // the other entries there are read as in any package): `root` gets its
  // entry names (after `prefix`, the entry's own name and a '/') and its
  // reports.
  PackageReader(WalkState& ws, const PartInfo& info, std::string whole_reason, PackageReader* root = nullptr,
                size_t depth = 0, std::string prefix = {});
  ~PackageReader() override;
  void feed(std::string_view bytes) { zip_.feed(bytes); }
  void finish();
  // Its text (an entry's, past the HL7 finder) goes to `f` rather than to
  // the Sink as the part's Body text; the nested readers' too.
  void output(std::function<void(std::string_view)> f) { output_ = std::move(f); }
  // Compressed files and tar, 7z and RAR archives inside it (in nested
  // packages too) become parts; `open` is the LeafBody's part_end flag.
  void files_as_parts(bool* open) { open_ = open; }
  // A reader for a ZIP inside the current entry (an archive entry, a file
  // in an HL7 result), one level deeper; null beyond kMaxPackageDepth.
  std::unique_ptr<PackageReader> nested(std::string whole_reason);

  bool entry(const ZipEntry& e) override;
  void data(std::string_view bytes) override;
  void entry_end() override;

 private:
  enum class Kind { Xml, Text, Html, Json, Rtf, Dicom, Nested, Document, Image, Metafile, Sniff };
  // Whether a package inside this one may be read (kMaxPackageDepth).
  bool room_below() const { return depth_ < kMaxPackageDepth; }
  void start_converting(std::string_view first);
  void emit(std::string_view text);
  void body(std::string_view text);
  void sink_text(std::string_view text);
  void flush_sep();
  void flush_hl7();
  void report_once(std::string_view reason);
  void add_name(std::string_view name);
  void nested_data(std::string_view bytes);
  void nested_decide(std::string_view rest);
  void image_data(std::string_view bytes);
  void sniff_data(std::string_view bytes);
  bool sniffed_text();
  // Files as parts: whether this package's root was given a part, and the
  // part of its own for the current entry (head_ and `rest` go to it).
  bool parts_ok() const { return root_->open_ && !output_; }
  bool begin_child(std::string_view rest);
  void end_child();
  void own();  // the package's part is the Sink's current part again
  void count_inflated();

  WalkState& ws_;
  const PartInfo& info_;
  std::string whole_reason_;
  PackageReader* root_;
  size_t depth_;
  std::string prefix_;
  ZipStream zip_;
  std::string entry_name_;     // the current entry's name (UTF-8)
  std::string nested_reason_;  // Nested: what the entry is reported as if it cannot be read
  bool nested_skip_ = false;   // Nested: it is not a ZIP; the rest of its bytes are ignored
  std::unique_ptr<PackageReader> nested_;
  std::unique_ptr<Document> doc_;  // Document, Image: a PDF or image entry, read by ws_.documents
  bool image_skip_ = false;        // Image: not a signed image, or not read; the rest is ignored
  std::unique_ptr<MetafileText> meta_;  // Metafile: an .emf or .wmf entry (a table or a screenshot pasted as a picture)
  bool sniff_skip_ = false;        // Sniff: not text; the rest is ignored
  Kind kind_ = Kind::Text;
  XmlToText::Mode xml_mode_ = XmlToText::Mode::Elements;
  std::string head_;  // an XML or text entry's first bytes, until their encoding is known
  bool converting_ = false;
  std::optional<CharsetConverter> conv_;
  Markup markup_;  // Xml, Html, Json entries; X12 text
  std::function<void(std::string_view)> output_;  // where the text goes, if not to the Sink
  // An entry's encapsulated report (DICOM), the files of its data: URLs
  // (HTML) or its pictures (RTF); a ZIP inside them one level deeper.
  EmbeddedReader file_doc_{ws_, [this](std::string_view t) { body(t); },
                            [this](std::string r) { return nested(std::move(r)); }};
  std::optional<EmbeddedReader> meta_doc_;  // Metafile: the reader of the bitmaps it draws (images only)
  std::optional<EmbeddedFile> meta_file_;   // ... and their files
  BinaryText bin_;  // Rtf, Dicom
  // An HL7 result's document: its text to the Sink, not back through hl7_.
  EmbeddedReader hl7_doc_{ws_, [this](std::string_view t) { sink_text(t); },
                          [this](std::string r) { return nested(std::move(r)); }};
  Hl7Lines hl7_{&hl7_doc_};  // every entry's text: HL7 messages in it
  std::string s1_, s2_, s3_;
  std::string names_;  // entry names, one per line, bounded by kMaxPackageNames
  bool names_cut_ = false;
  bool any_text_ = false;
  bool sep_ = false;  // a line break is due before the next entry text
  std::string reported_;  // reasons already reported, each followed by '\n'
  bool* open_ = nullptr;  // root: the LeafBody's part_end flag, when files become parts
  size_t children_ = 0;   // root: files made parts so far, numbering them
  uint64_t counted_ = 0;  // of zip_.inflated(), what is in ws_.inflated already
  std::unique_ptr<LeafBody> child_;  // the current entry's part (a compressed file, an archive)
};

// Shared by ContainerReader and PackageReader (container_reader.cc).
// Counts one more file of a container as one of the message's max_parts;
// at the limit, false (the walk is truncated; the caller reports
// "part-limit").
bool count_file_part(WalkState& ws);
// The reader of a file inside a container: the part "<parent id>.<n>",
// application/octet-stream named `name`, read as a MIME attachment of that
// name; its name is classified unless classify_name is false.
std::unique_ptr<LeafBody> file_part(WalkState& ws, const PartInfo& parent, size_t n, std::string name,
                                    bool classify_name);

// What a TNEF stream, a compressed file and a tar archive share
// (container_reader.cc): read for the LeafBody of part `info`, each file
// inside becomes a part of its own (`child`), so that the Sink sees flat
// parts: the container's part ends before a file's part begins (`open` is
// the LeafBody's: whether its part_begin is the latest unended one), and
// begins again (without its Filename) when text or a report of its own
// comes after one. `depth` counts the readers of this kind open at once.
class ContainerReader {
 public:
  ContainerReader(WalkState& ws, const PartInfo& info, bool& open, size_t& depth);
  virtual ~ContainerReader();
  ContainerReader(const ContainerReader&) = delete;
  ContainerReader& operator=(const ContainerReader&) = delete;
  virtual void feed(std::string_view bytes) = 0;
  virtual void finish() = 0;

 protected:
  void own();  // the container's part is the Sink's current part again
  // Each reason once; while a file's part is open, on that part.
  void report_own(std::string_view reason);
  // Counts the next file as one of the message's max_parts and numbers it
  // (n_); at the limit, reports "part-limit" (truncated) and gives false.
  bool take_part();
  // Ends the open file's part, and the container's, and begins the part
  // "<id>.<n_>", application/octet-stream named `name`, read as a MIME
  // attachment of that name; its name is classified unless classify_name
  // is false.
  void begin_child(std::string name, bool classify_name = true);
  void end_child();

  WalkState& ws_;
  const PartInfo& info_;
  bool& open_;
  std::unique_ptr<LeafBody> child_;
  size_t n_ = 0;  // the number of the file being read (from 1)

 private:
  size_t& depth_;
  std::string reported_;  // reasons already reported, each followed by '\n'
};

// A TNEF attachment (winmail.dat, application/ms-tnef; tnef_reader.cc),
// read for the LeafBody of part `info` as it streams. The message text
// (attSubject and PR_SUBJECT as a Subject value, once when they are the
// same, up to kMaxTnefString bytes and "size-limit" beyond; attBody,
// PR_BODY, PR_BODY_HTML through
// HtmlToText and PR_RTF_COMPRESSED through RtfToText as Body text) is the
// part's own (PR_BODY not when it comes after attBody and says the same,
// white space aside: Outlook writes the plain body twice); each attachment inside becomes a part of its own,
// "<id>.<n>", application/octet-stream with the attachment's title as its
// file name, read by a LeafBody exactly as a MIME attachment of that name
// would be (text, RTF, HTML, packages, PDF by sniffing and name). The
// attachment's PR_ATTACH_LONG_FILENAME, when it differs, is one more
// Filename value of it. `open` is the LeafBody's: whether the TNEF part's
// own part_begin is the latest unended one. The part is ended before an
// attachment's part_begin and begun again (without its Filename) when text
// or a report of its own comes after one, so that the Sink sees a flat
// sequence of parts. An embedded message (PR_ATTACH_METHOD 5) is
// uninspected "depth-limit", as is a TNEF stream inside an attachment; a
// stream that is cut or malformed makes the part "binary", as do compressed
// RTF that is cut or neither LZFu nor MELA and a property list that cannot
// be read to its end (an attachment's: its part, if begun) -- what was read
// stays read; a bad attribute checksum or compressed-RTF CRC is only an
// error. Attachments count against max_parts, message text against
// max_part_bytes; property lists (attMAPIProps, attAttachment) are kept in
// memory up to max_part_bytes each (a longer one is skipped, "size-limit");
// attachment data is never kept.
class TnefReader : public ContainerReader, private TnefStream::Handler {
 public:
  TnefReader(WalkState& ws, const PartInfo& info, bool& open);
  void feed(std::string_view bytes) override { tnef_.feed(bytes); }
  void finish() override;

 private:
  bool begin(const TnefAttribute& a) override;
  void data(std::string_view bytes) override;
  void end(bool checksum_ok) override;

  enum class Kind { None, Subject, Body, MessageProps, Codepage, Title, Data, AttachProps };
  void emit_body(std::string_view utf8);
  void emit_subject(std::string_view charset, std::string_view bytes, size_t unit, bool cut = false);
  void separate();
  uint64_t text_room(uint64_t want);
  void start_attachment();
  void end_attachment();
  void open_child();
  void add_name(std::string name);
  void message_props(std::string_view blob);
  void attachment_props(std::string_view blob);
  void convert_text(std::string_view charset, std::string_view bytes, bool html, bool rtf);
  bool same_as_att_body(std::string_view charset, std::string_view bytes);
  std::string charset() const;

  TnefStream tnef_;
  Kind kind_ = Kind::None;
  std::string buf_;         // the data of a kept attribute (subject, title, property list, code page)
  uint64_t buf_cap_ = 0;
  int codepage_ = 1252;     // attOemCodepage
  std::optional<CharsetConverter> body_conv_;  // attBody, as it streams
  uint64_t text_bytes_ = 0;  // bytes of message text converted, at most max_part_bytes
  // attBody's fingerprint (tnef_reader.cc), once read: PR_BODY saying the same is not read again.
  uint64_t att_body_hash_ = 0xcbf29ce484222325ull, att_body_chars_ = 0;
  bool att_body_read_ = false;
  bool any_text_ = false;
  std::string subject_;     // the subject given last (attSubject and PR_SUBJECT usually repeat it)
  bool subject_cut_ = false;  // attSubject was longer than kMaxTnefString
  bool in_attachment_ = false;
  bool skip_attachment_ = false;  // max_parts reached
  std::string title_;             // the current attachment's name, until its part begins
  std::string extra_names_;       // more names of it (one per line) until then
  bool name_cut_ = false;         // its title, or names beyond it, cut at kMaxTnefString: "size-limit"
  bool child_data_ = false;       // the child got attAttachData
  // The pictures of its HTML or RTF body (data: URLs, \pict): their text
  // is body text; a ZIP among them is read as a package of this part.
  EmbeddedReader body_doc_{ws_, [this](std::string_view t) { emit_body(t); },
                           [this](std::string r) { return std::make_unique<PackageReader>(ws_, info_, std::move(r)); }};
  std::string s1_, s2_;
};

// Compressed files and tar archives (archive_reader.cc): each file inside
// is read exactly as a MIME attachment of its name would be (text, HTML,
// RTF, ZIP packages, PDF, images, Office files, and compressed files and
// tar again, to kMaxArchiveDepth streams open at once: "depth-limit"
// beyond).
//
// A gzip, bzip2, xz or zstd file (by its signature, declared or sniffed as an
// archive): its unpacked bytes are one file, named by the gzip header's
// original name, else by the part's file name without .gz, .bz2, .xz or .zst
// (.tgz, .tbz2, .txz, .tzst: .tar). Unpacked bytes count against max_part_bytes
// and, with the ZIP packages', the message's max_total_bytes; beyond
// them, or beyond the xz or zstd decoder's memory limit, "size-limit"; a stream cut
// or damaged is "archive". One xz or zstd decoder at a time: an xz or zstd file inside
// one is "depth-limit".
class DecompressReader : public ContainerReader {
 public:
  DecompressReader(WalkState& ws, const PartInfo& info, bool& open, Compression format);
  ~DecompressReader() override;
  void feed(std::string_view bytes) override;
  void finish() override;

 private:
  bool output(std::string_view bytes);
  void start_child();

  Decompressor dec_;
  uint64_t out_ = 0;
};

// A tar archive (ustar, pax, GNU or v7, declared or sniffed): each regular
// file is a part (max_parts: "part-limit"); the names of directories and
// links are Filename values of the archive's own part (up to
// kMaxPackageNames bytes); a header that does not check, or an archive
// cut short, is "archive" -- the files before it stay read.
class TarReader : public ContainerReader, private TarStream::Handler {
 public:
  TarReader(WalkState& ws, const PartInfo& info, bool& open);
  void feed(std::string_view bytes) override { tar_.feed(bytes); }
  void finish() override;

 private:
  bool entry(const TarEntry& e) override;
  void data(std::string_view bytes) override;
  void entry_end() override;

  TarStream tar_;
  size_t names_ = 0;  // bytes of names given as the archive's Filename values
};

// A 7z or RAR archive (archive_reader.cc), declared or sniffed as an
// archive: its bytes go to `doc`, a Document of the Walker's "archive"
// reader (bsdtar in a child process: milter/archive_tar.h), which gives
// its files back as a pax archive, read here as TarReader reads a tar
// attachment (each file a part, read as a MIME attachment of its name
// would be). The archive is held by that reader up to max_part_bytes
// (beyond: "size-limit", nothing of it read); the files unpacked count,
// with the ZIP packages' and compressed files', against the message's
// max_total_bytes ("size-limit": the file being read is cut there). The
// reader's reason ("archive" for a damaged or encrypted archive, after
// the files before the fault; "size-limit", "time-limit", "unavailable")
// is the archive part's. One open at a time (WalkState::packed_open): a 7z
// or RAR inside one is "depth-limit", not read.
class PackedReader : public TarReader {
 public:
  PackedReader(WalkState& ws, const PartInfo& info, bool& open, std::unique_ptr<Document> doc);
  ~PackedReader() override;
  void feed(std::string_view bytes) override;
  void finish() override;

 private:
  void unpacked(std::string_view bytes);

  std::unique_ptr<Document> doc_;
  uint64_t held_ = 0;  // bytes of the archive given to doc_
  bool cut_ = false;   // max_total_bytes reached while unpacking
};

// Uuencoded files in a text part (uu_reader.cc): the part's lines go on
// to `text` (its charset conversion and the Sink), but each uuencoded
// block (UuStream) becomes a part of its own, "<id>.<n>",
// application/octet-stream named as its begin line names it, read exactly
// as a MIME attachment of that name would be (text, PDF, ZIP, Office
// files, archives, and uuencoded files in its text again: kMaxUuDepth text
// parts with blocks inside one another; a block beyond is "depth-limit"
// and not read). A block cut short is read as far as it goes. Blocks
// count against max_parts ("part-limit": the block is not read).
class UuReader : public ContainerReader, private UuStream::Handler {
 public:
  UuReader(WalkState& ws, const PartInfo& info, bool& open, std::function<void(std::string_view)> text);
  void feed(std::string_view bytes) override { uu_.feed(bytes, *this); }
  void finish() override;
  using ContainerReader::own;  // the text part is the Sink's current part again

 private:
  void text(std::string_view bytes) override;
  void begin(std::string_view name) override;
  void data(std::string_view bytes) override;
  void end(bool complete) override;

  UuStream uu_;
  std::function<void(std::string_view)> text_;
  bool nested_ok_;     // fewer than kMaxUuDepth readers around this one
  bool skip_ = false;  // the open block is not read (depth or part limit)
};

class Body {
 public:
  virtual ~Body() = default;
  virtual void feed(std::string_view raw) = 0;
  virtual void finish() = 0;
};

class Entity;

// part_begin(info), then its file name (unless classify_name is false) and
// field comments as Filename text: how every part the Sink sees begins.
void begin_part(WalkState& ws, const PartInfo& info, bool classify_name = true);

class LeafBody : public Body {
 public:
  // classify_name: give the file name to the Sink (false when it was given already, as the name of the gzip file around it).
  LeafBody(WalkState& ws, PartInfo info, TransferEncoding cte, LeafPlan plan, bool classify_name = true);
  ~LeafBody() override;
  void feed(std::string_view raw) override;
  void finish() override;
  const PartInfo& info() const { return info_; }
  // Reports the part uninspected and ignores the rest of it (once).
  void stop(std::string_view reason);

 private:
  void process(std::string_view decoded);
  void emit_text(std::string_view decoded);
  void start_text(LeafMode mode);
  void convert_text(std::string_view decoded);
  void body_text(std::string_view text);
  void sink_body(std::string_view text);
  void sniff(std::string_view decoded);
  void sniffed();
  void read_as_message();
  void hold_image(std::string_view decoded);
  std::unique_ptr<PackageReader> embedded_package(std::string whole_reason);
  void flush_text();
  void flush_hl7();
  void report_after_text(std::string_view reason);
  void check_encoding();

  WalkState& ws_;
  PartInfo info_;
  TransferDecoder cte_;
  LeafPlan plan_;
  std::optional<CharsetConverter> conv_;
  Markup markup_;  // Html, Xml (XmlToText::Mode::Data), Json; X12 text
  std::optional<ContentLines> lines_;  // Text: iCalendar or vCard
  // A DICOM file's encapsulated report, the files of an HTML part's data:
  // URLs or an RTF document's pictures (file_doc_); an HL7 result's
  // document, its text to the Sink, not back through hl7_. A ZIP in any is
  // read as a package of this part.
  EmbeddedReader file_doc_{ws_, [this](std::string_view t) { body_text(t); },
                            [this](std::string r) { return embedded_package(std::move(r)); }};
  BinaryText bin_;                     // Rtf, Dicom, Metafile
  EmbeddedReader hl7_doc_{ws_, [this](std::string_view t) { sink_body(t); },
                          [this](std::string r) { return embedded_package(std::move(r)); }};
  Hl7Lines hl7_{&hl7_doc_};            // all of the part's text: HL7 messages in it
  std::unique_ptr<PackageReader> package_;
  std::unique_ptr<Document> doc_;  // a PDF or an image read by ws_.documents
  bool image_pending_ = false;     // an image held in held_ until it reaches min_bytes
  std::string held_;
  std::unique_ptr<TnefReader> tnef_;
  std::unique_ptr<ContainerReader> archive_;  // a gzip file, a tar, 7z or RAR archive
  std::unique_ptr<UuReader> uu_;              // Text: uuencoded files in it
  struct SavedMessage;                        // an Entity holding one of ws_.leaf_messages (part.cc)
  std::unique_ptr<SavedMessage> message_;     // a message sent as octet-stream (an .eml file), read as message/rfc822
  bool open_ = true;  // part_end still to come (a TnefReader ends and begins the part again)
  uint64_t decoded_ = 0;
  bool done_ = false;  // the rest of the part is ignored
  std::string sniff_, s1_, s2_, s3_, s4_, s5_;
  std::string head_;          // Text, Html: the first kTextHeadBytes, until their encoding is known
  bool head_checked_ = false;
};

class Entity {
 public:
  Entity(WalkState& ws, std::string id, size_t depth, bool is_message, bool digest_child = false);
  ~Entity();
  void header_field(std::string_view name, std::string_view value);
  void end_headers();
  void feed(std::string_view raw);  // header lines (until the blank line), then body
  void finish();

 private:
  void header_line(std::string_view line);
  void flush_field();
  void feed_body(std::string_view raw);
  void message_field(std::string_view name, std::string_view value);
  void make_leaf(PartInfo info, TransferEncoding cte, LeafPlan plan);
  std::string leaf_id() const;
  PartInfo header_info() const;

  WalkState& ws_;
  std::string id_;
  size_t depth_;
  bool is_message_;
  bool digest_child_;
  bool headers_done_ = false;
  bool over_budget_ = false;
  bool any_line_ = false;
  size_t header_bytes_ = 0;
  std::string line_, field_;
  std::optional<std::string> content_type_, cte_, disposition_;
  std::unique_ptr<Body> body_;
};

}  // namespace phi::mime::detail

#endif
