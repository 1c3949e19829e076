// Tests of PdfToText with poppler's real pdftotext (scripts/setup installs
// poppler-utils): text out of a PDF, damaged and encrypted documents, and,
// with stand-in scripts, the limits, the timeout and the process count.
#include "milter/pdftext.h"

#include <unistd.h>
#include <zlib.h>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/unit/escrow/test_util.h"

namespace phi {
namespace {

using escrow::testing::TempDir;
using namespace std::chrono_literals;

const std::string kPdfToText = "/usr/bin/pdftotext";

// A PDF with one page per item of `pages`, each showing its text in
// Helvetica (an empty item: a page with only a drawn box, as a scan's
// picture would be), content streams deflated; with `encrypt`, an
// /Encrypt dictionary whose user password is not empty.
std::string make_pdf(const std::vector<std::string>& pages, bool encrypt = false) {
  // Objects: 1 catalog, 2 pages, 3 font, then per page its page and content stream.
  std::vector<std::string> objs = {"<< /Type /Catalog /Pages 2 0 R >>", "",
                                   "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"};
  std::string kids;
  for (const auto& text : pages) {
    std::string content = text.empty() ? "0.5 g 72 72 468 648 re f" : "BT /F1 12 Tf 72 720 Td (" + text + ") Tj ET";
    uLongf n = compressBound(content.size());
    std::string z(n, '\0');
    compress(reinterpret_cast<Bytef*>(z.data()), &n, reinterpret_cast<const Bytef*>(content.data()), content.size());
    z.resize(n);
    size_t page = objs.size() + 1;
    kids += std::to_string(page) + " 0 R ";
    objs.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents " + std::to_string(page + 1) +
                   " 0 R /Resources << /Font << /F1 3 0 R >> >> >>");
    objs.push_back("<< /Length " + std::to_string(z.size()) + " /Filter /FlateDecode >>\nstream\n" + z + "\nendstream");
  }
  objs[1] = "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages.size()) + " >>";
  if (encrypt)
    objs.push_back("<< /Filter /Standard /V 1 /R 2 /O <" + std::string(64, '1') + "> /U <" + std::string(64, '2') +
                   "> /P -4 >>");
  std::string out = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objs.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objs[i] + "\nendobj\n";
  }
  size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objs.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t o : offsets) {
    char line[32];
    snprintf(line, sizeof line, "%010zu 00000 n \n", o);
    out += line;
  }
  std::string id = "<0123456789abcdef0123456789abcdef>";
  out += "trailer\n<< /Size " + std::to_string(objs.size() + 1) + " /Root 1 0 R" +
         (encrypt ? " /Encrypt " + std::to_string(objs.size()) + " 0 R /ID [" + id + " " + id + "]" : "") +
         " >>\nstartxref\n" + std::to_string(xref) +
         "\n%%EOF\n";
  return out;
}

struct Outcome {
  std::string text;
  std::string reason;
  bool opened = false;
};

// Runs `doc` through a reader fed in `chunk`-byte pieces.
Outcome extract(const PdfToText& reader, const std::string& doc, size_t chunk = 4096) {
  Outcome o;
  auto d = reader.open("pdf");
  if (!d) return o;
  o.opened = true;
  for (size_t i = 0; i < doc.size(); i += chunk) d->feed(std::string_view(doc).substr(i, chunk));
  o.reason = d->finish([&](std::string_view t) { o.text.append(t); });
  return o;
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
  EXPECT_NE(out.text.find("lines=3 args=-q -enc UTF-8 -eol unix - -"), std::string::npos) << out.text;
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

}  // namespace
}  // namespace phi
