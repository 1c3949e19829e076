// ppt_test - PowerPoint 97-2003 text records, and the stream read out of a
// compound file through its FAT.
#include "milter/mime/ppt.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "milter/mime/ole.h"
#include "tests/unit/mime/ole_builder.h"
#include "tests/unit/mime/zip_builder.h"

namespace phi::mime {
namespace {

using namespace std::string_literals;

std::string record(uint16_t ver_instance, uint16_t type, const std::string& body) {
  std::string r(8, '\0');
  test::ole_put16(r, 0, ver_instance);
  test::ole_put16(r, 2, type);
  test::ole_put32(r, 4, uint32_t(body.size()));
  return r + body;
}
std::string container(uint16_t type, const std::string& children) { return record(0x000F, type, children); }
std::string utf16(const std::string& ascii) {
  std::string s;
  for (char c : ascii) {
    s.push_back(c);
    s.push_back('\0');
  }
  return s;
}
std::string chars(const std::string& ascii) { return record(0, 0x0FA0, utf16(ascii)); }
std::string bytes(const std::string& latin1) { return record(0, 0x0FA8, latin1); }

std::string text_of(const std::string& stream, PptText* r = nullptr) {
  std::string out;
  PptText t = ppt_text(stream, [&](std::string_view s) { out.append(s); });
  if (r) *r = t;
  return out;
}

TEST(PptText, TextAtomsAtAnyDepthInOrder) {
  // A document container with a SlideListWithText (PowerPoint's way) and a
  // slide whose drawing holds a text box (LibreOffice's way).
  std::string slide_list = container(0x0FF0, record(0, 0x03F3, std::string(20, '\0')) +
                                                 chars("Case review: Maria Gonzalez\rDOB 03/14/1962"));
  std::string drawing = container(0x040C, container(0xF002, container(0xF00D, bytes("MRN 4471823\vmetformin"))));
  std::string stream = container(0x03E8, record(0, 0x03E9, std::string(40, 'x')) + slide_list) +
                       container(0x03EE, drawing) + record(0, 0x0FBA, utf16("Dr. Who"));
  PptText r;
  EXPECT_EQ(text_of(stream, &r), "Case review: Maria Gonzalez\nDOB 03/14/1962\nMRN 4471823\nmetformin\nDr. Who\n");
  EXPECT_FALSE(r.encrypted);
  EXPECT_FALSE(r.damaged);
  EXPECT_EQ(r.characters, std::string("Casereview:MariaGonzalezDOB03/14/1962MRN4471823metforminDr.Who").size());
}

TEST(PptText, NonAsciiSurrogatesAndLatin1) {
  std::string u = "G\0o\0n\0z\0\xE1\0l\0e\0z\0 \0=\xD8\x00\xDE"s;  // "González 😀"
  EXPECT_EQ(text_of(record(0, 0x0FA0, u)), "Gonz\xC3\xA1lez \xF0\x9F\x98\x80\n");
  EXPECT_EQ(text_of(record(0, 0x0FA0, "\x00\xD8" "a\0"s)), "\xEF\xBF\xBD" "a\n");  // an unpaired surrogate
  EXPECT_EQ(text_of(bytes("Mu\xF1oz")), "Mu\xC3\xB1oz\n");
}

TEST(PptText, EncryptedCutAndGarbage) {
  PptText r;
  EXPECT_EQ(text_of(chars("before") + container(0x2F14, record(0, 0x2F15, "x")) + chars("after"), &r), "before\n");
  EXPECT_TRUE(r.encrypted);
  std::string whole = chars("first") + chars("second");
  EXPECT_EQ(text_of(whole.substr(0, whole.size() - 3), &r), "first\n");  // the second record is cut
  EXPECT_TRUE(r.damaged);
  EXPECT_EQ(text_of(whole + "abc", &r), "first\nsecond\n");
  EXPECT_TRUE(r.damaged);
  EXPECT_EQ(text_of("", &r), "");
  EXPECT_FALSE(r.damaged);
  std::string huge = record(0, 0x0FA0, "");
  test::ole_put32(huge, 4, 0xFFFFFFFF);
  EXPECT_EQ(text_of(huge, &r), "");
  EXPECT_TRUE(r.damaged);
}

OleStream read(const std::string& file, std::string_view name, std::string& out, uint64_t max = 1 << 20) {
  return OleFile(test::bytes_of(file), file.size()).read(name, max, out);
}

// An object embedded in a slide: an ExOleObjStg record (0x1011) whose body
// is a compound file, zlib-compressed after its size (recInstance 1) or as
// it is (0). Its body goes to `objects`, wherever the record is, and
// ppt_object gives the file back.
TEST(PptText, EmbeddedObjectsAreGivenAndInflated) {
  std::string file = std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(200000, 'w') + "end";
  std::string size(4, '\0');
  test::ole_put32(size, 0, uint32_t(file.size()));
  std::string packed = size + test::zlib_stream(file);
  std::string stream = container(0x03E8, chars("Slide") + container(0x0409, record(0x0010, 0x1011, packed))) +
                       record(0, 0x1011, "plain object");
  std::vector<std::pair<std::string, bool>> got;
  std::string text;
  ppt_text(stream, [&](std::string_view t) { text.append(t); },
           [&](std::string_view body, bool compressed) { got.emplace_back(std::string(body), compressed); });
  EXPECT_EQ(text, "Slide\n");
  ASSERT_EQ(got.size(), 2u);
  EXPECT_TRUE(got[0].second);
  EXPECT_FALSE(got[1].second);
  std::string out;
  EXPECT_TRUE(ppt_object(got[0].first, true, 1 << 20, [&](std::string_view b) { out.append(b); }));
  EXPECT_EQ(out, file);
  out.clear();
  EXPECT_TRUE(ppt_object(got[1].first, false, 100, [&](std::string_view b) { out.append(b); }));
  EXPECT_EQ(out, "plain object");
  // Cut, larger than its size says, or than max_bytes: false, what came given.
  out.clear();
  EXPECT_FALSE(ppt_object(packed.substr(0, packed.size() / 2), true, 1 << 20, [&](std::string_view b) { out.append(b); }));
  EXPECT_EQ(out, file.substr(0, out.size()));
  std::string small = packed;
  test::ole_put32(small, 0, 1000);
  out.clear();
  EXPECT_FALSE(ppt_object(small, true, 1 << 20, [&](std::string_view b) { out.append(b); }));
  EXPECT_EQ(out, file.substr(0, 1000));
  EXPECT_FALSE(ppt_object(packed, true, file.size() - 1, [](std::string_view) {}));
  EXPECT_FALSE(ppt_object("plain object", false, 5, [](std::string_view) {}));
  EXPECT_FALSE(ppt_object("abc", true, 100, [](std::string_view) {}));
  EXPECT_FALSE(ppt_object(size + "not zlib at all", true, 1 << 20, [](std::string_view) {}));
}

TEST(OleReadStream, TheRootsStreamThroughTheFat) {
  using namespace test;
  std::string doc(9000, '\0');
  for (size_t i = 0; i < doc.size(); ++i) doc[i] = char('a' + i % 26);
  std::string other(5000, 'o');
  auto file = build_ole({ole_root(1), ole_stream("Pictures", kOleNone, 2, other), ole_stream("PowerPoint Document", kOleNone, 3, doc),
                         ole_stream("Current User", kOleNone, kOleNone, "tiny")});
  std::string out;
  EXPECT_EQ(read(file, "PowerPoint Document", out), OleStream::Read);
  EXPECT_EQ(out, doc);
  EXPECT_EQ(read(file, "Pictures", out), OleStream::Read);
  EXPECT_EQ(out, other);
  EXPECT_EQ(read(file, "Current User", out), OleStream::Read);  // from the mini stream
  EXPECT_EQ(out, "tiny");
  EXPECT_EQ(read(file, "WordDocument", out), OleStream::Missing);
  EXPECT_EQ(read(file, "PowerPoint Document", out, 8999), OleStream::TooLarge);
  EXPECT_EQ(read(file.substr(0, 512 * 18), "PowerPoint Document", out), OleStream::Unreadable);  // its chain cut
  EXPECT_EQ(read(file.substr(0, file.size() - 512), "Current User", out), OleStream::Unreadable);  // the mini stream cut
  EXPECT_EQ(read("not a compound file", "PowerPoint Document", out), OleStream::Unreadable);
  // A chain that loops: the stream's first data sector points at itself.
  std::string looped = file;
  uint32_t first = 0;
  for (uint32_t n = 0; n < 128; ++n)  // Pictures' chain starts right after the directory
    if (looped.compare(512 * (n + 1), 4, "oooo") == 0) {
      first = n;
      break;
    }
  ASSERT_NE(first, 0u);
  ole_put32(looped, 512 + 4 * first, first);
  EXPECT_EQ(read(looped, "Pictures", out), OleStream::Unreadable);
}

}  // namespace
}  // namespace phi::mime
