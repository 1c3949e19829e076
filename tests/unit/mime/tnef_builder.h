// NAME
//   tnef_builder - TNEF streams (winmail.dat) made in memory for the tnef tests and fuzz corpus
// SYNOPSIS
//   std::string t = Tnef().message(kAttBody, "text").attachment(kAttAttachRenddata, "").str();
//   std::string p = mapi_props({{kPtUnicode, kPrBody, utf16le("text")}});
//   std::string r = lzfu_compress(rtf);  lzfu_stored(rtf);  uint32_t c = lzfu_crc(bytes);
// DESCRIPTION
//   Tnef writes the signature, a key and attributes with correct checksums
//   (or a wrong one on request). mapi_props() writes a MAPI property list
//   as MS-OXTNEF 2.1.3.4 says: a count, then per property its type and id
//   (a named one with a GUID and a LID), then its value: fixed-size types
//   padded to 4 bytes, variable ones (string8, unicode, binary, object) as
//   a count of 1, a length and the data padded to 4. lzfu_compress() is a
//   small greedy LZFu compressor (MS-OXRTFCP) whose references point into
//   the same 4096-byte dictionary the decompressor keeps, ended by a
//   reference to the write position, with the CRC MS-OXRTFCP 2.1.3.2 asks
//   for (lzfu_crc(): CRC-32 bit by bit, polynomial 0xEDB88320, initial
//   value 0, no final XOR, over the bytes after the 16-byte header; written
//   independently of the reader's table-driven one); lzfu_stored() writes
//   the "MELA" form, whose CRC is 0.
// THREADS
//   Test only.
#ifndef PHI_TESTS_MIME_TNEF_BUILDER_H
#define PHI_TESTS_MIME_TNEF_BUILDER_H

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "milter/mime/tnef.h"
#include "tests/unit/mime/zip_builder.h"

namespace phi::mime::test {

class Tnef {
 public:
  Tnef() {
    put32(s_, tnef::kSignature);
    put16(s_, 0x4A21);  // the key: any value
  }
  Tnef& attr(uint8_t level, uint32_t id, std::string_view data, bool bad_checksum = false) {
    s_.push_back(static_cast<char>(level));
    put32(s_, id);
    put32(s_, static_cast<uint32_t>(data.size()));
    s_.append(data);
    uint16_t sum = 0;
    for (char c : data) sum = static_cast<uint16_t>(sum + static_cast<unsigned char>(c));
    put16(s_, bad_checksum ? sum ^ 0x5A5A : sum);
    return *this;
  }
  Tnef& message(uint32_t id, std::string_view data) { return attr(tnef::kLevelMessage, id, data); }
  Tnef& attachment(uint32_t id, std::string_view data) { return attr(tnef::kLevelAttachment, id, data); }
  // attAttachRenddata, attAttachTitle (NUL-terminated), attAttachData.
  Tnef& file(std::string_view title, std::string_view data) {
    attachment(tnef::kAttAttachRenddata, std::string(14, '\0'));
    attachment(tnef::kAttAttachTitle, std::string(title) + '\0');
    return attachment(tnef::kAttAttachData, data);
  }
  std::string str() const { return s_; }

 private:
  std::string s_;
};

struct Prop {
  uint16_t type;
  uint16_t id;
  std::string value;   // the value's bytes (a fixed-size one unpadded)
  bool named = false;  // id >= 0x8000 with a GUID and a LID
};

inline std::string mapi_props(const std::vector<Prop>& props) {
  std::string out;
  put32(out, static_cast<uint32_t>(props.size()));
  for (const Prop& p : props) {
    put16(out, p.type);
    put16(out, p.id);
    if (p.named) {
      out.append(16, '\x11');  // GUID
      put32(out, 0);           // kind: LID
      put32(out, 0x8233);
    }
    bool variable = p.type == tnef::kPtString8 || p.type == tnef::kPtUnicode || p.type == tnef::kPtBinary ||
                    p.type == tnef::kPtObject;
    if (variable) {
      put32(out, 1);
      put32(out, static_cast<uint32_t>(p.value.size()));
    }
    out += p.value;
    while (out.size() % 4) out.push_back('\0');
  }
  return out;
}

inline std::string utf16le(std::string_view ascii, bool nul = true) {
  std::string out;
  for (char c : ascii) {
    out.push_back(c);
    out.push_back('\0');
  }
  if (nul) out.append(2, '\0');
  return out;
}

inline std::string le32s(uint32_t v) {
  std::string s;
  put32(s, v);
  return s;
}

inline uint32_t lzfu_crc(std::string_view bytes) {
  uint32_t crc = 0;
  for (char ch : bytes) {
    crc ^= static_cast<unsigned char>(ch);
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ ((crc & 1) ? 0xEDB88320u : 0u);
  }
  return crc;
}

inline std::string lzfu_stored(std::string_view rtf) {
  std::string out;
  put32(out, static_cast<uint32_t>(rtf.size() + 12));
  put32(out, static_cast<uint32_t>(rtf.size()));
  put32(out, 0x414C454D);  // "MELA"
  put32(out, 0);
  out += rtf;
  return out;
}

// Greedy: at each position the longest match (2..17 bytes) anywhere in the
// dictionary that the copy does not overwrite while reading it.
inline std::string lzfu_compress(std::string_view rtf) {
  std::string dict(4096, '\0');
  dict.replace(0, kLzfuPrebufLen, kLzfuPrebuf, kLzfuPrebufLen);
  size_t wp = kLzfuPrebufLen;
  std::string data;
  size_t control_at = 0;
  int bit = 8;
  auto token = [&](bool ref) {
    if (bit == 8) {
      control_at = data.size();
      data.push_back('\0');
      bit = 0;
    }
    if (ref) data[control_at] = static_cast<char>(data[control_at] | (1 << bit));
    ++bit;
  };
  size_t i = 0;
  while (i < rtf.size()) {
    size_t best_len = 0, best_off = 0;
    for (size_t off = 0; off < 4096; ++off) {
      if (off == wp) continue;
      size_t dist = (wp - off) & 0xFFF;  // bytes between the match and the write position
      size_t max = std::min<size_t>({17, rtf.size() - i, dist});
      size_t len = 0;
      while (len < max && dict[(off + len) & 0xFFF] == rtf[i + len]) ++len;
      if (len > best_len) {
        best_len = len;
        best_off = off;
      }
    }
    if (best_len >= 2) {
      token(true);
      uint16_t ref = static_cast<uint16_t>(best_off << 4 | (best_len - 2));
      data.push_back(static_cast<char>(ref >> 8));
      data.push_back(static_cast<char>(ref & 0xFF));
    } else {
      best_len = 1;
      token(false);
      data.push_back(rtf[i]);
    }
    for (size_t k = 0; k < best_len; ++k) {
      dict[wp] = rtf[i + k];
      wp = (wp + 1) & 0xFFF;
    }
    i += best_len;
  }
  token(true);  // the end: a reference to the write position
  uint16_t end = static_cast<uint16_t>(wp << 4);
  data.push_back(static_cast<char>(end >> 8));
  data.push_back(static_cast<char>(end & 0xFF));
  std::string out;
  put32(out, static_cast<uint32_t>(data.size() + 12));
  put32(out, static_cast<uint32_t>(rtf.size()));
  put32(out, 0x75465A4C);  // "LZFu"
  put32(out, lzfu_crc(data));
  return out + data;
}

}  // namespace phi::mime::test

#endif
