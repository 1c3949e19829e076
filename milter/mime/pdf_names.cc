// pdf_names - the PDF names Encrypt, EmbeddedFile(s) and FileAttachment in a PDF's bytes (see pdf_names.h).
#include "milter/mime/pdf_names.h"

#include <cstring>

namespace phi::mime {
namespace {

// A name ends at PDF's white space (NUL, tab, LF, FF, CR, space) or a
// delimiter; any other byte is part of it, as PDF readers take it.
bool name_char(unsigned char c) {
  return std::strchr("\t\n\f\r ()<>[]{}/%", c) == nullptr;  // strchr finds the NUL too
}

int hex_value(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void PdfNameScan::feed(std::string_view bytes) {
  const char* p = bytes.data();
  const char* end = p + bytes.size();
  while (p < end) {
    if (!in_name_) {  // most of a PDF: skip to the next '/'
      const void* slash = std::memchr(p, '/', size_t(end - p));
      if (!slash) return;
      p = static_cast<const char*>(slash);
    }
    byte(static_cast<unsigned char>(*p++));
  }
}

void PdfNameScan::byte(unsigned char c) {
  if (!in_name_) {  // c is '/'
    in_name_ = true;
    skipped_ = false;
    escape_ = 0;
    name_.clear();
    return;
  }
  if (escape_ > 0) {
    int v = hex_value(c);
    if (v >= 0 && escape_ == 1) {
      high_ = v;
      escape_ = 2;
      return;
    }
    escape_ = 0;
    if (v >= 0) {  // "#xx": one byte of the name
      add(char(high_ * 16 + v));
      return;
    }
    skipped_ = true;  // '#' without two hex digits: no name looked for has one; c is read on its own
  }
  if (c == '#') {
    escape_ = 1;
    return;
  }
  if (name_char(c)) {
    add(char(c));
    return;
  }
  in_name_ = false;
  found_ |= match();
  if (c == '/') byte(c);  // the next name starts here
}

void PdfNameScan::add(char c) {
  if (name_.size() < kMaxPdfName) name_ += c;
  else skipped_ = true;
}

unsigned PdfNameScan::match() const {
  if (skipped_ || escape_ > 0) return 0;
  if (name_ == "Encrypt") return kEncrypt;
  if (name_ == "EmbeddedFile" || name_ == "EmbeddedFiles" || name_ == "FileAttachment") return kAttached;
  return 0;
}

}  // namespace phi::mime
