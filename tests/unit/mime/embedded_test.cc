// embedded_test - an embedded file's kind told by its first bytes; skipped files and reasons.
#include "milter/mime/embedded.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/mime/fake_documents.h"
#include "tests/unit/mime/metafile_builder.h"

namespace phi::mime {
namespace {

TEST(EmbeddedFile, TheFirstBytesTellTheKind) {
  struct {
    std::string bytes, kind;
  } rows[] = {
      {"%PDF-1.7\n", "pdf"},
      {"{\\rtf1\\ansi", "rtf"},
      {"<?xml version", "xml"},
      {"\xEF\xBB\xBF<?xml", "xml"},
      {"<ClinicalDocument", "xml"},
      {"FINAL REPORT", "text"},
      {"\xC3\x84rztlicher Bericht", "text"},  // UTF-8
      {"abcd\xE2\x82\xAC", "text"},            // a sequence cut by the head
      {"GIF89a", "image"},
      {"GIF88x", ""},
      {std::string("\x89PNG\r\n\x1A\n", 8), "image"},
      {std::string("\xFF\xD8\xFF\xE0\0\x10JFIF", 10), "image"},
      {std::string("MM\0*\0\0", 6), "image"},
      {std::string("RIFF$\x08\0\0WEBPVP8 ", 16), "image"},
      {std::string("\0\0\0\x0CjP  \r\n\x87\n\0\0\0\x14", 16), "image"},  // JPEG 2000 (JP2)
      {std::string("\xFF\x4F\xFF\x51\0\x29\0\0", 8), "image"},             // a JPEG 2000 codestream
      {std::string("\0\0\0\x0CjP  \r\n\x87", 11) + "x", ""},                // not all of JP2's signature
      {std::string("\0\0\0\x18" "ftypheic\0\0\0\0mif1heic", 24), "image"},  // an iPhone's HEIC
      {std::string("\0\0\0\x1C" "ftypavif\0\0\0\0avifmif1", 24), "image"},  // AVIF
      {std::string("\0\0\0\x18" "ftypmif1\0\0\0\0mif1heic", 24), "image"},  // HEIF by its general brand
      {std::string("\0\0\0\x18" "ftypisom\0\0\0\0isomiso2", 24), ""},       // an MP4 video is not one
      {std::string("\0\0\0\x14" "ftypqt  \0\0\0\0qt  ", 20), ""},           // nor a QuickTime movie
      {std::string("PK\x03\x04", 4), ""},  // too short to tell
      {std::string("PK\x03\x04\x14\0\0\0", 8), "archive"},
      {std::string("PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0\xDF\xA4\xD2lZ\x01\0\0 \x05\0\0\x13\0\x08\x02", 30) +
           "[Content_Types].xml",
       "package"},  // a DOCX as Word writes it
      {std::string("PK\x03\x04\x14\0\0\x08\0\0\0\0\0\0^\xC6" "2\x0C'\0\0\0'\0\0\0\x08\0\0\0", 30) +
           "mimetypeapplication/vnd.oasis.opendocument.text",
       "package"},  // an ODT
      {std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0", 10), "office"},
      {std::string("II*\0", 4) + "x", "image"},
      {std::string("\x89PNG\r\n", 6), ""},  // not all of PNG's signature
      {"ab\x01" "cd", ""},
      {std::string("ab\0cd", 5), ""},
      {"\xC3(abc", "text"},  // not UTF-8: Windows-1252
      {"\x0C\x1B" "EFINAL REPORT", "text"},  // a printer's form feed and escape before a report
      {"\xC4rztlicher Bericht", "text"},  // Latin-1
      {std::string("\xFF\xFER\0e\0p\0", 8), "text"},  // UTF-16 with a byte order mark
      {std::string("R\0e\0p\0o\0r\0t\0:\0 \0a\0", 18), "text"},  // UTF-16LE without one
      {std::string("\x89PNG", 4) + std::string(70, 'p'), ""},  // a PNG signature's start: not text
      {"%PD", ""},       // too short to tell
      {"%PDF-", "pdf"},
      {"%PDF-1.7\n" + std::string(100, 'p'), "pdf"},
      {std::string("RIFF$\x08\0\0WAVEfmt ", 16), ""},     // letters, then size bytes: a sound
      {std::string(40, 'a') + std::string("\x01\x02", 2), ""},  // a control byte within the head
      {std::string(64, 'a') + std::string("\x01\x02", 2), "text"},  // only the head is looked at
      {std::string("BM\x36\x10\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0", 18) + std::string(40, '\x7F'), "image"},  // a BMP
      {std::string("BM\x36\x10\0\0\0\0\0\0\x36\0\0\0\x29\0\0\0", 18) + std::string(40, '\x7F'), ""},  // no header size
      {"BMW of North America: service report for the fleet", "text"},
      {test::make_emf({{1, "MRN 4471823"}}), "metafile"},
      {test::make_wmf({{1, "MRN 4471823"}}, true), "metafile"},  // with its placeable header
      {test::make_wmf({{1, "MRN 4471823"}}, false), ""},        // without: three small numbers, no signature
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.bytes);
    test::FakeDocument doc;
    EmbeddedFile f(&doc);
    std::string text;
    for (char c : r.bytes) f.bytes(std::string_view(&c, 1), text);
    f.end(text);
    EXPECT_EQ(doc.kinds, r.kind.empty() ? "" : r.kind + " ");
    EXPECT_EQ(doc.got, r.kind.empty() ? "" : r.bytes);
    EXPECT_EQ(f.unread(), r.kind.empty() ? "binary" : "");
    EXPECT_EQ(text, r.kind.empty() ? "" : "[" + std::to_string(r.bytes.size()) + " bytes]\n");
  }
}

TEST(EmbeddedFile, WithoutAReaderEveryFileIsSkippedAndTheFirstReasonIsKept) {
  EmbeddedFile none;
  std::string text;
  none.bytes("%PDF-1.7", text);
  none.end(text);
  EXPECT_EQ(none.unread(), "binary");
  test::FakeDocument doc;
  doc.reason = "pdf";
  EmbeddedFile f(&doc);
  f.bytes("%PDF-1.7", text);
  f.end(text);
  doc.reason = "unavailable";
  f.bytes("%PDF-1.7", text);
  f.end(text);
  EXPECT_EQ(f.unread(), "pdf");
  EXPECT_EQ(doc.begun, 2);
  f.skip();
  EXPECT_EQ(f.unread(), "binary");  // a file skipped outranks a reason
}

// A document whose text is its bytes, as the text, RTF and XML readers
// write theirs while the bytes stream.
struct EchoDocument : EmbeddedDocument {
  std::string begin(std::string_view) override { return ""; }
  void bytes(std::string_view b, std::string& text) override { text += b; }
  std::string end(std::string& text) override {
    text += tail;
    return "";
  }
  std::string tail;
};

// The callers hand each call a new buffer (the Walker's chunks): whether
// what follows a document starts a line must not depend on which of them
// the document's last text went to (dicom_fuzz found a CDA cut inside a
// tag whose text ended in a chunk before the file's end).
TEST(EmbeddedFile, WhatFollowsADocumentStartsALineWhateverTheBuffers) {
  // Longer than the head (kEmbeddedDocumentHead), so that its text is written as it comes.
  const std::string report = "FINAL REPORT\nImpression: no acute intracranial hemorrhage or mass effect.";
  struct {
    std::string bytes, tail, text;
  } rows[] = {
      {report, "", report + "\n"},
      {report + "\n", "", report + "\n"},
      {report, "\n", report + "\n"},
      {report + "\n", "(end)", report + "\n(end)\n"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.bytes + r.tail);
    for (size_t chunk : {size_t(1), size_t(7), size_t(64), r.bytes.size()}) {
      EchoDocument doc;
      doc.tail = r.tail;
      EmbeddedFile f(&doc);
      std::string out;
      for (size_t i = 0; i < r.bytes.size(); i += chunk) {
        std::string text;
        f.bytes(std::string_view(r.bytes).substr(i, chunk), text);
        out += text;
      }
      std::string text;
      f.end(text);
      EXPECT_EQ(out + text, r.text) << "chunks of " << chunk;
    }
  }
  // A document that writes nothing adds no line; the lines before it stay as they were.
  struct Silent : EmbeddedDocument {
    std::string begin(std::string_view) override { return ""; }
    void bytes(std::string_view, std::string&) override {}
    std::string end(std::string&) override { return ""; }
  } silent;
  EmbeddedFile f(&silent);
  std::string text = "OBX|1|ED|";
  f.bytes("%PDF-1.7 no text", text);
  f.end(text);
  EXPECT_EQ(text, "OBX|1|ED|");
}

}  // namespace
}  // namespace phi::mime
