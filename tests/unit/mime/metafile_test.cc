// Tests for MetafileText: the text an EMF or WMF draws, rows kept, glyphs skipped, split anywhere, zlib-compressed.
#include "milter/mime/metafile.h"

#include <gtest/gtest.h>

#include <string>

#include "milter/mime/walker.h"
#include "tests/unit/mime/metafile_builder.h"
#include "tests/unit/mime/recording_sink.h"
#include "tests/unit/mime/zip_builder.h"

namespace phi::mime {
namespace {

struct Read {
  std::string text, kind;
  uint64_t characters = 0;
};

Read read(const std::string& bytes, size_t step, bool zlib = false) {
  Read r;
  MetafileText m([&](std::string_view t) { r.text.append(t); }, zlib);
  if (step == 0) step = bytes.size() + 1;
  for (size_t i = 0; i < bytes.size(); i += step) m.feed(std::string_view(bytes).substr(i, step));
  m.finish();
  r.kind = std::string(m.kind());
  r.characters = m.characters();
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
}

}  // namespace
}  // namespace phi::mime
