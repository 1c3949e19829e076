// uuencode - uuencoded blocks in a stream of lines (see uuencode.h).
#include "milter/mime/uuencode.h"

#include <cstring>

#include "milter/util/strings.h"

namespace phi::mime {
namespace {

constexpr std::string_view kBase64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";

bool uu_char(char c) { return c >= ' ' && c <= '`'; }
unsigned uu_value(char c) { return static_cast<unsigned>(c - ' ') & 63u; }

std::string_view rtrim_blanks(std::string_view l) {
  while (!l.empty() && (l.back() == ' ' || l.back() == '\t')) l.remove_suffix(1);
  return l;
}

// "begin MODE NAME" or "begin-base64 MODE NAME".
bool begin_line(std::string_view l, bool* base64, std::string_view* name) {
  std::string_view rest;
  if (l.rfind("begin-base64 ", 0) == 0) {
    *base64 = true;
    rest = l.substr(13);
  } else if (l.rfind("begin ", 0) == 0) {
    *base64 = false;
    rest = l.substr(6);
  } else {
    return false;
  }
  size_t digits = 0;
  while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '7') ++digits;
  if (digits < 3 || digits > 4 || digits >= rest.size() || rest[digits] != ' ') return false;
  *name = trim(rest.substr(digits + 1));
  return !name->empty();
}

}  // namespace

void UuStream::feed(std::string_view in, Handler& h) {
  while (!in.empty()) {
    const void* nl = std::memchr(in.data(), '\n', in.size());
    size_t n = nl ? static_cast<size_t>(static_cast<const char*>(nl) - in.data()) + 1 : in.size();
    if (rest_is_text_) {  // the rest of a line that is neither a begin nor a data line
      h.text(in.substr(0, n));
      in.remove_prefix(n);
      rest_is_text_ = !nl;
      continue;
    }
    if (state_ == State::Text && line_.empty() && in[0] != 'b') {
      // Lines that cannot begin a block go out as they are, as many as
      // there are in a row; one cut by the end of `in` too.
      size_t run = 0;
      while (run < in.size() && in[run] != 'b') {
        const void* e = std::memchr(in.data() + run, '\n', in.size() - run);
        if (!e) {
          run = in.size();
          rest_is_text_ = true;
          break;
        }
        run = static_cast<size_t>(static_cast<const char*>(e) - in.data()) + 1;
      }
      h.text(in.substr(0, run));
      in.remove_prefix(run);
      continue;
    }
    std::string_view piece = in.substr(0, n);
    in.remove_prefix(n);
    if (line_.size() + piece.size() > kMaxUuLine) {  // too long to be a begin or data line
      if (state_ == State::Pending) {
        h.text(held_);
        held_.clear();
        state_ = State::Text;
      } else if (in_block()) {
        close(false, h);
      }
      h.text(line_);
      line_.clear();
      h.text(piece);
      rest_is_text_ = !nl;
      continue;
    }
    line_.append(piece);
    if (!nl) return;
    line(line_, h);
    line_.clear();
  }
}

void UuStream::finish(Handler& h) {
  if (!rest_is_text_ && !line_.empty()) line(line_, h);
  line_.clear();
  rest_is_text_ = false;
  if (state_ == State::Pending) {
    h.text(held_);
    held_.clear();
    state_ = State::Text;
  }
  if (in_block()) close(false, h);
}

// One whole line, `raw` with its line end.
void UuStream::line(std::string_view raw, Handler& h) {
  std::string_view l = raw;
  if (!l.empty() && l.back() == '\n') l.remove_suffix(1);
  if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
  switch (state_) {
    case State::Text: {
      bool base64 = false;
      std::string_view name;
      if (!begin_line(l, &base64, &name)) {
        h.text(raw);
        return;
      }
      kind_ = base64 ? Kind::Base64 : Kind::Traditional;
      held_.assign(raw);
      name_.assign(name);
      state_ = State::Pending;
      return;
    }
    case State::Pending:
      if (data_line(l) && !(kind_ == Kind::Base64 && rtrim_blanks(l) == "====")) {  // an empty file is no block
        held_.clear();
        state_ = State::Block;
        b64_ = Base64Decoder();
        h.begin(name_);
        return decode(l, h);
      }
      h.text(held_);  // the begin line was text after all
      held_.clear();
      state_ = State::Text;
      return line(raw, h);
    case State::Block:
      if (kind_ == Kind::Base64 && rtrim_blanks(l) == "====") return close(true, h);
      if (kind_ == Kind::Traditional && (l.empty() || l == "`" || l == " ")) {
        state_ = State::Zero;
        return;
      }
      if (kind_ == Kind::Traditional && rtrim_blanks(l) == "end") return close(true, h);
      if (data_line(l)) return decode(l, h);
      close(false, h);
      return line(raw, h);
    case State::Zero:
      if (rtrim_blanks(l) == "end") return close(true, h);
      if (l.empty() || l == "`" || l == " ") return;
      close(false, h);
      return line(raw, h);
  }
}

void UuStream::close(bool complete, Handler& h) {
  if (kind_ == Kind::Base64) {
    out_.clear();
    b64_.finish(out_);
    if (!out_.empty()) h.data(out_);
    if (b64_.had_errors()) errors_ = true;
  }
  if (!complete) errors_ = true;
  state_ = State::Text;
  h.end(complete);
}

bool UuStream::data_line(std::string_view l) const {
  if (l.empty()) return false;
  if (kind_ == Kind::Base64)
    return l.size() % 4 == 0 && l.find_first_not_of(kBase64Alphabet) == std::string_view::npos;
  if (!uu_char(l[0])) return false;
  size_t n = uu_value(l[0]);
  std::string_view rest = l.substr(1);
  if (n == 0 || rest.empty()) return false;
  for (char c : rest)
    if (!uu_char(c)) return false;
  size_t needed = (4 * n + 2) / 3, full = 4 * ((n + 2) / 3);
  return rest.size() + 2 >= needed && rest.size() <= full + 2;
}

void UuStream::decode(std::string_view l, Handler& h) {
  out_.clear();
  if (kind_ == Kind::Base64) {
    b64_.decode(l, out_);
  } else {
    size_t n = uu_value(l[0]);
    std::string_view rest = l.substr(1);
    for (size_t i = 0; out_.size() < n; i += 4) {
      unsigned v = 0;
      for (size_t k = 0; k < 4; ++k) v = v << 6 | (i + k < rest.size() ? uu_value(rest[i + k]) : 0u);
      for (int shift = 16; shift >= 0 && out_.size() < n; shift -= 8) out_.push_back(static_cast<char>(v >> shift));
    }
  }
  if (!out_.empty()) h.data(out_);
}

void UuDecoder::decode(std::string_view in, std::string& out) {
  out_ = &out;
  stream_.feed(in, *this);
}

void UuDecoder::finish(std::string& out) {
  out_ = &out;
  stream_.finish(*this);
}

// Lines outside a block: blank ones are dropped, whatever pieces they come in.
void UuDecoder::text(std::string_view bytes) {
  for (char c : bytes) {
    if (c == '\n') {
      if (!line_blank_) out_->push_back(c);
      blanks_.clear();
      line_blank_ = true;
    } else if (line_blank_ && is_space(c)) {
      if (blanks_.size() < kMaxUuLine) blanks_.push_back(c);
    } else {
      if (line_blank_) {
        errors_ = true;
        out_->append(blanks_);
        blanks_.clear();
        line_blank_ = false;
      }
      out_->push_back(c);
    }
  }
}

}  // namespace phi::mime
