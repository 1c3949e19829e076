// ppt - PowerPoint 97-2003 text records (see ppt.h).
#include "milter/mime/ppt.h"

#include <zlib.h>

#include <algorithm>
#include <string>

#include "milter/mime/charset.h"
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
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return false;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data() + 4));
  z.avail_in = uInt(body.size() - 4);
  char buf[65536];
  uint64_t produced = 0;
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    size_t n = sizeof buf - z.avail_out;
    if (n > 0 && produced < size) out(std::string_view(buf, size_t(std::min<uint64_t>(n, size - produced))));
    produced += n;
    if (produced > size) rc = Z_DATA_ERROR;                        // more than its size says
    else if (rc == Z_OK && z.avail_in == 0 && n < sizeof buf) rc = Z_BUF_ERROR;  // the data is cut
  }
  inflateEnd(&z);
  return rc == Z_STREAM_END && produced == size;
}

}  // namespace phi::mime
