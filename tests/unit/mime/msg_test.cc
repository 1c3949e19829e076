// msg_test - Outlook .msg files built here (MS-OXMSG property streams in a
// compound file, small ones in its mini stream): subject and body in each
// encoding Outlook writes, attachments listed and their files read.
#include "milter/mime/msg.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "tests/unit/mime/ole_builder.h"
#include "tests/unit/mime/tnef_builder.h"

namespace phi::mime {
namespace {

using test::build_ole;
using test::kOleNone;
using test::OleEntry;

using test::bytes_of;
using test::make_msg;
using test::utf16z;

struct Read {
  std::string text;
  MsgText r;
  bool msg = false;
};

Read read(const std::string& file, uint64_t max = 1 << 20) {
  OleFile f(bytes_of(file), file.size());
  Read out;
  out.msg = is_msg(f.listing());
  if (out.msg) out.r = msg_text(f, max, [&](std::string_view t) { out.text.append(t); });
  return out;
}

TEST(Msg, SubjectAndUnicodeBodyFromTheMiniStream) {
  Read m = read(make_msg({{"__substg1.0_0037001F", utf16z("Referral: Maria Gonzalez")},
                          {"__substg1.0_1000001F", utf16z("DOB 03/14/1962, MRN 4471823, type 2 diabetes.\r\n")},
                          {"__substg1.0_10130102", "<p>not read: there is a plain body</p>"}}));
  ASSERT_TRUE(m.msg);
  EXPECT_EQ(m.text, "Referral: Maria Gonzalez\nDOB 03/14/1962, MRN 4471823, type 2 diabetes.\r\n\n");
  EXPECT_EQ(m.r.attachments, 0u);
  EXPECT_FALSE(m.r.damaged);
  EXPECT_EQ(m.r.characters, std::string("Referral:MariaGonzalezDOB03/14/1962,MRN4471823,type2diabetes.").size());
}

TEST(Msg, EightBitHtmlAndRtfBodies) {
  Read ansi = read(make_msg({{"__substg1.0_0037001E", std::string("Mu\xF1oz\0", 6)}, {"__substg1.0_1000001E", "plain"}}));
  EXPECT_EQ(ansi.text, "Mu\xC3\xB1oz\nplain\n");
  Read html = read(make_msg({{"__substg1.0_10130102", "<html><body><p>MRN&nbsp;4471823</p><script>x()</script></body></html>"}}));
  EXPECT_NE(html.text.find("MRN"), std::string::npos) << html.text;
  EXPECT_NE(html.text.find("4471823"), std::string::npos) << html.text;
  EXPECT_EQ(html.text.find("script"), std::string::npos) << html.text;
  Read rtf = read(make_msg({{"__substg1.0_10090102", test::lzfu_stored("{\\rtf1\\ansi Patient Diego Lopez\\par}")}}));
  EXPECT_NE(rtf.text.find("Patient Diego Lopez"), std::string::npos) << rtf.text;
  EXPECT_FALSE(rtf.r.damaged);
  Read bad = read(make_msg({{"__substg1.0_10090102", "not LZFu at all"}}));
  EXPECT_TRUE(bad.r.damaged);
}

// Given a reader for it, the formatted body goes there whole, as a file
// (its pictures and objects with it): always when there is no plain body,
// beside the plain body when it may hold a picture or an object.
TEST(Msg, AFormattedBodyWithFilesGoesToTheCallersReader) {
  struct Given {
    std::string text, types, bodies;
    MsgText r;
  };
  auto given = [](const std::string& file, uint64_t max = 1 << 20) {
    OleFile f(bytes_of(file), file.size());
    Given g;
    g.r = msg_text(f, max, [&](std::string_view t) { g.text.append(t); },
                   [&](std::string_view type, std::string_view bytes) {
                     g.types.append(type).append(";");
                     g.bodies.append(bytes).append("|");
                   });
    return g;
  };
  const std::pair<std::string, std::string> plain = {"__substg1.0_1000001F", utf16z("Please see the chart below.")};
  const std::string picture = "<p>Chart:</p><img src=\"DATA:image/png;base64,iVBORw0KGgo=\">";
  const std::string rtf_picture = "{\\rtf1\\ansi Chart:{\\pict\\pngblip 89504e47}}";
  struct Row {
    const char* label;
    std::vector<std::pair<std::string, std::string>> props;
    std::string text, types, bodies;
  };
  const Row rows[] = {
      {"a plain body alone", {plain}, "Please see the chart below.\n", "", ""},
      {"an HTML body without pictures beside it: not read",
       {plain, {"__substg1.0_10130102", "<p>Please see</p>"}}, "Please see the chart below.\n", "", ""},
      {"an HTML body with a data: URL beside it (in capitals)",
       {plain, {"__substg1.0_10130102", picture}}, "Please see the chart below.\n", "text/html; charset=utf-8;",
       picture + "|"},
      {"an HTML body alone, without pictures, in Windows-1252",
       {{"__substg1.0_10130102", "<p>Mu\xF1oz</p>"}}, "", "text/html; charset=utf-8;", "<p>Mu\xC3\xB1oz</p>|"},
      {"an RTF body without pictures beside it: not read",
       {plain, {"__substg1.0_10090102", test::lzfu_stored("{\\rtf1 Please see}")}}, "Please see the chart below.\n", "",
       ""},
      {"an RTF body with a picture beside it",
       {plain, {"__substg1.0_10090102", test::lzfu_stored(rtf_picture)}}, "Please see the chart below.\n", "text/rtf;",
       rtf_picture + "|"},
      {"an RTF body with an object beside it",
       {plain, {"__substg1.0_10090102", test::lzfu_stored("{\\rtf1{\\object{\\*\\objdata 0105}}}")}},
       "Please see the chart below.\n", "text/rtf;", "{\\rtf1{\\object{\\*\\objdata 0105}}}|"},
      {"an RTF body alone", {{"__substg1.0_10090102", test::lzfu_stored("{\\rtf1 Hi}")}}, "", "text/rtf;",
       "{\\rtf1 Hi}|"},
      {"the HTML body before the RTF one",
       {plain, {"__substg1.0_10130102", picture}, {"__substg1.0_10090102", test::lzfu_stored(rtf_picture)}},
       "Please see the chart below.\n", "text/html; charset=utf-8;", picture + "|"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.label);
    Given g = given(make_msg(row.props));
    EXPECT_EQ(g.text, row.text);
    EXPECT_EQ(g.types, row.types);
    EXPECT_EQ(g.bodies, row.bodies);
    EXPECT_FALSE(g.r.damaged);
  }
  // The RTF decompressed may be larger than its stream (an object's hex
  // digits compress well): up to 8 times max_bytes, the most LZFu makes.
  const std::string hex_rtf = "{\\rtf1{\\object{\\*\\objdata " + std::string(20000, '0') + "}}}";
  const std::string compressed = test::lzfu_compress(hex_rtf);
  ASSERT_LT(compressed.size(), 4000u);
  Given big = given(make_msg({plain, {"__substg1.0_10090102", compressed}}), 4000);
  EXPECT_FALSE(big.r.damaged);
  EXPECT_EQ(big.bodies, hex_rtf + "|");
  // An RTF body beside the plain one that cannot be decompressed: damaged.
  Given bad = given(make_msg({plain, {"__substg1.0_10090102", "not LZFu at all"}}));
  EXPECT_TRUE(bad.r.damaged);
  EXPECT_EQ(bad.text, "Please see the chart below.\n");
  // Without a reader, a formatted body beside a plain one is not even looked at.
  EXPECT_FALSE(read(make_msg({plain, {"__substg1.0_10090102", "not LZFu at all"}})).r.damaged);
}

TEST(Msg, AttachmentsAreCountedAndTooLargeIsDamaged) {
  Read m = read(make_msg({{"__substg1.0_1000001F", utf16z("see attached")}}, 2));
  EXPECT_EQ(m.r.attachments, 2u);
  EXPECT_EQ(m.text, "see attached\n");
  Read cut = read(make_msg({{"__substg1.0_1000001F", utf16z("a long body")}}), 4);
  EXPECT_TRUE(cut.r.damaged);
}

// Each attachment storage is listed with its names and what it holds, and
// its file is read one level down, through the mini stream or the FAT.
TEST(Msg, AttachmentsAreListedAndTheirFilesRead) {
  const std::string big(5000, 'x');  // 4096 bytes or more: regular sectors
  std::string file = test::make_msg_with({{"__substg1.0_1000001F", utf16z("see attached")}},
                                         {{"labs.txt", "SSN 078-05-1121", "text/plain"},
                                          {"scan.pdf", big},
                                          {"Fwd: older", "", "", true}});
  OleFile f(bytes_of(file), file.size());
  auto list = msg_attachments(f, 64);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].filename, "labs.txt");
  EXPECT_EQ(list[0].mime_type, "text/plain");
  EXPECT_TRUE(list[0].data);
  EXPECT_FALSE(list[0].object);
  EXPECT_EQ(list[1].filename, "scan.pdf");
  EXPECT_EQ(list[1].mime_type, "");
  EXPECT_TRUE(list[2].object);
  EXPECT_FALSE(list[2].data);
  for (size_t i = 0; i < 2; ++i) {
    std::string data;
    EXPECT_EQ(f.read(list[i].storage, kMsgAttachData, 1 << 20, [&](std::string_view b) { data.append(b); }),
              OleStream::Read);
    EXPECT_EQ(data, i == 0 ? "SSN 078-05-1121" : big);
  }
  EXPECT_EQ(f.read(list[1].storage, kMsgAttachData, 100, [](std::string_view) {}), OleStream::TooLarge);
  EXPECT_EQ(f.read("no such storage", kMsgAttachData, 100, [](std::string_view) {}), OleStream::Unreadable);
  EXPECT_EQ(msg_attachments(f, 2).size(), 2u);
  EXPECT_FALSE(f.listing("__substg1.0_1000001F").valid);  // a stream, not a storage
}

// A message attached to a message as an Outlook item ("Attach Item") is
// a storage in the attachment's: read the same way by its path, its own
// attachments listed by their paths from the file's top.
TEST(Msg, AnEmbeddedMessageIsReadFromItsStorage) {
  auto older = std::make_shared<test::MsgSpec>();
  older->props = {{"__substg1.0_0037001F", utf16z("Lab results")},
                  {"__substg1.0_1000001F", utf16z("Maria Gonzalez, MRN 4471823")}};
  older->attachments = {{"labs.txt", "SSN 078-05-1121", "text/plain"}};
  test::MsgAttach item{"Lab results", "", "", true};
  item.message = older;
  std::string file = test::make_msg_with({{"__substg1.0_1000001F", utf16z("see the item below")}}, {item});
  OleFile f(bytes_of(file), file.size());
  auto top = msg_attachments(f, 64);
  ASSERT_EQ(top.size(), 1u);
  EXPECT_TRUE(top[0].object);
  const std::string root = top[0].storage + "/" + std::string(kMsgAttachObject);
  EXPECT_TRUE(is_msg(f.listing(root)));
  std::string text;
  MsgText m = msg_text(f, 1 << 20, [&](std::string_view t) { text.append(t); }, {}, root);
  EXPECT_EQ(text, "Lab results\nMaria Gonzalez, MRN 4471823\n");
  EXPECT_EQ(m.attachments, 1u);
  EXPECT_FALSE(m.damaged);
  EXPECT_EQ(m.read, utf16z("Lab results").size() + utf16z("Maria Gonzalez, MRN 4471823").size());
  auto inner = msg_attachments(f, 64, root);
  ASSERT_EQ(inner.size(), 1u);
  EXPECT_EQ(inner[0].storage, root + "/__attach_version1.0_#00000000");
  EXPECT_EQ(inner[0].filename, "labs.txt");
  std::string data;
  EXPECT_EQ(f.read(inner[0].storage, kMsgAttachData, 100, [&](std::string_view b) { data.append(b); }), OleStream::Read);
  EXPECT_EQ(data, "SSN 078-05-1121");
  // The top message's text is its own.
  std::string own;
  msg_text(f, 1 << 20, [&](std::string_view t) { own.append(t); });
  EXPECT_EQ(own, "see the item below\n");
}

TEST(Msg, OnlyMessagesAreMessages) {
  EXPECT_FALSE(read(build_ole({test::ole_root(1), test::ole_stream("WordDocument")})).msg);
  EXPECT_FALSE(read(build_ole({test::ole_root(1), test::ole_stream("__properties_version1.0")})).msg);
  EXPECT_FALSE(read("no compound file").msg);
}

}  // namespace
}  // namespace phi::mime
