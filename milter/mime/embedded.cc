// embedded - a file stored inside another handed, if it is a PDF, to a document reader.
#include "milter/mime/embedded.h"

#include <algorithm>

namespace phi::mime {

void EmbeddedFile::bytes(std::string_view in) {
  if (!decided_) {
    size_t take = std::min(in.size(), kEmbeddedDocumentHead - head_.size());
    head_.append(in.substr(0, take));
    in.remove_prefix(take);
    if (head_.size() < kEmbeddedDocumentHead) return;
    decide();
  }
  if (open_ && !in.empty()) documents_->bytes(in);
}

// The first bytes are in (or all there are): a PDF is begun, anything else skipped.
void EmbeddedFile::decide() {
  decided_ = true;
  if (head_.size() == kEmbeddedDocumentHead && head_ == "%PDF-" && documents_) {
    std::string reason = documents_->begin();
    open_ = reason.empty();
    if (open_) documents_->bytes(head_);
    else if (reason_.empty()) reason_ = reason;
  } else {
    skipped_ = true;  // a CDA, an image, too short to tell, or a PDF nobody reads
  }
  head_.clear();
}

void EmbeddedFile::end(std::string& text) {
  if (!decided_) decide();
  if (open_) {
    open_ = false;
    std::string reason = documents_->end(text);
    if (reason_.empty()) reason_ = reason;
  }
  decided_ = false;
}

}  // namespace phi::mime
