// pdf_html - the document information and text of pdftotext -htmlmeta's output (see pdf_html.h).
#include "milter/mime/pdf_html.h"

#include <algorithm>

namespace phi::mime {

namespace {

constexpr std::string_view kDoctype = "<!DOCTYPE html";
constexpr std::string_view kPre = "\n<pre>\n";  // ends the head; '<' is escaped in the values

// The five entities pdftotext writes in a value; any other '&' is kept.
// Not html.h's decode_html_entity() on purpose: that one decodes every
// named and numeric entity of a mail's HTML, while a value here is
// pdftotext's escaping of the PDF's own string, in which "&eacute;" is
// literal text that must stay as the document has it.
std::string unescape(std::string_view v) {
  static constexpr std::pair<std::string_view, char> kEntities[] = {
      {"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
  std::string out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size();) {
    bool done = false;
    if (v[i] == '&') {
      for (auto [name, c] : kEntities) {
        if (v.substr(i, name.size()) == name) {
          out += c;
          i += name.size();
          done = true;
          break;
        }
      }
    }
    if (!done) out += v[i++];
  }
  return out;
}

}  // namespace

std::string pdf_head_values(std::string_view head) {
  std::string out;
  auto give = [&](std::string_view value) {
    if (value.empty()) return;
    out += unescape(value);
    out += '\n';
  };
  size_t pos = 0;  // the values after the title: each byte is in one value at most
  if (size_t t = head.find("<title>"); t != std::string_view::npos) {
    size_t start = t + 7;
    pos = std::min(head.find("</title>", start), head.size());  // not there: cut, as far as it goes
    give(head.substr(start, pos - start));
  }
  constexpr std::string_view kMeta = "<meta name=\"", kContent = "\" content=\"", kEnd = "\"/>\n<";
  for (;;) {
    size_t m = head.find(kMeta, pos);
    if (m == std::string_view::npos) break;
    size_t name_start = m + kMeta.size();
    size_t q = head.find('"', name_start);
    if (q == std::string_view::npos || head.substr(q, kContent.size()) != kContent) break;
    std::string_view name = head.substr(name_start, q - name_start);
    size_t start = q + kContent.size();
    size_t end = std::min(head.find(kEnd, start), head.size());
    if (name == "Subject" || name == "Keywords") give(head.substr(start, end - start));
    pos = end;
  }
  return out;
}

void PdfHtmlText::feed(std::string_view piece) {
  switch (state_) {
    case State::Start: {
      head_.append(piece);
      size_t n = std::min(head_.size(), kDoctype.size());
      if (head_.compare(0, n, kDoctype.substr(0, n)) != 0) {  // not pdftotext's HTML: plain text
        state_ = State::Plain;
        std::string all = std::move(head_);
        head_.clear();
        out_(all);
        return;
      }
      if (head_.size() < kDoctype.size()) return;
      state_ = State::Head;
      std::string all = std::move(head_);
      head_.clear();
      feed(all);
      return;
    }
    case State::Head: {
      size_t from = head_.size() >= kPre.size() ? head_.size() - kPre.size() + 1 : 0;
      head_.append(piece);
      size_t pre = head_.find(kPre, from);
      if (pre != std::string::npos) {
        std::string rest = head_.substr(pre + kPre.size());
        head_.resize(std::min(pre, kMaxPdfHead));
        end_head();
        state_ = State::Body;
        body(rest);
      } else if (head_.size() >= kMaxPdfHead + kPre.size()) {  // a marker begun before the cut would be whole
        std::string keep = head_.substr(head_.size() - (kPre.size() - 1));
        head_.resize(kMaxPdfHead);
        end_head();
        state_ = State::Skip;
        head_ = std::move(keep);
      }
      return;
    }
    case State::Skip: {
      head_.append(piece);
      size_t pre = head_.find(kPre);
      if (pre != std::string::npos) {
        std::string rest = head_.substr(pre + kPre.size());
        head_.clear();
        state_ = State::Body;
        body(rest);
      } else {
        head_.erase(0, head_.size() - std::min(head_.size(), kPre.size() - 1));
      }
      return;
    }
    case State::Body: body(piece); return;
    case State::Plain: out_(piece); return;
  }
}

// The head's values go out; head_ is cleared.
void PdfHtmlText::end_head() {
  std::string values = pdf_head_values(head_);
  head_.clear();
  head_.shrink_to_fit();
  if (!values.empty()) (values_ ? values_ : out_)(values);
}

// The pages' text, all but its last kPdfHtmlTail bytes given out.
void PdfHtmlText::body(std::string_view text) {
  if (text.size() >= kPdfHtmlTail) {
    if (!tail_.empty()) out_(tail_);
    out_(text.substr(0, text.size() - kPdfHtmlTail));
    tail_.assign(text.substr(text.size() - kPdfHtmlTail));
    return;
  }
  tail_.append(text);
  if (tail_.size() <= kPdfHtmlTail) return;
  size_t over = tail_.size() - kPdfHtmlTail;
  out_(std::string_view(tail_).substr(0, over));
  tail_.erase(0, over);
}

void PdfHtmlText::finish() {
  switch (state_) {
    case State::Start:  // shorter than a doctype: plain text
      if (!head_.empty()) out_(head_);
      break;
    case State::Head: end_head(); break;  // no text followed (a damaged PDF, or the output cut)
    case State::Body:
      if (tail_ != kPdfHtmlEnd && !tail_.empty()) out_(tail_);
      break;
    case State::Skip:
    case State::Plain: break;
  }
  head_.clear();
  tail_.clear();
}

}  // namespace phi::mime
