// Tests for RTF-to-text: destinations, code pages, \uN, \bin, errors, splits at every byte, pictures.
#include "milter/mime/rtf.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/mime/fake_documents.h"
#include "tests/unit/mime/metafile_builder.h"
#include "tests/unit/mime/picture_checks.h"
#include "tests/unit/mime/zip_builder.h"

namespace phi::mime {
namespace {

struct Case {
  const char* label;
  std::string in;
  std::string want;
  bool error;
};

// Converts `in` cut once at every position, into one buffer and into a
// buffer per call (as the MIME walker hands them), and checks each result.
void expect_every_cut(const std::string& in, const std::string& want, bool error) {
  for (size_t cut = 0; cut <= in.size(); ++cut) {
    RtfToText r;
    std::string out;
    r.feed(std::string_view(in).substr(0, cut), out);
    r.feed(std::string_view(in).substr(cut), out);
    r.finish(out);
    ASSERT_EQ(out, want) << "cut at " << cut;
    ASSERT_EQ(r.had_errors(), error) << "cut at " << cut;
    RtfToText fresh;
    std::string first, second, last;
    fresh.feed(std::string_view(in).substr(0, cut), first);
    fresh.feed(std::string_view(in).substr(cut), second);
    fresh.finish(last);
    ASSERT_EQ(first + second + last, want) << "cut at " << cut << ", a buffer per call";
  }
  // And a byte at a time.
  RtfToText r;
  std::string out;
  for (char c : in) r.feed(std::string_view(&c, 1), out);
  r.finish(out);
  ASSERT_EQ(out, want) << "a byte at a time";
}

const std::string kWordPad =
    "{\\rtf1\\ansi\\ansicpg1252\\deff0\\nouicompat\\deflang1033{\\fonttbl{\\f0\\fnil\\fcharset0 Calibri;}"
    "{\\f1\\fnil\\fcharset2 Symbol;}}\r\n"
    "{\\colortbl ;\\red255\\green0\\blue0;}\r\n"
    "{\\*\\generator Riched20 10.0.19041}\\viewkind4\\uc1 \r\n"
    "\\pard\\sa200\\sl276\\slmult1\\f0\\fs22\\lang9 Patient: Jos\\'e9 Garc\\'eda\\par\r\n"
    "SSN: 078-05-1120\\par\r\n"
    "{\\pntext\\f1\\'B7\\tab}Dx: E11.9\\par\r\n"
    "}\r\n";

TEST(RtfToText, TableWholeAndSplitAtEveryPosition) {
  const Case cases[] = {
      {"wordpad document with an SSN", kWordPad,
       "Patient: Jos\xC3\xA9 Garc\xC3\xAD" "a\nSSN: 078-05-1120\n\xC2\xB7\tDx: E11.9\n", false},
      {"ssn split by a formatting group", "{\\rtf1 SSN 078-05-{\\b 1121}}", "SSN 078-05-1121", false},
      {"ssn split by groups and words", "{\\rtf1 {\\i 078}-{\\b\\f0 05}-\\ul 1121\\ulnone}", "078-05-1121", false},
      {"header tables not text",
       "{\\rtf1{\\fonttbl{\\f0\\fswiss Arial;}{\\f1{\\*\\panose 0204}Times;}}{\\colortbl;\\red255\\green0;}"
       "{\\stylesheet{\\s0 Normal;}{\\*\\cs10 Default Paragraph Font;}}{\\*\\generator Foo 1.0;}"
       "{\\listtable{\\list{\\listlevel{\\leveltext \\'01\\u-3913 ?;}}}}{\\*\\rsidtbl \\rsid123}Body}",
       "Body", false},
      {"ignorable destinations", "{\\rtf1 a{\\*\\unknown 078-05-1120}b{\\*\\bkmkstart x}c{\\*\\company Y}d}",
       "abcd", false},
      {"non-text destinations",
       "{\\rtf1 a{\\pict\\pngblip 89504e47{\\*\\blipuid 12}}b{\\*\\themedata 504b}c"
       "{\\*\\latentstyles{\\lsdlockedexcept Normal;}}d{\\*\\datastore 0105}e{\\*\\xmlnstbl {\\xmlns1 http://x}}f}",
       "abcdef", false},
      {"info sub-destinations one per line",
       "{\\rtf1{\\info{\\title Lab results}{\\author Jane Doe}{\\creatim\\yr2024\\mo3}{\\keywords MRN 00412345}"
       "{\\*\\company ACME}}Body\\par}",
       "Lab results\nJane Doe\nMRN 00412345\nBody\n", false},
      {"header and footer are text", "{\\rtf1{\\header Patient Jane}{\\footer Page}Body}",
       "Patient Jane\nPage\nBody", false},
      {"footnote and comment do not join the words around them",
       "{\\rtf1 SSN 078-05-1120{\\footnote 1 See chart}, MRN 99{\\*\\annotation{\\*\\atnref 0}check} {\\b 12}}",
       "SSN 078-05-1120\n1 See chart\n, MRN 99\ncheck\n 12", false},
      {"field result kept, instruction skipped",
       "{\\rtf1{\\field{\\*\\fldinst HYPERLINK \"mailto:j@x\"}{\\fldrslt mail me}}, "
       "{\\field{\\fldinst MERGEFIELD Name}{\\fldrslt Jane}}}",
       "mail me, Jane", false},
      {"text box and comment kept, shape properties skipped",
       "{\\rtf1{\\shp{\\*\\shpinst{\\sp{\\sn fillColor}{\\sv 1677}}{\\shptxt ID 555-12-3456\\par}}"
       "{\\shprslt{\\*\\do\\dobxcolumn text}}}{\\*\\annotation{\\*\\atnref 0}Check 219-09-9999}}",
       "ID 555-12-3456\nCheck 219-09-9999\n", false},
      {"object data skipped, result kept",
       "{\\rtf1{\\object{\\*\\objclass Word.Document}{\\objdata 0105abcdef}{\\result Shown}}}", "Shown", false},
      {"upr shows the ansi half once", "{\\rtf1{\\upr{ansi}{\\*\\ud{unicode}}}}", "ansi", false},
      {"hex escapes, windows-1252",
       "{\\rtf1\\ansi caf\\'e9 \\'93q\\'94 \\'80}", "caf\xC3\xA9 \xE2\x80\x9Cq\xE2\x80\x9D \xE2\x82\xAC", false},
      {"raw 8-bit bytes are code page bytes", "{\\rtf1 caf\xE9}", "caf\xC3\xA9", false},
      {"unicode with uc skipping",
       "{\\rtf1 a\\u8212?b{\\uc2\\u233 XYc}\\u233\\'e9d\\uc0\\u8364 5}",
       "a\xE2\x80\x94" "b\xC3\xA9" "c\xC3\xA9" "d\xE2\x82\xAC" "5", false},
      {"uc counts hex escapes and symbols", "{\\rtf1\\uc3\\u8212\\'97\\~\\{x}", "\xE2\x80\x94x", false},
      {"uc skipping ends at a brace or a break", "{\\rtf1\\uc4\\u233{x}\\u233\\par y}",
       "\xC3\xA9x\xC3\xA9\ny", false},
      {"other control words do not count as fallback", "{\\rtf1\\u8217\\loch\\af0\\hich\\'92t}",
       "\xE2\x80\x99t", false},
      {"negative unicode", "{\\rtf1\\u-3913?}", "\xEF\x82\xB7", false},
      {"surrogate pair", "{\\rtf1 a\\u-10179?\\u-8694?b}", "a\xF0\x9F\x98\x8A" "b", false},
      {"surrogate pair with uc2", "{\\rtf1\\uc2\\u55357\\'3f\\'3f\\u56842\\'3f\\'3f}", "\xF0\x9F\x98\x8A", false},
      {"lone high surrogate", "{\\rtf1 a\\u-10179?b}", "a\xEF\xBF\xBD" "b", true},
      {"lone high surrogate at the end", "{\\rtf1 a\\u-10179?}", "a\xEF\xBF\xBD", true},
      {"lone low surrogate", "{\\rtf1 a\\u-8694?b}", "a\xEF\xBF\xBD" "b", true},
      {"unicode out of range", "{\\rtf1 a\\u70000?b}", "a\xEF\xBF\xBD" "b", true},
      {"unicode without a number", "{\\rtf1 a\\u b}", "a\xEF\xBF\xBD" "b", true},
      {"code page from ansicpg", "{\\rtf1\\ansi\\ansicpg1251 \\'cf\\'f0\\'e8}", "\xD0\x9F\xD1\x80\xD0\xB8", false},
      {"code page from the font's charset",
       "{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0\\fcharset0 Arial;}{\\f1\\fcharset204 Arial Cyr;}}"
       "\\f0 \\'e9{\\f1 \\'e9}\\'e9\\f1 \\'e9\\plain\\'e9}",
       "\xC3\xA9\xD0\xB9\xC3\xA9\xD0\xB9\xC3\xA9", false},
      {"more code pages than converters kept",
       "{\\rtf1{\\fonttbl{\\f1\\fcharset204 A;}{\\f2\\fcharset238 B;}{\\f3\\fcharset161 C;}"
       "{\\f4\\fcharset177 D;}{\\f5\\fcharset186 E;}}\\f1\\'e9\\f2\\'e9\\f3\\'e9\\f4\\'e9\\f5\\'e9\\f1\\'e9 \\f3\\'e9}",
       "\xD0\xB9\xC3\xA9\xCE\xB9\xD7\x99\xC3\xA9\xD0\xB9 \xCE\xB9", false},
      {"double-byte code page", "{\\rtf1\\ansi\\ansicpg932 \\'93\\'fa\\'96\\'7b \\'83A}",
       "\xE6\x97\xA5\xE6\x9C\xAC \xE3\x82\xA2", false},
      {"double-byte lead byte alone", "{\\rtf1\\ansi\\ansicpg932 \\'93\\par x}", "\xEF\xBF\xBD\nx", true},
      {"unknown code page is windows-1252", "{\\rtf1\\ansi\\ansicpg4242 \\'e9}", "\xC3\xA9", false},
      {"invisible unicode and soft hyphen dropped", "{\\rtf1 078\\u8203?-05\\u173?-11\\'ad20\\uc0\\u65279 !}",
       "078-05-1120!", false},
      {"control symbols", "{\\rtf1 a\\~b\\-c\\_d\\{\\}\\\\e\\|f\\:g}", "a bc-d{}\\efg", false},
      {"character words", "{\\rtf1\\bullet\\emdash\\endash\\lquote\\rquote\\ldblquote\\rdblquote\\emspace.}",
       "\xE2\x80\xA2\xE2\x80\x94\xE2\x80\x93\xE2\x80\x98\xE2\x80\x99\xE2\x80\x9C\xE2\x80\x9D .", false},
      {"invisible characters dropped", "{\\rtf1 078\\zwj -05\\zwnj -1120\\ltrmark }", "078-05-1120", false},
      {"breaks; raw CR LF are not text",
       "{\\rtf1 a\r\nb\\par c\\line d\\tab e\\\r\nf\\page g\\sect h}", "ab\nc\nd\te\nf\ng\nh", false},
      {"table", "{\\rtf1\\trowd\\cellx3000\\cellx6000\\pard\\intbl SSN\\cell 078-05-1120\\cell\\row"
                "\\pard\\intbl MRN\\cell {\\b 123}{\\i 4567}\\cell\\row}",
       "SSN\t078-05-1120\t\nMRN\t1234567\t\n", false},
      {"unknown control words and parameters", "{\\rtf1 a\\foo123 b\\bar-5c\\baz-x}", "abcx", false},
      {"bin data with braces and backslashes", std::string("{\\rtf1 a\\bin5 {}\\{xb}"), "ab", false},
      {"bin right after its digits", "{\\rtf1 a\\bin3xyzc}", "ac", false},
      {"bin in a skipped destination", "{\\rtf1 a{\\*\\objdata 01\\bin4 }}{\\}b}", "ab", false},
      {"bin with no or negative length", "{\\rtf1 a\\bin b\\bin-4 c}", "abc", false},
      {"binary NUL and control bytes", std::string("{\\rtf1 a\0b\x01" "c}", 13), "abc", false},
      {"too many closing braces", "{\\rtf1 a}}b", "ab", true},
      {"input ends inside a group", "{\\rtf1 a{\\b b", "ab", true},
      {"not rtf: converted anyway", "Hello {\\b world}", "Hello world", true},
      {"empty input", "", "", true},
      {"bad hex escape", "{\\rtf1 a\\'zzb}", "azzb", true},
      {"hex escape cut by the end", "{\\rtf1 a}\\'4", "a", true},
      {"truncated bin data", "{\\rtf1 a\\bin10 xyz}", "a", true},
      {"text after the document is kept", "{\\rtf1 a}\r\nb", "ab", false},
      {"control word at the very end", "{\\rtf1 a}\\par", "a\n", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    bool err = false;
    EXPECT_EQ(rtf_to_text(c.in, &err), c.want);
    EXPECT_EQ(err, c.error);
    expect_every_cut(c.in, c.want, c.error);
  }
}

TEST(RtfToText, HugeBinDoesNotAllocateOrHang) {
  std::string in = "{\\rtf1 a\\bin999999999 " + std::string(100000, '}') + "b}";
  bool err = false;
  std::string out = rtf_to_text(in, &err);
  EXPECT_EQ(out, "a");  // everything after \bin is its (truncated) data
  EXPECT_TRUE(err);
  std::string saturated = "{\\rtf1 a\\bin99999999999999999999999999999999 x}";
  err = false;
  EXPECT_EQ(rtf_to_text(saturated, &err), "a");
  EXPECT_TRUE(err);
}

TEST(RtfToText, DeepNestingIsBounded) {
  const size_t n = 100000;
  std::string in = "{\\rtf1 " + std::string(n, '{') + "x{\\*\\foo hidden}{\\fonttbl{\\f0 F;}}y" +
                   std::string(n, '}') + "z}";
  bool err = false;
  EXPECT_EQ(rtf_to_text(in, &err), "xyz");
  EXPECT_FALSE(err);
  // Unclosed: an error, no output beyond the text.
  err = false;
  EXPECT_EQ(rtf_to_text("{\\rtf1 " + std::string(n, '{') + "x", &err), "x");
  EXPECT_TRUE(err);
}

TEST(RtfToText, GroupStateBeyondMaxDepthIsRestoredAtMaxDepth) {
  // \uc0 set deeper than kMaxDepth lasts until the group at kMaxDepth
  // closes; the outer \uc1 is back after it.
  std::string deep(kMaxDepth + 50, '{');
  std::string up(kMaxDepth + 50, '}');
  std::string in = "{\\rtf1" + deep + "\\uc0\\u233?" + up + "\\u233?}";
  EXPECT_EQ(rtf_to_text(in, nullptr), "\xC3\xA9?\xC3\xA9");
  // Within the saved depth, each group's \uc is its own.
  std::string shallow = "{\\rtf1{{\\uc0\\u233?}}\\u233?}";
  EXPECT_EQ(rtf_to_text(shallow, nullptr), "\xC3\xA9?\xC3\xA9");
}

TEST(RtfToText, TenThousandHostileRepeats) {
  std::string in = "{\\rtf1";
  for (int i = 0; i < 10000; ++i)
    in += "{\\*\\x{\\bin2 }}}\\u-10179\\'zz\\u99999?{\\fonttbl\\f1\\fcharset128;}\\f1\\'93{\\pict 00}\\";
  bool err = false;
  std::string out = rtf_to_text(in, &err);
  EXPECT_TRUE(err);
  EXPECT_LT(out.size(), in.size());
}

TEST(RtfToText, LongControlWordsAndParametersAreBounded) {
  std::string in = "{\\rtf1 a\\" + std::string(10000, 'x') + std::string(10000, '9') + " b\\uc" +
                   std::string(5000, '9') + " \\u233" + std::string(20, 'c') + "}";
  bool err = false;
  // \uc saturates at kMaxUcSkip: 16 of the 20 fallback chars are skipped.
  EXPECT_EQ(rtf_to_text(in, &err), "ab\xC3\xA9" + std::string(20 - kMaxUcSkip, 'c'));
  EXPECT_FALSE(err);
}

TEST(RtfToText, TooManyFontsUseTheDocumentCodePage) {
  std::string in = "{\\rtf1\\ansi{\\fonttbl";
  for (size_t i = 0; i < kMaxFonts + 10; ++i) in += "{\\f" + std::to_string(i) + "\\fcharset204 F;}";
  in += "}\\f0\\'e9\\f" + std::to_string(kMaxFonts + 5) + "\\'e9}";
  EXPECT_EQ(rtf_to_text(in, nullptr), "\xD0\xB9\xC3\xA9");
}

// Hex digits as Word writes a picture's data: lower case, 128 to a line.
std::string hex_lines(std::string_view bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (size_t k = 0; k < bytes.size(); ++k) {
    if (k > 0 && k % 64 == 0) out += "\r\n";
    auto b = static_cast<unsigned char>(bytes[k]);
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

std::string with_documents(std::string_view rtf, EmbeddedDocument* doc, size_t step, std::string* unread = nullptr,
                           bool* errors = nullptr) {
  return test::convert_with<RtfToText>(rtf, doc, step, unread, errors);
}

const std::string kPng = std::string("\x89PNG\r\n\x1A\n", 8) + std::string(300, 'p') + "{}\\end";

// A picture pasted into a Word document saved as RTF: Word writes it as a
// PNG (or JPEG) in \*\shppict and again as a metafile in \nonshppict for
// older readers. The PNG is decoded and given to the file reader, its text
// on lines of its own where the picture is; the metafile copy is not
// looked at; wherever the input is cut.
TEST(RtfToText, APastedPictureIsGivenToTheReader) {
  std::string rtf = "{\\rtf1\\ansi\\ansicpg1252 Dear colleague,\\par see {\\b below}:"
                    "{\\*\\shppict{\\pict{\\*\\picprop\\shplid1025{\\sp{\\sn shapeType}{\\sv 75}}}"
                    "\\picscalex100\\picscaley100\\picw2000\\pich1000\\pngblip\\bliptag-12{\\*\\blipuid 0a1b2c}\r\n" +
                    hex_lines(kPng) + "}}{\\nonshppict{\\pict\\picw2000\\wmetafile8\\bliptag-12 010009000003}}"
                    "\\par Thanks\\par}";
  for (size_t step : {size_t(0), size_t(1), size_t(3), size_t(100), size_t(5000)}) {
    test::FakeDocument doc;
    std::string unread = "?";
    bool errors = true;
    EXPECT_EQ(with_documents(rtf, &doc, step, &unread, &errors),
              "Dear colleague,\nsee below:\n[" + std::to_string(kPng.size()) + " bytes]\n\nThanks\n")
        << step;
    EXPECT_EQ(doc.got, kPng) << step;
    EXPECT_EQ(doc.kinds, "image ");
    EXPECT_EQ(unread, "");
    EXPECT_FALSE(errors);
  }
  // Without a reader the picture is not read: "image"; the text is as before.
  std::string unread;
  EXPECT_EQ(with_documents(rtf, nullptr, 7, &unread), "Dear colleague,\nsee below:\nThanks\n");
  EXPECT_EQ(unread, "image");
}

// A floating picture (a shape's "pib" property) and one in \bin bytes are
// read too; a metafile, a bitmap or a picture of no format word is not
// ("image"); a bullet's picture (\listpicture) and a shape's result
// (\shprslt, another copy) are not looked at; a picture cut by the end of
// the input is read as far as it goes.
TEST(RtfToText, PicturesOfEveryKindAreReadOrReported) {
  std::string jpeg = "\xFF\xD8\xFF\xE0" + std::string(100, 'j');
  std::string floating = "{\\rtf1 a{\\shp{\\*\\shpinst\\shpleft0{\\sp{\\sn pib}{\\sv {\\pict\\jpegblip " + hex_lines(jpeg) +
                         "}}}{\\sp{\\sn fLine}{\\sv 0}}}{\\shprslt{\\*\\do\\dobxcolumn}{\\pict\\pngblip " +
                         hex_lines(kPng) + "}}}b}";
  std::string bin = "{\\rtf1 a{\\pict\\pngblip\\picw10\\bin" + std::to_string(kPng.size()) + " " + kPng + "}b}";
  for (size_t step : {size_t(0), size_t(1), size_t(9)}) {
    test::FakeDocument shape;
    EXPECT_EQ(with_documents(floating, &shape, step), "a\n[104 bytes]\nb") << step;
    EXPECT_EQ(shape.got, jpeg);
    test::FakeDocument raw;
    std::string unread = "?";
    EXPECT_EQ(with_documents(bin, &raw, step, &unread), "a\n[" + std::to_string(kPng.size()) + " bytes]\nb") << step;
    EXPECT_EQ(raw.got, kPng);
    EXPECT_EQ(unread, "");
    for (std::string format : {"\\wmetafile8", "\\emfblip", "\\dibitmap0", ""}) {
      test::FakeDocument none;
      EXPECT_EQ(with_documents("{\\rtf1 a{\\pict" + format + "\\picw10 0100090000}b}", &none, step, &unread), "ab");
      EXPECT_EQ(unread, "image") << format;
      EXPECT_EQ(none.begun, 0);
    }
    test::FakeDocument bullet;
    EXPECT_EQ(with_documents("{\\rtf1 a{\\*\\listpicture{\\pict\\pngblip " + hex_lines(kPng) + "}}b}", &bullet, step,
                             &unread),
              "ab");
    EXPECT_EQ(bullet.begun, 0);
    EXPECT_EQ(unread, "");
    test::FakeDocument cut;
    bool errors = false;
    std::string head = "{\\rtf1 a{\\pict\\pngblip ";
    std::string whole = head + hex_lines(kPng) + "}b}";
    EXPECT_EQ(with_documents(whole.substr(0, head.size() + 2 * 50 + 1), &cut, step, nullptr, &errors), "a\n[50 bytes]\n")
        << step;
    EXPECT_EQ(cut.got, kPng.substr(0, 50));  // and a lone digit
    EXPECT_TRUE(errors);
  }
}

// A \dibitmap picture (a device-independent bitmap, as WordPad and older
// writers store a pasted screenshot) is given as the .bmp file it would
// be: a 14-byte file header before its bytes, split anywhere; one whose
// header makes no sense, or too short to have one, is "image".
TEST(RtfToText, ABitmapIsGivenAsABmpFile) {
  auto le = [](uint32_t v, int n) {
    std::string b;
    for (int i = 0; i < n; ++i) b.push_back(char((v >> (8 * i)) & 0xFF));
    return b;
  };
  // 8 by 2 pixels, 24 bits: rows of 24 bytes.
  const std::string dib = le(40, 4) + le(8, 4) + le(2, 4) + le(1, 2) + le(24, 2) + le(0, 4) + le(48, 4) +
                          std::string(16, '\0') + std::string(48, '\x7F');
  const std::string bmp = "BM" + le(14 + 88, 4) + le(0, 4) + le(54, 4) + dib;
  for (size_t step : {size_t(0), size_t(1), size_t(7), size_t(100)}) {
    test::FakeDocument doc;
    std::string unread = "?";
    EXPECT_EQ(with_documents("{\\rtf1 a{\\pict\\dibitmap0\\picw8\\pich2 " + hex_lines(dib) + "}b}", &doc, step, &unread),
              "a\n[" + std::to_string(bmp.size()) + " bytes]\nb")
        << step;
    EXPECT_EQ(doc.got, bmp) << step;
    EXPECT_EQ(doc.kinds, "image ");
    EXPECT_EQ(unread, "");
    std::string bad = dib;
    bad[14] = 0;  // no bits a pixel
    test::FakeDocument none;
    EXPECT_EQ(with_documents("{\\rtf1 a{\\pict\\dibitmap0 " + hex_lines(bad) + "}b}", &none, step, &unread), "ab");
    EXPECT_EQ(none.begun, 0);
    EXPECT_EQ(unread, "image");
  }
}

// A table or chart pasted as a picture is a metafile (\emfblip,
// \wmetafile8): the text it draws is read here, without a reader, where
// it is; one that draws none (a logo) is "image"; Word's metafile copy of
// a PNG (\nonshppict) is still not looked at.
TEST(RtfToText, AMetafilesTextIsRead) {
  std::string emf = test::make_emf({{100, "Maria Gonzalez"}, {100, "4471823"}}), wmf = test::make_wmf({{5, "MRN 5582934"}});
  std::string rtf = "{\\rtf1 Results:\\par{\\pict\\emfblip\\picw100 " + hex_lines(emf) + "}\\par{\\*\\shppict{\\pict\\wmetafile8 " +
                    hex_lines(wmf) + "}}{\\nonshppict{\\pict\\wmetafile8 " + hex_lines(test::make_wmf({{5, "copy"}})) +
                    "}}\\par end}";
  for (size_t step : {size_t(0), size_t(1), size_t(11), size_t(500)}) {
    std::string unread = "?";
    EXPECT_EQ(with_documents(rtf, nullptr, step, &unread), "Results:\nMaria Gonzalez\t4471823\n\nMRN 5582934\n\nend") << step;
    EXPECT_EQ(unread, "");
  }
  std::string unread;
  EXPECT_EQ(with_documents("{\\rtf1 a{\\pict\\emfblip " + hex_lines(test::make_emf({})) + "}b}", nullptr, 3, &unread), "ab");
  EXPECT_EQ(unread, "image");
}

// A screenshot pasted as a metafile (a bitmap the EMF draws) goes to the
// reader as the .bmp file it would be, where it is, after the metafile's
// text before it; without a reader it is "image".
TEST(RtfToText, AMetafilesBitmapIsGivenToTheReader) {
  const std::string dib = test::make_dib(64, 16);
  const std::string bmp = test::bmp_of(dib.substr(0, 40), dib.substr(40));
  const std::string emf =
      test::make_emf({{100, "Chart"}}, false, {test::emf_bitmap(0x51, dib.substr(0, 40), dib.substr(40))});
  const std::string rtf = "{\\rtf1 Results:\\par{\\pict\\emfblip\\picw100 " + hex_lines(emf) + "}\\par end}";
  for (size_t step : {size_t(0), size_t(1), size_t(11), size_t(500)}) {
    test::FakeDocument doc;
    std::string unread = "?";
    EXPECT_EQ(with_documents(rtf, &doc, step, &unread),
              "Results:\nChart\n[" + std::to_string(bmp.size()) + " bytes]\n\nend") << step;
    EXPECT_EQ(doc.got, bmp) << step;
    EXPECT_EQ(doc.kinds, "image ");
    EXPECT_EQ(unread, "");
  }
  std::string unread;
  EXPECT_EQ(with_documents(rtf, nullptr, 3, &unread), "Results:\nChart\n\nend");
  EXPECT_EQ(unread, "image");
}

// An object embedded in a Word document saved as RTF (an Excel sheet in a
// letter): {\object ... {\*\objdata hex}{\result preview}}. The data is an
// OLE 1 object whose native data is the sheet's compound file: that file
// is given to the reader (as an Office file) where the object is; a
// packaged file (class Package) gives its own bytes; an object with no
// reader, or cut before its end, is "office".
TEST(RtfToText, AnEmbeddedObjectIsGivenToTheReader) {
  auto u32 = [](uint32_t v) {
    std::string b(4, '\0');
    for (int i = 0; i < 4; ++i) b[size_t(i)] = char((v >> (8 * i)) & 0xFF);
    return b;
  };
  auto lpas = [&](const std::string& t) { return u32(uint32_t(t.size() + 1)) + t + '\0'; };
  auto ole1 = [&](const std::string& cls, const std::string& native) {
    return u32(0x0501) + u32(2) + lpas(cls) + lpas("") + lpas("") + u32(uint32_t(native.size())) + native;
  };
  std::string sheet = std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(600, 's') + "}{\\";
  auto rtf = [&](const std::string& data) {
    return "{\\rtf1\\ansi Staff meeting:\\par{\\object\\objemb{\\*\\objclass Excel.Sheet.8}\\objw2000{\\*\\objdata\r\n" +
           hex_lines(data) + "}{\\result{\\pict\\wmetafile8 0100}}}\\par Thanks\\par}";
  };
  std::string csv = "Maria Gonzalez,03/14/1962,4471823\n";
  std::string temp = "C:\\Temp\\labs.csv";
  std::string packager = std::string("\x02\x00", 2) + "labs.csv" + '\0' + "C:\\labs.csv" + '\0' + u32(0x00030000) +
                         u32(uint32_t(temp.size() + 1)) + temp + '\0' + u32(uint32_t(csv.size())) + csv;
  for (size_t step : {size_t(0), size_t(1), size_t(7), size_t(300)}) {
    test::FakeDocument doc;
    std::string unread = "?";
    EXPECT_EQ(with_documents(rtf(ole1("Excel.Sheet.8", sheet)), &doc, step, &unread),
              "Staff meeting:\n[" + std::to_string(sheet.size()) + " bytes]\n\nThanks\n")
        << step;
    EXPECT_EQ(doc.got, sheet) << step;
    EXPECT_EQ(doc.kinds, "office ");
    EXPECT_EQ(unread, "image");  // the preview, a metafile
    test::FakeDocument package;
    with_documents(rtf(ole1("Package", packager)), &package, step);
    EXPECT_EQ(package.got, csv) << step;
    EXPECT_EQ(package.kinds, "text ");
  }
  std::string unread;
  EXPECT_EQ(with_documents(rtf(ole1("Excel.Sheet.8", sheet)), nullptr, 5, &unread), "Staff meeting:\n\nThanks\n");
  EXPECT_EQ(unread, "office");
  test::FakeDocument cut;
  std::string whole = ole1("Excel.Sheet.8", sheet);
  with_documents(rtf(whole.substr(0, whole.size() - 100)), &cut, 0, &unread);
  EXPECT_EQ(cut.got, sheet.substr(0, sheet.size() - 100));
  EXPECT_EQ(unread, "office");
}

// Through the walker: a picture in an RTF attachment, or in one zipped,
// is read by OCR as an image attachment is; one under OcrMinBytes is
// reported "image" as such an attachment is; a metafile is "image".
TEST(RtfToText, APictureInAnRtfAttachmentIsReadByOcr) {
  std::string png = std::string("\x89PNG\r\n\x1A\n", 8) + std::string(5000, 'p');
  std::string rtf = "{\\rtf1\\ansi Please see the screenshot.\\par{\\*\\shppict{\\pict\\pngblip " + hex_lines(png) +
                    "}}{\\nonshppict{\\pict\\wmetafile8 0100}}\\par Thanks\\par}";
  test::expect_picture_read_in_place({test::message_with_attachment("application/rtf", "letter.rtf", rtf, true),
                                      test::message_with_attachment("application/zip", "letter.zip",
                                                                    test::make_zip({{"letter.rtf", rtf}}), true)},
                                     png, "Please see the screenshot.\n", "Thanks", "89504e47");
  test::RecordingSink sink;
  Walker w(Limits{}, sink);
  test::feed_message(w, test::message_with_attachment("application/rtf", "chart.rtf", "{\\rtf1 x{\\pict\\emfblip 0100}}"));
  EXPECT_EQ(sink.reasons, std::vector<std::string>{"image"}) << sink.log();
}

}  // namespace
}  // namespace phi::mime
