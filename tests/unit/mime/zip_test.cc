// Tests for the streaming ZIP reader: the entry forms real writers produce, limits, damage, every split.
#include "milter/mime/zip.h"

#include <gtest/gtest.h>

#include "tests/unit/mime/zip_builder.h"

namespace phi::mime {
namespace {

using test::make_zip;
using test::ZipItem;

// Records entries as "name[flags]" and the data of those it takes; takes every entry unless told otherwise.
class Recorder : public ZipStream::Handler {
 public:
  bool entry(const ZipEntry& e) override {
    log += "<" + e.name + (e.readable ? "" : " unreadable") + (e.encrypted ? " encrypted" : "") + ">";
    return take;
  }
  void data(std::string_view b) override { log.append(b); }
  void entry_end() override { log += "</>"; }
  std::string log;
  bool take = true;
};

struct Result {
  std::string log;
  ZipStream::Status status;
  bool errors;
};

Result read(std::string_view zip, size_t chunk = 0, uint64_t max_out = 1 << 20, size_t max_entries = 100, bool take = true) {
  Recorder r;
  r.take = take;
  ZipStream z(r, max_out, max_entries);
  if (chunk == 0) chunk = zip.size() + 1;
  for (size_t i = 0; i < zip.size(); i += chunk) z.feed(zip.substr(i, chunk));
  z.finish();
  return {r.log, z.status(), z.had_errors()};
}

TEST(ZipStream, EntryFormsOfRealWriters) {
  std::string text = "Patient Jane Doe, SSN 078-05-1121, E11.9\n";
  struct Case {
    const char* label;
    ZipItem item;
  };
  const Case cases[] = {
      {"deflated, sizes in the header (Word, Excel)", {"a.xml", text}},
      {"stored", {"a.xml", text, ZipItem::Stored}},
      {"deflated with a signed data descriptor (Java, LibreOffice)", {"a.xml", text, ZipItem::Deflated, true}},
      {"deflated with an unsigned data descriptor", {"a.xml", text, ZipItem::Deflated, true, false}},
      {"Zip64 sizes in the extra field", {"a.xml", text, ZipItem::Deflated, false, true, true}},
      {"Zip64 with a data descriptor", {"a.xml", text, ZipItem::Deflated, true, true, true}},
      {"stored Zip64", {"a.xml", text, ZipItem::Stored, false, true, true}},
      {"stored with a data descriptor (Go, Python to a pipe)", {"a.xml", text, ZipItem::Stored, true}},
      {"stored Zip64 with a data descriptor", {"a.xml", text, ZipItem::Stored, true, true, true}},
      {"stored with a descriptor, data that looks like one",
       {"a.xml", "PK" + text + "PK\x07\x08PK\x07\x08\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c" + "P",
        ZipItem::Stored, true}},
  };
  for (const Case& c : cases) {
    // Two entries, so that the reader must find the second after the first's end.
    std::string zip = make_zip({c.item, {"b.txt", "second"}});
    Result whole = read(zip);
    EXPECT_EQ(whole.log, "<a.xml>" + c.item.data + "</><b.txt>second</>") << c.label;
    EXPECT_EQ(whole.status, ZipStream::Status::Done) << c.label;
    EXPECT_FALSE(whole.errors) << c.label;
    for (size_t chunk : {1, 2, 3, 7, 29, 64}) {
      Result split = read(zip, chunk);
      ASSERT_EQ(split.log, whole.log) << c.label << ", chunk " << chunk;
      ASSERT_EQ(split.status, ZipStream::Status::Done) << c.label << ", chunk " << chunk;
    }
  }
}

TEST(ZipStream, EveryCutOfAnArchiveReadsTheSame) {
  std::string zip = make_zip({{"[Content_Types].xml", "<Types/>"},
                              {"word/document.xml", std::string(3000, 'x') + "078-05-1121", ZipItem::Deflated, true},
                              {"docProps/core.xml", "<dc:title>t</dc:title>", ZipItem::Stored},
                              {"docProps/app.xml", "<Pages>1</Pages>PK\x07\x08", ZipItem::Stored, true}});
  Result whole = read(zip);
  ASSERT_EQ(whole.status, ZipStream::Status::Done);
  for (size_t cut = 0; cut <= zip.size(); ++cut) {
    Recorder r;
    ZipStream z(r, 1 << 20, 100);
    z.feed(std::string_view(zip).substr(0, cut));
    z.feed(std::string_view(zip).substr(cut));
    z.finish();
    ASSERT_EQ(r.log, whole.log) << "cut at " << cut;
    ASSERT_EQ(z.status(), ZipStream::Status::Done) << "cut at " << cut;
  }
}

TEST(ZipStream, UnreadableEntriesAreSkippedByTheirSize) {
  ZipItem enc{"secret.txt", "ciphertext bytes", ZipItem::Stored};
  enc.encrypted = true;
  ZipItem bz{"data.bin", "bzip2 bytes", ZipItem::Bzip2};
  std::string zip = make_zip({enc, bz, {"c.txt", "after"}});
  Result r = read(zip);
  EXPECT_EQ(r.log, "<secret.txt unreadable encrypted><data.bin unreadable><c.txt>after</>");
  EXPECT_EQ(r.status, ZipStream::Status::Done);
  EXPECT_FALSE(r.errors);
}

TEST(ZipStream, AnEntryNotTakenIsNotInflated) {
  std::string zip = make_zip({{"a.png", std::string(100000, 'z')}, {"b.txt", "b"}});
  Recorder rec;
  rec.take = false;
  ZipStream z(rec, 1 << 20, 100);
  z.feed(zip);
  z.finish();
  EXPECT_EQ(rec.log, "<a.png><b.txt>");
  EXPECT_EQ(z.inflated(), 0u);  // skipped by its compressed size
  EXPECT_EQ(z.status(), ZipStream::Status::Done);
}

TEST(ZipStream, WhereTheEndCannotBeFoundReadingStops) {
  // A stored entry with an unsigned descriptor: its end is never found, the rest is read as its data.
  ZipItem stored_desc{"a.txt", "stored, size unknown", ZipItem::Stored, true, false};
  Result r0 = read(make_zip({stored_desc, {"b.txt", "b"}}));
  EXPECT_EQ(r0.status, ZipStream::Status::Truncated);
  EXPECT_EQ(r0.log.rfind("<a.txt>stored, size unknown", 0), 0u) << r0.log;
  ZipItem enc_desc{"a.txt", "x", ZipItem::Deflated, true};
  enc_desc.encrypted = true;
  Result r = read(make_zip({enc_desc, {"b.txt", "b"}}));
  EXPECT_EQ(r.status, ZipStream::Status::Unsupported);
  EXPECT_EQ(r.log, "<a.txt unreadable encrypted>");
}

TEST(ZipStream, InflatedBytesAreBounded) {
  // 10 MB of zeros deflate to about 10 KB: the reader stops at its limit, the entry taken or not.
  std::string zip = make_zip({{"bomb.txt", std::string(10 << 20, '0'), ZipItem::Deflated, true}});
  ASSERT_LT(zip.size(), 20000u);
  for (bool take : {true, false}) {
    Recorder rec;
    rec.take = take;
    ZipStream z(rec, 1 << 20, 100);
    z.feed(zip);
    z.finish();
    EXPECT_EQ(z.status(), ZipStream::Status::SizeLimit);
    EXPECT_EQ(z.inflated() >= (1u << 20), true);
    if (take) {
      EXPECT_EQ(rec.log.size(), std::string("<bomb.txt>").size() + (1 << 20) + std::string("</>").size());
    }
  }
}

TEST(ZipStream, EntriesAreBounded) {
  std::vector<ZipItem> items;
  for (int i = 0; i < 20; ++i) items.push_back({"f" + std::to_string(i), "x", ZipItem::Stored});
  Result r = read(make_zip(items), 0, 1 << 20, 5);
  EXPECT_EQ(r.status, ZipStream::Status::EntryLimit);
  EXPECT_EQ(r.log, "<f0>x</><f1>x</><f2>x</><f3>x</><f4>x</>");
}

TEST(ZipStream, DamageTable) {
  std::string good = make_zip({{"a.txt", "hello hello hello"}, {"b.txt", "b"}});
  std::string stored = make_zip({{"a.txt", "hello", ZipItem::Stored}, {"b.txt", "b", ZipItem::Stored}});
  std::string bad_deflate = good;
  bad_deflate[30 + 5] = '\xFF';  // inside the first entry's deflate stream (header 30 + name 5)
  bad_deflate[30 + 6] = '\xFF';
  struct Case {
    const char* label;
    std::string zip;
    ZipStream::Status status;
    bool errors;
  };
  const Case cases[] = {
      {"not a zip", "%PDF-1.7 not a zip at all", ZipStream::Status::Malformed, true},
      {"empty", "", ZipStream::Status::Malformed, true},
      {"cut inside an entry", good.substr(0, 40), ZipStream::Status::Truncated, true},
      {"cut after an entry, no central directory", make_zip({{"a.txt", "x", ZipItem::Stored}}, false),
       ZipStream::Status::Truncated, true},
      {"empty archive", make_zip({}), ZipStream::Status::Done, false},
      {"junk where the next header should be", stored.substr(0, 30 + 5 + 5) + "garbage!", ZipStream::Status::Malformed, true},
  };
  for (const Case& c : cases) {
    Result r = read(c.zip);
    EXPECT_EQ(r.status, c.status) << c.label;
    EXPECT_EQ(r.errors, c.errors) << c.label;
  }
  // A broken deflate stream in an entry of known size: that entry is cut, the next one read.
  Result r = read(bad_deflate);
  EXPECT_TRUE(r.errors);
  EXPECT_EQ(r.status, ZipStream::Status::Done);
  EXPECT_NE(r.log.find("<b.txt>b</>"), std::string::npos) << r.log;
}

// A reader opens what the central directory at the end lists, wherever it
// is: an entry placed after a decoy central directory record is read too.
TEST(ZipStream, CentralDirectoryRecordsAreSkippedNotTheEnd) {
  std::string a = make_zip({{"a.txt", "first", ZipItem::Stored}}, false);
  std::string b = make_zip({{"word/document.xml", "SSN 078-05-1121"}}, true);
  std::string decoy;
  test::put32(decoy, 0x02014b50);
  decoy.append(24, '\0');
  test::put16(decoy, 3);  // name
  test::put16(decoy, 2);  // extra
  test::put16(decoy, 1);  // comment
  decoy.append(12, '\0');
  decoy += "abcxyz";
  Result r = read(a + decoy + b);
  EXPECT_EQ(r.log, "<a.txt>first</><word/document.xml>SSN 078-05-1121</>");
  EXPECT_EQ(r.status, ZipStream::Status::Done);
  EXPECT_FALSE(r.errors);
  for (size_t chunk : {1, 5, 13}) EXPECT_EQ(read(a + decoy + b, chunk).log, r.log) << chunk;

  std::string with_comment = make_zip({{"c.txt", "c", ZipItem::Stored}});
  with_comment[with_comment.size() - 2] = 4;  // the end record's comment length
  with_comment += "note";
  EXPECT_EQ(read(with_comment).status, ZipStream::Status::Done);
  EXPECT_EQ(read(with_comment + "junk").status, ZipStream::Status::Malformed);
  EXPECT_EQ(read(with_comment.substr(0, with_comment.size() - 1)).status, ZipStream::Status::Truncated);
}

TEST(ZipStream, LongNamesAreCut) {
  std::string name(5000, 'n');
  Result r = read(make_zip({{name, "x", ZipItem::Stored}, {"b", "y", ZipItem::Stored}}));
  EXPECT_EQ(r.log, "<" + std::string(kMaxZipName, 'n') + ">x</><b>y</>");
}

}  // namespace
}  // namespace phi::mime
