// boundary - streaming multipart delimiter detection without rescanning.
#include "milter/mime/boundary.h"

#include <cstring>

namespace phi::mime {

BoundarySplitter::BoundarySplitter(std::string_view boundary, Events& events)
    : dash_boundary_("--" + std::string(boundary)), ev_(events) {}

void BoundarySplitter::emit(std::string_view bytes) {
  if (!bytes.empty()) ev_.content(bytes);
}

void BoundarySplitter::feed(std::string_view data) {
  while (!data.empty()) {
    switch (st_) {
      case State::MidLine: feed_mid_line(data); break;
      case State::LineStart: feed_line_start(data); break;
      case State::SkipLine: {
        const void* nl = std::memchr(data.data(), '\n', data.size());
        if (!nl) return;
        data.remove_prefix(static_cast<size_t>(static_cast<const char*>(nl) - data.data()) + 1);
        st_ = State::LineStart;
        break;
      }
    }
  }
}

// Passes content through up to the next line end, which is held back.
void BoundarySplitter::feed_mid_line(std::string_view& data) {
  if (held_cr_) {
    held_cr_ = false;
    if (data[0] == '\n') {
      data.remove_prefix(1);
      pending_eol_ = "\r\n";
      st_ = State::LineStart;
      return;
    }
    emit("\r");
  }
  const void* nl = std::memchr(data.data(), '\n', data.size());
  if (!nl) {
    if (data.back() == '\r') {
      emit(data.substr(0, data.size() - 1));
      held_cr_ = true;
    } else {
      emit(data);
    }
    data = {};
    return;
  }
  size_t e = static_cast<size_t>(static_cast<const char*>(nl) - data.data());
  bool crlf = e > 0 && data[e - 1] == '\r';
  emit(data.substr(0, crlf ? e - 1 : e));
  pending_eol_ = crlf ? "\r\n" : "\n";
  data.remove_prefix(e + 1);
  st_ = State::LineStart;
}

BoundarySplitter::Verdict BoundarySplitter::judge() const {
  const std::string& b = dash_boundary_;
  size_t n = look_.size();
  if (n <= b.size()) {
    if (b.compare(0, n, look_) != 0) return Verdict::NotDelimiter;
    return Verdict::NeedMore;
  }
  char c1 = look_[b.size()];
  if (c1 == '\n' || c1 == '\r' || c1 == ' ' || c1 == '\t') return Verdict::Delimiter;
  if (c1 != '-') return Verdict::NotDelimiter;
  if (n == b.size() + 1) return Verdict::NeedMore;
  return look_[b.size() + 1] == '-' ? Verdict::Close : Verdict::NotDelimiter;
}

// Holds back the start of a line until it is known whether it is a delimiter.
void BoundarySplitter::feed_line_start(std::string_view& data) {
  while (!data.empty()) {
    if (look_.empty() && data[0] != '-') {
      not_delimiter();
      return;
    }
    look_.push_back(data[0]);
    data.remove_prefix(1);
    Verdict v = judge();
    if (v == Verdict::NeedMore) continue;
    if (v == Verdict::NotDelimiter) {
      not_delimiter();
      return;
    }
    bool line_ended = look_.back() == '\n';
    look_.clear();
    pending_eol_.clear();
    st_ = line_ended ? State::LineStart : State::SkipLine;
    ev_.delimiter(v == Verdict::Close);
    return;
  }
}

// The held line start is content: replay it through the mid-line path.
void BoundarySplitter::not_delimiter() {
  emit(pending_eol_);
  pending_eol_.clear();
  st_ = State::MidLine;
  std::string held;
  held.swap(look_);
  std::string_view rest = held;
  while (!rest.empty() && st_ == State::MidLine) feed_mid_line(rest);
  // A held line holds at most one LF, as its last byte: rest is empty here.
}

void BoundarySplitter::finish() {
  if (st_ == State::LineStart && !look_.empty()) {
    if (look_ == dash_boundary_ || look_ == dash_boundary_ + "--") {
      bool close = look_.size() > dash_boundary_.size();
      look_.clear();
      pending_eol_.clear();
      ev_.delimiter(close);
      return;
    }
    not_delimiter();
  }
  if (held_cr_) emit("\r");
  held_cr_ = false;
  emit(pending_eol_);
  pending_eol_.clear();
  st_ = State::LineStart;
}

}  // namespace phi::mime
