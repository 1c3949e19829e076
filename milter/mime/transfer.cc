// transfer - streaming base64, quoted-printable and uuencode decoders.
#include "milter/mime/transfer.h"

#include <array>
#include <cstring>

#include "milter/mime/header.h"
#include "milter/mime/uuencode.h"
#include "milter/util/strings.h"

namespace phi::mime {
namespace {

constexpr int8_t kSkip = -2;  // white space: ignored silently
constexpr int8_t kBad = -1;

constexpr std::array<int8_t, 256> make_b64_table() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = kBad;
  const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(a[i])] = static_cast<int8_t>(i);
  for (char c : {' ', '\t', '\r', '\n', '\f', '\v'}) t[static_cast<unsigned char>(c)] = kSkip;
  return t;
}
constexpr auto kB64 = make_b64_table();

// QP allows blanks between '=' and the line end (transport padding); more
// than this is not padding.
constexpr size_t kMaxQpPadding = 256;

}  // namespace

void Base64Decoder::decode(std::string_view in, std::string& out) {
  for (char ch : in) {
    int8_t v = kB64[static_cast<unsigned char>(ch)];
    if (v >= 0) {
      if (padded_) padded_ = false;  // a new encoded block after padding
      acc_ = (acc_ << 6) | static_cast<uint32_t>(v);
      if (++n_ == 4) {
        out.push_back(static_cast<char>(acc_ >> 16));
        out.push_back(static_cast<char>(acc_ >> 8));
        out.push_back(static_cast<char>(acc_));
        acc_ = 0;
        n_ = 0;
      }
    } else if (v == kSkip) {
      continue;
    } else if (ch == '=') {
      if (padded_) continue;
      if (n_ < 2) {
        errors_ = true;
      } else {
        flush_partial(out);
      }
      acc_ = 0;
      n_ = 0;
      padded_ = true;
    } else {
      errors_ = true;
    }
  }
}

// Emits the bytes of a partial quantum: 2 sextets -> 1 byte, 3 -> 2.
void Base64Decoder::flush_partial(std::string& out) {
  if (n_ == 1) errors_ = true;
  if (n_ >= 2) {
    uint32_t a = acc_ << (6 * (4 - n_));
    out.push_back(static_cast<char>(a >> 16));
    if (n_ == 3) out.push_back(static_cast<char>(a >> 8));
  }
  acc_ = 0;
  n_ = 0;
}

// A partial quantum at the end means the padding is missing.
void HexDecoder::decode(std::string_view in, std::string& out) {
  for (char c : in) {
    int v = hex_value(c);
    if (v < 0) continue;
    if (hi_ < 0) {
      hi_ = v;
    } else {
      out.push_back(static_cast<char>(hi_ * 16 + v));
      hi_ = -1;
    }
  }
}

void Base64Decoder::finish(std::string& out) {
  if (n_ != 0) errors_ = true;
  flush_partial(out);
}

void QpDecoder::decode(std::string_view in, std::string& out) {
  size_t i = 0;
  while (i < in.size()) {
    if (st_ == State::Text) {
      const void* eq = std::memchr(in.data() + i, '=', in.size() - i);
      size_t end = eq ? static_cast<size_t>(static_cast<const char*>(eq) - in.data()) : in.size();
      out.append(in.data() + i, end - i);
      i = end;
      if (i == in.size()) break;
      st_ = State::Eq;
      ++i;
      continue;
    }
    step(in[i++], out);
  }
}

// One character after a '=' (any state but Text).
void QpDecoder::step(char c, std::string& out) {
  switch (st_) {
    case State::Text:
      if (c == '=') st_ = State::Eq; else out.push_back(c);
      return;
    case State::Eq:
      if (hex_value(c) >= 0) { hex1_ = c; st_ = State::Hex1; return; }
      if (c == '\r') { st_ = State::EqCr; return; }
      if (c == '\n') { st_ = State::Text; return; }
      if (c == ' ' || c == '\t') { blanks_ = 1; st_ = State::EqBlank; return; }
      errors_ = true;
      out.push_back('=');
      st_ = State::Text;
      step(c, out);
      return;
    case State::Hex1:
      if (hex_value(c) >= 0) {
        out.push_back(static_cast<char>(hex_value(hex1_) * 16 + hex_value(c)));
        st_ = State::Text;
        return;
      }
      errors_ = true;
      out.push_back('=');
      out.push_back(hex1_);
      st_ = State::Text;
      step(c, out);
      return;
    case State::EqBlank:
      if ((c == ' ' || c == '\t') && blanks_ < kMaxQpPadding) { ++blanks_; return; }
      if (c == '\r') { st_ = State::EqCr; return; }
      if (c == '\n') { st_ = State::Text; return; }
      errors_ = true;
      out.push_back('=');
      out.append(blanks_, ' ');
      st_ = State::Text;
      step(c, out);
      return;
    case State::EqCr:
      st_ = State::Text;
      if (c == '\n') return;
      errors_ = true;  // "=" CR without LF: still a soft break
      step(c, out);
      return;
  }
}

void QpDecoder::finish(std::string& out) {
  if (st_ == State::Hex1) {
    errors_ = true;
    out.push_back('=');
    out.push_back(hex1_);
  }
  st_ = State::Text;
}

TransferEncoding parse_transfer_encoding(std::string_view value, bool* unknown, bool* readable) {
  bool unterminated = false;  // "base64 (x" is still base64
  std::string stripped = strip_comments(value, &unterminated);
  std::string_view v = trim(stripped);
  if (unknown) *unknown = false;
  if (readable) *readable = true;
  if (iequals(v, "base64")) return TransferEncoding::Base64;
  if (iequals(v, "quoted-printable")) return TransferEncoding::QuotedPrintable;
  if (v.empty() || iequals(v, "7bit") || iequals(v, "8bit") || iequals(v, "binary"))
    return TransferEncoding::Identity;
  std::string lower = to_lower(v);
  for (std::string_view uu : {"x-uuencode", "x-uue", "uuencode", "uue"})
    if (lower == uu) return TransferEncoding::Uuencode;
  if (unknown) *unknown = true;
  bool misspelt = false;
  for (std::string_view id : {"7-bit", "8-bit", "7bits", "8bits", "none", "plain", "text"}) misspelt |= lower == id;
  if (readable) *readable = misspelt;
  return TransferEncoding::Identity;
}

TransferDecoder::TransferDecoder(TransferEncoding e) : enc_(e) {
  if (e == TransferEncoding::Uuencode) uu_ = std::make_unique<UuDecoder>();
}

TransferDecoder::~TransferDecoder() = default;

std::string_view TransferDecoder::decode(std::string_view in, std::string& scratch) {
  switch (enc_) {
    case TransferEncoding::Identity: return in;
    case TransferEncoding::Base64: scratch.clear(); b64_.decode(in, scratch); return scratch;
    case TransferEncoding::QuotedPrintable: scratch.clear(); qp_.decode(in, scratch); return scratch;
    case TransferEncoding::Uuencode: scratch.clear(); uu_->decode(in, scratch); return scratch;
  }
  return in;
}

std::string_view TransferDecoder::finish(std::string& scratch) {
  scratch.clear();
  if (enc_ == TransferEncoding::Base64) b64_.finish(scratch);
  if (enc_ == TransferEncoding::QuotedPrintable) qp_.finish(scratch);
  if (uu_) uu_->finish(scratch);
  return scratch;
}

bool TransferDecoder::had_errors() const {
  return b64_.had_errors() || qp_.had_errors() || (uu_ && uu_->had_errors());
}

}  // namespace phi::mime
