// NAME
//   walker - stream a message's MIME structure and report its text as UTF-8
// SYNOPSIS
//   class MySink : public phi::mime::Sink { ... };
//   phi::mime::Walker w(phi::mime::Limits{}, sink);
//   w.header("Subject", "=?utf-8?Q?...?=");  ...  w.end_of_headers();
//   w.body(chunk); ...  w.finish();
//   w.had_errors(); w.parts(); w.truncated(); w.uninspected_parts();
// DESCRIPTION
//   The Walker takes the top-level header fields one by one (as libmilter
//   reports them; folded or not) and the body in chunks split anywhere,
//   and calls the Sink in document order:
//     * text(info "0", Subject | DisplayName, value) for the Subject and the
//       display names of From/To/Cc/Bcc/Reply-To/Sender (RFC 2047 decoded;
//       each call is one complete value). A message/rfc822 part's own
//       Subject and names come the same way with that part's id; when the
//       part has a file name or field comments, they come first, in a
//       part_begin/part_end of that id of their own.
//     * for every leaf part: part_begin(info); text(info, Filename, name)
//       if it has a file name (RFC 2231 / RFC 2047 decoded); then either
//       text(info, Body, ...) calls -- consecutive Body calls are one
//       continuous text, split anywhere -- or uninspected(info, reason);
//       then part_end(info). A part can get Body text and then
//       uninspected("size-limit") if it outgrows max_part_bytes.
//   Part ids are IMAP part numbers ("1", "1.2", "2.1.3"; a single-part
//   message's body is "1", a message/rfc822 part "2" has "2.1", ...).
//   Multipart preambles and epilogues are inspected too, as text/plain
//   parts "<container>.preamble" / ".epilogue" ("preamble" at the top), so
//   text placed where a mail reader hides it is not missed; a multipart
//   whose boundary never shows up is therefore still read in full.
//   A part that would be read as octet-stream text (above) but whose
//   first lines are a message's header fields (looks_like_message in
//   entity.h: a saved .eml file, sent as octet-stream, as text/plain
//   named .eml -- sniffed like octet-stream --, or inside an archive) is
//   ended for its file name and read as message/rfc822, its
//   parts "<id>.1" ...; kMaxLeafMessages of these open at once, a further
//   one "depth-limit".
//   Opaque-signed S/MIME (application/pkcs7-mime or x-pkcs7-mime, or a
//   non-text part named .p7m, holding CMS signed data) is begun and ended
//   for its file name, then its signed content, a MIME entity in the
//   clear, is walked as a part one level down with the same id
//   (SignedContentStream in smime.h; no signature is checked); enveloped
//   data, and a part cut or damaged before its content type, is reported
//   "encrypted", a signed one cut or damaged later "binary".
//   Uuencoded files: a part with Content-Transfer-Encoding x-uuencode
//   (x-uue, uuencode, uue) is decoded by a UuDecoder (uuencode.h); in an
//   8-bit text part (not HTML, not UTF-16), each uuencoded block
//   ("uuencode census.csv census.csv | mail": begin ... end, or uuencode
//   -m's begin-base64 ... ====) is cut out of the part's text and read as
//   a part of its own, "<id>.<n>", application/octet-stream named as its
//   begin line names it, exactly as a MIME attachment of that name would
//   be (UuReader in entity.h; the Sink sees flat parts, as for TNEF);
//   blocks count against max_parts, and blocks in text inside
//   kMaxUuDepth such files are "depth-limit". Any other unknown
//   transfer encoding is read as it is and also reported "binary" (the
//   bytes may encode what is not read); a misspelt identity ("8-bit",
//   "none") is read without a report.
//   Leaves: text/* and text-like application types (json, xml, csv, and
//   any part whose file name ends in .txt .csv .tsv .log .json .xml .htm
//   .html) are decoded (Content-Transfer-Encoding, then charset via
//   CharsetConverter, then HtmlToText for HTML, XmlToText in Data mode
//   for XML: xml types, .xml names, a sniffed "<?xml"; ContentLines
//   first for iCalendar and vCard text: unfold.h; X12Text first for a
//   text that starts with an X12 ISA header: x12.h; JsonText for json
//   and +json types and .json names: json_text.h; and every part's and
//   archive entry's Body text, whatever produced it, through Hl7Lines,
//   which labels HL7 v2 messages in it: hl7.h; a PDF or a scanned image
//   in an HL7 result, an OBX of value type ED, goes to the DocumentReader
//   as a PDF or image part does (the reasons as for one), an RTF note, a
//   CDA or a text report through RtfToText, XmlToText or the charset
//   converter, its text after the segment's (EmbeddedReader in
//   entity.h), and any other file there makes the part also reported
//   "binary"); so is a part that would
//   be uninspected "binary" (octet-stream, an unknown type or name: HL7
//   and X12 files, SQL dumps, a file in a tar without an extension) whose
//   first kLeafSniffBytes bytes look like text (looks_like_text in
//   entity.h: no NUL, no control character but tab, line breaks, form
//   feed and escape; or UTF-16, with a byte order mark or without), and
//   one declared an office document that is not OLE2 nor ZIP and holds at
//   least kMinOfficeText bytes of text (an "Excel" report that is an HTML
//   table or tab-separated text); either is read as HTML when
//   looks_like_html says so. A
//   text or HTML part starting with a UTF-16 or UTF-32 byte order mark,
//   or whose first kTextHeadBytes are UTF-16 without one (unmarked_utf16
//   in entity.h: zero high bytes), is read in that encoding unless it is
//   labelled UTF-16/32 already (Excel's "Unicode Text" and Notepad's
//   "Unicode" files come unlabelled or as Latin-1: the bytes decide; a
//   label "utf-16" without a mark is read in the byte order they show); RTF (text/rtf,
//   application/rtf, a .rtf name, or sniffed "{\rtf" in a part declared
//   as an office document or binary) goes through RtfToText instead of
//   the charset converter; so does a DICOM file (bytes 128 to 131 "DICM"
//   in a part declared binary or image, or a ZIP entry whose name says
//   nothing) through DicomText (dicom.h): its data elements as text, its
//   first frame to the DocumentReader as an image (as an image part, and
//   reported so), other pixels reported "image" (and what follows a deflated data set or a
//   broken element header, "binary"; an encapsulated PDF report goes to
//   the DocumentReader as a PDF part does, the reasons as for one, and a
//   CDA report through XmlToText as an XML part: EmbeddedReader in
//   entity.h). Signature parts
//   (pkcs7-signature, pgp-signature) carry no content and are skipped
//   without a report. A part declared or sniffed as an office document or
//   an archive whose first bytes are a ZIP header (docx, xlsx, pptx, odt,
//   ods, odp, .zip) is read as a package (PackageReader in entity.h): the
//   text of its XML, text and HTML entries (a UTF-16 text entry, with a
//   byte order mark or without, in UTF-16; an entry of no known kind when its first
//   bytes look like text or DICOM, a saved message among them, reported "depth-limit"
//   since its parts are not walked; and its PDF and image
//   entries, through the DocumentReader as below) comes as the part's Body
//   text, its entry names as one Filename value after it, and what it
//   cannot read is reported uninspected (each reason once per part); an
//   entry that is a compressed file or a tar, 7z or RAR archive is a part
//   of its own, "<ZIP part id>.<n>", read as the archives below are (the
//   ZIP part ends before it and begins again, as for TNEF).
//   A PDF (declared, named .pdf or sniffed "%PDF-") goes to the
//   DocumentReader given to the Walker, if any: its text comes as the
//   part's Body text; without a reader, or when the reader cannot read it,
//   the part is uninspected "pdf" (or the reader's reason); when the reader
//   cannot run now (open() gives nullptr), "unavailable" -- a caller that
//   must not pass content unread answers "try again later"; beyond
//   max_documents per message, "part-limit".
//   A TNEF attachment (winmail.dat: application/ms-tnef, vnd.ms-tnef, the
//   name winmail.dat, or a part declared binary whose first bytes are the
//   TNEF signature) is read as it streams (TnefReader in entity.h): the
//   message text it carries -- attSubject and PR_SUBJECT as a Subject value
//   (once when they are the same; with the TNEF part's id, as a
//   message/rfc822 part's Subject comes with its id), attBody,
//   PR_BODY, PR_BODY_HTML (through HtmlToText) and PR_RTF_COMPRESSED
//   (LZFu, then RtfToText) as Body text, in that stream's code page -- is
//   the TNEF part's own; each attachment inside is a part of its own, id
//   "<TNEF part id>.<n>" (n from 1), content type application/octet-stream
//   and its title as file name (its PR_ATTACH_LONG_FILENAME follows as one
//   more Filename value), read exactly as a MIME attachment of that name
//   would be (text, RTF, HTML, package, PDF; sniffed the same way). The
//   Sink sees flat parts: the TNEF part ends before its first attachment
//   begins, and begins again (without its Filename) if text or a report of
//   its own comes after one. An embedded message (PR_ATTACH_METHOD 5) and
//   a TNEF stream inside a TNEF attachment are uninspected "depth-limit";
//   a TNEF stream that is cut or damaged makes the TNEF part "binary", as
//   does a compressed RTF body that is cut or neither LZFu nor MELA, or a
//   MAPI property list that cannot be read to its end (an attachment's
//   makes that attachment's part "binary") -- what was read before stays
//   read; a bad checksum, of an attribute or of compressed RTF (its CRC),
//   is only an error: the text is read.
//   A TNEF subject is read up to 64 KB (more: "size-limit").
//   Attachments count against max_parts, the TNEF part's text against
//   max_part_bytes, each attachment's bytes against max_part_bytes as a
//   MIME part's would.
//   A gzip, bzip2, xz or zstd file or a tar archive (declared or named an
//   archive, or sniffed in a part declared binary: the compressed
//   formats' signatures, a checksummed ustar header; an old v7 tar only
//   when declared or named an archive) is read as it streams
//   (DecompressReader, TarReader in entity.h): each file inside is a part
//   of its own, "<archive part id>.<n>", application/octet-stream with its
//   name in the archive as file name (for a compressed file, the gzip
//   header's original name, else the part's without .gz, .bz2, .xz or .zst, not
//   given again as a Filename value when it is just that), read exactly
//   as a MIME attachment of that name would be; the names of a tar's
//   directories and links are Filename values of the archive's part. The
//   Sink sees flat parts, as for TNEF. Streams inside streams: at most
//   kMaxArchiveDepth open at once, one of them xz or zstd ("depth-limit" beyond). A compressed
//   stream or tar that is cut or damaged makes the archive's part
//   "archive" (what was read stays read); unpacked bytes beyond
//   max_part_bytes, or beyond max_total_bytes with the ZIP packages', and
//   an xz or zstd file needing more than kLargeDecoderMemLimit to
//   unpack, "size-limit"; files count against max_parts.
//   An image whose first bytes are those of a PNG, JPEG, TIFF, GIF or
//   WebP file (whatever it is declared as; declared or named an image
//   without them, it is not given to any reader) of at least the
//   reader's min_bytes("image") goes to the DocumentReader if it reads
//   "image" (OCR): its text comes as the part's Body text, the reasons
//   as for a PDF; smaller ones, and all of them without such a reader,
//   are uninspected "image". The bytes below min_bytes are held (at most
//   that plus one slice) until the size is known.
//   A Word, Excel or PowerPoint 97-2003 file -- a part whose first bytes
//   are an OLE2 compound file signature, declared or named an office
//   document (application/msword, vnd.ms-*, .doc, .xls, .ppt) or sniffed
//   in a part declared binary, and such entries of a ZIP archive -- goes
//   to the DocumentReader if it reads "office", the reasons as for a PDF.
//   Everything else is uninspected with reason "pdf", "image",
//   "office", "archive", "encrypted" (enveloped S/MIME, PGP, multipart/encrypted,
//   a ZIP whose first entry is encrypted) or "binary"; the first bytes are
//   sniffed so a PDF or ZIP sent as octet-stream gets its real reason.
//   Limits: a multipart, message/rfc822 or S/MIME part at depth max_depth is reported
//   uninspected "depth-limit"; parts beyond max_parts "part-limit" (once
//   per multipart); decoded bytes of a part beyond max_part_bytes "size-limit";
//   body bytes beyond max_total_bytes "size-limit" once, with id "0"
//   (message/rfc822) outside any part_begin/part_end. Header blocks beyond
//   max_header_bytes have their remaining fields ignored (an error).
//   had_errors() is set by malformed input anywhere (bad base64/QP, invalid
//   charset sequences or unknown charsets, unterminated multiparts, missing
//   boundary -- such a part is read as text/plain --, malformed headers).
//   Reaching a limit is not an error: truncated() tells that.
// INPUT
//   Untrusted. Memory is bounded by the limits whatever the message size
//   (a DocumentReader bounds its own):
//   nothing buffers a part (a ZIP package is read as it streams: one zlib
//   state, its inflated bytes bounded by max_part_bytes, its entries by
//   max_parts; a compressed file one decoder (zlib 40 KB, bzip2 3.7 MB,
//   xz and zstd at most kLargeDecoderMemLimit, one of them at a time); a tar one 512-byte header and 64 KB of pax
//   records; a TNEF stream keeps a few bytes of framing and one MAPI
//   property list of at most max_part_bytes, with the RTF decompressed
//   from it, never an attachment's bytes); chunks are processed in slices of at most
//   kMaxSlice bytes; carry-over between chunks is a few bytes per decoder
//   and at most 2 + max_boundary_len + 2 bytes per open multipart level.
//   Time is linear in the input times the nesting depth.
// THREADS
//   One Walker per message, used by one thread at a time.
#ifndef PHI_MIME_WALKER_H
#define PHI_MIME_WALKER_H

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace phi::mime {

inline constexpr size_t kMaxSlice = 64 * 1024;

enum class TextKind { Body, Subject, Filename, DisplayName };

struct PartInfo {
  std::string id;            // "1", "1.2", "2.1.3" (IMAP part numbers; "0" for top-level header fields)
  std::string content_type;  // lower-case type/subtype ("text/rfc822-headers" for header fields)
  std::string charset;       // as declared
  std::string filename;      // decoded (RFC 2231 / RFC 2047) UTF-8
  // Comments in Content-Type and Content-Disposition: not part of any value,
  // but a client may show them with an unquoted file name
  // (filename=Jane (SSN ...).txt), so they are classified with it.
  std::string field_comments;
  std::string disposition;   // lower case: "inline", "attachment" or ""
};

class Sink {
 public:
  virtual ~Sink() = default;
  virtual void part_begin(const PartInfo&) {}
  // Decoded UTF-8 text, in order. Consecutive Body calls for the same part are
  // one continuous text (a token may be split across calls); each Subject,
  // Filename and DisplayName call is one complete value.
  virtual void text(const PartInfo&, TextKind, std::string_view utf8) = 0;
  virtual void part_end(const PartInfo&) {}
  // A part that cannot be inspected, with a reason: "binary", "pdf", "image", "office",
  // "archive", "encrypted", "size-limit", "depth-limit", "part-limit", "time-limit", or
  // "unavailable" (the DocumentReader could not run: a retry may read it).
  virtual void uninspected(const PartInfo&, std::string_view reason) = 0;
};

// Reads a document format the Walker does not parse itself (PDF, images)
// -- in practice an external converter (milter/converter.h). One Document
// per part.
class Document {
 public:
  virtual ~Document() = default;
  // When the reader must be done (steady clock): set before each call by a
  // caller that budgets a message's documents (milter/converter.h,
  // DocumentBudget). A document not read by then is given up: finish()
  // returns "time-limit". Readers that run nothing may ignore it.
  virtual void set_deadline(std::chrono::steady_clock::time_point) {}
  // The part's decoded bytes, in order.
  virtual void feed(std::string_view bytes) = 0;
  // Ends the input; calls text() with the document's UTF-8 text (in pieces,
  // in order) and returns "" when it was read to the end, else the reason
  // the part is reported uninspected ("pdf", "encrypted", "size-limit").
  virtual std::string finish(const std::function<void(std::string_view)>& text) = 0;
};

class DocumentReader {
 public:
  virtual ~DocumentReader() = default;
  // A Document for a part of this kind ("pdf", "image", "office"); nullptr when none
  // can run now (all busy, or the converter cannot start): the part is
  // then uninspected "unavailable".
  virtual std::unique_ptr<Document> open(std::string_view kind) const = 0;
  // open() for a caller that must be done by `deadline` (a message's
  // budget): a wait for a free process ends then at the latest, and the
  // Document has its deadline set. By default, open() then set_deadline().
  virtual std::unique_ptr<Document> open_until(std::string_view kind,
                                               std::chrono::steady_clock::time_point deadline) const {
    auto doc = open(kind);
    if (doc) doc->set_deadline(deadline);
    return doc;
  }
  // open_until() when there is a deadline, else open().
  std::unique_ptr<Document> open_within(std::string_view kind,
                                        const std::optional<std::chrono::steady_clock::time_point>& deadline) const {
    return deadline ? open_until(kind, *deadline) : open(kind);
  }
  // Whether open() is ever tried for this kind (by default "pdf" only):
  // a kind not read is reported uninspected under its own name.
  virtual bool reads(std::string_view kind) const { return kind == "pdf"; }
  // Parts of this kind smaller than this (decoded bytes) are not read but
  // reported uninspected under their kind's name (icons and logos, for OCR).
  virtual uint64_t min_bytes(std::string_view) const { return 0; }
};

struct Limits {
  size_t max_depth = 16;                        // nesting of multipart / message/rfc822
  size_t max_parts = 1000;                      // MIME entities per message
  uint64_t max_part_bytes = 32ull << 20;        // decoded bytes inspected per part
  uint64_t max_total_bytes = 128ull << 20;      // body bytes inspected per message
  size_t max_header_bytes = 256 * 1024;         // one header block (top level or part)
  size_t max_boundary_len = 70;                 // longer boundary parameters are ignored
  size_t max_documents = 32;                    // parts (and ZIP entries) given to the DocumentReader per message
};

namespace detail {
struct WalkState;
class Entity;
}  // namespace detail

class Walker {
 public:
  // documents: reads PDF and image parts (see Document); none means they are uninspected.
  Walker(const Limits& limits, Sink& sink, const DocumentReader* documents = nullptr);
  ~Walker();
  Walker(const Walker&) = delete;
  Walker& operator=(const Walker&) = delete;

  void header(std::string_view name, std::string_view value);
  void end_of_headers();
  void body(std::string_view chunk);
  void finish();

  bool had_errors() const;
  size_t parts() const;              // MIME entities seen (the message itself included)
  bool truncated() const;            // a limit cut inspection short
  size_t uninspected_parts() const;  // uninspected() calls made

 private:
  std::unique_ptr<detail::WalkState> ws_;
  std::unique_ptr<detail::Entity> root_;
  bool headers_done_ = false;
  bool finished_ = false;
  uint64_t body_bytes_ = 0;
};

}  // namespace phi::mime

#endif
