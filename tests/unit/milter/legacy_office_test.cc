// Tests of LegacyOffice with the real catdoc, xls2csv (scripts/setup
// installs catdoc) on Word and Excel 97-2003 files written by LibreOffice
// (tests/unit/milter/data/README): the text, encrypted and damaged files,
// compound files of other kinds, and, with a stand-in script, what the
// child is given (the whole document, seekable, as its standard input).
#include "milter/legacy_office.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>

#include "tests/unit/escrow/test_util.h"
#include "tests/unit/milter/document_builders.h"
#include "tests/unit/mime/ole_builder.h"

namespace phi {
namespace {

using escrow::testing::TempDir;
using test::extract;

const std::string kCatdoc = "/usr/bin/catdoc";

std::string sample(const std::string& name) {
  const char* srcdir = std::getenv("srcdir");
  std::ifstream f(std::string(srcdir ? srcdir : ".") + "/tests/unit/milter/data/" + name, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

LegacyOfficeOptions catdoc() {
  LegacyOfficeOptions o;
  o.word = kCatdoc;
  o.excel = "/usr/bin/xls2csv";
  o.powerpoint = "/usr/bin/catppt";
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
  // An Outlook message, a cut file, no compound file at all.
  EXPECT_EQ(extract(reader, "office", build_ole({ole_root(1), ole_stream("__properties_version1.0")})).reason,
            "office");
  std::string letter = sample("letter.doc");
  EXPECT_EQ(extract(reader, "office", letter.substr(0, 1500)).reason, "office");
  EXPECT_EQ(extract(reader, "office", "plain text, renamed .doc").reason, "office");
  // A WordDocument stream that is empty: catdoc finds no text.
  EXPECT_EQ(extract(reader, "office", build_ole({ole_root(1), ole_stream("WordDocument")})).reason, "office");
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
  std::string slides = build_ole({ole_root(1), ole_stream("PowerPoint Document", kOleNone, 2), ole_stream("Pictures")});
  LegacyOfficeOptions o;
  o.word = o.excel = o.powerpoint = script;
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
  out = extract(reader, "office", slides);
  EXPECT_NE(out.text.find("args=-d utf-8 /dev/stdin\n"), std::string::npos) << out.text;
  // A program left empty reads nothing of its kind.
  o.excel.clear();
  EXPECT_EQ(extract(LegacyOffice(o), "office", excel).reason, "office");
  // Status 69 is catdoc's "encrypted"; any other failure is a damaged file.
  o.word = dir.write("enc.sh", "#!/bin/sh\ncat >/dev/null; exit 69\n", 0755);
  EXPECT_EQ(extract(LegacyOffice(o), "office", word).reason, "encrypted");
  o.word = dir.write("fail.sh", "#!/bin/sh\nexit 1\n", 0755);
  EXPECT_EQ(extract(LegacyOffice(o), "office", word).reason, "office");
}

TEST_F(LegacyOfficeTest, OnlyOfficeAndOnlyWithAProgram) {
  LegacyOffice reader(catdoc());
  EXPECT_TRUE(reader.reads("office"));
  EXPECT_FALSE(reader.reads("pdf"));
  EXPECT_FALSE(reader.open("pdf"));
  EXPECT_FALSE(LegacyOffice(LegacyOfficeOptions{}).reads("office"));
  Converters all(nullptr, nullptr, std::make_shared<LegacyOffice>(catdoc()));
  EXPECT_TRUE(all.reads("office"));
  EXPECT_FALSE(all.reads("image"));
  EXPECT_EQ(extract(all, "office", sample("letter.doc")).reason, "");
}

}  // namespace
}  // namespace phi
