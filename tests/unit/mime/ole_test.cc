// ole_test - the top-level streams of OLE2 compound files, and files that lie about them.
#include "milter/mime/ole.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "tests/unit/mime/ole_builder.h"

namespace phi::mime {
namespace {

using test::build_ole;
using test::kOleNone;
using test::ole_put32;
using test::ole_root;
using test::ole_stream;
using test::OleEntry;

OleListing list(const std::string& file) {
  return OleFile(test::bytes_of(file), file.size()).listing();
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(Ole, SignatureOnly) {
  EXPECT_TRUE(is_ole(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 rest")));
  EXPECT_FALSE(is_ole("PK\x03\x04"));
  EXPECT_FALSE(is_ole(std::string("\xD0\xCF\x11\xE0", 4)));
}

TEST(Ole, ListsTheRootsChildrenThroughTheFat) {
  // Seven entries over two directory sectors, stored last first: the tree
  // under the root is 2 with 1 on its left and 3 on its right.
  std::vector<OleEntry> e = {ole_root(2), ole_stream("\x01" "CompObj"), ole_stream("WordDocument", 1, 3),
                             ole_stream("1Table", kOleNone, 4), ole_stream("\x05SummaryInformation"),
                             ole_stream("Data"), ole_stream("Unlinked")};
  e[4].right = 5;
  auto l = list(build_ole(e));
  ASSERT_TRUE(l.valid);
  EXPECT_EQ(sorted(l.names), sorted({"\x01" "CompObj", "WordDocument", "1Table", "\x05SummaryInformation", "Data"}));
  EXPECT_TRUE(l.has("WordDocument"));
  EXPECT_FALSE(l.has("Unlinked"));  // not in the tree: a leftover entry
}

TEST(Ole, StreamsOfASubStorageAreNotTheRoots) {
  // A Word letter with an Excel sheet embedded: ObjectPool/_1/Workbook.
  std::vector<OleEntry> e = {ole_root(1), ole_stream("WordDocument", kOleNone, 2), {"ObjectPool", 1, kOleNone, kOleNone, 3, {}},
                             {"_1", 1, kOleNone, kOleNone, 4, {}}, ole_stream("Workbook")};
  auto l = list(build_ole(e));
  ASSERT_TRUE(l.valid);
  EXPECT_EQ(sorted(l.names), sorted({"WordDocument", "ObjectPool"}));
  EXPECT_FALSE(l.has("Workbook"));
}

// ... which are listed and read by their path: storages' names with '/'
// between them; the listing says what each child is and a stream's length.
TEST(Ole, AStorageTwoLevelsDownIsListedAndReadByItsPath) {
  std::vector<OleEntry> e = {ole_root(1), ole_stream("WordDocument", kOleNone, 2), {"ObjectPool", 1, kOleNone, kOleNone, 3, {}},
                             {"_1", 1, kOleNone, kOleNone, 4, {}}, ole_stream("Workbook", kOleNone, 5, "bof sheet"),
                             {"Nested", 1, kOleNone, kOleNone, kOleNone, {}}};
  std::string file = build_ole(e);
  OleFile f(test::bytes_of(file), file.size());
  OleListing pool = f.listing("ObjectPool");
  ASSERT_TRUE(pool.valid);
  ASSERT_EQ(pool.items.size(), 1u);
  EXPECT_EQ(pool.items[0].name, "_1");
  EXPECT_FALSE(pool.items[0].stream);
  OleListing obj = f.listing("ObjectPool/_1");
  ASSERT_TRUE(obj.valid);
  EXPECT_EQ(sorted(obj.names), sorted({"Workbook", "Nested"}));
  for (const auto& item : obj.items) EXPECT_EQ(item.stream, item.name == "Workbook");
  for (const auto& item : obj.items) EXPECT_EQ(item.length, item.name == "Workbook" ? 9u : 0u);
  std::string got;
  EXPECT_EQ(f.read("ObjectPool/_1", "Workbook", 100, [&](std::string_view b) { got += b; }), OleStream::Read);
  EXPECT_EQ(got, "bof sheet");
  EXPECT_TRUE(f.listing("ObjectPool/_1/Nested").valid);  // an empty storage
  EXPECT_FALSE(f.listing("ObjectPool/_2").valid);
  EXPECT_FALSE(f.listing("ObjectPool/_1/Workbook").valid);  // a stream is no storage
  EXPECT_FALSE(f.listing("WordDocument/x").valid);
  EXPECT_EQ(f.read("ObjectPool/_1/Nested", "Workbook", 100, [](std::string_view) {}), OleStream::Missing);
  EXPECT_EQ(f.read("ObjectPool", "Workbook", 100, [](std::string_view) {}), OleStream::Missing);
  EXPECT_EQ(list(file).items.size(), 2u);
}

TEST(Ole, NonAsciiNamesAreMasked) {
  auto f = build_ole({ole_root(1), ole_stream("Book")});
  f[512 * 2 + 128 + 2] = '\x01';  // "B?ok": code unit 0x016F
  f[512 * 2 + 128 + 3] = '\x01';
  auto l = list(f);
  ASSERT_TRUE(l.valid);
  EXPECT_EQ(l.names, std::vector<std::string>{"B?ok"});
}

TEST(Ole, FilesThatAreNoCompoundFile) {
  auto good = build_ole({ole_root(1), ole_stream("Workbook")});
  ASSERT_TRUE(list(good).valid);
  EXPECT_FALSE(list("").valid);
  EXPECT_FALSE(list(good.substr(0, 511)).valid);
  EXPECT_FALSE(list(good.substr(0, 1024)).valid);  // the directory is cut off
  auto bad = good;
  bad[0] = 'X';
  EXPECT_FALSE(list(bad).valid);
  bad = good;
  bad[0x1E] = 10;  // a sector size of 1024
  EXPECT_FALSE(list(bad).valid);
  bad = good;
  ole_put32(bad, 0x2C, 1000);  // more FAT sectors than the file has
  EXPECT_FALSE(list(bad).valid);
  bad = good;
  ole_put32(bad, 0x30, 77);  // the directory beyond the end
  EXPECT_FALSE(list(bad).valid);
  bad = good;
  bad[512 * 2 + 66] = 2;  // entry 0 is no root
  EXPECT_FALSE(list(bad).valid);
}

TEST(Ole, ALastSectorCutShortIsReadAsFarAsItGoes) {
  // Some writers end the file with the last byte of data: the directory's
  // last sector here holds the root and one entry in its first 256 bytes.
  auto f = build_ole({ole_root(1), ole_stream("WordDocument")});
  auto l = list(f.substr(0, f.size() - 200));
  ASSERT_TRUE(l.valid);
  EXPECT_EQ(l.names, std::vector<std::string>{"WordDocument"});
  EXPECT_FALSE(list(f.substr(0, f.size() - 400)).valid);  // the second entry is cut
}

TEST(Ole, CyclesEnd) {
  // The directory chain: sector 1 points back to itself.
  auto f = build_ole({ole_root(1), ole_stream("WordDocument")});
  ole_put32(f, 512 + 4, 1);
  EXPECT_FALSE(list(f).valid);
  // The tree: 1 is its own right sibling.
  f = build_ole({ole_root(1), ole_stream("WordDocument", kOleNone, 1)});
  EXPECT_FALSE(list(f).valid);
  // A link outside the directory.
  f = build_ole({ole_root(1), ole_stream("WordDocument", 9)});
  EXPECT_FALSE(list(f).valid);
}

TEST(Ole, AnEmptyRoot) {
  auto l = list(build_ole({ole_root(kOleNone)}));
  EXPECT_TRUE(l.valid);
  EXPECT_TRUE(l.names.empty());
}

}  // namespace
}  // namespace phi::mime
