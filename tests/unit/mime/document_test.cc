// Tests for PDF, image and OLE2 (Word, Excel, PowerPoint 97-2003) parts handed to a DocumentReader through the
// Walker: which parts go to it, what reaches it, and how its text and
// reasons come out.
#include <gtest/gtest.h>

#include <tuple>

#include "milter/mime/walker.h"
#include "tests/unit/mime/ole_builder.h"
#include "tests/unit/mime/recording_sink.h"
#include "tests/unit/mime/tnef_builder.h"
#include "tests/unit/mime/zip_builder.h"

namespace phi::mime {
namespace {

using test::base64_lines;
using test::feed_message;
using test::RecordingSink;

// A reader that records the bytes of each document and answers with a
// text and a reason set by the test ("<n bytes>" stands for the document).
struct FakeReader : DocumentReader {
  struct Doc : Document {
    explicit Doc(FakeReader& r) : r(r) {}
    ~Doc() override { ++r.closed; }
    void feed(std::string_view b) override { r.bytes.back().append(b); }
    std::string finish(const std::function<void(std::string_view)>& text) override {
      ++r.finished;
      for (char c : r.answer) text(std::string_view(&c, 1));  // in pieces: the Sink must join them
      return r.reason;
    }
    FakeReader& r;
  };
  std::unique_ptr<Document> open(std::string_view kind) const override {
    auto* self = const_cast<FakeReader*>(this);
    self->kinds.emplace_back(kind);
    if (refuse) return nullptr;
    self->bytes.emplace_back();
    return std::make_unique<Doc>(*self);
  }
  // By default a PDF reader only, as the interface's default; with
  // `images`, an OCR reader too, that reads images of `min` bytes or more.
  // With `office`, a reader of Word, Excel and PowerPoint 97-2003 files.
  bool reads(std::string_view kind) const override {
    return kind == "pdf" ? !no_pdf : (images && kind == "image") || (office && kind == "office");
  }
  uint64_t min_bytes(std::string_view kind) const override { return kind == "image" ? min : 0; }
  bool images = false, no_pdf = false, office = false;
  uint64_t min = 0;
  bool refuse = false;
  std::string answer = "SSN 078-05-1121";
  std::string reason;
  std::vector<std::string> kinds, bytes;
  int closed = 0, finished = 0;
};

const std::string kPdf = "%PDF-1.4\n1 0 obj << >> endobj\n" + std::string(3000, 'x') + "\n%%EOF\n";

std::string attachment(const std::string& type, const std::string& name, const std::string& bytes) {
  return test::message_with_attachment(type, name, bytes);
}

TEST(WalkerDocuments, DeclaredPdfGoesToTheReaderWholeAndItsTextIsBody) {
  for (size_t chunk : {0, 1, 7, 100}) {
    FakeReader r;
    RecordingSink sink;
    Walker w(Limits{}, sink, &r);
    EXPECT_FALSE(feed_message(w, attachment("application/pdf", "lab.pdf", kPdf), chunk));
    ASSERT_EQ(r.bytes.size(), 1u) << chunk;
    EXPECT_EQ(r.kinds[0], "pdf");
    EXPECT_EQ(r.bytes[0], kPdf) << chunk;  // decoded, every byte, in order
    EXPECT_EQ(r.finished, 1);
    EXPECT_EQ(sink.body("2"), "SSN 078-05-1121");
    EXPECT_TRUE(sink.reasons.empty()) << sink.log();
    EXPECT_EQ(w.uninspected_parts(), 0u);
  }
}

TEST(WalkerDocuments, SniffedPdfInOctetStreamAndShortPdfAreRead) {
  for (const std::string& doc : {kPdf, std::string("%PDF-1.7\n")}) {  // the second is shorter than the sniffed bytes
    FakeReader r;
    RecordingSink sink;
    Walker w(Limits{}, sink, &r);
    feed_message(w, attachment("application/octet-stream", "scan", doc), 5);
    ASSERT_EQ(r.bytes.size(), 1u);
    EXPECT_EQ(r.bytes[0], doc);
    EXPECT_EQ(sink.body("2"), "SSN 078-05-1121");
  }
}

TEST(WalkerDocuments, OtherTypesNeverReachTheReader) {
  FakeReader r;
  RecordingSink sink;
  Walker w(Limits{}, sink, &r);
  feed_message(w, attachment("application/octet-stream", "x.bin", std::string("\x7f" "ELF") + std::string(100, '\0')));
  feed_message(w, attachment("image/png", "x.png", "\x89PNG\r\n\x1a\n" + std::string(100, 'p')));
  EXPECT_TRUE(r.kinds.empty());
}

TEST(WalkerDocuments, ReasonsAndRefusalAreReportedUninspected) {
  {
    FakeReader r;
    r.reason = "encrypted";
    r.answer = "";
    RecordingSink sink;
    Walker w(Limits{}, sink, &r);
    feed_message(w, attachment("application/pdf", "a.pdf", kPdf));
    EXPECT_EQ(sink.reasons, std::vector<std::string>{"encrypted"});
  }
  {
    FakeReader r;
    r.refuse = true;  // no process free, or none could start
    RecordingSink sink;
    Walker w(Limits{}, sink, &r);
    feed_message(w, attachment("application/pdf", "a.pdf", kPdf));
    EXPECT_EQ(sink.reasons, std::vector<std::string>{"unavailable"});  // a retry may read it
    EXPECT_EQ(sink.body("2"), "");
  }
  {
    RecordingSink sink;  // no reader at all
    Walker w(Limits{}, sink);
    feed_message(w, attachment("application/pdf", "a.pdf", kPdf));
    EXPECT_EQ(sink.reasons, std::vector<std::string>{"pdf"});
  }
}

TEST(WalkerDocuments, PdfOverThePartLimitIsClosedUnreadAndReportedSizeLimit) {
  FakeReader r;
  RecordingSink sink;
  Limits lim;
  lim.max_part_bytes = 1000;
  Walker w(lim, sink, &r);
  feed_message(w, attachment("application/pdf", "big.pdf", kPdf), 64);
  EXPECT_EQ(r.closed, 1);
  EXPECT_EQ(r.finished, 0);  // half a PDF is not read: its text would be a guess
  EXPECT_EQ(sink.body("2"), "");
  EXPECT_EQ(sink.reasons, std::vector<std::string>{"size-limit"});
  EXPECT_TRUE(w.truncated());
}

TEST(WalkerDocuments, AtMostMaxDocumentsPerMessageThenPartLimit) {
  FakeReader r;
  RecordingSink sink;
  Limits lim;
  lim.max_documents = 2;
  Walker w(lim, sink, &r);
  std::string zip = test::make_zip({{"a.pdf", kPdf}, {"b.pdf", kPdf}});
  std::string m = "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n";
  m += "--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64_lines(kPdf);
  m += "--b\r\nContent-Type: application/zip\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64_lines(zip);
  m += "--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64_lines(kPdf);
  m += "--b--\r\n";
  feed_message(w, m);
  EXPECT_EQ(r.kinds.size(), 2u);  // part 1 and the zip's first entry
  EXPECT_EQ(sink.reasons, (std::vector<std::string>{"part-limit", "part-limit"})) << sink.log();
  EXPECT_TRUE(w.truncated());
}

TEST(WalkerDocuments, PdfEntriesOfAZipAreReadToo) {
  FakeReader r;
  RecordingSink sink;
  Walker w(Limits{}, sink, &r);
  std::string zip = test::make_zip({{"notes.txt", "see the scan"}, {"scans/lab.pdf", kPdf}, {"b.pdf", kPdf}});
  feed_message(w, attachment("application/zip", "records.zip", zip));
  ASSERT_EQ(r.bytes.size(), 2u);
  EXPECT_EQ(r.bytes[0], kPdf);  // inflated, whole
  EXPECT_EQ(r.bytes[1], kPdf);
  EXPECT_EQ(r.finished, 2);
  std::string body;
  for (const auto& e : sink.events)
    if (e.rfind("body 2: ", 0) == 0) body += e.substr(8);
  EXPECT_EQ(body, "see the scan\nSSN 078-05-1121\nSSN 078-05-1121");
  EXPECT_TRUE(sink.reasons.empty()) << sink.log();

  FakeReader refusing;
  refusing.refuse = true;
  RecordingSink sink2;
  Walker w2(Limits{}, sink2, &refusing);
  feed_message(w2, attachment("application/zip", "records.zip", zip));
  EXPECT_EQ(sink2.reasons, std::vector<std::string>{"unavailable"});  // once per part

  FakeReader encrypted;
  encrypted.reason = "encrypted";
  RecordingSink sink3;
  Walker w3(Limits{}, sink3, &encrypted);
  feed_message(w3, attachment("application/zip", "records.zip", zip));
  EXPECT_EQ(sink3.reasons, std::vector<std::string>{"encrypted"});
}

const std::string kPng = "\x89PNG\r\n\x1a\n" + std::string(5000, 'p');

TEST(WalkerImages, ImagesWithASignatureGoToAnImageReaderWholeWhateverTheirDeclaredType) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"image/png", kPng},
      {"image/jpeg", "\xFF\xD8\xFF\xE0" + std::string(3000, 'j')},
      {"image/tiff", std::string("II*\0", 4) + std::string(3000, 't')},
      {"image/tiff", std::string("MM\0*", 4) + std::string(3000, 't')},
      {"image/gif", "GIF89a" + std::string(3000, 'g')},
      {"image/webp", std::string("RIFF\x10\0\0\0WEBPVP8 ", 16) + std::string(3000, 'w')},
      {"image/jp2", std::string("\0\0\0\x0CjP  \r\n\x87\n", 12) + std::string(3000, 'k')},
      {"application/octet-stream", kPng},  // sniffed
  };
  for (const auto& [type, bytes] : cases)
    for (size_t chunk : {0, 3, 100}) {
      FakeReader r;
      r.images = true;
      r.min = 1000;  // held until 1000 bytes are in, then everything so far and the rest
      RecordingSink sink;
      Walker w(Limits{}, sink, &r);
      feed_message(w, attachment(type, "scan", bytes), chunk);
      ASSERT_EQ(r.kinds, std::vector<std::string>{"image"}) << type << " " << chunk;
      EXPECT_EQ(r.bytes[0], bytes) << type << " " << chunk;
      EXPECT_EQ(sink.body("2"), "SSN 078-05-1121");
      EXPECT_TRUE(sink.reasons.empty()) << sink.log();
    }
}

TEST(WalkerImages, SmallImagesAndImagesWithoutASignatureAreUninspectedUnread) {
  FakeReader r;
  r.images = true;
  r.min = 6000;
  {
    RecordingSink sink;
    Walker w(Limits{}, sink, &r);
    feed_message(w, attachment("image/png", "logo.png", kPng), 7);  // 5008 bytes: a logo
    EXPECT_EQ(sink.reasons, std::vector<std::string>{"image"});
    EXPECT_EQ(sink.body("2"), "");
  }
  for (const char* type : {"image/png", "image/bmp", "image/x-unknown"}) {
    RecordingSink sink;
    Walker w(Limits{}, sink, &r);
    // Declared an image, but no signature the OCR program's library checks:
    // never given to it (tesseract would read it as a list of file names).
    feed_message(w, attachment(type, "x.png", "BM" + std::string(9000, '/')));
    EXPECT_EQ(sink.reasons, std::vector<std::string>{"image"}) << type;
  }
  EXPECT_TRUE(r.kinds.empty());

  RecordingSink sink;  // a reader of PDFs only: images stay uninspected, as do images without any reader
  FakeReader pdf_only;
  Walker w(Limits{}, sink, &pdf_only);
  feed_message(w, attachment("image/png", "scan.png", kPng));
  EXPECT_TRUE(pdf_only.kinds.empty());
  EXPECT_EQ(sink.reasons, std::vector<std::string>{"image"});
  RecordingSink sink2;
  Walker w2(Limits{}, sink2);
  feed_message(w2, attachment("application/octet-stream", "scan", kPng));
  EXPECT_EQ(sink2.reasons, std::vector<std::string>{"image"});
}

TEST(WalkerImages, AReaderOfImagesOnlyLeavesPdfsUninspectedNotUnavailable) {
  FakeReader r;
  r.images = true;
  r.no_pdf = true;  // OcrProgram set, PdfToText empty
  RecordingSink sink;
  Walker w(Limits{}, sink, &r);
  feed_message(w, attachment("application/pdf", "a.pdf", kPdf));
  EXPECT_TRUE(r.kinds.empty());
  EXPECT_EQ(sink.reasons, std::vector<std::string>{"pdf"});  // not "unavailable", which would tempfail forever
}

TEST(WalkerImages, RefusalSizeLimitAndDocumentCountApplyToImages) {
  {
    FakeReader r;
    r.images = true;
    r.refuse = true;
    RecordingSink sink;
    Walker w(Limits{}, sink, &r);
    feed_message(w, attachment("image/jpeg", "scan.jpg", "\xFF\xD8\xFF" + std::string(2000, 'j')));
    EXPECT_EQ(sink.reasons, std::vector<std::string>{"unavailable"});
  }
  {
    FakeReader r;
    r.images = true;
    r.min = 100;
    RecordingSink sink;
    Limits lim;
    lim.max_part_bytes = 1000;
    Walker w(lim, sink, &r);
    feed_message(w, attachment("image/png", "big.png", kPng), 64);
    EXPECT_EQ(r.closed, 1);
    EXPECT_EQ(r.finished, 0);
    EXPECT_EQ(sink.reasons, std::vector<std::string>{"size-limit"});
  }
  {
    FakeReader r;
    r.images = true;
    RecordingSink sink;
    Limits lim;
    lim.max_documents = 1;
    Walker w(lim, sink, &r);
    std::string m = "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n";
    m += "--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64_lines(kPdf);
    m += "--b\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64_lines(kPng);
    m += "--b--\r\n";
    feed_message(w, m);
    EXPECT_EQ(r.kinds, std::vector<std::string>{"pdf"});
    EXPECT_EQ(sink.reasons, std::vector<std::string>{"part-limit"});
  }
}


TEST(WalkerImages, ImagesInsideADocumentOrArchiveAreReadToo) {
  const std::string logo = "\x89PNG\r\n\x1a\n" + std::string(200, 'l');
  std::string docx = test::make_zip({{"word/document.xml", "<w:document><w:t>see the picture</w:t></w:document>"},
                                     {"word/media/image1.png", kPng},
                                     {"word/media/image2.png", logo},
                                     {"word/media/image3.jpeg", "not a jpeg at all, whatever its name says"},
                                     {"docProps/thumbnail.jpeg", "\xFF\xD8\xFF" + std::string(3000, 't')}});
  FakeReader r;
  r.images = true;
  r.min = 1000;
  RecordingSink sink;
  Walker w(Limits{}, sink, &r);
  feed_message(w, attachment("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "note.docx",
                             docx));
  ASSERT_EQ(r.kinds, std::vector<std::string>{"image"});  // not the logo, the unsigned one, nor the thumbnail
  EXPECT_EQ(r.bytes[0], kPng);                             // inflated, whole, in order
  std::string body;
  for (const auto& e : sink.events)
    if (e.rfind("body 2: ", 0) == 0) body += e.substr(8);
  EXPECT_EQ(body.rfind("see the picture\nSSN 078-05-1121", 0), 0u) << body;  // entries are separate texts
  EXPECT_EQ(sink.reasons, std::vector<std::string>{"image"}) << sink.log();  // once for the part

  FakeReader pdf_only;  // no image reader: pictures are uninspected as before
  RecordingSink sink2;
  Walker w2(Limits{}, sink2, &pdf_only);
  feed_message(w2, attachment("application/zip", "scans.zip", test::make_zip({{"page1.png", kPng}})));
  EXPECT_TRUE(pdf_only.kinds.empty());
  EXPECT_EQ(sink2.reasons, std::vector<std::string>{"image"});

  FakeReader refusing;
  refusing.images = true;
  refusing.refuse = true;
  RecordingSink sink3;
  Walker w3(Limits{}, sink3, &refusing);
  feed_message(w3, attachment("application/zip", "scans.zip", test::make_zip({{"page1.png", kPng}})));
  EXPECT_EQ(sink3.reasons, std::vector<std::string>{"unavailable"});
}

}  // namespace
}  // namespace phi::mime

namespace phi::mime {
namespace {

const std::string kDoc = test::build_ole({test::ole_root(1), test::ole_stream("WordDocument")}) + std::string(2000, 'w');

TEST(WalkerLegacyOffice, OleFilesDeclaredOrSniffedAsOfficeGoToTheReaderWhole) {
  struct Case {
    const char *type, *name;
  };
  for (Case c : {Case{"application/msword", "letter.doc"}, Case{"application/vnd.ms-excel", "labs.xls"},
                 Case{"application/octet-stream", "slides.ppt"}, Case{"application/octet-stream", "noname"},
                 Case{"application/x-unknown", "scan.dat"}, Case{"application/vnd.ms-outlook", "fwd.msg"},
                 Case{"application/octet-stream", "fwd.msg"}}) {
    for (size_t chunk : {0, 1, 5, 100}) {
      FakeReader r;
      r.office = true;
      RecordingSink sink;
      Walker w(Limits{}, sink, &r);
      feed_message(w, attachment(c.type, c.name, kDoc), chunk);
      ASSERT_EQ(r.kinds, std::vector<std::string>{"office"}) << c.name << " " << chunk;
      EXPECT_EQ(r.bytes[0], kDoc) << c.name << " " << chunk;
      EXPECT_EQ(sink.body("2"), "SSN 078-05-1121");
      EXPECT_TRUE(sink.reasons.empty()) << sink.log();
    }
  }
}

TEST(WalkerLegacyOffice, WithoutAReaderOrASignatureOrRefusedTheyAreUninspected) {
  {
    FakeReader r;  // reads PDFs only
    RecordingSink sink;
    Walker w(Limits{}, sink, &r);
    feed_message(w, attachment("application/msword", "letter.doc", kDoc));
    EXPECT_TRUE(r.kinds.empty());
    EXPECT_EQ(sink.reasons, std::vector<std::string>{"office"});
  }
  for (auto [type, name, bytes, reason] :
       {std::tuple{"application/msword", "letter.doc", "\x01not an OLE2 file, a renamed one" + std::string(100, 'x'), "office"},
        // an OLE2 file declared an image is no office document
        std::tuple{"image/png", "x.png", kDoc, "image"}}) {
    FakeReader r;
    r.office = true;
    RecordingSink sink;
    Walker w(Limits{}, sink, &r);
    feed_message(w, attachment(type, name, bytes));
    EXPECT_TRUE(r.kinds.empty());
    EXPECT_EQ(sink.reasons, std::vector<std::string>{reason});
  }
  {
    FakeReader r;
    r.office = true;
    r.refuse = true;
    RecordingSink sink;
    Walker w(Limits{}, sink, &r);
    feed_message(w, attachment("application/vnd.ms-powerpoint", "s.ppt", kDoc));
    EXPECT_EQ(sink.reasons, std::vector<std::string>{"unavailable"});
  }
  {
    FakeReader r;
    r.office = true;
    r.reason = "encrypted";
    r.answer = "";
    RecordingSink sink;
    Walker w(Limits{}, sink, &r);
    feed_message(w, attachment("application/msword", "letter.doc", kDoc));
    EXPECT_EQ(sink.reasons, std::vector<std::string>{"encrypted"});
  }
}

TEST(WalkerLegacyOffice, AWordFileInsideAWinmailDatIsRead) {
  FakeReader r;
  r.office = true;
  RecordingSink sink;
  Walker w(Limits{}, sink, &r);
  std::string tnef = test::Tnef().message(tnef::kAttBody, "See the letter.\r\n").file("letter.doc", kDoc).str();
  feed_message(w, attachment("application/ms-tnef", "winmail.dat", tnef), 7);
  ASSERT_EQ(r.kinds, std::vector<std::string>{"office"});
  EXPECT_EQ(r.bytes[0], kDoc);
  EXPECT_EQ(sink.body("2.1"), "SSN 078-05-1121");
  EXPECT_TRUE(sink.reasons.empty()) << sink.log();
}

TEST(WalkerLegacyOffice, OfficeEntriesOfAZipAreReadOtherOleEntriesAreNot) {
  FakeReader r;
  r.office = true;
  RecordingSink sink;
  Walker w(Limits{}, sink, &r);
  std::string zip = test::make_zip({{"a.doc", kDoc}, {"b.xls", kDoc}, {"c.bin", kDoc}, {"d.doc", "short"}});
  feed_message(w, attachment("application/zip", "records.zip", zip), 3);
  ASSERT_EQ(r.bytes.size(), 2u);
  EXPECT_EQ(r.bytes[0], kDoc);
  EXPECT_EQ(r.bytes[1], kDoc);
  EXPECT_EQ(r.kinds, (std::vector<std::string>{"office", "office"}));
  EXPECT_EQ(sink.reasons, (std::vector<std::string>{"binary", "office"})) << sink.log();  // c.bin; d.doc, too short
}

}  // namespace
}  // namespace phi::mime
