// ocr_tsv - the words of tesseract's TSV output as text, and its confidence (see ocr_tsv.h).
#include "milter/mime/ocr_tsv.h"

#include <array>

namespace phi::mime {

namespace {

// conf: "-1", "96", "95.873154"; false for anything else.
bool parse_conf(std::string_view s, double& conf) {
  if (s.empty() || s.size() > 32) return false;
  bool negative = s.front() == '-';
  if (negative) s.remove_prefix(1);
  double v = 0, scale = 1;
  bool digits = false, point = false;
  for (char c : s) {
    if (c == '.' && !point) {
      point = true;
    } else if (c >= '0' && c <= '9') {
      digits = true;
      if (point) {
        scale /= 10;
        v += (c - '0') * scale;
      } else {
        v = v * 10 + (c - '0');
      }
    } else {
      return false;
    }
  }
  if (!digits) return false;
  conf = negative ? -v : v;
  return true;
}

}  // namespace

void OcrTsv::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    size_t nl = bytes.find('\n');
    std::string_view part = bytes.substr(0, nl);
    if (!too_long_) {
      if (row_.size() + part.size() > kMaxTsvRow) {
        too_long_ = true;
        row_.clear();
      } else {
        row_.append(part);
      }
    }
    if (nl == std::string_view::npos) return;
    bytes.remove_prefix(nl + 1);
    if (!too_long_) row(row_);
    row_.clear();
    too_long_ = false;
  }
}

void OcrTsv::finish() {
  if (!too_long_ && !row_.empty()) row(row_);
  row_.clear();
  too_long_ = false;
  if (open_) text_("\n");
  open_ = false;
}

void OcrTsv::row(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::array<std::string_view, 12> f;
  size_t n = 0;
  for (;;) {
    size_t tab = line.find('\t');
    if (n == f.size()) return;  // more than 12 fields
    f[n++] = line.substr(0, tab);
    if (tab == std::string_view::npos) break;
    line.remove_prefix(tab + 1);
  }
  if (n != f.size() || f[0] != "5" || f[11].empty()) return;
  double conf = 0;
  if (!parse_conf(f[10], conf) || conf < 0) return;
  if (conf > 100) conf = 100;
  uint64_t chars = 0;
  for (char c : f[11])
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80 && c != ' ' && c != '\r' && c != '\f' && c != '\v') ++chars;
  if (chars == 0) return;
  // Where the word is: page, block and paragraph; then its line.
  std::string_view paragraph(f[1].data(), size_t(f[4].data() - f[1].data()) - 1);
  std::string_view where(f[4]);
  out_.clear();
  if (words_ > 0) {
    if (paragraph != paragraph_)
      out_ = "\n\n";
    else if (where != line_)
      out_ = "\n";
    else
      out_ = " ";
  }
  out_.append(f[11]);
  paragraph_.assign(paragraph);
  line_.assign(where);
  ++words_;
  open_ = true;
  chars_ += chars;
  weighted_ += conf * double(chars);
  text_(out_);
}

}  // namespace phi::mime
