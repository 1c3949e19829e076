// Tests for gzip, bzip2, xz and zstd files and tar archives read through the Walker (attached or inside a ZIP): each file a part, names, limits, damage.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "milter/mime/decompress.h"
#include "milter/mime/tar.h"
#include "milter/mime/walker.h"
#include "tests/unit/mime/recording_sink.h"
#include "tests/unit/mime/tar_builder.h"
#include "tests/unit/mime/zip_builder.h"

namespace phi::mime {
namespace {

using test::feed_message;
using test::bzip2_bytes;
using test::gzip_bytes;
using test::xz_bytes;
using test::zstd_bytes;
using test::pax_record;
using test::RecordingSink;
using test::tar_end;
using test::tar_entry;
using test::tar_header;

std::string with_attachment(const std::string& type, const std::string& filename, const std::string& bytes) {
  return test::message_with_attachment(type, filename, bytes, true);
}

std::string walk(const std::string& msg, Limits lim = Limits{}, size_t chunk = 0, bool* errors = nullptr) {
  RecordingSink sink;
  Walker w(lim, sink);
  bool e = feed_message(w, msg, chunk);
  if (errors) *errors = e;
  return sink.log();
}

const std::string kNote = "Patient: Jane Doe\nSSN 078-05-1121\n";

std::string records_tar() {
  return tar_entry("records/", "", '5') + tar_entry("records/note.txt", kNote) +
         tar_entry("records/visit.html", "<p>MRN&nbsp;00482913</p>") + tar_end();
}

// The part before the attachment is always the same.
const std::string kHead =
    "begin 1 text/plain\nbody 1: see attached\nend 1\n";

TEST(Archive, TarGzFilesAreReadAsPartsOfTheirOwn) {
  std::string log = walk(with_attachment("application/gzip", "records.tar.gz", gzip_bytes(records_tar())));
  EXPECT_EQ(log, kHead +
                     "begin 2 application/gzip\nfile 2: records.tar.gz\nend 2\n"
                     "begin 2.1 application/octet-stream\n"  // records.tar: named already, as records.tar.gz
                     "file 2.1: records/\nend 2.1\n"
                     "begin 2.1.1 application/octet-stream\nfile 2.1.1: records/note.txt\n"
                     "body 2.1.1: " + kNote + "\nend 2.1.1\n"
                     "begin 2.1.2 application/octet-stream\nfile 2.1.2: records/visit.html\n"
                     "body 2.1.2: \nMRN 00482913\n\nend 2.1.2\n");
}

TEST(Archive, SameEventsForEveryChunkSize) {
  std::string msg = with_attachment("application/x-gtar", "records.tgz", gzip_bytes(records_tar(), "records.tar"));
  std::string whole = walk(msg);
  EXPECT_NE(whole.find("body 2.1.1: " + kNote), std::string::npos) << whole;
  for (size_t chunk : {1, 3, 76, 513, 4096}) EXPECT_EQ(walk(msg, Limits{}, chunk), whole) << chunk;
}

TEST(Archive, ATarSentAsOctetStreamIsSniffed) {
  std::string log = walk(with_attachment("application/octet-stream", "", records_tar()));
  EXPECT_NE(log.find("begin 2.1 application/octet-stream\nfile 2.1: records/note.txt\nbody 2.1: " + kNote),
            std::string::npos)
      << log;
  // A gzip file sent as octet-stream with no name: its FNAME names the file.
  log = walk(with_attachment("application/octet-stream", "", gzip_bytes(kNote, "Jane Doe.txt")));
  EXPECT_NE(log.find("begin 2.1 application/octet-stream\nfile 2.1: Jane Doe.txt\nbody 2.1: " + kNote),
            std::string::npos)
      << log;
}

TEST(Archive, AGzipNameIsClassifiedOnceWhenItIsTheFileNameWithoutGz) {
  std::string log = walk(with_attachment("application/gzip", "Jane Doe labs.txt.gz", gzip_bytes(kNote, "Jane Doe labs.txt")));
  EXPECT_EQ(log, kHead +
                     "begin 2 application/gzip\nfile 2: Jane Doe labs.txt.gz\nend 2\n"
                     "begin 2.1 application/octet-stream\nbody 2.1: " + kNote + "\nend 2.1\n");
  // A stored name that says more is classified too.
  log = walk(with_attachment("application/gzip", "labs.gz", gzip_bytes(kNote, "Jane Doe labs.txt")));
  EXPECT_NE(log.find("begin 2.1 application/octet-stream\nfile 2.1: Jane Doe labs.txt\nbody 2.1: "), std::string::npos)
      << log;
}

TEST(Archive, LongNamesFromGnuAndPaxRecords) {
  std::string long_name = "records/" + std::string(120, 'x') + "/Jane Doe discharge.txt";
  std::string gnu = tar_entry("././@LongLink", long_name + std::string(1, '\0'), 'L') +
                    tar_entry(long_name.substr(0, 100), kNote) + tar_end();
  std::string log = walk(with_attachment("application/x-tar", "a.tar", gnu));
  EXPECT_NE(log.find("file 2.1: " + long_name + "\nbody 2.1: " + kNote), std::string::npos) << log;

  // pax: the path record names the entry, the size record overrides the header's.
  std::string pax = tar_entry("PaxHeaders/x", pax_record("path", long_name) + pax_record("size", "5"), 'x') +
                    tar_header("short", 999) + "Jane." + test::tar_pad(5) + tar_entry("next.txt", "SSN") + tar_end();
  log = walk(with_attachment("application/x-tar", "a.tar", pax));
  EXPECT_NE(log.find("file 2.1: " + long_name + "\nbody 2.1: Jane.\nend 2.1\n"), std::string::npos) << log;
  EXPECT_NE(log.find("file 2.2: next.txt\nbody 2.2: SSN\nend 2.2\n"), std::string::npos) << log;
  EXPECT_EQ(log.find("uninspected"), std::string::npos) << log;
}

TEST(Archive, AV7TarWithoutMagicIsReadWhenDeclaredAnArchive) {
  std::string v7 = tar_entry("note.txt", kNote, '\0', false) + tar_end();
  std::string log = walk(with_attachment("application/x-tar", "old.tar", v7));
  EXPECT_NE(log.find("file 2.1: note.txt\nbody 2.1: " + kNote), std::string::npos) << log;
  // Not declared an archive, it is not guessed at: binary.
  log = walk(with_attachment("application/octet-stream", "old.bin", v7));
  EXPECT_NE(log.find("uninspected 2 application/octet-stream: binary"), std::string::npos) << log;
}

TEST(Archive, FilesInsideAreReadByKind) {
  std::string zip = test::make_zip({{"inner.txt", "zipped Jane"}});
  std::string t = tar_entry("a.zip", zip) + tar_entry("b.pdf", "%PDF-1.4 ...") + tar_entry("c.txt.gz", gzip_bytes("gz Jane")) +
                  tar_end();
  std::string log = walk(with_attachment("application/x-tar", "a.tar", t));
  EXPECT_NE(log.find("body 2.1: zipped Jane"), std::string::npos) << log;
  EXPECT_NE(log.find("uninspected 2.2 application/octet-stream: pdf"), std::string::npos) << log;  // no reader given
  EXPECT_NE(log.find("begin 2.3.1 application/octet-stream\nbody 2.3.1: gz Jane\nend 2.3.1\n"), std::string::npos)
      << log;
}

// A .tar.gz, a .gz or a tar in a ZIP is not text of the ZIP: each is a
// part of its own, read as the same file attached would be; the ZIP's own
// text and names stay the ZIP part's, which is begun again after one.
TEST(Archive, CompressedFilesAndTarsInAZipArePartsOfTheirOwn) {
  std::string zip = test::make_zip({{"cover.txt", "zip text"},
                                    {"records.tar.gz", gzip_bytes(records_tar())},
                                    {"labs/jane.txt.gz", gzip_bytes(kNote)},  // shorter than a tar header
                                    {"plain.tar", records_tar(), test::ZipItem::Stored},
                                    {"after.txt", "after text"}});
  std::string msg = with_attachment("application/zip", "export.zip", zip);
  std::string log = walk(msg);
  EXPECT_EQ(log, kHead +
                     "begin 2 application/zip\nfile 2: export.zip\nbody 2: zip text\nend 2\n"
                     "begin 2.1 application/octet-stream\nend 2.1\n"  // records.tar.gz: named with the ZIP's names
                     "begin 2.1.1 application/octet-stream\n"
                     "file 2.1.1: records/\nend 2.1.1\n"
                     "begin 2.1.1.1 application/octet-stream\nfile 2.1.1.1: records/note.txt\n"
                     "body 2.1.1.1: " + kNote + "\nend 2.1.1.1\n"
                     "begin 2.1.1.2 application/octet-stream\nfile 2.1.1.2: records/visit.html\n"
                     "body 2.1.1.2: \nMRN 00482913\n\nend 2.1.1.2\n"
                     "begin 2.2 application/octet-stream\nend 2.2\n"
                     "begin 2.2.1 application/octet-stream\nbody 2.2.1: " + kNote + "\nend 2.2.1\n"
                     "begin 2.3 application/octet-stream\nfile 2.3: records/\nend 2.3\n"
                     "begin 2.3.1 application/octet-stream\nfile 2.3.1: records/note.txt\n"
                     "body 2.3.1: " + kNote + "\nend 2.3.1\n"
                     "begin 2.3.2 application/octet-stream\nfile 2.3.2: records/visit.html\n"
                     "body 2.3.2: \nMRN 00482913\n\nend 2.3.2\n"
                     "begin 2 application/zip\nbody 2: \nafter text\n"
                     "file 2: cover.txt\nrecords.tar.gz\nlabs/jane.txt.gz\nplain.tar\nafter.txt\n\nend 2\n");
  for (size_t chunk : {1, 7, 76, 513}) EXPECT_EQ(walk(msg, Limits{}, chunk), log) << chunk;
}

TEST(Archive, AZipEntryIsAPartByItsFirstBytesNotItsName) {
  // A gzip file named .bin, one in a ZIP inside the ZIP: read, numbered from the outer ZIP's part.
  std::string inner = test::make_zip({{"inner.gz", gzip_bytes("inner Jane")}});
  std::string zip = test::make_zip({{"export.bin", gzip_bytes(kNote)}, {"inner.zip", inner}});
  std::string log = walk(with_attachment("application/zip", "x.zip", zip));
  EXPECT_NE(log.find("begin 2.1.1 application/octet-stream\nbody 2.1.1: " + kNote), std::string::npos) << log;
  EXPECT_NE(log.find("begin 2.2.1 application/octet-stream\nbody 2.2.1: inner Jane\nend 2.2.1\n"), std::string::npos)
      << log;
  EXPECT_EQ(log.find("uninspected"), std::string::npos) << log;

  // Named as an archive but none that is read: the ZIP part says so, as before; a 7z with no reader is the 7z's part's.
  zip = test::make_zip({{"a.gz", "this is not gzip data, whatever its name says"},
                        {"b.7z", std::string("7z\xBC\xAF\x27\x1C\x00\x04", 8) + std::string(100, 'x')}});
  log = walk(with_attachment("application/zip", "y.zip", zip));
  EXPECT_NE(log.find("uninspected 2 application/zip: archive"), std::string::npos) << log;
  EXPECT_NE(log.find("begin 2.1 application/octet-stream\nuninspected 2.1 application/octet-stream: archive\nend 2.1\n"),
            std::string::npos)
      << log;
}

TEST(Archive, PartsInAZipCountAgainstMaxPartsAndDepth) {
  // 10,000 gzip files in a ZIP: each one of the message's parts, until the limit.
  std::vector<test::ZipItem> items;
  for (int i = 0; i < 10000; ++i) items.push_back({"f" + std::to_string(i) + ".gz", gzip_bytes("x")});
  Limits lim;
  lim.max_parts = 100;
  std::string log = walk(with_attachment("application/zip", "many.zip", test::make_zip(items)), lim);
  EXPECT_NE(log.find("uninspected 2 application/zip: part-limit"), std::string::npos) << log.substr(0, 2000);
  EXPECT_NE(log.find("begin 2.48.1 "), std::string::npos) << log.substr(0, 2000);
  EXPECT_EQ(log.find("begin 2.49.1 "), std::string::npos) << log.substr(0, 2000);

  // What the ZIP inflated before a gzip entry counts against the message's unpacked total the gzip file is read within.
  Limits total;
  total.max_total_bytes = 1500000;
  RecordingSink sink;
  Walker w(total, sink);
  feed_message(w, with_attachment("application/zip", "t.zip",
                                  test::make_zip({{"a.txt", std::string(1000000, 'a')},
                                                  {"b.txt.gz", gzip_bytes(std::string(1000000, 'b'))}})));
  EXPECT_EQ(sink.body("2.1.1").size(), 1500000u - 1000000u - gzip_bytes(std::string(1000000, 'b')).size());
  EXPECT_NE(sink.log().find("uninspected 2.1 application/octet-stream: size-limit"), std::string::npos) << sink.log().substr(sink.log().size() - 300);

  // A ZIP in a ZIP in a ZIP: the innermost one's gzip file is read (archive readers have room), a ZIP in it is not.
  std::string deep = test::make_zip({{"labs.gz", gzip_bytes(kNote)}, {"more.zip", test::make_zip({{"x.txt", "x"}})}});
  deep = test::make_zip({{"b.zip", test::make_zip({{"c.zip", deep}})}});
  log = walk(with_attachment("application/zip", "a.zip", deep));
  EXPECT_NE(log.find("begin 2.1.1 application/octet-stream\nbody 2.1.1: " + kNote), std::string::npos) << log;
  EXPECT_NE(log.find("uninspected 2 application/zip: depth-limit"), std::string::npos) << log;
  EXPECT_NE(log.find("b.zip/c.zip/more.zip"), std::string::npos) << log;  // its name is read

  // A ZIP in a gzip file in a ZIP ... : each gzip file an archive reader open, to kMaxArchiveDepth.
  std::string nested = kNote;
  for (int i = 0; i < 6; ++i) nested = test::make_zip({{"n.gz", gzip_bytes(nested)}});
  log = walk(with_attachment("application/zip", "n.zip", nested));
  EXPECT_NE(log.find("depth-limit"), std::string::npos) << log;
  EXPECT_EQ(log.find("Jane"), std::string::npos) << log;
}

TEST(Archive, ACutOrDamagedArchiveKeepsWhatWasReadAndSaysArchive) {
  std::string tgz = gzip_bytes(records_tar());
  bool errors = false;
  std::string log = walk(with_attachment("application/gzip", "r.tgz", tgz.substr(0, tgz.size() - 12)), Limits{}, 0, &errors);
  EXPECT_NE(log.find("body 2.1.1: " + kNote), std::string::npos) << log;
  EXPECT_NE(log.find("begin 2 application/gzip\nuninspected 2 application/gzip: archive\nend 2\n"), std::string::npos)
      << log;
  EXPECT_TRUE(errors);

  std::string bad = records_tar();
  bad[512 * 3 + 148] = '7';  // the third header's checksum
  log = walk(with_attachment("application/x-tar", "r.tar", bad), Limits{}, 0, &errors);
  EXPECT_NE(log.find("body 2.1: " + kNote), std::string::npos) << log;
  EXPECT_EQ(log.find("visit"), std::string::npos) << log;
  EXPECT_NE(log.find("uninspected 2 application/x-tar: archive"), std::string::npos) << log;
  EXPECT_TRUE(errors);

  // Not gzip at all behind the magic.
  log = walk(with_attachment("application/gzip", "r.gz", std::string("\x1F\x8B\x08\x00garbage", 12)));
  EXPECT_NE(log.find("uninspected 2 application/gzip: archive"), std::string::npos) << log;
}

TEST(Archive, MembersOneAfterAnotherAreOneFile) {
  std::string g = gzip_bytes("Jane ", "n.txt") + gzip_bytes("Doe");
  std::string log = walk(with_attachment("application/gzip", "n.txt.gz", g));
  EXPECT_NE(log.find("body 2.1: Jane Doe\nend 2.1\n"), std::string::npos) << log;
  EXPECT_EQ(log.find("uninspected"), std::string::npos) << log;
}

TEST(Archive, LimitsArePartsBytesAndDepth) {
  Limits lim;
  lim.max_parts = 4;  // the message, its two parts, and one file
  std::string log = walk(with_attachment("application/x-tar", "r.tar", records_tar()), lim);
  EXPECT_NE(log.find("body 2.1: " + kNote), std::string::npos) << log;
  EXPECT_NE(log.find("uninspected 2 application/x-tar: part-limit"), std::string::npos) << log;

  Limits small;
  small.max_part_bytes = 1000;
  std::string bomb = gzip_bytes(std::string(1 << 20, 'a'));
  log = walk(with_attachment("application/gzip", "a.txt.gz", bomb), small);
  EXPECT_NE(log.find("uninspected 2 application/gzip: size-limit"), std::string::npos) << log;
  EXPECT_NE(log.find("body 2.1: " + std::string(1000, 'a') + "\n"), std::string::npos) << log;

  std::string nested = kNote;
  for (int i = 0; i < 5; ++i) nested = gzip_bytes(nested);
  log = walk(with_attachment("application/gzip", "n.gz", nested));
  EXPECT_NE(log.find("uninspected 2.1.1.1.1 application/octet-stream: depth-limit"), std::string::npos) << log;
  EXPECT_EQ(log.find("Jane"), std::string::npos) << log;
}

TEST(Archive, RecordsMadeByGnuTarGzipXzAndBzip2) {
  // tests/unit/milter/data/records.*: GNU tar 1.34 --format=gnu, then gzip -n, xz -6, bzip2 -9 (README there).
  for (std::string name : {"records.tgz", "records.txz", "records.tbz2"}) {
    SCOPED_TRACE(name);
    std::ifstream f(std::string(PHI_SRCDIR) + "/tests/unit/milter/data/" + name, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    ASSERT_FALSE(ss.str().empty());
    bool errors = true;
    // Sent as octet-stream with a name that says nothing: the signatures tell.
    std::string log = walk(with_attachment("application/octet-stream", "export.bin", ss.str()), Limits{}, 0, &errors);
    EXPECT_FALSE(errors) << log;
    EXPECT_EQ(log.find("uninspected"), std::string::npos) << log;
    EXPECT_NE(log.find("file 2.1: records/\n"), std::string::npos) << log;
    EXPECT_NE(log.find("file 2.1.1: records/discharge summary for the patient seen on the cardiology ward in the spring, "
                       "as dictated by the attending.txt\nbody 2.1.1: Discharge summary\nPatient: Jane Doe"),
              std::string::npos)
        << log;
    EXPECT_NE(
        log.find("file 2.1.2: records/labs.csv\nbody 2.1.2: name,dob,mrn,dx\nJane Doe,03/14/1962,00482913,E11.9\n"),
        std::string::npos)
        << log;
  }
}

TEST(Archive, Bzip2AndXzAreReadLikeGzip) {
  for (auto [name, bytes] : {std::pair<std::string, std::string>{"records.tar.bz2", bzip2_bytes(records_tar())},
                             {"records.tbz2", bzip2_bytes(records_tar())},
                             {"records.tar.xz", xz_bytes(records_tar())},
                             {"records.txz", xz_bytes(records_tar())}}) {
    SCOPED_TRACE(name);
    std::string log = walk(with_attachment("application/octet-stream", name, bytes));
    // The unpacked file is named without .bz2 or .xz (.tbz2, .txz: .tar), not classified again.
    EXPECT_NE(log.find("end 2\nbegin 2.1 application/octet-stream\nfile 2.1: records/\nend 2.1\n"), std::string::npos)
        << log;
    EXPECT_NE(log.find("body 2.1.1: " + kNote), std::string::npos) << log;
    for (size_t chunk : {1, 77}) EXPECT_EQ(walk(with_attachment("application/x-xz", name, bytes), Limits{}, chunk),
                                           walk(with_attachment("application/x-xz", name, bytes)));
  }
  // Streams one after another (pbzip2, appended .xz files) are one file.
  std::string log = walk(with_attachment("application/x-bzip2", "n.txt.bz2", bzip2_bytes("Jane ") + bzip2_bytes("Doe")));
  EXPECT_NE(log.find("body 2.1: Jane Doe\nend 2.1\n"), std::string::npos) << log;
  log = walk(with_attachment("application/x-xz", "n.txt.xz", xz_bytes("Jane ") + xz_bytes("Doe")));
  EXPECT_NE(log.find("body 2.1: Jane Doe\nend 2.1\n"), std::string::npos) << log;
  // Cut short: what was unpacked is read, the archive is reported.
  std::string big = std::string(200000, 'x') + " Jane";
  for (const std::string& packed : {bzip2_bytes(big), xz_bytes(big)}) {
    bool errors = false;
    log = walk(with_attachment("application/octet-stream", "a.txt.xz", packed.substr(0, packed.size() - 20)), Limits{}, 0,
               &errors);
    EXPECT_NE(log.find("uninspected 2 application/octet-stream: archive"), std::string::npos) << log;
    EXPECT_TRUE(errors);
  }
}

// zstd (.zst, .tzst, .tar.zst: zstd and tar --zstd) is read as xz is.
TEST(Archive, ZstdIsReadLikeXz) {
  for (auto [name, type] : {std::pair<std::string, std::string>{"records.tar.zst", "application/zstd"},
                            {"records.tzst", "application/octet-stream"}}) {
    SCOPED_TRACE(name);
    std::string msg = with_attachment(type, name, zstd_bytes(records_tar()));
    std::string log = walk(msg);
    // The unpacked file is named without .zst (.tzst: .tar), not classified again.
    EXPECT_NE(log.find("end 2\nbegin 2.1 application/octet-stream\nfile 2.1: records/\nend 2.1\n"), std::string::npos)
        << log;
    EXPECT_NE(log.find("body 2.1.1: " + kNote), std::string::npos) << log;
    EXPECT_EQ(log.find("uninspected"), std::string::npos) << log;
    for (size_t chunk : {1, 5, 77}) EXPECT_EQ(walk(msg, Limits{}, chunk), log) << chunk;
  }
  // Sent as octet-stream with no name: its signature tells.
  std::string log = walk(with_attachment("application/octet-stream", "", zstd_bytes(kNote)));
  EXPECT_NE(log.find("body 2.1: " + kNote), std::string::npos) << log;
  // Frames one after another, a skippable frame between and after them, are one file.
  const std::string skippable("\x50\x2A\x4D\x18\x03\x00\x00\x00xyz", 11);
  for (size_t chunk : {0, 1, 4}) {
    log = walk(with_attachment("application/zstd", "n.txt.zst", zstd_bytes("Jane ") + skippable + zstd_bytes("Doe") + skippable),
               Limits{}, chunk);
    EXPECT_NE(log.find("body 2.1: Jane Doe\nend 2.1\n"), std::string::npos) << chunk << log;
    EXPECT_EQ(log.find("uninspected"), std::string::npos) << chunk << log;
  }
  // Cut short, or followed by bytes that are no frame: what was unpacked is read, the archive is reported.
  std::string text;  // several blocks of 128 KB: a cut stream still gives the first ones
  for (int i = 0; text.size() < 400000; ++i) text += std::to_string(i * 7919 % 100003) + ' ';
  std::string big = zstd_bytes(text);
  for (const std::string& bad : {big.substr(0, big.size() - 20), zstd_bytes("Jane Doe") + "garbage!"}) {
    bool errors = false;
    log = walk(with_attachment("application/zstd", "a.txt.zst", bad), Limits{}, 0, &errors);
    EXPECT_NE(log.find("uninspected 2 application/zstd: archive"), std::string::npos) << log.substr(0, 500);
    EXPECT_NE(log.find("body 2.1: "), std::string::npos) << log.substr(0, 500);
    EXPECT_TRUE(errors);
  }
  // In a ZIP, a zstd file is a part of its own, as a gzip file is.
  log = walk(with_attachment("application/zip", "x.zip", test::make_zip({{"labs.zst", zstd_bytes(kNote)}})));
  EXPECT_NE(log.find("begin 2.1 application/octet-stream\nend 2.1\nbegin 2.1.1 application/octet-stream\nbody 2.1.1: " +
                     kNote),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find("uninspected"), std::string::npos) << log;
}

// After a frame, only another zstd frame or a skippable one: a frame of
// zstd 0.7's legacy format (magic 27 B5 2F FD) is not decoded, and nothing
// a failing call wrote is passed on (found by archive_fuzz: libzstd's
// legacy decoder filled its output with 16 KB before failing).
TEST(Archive, AZstdLegacyFrameAfterOneIsNotDecoded) {
  const std::string input =
      zstd_bytes("Jane ") + std::string("\x50\x2A\x4D\x18\x03\x00\x00\x00xyz", 11) +
      std::string("\x27\xb5\x2f\xfd\x04\x58\x65\x6f\x19\x44\x00\x00\xcf\x8a\xb0\xf8", 16);
  std::string msg = with_attachment("application/zstd", "n.txt.zst", input);
  std::string log = walk(msg);
  EXPECT_NE(log.find("body 2.1: Jane \nend 2.1\n"), std::string::npos) << log;
  EXPECT_NE(log.find("uninspected 2 application/zstd: archive"), std::string::npos) << log;
  for (size_t chunk : {1, 2, 3, 5, 77}) EXPECT_EQ(walk(msg, Limits{}, chunk), log) << chunk;
  // One to three bytes after the last frame are not a frame either.
  log = walk(with_attachment("application/zstd", "n.txt.zst", zstd_bytes("Jane ") + "\x28\xb5"));
  EXPECT_NE(log.find("uninspected 2 application/zstd: archive"), std::string::npos) << log;
}

// libzstd gives out nothing of a call that ends in an error, though blocks
// decoded before it in that call had output: the decoder is fed in the
// units it asks for, so a damaged file gives the same text however its
// bytes arrive (found by tnef_fuzz: 0 bytes of text fed whole, 512 in
// pieces). Files of small blocks (a flush every 40 bytes) and of blocks of
// 128 KB, a block damaged in several places; the message walked whole and
// in pieces of 1, 7, 513 and 8191 bytes.
TEST(Archive, ADamagedZstdFileGivesTheSameTextHoweverItArrives) {
  std::string text;
  for (int i = 0; text.size() < 450000; ++i) text += std::to_string(i * 7919 % 100003) + ' ';
  for (const std::string& good : {test::zstd_blocks(text.substr(0, 4000), 40), zstd_bytes(text)}) {
    SCOPED_TRACE(good.size());
    size_t damaged = 0, read_before_damage = 0;
    for (double where : {0.002, 0.3, 0.55, 0.8, 0.97, 0.995}) {
      std::string bad = good;
      size_t at = static_cast<size_t>(static_cast<double>(bad.size()) * where);
      bad.replace(at, 48, 48, '\xFF');
      SCOPED_TRACE("bytes from " + std::to_string(at));
      std::string msg = with_attachment("application/zstd", "n.txt.zst", bad);
      std::string log = walk(msg);
      if (log.find("uninspected 2 application/zstd: archive") != std::string::npos) {
        ++damaged;
        size_t body = log.find("body 2.1: ");
        if (body != std::string::npos && log.size() - body > good.size() / 10) ++read_before_damage;
      }
      for (size_t chunk : {1, 7, 513, 8191}) EXPECT_EQ(walk(msg, Limits{}, chunk), log) << chunk;
    }
    // The damage is seen (the file is reported), and the blocks before it are read.
    EXPECT_GE(damaged, 5u);
    EXPECT_GE(read_before_damage, 4u);
  }
}

// The same property on the decoder alone, over files made at random (one
// to three frames, small blocks or large, skippable frames between) and
// damaged at random (a byte changed, 8 bytes overwritten, cut short):
// every file gives the same bytes, status and errors fed whole as in
// random pieces. Before the decoder was fed in units, about one file in
// ten of these differed.
TEST(Archive, ZstdDecoderOutputDoesNotDependOnHowTheFileIsSplit) {
  std::mt19937 rng(20261206);
  struct Result {
    std::string out;
    Decompressor::Status status;
    bool errors;
  };
  auto decode = [&](const std::string& z, bool split) {
    Decompressor d(Compression::Zstd);
    Result r;
    auto out = [&](std::string_view b) {
      r.out += b;
      return true;
    };
    if (!split) d.feed(z, out);
    for (size_t at = 0; split && at < z.size();) {
      size_t n = std::min<size_t>(z.size() - at, 1 + rng() % (rng() % 2 ? 16 : 40000));
      d.feed(std::string_view(z).substr(at, n), out);
      at += n;
    }
    d.finish(out);
    r.status = d.status();
    r.errors = d.had_errors();
    return r;
  };
  size_t malformed = 0;
  for (int file = 0; file < 300; ++file) {
    std::string z;
    for (unsigned frames = 1 + rng() % 3; frames > 0; --frames) {
      std::string text;
      size_t len = rng() % (rng() % 8 == 0 ? 300000 : 3000);
      while (text.size() < len) text += std::to_string(rng() % (rng() % 2 ? 100 : 100000)) + ' ';
      z += rng() % 2 ? test::zstd_blocks(text, 1 + rng() % 300) : zstd_bytes(text);
      if (rng() % 4 == 0) z += std::string("\x50\x2A\x4D\x18\x03\x00\x00\x00xyz", 11);
    }
    for (unsigned damage = rng() % 5; damage > 0 && z.size() > 4; --damage) {
      size_t at = rng() % z.size();
      switch (rng() % 3) {
        case 0: z[at] = static_cast<char>(z[at] ^ (1 + rng() % 255)); break;
        case 1: z.replace(at, 8, 8, '\xFF'); break;
        default: z.resize(std::max<size_t>(at, 4)); break;
      }
    }
    SCOPED_TRACE("file " + std::to_string(file) + ", " + std::to_string(z.size()) + " bytes");
    Result whole = decode(z, false);
    if (whole.status == Decompressor::Status::Malformed) ++malformed;
    for (int i = 0; i < 2; ++i) {
      Result pieces = decode(z, true);
      ASSERT_EQ(pieces.out.size(), whole.out.size());
      ASSERT_TRUE(pieces.out == whole.out);
      ASSERT_EQ(pieces.status, whole.status);
      ASSERT_EQ(pieces.errors, whole.errors);
    }
  }
  EXPECT_GE(malformed, 60u);  // the damage reaches the decoder's error paths
}

TEST(Archive, AZstdFileWithAWindowOver16MBIsSizeLimit) {
  // "Patient: Jane Doe\n" through zstd --long=27 from a pipe: a 128 MB window.
  const std::string long27("\x28\xb5\x2f\xfd\x04\x88\x91\x00\x00\x50\x61\x74\x69\x65\x6e\x74"
                           "\x3a\x20\x4a\x61\x6e\x65\x20\x44\x6f\x65\x0a\x95\x14\x63\x5b",
                           31);
  std::string log = walk(with_attachment("application/zstd", "n.txt.zst", long27));
  EXPECT_NE(log.find("uninspected 2 application/zstd: size-limit"), std::string::npos) << log;
  EXPECT_EQ(log.find("Jane"), std::string::npos) << log;
  // One xz or zstd decoder at a time: a zstd file inside an xz one, or inside another zstd one, is not unpacked.
  for (const std::string& nested : {xz_bytes(zstd_bytes(kNote)), zstd_bytes(zstd_bytes(kNote))}) {
    log = walk(with_attachment("application/octet-stream", "n.bin", nested));
    EXPECT_NE(log.find("uninspected 2.1 application/octet-stream: depth-limit"), std::string::npos) << log;
    EXPECT_EQ(log.find("Jane"), std::string::npos) << log;
  }
  log = walk(with_attachment("application/gzip", "n.txt.zst.gz", gzip_bytes(zstd_bytes(kNote))));
  EXPECT_NE(log.find("body 2.1.1: " + kNote), std::string::npos) << log;
}

TEST(Archive, AnXzFileNeedingMoreThanTheMemoryLimitIsSizeLimit) {
  // "Patient: Jane Doe\n" through xz -9: a 64 MB dictionary, 65 MB to unpack.
  const std::string xz9(
      "\xfd\x37\x7a\x58\x5a\x00\x00\x04\xe6\xd6\xb4\x46\x02\x00\x21\x01\x1c\x00\x00\x00\x10\xcf\x58\xcc"
      "\x01\x00\x11\x50\x61\x74\x69\x65\x6e\x74\x3a\x20\x4a\x61\x6e\x65\x20\x44\x6f\x65\x0a\x00\x00\x00"
      "\x25\xd3\x28\xf8\x36\x75\x15\x0a\x00\x01\x2a\x12\x4b\x08\x54\xbc\x1f\xb6\xf3\x7d\x01\x00\x00\x00"
      "\x00\x04\x59\x5a",
      76);
  std::string log = walk(with_attachment("application/x-xz", "n.txt.xz", xz9));
  EXPECT_NE(log.find("uninspected 2 application/x-xz: size-limit"), std::string::npos) << log;
  EXPECT_EQ(log.find("Jane"), std::string::npos) << log;
  // One xz decoder at a time: an xz file inside one is not unpacked.
  log = walk(with_attachment("application/x-xz", "n.xz", xz_bytes(xz_bytes(kNote))));
  EXPECT_NE(log.find("uninspected 2.1 application/octet-stream: depth-limit"), std::string::npos) << log;
  EXPECT_EQ(log.find("Jane"), std::string::npos) << log;
  log = walk(with_attachment("application/gzip", "n.txt.xz.gz", gzip_bytes(xz_bytes(kNote))));
  EXPECT_NE(log.find("body 2.1.1: " + kNote), std::string::npos) << log;
  // The same text at xz's default level is read.
  log = walk(with_attachment("application/x-xz", "n.txt.xz", xz_bytes("Patient: Jane Doe\n")));
  EXPECT_NE(log.find("body 2.1: Patient: Jane Doe\n"), std::string::npos) << log;
}

TEST(TarStream, SizesInBase256AndEndWithoutZeroBlocks) {
  struct H : TarStream::Handler {
    std::string log;
    bool entry(const TarEntry& e) override {
      log += "[" + e.name + " " + std::to_string(e.size) + "]";
      return true;
    }
    void data(std::string_view b) override { log.append(b); }
    void entry_end() override { log += "."; }
  } h;
  std::string hdr = tar_header("big", 0);
  // GNU base-256: 0x80, then the size big-endian (3 here), checksum redone.
  std::memset(&hdr[124], 0, 12);
  hdr[124] = static_cast<char>(0x80);
  hdr[135] = 3;
  std::memset(&hdr[148], ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : hdr) sum += c;
  std::snprintf(&hdr[148], 8, "%06o", sum);
  TarStream t(h, 10);
  t.feed(hdr + "abc" + test::tar_pad(3) + tar_entry("x", "y"));
  t.finish();
  EXPECT_EQ(h.log, "[big 3]abc.[x 1]y.");
  EXPECT_EQ(t.status(), TarStream::Status::Done);
  EXPECT_FALSE(t.had_errors());

  H h2;
  TarStream cut(h2, 10);
  cut.feed(tar_entry("x", "hello").substr(0, 514));
  cut.finish();
  EXPECT_EQ(h2.log, "[x 5]he.");
  EXPECT_EQ(cut.status(), TarStream::Status::Truncated);

  H h3;
  TarStream limited(h3, 1);
  limited.feed(tar_entry("a", "1") + tar_entry("b", "2"));
  EXPECT_EQ(limited.status(), TarStream::Status::EntryLimit);
  EXPECT_EQ(h3.log, "[a 1]1.");
}

TEST(Decompressor, StopsWhenTheOutputSaysSoAndIgnoresTrailingBytes) {
  Decompressor g(Compression::Gzip);
  std::string out;
  auto keep = [&](std::string_view b) {
    out.append(b);
    return true;
  };
  g.feed(gzip_bytes(std::string(100000, 'z')), [&](std::string_view b) {
    out.append(b);
    return out.size() < 20000;
  });
  EXPECT_EQ(g.status(), Decompressor::Status::Stopped);
  EXPECT_LE(out.size(), 20000u + 16384u);

  Decompressor t(Compression::Gzip);
  out.clear();
  t.feed(gzip_bytes("abc", "name.txt") + std::string(512, '\0'), keep);
  t.finish(keep);
  EXPECT_EQ(out, "abc");
  EXPECT_EQ(t.name(), "name.txt");
  EXPECT_EQ(t.status(), Decompressor::Status::Done);
  EXPECT_TRUE(t.had_errors());  // the padding after the member

  Decompressor b(Compression::Bzip2);
  out.clear();
  b.feed(bzip2_bytes("abc") + "garbage", keep);
  b.finish(keep);
  EXPECT_EQ(out, "abc");
  EXPECT_EQ(b.status(), Decompressor::Status::Done);
  EXPECT_TRUE(b.had_errors());

  EXPECT_EQ(compression_of(gzip_bytes("a")), Compression::Gzip);
  EXPECT_EQ(compression_of(bzip2_bytes("a")), Compression::Bzip2);
  EXPECT_EQ(compression_of(xz_bytes("a")), Compression::Xz);
  EXPECT_FALSE(compression_of("BZh0"));
  EXPECT_FALSE(compression_of("PK\x03\x04"));
}

}  // namespace
}  // namespace phi::mime
