// ppt - PowerPoint 97-2003 text records (see ppt.h).
#include "milter/mime/ppt.h"

#include <algorithm>
#include <string>

#include "milter/mime/charset.h"
#include "milter/mime/decompress.h"
#include "milter/util/le.h"

namespace phi::mime {
namespace {

constexpr uint16_t kTextCharsAtom = 0x0FA0;
constexpr uint16_t kTextBytesAtom = 0x0FA8;
constexpr uint16_t kCString = 0x0FBA;
constexpr uint16_t kCryptSession10Container = 0x2F14;
constexpr uint16_t kExOleObjStg = 0x1011;

}  // namespace

PptText ppt_text(std::string_view stream, const std::function<void(std::string_view)>& out,
                 const std::function<void(std::string_view, bool)>& objects) {
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
    if (type == kExOleObjStg && objects) objects(stream.substr(pos, len), (ver_instance >> 4) == 1);
    if (type == kTextCharsAtom || type == kCString || type == kTextBytesAtom) {
      // TextBytesAtom holds the low bytes of UTF-16 code units: Latin-1.
      text = convert_to_utf8(type == kTextBytesAtom ? "iso-8859-1" : "utf-16le", stream.substr(pos, len), nullptr);
      for (char& c : text) {
        if (c == '\r' || c == '\v') c = '\n';  // paragraph and line breaks
        if (c == '\0') c = ' ';
        if (c != ' ' && c != '\t' && c != '\n') ++r.characters;
      }
      text.push_back('\n');
      out(text);
    }
    pos += len;
  }
  if (pos != n) r.damaged = true;  // a few bytes that are no record header
  return r;
}

bool ppt_object(std::string_view body, bool compressed, uint64_t max_bytes,
                const std::function<void(std::string_view)>& out) {
  if (!compressed) {
    if (body.size() > max_bytes) return false;
    out(body);
    return true;
  }
  if (body.size() < 4) return false;
  const uint64_t size = le32(body.data());
  if (size > max_bytes) return false;
  Decompressor z(Compression::Zlib);
  uint64_t produced = 0;
  auto give = [&](std::string_view b) {  // at most its size: more than it says stops the stream
    if (produced < size) out(b.substr(0, size_t(std::min<uint64_t>(b.size(), size - produced))));
    produced += b.size();
    return produced <= size;
  };
  z.feed(body.substr(4), give);
  z.finish(give);
  return z.status() == Decompressor::Status::Done && produced == size;
}

}  // namespace phi::mime
