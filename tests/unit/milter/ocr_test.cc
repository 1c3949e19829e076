// Tests of ImageOcr with the real tesseract (scripts/setup installs
// tesseract-ocr): text out of scanned pages as PNG, JPEG, TIFF, BMP and
// JPEG 2000, out of a DICOM file's frame and a metafile's bitmap (through
// the Walker), images without text and damaged ones, and, with a stand-in
// script, what the child is given. The limits, timeouts and slots are
// ConverterRun's, tested through PdfToText (pdftext_test.cc).
#include "milter/ocr.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "milter/mime/embedded.h"
#include "milter/mime/walker.h"
#include "tests/unit/escrow/test_util.h"
#include "tests/unit/milter/document_builders.h"
#include "tests/unit/mime/dicom_builder.h"
#include "tests/unit/mime/metafile_builder.h"
#include "tests/unit/mime/recording_sink.h"
#include "tests/unit/mime/zip_builder.h"

namespace phi {
namespace {

using escrow::testing::TempDir;
using test::extract;
using test::make_pdf;
using test::render;
using namespace std::chrono_literals;

const std::string kTesseract = "/usr/bin/tesseract";

std::string fixture(const std::string& name) {
  const char* srcdir = std::getenv("srcdir");
  std::ifstream f(std::string(srcdir ? srcdir : ".") + "/tests/unit/milter/data/" + name, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

OcrOptions options(const std::string& program) {
  OcrOptions o;
  o.program = program;
  return o;
}

class ImageOcrTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::access(kTesseract.c_str(), X_OK), 0) << kTesseract << " missing: scripts/setup installs tesseract-ocr";
  }
  TempDir dir;
};

// A faxed referral: the words are only pixels.
const std::string kReferral = "Referral: Diego Lopez DOB 10/08/2001 MRN 4471823 diabetes";

TEST_F(ImageOcrTest, TextOfAScannedPageInEachFormat) {
  ImageOcr reader(options(kTesseract));
  std::string pdf = make_pdf({kReferral});
  for (const char* format : {"png", "jpeg", "tiff"}) {
    std::string image = render(pdf, format);
    ASSERT_FALSE(image.empty()) << format << ": pdftoppm failed";
    ASSERT_EQ(image.find("Diego"), std::string::npos) << "the text must not be in the image's bytes";
    test::Outcome o = extract(reader, "image", image, 4096);
    ASSERT_TRUE(o.opened);
    EXPECT_EQ(o.reason, "") << format;
    EXPECT_NE(o.text.find("Diego Lopez"), std::string::npos) << format << ": " << o.text;
    EXPECT_NE(o.text.find("4471823"), std::string::npos) << format << ": " << o.text;
  }
}

// A screenshot saved by Paint, or a bitmap an Office file keeps (given as
// a .bmp file), and JPEG 2000 (a JP2 file, or the bare codestream DICOM
// stores: fixtures written by openjpeg, data/README): read as the other
// formats are.
TEST_F(ImageOcrTest, TextOfBmpAndJpeg2000Files) {
  const std::vector<std::pair<std::string, std::string>> images = {
      {"bmp", test::make_bmp(kReferral)}, {"referral.j2k", fixture("referral.j2k")}, {"referral.jp2", fixture("referral.jp2")}};
  for (const auto& [name, image] : images) {
    SCOPED_TRACE(name);
    ASSERT_FALSE(image.empty()) << "pdftoppm failed, or the fixture is missing";
    ASSERT_TRUE(mime::is_image(image));
    test::Outcome o = extract(ImageOcr(options(kTesseract)), "image", image, 4096);
    EXPECT_EQ(o.reason, "");
    EXPECT_NE(o.text.find("Diego Lopez"), std::string::npos) << o.text;
    EXPECT_NE(o.text.find("4471823"), std::string::npos) << o.text;
  }
}

// A DICOM file's first frame with a name and MRN burned into its pixels (an
// ultrasound frame, a screen capture; its data set de-identified): read by
// tesseract through the Walker, stored 8-bit grey, as RGB, with a palette,
// RLE, JPEG and JPEG 2000 (12 KB: read with a lower OcrMinBytes).
TEST_F(ImageOcrTest, TextBurnedIntoADicomFrame) {
  using namespace mime::test;
  test::GrayPage page = test::gray_page(kReferral);
  ASSERT_FALSE(page.pixels.empty()) << "pdftoppm failed";
  std::string jpeg = render(make_pdf({kReferral}), "jpeg");
  ASSERT_FALSE(jpeg.empty()) << "pdftoppm failed";
  const auto w = static_cast<uint16_t>(page.width), h = static_cast<uint16_t>(page.height);
  std::string pixels = page.pixels.substr(0, page.width * page.height), rgb;
  for (char c : pixels) rgb += std::string{c, c, c};
  auto even = [](std::string s) { return s.size() % 2 ? s + '\0' : s; };
  std::string runs = le32(1) + le32(64) + std::string(56, '\0');  // RLE: one segment, literal runs of 128
  for (size_t i = 0; i < pixels.size(); i += 128) {
    std::string run = pixels.substr(i, 128);
    runs += static_cast<char>(run.size() - 1) + run;
  }
  const std::string anonymous = element(0x0010, 0x0010, "PN", "ANONYMOUS ");
  const std::vector<std::pair<std::string, std::string>> files = {
      {"grey", dicom_file(kExplicitLittle, anonymous + image_attributes({w, h, 1, "MONOCHROME2", 8}) + pixel_data(even(pixels)))},
      {"rgb", dicom_file(kExplicitLittle, anonymous + image_attributes({w, h, 3, "RGB", 8}) + pixel_data(even(rgb)))},
      {"palette", dicom_file(kExplicitLittle, anonymous + image_attributes({w, h, 1, "PALETTE COLOR", 8}) +
                                                  palette_tables(256, 0, 16, [](uint16_t c, uint32_t i) {
                                                    return static_cast<uint16_t>(c == 2 ? 0xFFFF : i << 8);  // blue ink on white
                                                  }) +
                                                  pixel_data(even(pixels)))},
      {"rle", dicom_file("1.2.840.10008.1.2.5", anonymous + image_attributes({w, h, 1, "MONOCHROME2", 8}) +
                                                     encapsulated("", {even(runs)}))},
      {"j2k", dicom_file("1.2.840.10008.1.2.4.90", anonymous + image_attributes({w, h, 1, "MONOCHROME2", 8}) +
                                                      encapsulated("", {even(fixture("referral.j2k"))}))},
      {"jpeg", dicom_file(kJpegBaseline, anonymous + image_attributes({w, h, 1, "MONOCHROME2", 8}) +
                                            encapsulated("", {jpeg.substr(0, 1000), even(jpeg.substr(1000))}))}};
  OcrOptions o = options(kTesseract);
  o.min_bytes = 4096;
  Converters docs(nullptr, std::make_shared<ImageOcr>(o));
  for (const auto& [name, dcm] : files) {
    SCOPED_TRACE(name);
    ASSERT_EQ(dcm.find("Diego"), std::string::npos);
    mime::test::RecordingSink sink;
    mime::Walker walker(mime::Limits{}, sink, &docs);
    mime::test::feed_message(walker, mime::test::message_with_attachment("application/dicom", "IM000001.dcm", dcm, true), 65536);
    walker.finish();
    std::string body = sink.body("2");
    EXPECT_TRUE(sink.reasons.empty()) << sink.log();
    EXPECT_NE(body.find("Diego Lopez"), std::string::npos) << body;
    EXPECT_NE(body.find("4471823"), std::string::npos) << body;
  }
}

// A screenshot of the EHR pasted as a metafile ("Paste Special: Picture
// (Enhanced Metafile)", a program that prints to EMF) and sent alone or
// kept in a DOCX: the bitmap the EMF or WMF draws is read by tesseract
// through the Walker as the .bmp file it would be.
TEST_F(ImageOcrTest, TextOfAScreenshotPastedAsAMetafile) {
  using namespace mime::test;
  const std::string bmp = test::make_bmp(kReferral, true);
  ASSERT_FALSE(bmp.empty()) << "pdftoppm failed";
  const size_t bmi = 40 + 256 * 4;  // make_bmp's header and grey palette
  const std::string emf = make_emf({}, false, {emf_bitmap(0x51, bmp.substr(14, bmi), bmp.substr(14 + bmi))});
  const std::string wmf = make_wmf({}, true, {wmf_bitmap(0x0F43, bmp.substr(14))});
  const std::string docx = make_zip({{"[Content_Types].xml", "<Types/>"},
                                     {"word/document.xml", "<w:document><w:body><w:p><w:r><w:t>See below.</w:t>"
                                                           "</w:r></w:p></w:body></w:document>"},
                                     {"word/media/image1.emf", emf}});
  Converters docs(nullptr, std::make_shared<ImageOcr>(options(kTesseract)));
  const std::vector<std::array<std::string, 3>> files = {
      {"image/x-emf", "screenshot.emf", emf},
      {"image/x-wmf", "screenshot.wmf", wmf},
      {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "note.docx", docx}};
  for (const auto& [type, name, bytes] : files) {
    SCOPED_TRACE(name);
    ASSERT_EQ(bytes.find("Diego"), std::string::npos);
    RecordingSink sink;
    mime::Walker walker(mime::Limits{}, sink, &docs);
    feed_message(walker, message_with_attachment(type, name, bytes), 65536);
    walker.finish();
    std::string body = sink.body("2");
    EXPECT_TRUE(sink.reasons.empty()) << sink.log();
    EXPECT_NE(body.find("Diego Lopez"), std::string::npos) << body;
    EXPECT_NE(body.find("4471823"), std::string::npos) << body;
  }
}

TEST_F(ImageOcrTest, AnImageWithoutTextIsUninspected) {
  ImageOcr reader(options(kTesseract));
  std::string blank = render(make_pdf({""}), "png");  // a grey box: a photograph, as far as OCR knows
  ASSERT_FALSE(blank.empty());
  EXPECT_EQ(extract(reader, "image", blank).reason, "image");
}

TEST_F(ImageOcrTest, ADamagedImageIsUninspected) {
  ImageOcr reader(options(kTesseract));
  std::string png = render(make_pdf({kReferral}), "png");
  ASSERT_GT(png.size(), 200u);
  EXPECT_EQ(extract(reader, "image", png.substr(0, 100)).reason, "image");  // cut short
  std::string garbled = png;
  for (size_t i = 50; i < garbled.size(); i += 7) garbled[i] = char(garbled[i] ^ 0x5A);
  EXPECT_EQ(extract(reader, "image", garbled).reason, "image");
}

TEST_F(ImageOcrTest, ChildGetsStdinStdoutTheLanguageAndOneThread) {
  std::string script = dir.write("args.sh",
                                 "#!/bin/sh\n"
                                 "n=0; while IFS= read -r line; do n=$((n+1)); done\n"
                                 "echo \"lines=$n args=$*\"\n"
                                 "echo \"path=$PATH omp=$OMP_THREAD_LIMIT home=${HOME-unset}\"\n"
                                 "printf 'as='; ulimit -v; printf 'fsize='; ulimit -f\n",
                                 0755);
  OcrOptions o = options(script);
  o.language = "eng+spa";
  o.memory_limit = 256ull << 20;
  ImageOcr reader(o);
  test::Outcome out = extract(reader, "image", "a\nb\n");
  EXPECT_EQ(out.reason, "");  // more than 32 characters of "text"
  EXPECT_NE(out.text.find("lines=2 args=stdin stdout -l eng+spa"), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("path=/usr/bin:/bin omp=1 home=unset"), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("as=262144\nfsize=0\n"), std::string::npos) << out.text;
  EXPECT_EQ(extract(ImageOcr(options(dir.write("fail.sh", "#!/bin/sh\nexit 1\n", 0755))), "image", "x").reason,
            "image");
}

TEST_F(ImageOcrTest, OnlyImagesAndOnlyWithAProgram) {
  ImageOcr reader(options(kTesseract));
  EXPECT_TRUE(reader.reads("image"));
  EXPECT_FALSE(reader.reads("pdf"));
  EXPECT_FALSE(reader.open("pdf"));
  EXPECT_FALSE(ImageOcr(options("")).reads("image"));
  EXPECT_FALSE(ImageOcr(options("")).open("image"));
  EXPECT_EQ(reader.min_bytes("image"), 32u * 1024);
}

TEST(OcrLanguage, OnlyNamesJoinedByPlus) {
  for (const char* ok : {"eng", "eng+spa", "chi_sim", "eng+fra+deu"}) EXPECT_TRUE(valid_ocr_language(ok)) << ok;
  for (const char* bad : {"", "+", "eng+", "+eng", "eng++spa", "eng spa", "../x", "eng;rm", "-l", "eng\n"})
    EXPECT_FALSE(valid_ocr_language(bad)) << bad;
}

// Both readers behind one: each kind to its own, nothing else.
TEST_F(ImageOcrTest, ConvertersDispatchByKind) {
  OcrOptions o = options(kTesseract);
  o.min_bytes = 1234;
  Converters both(nullptr, std::make_shared<ImageOcr>(o));
  EXPECT_TRUE(both.reads("image"));
  EXPECT_FALSE(both.reads("pdf"));  // no PDF reader: PDFs stay "pdf", never "unavailable"
  EXPECT_FALSE(both.open("pdf"));
  EXPECT_EQ(both.min_bytes("image"), 1234u);
  EXPECT_EQ(extract(both, "image", render(make_pdf({kReferral}), "png")).reason, "");
}

}  // namespace
}  // namespace phi
