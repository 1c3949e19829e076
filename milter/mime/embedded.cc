// embedded - a file stored inside another handed, by its first bytes, to a document reader.
#include "milter/mime/embedded.h"

#include <algorithm>

#include "milter/util/strings.h"

namespace phi::mime {

namespace {

// Printable ASCII, tabs and line ends, and UTF-8 sequences (the last may
// be cut short): no image or other binary format begins so.
bool text_head(std::string_view h) {
  for (size_t i = 0; i < h.size();) {
    unsigned char c = static_cast<unsigned char>(h[i]);
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\r' && c != '\n') return false;
      if (c == 0x7F) return false;
      ++i;
      continue;
    }
    size_t n = c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xF0 && c <= 0xF4 ? 3 : 0;
    if (n == 0) return false;
    for (size_t k = 1; k <= n && i + k < h.size(); ++k)
      if ((static_cast<unsigned char>(h[i + k]) & 0xC0) != 0x80) return false;
    i += n + 1;
  }
  return true;
}

// What a file's first kEmbeddedDocumentHead bytes (or all there are) say it is, "" when none we read.
std::string_view kind_of(std::string_view head) {
  if (head.size() < kEmbeddedKindMin) return "";
  if (head.substr(0, 5) == "%PDF-") return "pdf";
  if (head.substr(0, 5) == "{\\rtf") return "rtf";
  if (is_image(head)) return "image";
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  if (head[0] == '<' && (head[1] == '?' || ascii_alpha(head[1]))) return "xml";
  if (head.substr(0, 4) == "GIF8") return "";  // a GIF of no version is_image knows: letters, then binary
  return text_head(head) ? "text" : "";
}

}  // namespace

bool is_image(std::string_view b) {
  return b.substr(0, 8) == std::string_view("\x89PNG\r\n\x1A\n", 8) || b.substr(0, 3) == "\xFF\xD8\xFF" ||
         b.substr(0, 4) == std::string_view("II*\0", 4) || b.substr(0, 4) == std::string_view("MM\0*", 4) ||
         b.substr(0, 6) == "GIF87a" || b.substr(0, 6) == "GIF89a" ||
         (b.substr(0, 4) == "RIFF" && b.size() >= 12 && b.substr(8, 4) == "WEBP");
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
    skipped_ = true;  // of no kind read (a ZIP), too short to tell, or nobody to read it
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

}  // namespace phi::mime
