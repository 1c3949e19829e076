// Tests of ArchiveToTar with the real bsdtar (scripts/setup installs
// libarchive-tools) through the Walker, as the daemon reads mail: the files
// of 7z archives (written here by bsdtar) and of a RAR archive (built here,
// stored) become parts of their own; an archive that is damaged, too large,
// inside another, or with no reader is reported; 7z and RAR archives in a
// ZIP or attached to a PDF or a .msg are read; the parts and unpacked bytes stay
// within the Walker's limits.
#include "milter/archive_tar.h"
#include "milter/legacy_office.h"
#include "milter/pdftext.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <zlib.h>

#include "tests/unit/escrow/test_util.h"
#include "tests/unit/milter/document_builders.h"
#include "tests/unit/mime/ole_builder.h"
#include "tests/unit/mime/recording_sink.h"
#include "tests/unit/mime/zip_builder.h"

namespace phi {
namespace {

using escrow::testing::read_file;
using escrow::testing::TempDir;
using mime::test::message_with_attachment;
using mime::test::RecordingSink;

const std::string kBsdtar = "/usr/bin/bsdtar";
const std::string kLabs = "Patient: Maria Lopez\nMRN 4471823\nSSN 078-05-1121\n";

// A 7z archive of `files` (name, content; a name with '/' makes its
// directory), written by bsdtar.
std::string make_7z(const std::vector<std::pair<std::string, std::string>>& files) {
  TempDir d;
  std::filesystem::create_directory(d.file("in"));
  for (const auto& [name, content] : files) {
    std::filesystem::path p = d.file("in/" + name);
    std::filesystem::create_directories(p.parent_path());
    escrow::testing::write_file(p.string(), content);
  }
  std::string cmd = kBsdtar + " --format 7zip -cf " + d.file("a.7z") + " -C " + d.file("in") + " .";
  if (std::system(cmd.c_str()) != 0) return {};
  return read_file(d.file("a.7z"));
}

void put(std::string& s, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) s += char((v >> (8 * i)) & 0xFF);
}

// A RAR 1.5-4 block: its CRC (the low 16 bits of the CRC-32 of the rest) and the rest.
std::string rar_block(const std::string& rest) {
  std::string b;
  put(b, crc32(0, reinterpret_cast<const Bytef*>(rest.data()), uInt(rest.size())) & 0xFFFF, 2);
  return b + rest;
}

// A RAR 4 archive of one file, stored (no free program writes RAR; the
// format is RARLAB's technote.txt): marker, archive header, file header
// and data, end of archive.
std::string make_rar(const std::string& name, const std::string& data) {
  std::string out("Rar!\x1A\x07\x00", 7), main, file, end;
  put(main, 0x73, 1), put(main, 0, 2), put(main, 13, 2), put(main, 0, 2), put(main, 0, 4);
  put(file, 0x74, 1), put(file, 0x8000, 2), put(file, 32 + name.size(), 2);
  put(file, data.size(), 4), put(file, data.size(), 4), put(file, 3, 1);  // sizes, Unix
  put(file, crc32(0, reinterpret_cast<const Bytef*>(data.data()), uInt(data.size())), 4);
  put(file, 0x5A210000, 4), put(file, 20, 1), put(file, 0x30, 1);  // time, version, stored
  put(file, name.size(), 2), put(file, 0100644, 4);
  put(end, 0x7B, 1), put(end, 0x4000, 2), put(end, 7, 2);
  return out + rar_block(main) + rar_block(file + name) + data + rar_block(end);
}

class ArchiveToTarTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(kBsdtar.c_str(), X_OK) != 0) GTEST_SKIP() << "bsdtar not installed (libarchive-tools)";
    o_.program = kBsdtar;
    reader_ = std::make_shared<const ArchiveToTar>(o_);
    docs_ = std::make_shared<const Converters>(nullptr, nullptr, nullptr, reader_);
  }

  // The Walker's events for a message with `bytes` attached as `type` named `name`.
  RecordingSink walk(const std::string& type, const std::string& name, const std::string& bytes,
                     mime::Limits lim = mime::Limits{}, bool with_reader = true) {
    RecordingSink sink;
    mime::Walker w(lim, sink, with_reader ? docs_.get() : nullptr);
    mime::test::feed_message(w, message_with_attachment(type, name, bytes, true), 1000);
    w.finish();
    return sink;
  }

  ArchiveOptions o_;
  std::shared_ptr<const ArchiveToTar> reader_;
  std::shared_ptr<const Converters> docs_;
};

// Each file of a 7z archive is a part of the archive's, named by its path
// in the archive and read as an attachment of that name would be (HTML
// markup removed); the directory's name is the archive part's.
TEST_F(ArchiveToTarTest, SevenZipFilesArePartsOfTheirOwn) {
  std::string a = make_7z({{"results/labs.txt", kLabs}, {"note.html", "<p>Dx <b>E11.9</b> diabetes</p>"}});
  ASSERT_FALSE(a.empty());
  RecordingSink s = walk("application/x-7z-compressed", "records.7z", a);
  EXPECT_TRUE(s.reasons.empty()) << s.log();
  std::string log = s.log();
  EXPECT_NE(log.find("file 2: records.7z\n"), std::string::npos) << log;
  EXPECT_NE(log.find("file 2: ./results/\n"), std::string::npos) << log;
  bool labs = false, note = false;
  for (size_t n = 1; n <= 3; ++n) {
    std::string id = "2." + std::to_string(n);
    if (log.find("file " + id + ": ./results/labs.txt\n") != std::string::npos) labs = s.body(id) == kLabs;
    if (log.find("file " + id + ": ./note.html\n") != std::string::npos) note = s.body(id).find("Dx E11.9 diabetes") != std::string::npos;
  }
  EXPECT_TRUE(labs) << log;
  EXPECT_TRUE(note) << log;
}

// Unlabelled (octet-stream, no name) it is sniffed by its signature; a RAR
// archive is read the same way.
TEST_F(ArchiveToTarTest, SniffedSevenZipAndRarAreRead) {
  RecordingSink s7 = walk("application/octet-stream", "", make_7z({{"labs.txt", kLabs}}));
  EXPECT_TRUE(s7.reasons.empty()) << s7.log();
  EXPECT_EQ(s7.body("2.1"), kLabs) << s7.log();
  std::string rar = make_rar("labs.txt", kLabs);
  for (const char* type : {"application/vnd.rar", "application/octet-stream"}) {
    SCOPED_TRACE(type);
    RecordingSink s = walk(type, "x.rar", rar);
    EXPECT_TRUE(s.reasons.empty()) << s.log();
    EXPECT_NE(s.log().find("file 2.1: labs.txt\n"), std::string::npos) << s.log();
    EXPECT_EQ(s.body("2.1"), kLabs) << s.log();
  }
}

// What cannot be read is reported on the archive's part: a damaged archive
// "archive" (bsdtar fails), one larger than max_part_bytes "size-limit"
// (nothing of it read), and with no reader of archives (ArchiveToTar
// empty) "archive" unread, as before there was one.
TEST_F(ArchiveToTarTest, WhatIsNotReadIsReported) {
  std::string a = make_7z({{"labs.txt", kLabs + std::string(3000, 'x')}});
  RecordingSink cut = walk("application/x-7z-compressed", "a.7z", a.substr(0, a.size() - 40));
  EXPECT_EQ(cut.reasons, std::vector<std::string>{"archive"}) << cut.log();
  EXPECT_NE(cut.log().find("uninspected 2 application/x-7z-compressed: archive"), std::string::npos) << cut.log();

  mime::Limits small;
  small.max_part_bytes = a.size() - 1;
  RecordingSink big = walk("application/x-7z-compressed", "a.7z", a, small);
  EXPECT_EQ(big.reasons, std::vector<std::string>{"size-limit"}) << big.log();
  EXPECT_EQ(big.log().find("Maria"), std::string::npos) << big.log();

  RecordingSink none = walk("application/x-7z-compressed", "a.7z", a, mime::Limits{}, false);
  EXPECT_EQ(none.reasons, std::vector<std::string>{"archive"}) << none.log();
  EXPECT_EQ(none.log().find("Maria"), std::string::npos) << none.log();
}

// A 7z inside a 7z is not read ("depth-limit": one bsdtar per archive
// open, none waiting for a second slot); the files beside it are.
TEST_F(ArchiveToTarTest, AnArchiveInsideOneIsNotRead) {
  std::string inner = make_7z({{"inner.txt", "MRN 9911223"}});
  std::string outer = make_7z({{"labs.txt", kLabs}, {"more.7z", inner}});
  RecordingSink s = walk("application/x-7z-compressed", "a.7z", outer);
  EXPECT_EQ(s.reasons, std::vector<std::string>{"depth-limit"}) << s.log();
  EXPECT_NE(s.log().find(kLabs), std::string::npos) << s.log();
  EXPECT_EQ(s.log().find("9911223"), std::string::npos) << s.log();
  // Two archives one after the other in a message are both read.
  RecordingSink two;
  mime::Walker w(mime::Limits{}, two, docs_.get());
  std::string a1 = make_7z({{"one.txt", "first file"}}), a2 = make_7z({{"two.txt", "second file"}});
  mime::test::feed_message(w,
                           "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
                           "--b\r\nContent-Type: application/x-7z-compressed\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
                               mime::test::base64_lines(a1) +
                               "--b\r\nContent-Type: application/x-7z-compressed\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
                               mime::test::base64_lines(a2) + "--b--\r\n");
  w.finish();
  EXPECT_TRUE(two.reasons.empty()) << two.log();
  EXPECT_EQ(two.body("1.1"), "first file") << two.log();
  EXPECT_EQ(two.body("2.1"), "second file") << two.log();
}

// A 7z or RAR archive attached to a PDF is read by the PDF reader's
// `archive`, in the PDF's slot: with this reader's only process held
// elsewhere it is still read at once (taking a slot, it would wait the
// timeout and be "unavailable", the message retried), and so is a PDF in
// it (in the PDF's slot too, with one PdfProcesses). A 7z in the 7z is
// not read ("depth-limit"): the PDF is "pdf".
TEST_F(ArchiveToTarTest, ASevenZipOrRarAttachedToAPdfIsReadInThePdfsSlot) {
  const std::string kQpdf = "/usr/bin/qpdf";
  ASSERT_EQ(::access(kQpdf.c_str(), X_OK), 0) << kQpdf << " missing: scripts/setup installs qpdf";
  test::OnlyProcessHeld<ArchiveToTar, ArchiveOptions> slot(o_, "archive");  // of ArchiveProcesses
  ASSERT_TRUE(slot.held);
  PdfOptions p;
  p.program = "/usr/bin/pdftotext";
  p.qpdf_program = kQpdf;
  p.processes = 1;
  p.archive = std::make_shared<ArchiveToTar>(slot.in_caller);
  const std::string page = "Records for the referral are attached to this letter";
  const std::string chart = test::make_pdf({"Chart: Jane Doe, SSN 078-05-1121, seen on 03/14/2024"});
  struct Row {
    const char* name;
    std::string file;
    const char* text;
  };
  const Row rows[] = {
      {"labs.7z", make_7z({{"results/labs.txt", kLabs}}), "MRN 4471823"},
      {"labs.rar", make_rar("labs.txt", kLabs), "MRN 4471823"},
      {"charts.7z", make_7z({{"chart.pdf", chart}}), "SSN 078-05-1121"},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.name);
    ASSERT_FALSE(r.file.empty());
    test::Outcome o = test::extract(PdfToText(p), "pdf", test::make_pdf_with_attached_file(page, r.file, false, r.name));
    EXPECT_EQ(o.reason, "");
    EXPECT_EQ(o.text.rfind(page + "\n", 0), 0u) << o.text;
    EXPECT_NE(o.text.find(r.text), std::string::npos) << o.text;
  }
  std::string nested = make_7z({{"labs.txt", kLabs}, {"more.7z", make_7z({{"inner.txt", "MRN 9911223"}})}});
  test::Outcome deep = test::extract(PdfToText(p), "pdf", test::make_pdf_with_attached_file(page, nested, false, "a.7z"));
  EXPECT_EQ(deep.reason, "pdf");
  EXPECT_NE(deep.text.find("MRN 4471823"), std::string::npos) << deep.text;
  EXPECT_EQ(deep.text.find("9911223"), std::string::npos) << deep.text;
  // Without `archive` (no ArchiveToTar) the archive is not read: the PDF is uninspected.
  PdfOptions no_archive = p;
  no_archive.archive = nullptr;
  test::Outcome unread =
      test::extract(PdfToText(no_archive), "pdf", test::make_pdf_with_attached_file(page, rows[0].file, false));
  EXPECT_EQ(unread.reason, "pdf");
  EXPECT_EQ(unread.text.find("4471823"), std::string::npos) << unread.text;
  // An `archive` that takes a slot of its own waits for the one held, and gives up: "unavailable".
  p.archive = std::make_shared<ArchiveToTar>(slot.one);
  EXPECT_EQ(test::extract(PdfToText(p), "pdf", test::make_pdf_with_attached_file(page, rows[0].file, false)).reason,
            "unavailable");
}

// A 7z or RAR archive attached to a forwarded Outlook .msg is read in the
// .msg's slot, as one attached to a PDF is in the PDF's: with the only
// ArchiveProcesses held elsewhere it is read at once. Without a reader it
// is "archive", as before.
TEST_F(ArchiveToTarTest, ASevenZipOrRarAttachedToAnOutlookMessageIsReadInItsSlot) {
  test::OnlyProcessHeld<ArchiveToTar, ArchiveOptions> slot(o_, "archive");  // of ArchiveProcesses
  ASSERT_TRUE(slot.held);
  LegacyOfficeOptions lo;
  lo.processes = 1;
  lo.attachments =
      std::make_shared<const Converters>(nullptr, nullptr, nullptr, std::make_shared<ArchiveToTar>(slot.in_caller));
  const std::vector<std::pair<std::string, std::string>> props = {
      {"__substg1.0_0037001F", mime::test::utf16z("FW: records")}};
  for (const auto& [name, file] : {std::pair<std::string, std::string>{"records.7z", make_7z({{"labs.txt", kLabs}})},
                                   {"records.rar", make_rar("labs.txt", kLabs)}}) {
    SCOPED_TRACE(name);
    std::string msg = mime::test::make_msg_with(props, {{name, file}});
    test::Outcome o = test::extract(LegacyOffice(lo), "office", msg);
    EXPECT_EQ(o.reason, "");
    EXPECT_NE(o.text.find("FW: records\n"), std::string::npos) << o.text;
    EXPECT_NE(o.text.find("MRN 4471823"), std::string::npos) << o.text;
    LegacyOfficeOptions none = lo;
    none.attachments = nullptr;
    test::Outcome unread = test::extract(LegacyOffice(none), "office", msg);
    EXPECT_EQ(unread.reason, "archive");
    EXPECT_EQ(unread.text.find("4471823"), std::string::npos) << unread.text;
  }
  // An archive reader that takes a slot of its own waits for the one held, and gives up.
  lo.attachments = std::make_shared<const Converters>(nullptr, nullptr, nullptr, std::make_shared<ArchiveToTar>(slot.one));
  EXPECT_EQ(test::extract(LegacyOffice(lo), "office",
                          mime::test::make_msg_with(props, {{"records.7z", make_7z({{"labs.txt", kLabs}})}}))
                .reason,
            "unavailable");
}

// A 7z or RAR archive in a ZIP (and a ZIP in a 7z) is read: a 7z exported
// to a folder that was then zipped is not delivered unread beside a bland note.
TEST_F(ArchiveToTarTest, ArchivesInAZipAreRead) {
  std::string z = mime::test::make_zip({{"cover.txt", "see the records"},
                                        {"export/records.7z", make_7z({{"labs.txt", kLabs}})},
                                        {"scan.rar", make_rar("old.txt", "MRN 9911223")}});
  RecordingSink s = walk("application/zip", "export.zip", z);
  EXPECT_TRUE(s.reasons.empty()) << s.log();
  EXPECT_EQ(s.body("2.1.1"), kLabs) << s.log();
  EXPECT_EQ(s.body("2.2.1"), "MRN 9911223") << s.log();
  EXPECT_NE(s.log().find("file 2: cover.txt\nexport/records.7z\nscan.rar\n"), std::string::npos) << s.log();  // the ZIP's names

  RecordingSink in7z = walk("application/x-7z-compressed", "a.7z",
                            make_7z({{"inner.zip", mime::test::make_zip({{"note.txt", kLabs}})}}));
  EXPECT_TRUE(in7z.reasons.empty()) << in7z.log();
  EXPECT_EQ(in7z.body("2.1"), kLabs) << in7z.log();
}

// 10,000 files: the message's max_parts stops the parts ("part-limit"),
// and the unpacked bytes stop at max_total_bytes ("size-limit", the file
// being read cut there).
TEST_F(ArchiveToTarTest, PartsAndUnpackedBytesAreBounded) {
  std::vector<std::pair<std::string, std::string>> files;
  for (int i = 0; i < 10000; ++i) files.emplace_back("f" + std::to_string(i), "MRN " + std::to_string(1000000 + i));
  std::string many = make_7z(files);
  ASSERT_FALSE(many.empty());
  mime::Limits lim;
  RecordingSink s = walk("application/x-7z-compressed", "a.7z", many, lim);
  EXPECT_EQ(s.reasons, std::vector<std::string>{"part-limit"}) << s.reasons.size();
  size_t parts = 0;
  for (const auto& e : s.events)
    if (e.rfind("begin 2.", 0) == 0) ++parts;
  EXPECT_EQ(parts, lim.max_parts - 3);  // the multipart, its text and the archive count first

  std::string big = make_7z({{"a.txt", "MRN 4471823 " + std::string(200000, 'y')}});
  mime::Limits tight;
  tight.max_total_bytes = 50000;
  RecordingSink t = walk("application/x-7z-compressed", "a.7z", big, tight);
  EXPECT_EQ(t.reasons, std::vector<std::string>{"size-limit"}) << t.log();
  EXPECT_NE(t.body("2.1").find("MRN 4471823"), std::string::npos) << t.log();
  EXPECT_LT(t.body("2.1").size(), 50000u);

  // The converter's own limit on what it reads back (max_text, from
  // MaxMessageBytes) is "size-limit" too, not also "archive" for the tar
  // stream it cut.
  ArchiveOptions short_output = o_;
  short_output.max_text = 50000;
  Converters docs(nullptr, nullptr, nullptr, std::make_shared<const ArchiveToTar>(short_output));
  RecordingSink c;
  mime::Walker w(mime::Limits{}, c, &docs);
  mime::test::feed_message(w, message_with_attachment("application/x-7z-compressed", "a.7z", big, true));
  w.finish();
  EXPECT_EQ(c.reasons, std::vector<std::string>{"size-limit"}) << c.log();
  EXPECT_NE(c.body("2.1").find("MRN 4471823"), std::string::npos) << c.log();
}

}  // namespace
}  // namespace phi
