// Tests for OleNative: the file an Object Packager stream holds, its name and bytes, split anywhere.
#include "milter/mime/ole_native.h"

#include <gtest/gtest.h>

#include <string>

namespace phi::mime {
namespace {

std::string u32(uint32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[size_t(i)] = char((v >> (8 * i)) & 0xFF);
  return s;
}

// The stream as the Object Packager writes it (its Unicode copies of the names after the data).
std::string package(const std::string& label, const std::string& path, const std::string& data,
                    uint32_t flags = 0x00030000) {
  std::string temp = "C:\\Users\\x\\AppData\\Local\\Temp\\" + path.substr(path.find_last_of('\\') + 1) + '\0';
  std::string body = std::string("\x02\x00", 2) + label + '\0' + path + '\0' + u32(flags) + u32(uint32_t(temp.size())) +
                     temp + u32(uint32_t(data.size())) + data + u32(0) + u32(0) + u32(0);
  return u32(uint32_t(body.size())) + body;
}

struct Got {
  std::string name = "?", bytes;
  bool found = false, damaged = false;
  int names = 0;
};

Got read(const std::string& stream, size_t cut) {
  Got g;
  OleNative n([&](std::string_view name) { g.name = std::string(name), ++g.names; },
              [&](std::string_view b) { g.bytes.append(b); });
  n.feed(std::string_view(stream).substr(0, cut));
  n.feed(std::string_view(stream).substr(cut));
  n.finish();
  g.found = n.found();
  g.damaged = n.damaged();
  return g;
}

TEST(OleNative, APackagedFileIsItsNameAndBytesWhereverSplit) {
  std::string csv = "Name,DOB,MRN\nMaria Gonzalez,03/14/1962,4471823\n";
  std::string s = package("labs.csv", "C:\\Users\\x\\Documents\\labs.csv", csv);
  for (size_t cut = 0; cut <= s.size(); ++cut) {
    Got g = read(s, cut);
    ASSERT_TRUE(g.found) << cut;
    EXPECT_EQ(g.names, 1);
    EXPECT_EQ(g.name, "labs.csv");
    EXPECT_EQ(g.bytes, csv) << cut;
    EXPECT_FALSE(g.damaged);
  }
}

// No label: the path's last component; Windows-1252 converted, line breaks blanks.
TEST(OleNative, TheNameFromThePathAndConverted) {
  Got g = read(package("", "D:\\Akten\\Gr\xFC\xDF\r\nliste.txt", "x"), 3);
  EXPECT_EQ(g.name, "Gr\xC3\xBC\xC3\x9F  liste.txt");
  EXPECT_EQ(g.bytes, "x");
  g = read(package("", "labs.txt", "y"), 0);
  EXPECT_EQ(g.name, "labs.txt");
}

// A linked file has no bytes here: nothing found, nothing damaged. Other
// OLE 1 native data (no package head) is the data after its length, nameless.
TEST(OleNative, LinkedFilesAndNativeData) {
  Got g = read(package("labs.csv", "C:\\labs.csv", "", 0x00010000), 5);
  EXPECT_FALSE(g.found);
  EXPECT_FALSE(g.damaged);
  EXPECT_EQ(g.names, 0);
  std::string data = "%PDF-1.4\n" + std::string(5000, 'p');
  for (size_t cut : {size_t(0), size_t(2), size_t(4100)}) {
    g = read(u32(uint32_t(data.size())) + data, cut);
    EXPECT_TRUE(g.found);
    EXPECT_EQ(g.name, "");
    EXPECT_EQ(g.bytes, data) << cut;
    EXPECT_FALSE(g.damaged);
  }
}

// A stream that ends before its file's length has given what it had and
// is damaged; so is one too short for any head. An empty stream is nothing.
TEST(OleNative, CutStreamsAreDamaged) {
  std::string csv(300, 'c');
  std::string s = package("labs.csv", "C:\\labs.csv", csv);
  Got g = read(s.substr(0, s.size() - 12 - 100), 7);
  EXPECT_TRUE(g.found);
  EXPECT_EQ(g.bytes, csv.substr(0, 200));
  EXPECT_TRUE(g.damaged);
  g = read(std::string("\x05\x00", 2), 1);
  EXPECT_FALSE(g.found);
  EXPECT_TRUE(g.damaged);
  g = read("", 0);
  EXPECT_FALSE(g.found);
  EXPECT_FALSE(g.damaged);
}

std::string lpas(const std::string& t) { return u32(uint32_t(t.size() + 1)) + t + '\0'; }
std::string ole1(const std::string& cls, const std::string& native, uint32_t format = 2) {
  return u32(0x0501) + u32(format) + lpas(cls) + lpas("topic") + lpas("") + u32(uint32_t(native.size())) + native +
         "presentation after";
}

Got read1(const std::string& data, size_t cut) {
  Got g;
  Ole1Object o([&](std::string_view b) { g.bytes.append(b); });
  o.feed(std::string_view(data).substr(0, cut));
  o.feed(std::string_view(data).substr(cut));
  o.finish();
  g.found = o.found();
  g.damaged = o.damaged();
  return g;
}

// RTF's \objdata: an OLE 2 object's native data is its compound file,
// given as it is; a package's is its file; split anywhere, the
// presentation data after it dropped.
TEST(Ole1Object, TheNativeDataOrThePackagedFile) {
  std::string sheet = std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(5000, 's');
  std::string csv = "Name,DOB,MRN\nMaria Gonzalez,03/14/1962,4471823\n";
  std::string pack = package("labs.csv", "C:\\labs.csv", csv).substr(4);  // without the stream's length
  for (const auto& [data, want] : {std::pair{ole1("Excel.Sheet.8", sheet), sheet}, std::pair{ole1("Package", pack), csv}}) {
    for (size_t cut = 0; cut <= data.size(); cut += (cut < 200 ? 1 : 97)) {
      Got g = read1(data, cut);
      ASSERT_TRUE(g.found) << cut;
      ASSERT_EQ(g.bytes, want) << cut;
      ASSERT_FALSE(g.damaged) << cut;
    }
  }
}

// A linked or static object holds no file; a cut one is damaged, as is a
// head with a name longer than any.
TEST(Ole1Object, LinkedCutAndHostileObjects) {
  Got g = read1(ole1("Excel.Sheet.8", "data", 1), 3);
  EXPECT_FALSE(g.found);
  EXPECT_FALSE(g.damaged);
  EXPECT_EQ(g.bytes, "");
  std::string whole = ole1("Excel.Sheet.8", std::string(300, 'x'));
  g = read1(whole.substr(0, whole.size() - 100), 10);
  EXPECT_TRUE(g.found);
  EXPECT_TRUE(g.damaged);
  EXPECT_EQ(g.bytes.size(), 300u + 18 - 100);  // the presentation data's 18 bytes were cut, and 82 of the data
  g = read1(u32(0x0501) + u32(2) + u32(0xFFFFFF) + std::string(10000, 'n'), 0);
  EXPECT_FALSE(g.found);
  EXPECT_TRUE(g.damaged);
  g = read1(u32(0x0501) + u32(2) + lpas("Excel"), 4);  // ends inside the head
  EXPECT_FALSE(g.found);
  EXPECT_TRUE(g.damaged);
}

}  // namespace
}  // namespace phi::mime
