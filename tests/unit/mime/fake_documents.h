// NAME
//   fake_documents - test stand-ins for an embedded file's reader and for the Walker's PDF reader
// SYNOPSIS
//   FakeDocument doc; DicomText d(&doc); ... doc.got; doc.begun;   // doc.refuse, doc.reason: its answers
//   PdfReader r; Walker w(Limits{}, sink, &r); ... r.bytes;        // every PDF's text: r.line
// DESCRIPTION
//   FakeDocument is an EmbeddedDocument that records the kinds begun and
//   the bytes it is given, writes "[N bytes]" (all it got so far) at the
//   end of each, and answers begin() with `refuse` and end() with `reason`.
//   PdfReader is a DocumentReader of PDFs (and of images of at least
//   `min` bytes when `images`) whose documents keep every byte in `bytes`
//   and answer with `line` as the document's text.
// THREADS
//   Test only.
#ifndef PHI_TESTS_UNIT_MIME_FAKE_DOCUMENTS_H
#define PHI_TESTS_UNIT_MIME_FAKE_DOCUMENTS_H

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "milter/mime/embedded.h"
#include "milter/mime/walker.h"

namespace phi::mime::test {

struct FakeDocument : EmbeddedDocument {
  std::string begin(std::string_view kind) override {
    ++begun;
    kinds += std::string(kind) + " ";
    return refuse;
  }
  void bytes(std::string_view b, std::string&) override { got += b; }
  std::string end(std::string& text) override {
    text += "[" + std::to_string(got.size()) + " bytes]\n";
    return reason;
  }
  std::string refuse, reason, got, kinds;
  int begun = 0;
};

struct PdfReader : DocumentReader {
  struct Doc : Document {
    Doc(std::string& b, const std::string& l) : bytes(b), line(l) {}
    void feed(std::string_view b) override { bytes += b; }
    std::string finish(const std::function<void(std::string_view)>& text) override {
      text(line);
      return "";
    }
    std::string& bytes;
    const std::string& line;
  };
  std::unique_ptr<Document> open(std::string_view) const override { return std::make_unique<Doc>(bytes, line); }
  bool reads(std::string_view kind) const override { return kind == "pdf" || (kind == "image" && images); }
  uint64_t min_bytes(std::string_view) const override { return min; }
  mutable std::string bytes;
  std::string line = "Impression: no acute intracranial hemorrhage\n";
  bool images = false;  // read images too (OCR), those of at least `min` bytes
  uint64_t min = 0;
};

}  // namespace phi::mime::test

#endif
