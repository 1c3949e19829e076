// NAME
//   inner_file - a file inside a document (a .msg's attachment, a file attached to a PDF) read as an attachment of its own
// SYNOPSIS
//   InnerFile f(text, docs, "application/octet-stream", "labs.xlsx");
//   f.feed(bytes); ...
//   std::string reason = f.finish();          // "" read, else why not
//   weightier(a, b);                          // the reason two unread pieces make
// DESCRIPTION
//   Documents carry whole files: an Outlook message its attachments, a PDF
//   its embedded files. InnerFile gives one such file to a Walker of its
//   own, as a MIME attachment of that type and name (an empty name: none;
//   octet-stream: the Walker tells text, HTML, ZIP packages and archives,
//   gzip, PDFs and images by their first bytes), with the readers `docs`
//   (null: none; PDFs, images, Office 97-2003 files are then reported
//   under their kind). Each part's text goes to `text` after a line break
//   (a part with no text gives none), a name or subject followed by one. finish() returns "" when every part
//   was read, else the weightiest reason among the parts' (weightier()).
//   weightier(a, b): "unavailable" or "time-limit" when either is one
//   (they decide the answer: a retry, the budget), else a, else b.
// INPUT
//   Untrusted: the file's bytes. Memory and time: the Walker's, under
//   `limits` (max_documents 4 by default: a file inside a document does not
//   open the 32 a message may).
// THREADS
//   One object per file, used by one thread at a time.
#ifndef PHI_MILTER_INNER_FILE_H
#define PHI_MILTER_INNER_FILE_H

#include <functional>
#include <string>
#include <string_view>

#include "milter/mime/walker.h"

namespace phi {

std::string_view weightier(std::string_view a, std::string_view b);

class InnerFile {
 public:
  using Text = std::function<void(std::string_view)>;
  static mime::Limits default_limits() {
    mime::Limits l;
    l.max_documents = 4;
    return l;
  }
  InnerFile(const Text& text, const mime::DocumentReader* docs, std::string_view content_type,
            std::string_view filename, const mime::Limits& limits = default_limits());
  void feed(std::string_view bytes) { walker_.body(bytes); }
  std::string finish();

 private:
  // The Walker's text passed on as the document's own; its unread parts as one reason.
  class Sink : public mime::Sink {
   public:
    explicit Sink(const Text& text) : text_(text) {}
    void part_begin(const mime::PartInfo&) override { line_ = true; }
    void text(const mime::PartInfo&, mime::TextKind kind, std::string_view utf8) override;
    void uninspected(const mime::PartInfo&, std::string_view reason) override {
      reason_ = weightier(reason_, reason);
    }
    const std::string& reason() const { return reason_; }

   private:
    const Text& text_;
    std::string reason_;
    bool line_ = false;  // a part began: a line break before its first text
  };
  Sink sink_;
  mime::Walker walker_;
};

}  // namespace phi

#endif
