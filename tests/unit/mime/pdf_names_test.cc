// Tests for PdfNameScan: /Encrypt and the names of attached files found in a PDF's bytes, however they are split.
#include "milter/mime/pdf_names.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <utility>
#include <vector>

namespace phi::mime {
namespace {

using namespace std::string_literals;

struct Found {
  bool encrypted, attached;
  bool operator==(const Found&) const = default;
};

Found scan(const std::string& pdf, size_t step) {
  PdfNameScan s;
  for (size_t i = 0; i < pdf.size(); i += step) s.feed(std::string_view(pdf).substr(i, step));
  return {s.encrypted(), s.attached_files()};
}

// The same answer for every chunk size from one byte to the whole.
Found scan_every_way(const std::string& pdf) {
  Found whole = scan(pdf, pdf.empty() ? 1 : pdf.size());
  for (size_t step = 1; step < pdf.size(); ++step) EXPECT_EQ(scan(pdf, step), whole) << "chunks of " << step;
  return whole;
}

// Objects as PDF writers put them around an embedded file.
const std::string kPlain =
    "%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    "4 0 obj\n<</Length 12/Filter/FlateDecode>>stream\nx\x9c+H,\xc9L\xcd+\x01\x00\nendstream\nendobj\n"
    "trailer\n<< /Size 5 /Root 1 0 R >>\n%%EOF\n"s;  // s: the stream holds a NUL

TEST(PdfNames, AnEmbeddedFileOrAFileAttachmentAnnotationIsAnAttachedFile) {
  EXPECT_EQ(scan_every_way(kPlain), (Found{false, false}));
  for (std::string obj : {
           "<< /Type /EmbeddedFile /Subtype /text#2Fcsv /Length 40 >>",   // the file's stream
           "<</Type/EmbeddedFile/Length 40>>",                             // no spaces
           "<< /Names << /EmbeddedFiles 7 0 R >> >>",                      // the catalog's name tree
           "<< /Type /Annot /Subtype /FileAttachment /FS 8 0 R >>",        // an annotation
           "<< /Type /Embedded#46ile >>",                                  // an escaped letter
           "<< /Type /#45#6d#62#65#64#64#65#64#46#69#6C#65 >>",            // every letter escaped
       }) {
    std::string pdf = kPlain;
    pdf.insert(pdf.find("trailer"), "9 0 obj\n" + obj + "\nendobj\n");
    EXPECT_EQ(scan_every_way(pdf), (Found{false, true})) << obj;
  }
}

TEST(PdfNames, EncryptIsFoundInTheTrailer) {
  std::string pdf = kPlain;
  pdf.replace(pdf.find("/Root"), 5, "/Encrypt 6 0 R /Root");
  EXPECT_EQ(scan_every_way(pdf), (Found{true, false}));
  EXPECT_EQ(scan_every_way("trailer<</Encrypt 6 0 R>>"), (Found{true, false}));
  EXPECT_EQ(scan_every_way("trailer /Encrypt"), (Found{true, false}));  // the bytes end in the name
}

TEST(PdfNames, OnlyTheWholeNameCounts) {
  for (std::string near : {
           "/EmbeddedFileX", "/XEmbeddedFile", "/EmbeddedFil", "/FileAttachments", "/Encrypted", "/EncryptMetadata",
           "EmbeddedFile", "/Embedded File", "/Embedded#4", "/Embedded#4 6ile", "/Embedded#G6File",
           "/Embedded#46ile#", "/Encrypt#", "/Encryp#74#", "/EmbeddedFile\x80",
       }) {
    SCOPED_TRACE(near);
    EXPECT_EQ(scan_every_way("<< /Type " + near + " >>"), (Found{false, false}));
  }
  // A name ends at white space, a delimiter or the next name.
  EXPECT_EQ(scan_every_way("/Type/EmbeddedFile/Length 3"), (Found{false, true}));
  EXPECT_EQ(scan_every_way("[/FileAttachment]"), (Found{false, true}));
  EXPECT_EQ(scan_every_way("(/Encrypt)"), (Found{true, false}));  // in a string too: a "may be"
  EXPECT_EQ(scan_every_way("/EmbeddedFile%comment"), (Found{false, true}));
}

std::vector<PdfObjectRef> streams(const std::string& pdf, size_t step) {
  PdfNameScan s;
  for (size_t i = 0; i < pdf.size(); i += step) s.feed(std::string_view(pdf).substr(i, step));
  return s.file_streams();
}

TEST(PdfNames, TheObjectsOfEmbeddedFilesAreNoted) {
  const std::string pdf =
      "%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Names << /EmbeddedFiles 2 0 R >> >>\nendobj\n"
      "7 0 obj\n<</Type/EmbeddedFile/Length 3>>stream\nabc\nendstream\nendobj\n"
      "12 3 obj <</Type /Embedded#46ile /Length 5 0 R>> stream\n7 0 obj /EmbeddedFile\nendstream endobj\n"
      "7 0 obj\n<</Type/EmbeddedFile>>stream\nnew version\nendstream\nendobj\n"   // an update: noted once
      "8 0 obj << /Subtype /FileAttachment /FS 9 0 R >> endobj\n"                      // not a stream
      "9 0 obj << /Type /EmbeddedFile >> endobj 10 0 obj stream\n"                     // nor this one
      "trailer << /EmbeddedFile 1 >>\n";                                              // after endobj: no object
  const std::vector<PdfObjectRef> want = {{7, 0}, {12, 3}};
  for (size_t step = 1; step <= pdf.size(); ++step) ASSERT_EQ(streams(pdf, step), want) << "chunks of " << step;
  // Only "N G obj" opens an object: a number missing, a word between, a delimiter between.
  for (std::string head : {"0 obj", "x 0 obj", "7 x 0 obj", "7 0 [ obj", "7 0 objx", "70obj", "1234567890 0 obj"}) {
    EXPECT_EQ(streams(head + " << /Type /EmbeddedFile >> stream\n", 1), std::vector<PdfObjectRef>{}) << head;
  }
  EXPECT_EQ(streams("5 6 7 obj << /Type /EmbeddedFile >> stream\n", 1), (std::vector<PdfObjectRef>{{6, 7}}));
  EXPECT_EQ(streams("%c\n5 0 obj<</Type/EmbeddedFile>>stream\r\n", 3), (std::vector<PdfObjectRef>{{5, 0}}));
  // Its dictionary names /EmbeddedFile, but no stream follows: not noted.
  EXPECT_EQ(streams("5 0 obj << /Type /EmbeddedFile >>", 1), std::vector<PdfObjectRef>{});
  EXPECT_EQ(streams("5 0 obj << /Type /EmbeddedFile >> endobj stream\n", 1), std::vector<PdfObjectRef>{});
  EXPECT_EQ(streams("5 0 obj << /Type /EmbeddedFile >> 6 0 obj stream\n", 1), std::vector<PdfObjectRef>{});
  EXPECT_EQ(streams("5 0 obj << /Type /EmbeddedFile >> streams\n", 1), std::vector<PdfObjectRef>{});
}

TEST(PdfNames, AtMostkMaxPdfFileStreamsObjectsAreNoted) {
  // 10,000 embedded files: the first kMaxPdfFileStreams are noted, and that there were more.
  std::string pdf;
  for (int i = 1; i <= 10000; ++i) pdf += std::to_string(i) + " 0 obj << /Type /EmbeddedFile >> stream\nx\nendstream endobj\n";
  PdfNameScan s;
  s.feed(pdf);
  ASSERT_EQ(s.file_streams().size(), kMaxPdfFileStreams);
  EXPECT_EQ(s.file_streams().back(), (PdfObjectRef{uint32_t(kMaxPdfFileStreams), 0}));
  EXPECT_TRUE(s.more_file_streams());
  PdfNameScan exactly;
  exactly.feed(pdf.substr(0, pdf.find(std::to_string(kMaxPdfFileStreams + 1) + " 0 obj")));
  EXPECT_EQ(exactly.file_streams().size(), kMaxPdfFileStreams);
  EXPECT_FALSE(exactly.more_file_streams());
}

// One of PdfNameScan's answers for `pdf`, the same for every chunk size.
bool answer_every_way(const std::string& pdf, bool (PdfNameScan::*answer)() const) {
  bool whole = false;
  for (size_t step = 1; step <= pdf.size(); ++step) {
    PdfNameScan s;
    for (size_t i = 0; i < pdf.size(); i += step) s.feed(std::string_view(pdf).substr(i, step));
    if (step == 1) whole = (s.*answer)();
    EXPECT_EQ((s.*answer)(), whole) << pdf << " in chunks of " << step;
  }
  return whole;
}

TEST(PdfNames, AnnotationsOrObjectStreamsMayHoldComments) {
  auto comments = [](const std::string& pdf) { return answer_every_way(pdf, &PdfNameScan::may_have_comments); };
  EXPECT_FALSE(comments(kPlain));
  EXPECT_TRUE(comments("<< /Type /Page /Annots [6 0 R] >>"));
  EXPECT_TRUE(comments("<</Type/Annot/Subtype/Text/Contents(note)>>"));
  EXPECT_TRUE(comments("<< /Type /ObjStm /N 5 /First 26 >>"));  // compressed objects: annotations may be inside
  EXPECT_FALSE(comments("<< /Type /Annotation /AnnotsX 1 /ObjStream 2 >>"));
}

// An image XObject's /Subtype: a picture some page draws (whose words
// pdftotext cannot see); its dictionary is never compressed.
TEST(PdfNames, AnImageXObjectIsAPicture) {
  auto images = [](const std::string& pdf) { return answer_every_way(pdf, &PdfNameScan::has_images); };
  EXPECT_FALSE(images(kPlain));
  EXPECT_TRUE(images("5 0 obj << /Type /XObject /Subtype /Image /Width 850 /Height 1100 >> stream"));
  EXPECT_TRUE(images("<</Subtype/Im#61ge/Width 2>>"));  // #61 is 'a'
  EXPECT_TRUE(images("/Subtype /Image"));               // at the very end
  // The procedure sets every page of many writers lists are not pictures.
  EXPECT_FALSE(images("/ProcSet [/PDF /Text /ImageB /ImageC /ImageI]"));
}

// The interactive form's /XFA: an XML form, whose typed-in data no page draws.
TEST(PdfNames, AnXmlFormIsNamed) {
  auto xfa = [](const std::string& pdf) { return answer_every_way(pdf, &PdfNameScan::has_xfa); };
  EXPECT_FALSE(xfa(kPlain));
  EXPECT_TRUE(xfa("<< /AcroForm << /Fields [] /XFA [(datasets) 8 0 R] >> >>"));
  EXPECT_TRUE(xfa("<</AcroForm<</XFA 6 0 R>>>>"));
  EXPECT_TRUE(xfa("/X#46A"));  // at the very end, escaped
  EXPECT_FALSE(xfa("<< /XFAX 1 /XF 2 /xfa 3 >>"));
}

TEST(PdfNames, ALongNameIsSkippedToItsEnd) {
  // kMaxPdfName is a limit on what is held: a name of 10,000 bytes that
  // ends in a name looked for is not taken for it, and the one after it is read.
  std::string long_name = "/" + std::string(10000 - 12, 'x') + "EmbeddedFile";
  EXPECT_EQ(scan(long_name + " ", 1), (Found{false, false}));
  EXPECT_EQ(scan(long_name + " ", long_name.size() + 1), (Found{false, false}));
  std::string escaped = "/";
  for (int i = 0; i < 10000; ++i) escaped += "#41";
  EXPECT_EQ(scan(escaped + "/Encrypt ", 7), (Found{true, false}));
  EXPECT_EQ(scan(long_name + "/FileAttachment", 4096), (Found{false, true}));
}

TEST(PdfNames, RandomBytesGiveTheSameAnswerHoweverSplit) {
  std::mt19937 rng(7);
  const std::string alphabet = "/#EmbdFilAtchnrypt0123456789aF \n<>[]()%\x80";
  const std::vector<std::string> words = {" 3 0 obj ", " endobj ", "/EmbeddedFile", " 12 ", " obj", " stream\n"};
  for (int round = 0; round < 2000; ++round) {
    std::string pdf;
    size_t n = rng() % 200;
    for (size_t i = 0; i < n; ++i)
      pdf += rng() % 8 ? std::string(1, alphabet[rng() % alphabet.size()]) : words[rng() % words.size()];
    if (round % 3 == 0) pdf.insert(rng() % (pdf.size() + 1), " /EmbeddedFile ");
    Found whole = scan(pdf, pdf.empty() ? 1 : pdf.size());
    if (round % 3 == 0) {
      EXPECT_TRUE(whole.attached) << pdf;
    }
    auto objects = streams(pdf, pdf.empty() ? 1 : pdf.size());
    for (size_t step : {size_t(1), size_t(2), size_t(3), size_t(1 + rng() % 17)}) {
      ASSERT_EQ(scan(pdf, step), whole) << pdf << " in chunks of " << step;
      ASSERT_EQ(streams(pdf, step), objects) << pdf << " in chunks of " << step;
    }
  }
}

}  // namespace
}  // namespace phi::mime
