// Tests of PdfToText with poppler's real pdftotext (scripts/setup installs
// poppler-utils): text out of a PDF, damaged and encrypted documents, PDFs
// with files attached, and, with stand-in scripts, the limits, the timeout
// and the process count.
#include "milter/pdftext.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "milter/ocr.h"
#include "tests/unit/escrow/test_util.h"
#include "tests/unit/milter/document_builders.h"
#include "tests/unit/mime/zip_builder.h"

namespace phi {
namespace {

using escrow::testing::TempDir;
using namespace std::chrono_literals;
using test::make_pdf;
using test::make_scanned_pdf;
using test::Outcome;

const std::string kPdfToText = "/usr/bin/pdftotext";

// Runs `doc` through a reader fed in `chunk`-byte pieces.
Outcome extract(const PdfToText& reader, const std::string& doc, size_t chunk = 4096) {
  return test::extract(reader, "pdf", doc, chunk);
}

PdfOptions options(const std::string& program) {
  PdfOptions o;
  o.program = program;
  return o;
}

class PdfToTextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::access(kPdfToText.c_str(), X_OK), 0) << kPdfToText << " missing: scripts/setup installs poppler-utils";
  }
  TempDir dir;
};

TEST_F(PdfToTextTest, TextOfAPdfWhateverTheChunks) {
  PdfToText reader(options(kPdfToText));
  std::string pdf = make_pdf({"Patient SSN 078-05-1121 DOB 01/02/1960"});
  for (size_t chunk : {1u, 13u, 4096u}) {
    Outcome o = extract(reader, pdf, chunk);
    ASSERT_TRUE(o.opened);
    EXPECT_EQ(o.reason, "");
    EXPECT_NE(o.text.find("Patient SSN 078-05-1121 DOB 01/02/1960"), std::string::npos) << o.text;
  }
}

TEST_F(PdfToTextTest, APageWithoutTextIsAScanAndTheDocumentUninspected) {
  PdfToText reader(options(kPdfToText));
  // Page 2 is only a picture: what it shows was not read, though page 1 was.
  Outcome o = extract(reader, make_pdf({"Referral for Diego Lopez, DOB 2001-10-08, see the scan", ""}));
  EXPECT_EQ(o.reason, "pdf");
  EXPECT_NE(o.text.find("Referral for Diego Lopez, DOB 2001-10-08"), std::string::npos) << o.text;
  EXPECT_EQ(o.text.find('\f'), std::string::npos) << "page breaks are passed on as line breaks";
  EXPECT_EQ(extract(reader, make_pdf({""})).reason, "pdf");
  EXPECT_EQ(extract(reader, make_pdf({"Page 3"})).reason, "pdf");  // a page number alone
  EXPECT_EQ(extract(reader, make_pdf({"Patient SSN 078-05-1121 DOB 01/02/1960", "Plan: follow up in two weeks, repeat labs"}))
                .reason,
            "");
}

// The document information is read before the pages (a title is often the
// file's or the patient's name), its markup and escapes gone, the author,
// creator and producer left out; it is not a page's text: a scan with a
// title is still a scan.
TEST_F(PdfToTextTest, TheTitleSubjectAndKeywordsAreReadToo) {
  PdfToText reader(options(kPdfToText));
  const std::string info =
      "/Title (Microsoft Word - Doe, Jane <discharge> & plan.docx) /Subject (MRN 00482913) /Keywords (E11.9) "
      "/Author (Dr Smith) /Creator (Word) /Producer (Quartz PDFContext)";
  std::string pdf = make_pdf({"Plan: follow up in two weeks, repeat labs and review"}, false, info);
  for (size_t chunk : {7u, 4096u}) {
    Outcome o = extract(reader, pdf, chunk);
    EXPECT_EQ(o.reason, "");
    EXPECT_EQ(o.text,
              "Microsoft Word - Doe, Jane <discharge> & plan.docx\nMRN 00482913\nE11.9\n"
              "Plan: follow up in two weeks, repeat labs and review\n\n\n")
        << chunk;
  }
  Outcome scan = extract(reader, make_pdf({""}, false, "/Title (" + std::string(200, 'T') + ")"));
  EXPECT_EQ(scan.reason, "pdf");  // the page has no text, whatever the title
  EXPECT_EQ(scan.text, std::string(200, 'T') + "\n\n");
}

const std::string kQpdf = "/usr/bin/qpdf";

PdfOptions with_qpdf() {
  PdfOptions o = options(kPdfToText);
  o.qpdf_program = kQpdf;
  return o;
}

TEST_F(PdfToTextTest, AFileAttachedToAPdfIsReadWhenItIsText) {
  // pdftotext prints the pages alone; qpdf decodes the attached file's stream.
  ASSERT_EQ(::access(kQpdf.c_str(), X_OK), 0) << kQpdf << " missing: scripts/setup installs qpdf";
  PdfToText reader(with_qpdf());
  const std::string page = "Quarterly referral counts attached, see the file";
  const std::string rows = "name,ssn,dob\nJane Doe,078-05-1121,01/02/1960\n";
  for (bool annotation : {false, true}) {
    std::string pdf = test::make_pdf_with_attached_file(page, rows, annotation);
    for (size_t chunk : {1u, 4096u}) {
      Outcome o = extract(reader, pdf, chunk);
      EXPECT_EQ(o.reason, "") << annotation << " " << chunk;
      // Then the file's name, as its specification gives it twice (/F, /UF).
      EXPECT_EQ(o.text, page + "\n\n\n" + "\n" + rows + "\nattached.csv\nattached.csv\n");
    }
  }
  // UTF-16 with a byte order mark, and Windows-1252 (a spreadsheet's CSV export), become UTF-8.
  std::string utf16 = "\xFF\xFE";
  for (char c : std::string("Jos\xE9 Pe\xF1" "a,078-05-1121\n")) utf16 += std::string{c, '\0'};
  Outcome wide = extract(reader, test::make_pdf_with_attached_file(page, utf16, false));
  EXPECT_EQ(wide.reason, "");
  EXPECT_NE(wide.text.find("Jos\xC3\xA9 Pe\xC3\xB1" "a,078-05-1121"), std::string::npos) << wide.text;
  Outcome latin = extract(reader, test::make_pdf_with_attached_file(page, "Jos\xE9 Pe\xF1" "a,078-05-1121\n", false));
  EXPECT_EQ(latin.reason, "");
  EXPECT_NE(latin.text.find("Jos\xC3\xA9 Pe\xC3\xB1" "a,078-05-1121"), std::string::npos) << latin.text;
  // A text file longer than the first bytes sniffed comes whole.
  std::string long_rows;
  for (int i = 0; i < 2000; ++i) long_rows += "row " + std::to_string(i) + ",078-05-1121\n";
  Outcome big = extract(reader, test::make_pdf_with_attached_file(page, long_rows, true), 1000);
  EXPECT_EQ(big.reason, "");
  EXPECT_EQ(big.text, page + "\n\n\n" + "\n" + long_rows + "\nattached.csv\nattached.csv\n");
}

// A file attached to a PDF is read as an attachment of its own would be:
// a spreadsheet (.xlsx), a ZIP of CSVs, an HTML page, a PDF.
TEST_F(PdfToTextTest, AnOfficeFileOrZipAttachedToAPdfIsRead) {
  ASSERT_EQ(::access(kQpdf.c_str(), X_OK), 0) << kQpdf << " missing: scripts/setup installs qpdf";
  const std::string page = "Quarterly referral counts attached, see the file";
  std::string xlsx = mime::test::make_zip({
      {"[Content_Types].xml", "<Types/>"},
      {"xl/sharedStrings.xml", "<sst><si><t>Jane Doe</t></si><si><t>E11.9</t></si></sst>"},
      {"xl/worksheets/sheet1.xml",
       "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\"><v>078051121</v></c>"
       "</row></sheetData></worksheet>"},
  });
  std::string zip = mime::test::make_zip({{"labs/march.csv", "name,ssn\nJane Doe,078-05-1121\n"}});
  std::string html = "<html><body><p>Patient: <b>Jane Doe</b></p><p>SSN 078-05-1121</p></body></html>\n";
  // A PDF (a portfolio's files are PDFs), read in the outer one's slot.
  std::string pdf = make_pdf({"Patient Jane Doe, SSN 078-05-1121, seen in the clinic on 03/14/2024"});
  for (const std::string& file : {xlsx, zip, html, pdf}) {
    for (bool annotation : {false, true}) {
      Outcome o = extract(PdfToText(with_qpdf()), test::make_pdf_with_attached_file(page, file, annotation));
      EXPECT_EQ(o.reason, "") << file.substr(0, 4) << " " << annotation;
      EXPECT_EQ(o.text.rfind(page + "\n", 0), 0u) << o.text;
      EXPECT_NE(o.text.find("Jane Doe"), std::string::npos) << o.text;
      EXPECT_NE(o.text.find(file == xlsx ? "078051121" : "078-05-1121"), std::string::npos) << o.text;
      EXPECT_EQ(o.text.find("<b>"), std::string::npos) << o.text;
    }
  }
  // Without PdfObjects none of them is read.
  EXPECT_EQ(extract(PdfToText(options(kPdfToText)), test::make_pdf_with_attached_file(page, xlsx, false)).text,
            page + "\n\n\n");
}

// A PDF attached to a PDF runs in the outer one's slot: with one slot in
// the whole daemon, it is read at once (waiting for a second slot, it
// would be "unavailable" after the timeout, and the message retried for ever).
TEST_F(PdfToTextTest, APdfAttachedToAPdfIsReadInItsSlot) {
  ASSERT_EQ(::access(kQpdf.c_str(), X_OK), 0) << kQpdf << " missing: scripts/setup installs qpdf";
  PdfOptions o = with_qpdf();
  o.processes = 1;
  o.timeout = 2s;
  const std::string page = "Records for the referral are attached to this letter";
  std::string pdf = test::make_pdf_with_attached_file(
      page, make_pdf({"Patient Jane Doe, SSN 078-05-1121, seen in the clinic on 03/14/2024"}), true, "chart.pdf");
  Outcome read = extract(PdfToText(o), pdf);
  EXPECT_EQ(read.reason, "");
  EXPECT_NE(read.text.find("078-05-1121"), std::string::npos) << read.text;
  // Its comments too: its qpdf runs beside the outer one's, without a slot of its own.
  std::string noted = test::make_pdf_with_attached_file(
      page, test::make_pdf_with_comment(page, "(Jane Doe MRN 00482913)"), false, "chart.pdf");
  Outcome note = extract(PdfToText(o), noted);
  EXPECT_EQ(note.reason, "");
  EXPECT_NE(note.text.find("Jane Doe MRN 00482913"), std::string::npos) << note.text;
}

// pdftotext does not print an attached file's name or description either:
// qpdf's list of the objects gives them, also when the file is not read.
TEST_F(PdfToTextTest, TheNameAndDescriptionOfAFileAttachedToAPdfAreRead) {
  ASSERT_EQ(::access(kQpdf.c_str(), X_OK), 0) << kQpdf << " missing: scripts/setup installs qpdf";
  const std::string page = "Quarterly referral counts attached, see the file";
  for (bool annotation : {false, true}) {
    Outcome o = extract(PdfToText(with_qpdf()),
                        test::make_pdf_with_attached_file(page, std::string(64, '\0'), annotation,
                                                          "Jane Doe MRN 00482913.pdf", "Chart of Jane Doe, DOB 03/14/1962"));
    EXPECT_EQ(o.reason, "pdf") << annotation;  // the file itself (not text) is not read
    // In qpdf's order (keys sorted): /Desc, /F, /UF.
    EXPECT_EQ(o.text, page + "\n\n\n" + "\n" + "Chart of Jane Doe, DOB 03/14/1962\n" +
                          "Jane Doe MRN 00482913.pdf\nJane Doe MRN 00482913.pdf\n")
        << annotation;
  }
  // A UTF-16 name (a PDF text string with its byte order mark) comes as UTF-8.
  Outcome wide = extract(PdfToText(with_qpdf()),
                         test::make_pdf_with_attached_file(page, "a,b\n", false, std::string("\xFE\xFF\0J\0o\0s\0\xE9\0.\0c\0s\0v", 18)));
  EXPECT_EQ(wide.reason, "");
  EXPECT_NE(wide.text.find("\nJos\xC3\xA9.csv\n"), std::string::npos) << wide.text;
}

TEST_F(PdfToTextTest, AFileAttachedToAPdfThatIsNotReadLeavesThePdfUninspected) {
  ASSERT_EQ(::access(kQpdf.c_str(), X_OK), 0) << kQpdf << " missing: scripts/setup installs qpdf";
  const std::string page = "Quarterly referral counts attached, see the file";
  const std::string rows = "name,ssn,dob\nJane Doe,078-05-1121,01/02/1960\n";
  // Not read: a damaged ZIP, bytes with NULs, a PDF attached to a PDF
  // attached to the PDF (its text would be there); the name is.
  std::string inner = test::make_pdf_with_attached_file(page, make_pdf({"Jane Doe 078-05-1121 " + page}), false);
  for (const std::string& file : {std::string("PK\x03\x04\x14\0\0\0\x08\0", 10) + rows, std::string(100, '\0') + rows,
                                  inner}) {
    Outcome o = extract(PdfToText(with_qpdf()), test::make_pdf_with_attached_file(page, file, false));
    EXPECT_EQ(o.reason, "pdf");
    if (file == inner) {
      EXPECT_EQ(o.text.find("078-05-1121"), std::string::npos) << o.text;
      continue;
    }
    EXPECT_EQ(o.text, page + "\n\n\n" + "\nattached.csv\nattached.csv\n");
  }
  // No PdfObjects: the PDF's pages are read, the file is not.
  for (bool annotation : {false, true}) {
    Outcome o = extract(PdfToText(options(kPdfToText)), test::make_pdf_with_attached_file(page, rows, annotation));
    EXPECT_EQ(o.reason, "pdf") << annotation;
    EXPECT_EQ(o.text, page + "\n\n\n");
  }
  // The name tree names a file, but no stream says /Type /EmbeddedFile: nothing to ask qpdf for.
  std::string untyped = test::make_pdf_with_attached_file(page, rows, false);
  untyped.replace(untyped.find("/Type /EmbeddedFile "), 20, std::string(20, ' '));
  EXPECT_EQ(extract(PdfToText(with_qpdf()), untyped).reason, "pdf");
  // /EmbeddedFile in an object that is no stream: qpdf cannot decode it.
  std::string not_a_stream = make_pdf({page}, false, "/Subject (see /EmbeddedFile)");
  EXPECT_EQ(extract(PdfToText(with_qpdf()), not_a_stream).reason, "pdf");
  // A scan (its page has no text; no OCR here) with a CSV attached: the
  // CSV is read, the PDF still uninspected for its page.
  Outcome scan = extract(PdfToText(with_qpdf()), test::make_pdf_with_attached_file("", rows, false));
  EXPECT_EQ(scan.reason, "pdf");
  EXPECT_NE(scan.text.find(rows), std::string::npos) << scan.text;
  // The same pages without a file attached are read whole.
  EXPECT_EQ(extract(PdfToText(with_qpdf()), make_pdf({page})).reason, "");
}

TEST_F(PdfToTextTest, ACommentOnAPdfIsReadWithItsText) {
  // pdftotext prints the pages alone; qpdf lists the objects, the sticky note's text among them.
  ASSERT_EQ(::access(kQpdf.c_str(), X_OK), 0) << kQpdf << " missing: scripts/setup installs qpdf";
  const std::string page = "Quarterly referral counts for the clinic, no names here";
  std::string pdf = test::make_pdf_with_comment(page, "(Jane Doe MRN 00482913\\nneeds a call \\(urgent\\))");
  for (size_t chunk : {1u, 4096u}) {
    Outcome o = extract(PdfToText(with_qpdf()), pdf, chunk);
    EXPECT_EQ(o.reason, "") << chunk;
    EXPECT_EQ(o.text, page + "\n\n\n" + "\n" + "Jane Doe MRN 00482913\nneeds a call (urgent)\n");
  }
  // A UTF-16 note (FEFF, "Jose" with an acute e) comes as UTF-8.
  Outcome wide = extract(PdfToText(with_qpdf()), test::make_pdf_with_comment(page, "<FEFF004A006F007300E9>"));
  EXPECT_EQ(wide.text, page + "\n\n\n" + "\n" + "Jos\xC3\xA9\n");
  // Without PdfObjects the note is not read (and not reported: nothing tells it apart from a link).
  Outcome plain = extract(PdfToText(options(kPdfToText)), pdf);
  EXPECT_EQ(plain.reason, "");
  EXPECT_EQ(plain.text, page + "\n\n\n");
  // qpdf failing leaves the comments unknown: the PDF is uninspected, its pages read.
  PdfOptions failing = options(kPdfToText);
  failing.qpdf_program = dir.write("fail_json.sh", "#!/bin/sh\nexit 2\n", 0755);
  Outcome failed = extract(PdfToText(failing), pdf);
  EXPECT_EQ(failed.reason, "pdf");
  EXPECT_EQ(failed.text, page + "\n\n\n");
}

// A dynamic XML (XFA) form: pdftotext prints its "Please wait..." page;
// what was typed into it is the datasets packet, read with qpdf as an XML
// attachment would be, in the array or in the one XDP stream. Without
// PdfObjects, or with an /XFA that cannot be understood, the PDF is
// uninspected "pdf"; a form never filled in has nothing more to read.
TEST_F(PdfToTextTest, TheDataTypedIntoAnXmlFormIsRead) {
  ASSERT_EQ(::access(kQpdf.c_str(), X_OK), 0) << kQpdf << " missing: scripts/setup installs qpdf";
  const std::string datasets =
      "<xfa:datasets xmlns:xfa=\"http://www.xfa.org/schema/xfa-data/1.0/\"><xfa:data><form1>"
      "<PatientName>Maria Gonzalez</PatientName><MRN>4471823</MRN><Diagnosis>E11.9 type 2 diabetes</Diagnosis>"
      "</form1></xfa:data></xfa:datasets>";
  for (bool one_stream : {false, true}) {
    SCOPED_TRACE(one_stream ? "one XDP stream" : "the packets' array");
    std::string pdf = test::make_xfa_pdf(datasets, one_stream);
    Outcome o = extract(PdfToText(with_qpdf()), pdf);
    EXPECT_EQ(o.reason, "");
    EXPECT_NE(o.text.find("Please wait"), std::string::npos) << o.text;
    EXPECT_NE(o.text.find("Maria Gonzalez"), std::string::npos) << o.text;
    EXPECT_NE(o.text.find("E11.9 type 2 diabetes"), std::string::npos) << o.text;
    Outcome plain = extract(PdfToText(options(kPdfToText)), pdf);
    EXPECT_EQ(plain.reason, "pdf");
    EXPECT_EQ(plain.text.find("Maria Gonzalez"), std::string::npos) << plain.text;
  }
  std::string damaged = test::make_xfa_pdf(datasets);
  damaged.replace(damaged.find("(datasets) 8 0 R"), 16, "(datasets) /Oops");
  EXPECT_EQ(extract(PdfToText(with_qpdf()), damaged).reason, "pdf");
  std::string empty = test::make_xfa_pdf(datasets);
  empty.replace(empty.find("(datasets) 8 0 R"), 16, "(config)   8 0 R");
  Outcome unfilled = extract(PdfToText(with_qpdf()), empty);
  EXPECT_EQ(unfilled.reason, "");
  EXPECT_EQ(unfilled.text.find("Maria Gonzalez"), std::string::npos) << unfilled.text;
}

// The attached files' runs are bound as the PDF's: a reader that fails
// leaves the PDF uninspected with its pages read; one that never answers is
// killed when the message's DocumentTimeBudget runs out ("time-limit", not
// "unavailable", which would tempfail the message for ever).
TEST_F(PdfToTextTest, AnAttachedFileReaderThatFailsOrHangsIsBound) {
  const std::string page = "Quarterly referral counts attached, see the file";
  std::string pdf = test::make_pdf_with_attached_file(page, "name,ssn\nJane Doe,078-05-1121\n", false);
  PdfOptions failing = options(kPdfToText);
  failing.qpdf_program = dir.write("fail.sh", "#!/bin/sh\necho 'qpdf: invalid object' >&2\nexit 2\n", 0755);
  Outcome o = extract(PdfToText(failing), pdf);
  EXPECT_EQ(o.reason, "pdf");
  EXPECT_EQ(o.text, page + "\n\n\n");

  PdfOptions hanging = options(kPdfToText);
  hanging.qpdf_program = dir.write("hang_files.sh", "#!/bin/sh\nexec sleep 60\n", 0755);
  hanging.timeout = 60s;
  PdfToText reader(hanging);
  DocumentBudget budget(reader, 2s);
  auto d = budget.open("pdf");
  ASSERT_TRUE(d);
  d->feed(pdf);
  std::string text;
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(d->finish([&](std::string_view t) { text.append(t); }), "time-limit");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 50s);  // not its own timeout (a bound, not a measurement)
  EXPECT_EQ(text, page + "\n\n\n");
}

TEST_F(PdfToTextTest, DamagedAndNonPdfInputIsUninspectedPdf) {
  PdfToText reader(options(kPdfToText));
  EXPECT_EQ(extract(reader, "%PDF-1.4\nnot really\n").reason, "pdf");
  EXPECT_EQ(extract(reader, std::string(200000, 'A')).reason, "pdf");
  EXPECT_EQ(extract(reader, "").reason, "pdf");
}

TEST_F(PdfToTextTest, PasswordProtectedPdfIsUninspectedEncrypted) {
  PdfToText reader(options(kPdfToText));
  for (size_t chunk : {1u, 5u, 4096u}) {  // the /Encrypt key split between feeds is still seen
    Outcome o = extract(reader, make_pdf({"Patient SSN 078-05-1121"}, true), chunk);
    EXPECT_EQ(o.reason, "encrypted") << chunk;
    EXPECT_EQ(o.text.find("078-05-1121"), std::string::npos);
  }
}

TEST_F(PdfToTextTest, ChildGetsTheLimitsAndOnlyTheDocument) {
  // A stand-in that reads its input to the end with shell builtins (it may
  // start no process), then prints its limits, arguments and descriptors.
  std::string script = dir.write("limits.sh",
                                 "#!/bin/sh\n"
                                 "n=0; while IFS= read -r line; do n=$((n+1)); done\n"
                                 "echo \"lines=$n args=$*\"\n"
                                 "printf 'as='; ulimit -v; printf 'fsize='; ulimit -f; printf 'core='; ulimit -c\n"
                                 "printf 'nofile='; ulimit -n; printf 'nproc='; ulimit -p; printf '\\f'\n"
                                 "echo \"path=$PATH home=${HOME-unset}\"\n",
                                 0755);
  PdfOptions o = options(script);
  o.memory_limit = 256ull << 20;
  PdfToText reader(o);
  Outcome out = extract(reader, "a\nb\nc\n");
  EXPECT_EQ(out.reason, "");
  EXPECT_NE(out.text.find("lines=3 args=-q -enc UTF-8 -eol unix -htmlmeta - -"), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("as=262144\nfsize=0\ncore=0\nnofile=64\nnproc=0\n"), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("path=/usr/bin:/bin home=unset"), std::string::npos) << out.text;
}

TEST_F(PdfToTextTest, TextBeyondMaxTextIsCutAndReportedSizeLimit) {
  std::string script = dir.write("yes.sh", "#!/bin/sh\nwhile :; do echo 078-05-1121; done\n", 0755);
  PdfOptions o = options(script);
  o.max_text = 100000;
  PdfToText reader(o);
  Outcome out = extract(reader, "x");
  EXPECT_EQ(out.reason, "size-limit");
  EXPECT_EQ(out.text.size(), 100000u);
}

TEST_F(PdfToTextTest, AChildThatNeverAnswersIsKilledAtTheTimeout) {
  // It writes its process id (it may write no file), then holds its output
  // open without using the CPU: as a child slowed down by a busy machine
  // would, so the answer is "unavailable" (the message is retried).
  std::string script = dir.write("hang.sh", "#!/bin/sh\necho $$\nexec sleep 600\n", 0755);
  PdfOptions o = options(script);
  o.timeout = 1s;
  PdfToText reader(o);
  Outcome out = extract(reader, "x");
  EXPECT_EQ(out.reason, "unavailable");
  ASSERT_FALSE(out.text.empty());
  EXPECT_NE(::kill(std::stoi(out.text), 0), 0) << "the child still runs";  // killed and reaped by finish()
}

// A timeout is the document's fault (a retry would end the same way) when
// the child spent at least half of it computing; else the machine's.
// (Pure: how much CPU a real child gets depends on the machine's load.)
TEST(PdfTimeout, SlowedByTheMachineOnlyWithLessThanHalfTheTimeOnTheCpu) {
  EXPECT_TRUE(slowed_by_machine(0.0, 30s));
  EXPECT_TRUE(slowed_by_machine(14.9, 30s));
  EXPECT_FALSE(slowed_by_machine(15.0, 30s));
  EXPECT_FALSE(slowed_by_machine(31.0, 30s));
  EXPECT_TRUE(slowed_by_machine(0.4, 1000ms));
}

TEST_F(PdfToTextTest, ExitStatusOtherThanZeroIsUninspected) {
  // A crash (the sandbox lets no process signal itself: a real fault).
  PdfToText crash(options(dir.write("crash.sh", "#!/bin/sh\nexec python3 -S -c 'import ctypes; ctypes.string_at(0)'\n", 0755)));
  EXPECT_EQ(extract(crash, "x").reason, "pdf");
  PdfToText refused(options(dir.write("three.sh", "#!/bin/sh\nexit 3\n", 0755)));
  EXPECT_EQ(extract(refused, "x").reason, "encrypted");  // pdftotext: copying not allowed
}

TEST_F(PdfToTextTest, AtMostProcessesChildrenAtATime) {
  PdfOptions o = options(kPdfToText);
  o.processes = 1;
  o.timeout = 1s;
  PdfToText reader(o);
  auto first = reader.open("pdf");
  ASSERT_TRUE(first);
  EXPECT_FALSE(reader.open("pdf"));  // waits up to the timeout, then gives up: the part is uninspected
  first.reset();                      // ends the child, frees its place
  EXPECT_EQ(extract(reader, make_pdf({"Patient SSN 078-05-1121 DOB 01/02/1960"})).reason, "");
}

TEST_F(PdfToTextTest, NoProgramOrAnotherKindOpensNothing) {
  EXPECT_FALSE(PdfToText(options("")).open("pdf"));
  EXPECT_FALSE(PdfToText(options(kPdfToText)).open("docx"));
  EXPECT_FALSE(PdfToText(options(dir.file("missing"))).open("pdf"));
}


// Scanned pages: rendered by pdftoppm and read by the OCR reader.
class PdfScansTest : public PdfToTextTest {
 protected:
  void SetUp() override {
    PdfToTextTest::SetUp();
    ASSERT_EQ(::access(kPdfToPpm.c_str(), X_OK), 0);
    ASSERT_EQ(::access("/usr/bin/tesseract", X_OK), 0) << "scripts/setup installs tesseract-ocr";
  }
  PdfOptions with_ocr(std::shared_ptr<const mime::DocumentReader> ocr = nullptr) {
    PdfOptions o = options(kPdfToText);
    o.render_program = kPdfToPpm;
    OcrOptions oo;
    oo.program = "/usr/bin/tesseract";
    o.ocr = ocr ? ocr : std::make_shared<ImageOcr>(oo);
    return o;
  }
  const std::string kPdfToPpm = "/usr/bin/pdftoppm";
  const std::string kFax = "Referral: Diego Lopez DOB 10/08/2001 MRN 4471823 diabetes";
};

TEST_F(PdfScansTest, AScannedPageIsReadByOcr) {
  std::string scan = make_scanned_pdf(kFax);
  ASSERT_FALSE(scan.empty());
  EXPECT_EQ(extract(PdfToText(options(kPdfToText)), scan).reason, "pdf");  // without OCR, as before
  Outcome o = extract(PdfToText(with_ocr()), scan, 1000);
  EXPECT_EQ(o.reason, "");
  EXPECT_NE(o.text.find("Diego Lopez"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("4471823"), std::string::npos) << o.text;
}

TEST_F(PdfScansTest, ScansBeyondTheCapOrUnreadableLeaveThePdfUninspected) {
  std::string scan = make_scanned_pdf(kFax);
  PdfOptions none = with_ocr();
  none.max_ocr_pages = 0;
  EXPECT_EQ(extract(PdfToText(none), scan).reason, "pdf");
  // A page that is a picture without words: OCR finds nothing, so the PDF stays uninspected.
  EXPECT_EQ(extract(PdfToText(with_ocr()), make_pdf({""})).reason, "pdf");
  // A renderer that fails.
  PdfOptions broken = with_ocr();
  broken.render_program = dir.write("ppm.sh", "#!/bin/sh\nexit 1\n", 0755);
  EXPECT_EQ(extract(PdfToText(broken), scan).reason, "pdf");
}

// An OCR reader that cannot run now: the message is retried, not passed half read.
struct NoOcr : mime::DocumentReader {
  std::unique_ptr<mime::Document> open(std::string_view) const override { return nullptr; }
  bool reads(std::string_view kind) const override { return kind == "image"; }
};

// A picture of a page attached to a PDF (a photographed referral) is read by OCR.
TEST_F(PdfScansTest, AnImageAttachedToAPdfIsReadByOcr) {
  ASSERT_EQ(::access("/usr/bin/qpdf", X_OK), 0) << "scripts/setup installs qpdf";
  std::string png = test::render(make_pdf({kFax}), "png");
  ASSERT_FALSE(png.empty());
  const std::string page = "The referral is attached to this letter as a photograph of the form";
  std::string pdf = test::make_pdf_with_attached_file(page, png, false);
  OcrOptions oo;
  oo.program = "/usr/bin/tesseract";
  oo.min_bytes = 0;  // the test's picture is small
  PdfOptions o = with_ocr(std::make_shared<ImageOcr>(oo));
  o.qpdf_program = "/usr/bin/qpdf";
  Outcome read = extract(PdfToText(o), pdf);
  EXPECT_EQ(read.reason, "");
  EXPECT_NE(read.text.find("Diego Lopez"), std::string::npos) << read.text;
  // Without OCR the image is not read: the PDF is uninspected.
  o.ocr = nullptr;
  EXPECT_EQ(extract(PdfToText(o), pdf).reason, "pdf");
  // OCR busy: retried.
  o.ocr = std::make_shared<NoOcr>();
  EXPECT_EQ(extract(PdfToText(o), pdf).reason, "unavailable");
}

// Pictures on pages with text (a pasted screenshot of a chart, a
// photographed card): listed by pdfimages, rendered and read by OCR.
class PdfPicturesTest : public PdfScansTest {
 protected:
  void SetUp() override {
    PdfScansTest::SetUp();
    ASSERT_EQ(::access(kPdfImages.c_str(), X_OK), 0) << "scripts/setup installs poppler-utils";
  }
  PdfOptions with_pictures(std::shared_ptr<const mime::DocumentReader> ocr = nullptr) {
    PdfOptions o = with_ocr(std::move(ocr));
    o.image_list_program = kPdfImages;
    return o;
  }
  const std::string kPdfImages = "/usr/bin/pdfimages";
  const std::string kLetter = "Dear colleague, please see the screenshot from the chart below.";
};

// An OCR reader that counts the images it is given and reads each as `seen` (or nothing, with `reason` "image").
struct CountingOcr : mime::DocumentReader {
  explicit CountingOcr(std::string r = "", std::string t = "read by OCR") : reason(std::move(r)), seen(std::move(t)) {}
  struct Doc : mime::Document {
    explicit Doc(const CountingOcr& r) : reader(r) {}
    void feed(std::string_view) override {}
    std::string finish(const std::function<void(std::string_view)>& text) override {
      ++reader.count;
      if (reader.reason.empty()) text(reader.seen);
      return reader.reason;
    }
    const CountingOcr& reader;
  };
  std::unique_ptr<mime::Document> open(std::string_view) const override { return std::make_unique<Doc>(*this); }
  bool reads(std::string_view kind) const override { return kind == "image"; }
  const std::string reason, seen;
  mutable int count = 0;
};

size_t occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST_F(PdfPicturesTest, APictureOnAPageWithTextIsReadByOcr) {
  // The picture 6.5 by 8.4 inches, below the letter's line.
  std::string pdf = test::make_pdf_with_pictures({{kLetter, kFax, 468, 606}});
  ASSERT_FALSE(pdf.empty());
  Outcome o = extract(PdfToText(with_pictures()), pdf, 1000);
  EXPECT_EQ(o.reason, "");
  EXPECT_NE(o.text.find("screenshot from the chart"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("Diego Lopez"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("4471823"), std::string::npos) << o.text;
  // The typed line OCR read again with the picture is not passed on twice.
  EXPECT_EQ(occurrences(o.text, "screenshot from the chart"), 1u) << o.text;
  // Without pdfimages the page's text alone is read, as before.
  Outcome before = extract(PdfToText(with_ocr()), pdf);
  EXPECT_EQ(before.reason, "");
  EXPECT_EQ(before.text.find("Diego Lopez"), std::string::npos) << before.text;
}

TEST_F(PdfPicturesTest, OnlyPicturesLargeEnoughToHoldTextAreRead) {
  auto read = [&](const std::vector<test::PageWithPicture>& pages, unsigned max_ocr_pages = 20) {
    auto ocr = std::make_shared<CountingOcr>();
    PdfOptions o = with_pictures(ocr);
    o.max_ocr_pages = max_ocr_pages;
    std::string pdf = test::make_pdf_with_pictures(pages);
    EXPECT_FALSE(pdf.empty());
    Outcome out = extract(PdfToText(o), pdf);
    return std::make_pair(out.reason, ocr->count);
  };
  using Read = std::pair<std::string, int>;
  EXPECT_EQ(read({{kLetter, kFax, 216, 144}}), (Read{"", 1}));  // 3 by 2 inches: a card's photo
  EXPECT_EQ(read({{kLetter, kFax, 144, 72}}), (Read{"", 0}));   // 2 by 1 inches: a logo
  EXPECT_EQ(read({{kLetter, "", 0, 0}}), (Read{"", 0}));         // no picture
  EXPECT_EQ(read({{kLetter, kFax, 144, 72}, {kLetter, kFax, 432, 288}, {kLetter, kFax, 144, 72}}), (Read{"", 1}));
  // A scan (no text on the page) is read once, as a scan; the page with text and a picture after it.
  EXPECT_EQ(read({{"", kFax, 612, 792}, {kLetter, kFax, 432, 288}}), (Read{"", 2}));
  // A searchable scan: a picture of the whole page with its words under it
  // (a scanner's OCR, here typed): read by its text, not by OCR again. A
  // fax header typed over a scan is not that much text: the page is read.
  std::string words;
  for (int i = 0; i < 12; ++i) words += "Line " + std::to_string(i) + " of the scanned record, as the scanner's OCR read it.\n";
  EXPECT_EQ(read({{words, kFax, 612, 792}}), (Read{"", 0}));
  EXPECT_EQ(read({{"Jan 03 2026 10:22 From: 555 0100 To: 555 0199 Page 1 of 3", kFax, 612, 792}}), (Read{"", 1}));
  EXPECT_EQ(read({{words, kFax, 432, 288}}), (Read{"", 1}));  // much text, and a picture beside it
  // More pages to read than max_ocr_pages (the scans' and the pictures' together): the first read, the PDF uninspected.
  EXPECT_EQ(read({{kLetter, kFax, 432, 288}, {kLetter, kFax, 432, 288}}, 1), (Read{"pdf", 1}));
  EXPECT_EQ(read({{"", kFax, 612, 792}, {kLetter, kFax, 432, 288}}, 1), (Read{"pdf", 1}));
}

TEST_F(PdfPicturesTest, WhatOcrReadsFollowsThePdfsText) {
  auto ocr = std::make_shared<CountingOcr>();
  Outcome o = extract(PdfToText(with_pictures(ocr)), test::make_pdf_with_pictures({{kLetter, kFax, 432, 288}}));
  EXPECT_EQ(o.reason, "");
  size_t letter = o.text.find("screenshot from the chart"), picture = o.text.find("read by OCR");
  ASSERT_NE(letter, std::string::npos) << o.text;
  ASSERT_NE(picture, std::string::npos) << o.text;
  EXPECT_LT(letter, picture);
  // The page's typed lines, which OCR reads again beside the picture, are
  // left out where the text before holds them: the classifier would count
  // them twice. Further back they are kept (they tell whom the picture is
  // about): here 80 more pages of text come first.
  const std::string visit = "Patient: Diego Lopez, seen on Monday for a follow-up visit.";
  auto again = std::make_shared<CountingOcr>("", "\n" + kLetter + "\n  PATIENT: Diego   Lopez, seen on monday for a follow-up visit\n");
  Outcome near = extract(PdfToText(with_pictures(again)),
                         test::make_pdf_with_pictures({{visit, "", 0, 0}, {kLetter, kFax, 432, 288}}));
  EXPECT_EQ(near.reason, "");
  EXPECT_EQ(occurrences(near.text, "screenshot from the chart"), 1u) << near.text;
  EXPECT_EQ(occurrences(near.text, "Lopez"), 1u) << near.text;  // white space, case and stops do not tell lines apart
  std::vector<test::PageWithPicture> long_letter = {{kLetter, kFax, 432, 288}};
  for (int i = 0; i < 80; ++i) long_letter.push_back({"Page " + std::to_string(i) + ": " + std::string(80, 'x'), "", 0, 0});
  Outcome far = extract(PdfToText(with_pictures(again)), test::make_pdf_with_pictures(long_letter));
  EXPECT_EQ(far.reason, "");
  EXPECT_EQ(occurrences(far.text, "screenshot from the chart"), 2u);
  // A picture in which OCR recognises nothing (a photograph) was read all the same.
  auto blind = std::make_shared<CountingOcr>("image");
  EXPECT_EQ(extract(PdfToText(with_pictures(blind)), test::make_pdf_with_pictures({{kLetter, kFax, 432, 288}})).reason,
            "");
  EXPECT_EQ(blind->count, 1);
}

TEST_F(PdfPicturesTest, AListThatFailsOrOcrBusyLeavesThePdfUninspectedOrRetried) {
  std::string pdf = test::make_pdf_with_pictures({{kLetter, kFax, 432, 288}});
  PdfOptions broken = with_pictures(std::make_shared<CountingOcr>());
  broken.image_list_program = dir.write("list.sh", "#!/bin/sh\ncat >/dev/null\nexit 1\n", 0755);
  EXPECT_EQ(extract(PdfToText(broken), pdf).reason, "pdf");  // the pictures are unknown
  EXPECT_EQ(extract(PdfToText(with_pictures(std::make_shared<NoOcr>())), pdf).reason, "unavailable");
  // No picture named in the PDF: pdfimages is not run (a failing one changes nothing).
  EXPECT_EQ(extract(PdfToText(broken), make_pdf({kLetter})).reason, "");
}

TEST_F(PdfScansTest, OcrBusyIsUnavailable) {
  EXPECT_EQ(extract(PdfToText(with_ocr(std::make_shared<NoOcr>())), make_scanned_pdf(kFax)).reason, "unavailable");
  // A PDF whose pages all have text never needs OCR.
  EXPECT_EQ(extract(PdfToText(with_ocr(std::make_shared<NoOcr>())),
                    make_pdf({"Patient SSN 078-05-1121 DOB 01/02/1960"}))
                .reason,
            "");
}

}  // namespace
}  // namespace phi
