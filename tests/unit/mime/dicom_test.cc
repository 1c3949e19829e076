// Tests for DICOM files as text: files written by pydicom and dcmtk in every transfer syntax read, whole and in
// chunks; deflated data sets, broken headers, long values, cut files; DICOM attachments through the Walker; the
// first frame given as a picture (a .bmp file of each pixel format and of RLE, a JPEG's fragments) or reported unread.
#include "milter/mime/dicom.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <iterator>

#include "milter/mime/walker.h"
#include "tests/unit/mime/dicom_builder.h"
#include "tests/unit/mime/fake_documents.h"
#include "tests/unit/mime/recording_sink.h"
#include "tests/unit/mime/zip_builder.h"

namespace phi::mime {
namespace {

std::string fixture(const std::string& name) {
  std::ifstream f(std::string(PHI_SRCDIR) + "/tests/unit/milter/data/" + name, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}

struct Read {
  std::string text;
  bool errors, pixels, done;
};

Read read(std::string_view in, size_t chunk = 0) {
  DicomText d;
  std::string out, piece;
  if (chunk == 0) chunk = in.size() + 1;
  for (size_t i = 0; i < in.size(); i += chunk) {
    piece.clear();  // a buffer per call
    d.feed(in.substr(i, chunk), piece);
    out += piece;
  }
  d.finish(out);
  return {out, d.had_errors(), d.pixels(), d.done()};
}

// The ultrasound study of dicom_fixtures.py, as read.
std::string study(const std::string& name, bool implicit) {
  return "Date of service: 2026-12-01\nModality: US\nInstitution: Springfield General Hospital\n"
         "Referring physician: Anil Patel\nStudy description: US ABDOMEN COMPLETE\nDiagnosis: Type 2 diabetes mellitus\n"
         "Patient name: " + name + "\nPatient ID: 00482913\nDate of birth: 1962-03-14\nSex: F\n"
         "Patient ID: MRN7781\nPatient ID: W123456789\n" +
         // implicit VR: a printable value of an element not in the table is written as it is
         std::string(implicit ? "MONOCHROME2\n" : "") + "Procedure: Liver ultrasound\nSPS1\n";
}

TEST(DicomText, FilesOfEveryTransferSyntaxAreReadWholeAndInChunks) {
  const std::vector<std::pair<std::string, std::string>> files = {
      {"us-explicit.dcm", study("Jane Q Doe", false)},
      {"us-implicit-utf8.dcm", study("Jane Q M\xC3\xBCller", true)},
      {"us-big-latin1.dcm", study("Jane Q M\xC3\xBCller", false)},
      {"xr-jpeg.dcm", "Institution: Springfield General Hospital\nStudy description: XR CHEST 2 VIEWS\n"
                      "Patient name: Jane Q Doe\nPatient ID: 00482913\nDate of birth: 1962-03-14\n"}};
  for (const auto& [name, want] : files) {
    SCOPED_TRACE(name);
    std::string bytes = fixture(name);
    ASSERT_TRUE(DicomText::starts(bytes));
    for (size_t chunk : {0, 1, 7, 100}) {
      Read r = read(bytes, chunk);
      EXPECT_EQ(r.text, want) << "chunk " << chunk;
      EXPECT_FALSE(r.errors);
      EXPECT_TRUE(r.pixels);
      EXPECT_TRUE(r.done);
    }
  }
}

// Explicit VR little endian data elements (dicom_builder.h).
using test::element;
using test::le16;
using test::le32;
std::string file(const std::string& syntax, const std::string& data_set) { return test::dicom_file(syntax, data_set); }
const std::string kExplicit = "1.2.840.10008.1.2.1";
const std::string kName = element(0x0010, 0x0010, "PN", "DOE^JANE");

TEST(DicomText, StartsOnlyAfterThePreamble) {
  std::string f = file(kExplicit, kName);
  EXPECT_TRUE(DicomText::starts(f));
  EXPECT_FALSE(DicomText::starts(f.substr(0, kDicomPreamble + 3)));
  EXPECT_FALSE(DicomText::starts("DICM" + f));
  EXPECT_EQ(read(f).text, "Patient name: Jane Doe\n");
}

TEST(DicomText, ADeflatedDataSetOrAHeaderThatMakesNoSenseEndsReadingWithAnError) {
  Read deflated = read(file("1.2.840.10008.1.2.1.99", kName));
  EXPECT_EQ(deflated.text, "");
  EXPECT_TRUE(deflated.errors);
  EXPECT_FALSE(deflated.pixels);
  // A VR of lower-case letters: what was read before stays, nothing after.
  std::string bad = file(kExplicit, kName + le16(0x0010) + le16(0x0020) + "lo" + le16(4) + "1234" + kName);
  for (size_t chunk : {0, 1, 5}) {
    Read r = read(bad, chunk);
    EXPECT_EQ(r.text, "Patient name: Jane Doe\n");
    EXPECT_TRUE(r.errors && r.done && !r.pixels);
  }
}

TEST(DicomText, WhatIsNotReadIsNamed) {
  DicomText d;
  std::string out;
  d.feed(file(kExplicit, kName), out);
  EXPECT_EQ(d.unread(), "");  // every element read, no pixels
  DicomText pdf;
  pdf.feed(file(kExplicit, kName + element(0x0042, 0x0011, "OB", "%PDF-1.4 report") + element(0x0042, 0x0012, "LO", "application/pdf")), out);
  EXPECT_EQ(pdf.unread(), "binary");  // an encapsulated report is skipped
  DicomText image;
  image.feed(fixture("us-explicit.dcm"), out);
  EXPECT_EQ(image.unread(), "image");
  DicomText deflated;
  deflated.feed(file("1.2.840.10008.1.2.1.99", kName), out);
  EXPECT_EQ(deflated.unread(), "binary");
}

using test::FakeDocument;
using test::PdfReader;

const std::string kReport = "%PDF-1.4\n1 0 obj << >> endobj\n" + std::string(300, 'r') + "\n%%EOF\n";

// An Encapsulated PDF (a radiology report stored as DICOM): the PDF goes to
// the EmbeddedDocument whole, in order, its text after the lines before it.
TEST(DicomText, AnEncapsulatedPdfGoesToTheDocumentReader) {
  std::string f = file(kExplicit, kName + element(0x0042, 0x0010, "ST", "CT HEAD REPORT") + element(0x0042, 0x0011, "OB", kReport) +
                                      element(0x0042, 0x0012, "LO", "application/pdf") + element(0x0010, 0x0020, "LO", "00482913"));
  for (size_t chunk : {size_t(1), size_t(3), size_t(7), size_t(100), f.size()}) {
    SCOPED_TRACE(chunk);
    FakeDocument doc;
    DicomText d(&doc);
    std::string out;
    for (size_t i = 0; i < f.size(); i += chunk) d.feed(std::string_view(f).substr(i, chunk), out);
    d.finish(out);
    EXPECT_EQ(doc.got, kReport);
    EXPECT_EQ(doc.begun, 1);
    EXPECT_EQ(out, "Patient name: Jane Doe\nCT HEAD REPORT\n[" + std::to_string(kReport.size()) +
                       " bytes]\napplication/pdf\nPatient ID: 00482913\n");  // an LO value is text, the MIME type too
    EXPECT_EQ(d.unread(), "");
  }
  // What the reader could not do is what is reported.
  FakeDocument refused;
  refused.refuse = "unavailable";
  DicomText r(&refused);
  std::string out;
  r.feed(f, out);
  EXPECT_EQ(r.unread(), "unavailable");
  EXPECT_EQ(refused.got, "");
  DicomText cut_refused(&refused);  // cut inside the PDF it could not read: still its reason
  cut_refused.feed(std::string_view(f).substr(0, f.size() - 100), out);
  cut_refused.finish(out);
  EXPECT_EQ(cut_refused.unread(), "unavailable");
  FakeDocument failed;
  failed.reason = "pdf";
  DicomText fd(&failed);
  fd.feed(f, out);
  EXPECT_EQ(fd.unread(), "pdf");
  // A CDA document goes to it as XML, a ZIP as an archive; a file of no
  // kind it reads is skipped ("binary"), and so is a PDF cut short of its
  // first five bytes; one cut later is ended, read as far as it goes.
  FakeDocument cda;
  DicomText c(&cda);
  c.feed(file(kExplicit, element(0x0042, 0x0011, "OB", "<?xml version=\"1.0\"?><ClinicalDocument/>")), out);
  EXPECT_EQ(c.unread(), "");
  EXPECT_EQ(cda.kinds, "xml ");
  FakeDocument zip;
  DicomText z(&zip);
  z.feed(file(kExplicit, element(0x0042, 0x0011, "OB", std::string("PK\x03\x04\x14\0", 6))), out);
  EXPECT_EQ(z.unread(), "");
  EXPECT_EQ(zip.kinds, "archive ");
  FakeDocument other;
  DicomText o(&other);
  o.feed(file(kExplicit, element(0x0042, 0x0011, "OB", std::string("\x1F\x8B\x08\0\0\0", 6))), out);  // gzip
  EXPECT_EQ(o.unread(), "binary");
  EXPECT_EQ(other.begun, 0);
  std::string cut = file(kExplicit, kName + element(0x0042, 0x0011, "OB", kReport));
  for (size_t keep : {size_t(3), size_t(40), size_t(100)}) {
    FakeDocument part;
    DicomText p(&part);
    std::string text;
    p.feed(std::string_view(cut).substr(0, cut.size() - kReport.size() + keep), text);
    p.finish(text);
    EXPECT_EQ(p.unread(), keep < kEmbeddedKindMin ? "binary" : "");
    EXPECT_EQ(part.got, keep < kEmbeddedKindMin ? "" : kReport.substr(0, keep));
  }
}

TEST(DicomText, AnEncapsulatedPdfAttachedOrZippedIsRead) {
  std::string f = file(kExplicit, kName + element(0x0042, 0x0011, "OB", kReport) + element(0x0010, 0x0020, "LO", "00482913"));
  const std::string text = "Patient name: Jane Doe\nImpression: no acute intracranial hemorrhage\nPatient ID: 00482913\n";
  for (size_t chunk : {0, 1, 100}) {
    PdfReader r;
    test::RecordingSink sink;
    Walker w(Limits{}, sink, &r);
    test::feed_message(w, test::message_with_attachment("application/dicom", "report.dcm", f, true), chunk);
    EXPECT_EQ(r.bytes, kReport);
    std::string body;  // in pieces: the DICOM lines, the report's, the rest
    for (const std::string& e : sink.events)
      if (e.rfind("body 2: ", 0) == 0) body += e.substr(8);
    EXPECT_EQ(body, text) << sink.log();
    EXPECT_TRUE(sink.reasons.empty()) << sink.log();
  }
  PdfReader r;
  test::RecordingSink sink;
  Walker w(Limits{}, sink, &r);
  test::feed_message(w, test::message_with_attachment("application/zip", "cd.zip", test::make_zip({{"DICOM/IM000009", f}}), true), 7);
  EXPECT_EQ(r.bytes, kReport);
  EXPECT_NE(sink.log().find("Impression: no acute intracranial hemorrhage"), std::string::npos) << sink.log();
  EXPECT_TRUE(sink.reasons.empty()) << sink.log();
  // Without a reader of PDFs the part says so.
  test::RecordingSink none;
  Walker plain(Limits{}, none);
  test::feed_message(plain, test::message_with_attachment("application/dicom", "report.dcm", f, true), 0);
  EXPECT_EQ(none.reasons, std::vector<std::string>{"pdf"}) << none.log();
  // A CDA report (Encapsulated CDA) is read as an XML attachment is: its
  // values are text, on lines of their own before the elements after it.
  std::string cda = "<?xml version=\"1.0\"?><ClinicalDocument xmlns=\"urn:hl7-org:v3\"><recordTarget><patientRole>"
                    "<patient><name><given>Jane</given><family>Doe</family></name></patient></patientRole></recordTarget>"
                    "<component><observation><value code=\"I50.9\" displayName=\"Heart failure\"/></observation>"
                    "</component></ClinicalDocument>";
  std::string g = file(kExplicit, element(0x0042, 0x0011, "OB", cda) + element(0x0010, 0x0020, "LO", "00482913"));
  for (size_t chunk : {0, 1, 7}) {
    test::RecordingSink cs;
    Walker cw(Limits{}, cs);
    test::feed_message(cw, test::message_with_attachment("application/dicom", "cda.dcm", g, true), chunk);
    EXPECT_TRUE(cs.reasons.empty()) << cs.log();
    EXPECT_NE(cs.log().find("body 2: Jane Doe \nI50.9 Heart failure \nPatient ID: 00482913\n"), std::string::npos) << cs.log();
  }
  // A file that ends inside a CDA, after a document skipped: all of its
  // text reaches the Sink before the part is reported, in every cut
  // (dicom_fuzz found the report between the CDA's text and its line end).
  std::string cut = file(kExplicit, element(0x0042, 0x0011, "OB", std::string(100, '\0')) +
                                        element(0x0042, 0x0011, "OB", "<?xml version=\"1.0\"?><ClinicalDocument>"
                                                                      "<text>Impression: acute stroke</text>z"));
  cut.resize(cut.size() - 1);  // inside the second document
  for (size_t chunk : {0, 1, 5, 7, 13, 97}) {
    test::RecordingSink sink;
    Walker w(Limits{}, sink);
    test::feed_message(w, test::message_with_attachment("application/dicom", "cut.dcm", cut, true), chunk);
    ASSERT_EQ(sink.reasons, std::vector<std::string>{"binary"}) << sink.log();
    EXPECT_EQ(sink.events.back(), "end 2");
    EXPECT_EQ(sink.events[sink.events.size() - 2], "uninspected 2 application/dicom: binary") << sink.log();
    EXPECT_NE(sink.body("2").find("Impression: acute stroke"), std::string::npos) << sink.log();
  }
}

TEST(DicomText, ValuesOverTheLimitAreSkippedAndACutFileIsReadAsFarAsItGoes) {
  std::string at_limit(kMaxDicomValue, 'a'), over(kMaxDicomValue + 2, 'b');
  std::string f = file(kExplicit, element(0x0010, 0x4000, "UT", at_limit) + element(0x0010, 0x4000, "UT", over) + kName);
  EXPECT_EQ(read(f, 4096).text, "Patient comments: " + at_limit + "\nPatient name: Jane Doe\n");
  Read cut = read(f.substr(0, f.size() - 3));  // inside the name's value
  EXPECT_EQ(cut.text, "Patient comments: " + at_limit + "\n");
  EXPECT_FALSE(cut.errors || cut.done);
}

TEST(DicomText, MultipleValuesTimesUidsAndNumbersAreWrittenOrNotByTheirVr) {
  std::string f = file(kExplicit, element(0x0008, 0x0018, "UI", std::string("1.2.3.4\0", 8)) +
                                      element(0x0008, 0x0030, "TM", "101500") + element(0x0010, 0x1001, "PN", "ROE^JO\\ROE^JOANNE=^^") +
                                      element(0x0011, 0x1010, "LO", "private note ") + element(0x0028, 0x0010, "US", le16(4)));
  EXPECT_EQ(read(f).text, "Patient name: Jo Roe\nPatient name: Joanne Roe\nprivate note\n");
}

TEST(DicomText, ADicomAttachmentIsReadAndItsPixelsReportedUnread) {
  for (const auto& [type, name] : std::vector<std::pair<std::string, std::string>>{
           {"application/dicom", "IM000001.dcm"}, {"application/octet-stream", "IM000001"}, {"image/dicom", ""}}) {
    SCOPED_TRACE(type);
    for (size_t chunk : {0, 1, 100}) {
      test::RecordingSink sink;
      Walker w(Limits{}, sink);
      test::feed_message(w, test::message_with_attachment(type, name, fixture("us-explicit.dcm"), true), chunk);
      EXPECT_EQ(sink.body("2"), study("Jane Q Doe", false)) << sink.log();
      EXPECT_NE(sink.log().find("uninspected 2 " + type + ": image"), std::string::npos) << sink.log();
    }
  }
  test::RecordingSink sink;
  Walker w(Limits{}, sink);
  test::feed_message(w, test::message_with_attachment("application/dicom", "x.dcm", file("1.2.840.10008.1.2.1.99", kName), true), 0);
  EXPECT_NE(sink.log().find("uninspected 2 application/dicom: binary"), std::string::npos) << sink.log();
  EXPECT_TRUE(w.had_errors());
}

TEST(DicomText, DicomFilesInAZipAreRead) {
  std::string zip = test::make_zip({{"STUDY/IM000001", fixture("us-explicit.dcm")}, {"STUDY/IM000002.dcm", fixture("xr-jpeg.dcm")},
                                    {"STUDY/bad.dcm", file("1.2.840.10008.1.2.1.99", kName)}});
  for (size_t chunk : {0, 7}) {
    test::RecordingSink sink;
    Walker w(Limits{}, sink);
    test::feed_message(w, test::message_with_attachment("application/zip", "study.zip", zip, true), chunk);
    std::string log = sink.log();  // the entries' texts, reports between them
    EXPECT_NE(log.find("body 2: " + study("Jane Q Doe", false)), std::string::npos) << log;
    EXPECT_NE(log.find("\nInstitution: Springfield General Hospital\nStudy description: XR CHEST 2 VIEWS\n"), std::string::npos) << log;
    // Reported once each: the pixels, and the deflated file not read.
    EXPECT_NE(sink.log().find("uninspected 2 application/zip: image"), std::string::npos) << sink.log();
    EXPECT_NE(sink.log().find("uninspected 2 application/zip: binary"), std::string::npos) << sink.log();
  }
}

TEST(DicomText, ThePixelsAreNotCountedAgainstThePartLimit) {
  std::string f = file(kExplicit, kName + element(0x7FE0, 0x0010, "OB", std::string(300000, 'p')));
  test::RecordingSink sink;
  Limits lim;
  lim.max_part_bytes = 100000;
  Walker w(lim, sink);
  test::feed_message(w, test::message_with_attachment("application/dicom", "x.dcm", f, true), 4096);
  EXPECT_EQ(sink.body("2"), "Patient name: Jane Doe\n");
  EXPECT_EQ(sink.log().find("size-limit"), std::string::npos) << sink.log();
  EXPECT_FALSE(w.truncated());
}

TEST(DicomText, TenThousandHostileRepeats) {
  std::string one = element(0x0040, 0x0275, "SQ", "");  // an empty sequence
  std::string undefined_sq = le16(0x0040) + le16(0x0275) + "SQ" + std::string(2, '\0') + le32(0xFFFFFFFF);
  std::string item = le16(0xFFFE) + le16(0xE000) + le32(0xFFFFFFFF), item_end = le16(0xFFFE) + le16(0xE00D) + le32(0),
              seq_end = le16(0xFFFE) + le16(0xE0DD) + le32(0);
  std::string repeat = one + undefined_sq + item + kName + item_end + seq_end + element(0x0009, 0x0010, "UN", std::string(9, 'u')) +
                       element(0x0008, 0x0005, "CS", "ISO_IR 192");
  std::string data;
  for (int i = 0; i < 10000; ++i) data += repeat;
  Read r = read(file(kExplicit, data), 999);
  EXPECT_FALSE(r.errors);
  EXPECT_EQ(std::count(r.text.begin(), r.text.end(), '\n'), 10000);
  // Encapsulated documents: 10,000 PDFs, each given whole to the reader and
  // ended, and 10,000 values too short to tell, skipped; kEmbeddedDocumentHead
  // bytes held at a time.
  std::string docs;
  for (int i = 0; i < 10000; ++i) docs += element(0x0042, 0x0011, "OB", "%PDF-1") + element(0x0042, 0x0011, "OB", "%P");
  FakeDocument doc;
  DicomText d(&doc);
  std::string out;
  std::string f = file(kExplicit, docs);
  for (size_t i = 0; i < f.size(); i += 997) d.feed(std::string_view(f).substr(i, 997), out);
  d.finish(out);
  EXPECT_EQ(doc.begun, 10000);
  EXPECT_EQ(doc.got.size(), 60000u);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 10000);
  EXPECT_EQ(d.unread(), "binary");  // the short ones
}

// The .bmp file a frame of `columns` by `rows` becomes: `pixels` (one byte
// a pixel, grey, or three, blue green red, a row after another, top down)
// in rows padded to 4 bytes, under a 40-byte header whose height is
// negative (top down), with a palette of 256 greys (`inverted`: 0 white)
// for grey ones (or `colours`, 256 entries of blue, green, red and 0).
std::string bmp(uint32_t columns, uint32_t rows, const std::string& pixels, bool gray, bool inverted = false,
                const std::string& colours = "") {
  const uint32_t written = columns * (gray ? 1 : 3), row = (written + 3) / 4 * 4;
  std::string data;
  for (uint32_t y = 0; y < rows; ++y) data += pixels.substr(y * written, written) + std::string(row - written, '\0');
  std::string palette = colours;  // blue, green, red, 0 for each of 256
  for (int g = 0; g < 256 && gray && colours.empty(); ++g) {
    char c = static_cast<char>(inverted ? 255 - g : g);
    palette += std::string{c, c, c, '\0'};
  }
  const uint32_t offset = 14 + 40 + static_cast<uint32_t>(palette.size());
  return "BM" + le32(offset + static_cast<uint32_t>(data.size())) + le32(0) + le32(offset) + le32(40) + le32(columns) +
         le32(static_cast<uint32_t>(-static_cast<int32_t>(rows))) + le16(1) + le16(gray ? 8 : 24) + le32(0) +
         le32(static_cast<uint32_t>(data.size())) + le32(0) + le32(0) + le32(gray ? 256 : 0) + le32(0) + palette + data;
}

// What a DicomText with a FakeDocument gives it, fed `f` in chunks.
struct Pictured {
  std::string kinds, got, text, unread;
  bool pixels;
};
Pictured picture(const std::string& f, size_t chunk) {
  FakeDocument doc;
  DicomText d(&doc);
  std::string out;
  for (size_t i = 0; i < f.size(); i += chunk) {
    std::string piece;
    d.feed(std::string_view(f).substr(i, chunk), piece);
    out += piece;
  }
  d.finish(out);
  return {doc.kinds, doc.got, out, std::string(d.unread()), d.pixels()};
}

// A 5 by 3 frame: grey levels 0, 40, ... across, 10 more a row down.
constexpr uint16_t kW = 5, kH = 3;
const std::string kPad(1, '\0');  // a value's padding to an even length
uint8_t level(int x, int y) { return static_cast<uint8_t>(40 * x + 10 * y); }
std::string frame(const std::function<std::string(uint8_t)>& stored) {
  std::string s;
  for (int y = 0; y < kH; ++y)
    for (int x = 0; x < kW; ++x) s += stored(level(x, y));
  return s;
}
const std::string kLevels = frame([](uint8_t v) { return std::string(1, static_cast<char>(v)); });

TEST(DicomText, TheFirstFrameOfNativePixelsIsGivenAsABmpFile) {
  using test::ImageAttributes;
  using test::image_attributes;
  using test::pixel_data;
  auto one = [](uint8_t v) { return std::string(1, static_cast<char>(v)); };
  struct Case {
    std::string name, syntax, data_set, want;
  };
  std::string second_frame = frame([](uint8_t) { return std::string(1, '\xEE'); });
  const std::vector<Case> cases = {
      {"8-bit grey, two frames: the first", kExplicit,
       image_attributes({kW, kH, 1, "MONOCHROME2", 8}) + pixel_data(frame(one) + second_frame), bmp(kW, kH, kLevels, true)},
      {"MONOCHROME1: 0 is white", kExplicit, image_attributes({kW, kH, 1, "MONOCHROME1", 8}) + pixel_data(frame(one)),
       bmp(kW, kH, kLevels, true, true)},
      {"16-bit, 12 stored, bits above them set", kExplicit, image_attributes({kW, kH, 1, "MONOCHROME2", 16, 12}) +
           pixel_data(frame([](uint8_t v) { return le16(static_cast<uint16_t>(0xF000 | (v << 4) | 0x9)); })),
       bmp(kW, kH, kLevels, true)},
      {"16-bit signed: the lowest value black", kExplicit, image_attributes({kW, kH, 1, "MONOCHROME2", 16, 12, 1}) +
           pixel_data(frame([](uint8_t v) { return le16(static_cast<uint16_t>((v << 4) - 2048)); })),
       bmp(kW, kH, kLevels, true)},
      {"16-bit big endian", test::kExplicitBig, image_attributes({kW, kH, 1, "MONOCHROME2", 16, 16, 0, 0, true}) +
           pixel_data(frame([](uint8_t v) { return test::be16(static_cast<uint16_t>(v << 8 | 0x7F)); }), true),
       bmp(kW, kH, kLevels, true)},
      {"RGB: blue green red", kExplicit, image_attributes({kW, kH, 3, "RGB", 8}) +
           pixel_data(frame([](uint8_t v) { return std::string{static_cast<char>(v), 'g', 'b'}; }) + kPad),
       bmp(kW, kH, frame([](uint8_t v) { return std::string{'b', 'g', static_cast<char>(v)}; }), false)},
      {"RGB by planes: the first", kExplicit, image_attributes({kW, kH, 3, "RGB", 8, 8, 0, 1}) +
           pixel_data(kLevels + std::string(2 * kW * kH, 'x') + kPad),
       bmp(kW, kH, kLevels, true)},
      {"YBR_FULL: Y", kExplicit, image_attributes({kW, kH, 3, "YBR_FULL", 8}) +
           pixel_data(frame([](uint8_t v) { return std::string{static_cast<char>(v), 'b', 'r'}; }) + kPad),
       bmp(kW, kH, kLevels, true)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::string f = file(c.syntax, (c.syntax == test::kExplicitBig ? test::element_be(0x0010, 0x0010, "PN", "DOE^JANE") : kName) + c.data_set);
    for (size_t chunk : {size_t(1), size_t(2), size_t(3), size_t(7), f.size()}) {
      Pictured p = picture(f, chunk);
      EXPECT_EQ(p.kinds, "image ") << chunk;
      EXPECT_EQ(p.got, c.want) << chunk;
      EXPECT_EQ(p.text, "Patient name: Jane Doe\n[" + std::to_string(c.want.size()) + " bytes]\n") << chunk;
      EXPECT_EQ(p.unread, "");
      EXPECT_TRUE(p.pixels);
    }
  }
  EXPECT_TRUE(is_image(bmp(kW, kH, kLevels, true)));
  // What the picture's reader says of it is what is reported; a file cut
  // inside the frame gives what it has, and the reader ends it.
  std::string f = file(kExplicit, image_attributes({kW, kH, 1, "MONOCHROME2", 8}) + pixel_data(kLevels + kPad));
  FakeDocument little;
  little.reason = "image";  // OCR read too little, or is off
  DicomText d(&little);
  std::string out;
  d.feed(f, out);
  EXPECT_EQ(d.unread(), "image");
  Pictured cut = picture(f.substr(0, f.size() - 8), 4);
  EXPECT_EQ(cut.got, bmp(kW, kH, kLevels, true).substr(0, bmp(kW, kH, kLevels, true).size() - 13));  // 8 pixels: a row, its padding, 3 of the next
  EXPECT_EQ(cut.unread, "");
}

TEST(DicomText, AnIconsPixelsInASequenceAreSkippedAndItsAttributesIgnored) {
  using test::ImageAttributes;
  using test::image_attributes;
  using test::pixel_data;
  std::string icon = image_attributes({1, 1, 1, "MONOCHROME1", 8}) + pixel_data(std::string(2, '\x11'));
  std::string defined = element(0x0088, 0x0200, "SQ", le16(0xFFFE) + le16(0xE000) + le32(static_cast<uint32_t>(icon.size())) + icon);
  std::string undefined = le16(0x0088) + le16(0x0200) + "SQ" + std::string(2, '\0') + le32(0xFFFFFFFF) + le16(0xFFFE) +
                          le16(0xE000) + le32(0xFFFFFFFF) + icon + le16(0xFFFE) + le16(0xE00D) + le32(0) + le16(0xFFFE) +
                          le16(0xE0DD) + le32(0);
  for (const std::string& sequence : {defined, undefined}) {
    std::string f = file(kExplicit, image_attributes({kW, kH, 1, "MONOCHROME2", 8}) + sequence + kName + pixel_data(kLevels + kPad));
    for (size_t chunk : {size_t(1), size_t(5), f.size()}) {
      Pictured p = picture(f, chunk);
      EXPECT_EQ(p.got, bmp(kW, kH, kLevels, true)) << chunk;
      EXPECT_EQ(p.kinds, "image ");
      EXPECT_NE(p.text.find("Patient name: Jane Doe\n"), std::string::npos);  // read after the icon
    }
  }
}

TEST(DicomText, TheFirstFrameOfAJpegOrJpeg2000IsItsFragmentsToTheEndOfImage) {
  const std::string first = "\xFF\xD8\xFF\xE0" + std::string(100, 'j'), rest = std::string(9, 'k') + "\xFF\xD9\0";
  const std::string second = "\xFF\xD8\xFF\xE0" + std::string(50, 's') + "\xFF\xD9";
  std::string f = file(test::kJpegBaseline, kName + test::image_attributes({kW, kH, 3, "YBR_FULL_422", 8}) +
                                                test::encapsulated(le32(0) + le32(128), {first, rest, second}));
  for (size_t chunk : {size_t(1), size_t(3), size_t(8), f.size()}) {
    Pictured p = picture(f, chunk);
    EXPECT_EQ(p.kinds, "image ") << chunk;
    EXPECT_EQ(p.got, first + rest) << chunk;  // not the offsets, not the second frame
    EXPECT_EQ(p.unread, "");
  }
  // A JPEG 2000 codestream (its end marker is JPEG's) in a JPEG 2000 transfer syntax.
  const std::string codestream = "\xFF\x4F\xFF\x51" + std::string(40, 'c'), codestream_end = std::string(6, 'd') + "\xFF\xD9";
  for (const char* syntax : {"1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91"}) {
    Pictured p = picture(file(syntax, test::encapsulated("", {codestream, codestream_end, second})), 5);
    EXPECT_EQ(p.kinds, "image ") << syntax;
    EXPECT_EQ(p.got, codestream + codestream_end) << syntax;
  }
  // An empty offset table; one fragment without the marker, then the sequence's end.
  std::string g = file(test::kJpegBaseline, test::encapsulated("", {first}));
  EXPECT_EQ(picture(g, 3).got, first);
  // Cut inside a fragment: what came, ended.
  Pictured cut = picture(f.substr(0, f.size() - 100), 7);
  EXPECT_EQ(cut.got, (first + rest).substr(0, cut.got.size()));
  EXPECT_GT(cut.got.size(), 4u);
  EXPECT_NE(cut.text.find(" bytes]\n"), std::string::npos);
}

// RLE Lossless: one fragment a frame, a 64-byte header naming the
// segments, PackBits runs; the first segment (a grey frame, or a colour
// frame's first plane) is the picture.
TEST(DicomText, TheFirstSegmentOfAnRleFrameIsDecodedIntoTheBmpFile) {
  using test::image_attributes;
  const std::string pixels = std::string("\x01\x02\x03\x04", 4) + std::string(6, '\x77') + std::string("\x10\x20\x30\x40\x50", 5);
  // A no-op, a literal run of 4, a repeat of 6, a literal run of 5, and a byte past the frame.
  const std::string runs = std::string("\x80\x03\x01\x02\x03\x04\xFB\x77\x04\x10\x20\x30\x40\x50\x00\x99", 16);
  auto header = [](uint32_t segments, uint32_t first) {
    std::string h = le32(segments) + le32(first);
    for (uint32_t i = 1; i < segments; ++i) h += le32(first + 16 * i);
    return h + std::string(64 - h.size(), '\0');
  };
  const std::string rle = "1.2.840.10008.1.2.5";
  const std::string grey = file(rle, kName + image_attributes({kW, kH, 1, "MONOCHROME2", 8}) +
                                        test::encapsulated("", {header(1, 64) + runs}));
  // Three planes: red first; the header names them, with 16 bytes before the first.
  const std::string colour = file(rle, kName + image_attributes({kW, kH, 3, "RGB", 8}) +
                                          test::encapsulated(le32(0), {header(3, 80) + std::string(16, 'x') + runs +
                                                                       std::string(32, '\x81')}));
  for (const std::string& f : {grey, colour}) {
    for (size_t chunk : {size_t(1), size_t(2), size_t(5), f.size()}) {
      Pictured p = picture(f, chunk);
      EXPECT_EQ(p.kinds, "image ") << chunk;
      EXPECT_EQ(p.got, bmp(kW, kH, pixels, true)) << chunk;
      EXPECT_EQ(p.unread, "");
    }
  }
  // Cut in the runs: the pixels decoded so far; a header that is none, or
  // a file cut inside the header: nothing given, the pixels "image".
  Pictured cut = picture(grey.substr(0, grey.size() - 8 - 16 + 7), 3);  // the runs up to the repeat
  EXPECT_EQ(cut.got, bmp(kW, kH, pixels, true).substr(0, 1078) + pixels.substr(0, 4));
  for (const std::string& f : {file(rle, image_attributes({kW, kH, 1, "MONOCHROME2", 8}) + test::encapsulated("", {header(0, 64) + runs})),
                               file(rle, image_attributes({kW, kH, 1, "MONOCHROME2", 8}) + test::encapsulated("", {header(1, 60) + runs})),
                               grey.substr(0, grey.size() - 8 - 16 - 20)}) {
    Pictured none = picture(f, 7);
    EXPECT_EQ(none.kinds, "");
    EXPECT_EQ(none.unread, "image");
  }
  // 16 bits (two segments a sample) are not read.
  Pictured wide = picture(file(rle, image_attributes({kW, kH, 1, "MONOCHROME2", 16}) + test::encapsulated("", {header(2, 64) + runs})), 5);
  EXPECT_EQ(wide.kinds, "");
  EXPECT_EQ(wide.unread, "image");
}

// PALETTE COLOR (an ultrasound's colour flow, a secondary capture saved
// with a palette): 8-bit values through the palette the red, green and
// blue lookup tables make: 16-bit entries by their high byte (by their low
// one when none exceeds 255), 8-bit entries as they are, values below the
// first mapped taking the first entry and past the last the last; stored
// and RLE-compressed alike.
TEST(DicomText, APaletteColourFrameIsGivenWithItsPalette) {
  using test::image_attributes;
  using test::pixel_data;
  auto r = [](uint32_t i) { return static_cast<uint16_t>(i); };
  auto g = [](uint32_t i) { return static_cast<uint16_t>(255 - i); };
  auto b = [](uint32_t i) { return static_cast<uint16_t>(i / 2); };
  auto colour = [&](uint16_t c, uint32_t i) { return c == 0 ? r(i) : c == 1 ? g(i) : b(i); };
  // The palette a value v gets from tables of `entries` starting at `first`.
  auto expected = [&](uint32_t entries, uint32_t first) {
    std::string p;
    for (uint32_t v = 0; v < 256; ++v) {
      uint32_t i = v < first ? 0 : std::min(v - first, entries - 1);
      p += std::string{static_cast<char>(b(i)), static_cast<char>(g(i)), static_cast<char>(r(i)), '\0'};
    }
    return p;
  };
  const std::string attrs = image_attributes({kW, kH, 1, "PALETTE COLOR", 8});
  struct Case {
    std::string name, tables, palette;
  };
  const std::vector<Case> cases = {
      {"16-bit entries", test::palette_tables(256, 0, 16, [&](uint16_t c, uint32_t i) { return uint16_t(colour(c, i) << 8 | 0x7F); }),
       expected(256, 0)},
      {"16-bit entries holding 8-bit colours", test::palette_tables(256, 0, 16, colour), expected(256, 0)},
      {"8-bit entries, 16 of them from 4", test::palette_tables(16, 4, 8, colour), expected(16, 4)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    for (size_t step : {size_t(1), size_t(3), size_t(100000)}) {
      Pictured p = picture(file(kExplicit, attrs + c.tables + pixel_data(kLevels + kPad)), step);
      EXPECT_EQ(p.kinds, "image ");
      EXPECT_EQ(p.got, bmp(kW, kH, kLevels, true, false, c.palette)) << step;
      EXPECT_EQ(p.unread, "");
    }
  }
  std::string runs = static_cast<char>(kLevels.size() - 1) + kLevels;  // RLE: one segment, one literal run
  const std::string rle_header = le32(1) + le32(64) + std::string(56, '\0');
  Pictured rle = picture(file("1.2.840.10008.1.2.5", attrs + cases[0].tables + test::encapsulated("", {rle_header + runs})), 5);
  EXPECT_EQ(rle.got, bmp(kW, kH, kLevels, true, false, cases[0].palette));
  // A table shorter than its descriptor, a descriptor of 12 bits an entry: not read.
  const std::string full = test::palette_tables(256, 0, 16, colour);
  const std::string short_table = full.substr(0, full.size() - (12 + 512)) + test::element(0x0028, 0x1203, "OW", std::string(100, 'b'));
  for (const std::string& t : {short_table, test::palette_tables(256, 0, 12, colour)}) {
    Pictured p = picture(file(kExplicit, attrs + t + pixel_data(kLevels + kPad)), 7);
    EXPECT_EQ(p.kinds, "");
    EXPECT_EQ(p.unread, "image");
  }
}

TEST(DicomText, PixelsOfOtherFormatsAreNotReadButReported) {
  using test::image_attributes;
  using test::pixel_data;
  struct Case {
    std::string name, f;
  };
  const std::string jpeg = "\xFF\xD8\xFF\xE0" + std::string(100, 'j') + "\xFF\xD9";
  const std::vector<Case> cases = {
      {"palette colour without its tables", file(kExplicit, image_attributes({kW, kH, 1, "PALETTE COLOR", 8}) + pixel_data(kLevels + kPad))},
      {"16-bit palette colour", file(kExplicit, image_attributes({kW, kH, 1, "PALETTE COLOR", 16}) +
                                                    test::palette_tables(256, 0, 16, [](uint16_t, uint32_t i) { return uint16_t(i << 8); }) +
                                                    pixel_data(kLevels + kLevels + kPad + kPad))},
      {"12 bits allocated", file(kExplicit, image_attributes({kW, kH, 1, "MONOCHROME2", 12}) + pixel_data(kLevels + kPad))},
      {"YBR_FULL_422 stored native", file(kExplicit, image_attributes({kW, kH, 3, "YBR_FULL_422", 8}) + pixel_data(kLevels + kPad))},
      {"fewer bytes than the frame", file(kExplicit, image_attributes({kW, kH, 1, "MONOCHROME2", 8}) + pixel_data(kLevels.substr(1)))},
      {"no rows", file(kExplicit, element(0x0028, 0x0004, "CS", "MONOCHROME2 ") + pixel_data(kLevels + kPad))},
      {"RLE without its header", file("1.2.840.10008.1.2.5", image_attributes({kW, kH, 1, "MONOCHROME2", 8}) + test::encapsulated("", {jpeg}))},
      {"HTJ2K", file("1.2.840.10008.1.2.4.201", image_attributes({kW, kH, 1, "MONOCHROME2", 8}) + test::encapsulated("", {jpeg}))},
      {"JPEG lossless", file("1.2.840.10008.1.2.4.70", image_attributes({kW, kH, 1, "MONOCHROME2", 8}) + test::encapsulated("", {jpeg}))},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Pictured p = picture(c.f, 3);
    EXPECT_EQ(p.kinds, "");
    EXPECT_EQ(p.unread, "image");
    EXPECT_TRUE(p.pixels);
  }
  // Without an EmbeddedDocument nothing is given: the pixels are "image".
  DicomText none;
  std::string out;
  none.feed(file(kExplicit, image_attributes({kW, kH, 1, "MONOCHROME2", 8}) + pixel_data(kLevels + kPad)), out);
  EXPECT_EQ(none.unread(), "image");
}

// Through the Walker: an attached file's first frame goes to the image
// reader (OCR in the daemon), its text after the file's lines; one under
// the reader's minimum, or with no image reader, is reported "image".
TEST(DicomText, AnAttachedFilesFrameGoesToTheImageReader) {
  std::string levels;
  for (int i = 0; i < 16; ++i) levels.push_back(static_cast<char>(i));
  const std::string frame = bmp(4, 4, levels, true);  // us-explicit.dcm: 4 by 4, 0 to 15
  for (size_t chunk : {0, 1, 100}) {
    PdfReader r;
    r.images = true;
    r.line = "Burned in: DOE^JANE 00482913\n";
    test::RecordingSink sink;
    Walker w(Limits{}, sink, &r);
    test::feed_message(w, test::message_with_attachment("application/dicom", "IM000001.dcm", fixture("us-explicit.dcm"), true), chunk);
    EXPECT_EQ(r.bytes, frame);
    EXPECT_EQ(sink.body("2"), study("Jane Q Doe", false) + r.line) << sink.log();
    EXPECT_TRUE(sink.reasons.empty()) << sink.log();
    PdfReader big;
    big.images = true;
    big.min = frame.size() + 1;
    test::RecordingSink small;
    Walker ws(Limits{}, small, &big);
    test::feed_message(ws, test::message_with_attachment("application/dicom", "IM000001.dcm", fixture("us-explicit.dcm"), true), chunk);
    EXPECT_EQ(big.bytes, "");
    EXPECT_EQ(small.reasons, std::vector<std::string>{"image"}) << small.log();
  }
}

TEST(DicomText, SequencesNestedDeeperThanTheLimitAreAnError) {
  std::string open_sq = le16(0x0040) + le16(0x0275) + "SQ" + std::string(2, '\0') + le32(0xFFFFFFFF);
  std::string item = le16(0xFFFE) + le16(0xE000) + le32(0xFFFFFFFF);
  std::string at_limit, over;
  for (size_t i = 0; i < kMaxDicomDepth / 2; ++i) at_limit += open_sq + item;
  over = at_limit + open_sq;
  Read ok = read(file(kExplicit, at_limit + kName));
  EXPECT_FALSE(ok.errors);
  EXPECT_EQ(ok.text, "Patient name: Jane Doe\n");
  Read deep = read(file(kExplicit, over + kName));
  EXPECT_TRUE(deep.errors);
  EXPECT_EQ(deep.text, "");
}

}  // namespace
}  // namespace phi::mime
