// Tests of ImageOcr with the real tesseract (scripts/setup installs
// tesseract-ocr): text out of scanned pages as PNG, JPEG, TIFF, BMP and
// JPEG 2000, out of photos as HEIC and AVIF (through phimilter-heif), out of a DICOM file's frame and a metafile's bitmap (through
// the Walker), images without text and damaged ones, and, with a stand-in
// script, what the child is given. The limits, timeouts and slots are
// ConverterRun's, tested through PdfToText (pdftext_test.cc).
#include "milter/ocr.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
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

// A fax fed upside down, a page scanned or photographed sideways: tesseract
// first finds which way up the text is (OcrOrientation, on by default) and
// reads it upright. Read as it lies (OcrOrientation no: page segmentation
// alone, what phimilter did before), the upside-down page gives garbage
// without the name or the MRN, which the classifier would have passed as
// text without PHI. One line on a page: the margin (2) turns it too.
TEST_F(ImageOcrTest, APageUpsideDownOrSidewaysIsReadTurnedUpright) {
  const test::GrayPage page = test::gray_page(kReferral);
  ASSERT_FALSE(page.pixels.empty()) << "pdftoppm failed";
  ImageOcr upright(options(kTesseract));
  EXPECT_TRUE(upright.options().orientation);
  for (int quarters : {0, 1, 2, 3}) {
    SCOPED_TRACE(quarters);
    const test::GrayPage t = test::turned(page, quarters);
    ASSERT_EQ(t.width, quarters % 2 ? page.height : page.width);
    test::Outcome o = extract(upright, "image", test::bmp_of(t), 4096);
    EXPECT_EQ(o.reason, "");
    EXPECT_NE(o.text.find("Diego Lopez"), std::string::npos) << o.text;
    EXPECT_NE(o.text.find("4471823"), std::string::npos) << o.text;
  }
  OcrOptions lying = options(kTesseract);
  lying.orientation = false;
  test::Outcome o = extract(ImageOcr(lying), "image", test::bmp_of(test::turned(page, 2)), 4096);
  EXPECT_EQ(o.text.find("4471823"), std::string::npos) << o.text;
  EXPECT_EQ(o.text.find("Lopez"), std::string::npos) << o.text;
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

// phimilter-heif as built (make builds it before the tests run).
std::string heif_decoder() {
  const char* top = std::getenv("top_builddir");
  return std::string(top ? top : ".") + "/phimilter-heif";
}

// A page photographed with an iPhone (HEIC: HEVC in HEIF) or kept as AVIF
// (fixtures written by libheif's heif-enc, data/README): decoded by
// phimilter-heif, then read by tesseract, whole and fed 5 bytes at a time
// (the 12 bytes that tell a HEIF image arrive in three pieces), alone and
// through the Walker as an iPhone's attachment.
TEST_F(ImageOcrTest, TextOfAHeifPhoto) {
  ASSERT_EQ(::access(heif_decoder().c_str(), X_OK), 0) << heif_decoder() << " not built";
  OcrOptions o = options(kTesseract);
  o.heif_program = heif_decoder();
  o.min_bytes = 1024;
  ImageOcr reader(o);
  for (const char* name : {"referral.heic", "referral.avif"}) {
    std::string photo = fixture(name);
    ASSERT_GT(photo.size(), 1024u) << name << " missing";
    ASSERT_TRUE(mime::is_heif(photo) && mime::is_image(photo)) << name;
    for (size_t chunk : {size_t{5}, size_t{65536}}) {
      test::Outcome out = extract(reader, "image", photo, chunk);
      ASSERT_TRUE(out.opened);
      EXPECT_EQ(out.reason, "") << name << " " << chunk;
      EXPECT_NE(out.text.find("Diego Lopez"), std::string::npos) << name << ": " << out.text;
      EXPECT_NE(out.text.find("4471823"), std::string::npos) << name << ": " << out.text;
    }
  }
  Converters docs(nullptr, std::make_shared<ImageOcr>(o));
  mime::test::RecordingSink sink;
  mime::Walker walker(mime::Limits{}, sink, &docs);
  mime::test::feed_message(walker, mime::test::message_with_attachment("image/heic", "IMG_0412.HEIC", fixture("referral.heic"), true),
                           65536);
  walker.finish();
  EXPECT_TRUE(sink.reasons.empty()) << sink.log();
  EXPECT_NE(sink.body("2").find("Diego Lopez"), std::string::npos) << sink.log();
}

// The daemon runs as its own user, and its children may start no thread
// (RLIMIT_NPROC 0 binds every user but root): libde265 and dav1d, given
// the chance, start worker threads, and libde265 then waits for one
// forever. As root (CI) the limit binds no one, so the decoder is run here
// as nobody under it; as another user every run above already was.
TEST_F(ImageOcrTest, AHeifPhotoIsDecodedWithoutAThread) {
  if (::geteuid() != 0) GTEST_SKIP() << "not root: TextOfAHeifPhoto ran the decoder under RLIMIT_NPROC 0";
  ASSERT_EQ(::access("/usr/bin/setpriv", X_OK), 0) << "setpriv (util-linux) missing";
  OcrOptions o = options(kTesseract);
  o.min_bytes = 1024;
  o.timeout = 20s;  // libde265 waiting for its thread would end here, as "unavailable"
  o.heif_program = dir.write("as-nobody.sh",
                             "#!/bin/sh\nexec /usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups " +
                                 heif_decoder() + "\n",
                             0755);
  ::chmod(dir.path().c_str(), 0755);
  for (const char* name : {"referral.heic", "referral.avif"}) {
    test::Outcome out = extract(ImageOcr(o), "image", fixture(name));
    EXPECT_EQ(out.reason, "") << name;
    EXPECT_NE(out.text.find("4471823"), std::string::npos) << name << ": " << out.text;
  }
}

// A picture over 4096 pixels a side is shrunk by a whole factor, each
// output pixel the mean of its square, the last squares cut at the edge:
// wide.avif (data/README) is 8200 by 6 pixels, black then white from
// x = 4100, so by 3 it is 2734 by 2, the square over x = 4098..4100 two
// black pixels and one white, the last one column of white.
TEST_F(ImageOcrTest, TheHeifDecoderShrinksALargePicture) {
  ASSERT_EQ(::access(heif_decoder().c_str(), X_OK), 0) << heif_decoder() << " not built";
  const char* srcdir = std::getenv("srcdir");
  const std::string in = std::string(srcdir ? srcdir : ".") + "/tests/unit/milter/data/wide.avif";
  const std::string out = dir.path() + "/wide.pgm";
  ASSERT_EQ(std::system((heif_decoder() + " <" + in + " >" + out).c_str()), 0);
  std::ifstream f(out, std::ios::binary);
  std::string pgm{std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
  const std::string head = "P5\n2734 2\n255\n";
  ASSERT_EQ(pgm.substr(0, head.size()), head);
  ASSERT_EQ(pgm.size(), head.size() + 2734u * 2);
  const auto px = [&](size_t x, size_t y) { return static_cast<unsigned char>(pgm[head.size() + y * 2734 + x]); };
  for (size_t y : {0u, 1u}) {
    EXPECT_EQ(px(0, y), 0);
    EXPECT_EQ(px(1365, y), 0);
    EXPECT_EQ(px(1366, y), 85);  // (0 + 0 + 255) / 3
    EXPECT_EQ(px(1367, y), 255);
    EXPECT_EQ(px(2733, y), 255);  // x = 8199 alone
  }
}

// No decoder (OcrHeifProgram empty): a HEIF image is "image" and tesseract,
// which would take its bytes for a list of file names, is not started; a
// damaged HEIF image and a decoder that fails are "image" too, and a
// decoder's picture is what tesseract is given.
TEST_F(ImageOcrTest, AHeifImageNotDecodedIsUninspected) {
  std::string photo = fixture("referral.heic");
  ASSERT_GT(photo.size(), 1024u);
  std::string marker = dir.path() + "/started";
  OcrOptions o = options(dir.write("tesseract.sh", "#!/bin/sh\ncat >/dev/null\necho started > " + marker + "\n", 0755));
  o.min_bytes = 1024;
  EXPECT_EQ(extract(ImageOcr(o), "image", photo).reason, "image");
  EXPECT_NE(::access(marker.c_str(), F_OK), 0) << "tesseract ran on a HEIF image";

  o = options(kTesseract);
  o.heif_program = heif_decoder();
  std::string cut = photo.substr(0, photo.size() / 3), garbled = photo;
  for (size_t i = 400; i < garbled.size(); i += 5) garbled[i] = char(garbled[i] ^ 0x5A);
  EXPECT_EQ(extract(ImageOcr(o), "image", cut).reason, "image");
  EXPECT_EQ(extract(ImageOcr(o), "image", garbled).reason, "image");
  EXPECT_EQ(extract(ImageOcr(o), "image", std::string(photo.substr(0, 12)) + std::string(2000, 'x')).reason, "image");

  o.heif_program = dir.write("fails.sh", "#!/bin/sh\ncat >/dev/null\nexit 1\n", 0755);
  EXPECT_EQ(extract(ImageOcr(o), "image", photo).reason, "image");
  // A stand-in decoder whose "picture" tesseract's stand-in counts: the
  // decoder's output, not the HEIF bytes, reaches tesseract.
  o.heif_program = dir.write("decoder.sh", "#!/bin/sh\ncat >/dev/null\nprintf 'one\\ntwo\\nthree\\n'\n", 0755);
  o.program = dir.write(
      "count.sh", "#!/bin/sh\nprintf '5\\t1\\t1\\t1\\t1\\t1\\t0\\t0\\t9\\t9\\t95\\t%s\\n' \"tesseract was given $(wc -l) lines: $*\"\n",
      0755);
  test::Outcome out = extract(ImageOcr(o), "image", photo);
  EXPECT_EQ(out.reason, "");
  EXPECT_NE(out.text.find("tesseract was given 3 lines: stdin stdout -l eng"), std::string::npos) << out.text;
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

// A stand-in tesseract that writes what it was given as the TSV rows of
// three lines, each word of 95% confidence (or `conf`).
std::string stand_in(TempDir& dir, const std::string& name, int conf = 95) {
  return dir.write(name,
                   "#!/bin/sh\n"
                   "n=0; while IFS= read -r line; do n=$((n+1)); done\n"
                   "row() { printf '5\\t1\\t1\\t1\\t%s\\t1\\t0\\t0\\t9\\t9\\t" +
                       std::to_string(conf) +
                       "\\t%s\\n' \"$1\" \"$2\"; }\n"
                       "row 1 \"lines=$n args=$*\"\n"
                       "row 2 \"path=$PATH omp=$OMP_THREAD_LIMIT home=${HOME-unset}\"\n"
                       "row 3 \"as=$(ulimit -v) fsize=$(ulimit -f)\"\n",
                   0755);
}

TEST_F(ImageOcrTest, ChildGetsStdinStdoutTheLanguageAndOneThread) {
  OcrOptions o = options(stand_in(dir, "args.sh"));
  o.language = "eng+spa";
  o.memory_limit = 256ull << 20;
  ImageOcr reader(o);
  test::Outcome out = extract(reader, "image", "a\nb\n");
  EXPECT_EQ(out.reason, "");  // more than 32 characters of "text"
  EXPECT_NE(out.text.find("lines=2 args=stdin stdout -l eng+spa --psm 1 -c min_orientation_margin=2 tsv\n"),
            std::string::npos)
      << out.text;
  EXPECT_NE(out.text.find("\npath=/usr/bin:/bin omp=1 home=unset\n"), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("\nas=262144 fsize=0\n"), std::string::npos) << out.text;
  o.orientation = false;  // OcrOrientation no: page segmentation alone, the page read as it lies
  out = extract(ImageOcr(o), "image", "a\nb\n");
  EXPECT_NE(out.text.find("lines=2 args=stdin stdout -l eng+spa tsv\n"), std::string::npos) << out.text;
  EXPECT_EQ(extract(ImageOcr(options(dir.write("fail.sh", "#!/bin/sh\nexit 1\n", 0755))), "image", "x").reason,
            "image");
}

// Words tesseract is unsure of (a mean confidence under 50: what a page
// read upside down or noise gives) leave the image uninspected; their
// text is still passed on, to be classified.
TEST_F(ImageOcrTest, WordsRecognisedWithLowConfidenceLeaveTheImageUninspected) {
  test::Outcome out = extract(ImageOcr(options(stand_in(dir, "unsure.sh", 49))), "image", "a\nb\n");
  EXPECT_EQ(out.reason, "image");
  EXPECT_NE(out.text.find("path=/usr/bin:/bin"), std::string::npos) << out.text;
  EXPECT_EQ(extract(ImageOcr(options(stand_in(dir, "sure.sh", 50))), "image", "a\nb\n").reason, "");
  // The real thing: a page upside down read as it lies (OcrOrientation no).
  OcrOptions lying = options(kTesseract);
  lying.orientation = false;
  test::GrayPage page = test::gray_page(kReferral + "\n\nPlease see the patient next week for follow-up of the foot ulcer.");
  ASSERT_FALSE(page.pixels.empty());
  out = extract(ImageOcr(lying), "image", test::bmp_of(test::turned(page, 2)), 4096);
  // Enough characters to count as read but for their confidence.
  EXPECT_GE(std::count_if(out.text.begin(), out.text.end(), [](char c) { return !std::isspace(static_cast<unsigned char>(c)); }),
            32)
      << "garbage was expected: " << out.text;
  EXPECT_EQ(out.reason, "image") << out.text;
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
