// NAME
//   ocr_tsv - the words of tesseract's TSV output as text, and how sure tesseract was of them
// SYNOPSIS
//   phi::mime::OcrTsv t([](std::string_view text) { ... });
//   t.feed(piece); ...      // tesseract stdin stdout ... tsv
//   t.finish();
//   t.chars();              // characters in the words, white space not counted
//   t.confidence();         // their mean confidence, 0 to 100; -1 without a word
// DESCRIPTION
//   tesseract's "tsv" output is a header line, then a row for each page,
//   block, paragraph, line and word, each of 12 fields joined by tabs:
//     level page_num block_num par_num line_num word_num left top width height conf text
//   OcrTsv passes on the text of the words (level 5, text not empty) as
//   tesseract's plain text output lays them out: a space between the words
//   of a line, a line break between lines, an empty line between
//   paragraphs (and blocks and pages), a line break after the last word.
//   Each word's conf (0 to 100) weighted by its characters gives
//   confidence(): clean print reads above 90, a page read upside down or
//   noise taken for letters around 20.
//   A row that is not a word (other levels, the header, fewer or more than
//   12 fields, a conf that is not a number) is skipped, as is a row longer
//   than kMaxTsvRow. The text passed on does not depend on how the output
//   is split (a piece per word, given when its row ends).
// INPUT
//   A child's output, untrusted (its words are the image's). Memory: one
//   row, at most kMaxTsvRow bytes. Time: linear.
// THREADS
//   One object per image, used by one thread at a time.
#ifndef PHI_MIME_OCR_TSV_H
#define PHI_MIME_OCR_TSV_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

namespace phi::mime {

inline constexpr size_t kMaxTsvRow = 64 * 1024;

class OcrTsv {
 public:
  explicit OcrTsv(std::function<void(std::string_view)> text) : text_(std::move(text)) {}
  OcrTsv(const OcrTsv&) = delete;
  OcrTsv& operator=(const OcrTsv&) = delete;

  void feed(std::string_view bytes);
  void finish();

  uint64_t chars() const { return chars_; }
  uint64_t words() const { return words_; }
  double confidence() const { return chars_ ? weighted_ / double(chars_) : -1; }

 private:
  void row(std::string_view line);

  std::function<void(std::string_view)> text_;
  std::string row_;        // the row so far
  bool too_long_ = false;  // the row passed kMaxTsvRow: skipped to its end
  bool open_ = false;      // a word given and no line break after it yet
  std::string paragraph_, line_;  // the last word's page, block and paragraph; and its line
  std::string out_;        // the piece being given
  uint64_t chars_ = 0, words_ = 0;
  double weighted_ = 0;  // sum of conf times characters
};

}  // namespace phi::mime

#endif  // PHI_MIME_OCR_TSV_H
