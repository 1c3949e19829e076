// pdf_xfa - the datasets streams of a PDF's XML form named in qpdf's JSON (see pdf_xfa.h).
#include "milter/mime/pdf_xfa.h"

#include <charconv>

namespace phi::mime {
namespace {

constexpr std::string_view kKey = "\"/XFA\": ";

// The JSON strings of an array's bytes ("a", "b\"c"), as written.
std::vector<std::string_view> strings_of(std::string_view v) {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '"') continue;
    size_t j = i + 1;
    while (j < v.size() && v[j] != '"') j += v[j] == '\\' ? 2 : 1;
    if (j >= v.size()) break;
    out.push_back(v.substr(i + 1, j - i - 1));
    i = j;
  }
  return out;
}

// "N G R" as qpdf writes a reference.
bool parse_ref(std::string_view s, PdfObjectRef& ref) {
  size_t a = s.find(' ');
  if (a == std::string_view::npos) return false;
  size_t b = s.find(' ', a + 1);
  if (b == std::string_view::npos || s.substr(b) != " R") return false;
  auto number = s.substr(0, a), generation = s.substr(a + 1, b - a - 1);
  auto n = std::from_chars(number.data(), number.data() + number.size(), ref.number);
  auto g = std::from_chars(generation.data(), generation.data() + generation.size(), ref.generation);
  return !number.empty() && !generation.empty() && n.ec == std::errc() && n.ptr == number.data() + number.size() &&
         g.ec == std::errc() && g.ptr == generation.data() + generation.size();
}

}  // namespace

void PdfXfaRefs::feed(std::string_view json) {
  for (char c : json) step(c);
}

void PdfXfaRefs::step(char c) {
  switch (state_) {
    case State::Key:
      tail_.push_back(c);
      if (tail_.size() > kKey.size()) tail_.erase(0, 1);
      if (c == ' ' && tail_ == kKey) {
        found_ = true;
        state_ = State::Value;
        tail_.clear();
      }
      return;
    case State::Value:
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t') return;
      value_.clear();
      quoted_ = escaped_ = false;
      if (c == '"') {
        state_ = State::String;
      } else if (c == '[') {
        state_ = State::Array;
      } else {
        damaged_ = true;  // a dictionary, a number: no form's streams
        state_ = State::Key;
        tail_.assign(1, c);
      }
      return;
    case State::String:
    case State::Array:
      if (value_.size() >= kMaxXfaValue) {
        damaged_ = true;  // too long to be a form's packets: the rest is not looked at
        state_ = State::Key;
        value_.clear();
        tail_.assign(1, c);
        return;
      }
      if (escaped_) {
        escaped_ = false;
      } else if (c == '\\' && (state_ == State::String || quoted_)) {
        escaped_ = true;
      } else if (c == '"' && state_ == State::String) {
        end_value();
        return;
      } else if (c == '"') {
        quoted_ = !quoted_;
      } else if (c == ']' && !quoted_) {
        end_value();
        return;
      }
      value_.push_back(c);
      return;
  }
}

// The value is whole: a reference, or the array's bytes (without brackets).
void PdfXfaRefs::end_value() {
  if (state_ == State::String) {
    add(value_);
  } else {
    auto items = strings_of(value_);
    for (size_t i = 0; i < items.size(); ++i) {
      if (items[i] != "u:datasets") continue;
      if (i + 1 < items.size()) add(items[i + 1]);
      else damaged_ = true;
    }
  }
  state_ = State::Key;
  value_.clear();
}

void PdfXfaRefs::add(std::string_view s) {
  PdfObjectRef ref;
  if (!parse_ref(s, ref)) {
    damaged_ = true;
    return;
  }
  if (refs_.size() >= kMaxXfaRefs) {
    damaged_ = true;
    return;
  }
  refs_.push_back(ref);
}

void PdfXfaRefs::finish() {
  if (state_ != State::Key) damaged_ = true;  // the output ends inside a value
  state_ = State::Key;
  value_.clear();
}

}  // namespace phi::mime
