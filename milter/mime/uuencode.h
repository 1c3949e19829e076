// NAME
//   uuencode - uuencoded files in a stream of lines, found and decoded as they stream past
// SYNOPSIS
//   class H : public phi::mime::UuStream::Handler { ... };
//   phi::mime::UuStream u;
//   u.feed(bytes, handler); ...  u.finish(handler);
//   u.had_errors();
// DESCRIPTION
//   uuencode(1) is how Unix scripts have mailed files since before MIME
//   ("uuencode census.csv census.csv | mail -s census ..."), and how some
//   clients still attach them: the file sits in the message text as a block
//   of lines. Outlook Express and others also label a MIME part
//   "Content-Transfer-Encoding: x-uuencode".
//   The stream splits its input into lines and hands every line outside a
//   block to text() unchanged, line end included, in order. A block is:
//     * traditional: "begin MODE NAME" (MODE three or four octal digits),
//       data lines, a line of length zero ("`" or " "), "end". A data
//       line is a length character ((c - 32) & 63 bytes, 1 to 63) and the
//       characters those bytes need (at most two fewer, as when a mailer
//       strips trailing blanks, and at most two more, a checksum), each
//       between ' ' and '`';
//     * base64 (uuencode -m): "begin-base64 MODE NAME", lines of base64
//       whose length is a multiple of 4, "====".
//   A begin line is held until the next line tells: a data line of its
//   kind opens the block (begin(NAME), then data() with the decoded bytes
//   of each line); anything else, and the begin line is text after all.
//   The block ends at its end line (end(true)); a line that is neither
//   data nor the end line closes it early (end(false), had_errors()) and
//   is then read as text, so it may begin another block. Carriage returns
//   before line ends are accepted.
//   A line longer than kMaxUuLine is neither a begin nor a data line: it
//   closes an open block and goes to text() in pieces. Outside a block,
//   lines that do not start with 'b' are not held: runs of them go to
//   text() as they arrive.
// INPUT
//   Untrusted. Memory: two lines of at most kMaxUuLine bytes. Time: linear.
// THREADS
//   One object per stream, used by one thread at a time.
#ifndef PHI_MIME_UUENCODE_H
#define PHI_MIME_UUENCODE_H

#include <cstddef>
#include <string>
#include <string_view>

#include "milter/mime/transfer.h"

namespace phi::mime {

inline constexpr size_t kMaxUuLine = 1024;

class UuStream {
 public:
  class Handler {
   public:
    virtual ~Handler() = default;
    virtual void text(std::string_view bytes) = 0;
    virtual void begin(std::string_view name) = 0;
    virtual void data(std::string_view bytes) = 0;
    virtual void end(bool complete) = 0;
  };

  void feed(std::string_view in, Handler& h);
  // The last line, if it had no line end; a block still open ends incomplete.
  void finish(Handler& h);
  bool had_errors() const { return errors_ || b64_.had_errors(); }
  bool in_block() const { return state_ == State::Block || state_ == State::Zero; }

 private:
  enum class State { Text, Pending, Block, Zero };
  enum class Kind { Traditional, Base64 };
  void line(std::string_view raw, Handler& h);
  void close(bool complete, Handler& h);
  bool data_line(std::string_view l) const;
  void decode(std::string_view l, Handler& h);

  State state_ = State::Text;
  Kind kind_ = Kind::Traditional;
  std::string line_;     // the line being collected, up to kMaxUuLine (outside a block: one starting with 'b')
  bool rest_is_text_ = false;  // the rest of the line is text (too long, or cannot begin a block)
  std::string held_;     // Pending: the begin line, raw
  std::string name_;     // Pending: its NAME
  Base64Decoder b64_;
  std::string out_;
  bool errors_ = false;
};

// The decoder for "Content-Transfer-Encoding: x-uuencode": the bytes of
// the part's uuencoded blocks; blank lines outside a block are dropped and
// other lines there kept as they are (an error).
class UuDecoder : private UuStream::Handler {
 public:
  void decode(std::string_view in, std::string& out);
  void finish(std::string& out);
  bool had_errors() const { return errors_ || stream_.had_errors(); }

 private:
  void text(std::string_view bytes) override;
  void begin(std::string_view) override {}
  void data(std::string_view bytes) override { out_->append(bytes); }
  void end(bool) override {}

  UuStream stream_;
  std::string* out_ = nullptr;
  std::string blanks_;      // the blanks a line outside a block starts with, until it shows whether it is blank
  bool line_blank_ = true;  // that line has nothing else so far
  bool errors_ = false;
};

}  // namespace phi::mime

#endif
