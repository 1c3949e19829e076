// Tests for MetafileText: the text an EMF or WMF draws, rows kept, glyphs skipped, split anywhere, zlib-compressed; the bitmaps it draws, as .bmp files.
#include "milter/mime/metafile.h"

#include <gtest/gtest.h>

#include <string>

#include "milter/mime/walker.h"
#include "tests/unit/mime/fake_documents.h"
#include "tests/unit/mime/metafile_builder.h"
#include "tests/unit/mime/recording_sink.h"
#include "tests/unit/mime/zip_builder.h"

namespace phi::mime {
namespace {

using test::le;

struct Read {
  std::string text, kind, unread;
  uint64_t characters = 0, pictures = 0;
  std::vector<std::string> files;  // the bitmaps given, each ended
  bool open = false;               // a bitmap given and not ended
};

// pictures: a bitmap reader is given (else bitmaps are not read).
Read read(const std::string& bytes, size_t step, bool zlib = false, bool pictures = true) {
  Read r;
  MetafilePicture picture;
  if (pictures) {
    picture = [&](std::string_view b, bool end) {
      if (!r.open) r.files.emplace_back();
      r.open = !end;
      r.files.back().append(b);
      if (end) {
        EXPECT_TRUE(b.empty());
      }
    };
  }
  MetafileText m([&](std::string_view t) { r.text.append(t); }, zlib, picture);
  if (step == 0) step = bytes.size() + 1;
  for (size_t i = 0; i < bytes.size(); i += step) m.feed(std::string_view(bytes).substr(i, step));
  m.finish();
  r.kind = std::string(m.kind());
  r.characters = m.characters();
  r.pictures = m.pictures();
  r.unread = std::string(m.unread());
  return r;
}

// A table pasted as a picture: each cell a string; a row's cells share a
// baseline (a tab between them), a new row starts a line.
TEST(MetafileText, AnEmfsTextInRowsWhereverSplit) {
  std::string emf = test::make_emf({{100, "Maria Gonzalez"}, {100, "03/14/1962"}, {100, "4471823"}, {200, "Diego Lopez"}});
  for (size_t step : {size_t(0), size_t(1), size_t(7), size_t(64)}) {
    Read r = read(emf, step);
    EXPECT_EQ(r.text, "Maria Gonzalez\t03/14/1962\t4471823\nDiego Lopez\n") << step;
    EXPECT_EQ(r.kind, "emf");
    EXPECT_EQ(r.characters, 40u);  // blanks not counted
    Read z = read(test::zlib_stream(emf), step, true);
    EXPECT_EQ(z.text, r.text) << step;
  }
  // Glyph indices are no characters: nothing read.
  Read g = read(test::make_emf({{100, "Maria Gonzalez"}}, true), 0);
  EXPECT_EQ(g.text, "");
  EXPECT_EQ(g.kind, "emf");
  EXPECT_EQ(g.characters, 0u);
}

TEST(MetafileText, AWmfsTextWithAndWithoutItsPlaceableHeader) {
  for (bool placeable : {false, true}) {
    std::string wmf = test::make_wmf({{50, "MRN"}, {50, "4471823"}, {80, "Jane"}}, placeable);
    for (size_t step : {size_t(0), size_t(1), size_t(5)}) {
      Read r = read(wmf, step);
      EXPECT_EQ(r.text, "MRN\t4471823\nJane\n") << step << placeable;
      EXPECT_EQ(r.kind, "wmf");
    }
  }
}

// Not a metafile, a damaged record, a record longer than the file: what
// came before is given, nothing after; a text record past the bound is
// skipped by its length.
TEST(MetafileText, DamagedAndForeignBytes) {
  Read png = read(std::string("\x89PNG\r\n\x1A\n", 8) + std::string(100, 'p'), 3);
  EXPECT_EQ(png.kind, "");
  EXPECT_EQ(png.text, "");
  std::string emf = test::make_emf({{1, "first"}, {2, "second"}});
  std::string cut = emf.substr(0, emf.size() - 60);  // inside the second string's record
  EXPECT_EQ(read(cut, 4).text, "first\n");
  std::string zero = emf;
  size_t second = emf.find("s\0e\0c", 0);
  ASSERT_NE(second, std::string::npos);
  zero.replace(88 + 4, 4, test::le(0, 4));  // the first text record's size: 0
  EXPECT_EQ(read(zero, 0).text, "");
  std::string big = test::make_emf({{1, std::string(kMaxMetafileRecord, 'x')}, {2, "after"}});
  EXPECT_EQ(read(big, 1000).text, "after\n");
  // A zlib stream cut short gives the text of the records it held, no more.
  std::string z = test::zlib_stream(emf);
  std::string part = read(z.substr(0, z.size() * 2 / 3), 5, true).text;
  EXPECT_EQ(part, "first\n");  // the second string's record is not whole
  EXPECT_EQ(read("", 0).kind, "");
}

// A table pasted as a picture and then sent on its own (Outlook's "Save
// as picture", a chart exported as .emf) is an attachment: read by the
// text it draws, as inside a document; one that draws none is "image".
// A file labelled or named a metafile is read by a WMF's bare header
// too; an unlabelled one only by a signature (EMF's, a placeable WMF's).
TEST(MetafileText, AMetafileAttachmentIsReadByTheTextItDraws) {
  const std::string table = "Maria Gonzalez\t03/14/1962\t4471823\n";
  const std::string emf = test::make_emf({{100, "Maria Gonzalez"}, {100, "03/14/1962"}, {100, "4471823"}});
  const std::string wmf = test::make_wmf({{100, "Maria Gonzalez"}, {100, "03/14/1962"}, {100, "4471823"}}, false);
  const std::string placeable = test::make_wmf({{100, "Maria Gonzalez"}, {100, "03/14/1962"}, {100, "4471823"}}, true);
  struct Row {
    const char* type;
    const char* name;
    std::string bytes;
    bool read;
    const char* reason;  // when not read
  };
  const Row rows[] = {
      {"image/x-emf", "chart.emf", emf, true, ""},
      {"image/emf", "", emf, true, ""},
      {"application/octet-stream", "chart.emf", emf, true, ""},
      {"application/octet-stream", "", emf, true, ""},
      {"image/x-wmf", "", wmf, true, ""},
      {"application/x-msmetafile", "", wmf, true, ""},
      {"application/octet-stream", "table.WMF", wmf, true, ""},
      {"application/octet-stream", "", placeable, true, ""},
      {"application/octet-stream", "", wmf, false, "binary"},  // three small numbers: no signature
      {"image/x-emf", "logo.emf", test::make_emf({}), false, "image"},
      {"image/x-emf", "chart.emf", "not a metafile at all, but labelled as one", false, "image"},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(std::string(r.type) + " " + r.name);
    for (size_t chunk : {size_t(0), size_t(1), size_t(7), size_t(100)}) {
      test::RecordingSink sink;
      Walker w(Limits{}, sink);
      test::feed_message(w, test::message_with_attachment(r.type, r.name, r.bytes), chunk);
      if (r.read) {
        EXPECT_EQ(sink.body("2"), table) << chunk << "\n" << sink.log();
        EXPECT_TRUE(sink.reasons.empty()) << chunk << "\n" << sink.log();
      } else {
        EXPECT_EQ(sink.body("2"), "") << chunk;
        EXPECT_EQ(sink.reasons, std::vector<std::string>{r.reason}) << chunk << "\n" << sink.log();
      }
    }
  }
}

// The same picture in an HTML mail (a data: URL: Outlook's "paste as
// picture" into an HTML message keeps the EMF when the sender's client
// does) is read where it is, as any file in a data: URL or an HL7 result.
TEST(MetafileText, AMetafileInADataUrlIsReadWhereItIs) {
  const std::string emf = test::make_emf({{100, "Maria Gonzalez"}, {100, "03/14/1962"}, {100, "4471823"}});
  auto html = [](const std::string& picture) {
    return "MIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n<p>The list:</p><img src=\"data:image/x-emf;base64," +
           test::base64(picture) + "\"><p>Thanks</p>\r\n";
  };
  for (size_t chunk : {size_t(0), size_t(1), size_t(9)}) {
    test::RecordingSink sink;
    Walker w(Limits{}, sink);
    test::feed_message(w, html(emf), chunk);
    EXPECT_EQ(sink.body("1"), "\nThe list:\nMaria Gonzalez\t03/14/1962\t4471823\nThanks\n\r\n") << chunk << "\n" << sink.log();
    EXPECT_TRUE(sink.reasons.empty()) << sink.log();
  }
  test::RecordingSink blank;
  Walker w(Limits{}, blank);
  test::feed_message(w, html(test::make_emf({})));
  EXPECT_EQ(blank.reasons, std::vector<std::string>{"image"}) << blank.log();
  // A screenshot pasted as a metafile: its bitmap goes to the image reader,
  // its text where the picture is; what it holds that is no image is not
  // read ("image": a metafile's bitmap is read as an image or not at all).
  const std::string dib = test::make_dib(64, 16);
  const std::string shot =
      test::make_emf({{100, "Chart"}}, false, {test::emf_bitmap(0x51, dib.substr(0, 40), dib.substr(40))});
  for (size_t chunk : {size_t(0), size_t(1), size_t(9)}) {
    test::PdfReader r;
    r.images = true;
    r.line = "Patient: Maria Gonzalez MRN 4471823\n";
    test::RecordingSink sink;
    Walker wr(Limits{}, sink, &r);
    test::feed_message(wr, html(shot), chunk);
    EXPECT_EQ(r.bytes, test::bmp_of(dib.substr(0, 40), dib.substr(40))) << chunk;
    EXPECT_EQ(sink.body("1"), "\nThe list:\nChart\n" + r.line + "Thanks\n\r\n") << chunk << "\n" << sink.log();
    EXPECT_TRUE(sink.reasons.empty()) << sink.log();
  }
  const std::string pdf = "%PDF-1.4 " + std::string(200, 'x');
  const std::string jdib = test::make_dib(200, 100, 4, pdf);  // "JPEG" pixels that are a PDF
  test::PdfReader r;
  r.images = true;
  test::RecordingSink sink;
  Walker wr(Limits{}, sink, &r);
  test::feed_message(wr, html(test::make_emf({{1, "Chart"}}, false, {test::emf_bitmap(0x51, jdib.substr(0, 40), jdib.substr(40))})));
  EXPECT_EQ(r.bytes, "");
  EXPECT_EQ(sink.reasons, std::vector<std::string>{"image"}) << sink.log();
}

// A screenshot or a scan pasted as a metafile ("Paste Special: Picture
// (Enhanced Metafile)", a program that prints to EMF) is a bitmap drawn by
// a record: its header and pixels where the record's offsets say (EMF),
// the rest of the record (WMF). Each goes to the picture reader as the
// .bmp file it would be, as it streams, however the bytes are split; the
// text around it is read as before.
TEST(MetafileText, ABitmapItDrawsIsGivenAsABmpFile) {
  const std::string dib = test::make_dib(64, 16);
  const std::string bmi = dib.substr(0, 40), bits = dib.substr(40);
  const std::string bmp = test::bmp_of(bmi, bits);
  for (uint32_t type : {0x51u, 0x50u, 0x4Cu, 0x4Du}) {
    for (size_t gap : {size_t(0), size_t(6)}) {
      std::string emf = test::make_emf({{100, "Screenshot"}}, false, {test::emf_bitmap(type, bmi, bits, gap)});
      for (size_t step : {size_t(0), size_t(1), size_t(3), size_t(7), size_t(64)}) {
        SCOPED_TRACE(std::to_string(type) + " gap " + std::to_string(gap) + " step " + std::to_string(step));
        Read r = read(emf, step);
        EXPECT_EQ(r.text, "Screenshot\n");
        ASSERT_EQ(r.files.size(), 1u);
        EXPECT_EQ(r.files[0], bmp);
        EXPECT_FALSE(r.open);
        EXPECT_EQ(r.pictures, 1u);
        EXPECT_EQ(r.unread, "");
        Read z = read(test::zlib_stream(emf), step, true);  // as Office stores a metafile picture
        EXPECT_EQ(z.files, r.files);
      }
    }
  }
  // A WMF's DIB: its file header says where the pixels start (after the palette).
  std::string palette_dib = le(40, 4) + le(16, 4) + le(8, 4) + le(1, 2) + le(8, 2) + le(0, 4) + le(128, 4) +
                            std::string(8, '\0') + le(2, 4) + le(0, 4) + std::string("\0\0\0\0\xFF\xFF\xFF\0", 8) +
                            std::string(128, '\x01');
  for (uint16_t function : {0x0F43, 0x0B41, 0x0940, 0x0D33}) {
    for (const std::string& d : {dib, palette_dib}) {
      std::string wmf = test::make_wmf({{50, "MRN"}}, true, {test::wmf_bitmap(function, d)});
      for (size_t step : {size_t(0), size_t(1), size_t(5)}) {
        SCOPED_TRACE(std::to_string(function) + " step " + std::to_string(step));
        Read r = read(wmf, step);
        EXPECT_EQ(r.text, "MRN\n");
        ASSERT_EQ(r.files.size(), 1u);
        EXPECT_EQ(r.files[0], test::bmp_of(d.substr(0, d.size() == dib.size() ? 40 : 48),
                                           d.substr(d.size() == dib.size() ? 40 : 48)));
        EXPECT_EQ(r.unread, "");
      }
    }
  }
}

// A bitmap alone is read: the metafile is not "image" for want of text.
// A DIB whose pixels are a JPEG or PNG file (BI_JPEG, BI_PNG) is given as
// that file. Several bitmaps, each a file of its own.
TEST(MetafileText, JpegPixelsAreGivenAsTheirFileAndEachBitmapApart) {
  const std::string jpeg = std::string("\xFF\xD8\xFF\xE0", 4) + std::string(300, 'j') + "\xFF\xD9";
  const std::string jdib = test::make_dib(200, 100, 4, jpeg);
  const std::string dib = test::make_dib(20, 10);
  std::string emf = test::make_emf({}, false,
                                   {test::emf_bitmap(0x51, jdib.substr(0, 40), jdib.substr(40)),
                                    test::emf_bitmap(0x51, dib.substr(0, 40), dib.substr(40))});
  for (size_t step : {size_t(0), size_t(1), size_t(11)}) {
    Read r = read(emf, step);
    EXPECT_EQ(r.text, "");
    EXPECT_EQ(r.files, (std::vector<std::string>{jpeg, test::bmp_of(dib.substr(0, 40), dib.substr(40))})) << step;
    EXPECT_EQ(r.unread, "") << step;
  }
}

// Narrower or lower than a line of text (a gradient's strips, a bullet)
// is passed over: no picture, the metafile read by its text (or "image"
// with none, as before); a record without a source bitmap (a pattern
// fill: EMR_BITBLT with no header, WMF's META_DIBSTRETCHBLT and
// META_DIBBITBLT without one) is no bitmap.
TEST(MetafileText, BitmapsTooSmallForTextAndFillsArePassedOver) {
  const std::string strip = test::make_dib(300, kMinPicturePixels - 1), bullet = test::make_dib(4, 4);
  std::string small = test::make_emf({{100, "Total"}}, false,
                                     {test::emf_bitmap(0x51, strip.substr(0, 40), strip.substr(40)),
                                      test::emf_bitmap(0x4C, bullet.substr(0, 40), bullet.substr(40)),
                                      test::emf_bitmap(0x4C, "", "")});
  Read r = read(small, 3);
  EXPECT_EQ(r.text, "Total\n");
  EXPECT_TRUE(r.files.empty());
  EXPECT_EQ(r.pictures, 0u);
  EXPECT_EQ(r.unread, "");
  // WMF's forms without a bitmap (a fill): the parameters and a reserved word.
  std::string fills = test::make_wmf({{1, "Total"}}, true, {test::le(14, 4) + test::le(0x0B41, 2) + std::string(22, '\0'),
                                                           test::le(12, 4) + test::le(0x0940, 2) + std::string(18, '\0')});
  Read w = read(fills, 1);
  EXPECT_EQ(w.text, "Total\n");
  EXPECT_EQ(w.pictures, 0u);
  EXPECT_EQ(w.unread, "");
  std::string logo = test::make_emf({}, false, {test::emf_bitmap(0x51, bullet.substr(0, 40), bullet.substr(40))});
  EXPECT_EQ(read(logo, 0).unread, "image");
  const std::string edge = test::make_dib(kMinPicturePixels, kMinPicturePixels);
  EXPECT_EQ(read(test::make_emf({}, false, {test::emf_bitmap(0x51, edge.substr(0, 40), edge.substr(40))}), 0).files.size(), 1u);
}

// A bitmap that cannot be given makes the metafile "image", its text read
// all the same: no reader; offsets outside the record or pixels before
// the header; a header that is no bitmap header; PNG pixels without a
// PNG's signature; a file cut before its header is whole. Past kMaxMetafilePictures: "part-limit". A file cut in
// the pixels ends the bitmap given (its reader sees a short file).
TEST(MetafileText, BitmapsNotGivenAreReported) {
  const std::string dib = test::make_dib(64, 16);
  const std::string bmi = dib.substr(0, 40), bits = dib.substr(40);
  const std::string good = test::emf_bitmap(0x51, bmi, bits);
  Read none = read(test::make_emf({{1, "Chart"}}, false, {good}), 0, false, false);
  EXPECT_EQ(none.text, "Chart\n");
  EXPECT_EQ(none.pictures, 1u);
  EXPECT_EQ(none.unread, "image");
  std::string outside = good, before = good, foreign = good;
  outside.replace(56, 4, le(80 + 40 + 1, 4));     // the pixels' offset: one past where they are, so past the end
  before.replace(48, 4, le(80 + 40, 4));          // the header where the pixels are
  before.replace(56, 4, le(80, 4));               // ... and the pixels before it
  foreign.replace(80, 4, le(41, 4));              // no DIB header's size
  const std::string not_png = test::make_dib(100, 100, 5, "%PDF-1.4 not a PNG at all");  // BI_PNG pixels that are no PNG
  const std::string unsigned_png = test::emf_bitmap(0x51, not_png.substr(0, 40), not_png.substr(40));
  for (const std::string& rec : {outside, before, foreign, unsigned_png}) {
    Read r = read(test::make_emf({{1, "Chart"}}, false, {rec}), 5);
    EXPECT_EQ(r.text, "Chart\n");
    EXPECT_TRUE(r.files.empty());
    EXPECT_EQ(r.unread, "image");
  }
  std::string emf = test::make_emf({{1, "Chart"}}, false, {good});
  size_t at = emf.find(bmi);
  Read head_cut = read(emf.substr(0, at + 20), 1);
  EXPECT_TRUE(head_cut.files.empty());
  EXPECT_EQ(head_cut.unread, "image");
  Read pixels_cut = read(emf.substr(0, at + 40 + 100), 7);
  ASSERT_EQ(pixels_cut.files.size(), 1u);
  EXPECT_EQ(pixels_cut.files[0], test::bmp_of(bmi, bits).substr(0, 14 + 40 + 100));
  EXPECT_FALSE(pixels_cut.open);
  std::vector<std::string> many(kMaxMetafilePictures + 1, good);
  Read r = read(test::make_emf({}, false, many), 0);
  EXPECT_EQ(r.files.size(), kMaxMetafilePictures);
  EXPECT_EQ(r.pictures, kMaxMetafilePictures + 1);
  EXPECT_EQ(r.unread, "part-limit");
}

// Through the Walker: an EMF attachment's bitmap goes to the image reader
// (OCR in the daemon), its text after the metafile's; one under the
// reader's minimum, or with no image reader, is reported "image".
TEST(MetafileText, AnAttachmentsBitmapGoesToTheImageReader) {
  const std::string dib = test::make_dib(64, 16);
  const std::string bmp = test::bmp_of(dib.substr(0, 40), dib.substr(40));
  const std::string emf =
      test::make_emf({{100, "Chart"}}, false, {test::emf_bitmap(0x51, dib.substr(0, 40), dib.substr(40))});
  for (size_t chunk : {size_t(0), size_t(1), size_t(100)}) {
    test::PdfReader r;
    r.images = true;
    r.line = "Patient: Maria Gonzalez MRN 4471823\n";
    test::RecordingSink sink;
    Walker w(Limits{}, sink, &r);
    test::feed_message(w, test::message_with_attachment("image/x-emf", "screenshot.emf", emf), chunk);
    EXPECT_EQ(r.bytes, bmp) << chunk;
    EXPECT_EQ(sink.body("2"), "Chart\n" + r.line) << chunk << "\n" << sink.log();
    EXPECT_TRUE(sink.reasons.empty()) << chunk << "\n" << sink.log();
    test::PdfReader big;
    big.images = true;
    big.min = bmp.size() + 1;
    test::RecordingSink small;
    Walker ws(Limits{}, small, &big);
    test::feed_message(ws, test::message_with_attachment("image/x-emf", "screenshot.emf", emf), chunk);
    EXPECT_EQ(small.body("2"), "Chart\n") << chunk;
    EXPECT_EQ(small.reasons, std::vector<std::string>{"image"}) << chunk << "\n" << small.log();
  }
  test::RecordingSink plain;
  Walker wp(Limits{}, plain);
  test::feed_message(wp, test::message_with_attachment("image/x-emf", "screenshot.emf", emf));
  EXPECT_EQ(plain.reasons, std::vector<std::string>{"image"}) << plain.log();
}

}  // namespace
}  // namespace phi::mime
