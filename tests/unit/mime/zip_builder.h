// NAME
//   zip_builder - ZIP archives made in memory for the zip and package tests
// SYNOPSIS
//   std::string z = make_zip({{"word/document.xml", xml}, {"a.txt", "x", ZipItem::Stored}});
//   std::string b = base64_lines(z);   // for a MIME part
//   std::string c = zlib_stream(data);  // RFC 1950
// DESCRIPTION
//   Writes local entries the way real writers do: deflated (zlib raw
//   deflate) or stored, sizes in the local header or in a data descriptor
//   after the data (with or without its signature: Java, LibreOffice and
//   Python writing to a pipe), Zip64 sizes in the extra field, the UTF-8
//   name flag, an encrypted flag, and a central directory and end record
//   (only their signatures matter to ZipStream). CRCs are real.
// THREADS
//   Test only.
#ifndef PHI_TESTS_MIME_ZIP_BUILDER_H
#define PHI_TESTS_MIME_ZIP_BUILDER_H

#include <zlib.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace phi::mime::test {

struct ZipItem {
  enum Method : uint16_t { Stored = 0, Deflated = 8, Bzip2 = 12 };
  std::string name;
  std::string data;
  uint16_t method = Deflated;
  bool descriptor = false;      // sizes in a data descriptor (flag bit 3)
  bool descriptor_sig = true;   // the descriptor's optional signature
  bool zip64 = false;           // sizes 0xFFFFFFFF in the header, 64-bit ones in the extra field
  bool encrypted = false;       // flag bit 0 (the data is written as given)
  bool utf8_name = false;       // flag bit 11
};

inline std::string deflate_raw(std::string_view data) {
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, data.size()) + 16, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// `data` as a zlib stream (RFC 1950: the format PowerPoint's objects and
// Office's metafile pictures are stored in).
inline std::string zlib_stream(std::string_view data) {
  uLongf n = compressBound(uLong(data.size()));
  std::string out(n, '\0');
  compress(reinterpret_cast<Bytef*>(out.data()), &n, reinterpret_cast<const Bytef*>(data.data()), uLong(data.size()));
  out.resize(n);
  return out;
}

inline void put16(std::string& s, uint32_t v) {
  s.push_back(static_cast<char>(v & 0xFF));
  s.push_back(static_cast<char>((v >> 8) & 0xFF));
}
inline void put32(std::string& s, uint32_t v) {
  put16(s, v & 0xFFFF);
  put16(s, v >> 16);
}
inline void put64(std::string& s, uint64_t v) {
  put32(s, static_cast<uint32_t>(v));
  put32(s, static_cast<uint32_t>(v >> 32));
}

inline std::string make_zip(const std::vector<ZipItem>& items, bool central = true) {
  std::string out;
  for (const ZipItem& it : items) {
    std::string body = it.method == ZipItem::Deflated && !it.encrypted ? deflate_raw(it.data) : it.data;
    uint32_t crc = static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(it.data.data()),
                                               static_cast<uInt>(it.data.size())));
    uint16_t flags = (it.descriptor ? 8 : 0) | (it.encrypted ? 1 : 0) | (it.utf8_name ? 0x800 : 0);
    std::string extra;
    if (it.zip64) {
      put16(extra, 1);
      put16(extra, 16);
      put64(extra, it.descriptor ? 0 : it.data.size());
      put64(extra, it.descriptor ? 0 : body.size());
    }
    put32(out, 0x04034b50);
    put16(out, it.zip64 ? 45 : 20);
    put16(out, flags);
    put16(out, it.method);
    put32(out, 0);  // time, date
    put32(out, it.descriptor ? 0 : crc);
    uint32_t csize = it.descriptor ? 0 : static_cast<uint32_t>(body.size());
    uint32_t usize = it.descriptor ? 0 : static_cast<uint32_t>(it.data.size());
    put32(out, it.zip64 ? 0xFFFFFFFFu : csize);
    put32(out, it.zip64 ? 0xFFFFFFFFu : usize);
    put16(out, static_cast<uint32_t>(it.name.size()));
    put16(out, static_cast<uint32_t>(extra.size()));
    out += it.name;
    out += extra;
    out += body;
    if (it.descriptor) {
      if (it.descriptor_sig) put32(out, 0x08074b50);
      put32(out, crc);
      if (it.zip64) {
        put64(out, body.size());
        put64(out, it.data.size());
      } else {
        put32(out, static_cast<uint32_t>(body.size()));
        put32(out, static_cast<uint32_t>(it.data.size()));
      }
    }
  }
  if (central) {
    for (size_t i = 0; i < items.size(); ++i) {  // a minimal central directory record per entry
      put32(out, 0x02014b50);
      out.append(42 - 4, '\0');
      put16(out, 0);  // the name is left out: ZipStream stops at the signature
      put16(out, 0);
    }
    put32(out, 0x06054b50);
    out.append(18, '\0');
  }
  return out;
}

// Base64 on one line (as an HL7 field holds it).
inline std::string base64(std::string_view data) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string flat;
  for (size_t i = 0; i < data.size(); i += 3) {
    uint32_t v = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) v |= static_cast<unsigned char>(data[i + 1]) << 8;
    if (i + 2 < data.size()) v |= static_cast<unsigned char>(data[i + 2]);
    flat.push_back(kAlphabet[(v >> 18) & 63]);
    flat.push_back(kAlphabet[(v >> 12) & 63]);
    flat.push_back(i + 1 < data.size() ? kAlphabet[(v >> 6) & 63] : '=');
    flat.push_back(i + 2 < data.size() ? kAlphabet[v & 63] : '=');
  }
  return flat;
}

// Base64 in lines of 76 characters, CRLF-terminated, for a MIME part.
inline std::string base64_lines(std::string_view data) {
  std::string flat = base64(data), out;
  for (size_t i = 0; i < flat.size(); i += 76) out += flat.substr(i, 76) + "\r\n";
  return out;
}

// A multipart/mixed message: a text part "see attached", then `bytes` as a
// base64 part of `type` (with name="filename" unless that is empty, and a
// Content-Disposition: attachment field with it when `disposition`).
inline std::string message_with_attachment(const std::string& type, const std::string& filename,
                                           const std::string& bytes, bool disposition = false) {
  std::string named = filename.empty() ? "" : "; name=\"" + filename + "\"";
  return "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
         "--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
         "--b\r\nContent-Type: " + type + named + "\r\n" +
         (disposition ? "Content-Disposition: attachment; filename=\"" + filename + "\"\r\n" : "") +
         "Content-Transfer-Encoding: base64\r\n\r\n" + base64_lines(bytes) + "--b--\r\n";
}

}  // namespace phi::mime::test

#endif
