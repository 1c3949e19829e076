// package - the text of a ZIP attachment (docx, xlsx, pptx, odt, ods, odp, .zip) for the Sink (see entity.h).
#include <algorithm>

#include "milter/mime/entity.h"
#include "milter/mime/ole.h"

namespace phi::mime::detail {
namespace {

// Parts of a package that hold the document's text, where runs join (XmlToText::Mode::Runs).
bool document_part(std::string_view name) {
  return name.starts_with("word/") || name.starts_with("xl/") || name.starts_with("ppt/") ||
         name == "content.xml" || name == "styles.xml";
}

// Entries that carry no text of the document: relationships, fonts,
// thumbnails (a picture of the first page), printer settings (OpenDocument
// keeps them, base64-encoded, in settings.xml), macros.
bool not_content(std::string_view name, std::string_view ext) {
  return one_of(ext, {"rels", "odttf", "ttf", "otf", "fntdata", "rdf"}) || name == "mimetype" ||
         name == "settings.xml" ||
         name.find("printerSettings") != std::string_view::npos || name.starts_with("Thumbnails/") ||
         name.starts_with("docProps/thumbnail.") || name.find("vbaProject.bin") != std::string_view::npos;
}

// What a package may inflate: max_part_bytes, and what is left of the
// message's max_total_bytes, so that many small archives that each inflate
// to their limit cannot make a message's text unbounded.
uint64_t inflate_budget(const WalkState& ws) {
  return std::min(ws.lim.max_part_bytes, ws.lim.max_total_bytes - std::min(ws.inflated, ws.lim.max_total_bytes));
}

constexpr size_t kNestedHead = 8;  // a nested entry's first bytes that tell: an OLE2 signature; a ZIP's is the first 4

}  // namespace

PackageReader::PackageReader(WalkState& ws, const PartInfo& info, std::string whole_reason, PackageReader* root,
                             size_t depth, std::string prefix)
    : ws_(ws),
      info_(info),
      whole_reason_(std::move(whole_reason)),
      root_(root ? root : this),
      depth_(depth),
      prefix_(std::move(prefix)),
      zip_(*this, inflate_budget(ws), ws.lim.max_parts) {}

PackageReader::~PackageReader() = default;

void PackageReader::add_name(std::string_view name) {
  if (names_.size() + name.size() + 1 <= kMaxPackageNames) {
    names_ += name;
    names_ += '\n';
  } else {
    names_cut_ = true;
  }
}

bool PackageReader::entry(const ZipEntry& e) {
  flush_hl7();  // the last entry's text is over
  // Bit 11: the name is UTF-8; else CP437, which unlabelled conversion reads as UTF-8 where valid, else Windows-1252.
  std::string name = convert_to_utf8((e.flags & 0x800) ? "utf-8" : "", e.name, nullptr);
  root_->add_name(prefix_ + name);
  entry_name_ = name;
  if (name.empty() || name.back() == '/') return false;  // a directory
  std::string ext = file_extension(name);
  if (not_content(name, ext)) return false;
  if (e.encrypted) {
    report_once("encrypted");
    return false;
  }
  if (!e.readable) {
    report_once(whole_reason_);
    return false;
  }
  if (one_of(ext, {"xml", "vml"})) {
    kind_ = Kind::Xml;
    // An XML file in a plain archive (a ZIP of CCD documents) is data; in a package, metadata.
    xml_mode_ = document_part(name)             ? XmlToText::Mode::Runs
                : whole_reason_ == "archive"    ? XmlToText::Mode::Data
                                                : XmlToText::Mode::Elements;
  } else if (one_of(ext, {"htm", "html", "xhtml"})) {
    kind_ = Kind::Html;
  } else if (ext == "rtf") {
    kind_ = Kind::Rtf;
  } else if (ext == "json") {
    kind_ = Kind::Json;
  } else if (one_of(ext, {"txt", "csv", "tsv", "log"})) {
    kind_ = Kind::Text;
  } else if (ext == "pdf") {
    std::string why;
    doc_ = ws_.open_document("pdf", why);
    if (!doc_) {
      report_once(why);
      return false;
    }
    kind_ = Kind::Document;
  } else if (ext == "emf" || ext == "wmf") {  // a range of cells or a chart pasted as a picture: the text it draws
    kind_ = Kind::Metafile;  // its bitmaps (a screenshot) read as image entries are, by a reader of images
    meta_doc_.emplace(ws_, [this](std::string_view t) { body(t); }, nullptr);
    meta_doc_->images_only();
    meta_file_.emplace(&*meta_doc_);
    meta_ = std::make_unique<MetafileText>([this](std::string_view t) { body(t); }, false,
                                           [this](std::string_view b, bool end) {
                                             std::string lines;  // none: its text went out as it came
                                             if (end) meta_file_->end(lines);
                                             else meta_file_->bytes(b, lines);
                                             body(lines);
                                           });
  } else if (reason_for_name(name) == "image" && ws_.documents && ws_.documents->reads("image")) {
    kind_ = Kind::Image;  // held in head_ until it is known to be a signed image of min_bytes (image_data)
    image_skip_ = false;
  } else if (std::string r = reason_for_name(name); r == "office" || r == "archive") {
    kind_ = Kind::Nested;  // read it if it is a ZIP (nested_data), with room below
    nested_reason_ = r;
    nested_skip_ = false;
  } else if (r == "binary") {
    kind_ = Kind::Sniff;  // no kind known by its name: read if its first bytes are text (sniff_data)
    sniff_skip_ = false;
  } else {
    report_once(r);
    return false;
  }
  head_.clear();
  converting_ = false;
  sep_ = any_text_;  // entries are separate texts: no token spans two
  return true;
}

// A document or archive inside this one: read by a nested reader when its
// first bytes are a ZIP header, by the DocumentReader when they are an
// OLE2 signature and its name is an office document's (.doc, .xls, .ppt),
// as a part of its own when they are a compressed file's or a tar, 7z or
// RAR archive's (files as parts; an archive's name: its first
// kLeafSniffBytes tell), else reported by its name's reason.
void PackageReader::nested_data(std::string_view bytes) {
  if (nested_skip_) return;
  if (nested_) {
    nested_->feed(bytes);
    return;
  }
  if (child_) {
    child_->feed(bytes);
    return;
  }
  size_t want = nested_reason_ == "archive" && parts_ok() ? kLeafSniffBytes : kNestedHead;
  size_t took = std::min(bytes.size(), want - std::min(want, head_.size()));
  head_.append(bytes.substr(0, took));
  if (head_.size() < want) return;
  nested_decide(bytes.substr(took));
}

// The entry's first bytes are in head_ (at least 8: all of a shorter one was reported at its end).
void PackageReader::nested_decide(std::string_view rest) {
  if (nested_reason_ == "office" && is_ole(head_)) {
    std::string why;
    doc_ = ws_.open_document("office", why);
    if (!doc_) {
      nested_skip_ = true;
      head_.clear();
      report_once(why);
      return;
    }
    kind_ = Kind::Document;
    doc_->feed(head_);
    head_.clear();
    doc_->feed(rest);
    return;
  }
  if (is_zip(head_)) {
    nested_ = nested(nested_reason_);
    if (!nested_) {  // kMaxPackageDepth: an Office file or an archive file below is still read, a ZIP is not
      nested_skip_ = true;
      head_.clear();
      report_once("depth-limit");
      return;
    }
    flush_sep();
    nested_->feed(head_);
    head_.clear();
    nested_->feed(rest);
    return;
  }
  if (nested_reason_ == "archive" && parts_ok() && is_archive_file(head_)) {
    if (!begin_child(rest)) nested_skip_ = true;
    return;
  }
  nested_skip_ = true;
  head_.clear();
  report_once(nested_reason_);
}

// The current entry becomes the part "<id>.<n>" (counted against
// max_parts); head_ and `rest` are its first bytes. False at the limit
// ("part-limit", the entry not read).
bool PackageReader::begin_child(std::string_view rest) {
  std::string first = std::move(head_);
  head_.clear();
  if (!count_file_part(ws_)) {
    report_once("part-limit");
    return false;
  }
  count_inflated();  // what the entries before it inflated is no longer the child's to unpack
  if (*root_->open_) {
    ws_.sink.part_end(info_);
    *root_->open_ = false;
  }
  kind_ = Kind::Nested;
  nested_skip_ = false;
  // Its name is one of the package's names already: not classified twice.
  child_ = file_part(ws_, info_, ++root_->children_, clean_name(prefix_ + entry_name_), false);
  child_->feed(first);
  child_->feed(rest);
  return true;
}

// What the ZIP inflated since the last count, added to the message's
// unpacked total (up to what is left of max_total_bytes).
void PackageReader::count_inflated() {
  uint64_t now = zip_.inflated();
  ws_.inflated += std::min(now - counted_, inflate_budget(ws_));
  counted_ = now;
}

void PackageReader::end_child() {
  if (!child_) return;
  child_->finish();
  child_.reset();
}

void PackageReader::own() {
  bool* open = root_->open_;
  if (!open || *open) return;
  ws_.sink.part_begin(info_);
  *open = true;
}

void PackageReader::data(std::string_view bytes) {
  if (kind_ == Kind::Nested) {
    nested_data(bytes);
    return;
  }
  if (kind_ == Kind::Document) {
    doc_->feed(bytes);
    return;
  }
  if (kind_ == Kind::Image) {
    image_data(bytes);
    return;
  }
  if (kind_ == Kind::Metafile) {
    meta_->feed(bytes);
    return;
  }
  if (kind_ == Kind::Sniff) {
    sniff_data(bytes);
    return;
  }
  if (!converting_) {
    // An XML, JSON or text entry may be UTF-16 or UTF-32: its first bytes tell (text_charset).
    if ((kind_ == Kind::Xml || kind_ == Kind::Text || kind_ == Kind::Json) && head_.size() + bytes.size() < kTextHeadBytes) {
      head_.append(bytes);
      return;
    }
    std::string first = head_;
    first.append(bytes);
    start_converting(first);
    return;
  }
  if (bin_.active()) {
    emit(bytes);
    return;
  }
  s1_.clear();
  conv_->convert(bytes, s1_);
  emit(s1_);
}

// An image entry (a picture in a document: a pasted scan, a screenshot) as
// a MIME image part is read: held until its first bytes show a signature
// the OCR program's library checks and it reaches min_bytes, then handed to
// the DocumentReader with the rest as it comes; else reported "image".
void PackageReader::image_data(std::string_view bytes) {
  if (image_skip_) return;
  if (doc_) {
    doc_->feed(bytes);
    return;
  }
  head_.append(bytes);
  if (head_.size() < kSniffBytes) return;
  if (!is_image(head_)) {
    image_skip_ = true;
    head_.clear();
    report_once("image");
    return;
  }
  if (head_.size() < ws_.documents->min_bytes("image")) return;
  std::string why;
  doc_ = ws_.open_document("image", why);
  if (!doc_) {
    image_skip_ = true;
    head_.clear();
    report_once(why);
    return;
  }
  doc_->feed(head_);
  head_.clear();
}

// An entry whose name says nothing (an HL7 file, a README, a DICOM image):
// its first kLeafSniffBytes bytes are held, then it is read as a DICOM
// file or a .txt entry if they are one (DicomText::starts, looks_like_text),
// else reported "binary".
void PackageReader::sniff_data(std::string_view bytes) {
  if (sniff_skip_) return;
  size_t took = std::min(bytes.size(), kLeafSniffBytes - std::min(kLeafSniffBytes, head_.size()));
  head_.append(bytes.substr(0, took));
  if (head_.size() < kLeafSniffBytes) return;
  if (sniffed_text()) data(bytes.substr(took));
}

// The held bytes decide; a DICOM or text entry goes on as Kind::Dicom or Kind::Text, its first bytes still in head_.
// A saved message (.eml) is read as text too, but its parts are not walked
// (an entry's text is the package part's own): its attachments may be
// unread, so it is also reported "depth-limit".
bool PackageReader::sniffed_text() {
  if (DicomText::starts(head_)) {  // a zipped PACS or CD export (IM000001, IM000002, ...)
    kind_ = Kind::Dicom;
    return true;
  }
  if (parts_ok() && sniff_reason(head_, "binary") == "archive" && is_archive_file(head_)) {  // a gzip or 7z file not named as one
    nested_reason_ = "archive";
    if (begin_child({})) return true;
    sniff_skip_ = true;
    return false;
  }
  if (looks_like_text(head_)) {
    if (looks_like_message(head_, file_extension(entry_name_) == "eml")) {
      ws_.truncated = true;
      report_once("depth-limit");
    }
    kind_ = Kind::Text;
    return true;
  }
  sniff_skip_ = true;
  head_.clear();
  report_once("binary");
  return false;
}

void PackageReader::start_converting(std::string_view first) {
  converting_ = true;
  markup_.reset();
  bin_.reset();
  if (kind_ == Kind::Rtf || kind_ == Kind::Dicom) {  // RTF names its own code pages, DICOM its character set
    if (kind_ == Kind::Rtf) bin_.emplace<RtfToText>(&file_doc_);
    else bin_.emplace<DicomText>(&file_doc_);
    emit(first);
    return;
  }
  std::string_view charset;  // unlabelled: UTF-8 where valid, else Windows-1252
  std::string_view found = text_charset(first);
  if (kind_ == Kind::Xml || kind_ == Kind::Json) charset = found.empty() ? "utf-8" : found;
  else if (kind_ == Kind::Text) charset = found;  // Excel's "Unicode Text"
  conv_.emplace(charset);
  if (kind_ == Kind::Xml) markup_.xml(xml_mode_);
  if (kind_ == Kind::Html) markup_.html(&file_doc_);
  if (kind_ == Kind::Json) markup_.json();
  if (kind_ == Kind::Text && found.empty() && X12Text::starts(first)) markup_.x12();  // a zipped claims batch
  s1_.clear();
  conv_->convert(first, s1_);
  emit(s1_);
}

void PackageReader::entry_end() {
  if (kind_ == Kind::Sniff && (sniff_skip_ || !sniffed_text())) return;  // shorter than kLeafSniffBytes: decided now
  if (kind_ == Kind::Nested && !nested_ && !child_ && !nested_skip_) {  // shorter than the head it waited for
    if (head_.size() >= kNestedHead) {
      nested_decide({});
    } else {
      nested_skip_ = true;
      head_.clear();
      report_once(nested_reason_);  // no ZIP nor OLE2 file that can be read
    }
  }
  if (kind_ == Kind::Metafile) {
    meta_->finish();
    std::string_view why = meta_->unread().empty() ? meta_file_->unread() : meta_->unread();
    if (!why.empty()) report_once(why);  // no text drawn (a logo, a drawing), a bitmap not read
    meta_.reset();
    meta_file_.reset();
    meta_doc_.reset();
    return;
  }
  if (kind_ == Kind::Image && !doc_) {
    if (!image_skip_) report_once("image");  // below min_bytes (or too short to be one)
    head_.clear();
    return;
  }
  if (kind_ == Kind::Document || kind_ == Kind::Image) {
    std::string reason = doc_->finish([this](std::string_view t) { emit(t); });
    doc_.reset();
    if (!reason.empty()) report_once(reason);
    return;
  }
  if (kind_ == Kind::Nested) {
    if (nested_) {
      nested_->finish();
      any_text_ = any_text_ || nested_->any_text_;
      nested_.reset();
    }
    end_child();
    return;
  }
  if (!converting_) start_converting(head_);  // an entry shorter than kTextHeadBytes
  if (bin_.active()) {
    s2_.clear();
    bin_.finish(s2_);
    body(s2_);
    if (bin_.had_errors()) ws_.errors = true;
    if (const DicomText* dicom = bin_.get<DicomText>(); dicom && !dicom->unread().empty()) {
      flush_hl7();  // all of its text before the report, however it was cut
      report_once(dicom->unread());  // its pixels, an embedded document, or what follows an error
    }
    if (const RtfToText* rtf = bin_.get<RtfToText>(); rtf && !rtf->unread().empty())
      report_once(rtf->unread());  // a picture not read
    converting_ = false;
    return;
  }
  s1_.clear();
  conv_->finish(s1_);
  if (markup_.active()) {
    s2_.clear();
    markup_.feed(s1_, s2_);
    markup_.finish(s2_);
    body(s2_);
    if (const HtmlToText* html = markup_.get<HtmlToText>(); html && !html->unread().empty())
      report_once(html->unread());  // a data: URL's file not read
  } else {
    body(s1_);
  }
  if (conv_->had_errors() || markup_.had_errors()) ws_.errors = true;
  converting_ = false;
}

// Converted text through the entry's markup stripper, then the Sink.
void PackageReader::emit(std::string_view text) {
  std::string_view out = text;
  if (converting_ && (markup_.active() || bin_.active())) {
    s2_.clear();
    if (bin_.active()) bin_.feed(text, s2_);
    else markup_.feed(text, s2_);
    out = s2_;
  }
  body(out);
}

// An entry's text for the Sink, through the HL7 finder.
void PackageReader::body(std::string_view text) {
  if (text.empty()) return;
  flush_sep();
  any_text_ = true;
  sink_text(hl7_.filter(text, s3_));
}

// The line break between an entry's text and the last one's, once the entry has text (or a nested package, which gives its own).
void PackageReader::flush_sep() {
  if (!sep_) return;
  sep_ = false;
  sink_text(hl7_.filter("\n", s3_));
}

// Text past the HL7 finder (an HL7 result's PDF too) for the Sink.
void PackageReader::sink_text(std::string_view text) {
  if (text.empty()) return;
  any_text_ = true;
  if (output_) {
    output_(text);
    return;
  }
  own();
  ws_.sink.text(info_, TextKind::Body, text);
}

std::unique_ptr<PackageReader> PackageReader::nested(std::string whole_reason) {
  if (!room_below()) return nullptr;
  auto p = std::make_unique<PackageReader>(ws_, info_, std::move(whole_reason), root_, depth_ + 1,
                                           prefix_ + entry_name_ + "/");
  p->output_ = output_;
  return p;
}

// What the HL7 finder holds of the last entry's text; it starts again with the next.
void PackageReader::flush_hl7() {
  s3_.clear();
  hl7_.finish(s3_);
  sink_text(s3_);
  if (!hl7_.unread().empty()) report_once(hl7_.unread());  // a file in an HL7 result (OBX of type ED) not read
  if (hl7_.had_errors()) ws_.errors = true;
}

void PackageReader::report_once(std::string_view reason) {
  if (root_ != this) {
    root_->report_once(reason);
    return;
  }
  std::string key = std::string(reason) + '\n';
  if (reported_.find(key) != std::string::npos) return;
  reported_ += key;
  own();
  ws_.report(info_, reason);
}

void PackageReader::finish() {
  zip_.finish();
  end_child();  // an entry cut short
  flush_hl7();
  count_inflated();
  switch (zip_.status()) {
    case ZipStream::Status::Done: break;
    case ZipStream::Status::SizeLimit:
      ws_.truncated = true;
      report_once("size-limit");
      break;
    case ZipStream::Status::EntryLimit:
      ws_.truncated = true;
      report_once("part-limit");
      break;
    default:  // Truncated, Unsupported, Malformed: the rest of the archive is not read
      report_once(whole_reason_);
      break;
  }
  if (zip_.had_errors()) ws_.errors = true;
  if (root_ != this) return;  // the root classifies all the names at its end
  if (names_cut_) {
    ws_.truncated = true;
    report_once("size-limit");
  }
  if (names_.empty()) return;
  own();
  ws_.sink.text(info_, TextKind::Filename, names_);
}

}  // namespace phi::mime::detail
