// pdf_names - the PDF names that tell of encryption, attached files and comments in a PDF's bytes, and the objects of embedded files (see pdf_names.h).
#include "milter/mime/pdf_names.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "milter/util/strings.h"

namespace phi::mime {
namespace {

// What a byte is to PDF's lexer: white space (NUL, tab, LF, FF, CR,
// space), a delimiter, or regular (any other byte: part of a token).
enum : unsigned char { kRegular, kWhite, kDelimiter };
constexpr auto kClass = [] {
  std::array<unsigned char, 256> t{};
  for (unsigned char c : {'\0', '\t', '\n', '\f', '\r', ' '}) t[c] = kWhite;
  for (unsigned char c : std::string_view("()<>[]{}/%")) t[c] = kDelimiter;
  return t;
}();
bool white(unsigned char c) { return kClass[c] == kWhite; }
bool delimiter(unsigned char c) { return kClass[c] == kDelimiter; }

constexpr size_t kMaxWord = 16;  // "endobj", an object number: longer words are none of them

}  // namespace

void PdfNameScan::feed(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* end = p + bytes.size();
  while (p < end) {
    if (token_ == Token::Word) {  // most of a PDF's bytes (stream data too): a word's rest in one go
      const auto* q = p;
      while (q < end && kClass[*q] == kRegular) ++q;
      size_t n = size_t(q - p);
      if (word_.size() + n <= kMaxWord) word_.append(reinterpret_cast<const char*>(p), n);
      else word_long_ = true;
      p = q;
      if (p == end) return;
    } else if (token_ == Token::None && white(*p)) {
      ++p;
      continue;
    }
    byte(*p++);
  }
}

void PdfNameScan::byte(unsigned char c) {
  if (token_ == Token::Name) {
    if (name_byte(c)) return;
    end_name();
  } else if (token_ == Token::Word) {
    if (!white(c) && !delimiter(c)) {
      if (word_.size() < kMaxWord) word_ += char(c);
      else word_long_ = true;
      return;
    }
    end_word();
  }
  // Between tokens: c starts one, or is white space or a delimiter.
  if (c == '/') {
    token_ = Token::Name;
    skipped_ = false;
    escape_ = 0;
    name_.clear();
  } else if (delimiter(c)) {
    ints_ = 0;
  } else if (!white(c)) {
    token_ = Token::Word;
    word_.assign(1, char(c));
    word_long_ = false;
  }
}

// One byte of a name; false when c ends it (c is then read on its own).
bool PdfNameScan::name_byte(unsigned char c) {
  if (escape_ > 0) {
    int v = hex_value(char(c));
    if (v >= 0 && escape_ == 1) {
      high_ = v;
      escape_ = 2;
      return true;
    }
    escape_ = 0;
    if (v >= 0) {  // "#xx": one byte of the name
      add(char(high_ * 16 + v));
      return true;
    }
    skipped_ = true;  // '#' without two hex digits: no name looked for has one; c is read on its own
  }
  if (c == '#') {
    escape_ = 1;
    return true;
  }
  if (white(c) || delimiter(c)) return false;
  add(char(c));
  return true;
}

void PdfNameScan::add(char c) {
  if (name_.size() < kMaxPdfName) name_ += c;
  else skipped_ = true;
}

unsigned PdfNameScan::match() const {
  if (skipped_ || escape_ > 0) return 0;
  if (name_ == "Encrypt") return kEncrypt;
  if (name_ == "EmbeddedFile") return kAttached | kFileStream;
  if (name_ == "EmbeddedFiles" || name_ == "FileAttachment") return kAttached;
  if (name_ == "Annot" || name_ == "Annots" || name_ == "ObjStm") return kComments;
  if (name_ == "Image") return kImages;
  if (name_ == "XFA") return kXfa;
  return 0;
}

void PdfNameScan::end_name() {
  token_ = Token::None;
  ints_ = 0;
  unsigned m = match();
  found_ |= m & (kEncrypt | kAttached | kComments | kImages | kXfa);
  if ((m & kFileStream) && in_object_) file_object_ = true;  // noted if a stream follows
}

void PdfNameScan::note_file_stream() {
  file_object_ = false;
  if (std::find(file_streams_.begin(), file_streams_.end(), object_) != file_streams_.end()) return;
  if (file_streams_.size() < kMaxPdfFileStreams) file_streams_.push_back(object_);
  else more_file_streams_ = true;
}

void PdfNameScan::end_word() {
  token_ = Token::None;
  if (word_long_) {
    ints_ = 0;
    return;
  }
  bool digits = std::all_of(word_.begin(), word_.end(), [](char d) { return d >= '0' && d <= '9'; });
  if (digits && word_.size() <= 9) {  // an object or generation number (PDF's are below 2^23 and 2^16)
    previous_ = last_;
    last_ = uint32_t(std::stoul(word_));
    ints_ = std::min(ints_ + 1, 2);
    return;
  }
  if (word_ == "obj" && ints_ == 2) {  // "N G obj": object N's body follows
    object_ = {previous_, last_};
    in_object_ = true;
    file_object_ = false;
  } else if (word_ == "endobj") {
    in_object_ = false;
    file_object_ = false;
  } else if (word_ == "stream" && file_object_) {  // its dictionary named /EmbeddedFile: an embedded file's stream
    note_file_stream();
  }
  ints_ = 0;
}

}  // namespace phi::mime
