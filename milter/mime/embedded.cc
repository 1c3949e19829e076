// embedded - a file stored inside another handed, by its first bytes, to a document reader.
#include "milter/mime/embedded.h"

#include <algorithm>

#include "milter/mime/entity.h"
#include "milter/mime/ole.h"
#include "milter/util/le.h"
#include "milter/util/strings.h"

namespace phi::mime {

namespace {

// What a file's first kEmbeddedDocumentHead bytes (or all there are) say it is, "" when none we read.
std::string_view kind_of(std::string_view head) {
  if (head.size() < kEmbeddedKindMin) return "";
  if (head.substr(0, 5) == "%PDF-") return "pdf";
  if (head.substr(0, 5) == "{\\rtf") return "rtf";
  if (is_image(head)) return "image";
  if (is_ole(head)) return "office";  // Word, Excel, PowerPoint 97-2003 (or an Outlook message)
  if (!metafile_format(head, true).empty()) return "metafile";  // a table or chart as a picture
  if (detail::is_zip(head)) {  // OOXML names [Content_Types].xml first, OpenDocument its mimetype
    bool office = head.find("[Content_Types].xml") != std::string_view::npos ||
                  head.find("mimetypeapplication/vnd.oasis") != std::string_view::npos;
    return office ? "package" : "archive";
  }
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  if (head[0] == '<' && (head[1] == '?' || ascii_alpha(head[1]))) return "xml";
  // The start of an image's signature, cut or of a version is_image does not know: not text.
  if (head.substr(0, 4) == "GIF8" || head.substr(0, 4) == "\x89PNG") return "";
  return detail::looks_like_text(head) ? "text" : "";  // as an octet-stream attachment is sniffed
}

}  // namespace

bool is_dib_header_size(uint32_t size) {
  return size == 12 || size == 40 || size == 52 || size == 56 || size == 64 || size == 108 || size == 124;
}

bool is_png(std::string_view b) { return b.substr(0, 8) == std::string_view("\x89PNG\r\n\x1A\n", 8); }
bool is_jpeg(std::string_view b) { return b.substr(0, 3) == "\xFF\xD8\xFF"; }

bool is_heif(std::string_view b) {
  if (b.size() < 12 || b.substr(4, 4) != "ftyp" || le32(b.data()) == 0) return false;
  const std::string_view brand = b.substr(8, 4);
  for (std::string_view known : {"heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "avif", "avis"})
    if (brand == known) return true;
  return false;
}

bool is_image(std::string_view b) {
  return is_png(b) || is_jpeg(b) || is_heif(b) ||
         b.substr(0, 4) == std::string_view("II*\0", 4) || b.substr(0, 4) == std::string_view("MM\0*", 4) ||
         b.substr(0, 6) == "GIF87a" || b.substr(0, 6) == "GIF89a" ||
         (b.substr(0, 4) == "RIFF" && b.size() >= 12 && b.substr(8, 4) == "WEBP") ||
         (b.substr(0, 2) == "BM" && b.size() >= 18 && le32(b.data() + 6) == 0 && is_dib_header_size(le32(b.data() + 14))) ||
         b.substr(0, 12) == std::string_view("\0\0\0\x0CjP  \r\n\x87\n", 12) ||  // JPEG 2000 (JP2)
         b.substr(0, 4) == "\xFF\x4F\xFF\x51";                                       // a JPEG 2000 codestream
}

void EmbeddedFile::bytes(std::string_view in, std::string& text) {
  if (!decided_) {
    size_t take = std::min(in.size(), kEmbeddedDocumentHead - head_.size());
    head_.append(in.substr(0, take));
    in.remove_prefix(take);
    if (head_.size() < kEmbeddedDocumentHead) return;
    decide(text);
  }
  if (open_ && !in.empty()) to_document(in, text);
}

// The document's bytes; the last character of text it writes is kept, since
// `text` may be a new buffer on each call.
void EmbeddedFile::to_document(std::string_view b, std::string& text) {
  size_t before = text.size();
  documents_->bytes(b, text);
  if (text.size() > before) last_ = text.back();
}

// The first bytes are in (or all there are): a document is begun, anything else skipped.
void EmbeddedFile::decide(std::string& text) {
  decided_ = true;
  std::string_view kind = kind_of(head_);
  if (!kind.empty() && documents_) {
    std::string reason = documents_->begin(kind);
    open_ = reason.empty();
    last_ = '\n';  // nothing written yet
    if (open_) to_document(head_, text);
    else if (reason_.empty()) reason_ = reason;
  } else {
    skipped_ = true;  // of no kind read (a gzip file), too short to tell, or nobody to read it
  }
  head_.clear();
}

void EmbeddedFile::end(std::string& text) {
  if (!decided_) decide(text);
  if (open_) {
    open_ = false;
    size_t before = text.size();
    std::string reason = documents_->end(text);
    if (text.size() > before) last_ = text.back();
    if (reason_.empty()) reason_ = reason;
    // What follows starts a line when the document's text did not end one,
    // whatever the buffers it was written to (a document that passes its
    // text on, shrinking `text`, ends its own line).
    if (last_ != '\n') text.push_back('\n');
  }
  decided_ = false;
}

void InlineFile::give(std::string& out, size_t& out_start, char& last_out, bool last) {
  if (!any_ && !held_.empty()) {  // the file's first bytes: it starts a line
    char prev = out.size() > out_start ? out.back() : last_out;
    if (prev != 0 && prev != '\n') out.push_back('\n');
  }
  size_t before = out.size();
  if (!held_.empty()) {
    any_ = true;
    file_.bytes(held_, out);
    held_.clear();
  }
  if (last && any_) file_.end(out);
  if (last) any_ = false;
  if (out.size() < before) {
    out_start = out.size();
    last_out = '\n';
  }
}

}  // namespace phi::mime
