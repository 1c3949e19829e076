// embedded_reader - a file stored in a DICOM file, an HL7 result or a picture in HTML or RTF, read as an attachment of its kind (see entity.h).
#include "milter/mime/entity.h"

namespace phi::mime::detail {

EmbeddedReader::EmbeddedReader(WalkState& ws, std::function<void(std::string_view)> text, Packages packages)
    : ws_(ws), text_(std::move(text)), packages_(std::move(packages)) {}

EmbeddedReader::~EmbeddedReader() = default;

std::string EmbeddedReader::begin(std::string_view kind) {
  if (images_only_ && kind != "image") return "image";  // a metafile's bitmap that is no image
  if (kind == "package" || kind == "archive") {  // a ZIP: its entries read as a ZIP attachment's are
    std::string whole = kind == "package" ? "office" : "archive";
    if (!packages_) return whole;
    if (!(package_ = packages_(whole))) {
      ws_.truncated = true;
      return "depth-limit";
    }
    package_->output([this](std::string_view t) { pass_on(t); });
    return "";
  }
  if (kind == "xml") {
    conv_.emplace<XmlToText>(XmlToText::Mode::Data);
    return "";
  }
  if (kind == "rtf") {
    conv_.emplace<RtfToText>();
    return "";
  }
  if (kind == "metafile") {  // the text it draws (a table pasted as a picture), read here; its bitmaps by OCR
    if (!bitmaps_) {
      bitmaps_ = std::make_unique<EmbeddedReader>(ws_, text_, nullptr);
      bitmaps_->images_only();
    }
    conv_.emplace<MetafileToText>(bitmaps_.get());
    return "";
  }
  if (kind == "text") {  // its charset is told by its first bytes, the first given
    plain_pending_ = true;
    return "";
  }
  if (kind == "image") {  // held until it reaches min_bytes, as an image part is
    if (!ws_.documents || !ws_.documents->reads("image")) return "image";
    image_ = true;
    image_reason_ = "image";  // below min_bytes: not read
    return "";
  }
  std::string reason;
  doc_ = ws_.open_document(kind, reason);
  return doc_ ? std::string() : reason;
}

void EmbeddedReader::bytes(std::string_view b, std::string& text) {
  if (plain_pending_) {  // UTF-16 or UTF-32 by its first bytes, else UTF-8 where valid, else Windows-1252
    plain_pending_ = false;
    plain_.emplace(text_charset(b));
  }
  if (package_) {  // its text goes out as it comes: the lines before it first
    lines_before(text);
    package_->feed(b);
  } else if (image_) hold(b);
  else if (doc_) doc_->feed(b);
  else if (plain_) plain_->convert(b, text);
  else conv_.feed(b, text);
}

// An image's bytes until they reach min_bytes: then it is opened and given them.
void EmbeddedReader::hold(std::string_view b) {
  if (image_reason_ != "image") return;  // refused: the rest is ignored
  held_.append(b);
  if (held_.size() < ws_.documents->min_bytes("image")) return;
  if (!(doc_ = ws_.open_document("image", image_reason_))) {
    held_.clear();
    return;
  }
  image_ = false;
  doc_->feed(held_);
  held_.clear();
  held_.shrink_to_fit();
}

std::string EmbeddedReader::end(std::string& text) {
  plain_pending_ = false;
  if (package_) {  // it reports what it could not read itself, as a ZIP part does
    lines_before(text);
    package_->finish();
    package_.reset();
    end_line();
    return "";
  }
  if (image_) {  // not opened: too small, or refused
    image_ = false;
    held_.clear();
    held_.shrink_to_fit();
    return image_reason_;
  }
  if (plain_ || !doc_) {  // converted in the daemon, where the file was
    if (plain_) plain_->finish(text);
    else conv_.finish(text);
    if ((plain_ && plain_->had_errors()) || conv_.had_errors()) ws_.errors = true;
    // Pictures in RTF here are not read: this reader is the one busy with the RTF.
    const RtfToText* rtf = conv_.get<RtfToText>();
    const MetafileToText* meta = conv_.get<MetafileToText>();
    std::string reason = rtf ? std::string(rtf->unread()) : meta ? std::string(meta->unread()) : std::string();
    plain_.reset();
    conv_.reset();
    return reason;
  }
  lines_before(text);  // then what the reader makes of it
  std::string reason = doc_->finish([this](std::string_view t) { pass_on(t); });
  end_line();
  doc_.reset();
  return reason;
}

// A document whose text goes out itself (a PDF's at its end, a package's
// as it comes): the lines written before it go first.
void EmbeddedReader::lines_before(std::string& text) {
  text_(text);
  text.clear();
  last_out_ = '\n';
}

void EmbeddedReader::pass_on(std::string_view t) {
  if (!t.empty()) last_out_ = t.back();
  text_(t);
}

// What follows the document's text starts a line.
void EmbeddedReader::end_line() {
  if (last_out_ != '\n') text_("\n");
}

}  // namespace phi::mime::detail
