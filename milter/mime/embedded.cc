// embedded - a file stored inside another handed, by its first bytes, to a document reader.
#include "milter/mime/embedded.h"

#include <algorithm>

#include "milter/util/strings.h"

namespace phi::mime {

namespace {

// What a file's first kEmbeddedDocumentHead bytes say it is, "" when none we read.
std::string_view kind_of(std::string_view head) {
  if (head.size() < kEmbeddedDocumentHead) return "";
  if (head == "%PDF-") return "pdf";
  if (head == "{\\rtf") return "rtf";
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  if (head[0] == '<' && (head[1] == '?' || ascii_alpha(head[1]))) return "xml";
  return "";
}

}  // namespace

void EmbeddedFile::bytes(std::string_view in, std::string& text) {
  if (!decided_) {
    size_t take = std::min(in.size(), kEmbeddedDocumentHead - head_.size());
    head_.append(in.substr(0, take));
    in.remove_prefix(take);
    if (head_.size() < kEmbeddedDocumentHead) return;
    decide(text);
  }
  if (open_ && !in.empty()) documents_->bytes(in, text);
}

// The first bytes are in (or all there are): a document is begun, anything else skipped.
void EmbeddedFile::decide(std::string& text) {
  decided_ = true;
  std::string_view kind = kind_of(head_);
  if (!kind.empty() && documents_) {
    std::string reason = documents_->begin(kind);
    open_ = reason.empty();
    if (open_) documents_->bytes(head_, text);
    else if (reason_.empty()) reason_ = reason;
  } else {
    skipped_ = true;  // an image, too short to tell, or nobody to read it
  }
  head_.clear();
}

void EmbeddedFile::end(std::string& text) {
  if (!decided_) decide(text);
  if (open_) {
    open_ = false;
    std::string reason = documents_->end(text);
    if (reason_.empty()) reason_ = reason;
    if (!text.empty() && text.back() != '\n') text.push_back('\n');  // what follows starts a line
  }
  decided_ = false;
}

}  // namespace phi::mime
