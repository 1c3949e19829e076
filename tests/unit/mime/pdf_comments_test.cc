// Tests for PdfCommentText: annotations' /Contents and attached files' names out of qpdf's JSON, however it is split.
#include "milter/mime/pdf_comments.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace phi::mime {
namespace {

std::string read(const std::string& json, size_t step) {
  std::string text;
  PdfCommentText c([&](std::string_view b) { text.append(b); });
  for (size_t i = 0; i < json.size(); i += step) c.feed(std::string_view(json).substr(i, step));
  c.finish();
  return text;
}

// The same text for every chunk size from one byte to the whole.
std::string read_every_way(const std::string& json) {
  std::string whole = read(json, json.empty() ? 1 : json.size());
  for (size_t step = 1; step < json.size(); ++step) EXPECT_EQ(read(json, step), whole) << "chunks of " << step;
  return whole;
}

// qpdf 11's JSON (version 2) for a page with a sticky note and a free-text
// box, as it writes it (keys sorted, two spaces a level).
const std::string kJson = R"json({
  "version": 2,
  "qpdf": [
    {
      "jsonversion": 2,
      "maxobjectid": 7
    },
    {
      "obj:3 0 R": {
        "value": {
          "/Annots": [
            "6 0 R",
            "7 0 R"
          ],
          "/Contents": "4 0 R",
          "/Type": "/Page"
        }
      },
      "obj:6 0 R": {
        "value": {
          "/Contents": "u:Line one\nJos\u00e9 \"quoted\" \\ back (paren)",
          "/Subtype": "/Text",
          "/T": "u:Dr Smith",
          "/Type": "/Annot"
        }
      },
      "obj:7 0 R": {
        "value": {
          "/Contents": "u:Jane Doe MRN 00482913",
          "/DA": "u:/Helv 12 Tf",
          "/Subtype": "/FreeText"
        }
      },
      "obj:8 0 R": {
        "value": {
          "/Contents": "b:3082",
          "/Type": "/Sig"
        }
      },
      "trailer": {
        "value": {
          "/Info": "9 0 R",
          "/Title": "u:Not a comment"
        }
      }
    }
  ]
})json";

TEST(PdfComments, TheTextOfEveryCommentAndNothingElse) {
  EXPECT_EQ(read_every_way(kJson),
            "Line one\nJos\xC3\xA9 \"quoted\" \\ back (paren)\n"
            "Jane Doe MRN 00482913\n");
}

TEST(PdfComments, EscapesAndSurrogatesAreDecoded) {
  auto value = [](const std::string& v) { return read_every_way("\"/Contents\": \"u:" + v + "\","); };
  EXPECT_EQ(value(R"(a\tb\/c\rd\be\ff)"), "a\tb/c\rd e f\n");
  EXPECT_EQ(value(R"(\u00E9\u4e2d)"), "\xC3\xA9\xE4\xB8\xAD\n");
  EXPECT_EQ(value(R"(\ud83d\ude00)"), "\xF0\x9F\x98\x80\n");             // a pair: one code point
  EXPECT_EQ(value(R"(\ud83dx)"), "\xEF\xBF\xBDx\n");                     // a high surrogate alone
  EXPECT_EQ(value(R"(\ud83d\u0041)"), "\xEF\xBF\xBD" "A\n");             // followed by no low one
  EXPECT_EQ(value(R"(\ude00)"), "\xEF\xBF\xBD\n");                       // a low surrogate alone
  EXPECT_EQ(value(R"(\u00zz)"), "\xEF\xBF\xBDzz\n");                     // a broken \u
  EXPECT_EQ(value(R"(\u12\"x)"), "\xEF\xBF\xBD\"x\n");                   // cut by an escape
  EXPECT_EQ(value(R"(\ud83d)"), "\xEF\xBF\xBD\n");                       // at the value's end
  EXPECT_EQ(value("caf\xC3\xA9"), "caf\xC3\xA9\n");                      // UTF-8 as it is
  EXPECT_EQ(value(R"(a\u0000b)"), "a\xEF\xBF\xBD" "b\n");                 // no NUL in the text
}

TEST(PdfComments, OnlyATextStringUnderTheWholeKeyCounts) {
  EXPECT_EQ(read_every_way(R"("/Contents": "7 0 R", "/Contents": "b:00ff", "/Contents": "/Name")"), "");
  EXPECT_EQ(read_every_way(R"("/ContentsX": "u:no", "/Content": "u:no", "Contents": "u:no")"), "");
  EXPECT_EQ(read_every_way(R"("/Contents":"u:no space", "/Contents":  "u:two")"), "");  // not qpdf's layout
  // A key matched partly, then again (the failure function, not a restart).
  EXPECT_EQ(read_every_way(R"(""/Contents": "u:one", "/Contents"/Contents": "u:two")"), "one\ntwo\n");
  EXPECT_EQ(read_every_way(R"("/Contents": ""/Contents": "u:three")"), "three\n");
}

// A file specification's name (/F, /UF) and description (/Desc): an
// annotation's /F is its flags, a number; the embedded file's stream a reference.
TEST(PdfComments, AttachedFilesNamesAndDescriptionsToo) {
  EXPECT_EQ(read_every_way(R"("/Desc": "u:labs of Jane", "/EF": {"/F": "7 0 R"}, "/F": "u:a.csv", "/UF": "u:a.csv",)"
                           R"( "/F": 4, "/Type": "/Filespec")"),
            "labs of Jane\na.csv\na.csv\n");
  EXPECT_EQ(read_every_way(R"("/FF": "u:no", "/Fx": "u:no", "F": "u:no", "/UFO": "u:no", "/Descr": "u:no")"), "");
  // Keys that share bytes: each is matched on its own.
  EXPECT_EQ(read_every_way(R"("/UF"/F": "u:one", ""/Desc": "u:two", "/Contents": "/F": "u:three")"),
            "one\ntwo\nthree\n");
}

TEST(PdfComments, AValueCutByTheEndOfTheOutputIsEnded) {
  EXPECT_EQ(read_every_way(R"("/Contents": "u:cut here)"), "cut here\n");
  EXPECT_EQ(read_every_way(R"("/Contents": "u:cut \ud83d)"), "cut \xEF\xBF\xBD\n");
  EXPECT_EQ(read_every_way(R"("/Contents": "u:cut \u00)"), "cut \n");
  EXPECT_EQ(read_every_way(R"("/Contents": "u)"), "");
}

TEST(PdfComments, AValueOf10000EscapesComesWhole) {
  std::string v;
  for (int i = 0; i < 10000; ++i) v += "\\u00e9";
  std::string want;
  for (int i = 0; i < 10000; ++i) want += "\xC3\xA9";
  std::string json = "\"/Contents\": \"u:" + v + "\"";
  EXPECT_EQ(read(json, 1), want + "\n");
  EXPECT_EQ(read(json, 4096), want + "\n");
}

TEST(PdfComments, RandomJsonGivesTheSameTextHoweverSplit) {
  std::mt19937 rng(11);
  const std::vector<std::string> pieces = {"\"/Contents\": \"u:", "\"", "\\", "u", "d83d", "de00", "00e9", "x",
                                           "\\n", ",", " ", "\"/Contents\"", ": ", "zz", "\"/F\": \"u:", "\"/UF\"",
                                           "/Desc"};
  for (int round = 0; round < 3000; ++round) {
    std::string json;
    size_t n = rng() % 40;
    for (size_t i = 0; i < n; ++i) json += pieces[rng() % pieces.size()];
    std::string whole = read(json, json.empty() ? 1 : json.size());
    for (size_t step : {size_t(1), size_t(2), size_t(1 + rng() % 13)}) {
      ASSERT_EQ(read(json, step), whole) << json << " in chunks of " << step;
    }
  }
}

}  // namespace
}  // namespace phi::mime
