// NAME
//   ole_builder - OLE2 compound files (MS-CFB, 512-byte sectors) for tests
// SYNOPSIS
//   std::vector<OleEntry> e = {ole_root(1), ole_stream("WordDocument")};
//   std::string file = build_ole(e);          // entry 0 is the root storage
//   std::string msg = make_msg({{"__substg1.0_1000001F", utf16z("body")}});
//   std::string fwd = make_msg_with(props, {{"labs.txt", "text", "text/plain"}});
//   std::string png = office_blip(0xF01E, 0x6E0, png_bytes);   // a picture record
//   OleFile f(bytes_of(file), file.size());
// DESCRIPTION
//   Writes a header, one FAT sector (sector 0) and the directory, four
//   entries a sector, in sectors chained in reverse order (the last first)
//   so that a reader must follow the FAT. Links (left, right, child) are
//   entry numbers as given. A stream's `data` of 4096 bytes or more follows
//   in sectors of its own, chained forward; shorter data goes to the mini
//   stream (64-byte mini sectors, one mini FAT sector: at most 8 KB of
//   them). At most about 60 KB in all (one FAT sector).
// THREADS
//   Tests only.
#ifndef PHI_TESTS_UNIT_MIME_OLE_BUILDER_H
#define PHI_TESTS_UNIT_MIME_OLE_BUILDER_H

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace phi::mime::test {

inline constexpr uint32_t kOleNone = 0xFFFFFFFF;

// OleFile's read_at over a file held in memory (`file` must outlive it).
inline std::function<bool(uint64_t, std::span<char>)> bytes_of(const std::string& file) {
  return [&file](uint64_t off, std::span<char> o) {
    if (off > file.size() || file.size() - off < o.size()) return false;
    std::memcpy(o.data(), file.data() + off, o.size());
    return true;
  };
}

struct OleEntry {
  std::string name;
  uint8_t type = 2;  // 1 storage, 2 stream, 5 root
  uint32_t left = kOleNone, right = kOleNone, child = kOleNone;
  std::string data;
};

inline OleEntry ole_root(uint32_t child) { return {"Root Entry", 5, kOleNone, kOleNone, child, {}}; }
inline OleEntry ole_stream(std::string name, uint32_t left = kOleNone, uint32_t right = kOleNone,
                           std::string data = {}) {
  return {std::move(name), 2, left, right, kOleNone, std::move(data)};
}

inline void ole_put32(std::string& s, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + i] = char(v >> (8 * i));
}
inline void ole_put16(std::string& s, size_t at, uint16_t v) {
  s[at] = char(v);
  s[at + 1] = char(v >> 8);
}

// An OfficeArt BLIP record ([MS-ODRAW]) of `type` and `inst`, as Office
// 97-2003 files store pictures: header, one identifier (two when `inst`
// is odd), a bitmap's tag byte or a metafile's 34-byte header, `data`.
inline std::string office_blip(uint16_t type, uint16_t inst, const std::string& data, bool metafile = false) {
  std::string uids((inst & 1) ? 32 : 16, '\x5A');
  std::string extra = metafile ? std::string(32, '\0') + std::string("\x00\xFE", 2) : std::string("\xFF");
  std::string r(8, '\0');
  ole_put16(r, 0, static_cast<uint16_t>(inst << 4));
  ole_put16(r, 2, type);
  ole_put32(r, 4, static_cast<uint32_t>(uids.size() + extra.size() + data.size()));
  return r + uids + extra + data;
}

inline std::string build_ole(const std::vector<OleEntry>& entries) {
  const size_t dir_sectors = (entries.size() + 3) / 4;
  size_t data_sectors = 0, mini_sectors = 0;  // 512-byte sectors; 64-byte mini sectors
  for (const auto& e : entries) {
    if (e.type != 2) continue;
    if (e.data.size() >= 4096) data_sectors += (e.data.size() + 511) / 512;
    else mini_sectors += (e.data.size() + 63) / 64;
  }
  if (mini_sectors > 128) std::abort();                                   // one mini FAT sector
  const size_t mini_container = (mini_sectors * 64 + 511) / 512;         // sectors holding the mini stream
  const size_t minifat_sectors = mini_sectors ? 1 : 0;
  if (1 + dir_sectors + data_sectors + minifat_sectors + mini_container > 128) std::abort();  // one FAT sector
  std::string f(512 * (2 + dir_sectors + data_sectors + minifat_sectors + mini_container), '\0');
  f.replace(0, 8, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
  ole_put16(f, 0x18, 0x3E);
  ole_put16(f, 0x1A, 3);
  ole_put16(f, 0x1C, 0xFFFE);
  ole_put16(f, 0x1E, 9);
  ole_put16(f, 0x20, 6);
  ole_put32(f, 0x2C, 1);                                // one FAT sector
  ole_put32(f, 0x30, uint32_t(dir_sectors));            // the directory starts in its last sector
  ole_put32(f, 0x38, 4096);
  ole_put32(f, 0x3C, 0xFFFFFFFE);
  ole_put32(f, 0x44, 0xFFFFFFFE);
  for (size_t i = 0; i < 109; ++i) ole_put32(f, 0x4C + 4 * i, i == 0 ? 0 : 0xFFFFFFFF);
  // FAT (sector 0, at 512): itself, then directory sectors k -> k-1 -> ... -> 1.
  auto fat = [&](uint32_t n, uint32_t v) { ole_put32(f, 512 + 4 * n, v); };
  for (uint32_t n = 0; n < 128; ++n) fat(n, 0xFFFFFFFF);
  fat(0, 0xFFFFFFFD);
  for (uint32_t n = 1; n <= dir_sectors; ++n) fat(n, n == 1 ? 0xFFFFFFFE : n - 1);
  for (size_t i = 0; i < entries.size(); ++i) {
    uint32_t sector = uint32_t(dir_sectors - i / 4);  // entries 0-3 in the first sector of the chain
    size_t at = 512 * (size_t(sector) + 1) + 128 * (i % 4);
    const OleEntry& e = entries[i];
    for (size_t c = 0; c < e.name.size() && c < 31; ++c) ole_put16(f, at + 2 * c, uint8_t(e.name[c]));
    ole_put16(f, at + 64, uint16_t(2 * (std::min<size_t>(e.name.size(), 31) + 1)));
    f[at + 66] = char(e.type);
    f[at + 67] = 1;  // black
    ole_put32(f, at + 68, e.left);
    ole_put32(f, at + 72, e.right);
    ole_put32(f, at + 76, e.child);
    ole_put32(f, at + 116, e.type == 5 || e.data.size() < 4096 ? 0xFFFFFFFE : 0);
    ole_put32(f, at + 120, uint32_t(e.data.size()));
  }
  uint32_t next = uint32_t(dir_sectors + 1);  // the first data sector
  for (size_t i = 0; i < entries.size(); ++i) {
    const std::string& d = entries[i].data;
    if (d.size() < 4096) continue;
    size_t at = 512 * (dir_sectors - i / 4 + 1) + 128 * (i % 4);
    ole_put32(f, at + 116, next);
    size_t n = (d.size() + 511) / 512;
    for (size_t k = 0; k < n; ++k, ++next) {
      f.replace(512 * (size_t(next) + 1), std::min<size_t>(512, d.size() - 512 * k), d, 512 * k, 512);
      fat(next, k + 1 == n ? 0xFFFFFFFE : next + 1);
    }
  }
  // The mini FAT (one sector), then the mini stream, the root entry's chain.
  if (mini_sectors) {
    const uint32_t minifat = next++;
    fat(minifat, 0xFFFFFFFE);
    ole_put32(f, 0x3C, minifat);
    ole_put32(f, 0x40, 1);
    for (uint32_t n = 0; n < 128; ++n) ole_put32(f, 512 * (size_t(minifat) + 1) + 4 * n, 0xFFFFFFFF);
    const uint32_t container = next;
    for (size_t k = 0; k < mini_container; ++k, ++next) fat(next, k + 1 == mini_container ? 0xFFFFFFFE : next + 1);
    size_t root_at = 512 * (dir_sectors + 1);  // entry 0
    ole_put32(f, root_at + 116, container);
    ole_put32(f, root_at + 120, uint32_t(mini_sectors * 64));
    uint32_t mini = 0;
    for (size_t i = 0; i < entries.size(); ++i) {
      const OleEntry& e = entries[i];
      if (e.type != 2 || e.data.empty() || e.data.size() >= 4096) continue;
      size_t at = 512 * (dir_sectors - i / 4 + 1) + 128 * (i % 4);
      ole_put32(f, at + 116, mini);
      size_t n = (e.data.size() + 63) / 64;
      for (size_t k = 0; k < n; ++k, ++mini) {
        f.replace(512 * (size_t(container) + 1) + 64 * size_t(mini), std::min<size_t>(64, e.data.size() - 64 * k),
                  e.data, 64 * k, 64);
        ole_put32(f, 512 * (size_t(minifat) + 1) + 4 * mini, k + 1 == n ? 0xFFFFFFFE : mini + 1);
      }
    }
  }
  for (size_t i = entries.size(); i < dir_sectors * 4; ++i) {  // unused entries
    size_t at = 512 * (dir_sectors - i / 4 + 1) + 128 * (i % 4);
    ole_put32(f, at + 68, kOleNone);
    ole_put32(f, at + 72, kOleNone);
    ole_put32(f, at + 76, kOleNone);
  }
  return f;
}

// UTF-16LE of ASCII text with its terminating NUL, as MAPI writes strings.
inline std::string utf16z(const std::string& ascii) {
  std::string s;
  for (char c : ascii) s += std::string{c, '\0'};
  return s + std::string(2, '\0');
}

// An Outlook .msg (MS-OXMSG): __properties_version1.0 and each property
// stream (name, bytes) as a chain of right siblings under the root, then
// `attachments` storages __attach_version1.0_#n, each holding its file
// name (PR_ATTACH_LONG_FILENAME).
// An attachment of make_msg_with(): a file (data), an embedded message
// or OLE object (object), or neither (a link to a file kept elsewhere).
struct MsgSpec;
struct MsgAttach {
  std::string filename;   // PR_ATTACH_LONG_FILENAME
  std::string data;       // PR_ATTACH_DATA_BIN
  std::string mime = {};  // PR_ATTACH_MIME_TAG, if not empty
  bool object = false;    // a PR_ATTACH_DATA_OBJ storage instead of data: an embedded message
  bool file = true;       // false: neither data nor object
  // With object: the storage's streams (empty: an embedded message's __properties_version1.0).
  std::vector<std::pair<std::string, std::string>> object_streams = {};
  // With object: an embedded message with these properties and attachments instead of object_streams.
  std::shared_ptr<const MsgSpec> message = {};
};
struct MsgSpec {
  std::vector<std::pair<std::string, std::string>> props;
  std::vector<MsgAttach> attachments;
};

// A message's streams and attachment storages as the children of the
// storage e[parent], chained by right links; an embedded message's the
// same, in its object storage (its properties header is 24 bytes).
inline void add_msg(std::vector<OleEntry>& e, size_t parent, const std::vector<std::pair<std::string, std::string>>& props,
                    const std::vector<MsgAttach>& attachments, bool top) {
  e[parent].child = uint32_t(e.size());
  e.push_back(ole_stream("__properties_version1.0", kOleNone, kOleNone, std::string(top ? 32 : 24, '\0')));
  size_t last = e.size() - 1;
  auto sibling = [&](OleEntry entry) {
    e[last].right = uint32_t(e.size());
    last = e.size();
    e.push_back(std::move(entry));
  };
  for (const auto& [name, bytes] : props) sibling(ole_stream(name, kOleNone, kOleNone, bytes));
  for (size_t i = 0; i < attachments.size(); ++i) {
    const MsgAttach& a = attachments[i];
    sibling({"__attach_version1.0_#0000000" + std::to_string(i), 1, kOleNone, kOleNone, uint32_t(e.size() + 1), {}});
    const size_t storage = last;
    // Its children, chained by right links (last becomes the storage again).
    std::vector<OleEntry> kids = {ole_stream("__substg1.0_3707001F", kOleNone, kOleNone, utf16z(a.filename))};
    if (!a.mime.empty()) kids.push_back(ole_stream("__substg1.0_370E001F", kOleNone, kOleNone, utf16z(a.mime)));
    if (a.object) kids.push_back({"__substg1.0_3701000D", 1, kOleNone, kOleNone, kOleNone, {}});
    else if (a.file) kids.push_back(ole_stream("__substg1.0_37010102", kOleNone, kOleNone, a.data));
    size_t object = 0;
    for (size_t k = 0; k < kids.size(); ++k) {
      if (k + 1 < kids.size()) kids[k].right = uint32_t(e.size() + 1);
      if (kids[k].type == 1) object = e.size();
      e.push_back(std::move(kids[k]));
    }
    if (object && a.message) {
      add_msg(e, object, a.message->props, a.message->attachments, false);
    } else if (object) {  // the object's streams, chained by right links
      auto streams = a.object_streams;
      if (streams.empty()) streams = {{"__properties_version1.0", std::string(32, '\0')}};
      e[object].child = uint32_t(e.size());
      for (size_t k = 0; k < streams.size(); ++k)
        e.push_back(ole_stream(streams[k].first, kOleNone, k + 1 < streams.size() ? uint32_t(e.size() + 1) : kOleNone,
                               streams[k].second));
    }
    last = storage;
  }
}

inline std::string make_msg_with(const std::vector<std::pair<std::string, std::string>>& props,
                                 const std::vector<MsgAttach>& attachments) {
  std::vector<OleEntry> e = {ole_root(1)};
  add_msg(e, 0, props, attachments, true);
  return build_ole(e);
}

// A message with `links` attachments named labs.pdf that hold no file.
inline std::string make_msg(const std::vector<std::pair<std::string, std::string>>& props, int links = 0) {
  return make_msg_with(props, std::vector<MsgAttach>(size_t(links), MsgAttach{"labs.pdf", "", "", false, false}));
}

}  // namespace phi::mime::test

#endif
