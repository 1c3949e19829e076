// NAME
//   transfer - streaming Content-Transfer-Encoding decoders (base64, QP, uuencode), and hex pairs
// SYNOPSIS
//   Base64Decoder b; b.decode(chunk, out); ... b.finish(out); b.had_errors();
//   QpDecoder q;     q.decode(chunk, out); ... q.finish(out);
//   HexDecoder h;    h.decode(chunk, out);            // "89 50 4e" -> "\x89PN"
//   TransferDecoder t(TransferEncoding::Base64);
//   std::string_view v = t.decode(chunk, scratch);   // identity: v == chunk
//   TransferEncoding parse_transfer_encoding(std::string_view, bool* unknown);
// DESCRIPTION
//   Each decoder takes its input in chunks split anywhere and appends the
//   decoded bytes to `out`; only a few bytes of state carry over between
//   chunks. Broken input is decoded best effort and sets had_errors():
//   base64 skips characters outside the alphabet and decodes a final partial
//   quantum; quoted-printable passes a '=' that starts no valid escape through
//   literally. Soft line breaks ("=" CRLF, "=" LF, "=" blanks CRLF) vanish;
//   a '=' at the very end of the input is a soft break, not an error.
//   "x-uuencode" (and "x-uue", "uuencode", "uue") is decoded by a UuDecoder
//   (uuencode.h). Misspellings of the identity encodings ("7-bit", "8-bit",
//   "8bits", "none", "plain", "text") are identity, and unknown.
// INPUT
//   Untrusted. Linear time; state is O(1).
// THREADS
//   One object per stream; objects share nothing.
#ifndef PHI_MIME_TRANSFER_H
#define PHI_MIME_TRANSFER_H

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace phi::mime {

class Base64Decoder {
 public:
  void decode(std::string_view in, std::string& out);
  void finish(std::string& out);
  bool had_errors() const { return errors_; }

 private:
  void flush_partial(std::string& out);
  uint32_t acc_ = 0;
  int n_ = 0;         // sextets in acc_
  bool padded_ = false;
  bool errors_ = false;
};

// Pairs of hex digits to bytes as they stream (an RTF picture's data, an
// HL7 file's Hex encoding); anything between the digits is skipped, and a
// last digit without its pair is dropped.
class HexDecoder {
 public:
  void decode(std::string_view in, std::string& out);

 private:
  int hi_ = -1;  // a byte's first digit, waiting for its second
};

class QpDecoder {
 public:
  void decode(std::string_view in, std::string& out);
  void finish(std::string& out);
  bool had_errors() const { return errors_; }

 private:
  enum class State { Text, Eq, Hex1, EqBlank, EqCr };
  void step(char c, std::string& out);
  State st_ = State::Text;
  char hex1_ = 0;
  size_t blanks_ = 0;
  bool errors_ = false;
};

enum class TransferEncoding { Identity, Base64, QuotedPrintable, Uuencode };

// "7bit", "8bit", "binary", "" -> Identity; unknown values -> Identity with
// *unknown set (and *readable, if given, false unless the value is a
// misspelt identity: the part's bytes may be in an encoding not decoded).
// Comments are ignored: "base64 (attachment)" is Base64.
TransferEncoding parse_transfer_encoding(std::string_view value, bool* unknown, bool* readable = nullptr);

class UuDecoder;

class TransferDecoder {
 public:
  explicit TransferDecoder(TransferEncoding e = TransferEncoding::Identity);
  ~TransferDecoder();
  TransferDecoder(const TransferDecoder&) = delete;
  TransferDecoder& operator=(const TransferDecoder&) = delete;
  // Returns the decoded bytes: `in` itself for Identity, else a view of `scratch`.
  std::string_view decode(std::string_view in, std::string& scratch);
  std::string_view finish(std::string& scratch);
  bool had_errors() const;

 private:
  TransferEncoding enc_;
  Base64Decoder b64_;
  QpDecoder qp_;
  std::unique_ptr<UuDecoder> uu_;  // Uuencode only
};

}  // namespace phi::mime

#endif
