// part - leaf parts: text or not, sniffing, and the decode pipeline to the Sink.
#include <algorithm>

#include "milter/mime/entity.h"
#include "milter/mime/ole.h"
#include "milter/util/strings.h"

namespace phi::mime::detail {
namespace {

// A character text may hold: no control but tab, line breaks, form feed and escape.
bool text_unit(uint32_t c) {
  return !((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1B) || c == 0x7F);
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// A part declared or named as a file of this data format ("xml", "json"):
// text/F, application/F, any +F type, or a name .F under no more precise text label.
bool data_format(std::string_view type, std::string_view sub, const std::string& ext, std::string_view f) {
  if ((type == "text" || type == "application") && sub == f) return true;
  if (sub.size() > f.size() && sub[sub.size() - f.size() - 1] == '+' && ends_with(sub, f)) return true;
  return ext == f && (type != "text" || sub == "plain");
}

std::string declared_reason(std::string_view type, std::string_view sub, const std::string& ext) {
  if (one_of(sub, {"pkcs7-mime", "x-pkcs7-mime", "pgp-encrypted", "encrypted"}) || one_of(ext, {"p7m", "pgp", "gpg"}))
    return "encrypted";
  if (sub == "pdf" || ext == "pdf") return "pdf";
  if (type == "application" &&
      (one_of(sub, {"msword", "rtf"}) || sub.rfind("vnd.ms-", 0) == 0 || sub.rfind("vnd.openxmlformats", 0) == 0 ||
       sub.rfind("vnd.oasis.opendocument", 0) == 0))
    return "office";
  if (one_of(ext, {"doc", "docx", "docm", "xls", "xlsx", "xlsm", "ppt", "pptx", "odt", "ods", "odp", "rtf"}))
    return "office";
  if (one_of(sub, {"zip", "x-zip", "x-zip-compressed", "gzip", "x-gzip", "x-tar", "x-gtar", "x-compressed-tar",
                   "x-7z-compressed", "x-rar", "x-rar-compressed", "vnd.rar", "x-bzip", "x-bzip2",
                   "x-bzip-compressed-tar", "x-bzip2-compressed-tar", "x-xz", "x-xz-compressed-tar", "zstd",
                   "x-zstd", "x-zstd-compressed-tar"}) ||
      one_of(ext, {"zip", "7z", "rar", "gz", "tgz", "tar", "bz2", "tbz", "tbz2", "xz", "txz", "zst", "zstd", "tzst"}))
    return "archive";
  if (type == "image" || sub == "x-msmetafile" ||
      one_of(ext, {"png", "jpg", "jpeg", "jpe", "gif", "tif", "tiff", "bmp", "webp", "heic", "emf", "wmf"}))
    return "image";
  return "binary";
}

// A part labelled or named as a metafile (image/x-emf, chart.wmf): its
// first bytes need not carry a signature to be read as one.
bool named_metafile(const PartInfo& info) {
  return one_of(info.content_type, {"image/emf", "image/x-emf", "image/wmf", "image/x-wmf", "application/x-msmetafile"}) ||
         one_of(file_extension(info.filename), {"emf", "wmf"});
}

}  // namespace

std::string file_extension(std::string_view filename) {
  size_t dot = filename.rfind('.');
  if (dot == std::string_view::npos || filename.size() - dot > 8) return {};
  return to_lower(filename.substr(dot + 1));
}

std::string reason_for_name(std::string_view filename) { return declared_reason("", "", file_extension(filename)); }

bool is_zip(std::string_view b) { return b.substr(0, 4) == std::string_view("PK\x03\x04", 4); }

std::string_view bom_charset(std::string_view b) {
  if (b.substr(0, 4) == std::string_view("\xFF\xFE\0\0", 4) || b.substr(0, 4) == std::string_view("\0\0\xFE\xFF", 4))
    return "UTF-32";
  if (b.substr(0, 2) == "\xFF\xFE" || b.substr(0, 2) == "\xFE\xFF") return "UTF-16";
  return {};
}

std::string_view unmarked_utf16(std::string_view b) {
  size_t units = b.size() / 2;
  if (units < kMinUtf16Units) return {};
  size_t zero_low_le = 0, zero_high_le = 0;  // as little-endian units: b[2i] low, b[2i+1] high
  for (size_t i = 0; i < units; ++i) {
    zero_low_le += b[2 * i] == '\0';
    zero_high_le += b[2 * i + 1] == '\0';
  }
  if (zero_high_le * 4 >= units * 3 && zero_low_le * 16 <= units) return "UTF-16LE";
  if (zero_low_le * 4 >= units * 3 && zero_high_le * 16 <= units) return "UTF-16BE";
  return {};
}

std::string_view text_charset(std::string_view b) {
  std::string_view bom = bom_charset(b);
  return bom.empty() ? unmarked_utf16(b) : bom;
}

// A field a saved message's header has: the strong ones, the other
// RFC 5322 and MIME fields, and the families of trace, list, extension and
// authentication fields. "Patient:" or "DOB:" is not one.
bool message_field(std::string_view name) {
  static const std::initializer_list<std::string_view> kFields = {
      "cc", "bcc", "reply-to", "sender", "in-reply-to", "references", "comments", "keywords", "resent-from",
      "resent-to", "resent-date", "resent-message-id", "delivered-to", "received-spf", "authentication-results",
      "dkim-signature", "user-agent", "organization", "importance", "priority", "sensitivity", "thread-index",
      "thread-topic", "precedence", "auto-submitted", "disposition-notification-to", "accept-language"};
  return one_of(name, kFields) || name.rfind("x-", 0) == 0 || name.rfind("content-", 0) == 0 ||
         name.rfind("list-", 0) == 0 || name.rfind("arc-", 0) == 0;
}

bool valid_field_name(std::string_view n) {
  if (n.empty()) return false;
  for (char c : n)
    if (c <= ' ' || c >= 127 || c == ':') return false;
  return true;
}

bool looks_like_message(std::string_view b, bool named) {
  size_t fields = 0, strong = 0;
  bool first = true, all_message_fields = true, mime_first = false;
  while (!b.empty()) {
    size_t nl = b.find('\n');
    if (nl == std::string_view::npos) break;  // a line cut by the end of the bytes looked at
    std::string_view line = b.substr(0, nl);
    b.remove_prefix(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;  // the end of the header
    if (line[0] == ' ' || line[0] == '\t') {
      if (first) return false;
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || !valid_field_name(line.substr(0, colon))) return false;
    std::string name = to_lower(line.substr(0, colon));
    if (first) mime_first = name == "mime-version";
    first = false;
    ++fields;
    if (one_of(name, {"from", "to", "subject", "date", "message-id", "mime-version", "received", "return-path"}))
      ++strong;
    else if (!message_field(name))
      all_message_fields = false;
  }
  if (named) return fields >= 1;
  // Unnamed: a message's fields only, three of them, two strong; or a web
  // page saved by Word (MHT): MIME-Version first, then its Content-Type.
  return all_message_fields && ((fields >= 3 && strong >= 2) || (mime_first && fields >= 2));
}

// A markup file's first bytes without a UTF-8 byte order mark and white space.
std::string_view markup_start(std::string_view b) {
  if (b.substr(0, 3) == "\xEF\xBB\xBF") b.remove_prefix(3);
  while (!b.empty() && (b.front() == ' ' || b.front() == '\t' || b.front() == '\r' || b.front() == '\n'))
    b.remove_prefix(1);
  return b;
}

bool looks_like_xml(std::string_view b) { return markup_start(b).substr(0, 5) == "<?xml"; }

bool looks_like_html(std::string_view b) {
  b = markup_start(b);
  if (b.empty() || b.front() != '<') return false;
  std::string head = to_lower(b.substr(0, kLeafSniffBytes));
  for (std::string_view tag : {"<html", "<!doctype html", "<table", "<body", "<head", "<meta"})
    if (head.find(tag) != std::string::npos) return true;
  return false;
}

bool looks_like_text(std::string_view b) {
  if (b.empty()) return false;
  if (!bom_charset(b).empty()) return true;
  std::string_view utf16 = unmarked_utf16(b);
  if (!utf16.empty()) {
    bool le = utf16 == "UTF-16LE";
    for (size_t i = 0; i + 1 < b.size(); i += 2) {
      auto lo = static_cast<unsigned char>(b[i + (le ? 0 : 1)]), hi = static_cast<unsigned char>(b[i + (le ? 1 : 0)]);
      if (!text_unit(hi << 8 | lo)) return false;
    }
    return true;
  }
  for (unsigned char c : b)
    if (!text_unit(c)) return false;
  return true;
}

LeafPlan plan_leaf(std::string_view type, std::string_view sub, std::string_view filename) {
  std::string ext = file_extension(filename);
  if ((type == "text" && sub == "html") || sub == "xhtml+xml") return {LeafMode::Html, {}};
  if (one_of(sub, {"pkcs7-signature", "x-pkcs7-signature", "pgp-signature"})) return {LeafMode::Skip, {}};
  if (one_of(sub, {"rtf", "x-rtf"})) return {LeafMode::Rtf, {}};  // text/rtf, application/rtf
  // TNEF (winmail.dat): binary until its signature is sniffed (LeafBody::sniffed), not an office document.
  if ((type == "application" && one_of(sub, {"ms-tnef", "vnd.ms-tnef"})) || iequals(filename, "winmail.dat"))
    return {LeafMode::Uninspected, "binary"};
  // A saved message labelled as text: sniffed, so that it is read as a message (LeafBody::sniffed) when it is one.
  if (type == "text" && sub == "plain" && ext == "eml") return {LeafMode::Uninspected, "binary"};
  // XML files (a CDA or CCD clinical document, an export): their text and attribute values.
  if (data_format(type, sub, ext, "xml")) return {LeafMode::Xml, {}};
  // JSON files (FHIR resources, exports): "key: value" lines, name parts joined.
  if (data_format(type, sub, ext, "json")) return {LeafMode::Json, {}};
  if (type == "text") return {LeafMode::Text, {}};
  if (ext == "rtf") return {LeafMode::Rtf, {}};
  if (one_of(ext, {"htm", "html"})) return {LeafMode::Html, {}};
  if (one_of(ext, {"txt", "csv", "tsv", "log", "hl7"})) return {LeafMode::Text, {}};
  if ((type == "application" && one_of(sub, {"csv", "x-csv", "x-uuencode", "x-uue", "hl7-v2", "x-hl7", "hl7-v2+er7"})) ||
      (type == "message" && one_of(sub, {"delivery-status", "disposition-notification"})))
    return {LeafMode::Text, {}};
  return {LeafMode::Uninspected, declared_reason(type, sub, ext)};
}

bool is_packed(std::string_view b) {
  return b.substr(0, 6) == std::string_view("7z\xBC\xAF\x27\x1C", 6) ||
         b.substr(0, 7) == std::string_view("Rar!\x1A\x07\x00", 7) ||
         b.substr(0, 8) == std::string_view("Rar!\x1A\x07\x01\x00", 8);
}

bool is_archive_file(std::string_view b) { return compression_of(b) || is_packed(b) || tar_header_ok(b); }

std::string sniff_reason(std::string_view b, std::string_view declared) {
  if (b.substr(0, 5) == "%PDF-") return "pdf";
  if (is_zip(b)) {
    if (b.size() > 6 && (static_cast<unsigned char>(b[6]) & 1)) return "encrypted";  // general purpose flag bit 0
    return declared == "binary" ? "archive" : std::string(declared);
  }
  if (is_image(b) && (declared == "binary" || declared == "image")) return "image";
  if (declared == "binary") {
    if (is_ole(b)) return "office";
    if (b.substr(0, 6) == std::string_view("7z\xBC\xAF\x27\x1C", 6) || b.substr(0, 4) == "Rar!" ||
        b.substr(0, 2) == "\x1F\x8B" || compression_of(b) || (is_ustar(b) && tar_header_ok(b)))
      return "archive";
    if (b.substr(0, 27) == "-----BEGIN PGP MESSAGE-----") return "encrypted";
  }
  return std::string(declared);
}

void begin_part(WalkState& ws, const PartInfo& info, bool classify_name) {
  ws.sink.part_begin(info);
  if (classify_name && !info.filename.empty()) ws.sink.text(info, TextKind::Filename, info.filename);
  if (!info.field_comments.empty()) ws.sink.text(info, TextKind::Filename, info.field_comments);
}

LeafBody::LeafBody(WalkState& ws, PartInfo info, TransferEncoding cte, LeafPlan plan, bool classify_name)
    : ws_(ws), info_(std::move(info)), cte_(cte), plan_(std::move(plan)) {
  begin_part(ws_, info_, classify_name);
  if (one_of(plan_.mode, {LeafMode::Text, LeafMode::Html, LeafMode::Xml, LeafMode::Json})) start_text(plan_.mode);
  if (plan_.mode == LeafMode::Rtf) bin_.emplace<RtfToText>(&file_doc_);
  if (plan_.mode == LeafMode::Skip) done_ = true;
}

// The part is read as text in its charset: plain, HTML or XML.
void LeafBody::start_text(LeafMode mode) {
  plan_.mode = mode;
  conv_.emplace(info_.charset);
  if (mode == LeafMode::Html) markup_.html(&file_doc_);
  if (mode == LeafMode::Xml) markup_.xml(XmlToText::Mode::Data);
  if (mode == LeafMode::Json) markup_.json();
  if (mode == LeafMode::Text && is_content_lines(info_.content_type, file_extension(info_.filename))) lines_.emplace();
}

// A saved message read out of a leaf: the Entity it is walked by, counted
// in leaf_messages while it is open.
struct LeafBody::SavedMessage {
  SavedMessage(WalkState& w, const std::string& id) : ws(w), entity(w, id, 1, true) { ++ws.leaf_messages; }
  ~SavedMessage() { --ws.leaf_messages; }
  SavedMessage(const SavedMessage&) = delete;
  SavedMessage& operator=(const SavedMessage&) = delete;
  WalkState& ws;
  Entity entity;
};

LeafBody::~LeafBody() = default;

void LeafBody::stop(std::string_view reason) {
  if (done_) return;
  done_ = true;
  ws_.report(info_, reason);
}

void LeafBody::feed(std::string_view raw) {
  if (done_) return;
  process(cte_.decode(raw, s1_));
}

void LeafBody::process(std::string_view decoded) {
  if (done_ || decoded.empty()) return;
  if (package_) {
    package_->feed(decoded);
    return;
  }
  if (tnef_) {
    tnef_->feed(decoded);
    return;
  }
  if (message_) {
    message_->entity.feed(decoded);
    return;
  }
  if (archive_) {
    archive_->feed(decoded);
    return;
  }
  if (image_pending_) {
    hold_image(decoded);
    return;
  }
  if (plan_.mode == LeafMode::Uninspected && !doc_) {
    sniff(decoded);
    return;
  }
  if (const DicomText* dicom = bin_.get<DicomText>(); dicom && dicom->done()) return;  // the rest is pixels
  uint64_t room = ws_.lim.max_part_bytes - std::min(decoded_, ws_.lim.max_part_bytes);
  bool over = decoded.size() > room;
  if (over) decoded = decoded.substr(0, static_cast<size_t>(room));
  decoded_ += decoded.size();
  if (doc_ && over) {
    doc_.reset();  // a document cut short cannot be read: nothing of it is classified
  } else if (doc_) {
    doc_->feed(decoded);
  } else {
    emit_text(decoded);
    if (over) flush_text();  // the text before the limit, held ones too, is read
  }
  if (over) {
    done_ = true;
    ws_.truncated = true;
    if (uu_) uu_->own();
    ws_.report(info_, "size-limit");
  }
}

// Charset conversion and HTML stripping (or RTF and DICOM, which name their
// own code pages and character sets), then the HL7 finder and the Sink.
void LeafBody::emit_text(std::string_view decoded) {
  if (!head_checked_ && !bin_.active()) {
    size_t take = std::min(decoded.size(), kTextHeadBytes - head_.size());
    head_.append(decoded.substr(0, take));
    decoded.remove_prefix(take);
    if (head_.size() < kTextHeadBytes) return;
    check_encoding();
    if (!decoded.empty()) emit_text(decoded);
    return;
  }
  if (bin_.active()) {
    s3_.clear();
    bin_.feed(decoded, s3_);
    body_text(s3_);
    return;
  }
  if (uu_) uu_->feed(decoded);  // its text comes back to convert_text
  else convert_text(decoded);
}

void LeafBody::convert_text(std::string_view decoded) {
  if (lines_) {  // an invitation or a vCard: folded lines joined first
    s4_.clear();
    lines_->feed(decoded, s4_);
    decoded = s4_;
  }
  s2_.clear();
  conv_->convert(decoded, s2_);
  std::string_view text = s2_;
  if (markup_.active()) {
    s3_.clear();
    markup_.feed(s2_, s3_);
    text = s3_;
  }
  body_text(text);
}

// Body text of this part, through the HL7 finder.
void LeafBody::body_text(std::string_view text) {
  if (text.empty()) return;
  sink_body(hl7_.filter(text, s5_));
}

// After a uuencoded file's part, this part is begun again.
void LeafBody::sink_body(std::string_view text) {
  if (text.empty()) return;
  if (uu_) uu_->own();
  ws_.sink.text(info_, TextKind::Body, text);
}

// A ZIP in this part's DICOM file or HL7 result: a package of this part, its text through the EmbeddedReader.
std::unique_ptr<PackageReader> LeafBody::embedded_package(std::string whole_reason) {
  return std::make_unique<PackageReader>(ws_, info_, std::move(whole_reason));
}

void LeafBody::sniff(std::string_view decoded) {
  size_t take = std::min(decoded.size(), kLeafSniffBytes - sniff_.size());
  sniff_.append(decoded.substr(0, take));
  if (sniff_.size() < kLeafSniffBytes) return;
  sniffed();
  if (!done_) process(decoded.substr(take));  // a package, a document, or RTF
}

// The first bytes are in: a ZIP declared or sniffed as an office document
// or an archive is read as a package, a TNEF stream in a part declared
// binary (application/ms-tnef, winmail.dat, octet-stream...) by a
// TnefReader, unless it is inside one already, a gzip, bzip2, xz or zstd file or a tar
// archive declared or sniffed as an archive by a DecompressReader or TarReader
// (kMaxArchiveDepth of them open at once), a 7z or RAR archive declared or
// sniffed as an archive by a PackedReader (through the DocumentReader's
// "archive" reader, if it has one; one at a time), an RTF document (Word saves one as
// .doc on request) as RTF, a PDF, an image of a signed format or an OLE2
// file declared or sniffed as an office document (Word, Excel, PowerPoint
// 97-2003) by the DocumentReader if it reads that kind, anything else
// reported uninspected.
void LeafBody::sniffed() {
  std::string reason = sniff_reason(sniff_, plan_.reason);
  if (reason == "pdf" && (doc_ = ws_.open_document("pdf", reason))) {
    std::string first = std::move(sniff_);
    sniff_.clear();
    process(first);
    return;
  }
  if (reason == "image" && is_image(sniff_) && ws_.documents && ws_.documents->reads("image")) {
    image_pending_ = true;
    std::string first = std::move(sniff_);
    sniff_.clear();
    hold_image(first);
    return;
  }
  // A metafile (a table or chart pasted as a picture, then saved or sent
  // alone: image/x-emf, chart.wmf): the text it draws. Unlabelled, only
  // by a signature.
  if ((reason == "image" || reason == "binary") && !metafile_format(sniff_, !named_metafile(info_)).empty()) {
    plan_.mode = LeafMode::Metafile;
    file_doc_.images_only();                   // a screenshot it draws: OCR, as an image part
    bin_.emplace<MetafileToText>(&file_doc_);
    process(sniff_);
    return;
  }
  if (reason == "office" && is_ole(sniff_) && (doc_ = ws_.open_document("office", reason))) {
    std::string first = std::move(sniff_);
    sniff_.clear();
    process(first);
    return;
  }
  if (is_zip(sniff_) && (reason == "office" || reason == "archive")) {
    package_ = std::make_unique<PackageReader>(ws_, info_, reason);
    package_->files_as_parts(&open_);  // a .gz, .tar or .7z in it: a part of its own
    package_->feed(sniff_);
    return;
  }
  std::optional<Compression> compressed = compression_of(sniff_);
  if (reason == "archive" && (compressed || tar_header_ok(sniff_))) {
    if (ws_.archive_depth >= kMaxArchiveDepth || (compressed && is_large_decoder(*compressed) && ws_.large_decoder_open)) {
      ws_.truncated = true;
      stop("depth-limit");
      return;
    }
    if (compressed) archive_ = std::make_unique<DecompressReader>(ws_, info_, open_, *compressed);
    else archive_ = std::make_unique<TarReader>(ws_, info_, open_);
    std::string first = std::move(sniff_);
    sniff_.clear();
    archive_->feed(first);
    return;
  }
  if (reason == "archive" && is_packed(sniff_)) {
    if (ws_.packed_open || ws_.archive_depth >= kMaxArchiveDepth) {
      ws_.truncated = true;
      stop("depth-limit");
      return;
    }
    auto doc = ws_.open_document("archive", reason);
    if (!doc) {
      stop(reason);  // "archive" when nothing reads 7z or RAR, "unavailable", "part-limit"
      return;
    }
    archive_ = std::make_unique<PackedReader>(ws_, info_, open_, std::move(doc));
    std::string first = std::move(sniff_);
    sniff_.clear();
    archive_->feed(first);
    return;
  }
  if (is_tnef(sniff_) && reason == "binary") {
    if (ws_.tnef_depth >= kMaxTnefDepth) {
      ws_.truncated = true;
      stop("depth-limit");
      return;
    }
    tnef_ = std::make_unique<TnefReader>(ws_, info_, open_);
    tnef_->feed(sniff_);
    return;
  }
  // A DICOM file (an image or report a PACS viewer or a CD export saved): its patient and study elements.
  if (DicomText::starts(sniff_) && (reason == "binary" || reason == "image")) {
    plan_.mode = LeafMode::Dicom;
    bin_.emplace<DicomText>(&file_doc_);
    process(sniff_);
    return;
  }
  if (sniff_.rfind("{\\rtf", 0) == 0 && (reason == "office" || reason == "binary")) {
    plan_.mode = LeafMode::Rtf;
    bin_.emplace<RtfToText>(&file_doc_);
    process(sniff_);
    return;
  }
  // Text under an octet-stream label or a name that says nothing (HL7
  // messages, X12 claims, SQL dumps, a file in a tar with no extension),
  // or under an Office label: reports that EHR and billing systems export
  // as .xls or .doc are often an HTML table or tab-separated text, and a
  // web page Word saves (MHT) is a message.
  bool office_text = reason == "office" && sniff_.size() >= kMinOfficeText;
  if ((reason == "binary" || office_text) && looks_like_text(sniff_)) {
    if (looks_like_message(sniff_, one_of(file_extension(info_.filename), {"eml", "mht", "mhtml"}))) {
      read_as_message();
      return;
    }
    // XML first: a SpreadsheetML "Excel" file has a <Table> too; XHTML (<?xml, then <html) is HTML.
    bool xhtml = to_lower(std::string_view(sniff_)).find("<html") != std::string::npos;
    start_text(looks_like_xml(sniff_) && !xhtml ? LeafMode::Xml
               : looks_like_html(sniff_)        ? LeafMode::Html
                                                : LeafMode::Text);
    std::string first = std::move(sniff_);
    sniff_.clear();
    process(first);
    return;
  }
  ws_.report(info_, reason);
  done_ = true;
}

// A message saved to a file (.eml) and sent under an octet-stream label,
// or inside an archive: read as message/rfc822, its attachments too, its
// parts after this one's end (flat); kMaxLeafMessages open at once.
void LeafBody::read_as_message() {
  if (ws_.leaf_messages >= kMaxLeafMessages) {
    ws_.truncated = true;
    stop("depth-limit");
    return;
  }
  ws_.sink.part_end(info_);
  open_ = false;
  message_ = std::make_unique<SavedMessage>(ws_, info_.id);
  std::string first = std::move(sniff_);
  sniff_.clear();
  message_->entity.feed(first);
}

// An image is held until it is known to reach the reader's min_bytes
// (smaller ones are icons and logos, not worth a process), then handed to
// it with everything held so far.
void LeafBody::hold_image(std::string_view decoded) {
  held_.append(decoded);
  if (held_.size() < ws_.documents->min_bytes("image")) return;
  image_pending_ = false;
  std::string reason;
  if (!(doc_ = ws_.open_document("image", reason))) {
    held_.clear();
    stop(reason);
    return;
  }
  std::string first = std::move(held_);
  held_.clear();
  held_.shrink_to_fit();
  process(first);
}

void LeafBody::finish() {
  if (!done_) {
    process(cte_.finish(s1_));
    if (!done_ && plan_.mode == LeafMode::Uninspected && !package_ && !doc_ && !tnef_ && !archive_ && !message_ &&
        !image_pending_)
      sniffed();
    if (!done_ && image_pending_) {
      held_.clear();
      stop("image");  // below min_bytes: not read
    } else if (!done_ && package_) {
      package_->finish();
    } else if (!done_ && tnef_) {
      tnef_->finish();
    } else if (!done_ && archive_) {
      archive_->finish();
    } else if (!done_ && message_) {
      message_->entity.finish();
    } else if (!done_ && doc_) {
      std::string reason = doc_->finish([this](std::string_view t) { body_text(t); });
      if (!reason.empty()) ws_.report(info_, reason);
    } else if (!done_) {
      flush_text();
    }
  }
  // Transfer-decoding errors count only where every byte was decoded: a
  // skipped or cut part is decoded as far as its chunks happen to reach.
  bool decoded_all = (one_of(plan_.mode, {LeafMode::Text, LeafMode::Html, LeafMode::Xml, LeafMode::Json, LeafMode::Rtf,
                                          LeafMode::Dicom, LeafMode::Metafile}) ||
                      package_ || doc_ || tnef_ || archive_ || message_) && !done_;
  if ((decoded_all && cte_.had_errors()) || (conv_ && conv_->had_errors()) || markup_.had_errors() ||
      bin_.had_errors())
    ws_.errors = true;
  if (open_) {  // what the HL7 finder holds (a cut part's too)
    flush_hl7();
    if (!hl7_.unread().empty()) ws_.report(info_, hl7_.unread());  // a file in an HL7 result (OBX of type ED) not read
    if (hl7_.had_errors()) ws_.errors = true;
  }
  tnef_.reset();  // its attachments are over; the depth it held is free again
  archive_.reset();
  uu_.reset();
  message_.reset();
  if (open_) ws_.sink.part_end(info_);
  open_ = false;
}

// The first bytes of a text are in (kTextHeadBytes, or all there are): a
// UTF-16 or UTF-32 byte order mark, or UTF-16 without one, in a part not
// labelled as such (Excel's "Unicode Text", Notepad's "Unicode", a
// program's UTF-16 export without its mark) makes its charset the one the
// bytes say, then the bytes held go on to the converter. A part labelled
// "utf-16" without a mark and without its byte order in the name is read
// in the order its bytes show: iconv would take it for big-endian.
void LeafBody::check_encoding() {
  head_checked_ = true;
  std::string_view found = text_charset(head_);
  std::string declared = to_lower(info_.charset);
  bool wide = declared.rfind("utf-16", 0) == 0 || declared.rfind("utf-32", 0) == 0 || declared.rfind("ucs-", 0) == 0;
  bool unordered = (declared == "utf-16" || declared == "utf16") && bom_charset(head_).empty();
  if (!found.empty() && conv_ && (!wide || unordered)) conv_.emplace(std::string(found));
  // uuencoded files ("uuencode census.csv census.csv | mail ..."): in 8-bit text only.
  if (plan_.mode == LeafMode::Text && found.empty() && !wide)
    uu_ = std::make_unique<UuReader>(ws_, info_, open_, [this](std::string_view b) { convert_text(b); });
  // An X12 claim, remittance or enrolment file (HIPAA transactions): its segments as labelled text.
  if (plan_.mode == LeafMode::Text && found.empty() && !wide && !lines_ && X12Text::starts(head_)) markup_.x12();
  std::string held = std::move(head_);
  head_.clear();
  if (!held.empty()) emit_text(held);
}

// What the HL7 finder holds, to the Sink (again: nothing).
void LeafBody::flush_hl7() {
  s5_.clear();
  hl7_.finish(s5_);
  sink_body(s5_);
}

// A reason the part's reader gives at its end, after all of the part's
// text (what the HL7 finder holds too), however the part was cut.
void LeafBody::report_after_text(std::string_view reason) {
  flush_hl7();
  ws_.report(info_, reason);
}

// The text the converters still hold at the end of the part.
void LeafBody::flush_text() {
  if (!head_checked_ && !bin_.active()) check_encoding();
  if (uu_) uu_->finish();
  if (lines_) {  // a line end or backslash it held
    std::string held;
    lines_->finish(held);
    lines_.reset();
    convert_text(held);
  }
  if (bin_.active()) {
    s3_.clear();
    bin_.finish(s3_);
    body_text(s3_);
    if (const DicomText* dicom = bin_.get<DicomText>(); dicom && !dicom->unread().empty())
      report_after_text(dicom->unread());  // its pixels, an embedded document, or what follows an error
    if (const RtfToText* rtf = bin_.get<RtfToText>(); rtf && !rtf->unread().empty())
      report_after_text(rtf->unread());  // a picture not read (a metafile, under OcrMinBytes, OCR off)
    if (const MetafileToText* meta = bin_.get<MetafileToText>(); meta && !meta->unread().empty())
      report_after_text(meta->unread());  // it draws no text, or a bitmap not read
    return;
  }
  std::string_view text;
  if (conv_) {
    s2_.clear();
    conv_->finish(s2_);
    text = s2_;
    if (markup_.active()) {
      s3_.clear();
      markup_.feed(s2_, s3_);
      markup_.finish(s3_);
      text = s3_;
    }
  }
  body_text(text);
  if (const HtmlToText* html = markup_.get<HtmlToText>(); html && !html->unread().empty())
    report_after_text(html->unread());  // a data: URL's file (a picture under OcrMinBytes, OCR off) not read
}

}  // namespace phi::mime::detail
