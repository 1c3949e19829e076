// ppt - PowerPoint 97-2003 text records (see ppt.h).
#include "milter/mime/ppt.h"

#include <string>

#include "milter/util/le.h"

namespace phi::mime {
namespace {

constexpr uint16_t kTextCharsAtom = 0x0FA0;
constexpr uint16_t kTextBytesAtom = 0x0FA8;
constexpr uint16_t kCString = 0x0FBA;
constexpr uint16_t kCryptSession10Container = 0x2F14;

void put_utf8(uint32_t c, std::string& s) {
  if (c == '\r' || c == '\v') c = '\n';
  if (c < 0x80) {
    s.push_back(char(c));
  } else if (c < 0x800) {
    s.push_back(char(0xC0 | c >> 6));
    s.push_back(char(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    s.push_back(char(0xE0 | c >> 12));
    s.push_back(char(0x80 | ((c >> 6) & 0x3F)));
    s.push_back(char(0x80 | (c & 0x3F)));
  } else {
    s.push_back(char(0xF0 | c >> 18));
    s.push_back(char(0x80 | ((c >> 12) & 0x3F)));
    s.push_back(char(0x80 | ((c >> 6) & 0x3F)));
    s.push_back(char(0x80 | (c & 0x3F)));
  }
}

// UTF-16LE; an unpaired surrogate becomes U+FFFD, a NUL ends nothing.
void utf16(const unsigned char* p, size_t n, std::string& s) {
  for (size_t i = 0; i + 1 < n; i += 2) {
    uint32_t c = le16(p + i);
    if (c >= 0xD800 && c < 0xDC00 && i + 3 < n) {
      uint32_t lo = le16(p + i + 2);
      if (lo >= 0xDC00 && lo < 0xE000) {
        put_utf8(0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00), s);
        i += 2;
        continue;
      }
    }
    put_utf8(c >= 0xD800 && c < 0xE000 ? 0xFFFD : c == 0 ? ' ' : c, s);
  }
}

}  // namespace

PptText ppt_text(std::string_view stream, const std::function<void(std::string_view)>& out) {
  PptText r;
  const auto* p = reinterpret_cast<const unsigned char*>(stream.data());
  const size_t n = stream.size();
  std::string text;
  size_t pos = 0;
  while (n - pos >= 8) {
    uint16_t ver_instance = le16(p + pos);
    uint16_t type = le16(p + pos + 2);
    uint32_t len = le32(p + pos + 4);
    pos += 8;
    if (type == kCryptSession10Container) {
      r.encrypted = true;
      return r;
    }
    if ((ver_instance & 0xF) == 0xF) continue;  // a container: its children follow
    if (len > n - pos) {
      r.damaged = true;
      return r;
    }
    if (type == kTextCharsAtom || type == kCString || type == kTextBytesAtom) {
      text.clear();
      if (type == kTextBytesAtom)
        for (size_t i = 0; i < len; ++i) put_utf8(p[pos + i] ? p[pos + i] : ' ', text);
      else
        utf16(p + pos, len, text);
      for (char c : text)
        if (c != ' ' && c != '\t' && c != '\n') ++r.characters;
      text.push_back('\n');
      out(text);
    }
    pos += len;
  }
  if (pos != n) r.damaged = true;  // a few bytes that are no record header
  return r;
}

}  // namespace phi::mime
