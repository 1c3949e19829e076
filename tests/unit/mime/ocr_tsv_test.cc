// Tests for OcrTsv: tesseract's TSV output read back as its plain text, and its mean confidence, however it is split.
#include "milter/mime/ocr_tsv.h"

#include <gtest/gtest.h>

#include <string>

namespace phi::mime {
namespace {

struct Read {
  std::string text;
  uint64_t chars = 0, words = 0;
  double confidence = 0;
};

Read read(const std::string& tsv, size_t step) {
  Read r;
  OcrTsv t([&](std::string_view b) { r.text.append(b); });
  for (size_t i = 0; i < tsv.size(); i += step) t.feed(std::string_view(tsv).substr(i, step));
  t.finish();
  r.chars = t.chars();
  r.words = t.words();
  r.confidence = t.confidence();
  return r;
}

// The same text and figures for every chunk size from one byte to the whole.
Read read_every_way(const std::string& tsv) {
  Read whole = read(tsv, tsv.empty() ? 1 : tsv.size());
  for (size_t step = 1; step < tsv.size(); ++step) {
    Read r = read(tsv, step);
    EXPECT_EQ(r.text, whole.text) << "chunks of " << step;
    EXPECT_EQ(r.chars, whole.chars) << "chunks of " << step;
    EXPECT_EQ(r.confidence, whole.confidence) << "chunks of " << step;
  }
  return whole;
}

const std::string kHeader = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n";

std::string word(int block, int par, int line, int n, const std::string& conf, const std::string& text) {
  return "5\t1\t" + std::to_string(block) + "\t" + std::to_string(par) + "\t" + std::to_string(line) + "\t" +
         std::to_string(n) + "\t10\t20\t30\t40\t" + conf + "\t" + text + "\n";
}

// What tesseract 5.3 writes for a letter: a row per page, block,
// paragraph and line (conf -1, no text), then the words.
TEST(OcrTsv, WordsAreLaidOutAsTesseractsPlainText) {
  const std::string tsv = kHeader + "1\t1\t0\t0\t0\t0\t0\t0\t1700\t2200\t-1\t\n" +
                          "2\t1\t1\t0\t0\t0\t154\t269\t1243\t40\t-1\t\n" + "3\t1\t1\t1\t0\t0\t154\t269\t1243\t40\t-1\t\n" +
                          "4\t1\t1\t1\t1\t0\t154\t269\t1243\t40\t-1\t\n" + word(1, 1, 1, 1, "96.357613", "Referral:") +
                          word(1, 1, 1, 2, "96.588684", "Diego") + word(1, 1, 1, 3, "96.186195", "Lopez") +
                          word(1, 1, 2, 1, "91", "MRN") + word(1, 1, 2, 2, "93", "4471823") +
                          "2\t1\t2\t0\t0\t0\t154\t369\t1243\t40\t-1\t\n" + word(2, 1, 1, 1, "95", "Please") +
                          word(2, 1, 1, 2, "95", "see") + word(2, 2, 1, 1, "95", "Thanks.");
  Read r = read_every_way(tsv);
  EXPECT_EQ(r.text, "Referral: Diego Lopez\nMRN 4471823\n\nPlease see\n\nThanks.\n");
  EXPECT_EQ(r.words, 8u);
  EXPECT_EQ(r.chars, 45u);
  const double weighted = 96.357613 * 9 + 96.588684 * 5 + 96.186195 * 5 + 91 * 3 + 93 * 7 + 95 * 6 + 95 * 3 + 95 * 7;
  EXPECT_NEAR(r.confidence, weighted / 45, 1e-9);
}

// Each word weighs by its characters (UTF-8 ones as one); a page read
// upside down comes out as letters tesseract is unsure of.
TEST(OcrTsv, ConfidenceIsTheMeanOverCharacters) {
  Read r = read_every_way(kHeader + word(1, 1, 1, 1, "90", "caf\xC3\xA9") + word(1, 1, 1, 2, "20", "J8D]N") +
                          word(1, 1, 1, 3, "100", "a"));
  EXPECT_EQ(r.text, "caf\xC3\xA9 J8D]N a\n");
  EXPECT_EQ(r.chars, 10u);
  EXPECT_NEAR(r.confidence, (90.0 * 4 + 20 * 5 + 100) / 10, 1e-9);
  // Out of range is clamped; -1 (not a word) is skipped.
  r = read_every_way(kHeader + word(1, 1, 1, 1, "250", "abc") + word(1, 1, 1, 2, "-1", "def"));
  EXPECT_EQ(r.text, "abc\n");
  EXPECT_DOUBLE_EQ(r.confidence, 100);
}

TEST(OcrTsv, NoWordsNoTextAndNoConfidence) {
  for (const std::string& tsv : {std::string(), kHeader, kHeader + "1\t1\t0\t0\t0\t0\t0\t0\t1700\t2200\t-1\t\n",
                                 std::string("\n\n\n"), kHeader + word(1, 1, 1, 1, "95", "")}) {
    Read r = read_every_way(tsv);
    EXPECT_EQ(r.text, "");
    EXPECT_EQ(r.chars, 0u);
    EXPECT_EQ(r.words, 0u);
    EXPECT_EQ(r.confidence, -1);
  }
}

// Rows that are not words as tesseract writes them are skipped, the rows
// around them read; a row of CR LF is read; one past kMaxTsvRow skipped.
TEST(OcrTsv, MalformedRowsAreSkipped) {
  const std::string good = word(1, 1, 1, 1, "80", "kept");
  const std::string bad[] = {
      "5\t1\t1\t1\t1\t1\t10\t20\t30\t40\t95\n",                  // 11 fields
      "5\t1\t1\t1\t1\t1\t10\t20\t30\t40\t95\tmore\textra\n",    // 13 fields
      word(1, 1, 1, 2, "ninety", "conf"), word(1, 1, 1, 2, "", "empty"), word(1, 1, 1, 2, "9.5.1", "points"),
      word(1, 1, 1, 2, "-", "dash"), "4\t1\t1\t1\t1\t0\t10\t20\t30\t40\t95\tline\n", "x" + word(1, 1, 1, 2, "95", "level"),
      word(1, 1, 1, 2, "95", std::string(kMaxTsvRow, 'z'))};
  for (const std::string& b : bad) {
    Read r = read_every_way(kHeader + good + b + good);
    EXPECT_EQ(r.text, "kept kept\n") << b.substr(0, 80);
    EXPECT_EQ(r.chars, 8u);
  }
  std::string crlf = word(1, 1, 1, 1, "70", "crlf");
  crlf.insert(crlf.size() - 1, "\r");
  Read r = read_every_way(crlf + "5\t1\t1\t1\t1\t2\t0\t0\t1\t1\t70\tend");  // the last row without a line end
  EXPECT_EQ(r.text, "crlf end\n");
}

}  // namespace
}  // namespace phi::mime
