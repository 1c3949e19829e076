// Tests of LegacyOffice with the real catdoc, xls2csv (scripts/setup
// installs catdoc) on Word and Excel 97-2003 files written by LibreOffice
// (tests/unit/milter/data/README): the text, encrypted and damaged files,
// compound files of other kinds, and, with a stand-in script, what the
// child is given (the whole document, seekable, as its standard input);
// PowerPoint files, read in the daemon, from LibreOffice and built here;
// such files attached to a .msg or to a PDF.
#include "milter/legacy_office.h"
#include "milter/ocr.h"
#include "milter/pdftext.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <zlib.h>

#include "tests/unit/escrow/test_util.h"
#include "tests/unit/milter/document_builders.h"
#include "tests/unit/mime/metafile_builder.h"
#include "tests/unit/mime/ole_builder.h"
#include "tests/unit/mime/tnef_builder.h"
#include "tests/unit/mime/zip_builder.h"

namespace phi {
namespace {

using escrow::testing::TempDir;
using test::extract;

const std::string kCatdoc = "/usr/bin/catdoc";

std::string sample(const std::string& name) {
  const char* srcdir = std::getenv("srcdir");
  std::ifstream f(std::string(srcdir ? srcdir : ".") + "/tests/unit/milter/data/" + name, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (name.size() < 3 || name.substr(name.size() - 3) != ".gz") return bytes;
  std::string out;  // gunzip
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return {};
  z.next_in = reinterpret_cast<Bytef*>(bytes.data());
  z.avail_in = uInt(bytes.size());
  char buf[65536];
  int rc;
  do {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
  } while (rc == Z_OK);
  inflateEnd(&z);
  return rc == Z_STREAM_END ? out : std::string();
}

// A "PowerPoint Document" stream of records (MS-PPT), padded past the 4096
// bytes below which a compound file keeps a stream in its mini stream.
std::string ppt_record(uint16_t ver, uint16_t type, const std::string& body) {
  std::string r(8, '\0');
  mime::test::ole_put16(r, 0, ver);
  mime::test::ole_put16(r, 2, type);
  mime::test::ole_put32(r, 4, uint32_t(body.size()));
  return r + body;
}
std::string ppt_stream(const std::string& records) {
  std::string padded = records + ppt_record(0, 0x03F3, std::string(4200, '\0'));
  return ppt_record(0x000F, 0x03E8, padded);  // a DocumentContainer
}
std::string utf16(const std::string& ascii) {
  std::string s;
  for (char c : ascii) s += std::string{c, '\0'};
  return s;
}

// An Object Packager stream ("\1Ole10Native") holding the file `name`.
std::string packaged(const std::string& name, const std::string& data) {
  auto u32 = [](uint32_t v) {
    std::string b(4, '\0');
    mime::test::ole_put32(b, 0, v);
    return b;
  };
  std::string temp = "C:\\Temp\\" + name + '\0';
  std::string body = std::string("\x02\x00", 2) + name + '\0' + "C:\\" + name + '\0' + u32(0x00030000) +
                     u32(uint32_t(temp.size())) + temp + u32(uint32_t(data.size())) + data;
  return u32(uint32_t(body.size())) + body;
}

LegacyOfficeOptions catdoc() {
  LegacyOfficeOptions o;
  o.word = kCatdoc;
  o.excel = "/usr/bin/xls2csv";
  return o;
}

class LegacyOfficeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::access(kCatdoc.c_str(), X_OK), 0) << kCatdoc << " missing: scripts/setup installs catdoc";
    ASSERT_FALSE(sample("letter.doc").empty()) << "tests/unit/milter/data/letter.doc not found (srcdir?)";
  }
  TempDir dir;
};

TEST_F(LegacyOfficeTest, TextOfAWordLetterAndAnExcelSheet) {
  LegacyOffice reader(catdoc());
  for (size_t chunk : {size_t(1000), size_t(1 << 20)}) {
    test::Outcome doc = extract(reader, "office", sample("letter.doc"), chunk);
    ASSERT_TRUE(doc.opened);
    EXPECT_EQ(doc.reason, "");
    EXPECT_NE(doc.text.find("Patient: Maria Gonzalez, date of birth 03/14/1962, MRN 4471823."), std::string::npos)
        << doc.text;
    EXPECT_NE(doc.text.find("metformin 500 mg"), std::string::npos) << doc.text;
  }
  test::Outcome xls = extract(reader, "office", sample("labs.xls"));
  EXPECT_EQ(xls.reason, "");
  EXPECT_NE(xls.text.find("Maria Gonzalez,03/14/1962,4471823,E11.9 type 2 diabetes mellitus"), std::string::npos)
      << xls.text;
  EXPECT_EQ(xls.text.find('\f'), std::string::npos);  // sheet breaks become line breaks
}

TEST_F(LegacyOfficeTest, EncryptedDamagedAndForeignFilesAreUninspected) {
  LegacyOffice reader(catdoc());
  EXPECT_EQ(extract(reader, "office", sample("encrypted.doc")).reason, "encrypted");
  EXPECT_EQ(extract(reader, "office", sample("encrypted.xls")).reason, "encrypted");
  using namespace mime::test;
  // A password-protected .docx: a compound file with an EncryptedPackage.
  EXPECT_EQ(extract(reader, "office", build_ole({ole_root(1), ole_stream("EncryptedPackage")})).reason, "encrypted");
  // A compound file of another kind (only a property stream), a cut file, no compound file at all.
  EXPECT_EQ(extract(reader, "office", build_ole({ole_root(1), ole_stream("__properties_version1.0")})).reason,
            "office");
  std::string letter = sample("letter.doc");
  EXPECT_EQ(extract(reader, "office", letter.substr(0, 1500)).reason, "office");
  EXPECT_EQ(extract(reader, "office", "plain text, renamed .doc").reason, "office");
  // A WordDocument stream that is empty: catdoc reads a header that is not
  // there (what it decides depends on uninitialised memory: "encrypted"
  // as often as a failure), and the part is never taken for read.
  std::string empty = extract(reader, "office", build_ole({ole_root(1), ole_stream("WordDocument")})).reason;
  EXPECT_TRUE(empty == "office" || empty == "encrypted") << empty;
}

TEST_F(LegacyOfficeTest, ChildGetsTheWholeDocumentSeekableAsStandardInput) {
  std::string script = dir.write("args.sh",
                                 "#!/bin/sh\n"
                                 "echo \"args=$*\"\n"
                                 "n=0; while IFS= read -r line; do n=$((n+1)); done\n"
                                 "echo \"lines=$n\"\n"
                                 "n=0; while IFS= read -r line; do n=$((n+1)); done < /dev/stdin\n"
                                 "echo \"again=$n\"\n"
                                 "echo \"path=$PATH home=${HOME-unset}\"\n"
                                 "printf 'as='; ulimit -v; printf 'fsize='; ulimit -f\n",
                                 0755);
  using namespace mime::test;
  // (The script counts lines: builtins only, no process.)
  std::string word = build_ole({ole_root(1), ole_stream("WordDocument")}) + "one\ntwo\nthree\n";
  std::string excel = build_ole({ole_root(1), ole_stream("Workbook")}) + "one\ntwo\n";
  auto lines = [](const std::string& s) { return std::to_string(std::count(s.begin(), s.end(), '\n')); };
  LegacyOfficeOptions o;
  o.word = o.excel = script;
  o.memory_limit = 128ull << 20;
  LegacyOffice reader(o);
  test::Outcome out = extract(reader, "office", word, 100);
  EXPECT_EQ(out.reason, "");
  EXPECT_NE(out.text.find("args=-d utf-8 -w\nlines=" + lines(word) + "\n"), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("path=/usr/bin:/bin home=unset\nas=131072\nfsize=0\n"), std::string::npos) << out.text;
  out = extract(reader, "office", excel);
  EXPECT_NE(out.text.find("args=-d utf-8 -q 0 /dev/stdin\n"), std::string::npos) << out.text;
  // Opened again by name, the input is read from its start: a file, not a pipe.
  EXPECT_NE(out.text.find("lines=" + lines(excel) + "\nagain=" + lines(excel) + "\n"), std::string::npos) << out.text;
  // A program left empty reads nothing of its kind.
  o.excel.clear();
  EXPECT_EQ(extract(LegacyOffice(o), "office", excel).reason, "office");
  // Status 69 is catdoc's "encrypted"; any other failure is a damaged file.
  o.word = dir.write("enc.sh", "#!/bin/sh\ncat >/dev/null; exit 69\n", 0755);
  EXPECT_EQ(extract(LegacyOffice(o), "office", word).reason, "encrypted");
  o.word = dir.write("fail.sh", "#!/bin/sh\nexit 1\n", 0755);
  EXPECT_EQ(extract(LegacyOffice(o), "office", word).reason, "office");
}

TEST_F(LegacyOfficeTest, PowerPointTextIsReadHereWithoutAProgram) {
  LegacyOffice reader(LegacyOfficeOptions{});  // no catdoc: PowerPoint files are still read
  test::Outcome lo = extract(reader, "office", sample("slides.ppt.gz"), 3000);
  EXPECT_EQ(lo.reason, "");
  EXPECT_NE(lo.text.find("Case review: Maria Gonzalez\n"), std::string::npos) << lo.text;
  EXPECT_NE(lo.text.find("DOB 03/14/1962, MRN 4471823\n"), std::string::npos) << lo.text;
  EXPECT_NE(lo.text.find("Diagnosis E11.9 type 2 diabetes mellitus, metformin 500 mg"), std::string::npos) << lo.text;
  using namespace mime::test;
  auto slides = [](const std::string& records, const std::string& extra = "Pictures") {
    return build_ole({ole_root(1), ole_stream("PowerPoint Document", kOleNone, 2, ppt_stream(records)), ole_stream(extra)});
  };
  std::string text = ppt_record(0, 0x0FA0, utf16("Referral for Diego Lopez, MRN MR42693171, heart failure"));
  test::Outcome built = extract(reader, "office", slides(text));
  EXPECT_EQ(built.reason, "");
  EXPECT_NE(built.text.find("Referral for Diego Lopez, MRN MR42693171, heart failure\n"), std::string::npos);
  // Encrypted (either sign), damaged, too little text, a stream that is not there.
  EXPECT_EQ(extract(reader, "office", slides(text, "EncryptedSummary")).reason, "encrypted");
  EXPECT_EQ(extract(reader, "office", slides(ppt_record(0x000F, 0x2F14, ppt_record(0, 0x2F15, "k")) + text)).reason,
            "encrypted");
  std::string cut = ppt_record(0, 0x0FA0, "");
  mime::test::ole_put32(cut, 4, 1u << 30);
  EXPECT_EQ(extract(reader, "office", slides(text + cut)).reason, "office");
  EXPECT_EQ(extract(reader, "office", slides(ppt_record(0, 0x0FA0, utf16("Slide 1")))).reason, "office");
  EXPECT_EQ(extract(reader, "office", build_ole({ole_root(1), ole_stream("PowerPoint Document", kOleNone, kOleNone, "x")}))
                .reason,
            "office");  // one byte: no record
  // Without catdoc, Word and Excel files are uninspected, not "unavailable".
  EXPECT_EQ(extract(reader, "office", sample("letter.doc")).reason, "office");
}

// A message forwarded as an attachment (Outlook's .msg): its subject and
// body are read without a program; attachments inside it are not, and say so.
TEST_F(LegacyOfficeTest, AnOutlookMessagesSubjectAndBodyAreRead) {
  LegacyOffice reader(LegacyOfficeOptions{});
  using mime::test::make_msg;
  using mime::test::utf16z;
  std::vector<std::pair<std::string, std::string>> props = {
      {"__substg1.0_0037001F", utf16z("FW: lab results")},
      {"__substg1.0_1000001F", utf16z("Maria Gonzalez, DOB 03/14/1962, HbA1c 9.1%")}};
  test::Outcome plain = extract(reader, "office", make_msg(props), 100);
  EXPECT_EQ(plain.reason, "");
  EXPECT_EQ(plain.text, "FW: lab results\nMaria Gonzalez, DOB 03/14/1962, HbA1c 9.1%\n");
  test::Outcome with_file = extract(reader, "office", make_msg(props, 1));
  EXPECT_EQ(with_file.reason, "");  // an attachment that holds no file (a link): its name is all there is
  EXPECT_EQ(with_file.text, plain.text + "labs.pdf\n");
  test::Outcome short_one = extract(reader, "office", make_msg({{"__substg1.0_1000001F", utf16z("ok")}}));
  EXPECT_EQ(short_one.reason, "");  // all the text there is
}

// The files attached to a forwarded Outlook message are read as parts of
// their own, as the same files attached to a MIME message would be: their
// text is the .msg's text, and what cannot be read is the .msg's reason.
TEST_F(LegacyOfficeTest, TheFilesAttachedToAnOutlookMessageAreRead) {
  using mime::test::make_msg_with;
  using mime::test::MsgAttach;
  using mime::test::utf16z;
  const std::vector<std::pair<std::string, std::string>> props = {{"__substg1.0_0037001F", utf16z("FW: results")}};
  const std::string labs = "Patient Maria Gonzalez, SSN 078-05-1121, HbA1c 9.1%\r\n";
  LegacyOffice reader(LegacyOfficeOptions{});
  struct Row {
    const char* label;
    std::vector<MsgAttach> files;
    const char* reason;
    const char* text;  // in the .msg's text
  };
  const Row rows[] = {
      {"a text file", {{"labs.txt", labs, "text/plain"}}, "", "SSN 078-05-1121"},
      {"a text file without a type", {{"labs.txt", labs}}, "", "SSN 078-05-1121"},
      {"an HTML file", {{"labs.htm", "<html><body><b>MRN</b> 4471823</body></html>", "text/html"}}, "", "MRN 4471823"},
      {"a PDF, no PDF reader", {{"labs.txt", labs}, {"scan.pdf", "%PDF-1.4\n%%EOF\n", "application/pdf"}}, "pdf",
       "SSN 078-05-1121"},
      {"a Word 97-2003 file inside, no catdoc", {{"letter.doc", sample("letter.doc")}}, "office", "letter.doc"},
      {"an embedded message without properties", {{"Fwd: older", "", "", true}, {"labs.txt", labs}}, "",
       "SSN 078-05-1121"},
      // An OLE object attached, as Outlook attaches a document to an RTF message: read as one embedded in a .doc.
      {"an OLE object", {{"Package", "", "", true, true, {{"\x01Ole10Native", packaged("labs.txt", labs)}}}}, "",
       "SSN 078-05-1121"},
      {"an OLE object of a kind not read", {{"Equation", "", "", true, true, {{"Equation Native", "x"}}}}, "office",
       "Equation"},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.label);
    test::Outcome o = extract(reader, "office", make_msg_with(props, r.files));
    EXPECT_EQ(o.reason, r.reason);
    EXPECT_NE(o.text.find("FW: results\n"), std::string::npos) << o.text;
    EXPECT_NE(o.text.find(r.text), std::string::npos) << o.text;
    // Each file's name is classified once (its findings count once).
    for (const MsgAttach& f : r.files) {
      size_t n = 0;
      for (size_t at = o.text.find(f.filename); at != std::string::npos; at = o.text.find(f.filename, at + 1)) ++n;
      EXPECT_EQ(n, 1u) << f.filename << " in " << o.text;
    }
  }
  // A .msg in a .msg is read (a message forwarded twice), in the slot the
  // outer one holds, and so is one more level; an Office file attached
  // below that is not: "office".
  const std::string inner = make_msg_with({{"__substg1.0_1000001F", utf16z("inner note, MRN 4471823")}},
                                          {{"labs.txt", labs}});
  test::Outcome twice = extract(reader, "office", make_msg_with(props, {{"fwd.msg", inner, "application/vnd.ms-outlook"}}));
  EXPECT_EQ(twice.reason, "");
  EXPECT_NE(twice.text.find("inner note, MRN 4471823"), std::string::npos) << twice.text;
  EXPECT_NE(twice.text.find("SSN 078-05-1121"), std::string::npos) << twice.text;
  const std::string deepest = make_msg_with({{"__substg1.0_1000001F", utf16z("deepest note, MRN 4471823")}},
                                            {{"deeper.msg", inner, "application/vnd.ms-outlook"}});
  const std::string middle = make_msg_with(props, {{"fwd.msg", deepest, "application/vnd.ms-outlook"}});
  test::Outcome thrice = extract(reader, "office", make_msg_with(props, {{"fwd2.msg", middle, "application/vnd.ms-outlook"}}));
  EXPECT_EQ(thrice.reason, "office");  // deeper.msg, below the third .msg
  EXPECT_NE(thrice.text.find("deepest note, MRN 4471823"), std::string::npos) << thrice.text;
  EXPECT_EQ(thrice.text.find("inner note"), std::string::npos) << thrice.text;
  // A message attached as an Outlook item (an embedded message) is read as
  // a .msg attached would be: its subject, body and files, two more levels
  // down; a third embedded message is "depth-limit".
  auto item = [](const std::string& subject, const std::string& body, std::vector<MsgAttach> files) {
    auto spec = std::make_shared<mime::test::MsgSpec>();
    spec->props = {{"__substg1.0_0037001F", utf16z(subject)}, {"__substg1.0_1000001F", utf16z(body)}};
    spec->attachments = std::move(files);
    MsgAttach a{subject, "", "", true};
    a.message = spec;
    return a;
  };
  test::Outcome embedded =
      extract(reader, "office", make_msg_with(props, {item("Lab results", "Maria Gonzalez, MRN 4471823", {{"labs.txt", labs}})}));
  EXPECT_EQ(embedded.reason, "");
  EXPECT_NE(embedded.text.find("Lab results\nLab results\nMaria Gonzalez, MRN 4471823\n"), std::string::npos)
      << embedded.text;  // its name (the item's subject), then its subject and body
  EXPECT_NE(embedded.text.find("SSN 078-05-1121"), std::string::npos) << embedded.text;
  const MsgAttach third = item("third", "deepest note", {{"labs.txt", labs}});
  const MsgAttach second = item("second", "middle note", {third});
  test::Outcome nested = extract(reader, "office", make_msg_with(props, {item("first", "first note", {second})}));
  EXPECT_EQ(nested.reason, "depth-limit");
  EXPECT_NE(nested.text.find("middle note"), std::string::npos) << nested.text;
  EXPECT_EQ(nested.text.find("deepest note"), std::string::npos) << nested.text;
  EXPECT_EQ(nested.text.find("SSN"), std::string::npos) << nested.text;
  // Inside a .msg attached to the .msg, one level less.
  test::Outcome in_attached = extract(
      reader, "office",
      make_msg_with(props, {{"fwd.msg", make_msg_with(props, {item("first", "first note", {second})}),
                             "application/vnd.ms-outlook"}}));
  EXPECT_EQ(in_attached.reason, "depth-limit");
  EXPECT_NE(in_attached.text.find("first note"), std::string::npos) << in_attached.text;
  EXPECT_EQ(in_attached.text.find("middle note"), std::string::npos) << in_attached.text;
  // Past 64 attachments the rest are not read: "part-limit".
  std::vector<MsgAttach> many(65, MsgAttach{"a", ""});
  many.back() = {"labs.txt", labs};
  test::Outcome capped = extract(reader, "office", make_msg_with(props, many));
  EXPECT_EQ(capped.reason, "part-limit");
  EXPECT_EQ(capped.text.find("SSN"), std::string::npos);
  // With the PDF reader (poppler's pdftotext, as the daemon has it), a PDF
  // attached to the .msg is read too.
  if (::access("/usr/bin/pdftotext", X_OK) != 0) GTEST_SKIP() << "pdftotext not installed";
  PdfOptions po;
  po.program = "/usr/bin/pdftotext";
  LegacyOfficeOptions with_pdf;
  with_pdf.attachments = std::make_shared<const Converters>(std::make_shared<const PdfToText>(po), nullptr);
  LegacyOffice reader_pdf(with_pdf);
  test::Outcome o = extract(reader_pdf, "office",
                            make_msg_with(props, {{"results.pdf", test::make_pdf({"Diagnosis E11.9 type 2 diabetes for patient MRN 4471823"}),
                                                   "application/pdf"}}));
  EXPECT_EQ(o.reason, "");
  EXPECT_NE(o.text.find("Diagnosis E11.9 type 2 diabetes for patient MRN 4471823"), std::string::npos) << o.text;
}

// A hostile .msg whose attachments all point at one stream is read no
// further than its own size: the files of a .msg are distinct bytes of it.
TEST_F(LegacyOfficeTest, AttachmentsSharingOneStreamAreReadOnce) {
  using namespace mime::test;
  const std::string data = "SSN 078-05-1121 " + std::string(5000, 'x');  // regular sectors
  std::vector<OleEntry> e = {ole_root(1), ole_stream("__properties_version1.0", kOleNone, 2, std::string(32, '\0'))};
  for (uint32_t i = 0; i < 3; ++i)  // entries 2..4, each a storage whose tree is entries 5 and 6
    e.push_back({"__attach_version1.0_#0000000" + std::to_string(i), 1, kOleNone, i < 2 ? i + 3 : kOleNone, 5, {}});
  e.push_back(ole_stream("__substg1.0_37010102", kOleNone, 6, data));
  e.push_back(ole_stream("__substg1.0_370E001F", kOleNone, kOleNone, utf16z("text/plain")));
  e.push_back(ole_stream("__substg1.0_1000001F", kOleNone, kOleNone, utf16z("see attached")));
  e[4].right = 7;  // the body after the last storage
  LegacyOffice reader(LegacyOfficeOptions{});
  test::Outcome o = extract(reader, "office", build_ole(e));
  EXPECT_EQ(o.reason, "office");
  size_t n = 0;
  for (size_t at = o.text.find("SSN"); at != std::string::npos; at = o.text.find("SSN", at + 1)) ++n;
  EXPECT_EQ(n, 1u);
}

// A Word letter attached to a .msg is read by catdoc, as the same letter
// attached to the mail would be, without a second of this reader's
// processes: with LegacyOfficeProcesses 1 the .msg holds the only one.
TEST_F(LegacyOfficeTest, AWordLetterAttachedToAnOutlookMessageIsReadInItsSlot) {
  LegacyOfficeOptions o = catdoc();
  o.processes = 1;
  LegacyOffice reader(o);
  test::Outcome alone = extract(reader, "office", sample("letter.doc"));
  ASSERT_EQ(alone.reason, "");
  test::Outcome fwd = extract(reader, "office",
                              mime::test::make_msg_with({{"__substg1.0_0037001F", mime::test::utf16z("FW: letter")}},
                                                        {{"referral.doc", sample("letter.doc"), "application/msword"}}));
  EXPECT_EQ(fwd.reason, "");
  EXPECT_NE(fwd.text.find(alone.text.substr(0, 40)), std::string::npos) << fwd.text;
}

// A Word or Excel 97-2003 file, or a .msg, attached to a PDF is read by
// the PDF reader's `office`, in the PDF's slot: with this reader's only
// process held elsewhere it is still read at once (taking a slot, it would
// wait the timeout and be "unavailable", the message retried). A PDF
// attached to a .msg there is not read (it would wait for a second PDF
// slot): the PDF is "pdf", whatever else was read.
TEST_F(LegacyOfficeTest, AWordOrExcelFileAttachedToAPdfIsReadInThePdfsSlot) {
  const std::string kQpdf = "/usr/bin/qpdf", kPdfToText = "/usr/bin/pdftotext";
  ASSERT_EQ(::access(kQpdf.c_str(), X_OK), 0) << kQpdf << " missing: scripts/setup installs qpdf";
  test::OnlyProcessHeld<LegacyOffice, LegacyOfficeOptions> slot(catdoc(), "office");  // of LegacyOfficeProcesses
  ASSERT_TRUE(slot.held);
  PdfOptions p;
  p.program = kPdfToText;
  p.qpdf_program = kQpdf;
  p.processes = 1;
  p.office = std::make_shared<LegacyOffice>(slot.in_caller);
  const std::string page = "Records for the referral are attached to this letter";
  struct Row {
    const char* name;
    std::string file;
    const char* text;
  };
  const Row rows[] = {
      {"referral.doc", sample("letter.doc"), "Patient: Maria Gonzalez, date of birth 03/14/1962, MRN 4471823."},
      {"labs.xls", sample("labs.xls"), "Maria Gonzalez,03/14/1962,4471823,E11.9 type 2 diabetes mellitus"},
      {"fwd.msg",
       mime::test::make_msg_with({{"__substg1.0_0037001F", mime::test::utf16z("FW: letter")}},
                                 {{"referral.doc", sample("letter.doc"), "application/msword"}}),
       "Patient: Maria Gonzalez, date of birth 03/14/1962, MRN 4471823."},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.name);
    for (bool annotation : {false, true}) {
      test::Outcome o =
          extract(PdfToText(p), "pdf", test::make_pdf_with_attached_file(page, r.file, annotation, r.name));
      EXPECT_EQ(o.reason, "") << annotation;
      EXPECT_EQ(o.text.rfind(page + "\n", 0), 0u) << o.text;
      EXPECT_NE(o.text.find(r.text), std::string::npos) << o.text;
    }
  }
  // A .msg with a PDF attached: its subject is read, its PDF is not.
  std::string msg = mime::test::make_msg_with(
      {{"__substg1.0_0037001F", mime::test::utf16z("FW: chart of Maria Gonzalez")}},
      {{"chart.pdf", test::make_pdf({"Patient Maria Gonzalez, MRN 4471823, seen on 03/14/2024"}), "application/pdf"}});
  test::Outcome fwd = extract(PdfToText(p), "pdf", test::make_pdf_with_attached_file(page, msg, false, "fwd.msg"));
  EXPECT_EQ(fwd.reason, "pdf");
  EXPECT_NE(fwd.text.find("FW: chart of Maria Gonzalez"), std::string::npos) << fwd.text;
  EXPECT_EQ(fwd.text.find("seen on 03/14/2024"), std::string::npos) << fwd.text;
  // Without `office` (no LegacyOfficeToText) the file is not read: the PDF is uninspected.
  PdfOptions no_office = p;
  no_office.office = nullptr;
  test::Outcome unread =
      extract(PdfToText(no_office), "pdf", test::make_pdf_with_attached_file(page, sample("letter.doc"), false));
  EXPECT_EQ(unread.reason, "pdf");
  EXPECT_EQ(unread.text.find("Maria Gonzalez"), std::string::npos) << unread.text;
  // An `office` that takes a slot of its own waits for the one held, and gives up: "unavailable".
  p.office = std::make_shared<LegacyOffice>(slot.one);
  EXPECT_EQ(extract(PdfToText(p), "pdf", test::make_pdf_with_attached_file(page, sample("letter.doc"), false)).reason,
            "unavailable");
}

// An OCR stand-in: every image it is given reads `text` (or fails with
// `reason`); it counts them.
struct StandInOcr : mime::DocumentReader {
  struct Doc : mime::Document {
    explicit Doc(const StandInOcr& r) : reader(r) {}
    void feed(std::string_view b) override { first += b.substr(0, 8 - std::min<size_t>(8, first.size())); }
    std::string finish(const std::function<void(std::string_view)>& text) override {
      ++reader.count;
      reader.firsts += first.substr(0, 4) + ";";
      if (reader.reason.empty()) text(reader.text);
      return reader.reason;
    }
    const StandInOcr& reader;
    std::string first;
  };
  std::unique_ptr<mime::Document> open(std::string_view) const override { return std::make_unique<Doc>(*this); }
  bool reads(std::string_view kind) const override { return kind == "image"; }
  std::string text = "Patient: Diego Lopez, MRN 4471823\n", reason;
  mutable int count = 0;
  mutable std::string firsts;  // each picture's first 4 bytes
};

// A picture pasted into a Word, Excel or PowerPoint 97-2003 file (a
// screenshot of the chart) is read by OCR as an image attachment is:
// Word's from its Data stream, PowerPoint's from Pictures, Excel's from
// the workbook's drawing group (cut by Continue records); a file whose
// only text is in its picture is read; a metafile is "image", and so is
// every picture without OCR; past 20 pictures, "part-limit".
TEST_F(LegacyOfficeTest, PicturesInWordExcelAndPowerPointFilesAreReadByOcr) {
  using namespace mime::test;
  const std::string png = std::string("\x89PNG\r\n\x1A\n", 8) + std::string(300, 'p');
  const std::string jpeg = "\xFF\xD8\xFF\xE0" + std::string(9000, 'j');
  const std::string pictures = std::string(40, '\0') + office_blip(0xF01E, 0x6E0, png) + office_blip(0xF01D, 0x46A, jpeg);
  const std::string metafile = office_blip(0xF01A, 0x3D4, std::string(100, 'e'), true);
  auto ocr = std::make_shared<StandInOcr>();
  LegacyOfficeOptions o;
  o.word = o.excel = dir.write("text.sh", "#!/bin/sh\ncat >/dev/null\necho 'Dear colleague, the chart is pasted below.'\n", 0755);
  o.attachments = std::make_shared<const Converters>(nullptr, ocr);
  LegacyOffice reader(o);
  auto word = [](const std::string& data) {
    return build_ole({ole_root(1), ole_stream("Data", kOleNone, 2, data), ole_stream("WordDocument")});
  };
  test::Outcome w = extract(reader, "office", word(pictures), 100);
  EXPECT_EQ(w.reason, "");
  EXPECT_EQ(ocr->count, 2);
  EXPECT_EQ(ocr->firsts, std::string("\x89PNG;\xFF\xD8\xFF\xE0;", 10));
  EXPECT_NE(w.text.find("Patient: Diego Lopez, MRN 4471823\n"), std::string::npos) << w.text;
  EXPECT_NE(w.text.find("Dear colleague, the chart is pasted below."), std::string::npos) << w.text;
  EXPECT_EQ(extract(reader, "office", word(pictures + metafile)).reason, "image");
  EXPECT_EQ(extract(reader, "office", word(metafile)).reason, "image");
  // PowerPoint: the Pictures stream; a presentation with no text but a picture is read.
  auto slides = [](const std::string& records, const std::string& pics) {
    return build_ole({ole_root(1), ole_stream("PowerPoint Document", kOleNone, 2, ppt_stream(records)),
                      ole_stream("Pictures", kOleNone, kOleNone, pics)});
  };
  ocr->count = 0;
  test::Outcome p = extract(reader, "office", slides(ppt_record(0, 0x0FA0, utf16("Slide 1")), pictures));
  EXPECT_EQ(p.reason, "");
  EXPECT_EQ(ocr->count, 2);
  EXPECT_NE(p.text.find("Patient: Diego Lopez"), std::string::npos) << p.text;
  EXPECT_EQ(extract(reader, "office", slides(ppt_record(0, 0x0FA0, utf16("Slide 1")), "")).reason, "office");
  // Excel: the drawing group's record and its Continue records, joined.
  auto biff = [](uint16_t type, const std::string& data) {
    std::string r(4, '\0');
    ole_put16(r, 0, type);
    ole_put16(r, 2, static_cast<uint16_t>(data.size()));
    return r + data;
  };
  std::string group = std::string("\x0F\0\0\xF0", 4) + std::string(30, 'g') + office_blip(0xF01D, 0x46A, jpeg);
  std::string workbook = biff(0x0809, "bof") + biff(0x00EB, group.substr(0, 8224)) + biff(0x003C, group.substr(8224)) +
                         biff(0x000A, "");
  ocr->count = 0;
  test::Outcome x = extract(reader, "office", build_ole({ole_root(1), ole_stream("Workbook", kOleNone, kOleNone, workbook)}));
  EXPECT_EQ(x.reason, "");
  EXPECT_EQ(ocr->count, 1);
  EXPECT_NE(x.text.find("Patient: Diego Lopez"), std::string::npos) << x.text;
  // What OCR does not read makes the file uninspected as it would an image attachment.
  ocr->reason = "image";
  EXPECT_EQ(extract(reader, "office", word(pictures)).reason, "image");
  LegacyOfficeOptions no_ocr = o;
  no_ocr.attachments = nullptr;
  EXPECT_EQ(extract(LegacyOffice(no_ocr), "office", word(pictures)).reason, "image");
  // A pictures stream that cannot be read to its end (its chain loops)
  // makes the file "office": a damaged file, whose pictures may be unread.
  ocr->reason.clear();
  std::string looped = word(pictures + std::string(5000, '\0'));  // past the mini stream: sectors of its own
  uint32_t dir_sector = static_cast<uint32_t>(static_cast<unsigned char>(looped[48])) |
                        static_cast<uint32_t>(static_cast<unsigned char>(looped[49])) << 8;
  size_t data_entry = 512 * (1 + size_t(dir_sector)) + 128;  // entry 1: "Data"
  uint32_t first = 0;
  for (int k = 3; k >= 0; --k) first = first << 8 | static_cast<unsigned char>(looped[data_entry + 116 + k]);
  ole_put32(looped, 512 + 4 * size_t(first), first);  // its first sector's FAT entry points at itself
  EXPECT_EQ(extract(reader, "office", looped).reason, "office");
  // At most 20 pictures a file are read.
  ocr->reason.clear();
  ocr->count = 0;
  std::string many;
  for (int i = 0; i < 21; ++i) many += office_blip(0xF01E, 0x6E0, png);
  EXPECT_EQ(extract(reader, "office", word(many)).reason, "part-limit");
  EXPECT_EQ(ocr->count, 20);
}

// A forwarded Outlook message's formatted body (HTML or RTF) holds the
// pictures pasted into it and the documents embedded in it, which its
// plain body does not: that body is read as an attachment of its type is,
// beside the plain one, its pictures by OCR and its objects by this
// reader one level down; what is not read is the .msg's reason.
TEST_F(LegacyOfficeTest, PicturesAndObjectsInAnOutlookMessagesBodyAreRead) {
  using mime::test::make_msg;
  using mime::test::utf16z;
  const std::string png = std::string("\x89PNG\r\n\x1A\n", 8) + std::string(300, 'p');
  const std::pair<std::string, std::string> plain = {"__substg1.0_1000001F", utf16z("Please see the chart below.")};
  const std::pair<std::string, std::string> html = {
      "__substg1.0_10130102", "<p>Please see the chart below.</p><img src=\"data:image/png;base64," +
                                  mime::test::base64(png) + "\">"};
  auto to_hex = [](const std::string& b) {
    std::string h;
    for (unsigned char c : b) h += "0123456789abcdef"[c >> 4], h += "0123456789abcdef"[c & 15];
    return h;
  };
  const std::pair<std::string, std::string> rtf = {
      "__substg1.0_10090102",
      mime::test::lzfu_stored("{\\rtf1\\ansi Please see the chart below.\\par{\\pict\\pngblip " + to_hex(png) + "}}")};
  auto ocr = std::make_shared<StandInOcr>();
  LegacyOfficeOptions o = catdoc();
  o.attachments = std::make_shared<const Converters>(nullptr, ocr);
  LegacyOffice reader(o);
  struct Row {
    const char* label;
    std::vector<std::pair<std::string, std::string>> props;
  };
  const Row rows[] = {{"HTML beside the plain body", {plain, html}},
                      {"HTML alone", {html}},
                      {"RTF beside the plain body", {plain, rtf}},
                      {"RTF alone", {rtf}}};
  for (const Row& r : rows) {
    SCOPED_TRACE(r.label);
    ocr->count = 0;
    test::Outcome m = extract(reader, "office", make_msg(r.props));
    EXPECT_EQ(m.reason, "");
    EXPECT_EQ(ocr->count, 1);
    EXPECT_NE(m.text.find("Please see the chart below."), std::string::npos) << m.text;
    EXPECT_NE(m.text.find("Patient: Diego Lopez, MRN 4471823"), std::string::npos) << m.text;
    // Without OCR the picture is reported, as a pasted picture in an HTML attachment is.
    LegacyOfficeOptions no_ocr = o;
    no_ocr.attachments = nullptr;
    EXPECT_EQ(extract(LegacyOffice(no_ocr), "office", make_msg(r.props)).reason, "image");
  }
  // An Excel sheet embedded in an RTF body (an OLE 1 object holding the
  // sheet's compound file) is read by xls2csv, one level down.
  auto u32 = [](uint32_t v) {
    std::string b(4, '\0');
    mime::test::ole_put32(b, 0, v);
    return b;
  };
  auto lpas = [&](const std::string& t) { return u32(uint32_t(t.size() + 1)) + t + '\0'; };
  const std::string sheet = sample("labs.xls");
  const std::string object = u32(0x0501) + u32(2) + lpas("Excel.Sheet.8") + lpas("") + lpas("") +
                             u32(uint32_t(sheet.size())) + sheet;
  const std::string letter = "{\\rtf1\\ansi Staff meeting:\\par{\\object\\objemb{\\*\\objdata " + to_hex(object) +
                             "}}\\par Thanks\\par}";
  test::Outcome sheet_read =
      extract(reader, "office", make_msg({plain, {"__substg1.0_10090102", mime::test::lzfu_stored(letter)}}));
  EXPECT_EQ(sheet_read.reason, "");
  EXPECT_NE(sheet_read.text.find("Maria Gonzalez,03/14/1962,4471823"), std::string::npos) << sheet_read.text;
  // Without xls2csv the sheet is not read, and the .msg says so.
  LegacyOfficeOptions no_excel = o;
  no_excel.excel.clear();
  EXPECT_EQ(extract(LegacyOffice(no_excel), "office",
                    make_msg({plain, {"__substg1.0_10090102", mime::test::lzfu_stored(letter)}}))
                .reason,
            "office");
}

// A screenshot Word kept as a bitmap (a DIB record), or as an EMF that
// draws it ("Paste Special: Picture (Enhanced Metafile)": an
// EMR_STRETCHDIBITS record, the metafile compressed as Office stores
// one), is read by the real tesseract as the .bmp file it would be;
// without OCR the metafile's bitmap makes the file "image".
TEST_F(LegacyOfficeTest, ABitmapInAWordFileIsReadByTesseract) {
  if (::access("/usr/bin/tesseract", X_OK) != 0) GTEST_FAIL() << "scripts/setup installs tesseract-ocr";
  const std::string bmp = test::make_bmp("Referral: Diego Lopez DOB 10/08/2001 MRN 4471823 diabetes", true);
  ASSERT_FALSE(bmp.empty()) << "pdftoppm failed";
  OcrOptions oo;
  oo.program = "/usr/bin/tesseract";
  LegacyOfficeOptions o;
  o.word = dir.write("text.sh", "#!/bin/sh\ncat >/dev/null\necho 'Dear colleague, the referral is pasted below.'\n", 0755);
  o.attachments = std::make_shared<const Converters>(nullptr, std::make_shared<ImageOcr>(oo));
  using namespace mime::test;
  std::string data = std::string(40, '\0') + office_blip(0xF01F, 0x7A8, bmp.substr(14));
  auto word = [](const std::string& d) {
    return build_ole({ole_root(1), ole_stream("Data", kOleNone, 2, d), ole_stream("WordDocument")});
  };
  test::Outcome w = extract(LegacyOffice(o), "office", word(data));
  EXPECT_EQ(w.reason, "");
  EXPECT_NE(w.text.find("Diego Lopez"), std::string::npos) << w.text;
  EXPECT_NE(w.text.find("4471823"), std::string::npos) << w.text;
  const size_t bmi = 40 + 256 * 4;  // make_bmp's header and grey palette
  std::string emf = make_emf({}, false, {emf_bitmap(0x51, bmp.substr(14, bmi), bmp.substr(14 + bmi))});
  ASSERT_EQ(emf.find("Diego"), std::string::npos);
  std::string meta = std::string(40, '\0') + office_blip(0xF01A, 0x3D4, zlib_stream(emf), true);
  test::Outcome m = extract(LegacyOffice(o), "office", word(meta), 1000);
  EXPECT_EQ(m.reason, "");
  EXPECT_NE(m.text.find("Diego Lopez"), std::string::npos) << m.text;
  EXPECT_NE(m.text.find("4471823"), std::string::npos) << m.text;
  LegacyOfficeOptions no_ocr = o;
  no_ocr.attachments = nullptr;
  EXPECT_EQ(extract(LegacyOffice(no_ocr), "office", word(meta)).reason, "image");
}

// A table or chart pasted as a picture is an EMF or WMF (compressed, as
// Office stores metafiles): the text it draws is read, no OCR; one that
// draws none is "image".
TEST_F(LegacyOfficeTest, APictureThatIsAMetafileIsReadByTheTextItDraws) {
  using namespace mime::test;
  LegacyOfficeOptions o;
  o.word = dir.write("text.sh", "#!/bin/sh\ncat >/dev/null\necho 'Dear colleague, the table is pasted below.'\n", 0755);
  LegacyOffice reader(o);
  auto word = [](const std::string& data) {
    return build_ole({ole_root(1), ole_stream("Data", kOleNone, 2, data), ole_stream("WordDocument")});
  };
  std::string table = make_emf({{100, "Maria Gonzalez"}, {100, "03/14/1962"}, {100, "4471823"}});
  test::Outcome w = extract(reader, "office", word(office_blip(0xF01A, 0x3D4, zlib_stream(table), true)), 50);
  EXPECT_EQ(w.reason, "");
  EXPECT_NE(w.text.find("Maria Gonzalez\t03/14/1962\t4471823\n"), std::string::npos) << w.text;
  EXPECT_EQ(extract(reader, "office", word(office_blip(0xF01A, 0x3D4, zlib_stream(make_emf({})), true))).reason, "image");
  // With catdoc: the letter LibreOffice wrote with the table pasted as an EMF (data/README).
  test::Outcome real = extract(LegacyOffice(catdoc()), "office", sample("metafile.doc"), 1000);
  EXPECT_EQ(real.reason, "");
  EXPECT_NE(real.text.find("Clinic staff meeting"), std::string::npos) << real.text;
  EXPECT_NE(real.text.find("Maria Gonzalez\t03/14/1962\t4471823\tE11.9 type 2 diabetes mellitus\n"), std::string::npos)
      << real.text;
}

// With catdoc, xls2csv and tesseract: files LibreOffice wrote with a
// screenshot of a referral pasted below a line that holds no PHI
// (data/README); without the pictures read, as before, only that line.
TEST_F(LegacyOfficeTest, ThePicturesOfFilesLibreOfficeWroteAreReadByTesseract) {
  if (::access("/usr/bin/tesseract", X_OK) != 0) GTEST_FAIL() << "scripts/setup installs tesseract-ocr";
  OcrOptions oo;
  oo.program = "/usr/bin/tesseract";  // and the default OcrMinBytes: the picture is 42 KB
  LegacyOfficeOptions o = catdoc();
  o.attachments = std::make_shared<const Converters>(nullptr, std::make_shared<ImageOcr>(oo));
  for (const char* name : {"pictured.doc", "pictured.xls", "pictured.ppt.gz"}) {
    SCOPED_TRACE(name);
    std::string file = sample(name);
    ASSERT_FALSE(file.empty());
    test::Outcome out = extract(LegacyOffice(o), "office", file);
    EXPECT_EQ(out.reason, "");
    EXPECT_NE(out.text.find("pasted below as a screenshot"), std::string::npos) << out.text;
    EXPECT_NE(out.text.find("Diego Lopez"), std::string::npos) << out.text;
    EXPECT_NE(out.text.find("4471823"), std::string::npos) << out.text;
    test::Outcome before = extract(LegacyOffice(catdoc()), "office", file);
    EXPECT_EQ(before.reason, "image");  // not read without OCR, and said so
    EXPECT_EQ(before.text.find("Diego Lopez"), std::string::npos) << before.text;
  }
}

// The objects embedded in a Word or Excel file: an Office 2007 document
// ("Package"), a file in "CONTENTS" (Acrobat's PDF; text here), a file the
// Object Packager holds ("\1Ole10Native", with its name), each read as an
// attachment; an object of another kind (an equation) is not: "office".
TEST_F(LegacyOfficeTest, ObjectsEmbeddedInWordAndExcelFilesAreRead) {
  using namespace mime::test;
  LegacyOfficeOptions o;
  o.word = o.excel = dir.write("text.sh", "#!/bin/sh\ncat >/dev/null\necho 'Clinic staff meeting: see the objects.'\n", 0755);
  LegacyOffice reader(o);
  std::string docx = make_zip({{"[Content_Types].xml", "<Types/>"},
                               {"word/document.xml", "<w:document><w:body><w:p><w:r><w:t>Patient: Diego Lopez, MRN "
                                                     "5582934</w:t></w:r></w:p></w:body></w:document>"}});
  std::string native = packaged("labs.csv", "Maria Gonzalez,03/14/1962,4471823\n");
  auto storage = [](std::string name, uint32_t right, uint32_t child) {
    return OleEntry{std::move(name), 1, kOleNone, right, child, {}};
  };
  auto word = [&](bool equation) {
    return build_ole({ole_root(1), ole_stream("WordDocument", kOleNone, 2), storage("ObjectPool", kOleNone, 3),
                      storage("_1", 4, 7), storage("_2", 5, 8), storage("_3", equation ? 6 : kOleNone, 9),
                      storage("_4", kOleNone, 10), ole_stream("Package", kOleNone, kOleNone, docx),
                      ole_stream("CONTENTS", kOleNone, kOleNone, "Jane Roe,07/04/1970,6693045\n"),
                      ole_stream("\x01Ole10Native", kOleNone, kOleNone, native),
                      ole_stream("Equation Native", kOleNone, kOleNone, "x")});
  };
  for (size_t chunk : {size_t(100), size_t(1 << 20)}) {
    test::Outcome w = extract(reader, "office", word(false), chunk);
    EXPECT_EQ(w.reason, "");
    for (const char* want : {"Patient: Diego Lopez, MRN 5582934", "Jane Roe,07/04/1970,6693045", "labs.csv",
                             "Maria Gonzalez,03/14/1962,4471823", "Clinic staff meeting"})
      EXPECT_NE(w.text.find(want), std::string::npos) << want << " in " << w.text;
  }
  test::Outcome eq = extract(reader, "office", word(true));
  EXPECT_EQ(eq.reason, "office");
  EXPECT_NE(eq.text.find("Maria Gonzalez"), std::string::npos) << eq.text;  // the others are still read
  // Excel keeps its objects in top-level storages named MBD....
  std::string xls = build_ole({ole_root(1), ole_stream("Workbook", kOleNone, 2, "bof"), storage("MBD0001A2B3", kOleNone, 3),
                               ole_stream("Package", kOleNone, kOleNone, docx)});
  test::Outcome x = extract(reader, "office", xls);
  EXPECT_EQ(x.reason, "");
  EXPECT_NE(x.text.find("Diego Lopez"), std::string::npos) << x.text;
  // A presentation keeps each object as a compound file of its own in an
  // ExOleObjStg record, compressed or not: an Excel 97-2003 one (its
  // program), an Office 2007 one (Package).
  std::string sheet = build_ole({ole_root(1), ole_stream("Workbook", kOleNone, kOleNone, "bof")});
  std::string package = build_ole({ole_root(1), ole_stream("Package", kOleNone, kOleNone, docx)});
  std::string zipped = zlib_stream(sheet);
  std::string size(4, '\0');
  ole_put32(size, 0, uint32_t(sheet.size()));
  std::string slides = ppt_stream(ppt_record(0, 0x0FA0, utf16("Slide 1: the objects below")) +
                                  ppt_record(0x0010, 0x1011, size + zipped) + ppt_record(0, 0x1011, package));
  test::Outcome p = extract(reader, "office", build_ole({ole_root(1), ole_stream("PowerPoint Document", kOleNone, kOleNone, slides)}));
  EXPECT_EQ(p.reason, "");
  EXPECT_NE(p.text.find("Clinic staff meeting"), std::string::npos) << p.text;  // the stand-in's line: the sheet read
  EXPECT_NE(p.text.find("Diego Lopez"), std::string::npos) << p.text;
  std::string cut = ppt_stream(ppt_record(0, 0x0FA0, utf16("Slide 1: the objects below")) +
                               ppt_record(0x0010, 0x1011, size + zipped.substr(0, zipped.size() / 2)));
  EXPECT_EQ(extract(reader, "office", build_ole({ole_root(1), ole_stream("PowerPoint Document", kOleNone, kOleNone, cut)})).reason,
            "office");
  // An object holding objects of its own (a Word letter embedded with a
  // sheet in it): its streams are read, its objects are not: "depth-limit".
  std::string nested = build_ole({ole_root(1), ole_stream("WordDocument", kOleNone, 2), storage("ObjectPool", kOleNone, 3),
                                  storage("_1", kOleNone, 4), ole_stream("WordDocument", kOleNone, 5, "inner"),
                                  storage("ObjectPool", kOleNone, 6), storage("_2", kOleNone, 7),
                                  ole_stream("Workbook", kOleNone, kOleNone, "bof")});
  test::Outcome n = extract(reader, "office", nested);
  EXPECT_EQ(n.reason, "depth-limit");
  EXPECT_NE(n.text.find("Clinic staff meeting"), std::string::npos) << n.text;
  // At most 16 objects a file are read.
  std::vector<OleEntry> many = {ole_root(1), ole_stream("WordDocument", kOleNone, 2), storage("ObjectPool", kOleNone, 3)};
  for (uint32_t i = 0; i < 17; ++i) many.push_back(storage("_" + std::to_string(i), i < 16 ? 4 + i : kOleNone, 20));
  many.push_back(ole_stream("CONTENTS", kOleNone, kOleNone, "Jane Roe,07/04/1970,6693045\n"));
  ASSERT_EQ(many.size(), 21u);
  test::Outcome m = extract(reader, "office", build_ole(many));
  EXPECT_EQ(m.reason, "part-limit");
}

// With catdoc and xls2csv: a Word letter and a slide LibreOffice wrote
// with an Excel sheet embedded in them, and an Excel sheet with a Word
// letter in it (data/README); each object's storage is written out as a
// file of its own (the slide's is one, compressed) and read by the
// program one level down.
TEST_F(LegacyOfficeTest, ObjectsInFilesLibreOfficeWroteAreReadByCatdocAndXls2csv) {
  // The display picture of the letter in the sheet draws its text (read);
  // those of the sheets draw none (LibreOffice left them blank): "image".
  for (auto [name, reason] : {std::pair{"embedded.doc", "image"}, {"embedded.xls", ""}, {"embedded.ppt.gz", "image"}}) {
    SCOPED_TRACE(name);
    std::string file = sample(name);
    ASSERT_FALSE(file.empty());
    test::Outcome out = extract(LegacyOffice(catdoc()), "office", file, 1000);
    EXPECT_EQ(out.reason, reason);
    EXPECT_NE(out.text.find("Clinic staff meeting"), std::string::npos) << out.text;
    EXPECT_NE(out.text.find("Maria Gonzalez"), std::string::npos) << out.text;
    EXPECT_NE(out.text.find("03/14/1962"), std::string::npos) << out.text;
    EXPECT_NE(out.text.find("4471823"), std::string::npos) << out.text;
  }
}

TEST_F(LegacyOfficeTest, OnlyOffice) {
  LegacyOffice reader(catdoc());
  EXPECT_TRUE(reader.reads("office"));
  EXPECT_FALSE(reader.reads("pdf"));
  EXPECT_FALSE(reader.open("pdf"));
  Converters all(nullptr, nullptr, std::make_shared<LegacyOffice>(catdoc()));
  EXPECT_TRUE(all.reads("office"));
  EXPECT_FALSE(all.reads("image"));
  EXPECT_EQ(extract(all, "office", sample("letter.doc")).reason, "");
}

}  // namespace
}  // namespace phi
