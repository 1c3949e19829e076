// msg_test - Outlook .msg files built here (MS-OXMSG property streams in a
// compound file, small ones in its mini stream): subject and body in each
// encoding Outlook writes, attachments listed and their files read.
#include "milter/mime/msg.h"

#include <gtest/gtest.h>

#include <cstring>
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

TEST(Msg, OnlyMessagesAreMessages) {
  EXPECT_FALSE(read(build_ole({test::ole_root(1), test::ole_stream("WordDocument")})).msg);
  EXPECT_FALSE(read(build_ole({test::ole_root(1), test::ole_stream("__properties_version1.0")})).msg);
  EXPECT_FALSE(read("no compound file").msg);
}

}  // namespace
}  // namespace phi::mime
