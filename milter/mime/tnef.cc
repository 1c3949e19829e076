// tnef - TNEF attribute framing, MAPI property lists and LZFu (compressed RTF) decompression (see tnef.h).
#include "milter/mime/tnef.h"

#include <algorithm>
#include <array>

namespace phi::mime {
namespace {

uint32_t le32(std::string_view s, size_t at) {
  return static_cast<uint32_t>(static_cast<unsigned char>(s[at])) |
         static_cast<uint32_t>(static_cast<unsigned char>(s[at + 1])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[at + 2])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[at + 3])) << 24;
}
uint16_t le16(std::string_view s, size_t at) {
  return static_cast<uint16_t>(static_cast<unsigned char>(s[at]) | static_cast<unsigned char>(s[at + 1]) << 8);
}

// A cursor over an in-memory property list; every read checks what is left.
struct Cursor {
  std::string_view s;
  size_t p = 0;
  bool u32(uint32_t& v) {
    if (s.size() - p < 4) return false;
    v = le32(s, p);
    p += 4;
    return true;
  }
  bool take(size_t n, std::string_view& v) {
    if (s.size() - p < n) return false;
    v = s.substr(p, n);
    p += n;
    return true;
  }
  bool skip(uint64_t n) {
    if (s.size() - p < n) return false;
    p += static_cast<size_t>(n);
    return true;
  }
};

uint64_t pad4(uint64_t n) { return (n + 3) & ~uint64_t{3}; }

// Bytes of one value of a fixed-size type; 0 for the variable ones, -1 unknown.
int fixed_size(uint16_t type) {
  switch (type) {
    case 0x0001: case 0x0002: case 0x0003: case 0x0004: case 0x000A: case 0x000B: return 4;
    case 0x0005: case 0x0006: case 0x0007: case 0x0014: case 0x0040: return 8;
    case 0x0048: return 16;
    case tnef::kPtString8: case tnef::kPtUnicode: case tnef::kPtBinary: case tnef::kPtObject: return 0;
    default: return -1;
  }
}

// CRC-32 of compressed RTF (MS-OXRTFCP 2.1.3.2): the reflected polynomial
// 0xEDB88320, a byte at a time, initial value 0 and no final XOR (unlike zlib's).
constexpr std::array<uint32_t, 256> crc_table() {
  std::array<uint32_t, 256> t{};
  for (uint32_t n = 0; n < 256; ++n) {
    uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[n] = c;
  }
  return t;
}
constexpr std::array<uint32_t, 256> kCrcTable = crc_table();

}  // namespace

const char kLzfuPrebuf[kLzfuPrebufLen + 1] =
    "{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript "
    "\\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par "
    "\\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";
static_assert(sizeof(kLzfuPrebuf) == kLzfuPrebufLen + 1);

bool is_tnef(std::string_view b) { return b.size() >= 4 && le32(b, 0) == tnef::kSignature; }

size_t TnefStream::collect(std::string_view in, size_t want) {
  size_t n = std::min(in.size(), want - buf_.size());
  buf_.append(in.substr(0, n));
  return n;
}

void TnefStream::feed(std::string_view in) {
  while (!in.empty() && status_ == Status::Reading) {
    switch (state_) {
      case State::Signature:
        in.remove_prefix(collect(in, 6));
        if (buf_.size() < 6) return;
        if (!is_tnef(buf_)) {
          status_ = Status::Malformed;
          errors_ = true;
          return;
        }
        buf_.clear();
        state_ = State::Header;
        break;
      case State::Header:
        in.remove_prefix(collect(in, 9));
        if (buf_.size() < 9) return;
        a_.level = static_cast<uint8_t>(buf_[0]);
        if (a_.level != tnef::kLevelMessage && a_.level != tnef::kLevelAttachment) {
          status_ = Status::Malformed;
          errors_ = true;
          return;
        }
        a_.id = le32(buf_, 1);
        a_.length = le32(buf_, 5);
        buf_.clear();
        ++attributes_;
        left_ = a_.length;
        sum_ = 0;
        want_ = h_.begin(a_);
        state_ = left_ == 0 ? State::Checksum : State::Data;
        break;
      case State::Data: {
        size_t n = static_cast<size_t>(std::min<uint64_t>(left_, in.size()));
        std::string_view piece = in.substr(0, n);
        for (char c : piece) sum_ = static_cast<uint16_t>(sum_ + static_cast<unsigned char>(c));
        if (want_) h_.data(piece);
        left_ -= static_cast<uint32_t>(n);
        in.remove_prefix(n);
        if (left_ == 0) state_ = State::Checksum;
        break;
      }
      case State::Checksum: {
        in.remove_prefix(collect(in, 2));
        if (buf_.size() < 2) return;
        bool ok = le16(buf_, 0) == sum_;
        if (!ok) errors_ = true;
        buf_.clear();
        state_ = State::Header;
        if (want_) h_.end(ok);
        want_ = false;
        break;
      }
    }
  }
}

void TnefStream::finish() {
  if (status_ != Status::Reading) return;
  if (state_ == State::Header && buf_.empty()) {
    status_ = Status::Done;
    return;
  }
  if (want_ && (state_ == State::Data || state_ == State::Checksum)) h_.end(false);
  want_ = false;
  status_ = Status::Truncated;
  errors_ = true;
}

bool parse_mapi_props(std::string_view blob, const std::function<void(const MapiProp&)>& fn) {
  Cursor c{blob};
  uint32_t count = 0;
  if (!c.u32(count)) return false;
  for (uint32_t i = 0; i < count; ++i) {  // every property takes at least 4 bytes: bounded by the blob
    uint32_t tag = 0;
    if (!c.u32(tag)) return false;
    MapiProp p;
    p.multi = (tag & 0x1000) != 0;
    p.type = static_cast<uint16_t>(tag & 0xEFFF);
    p.id = static_cast<uint16_t>(tag >> 16);
    p.named = p.id >= 0x8000;
    if (p.named) {
      uint32_t kind = 0, len = 0;
      if (!c.skip(16) || !c.u32(kind)) return false;
      if (kind == 0) {
        if (!c.skip(4)) return false;
      } else if (kind == 1) {
        if (!c.u32(len) || !c.skip(pad4(len))) return false;
      } else {
        return false;
      }
    }
    int size = fixed_size(p.type);
    if (size < 0) return false;
    uint32_t n = 1;
    if ((size == 0 || p.multi) && !c.u32(n)) return false;
    for (uint32_t j = 0; j < n; ++j) {  // every value takes at least 4 bytes
      p.index = j;
      if (size == 0) {
        uint32_t len = 0;
        if (!c.u32(len) || !c.take(len, p.value) || !c.skip(pad4(len) - len)) return false;
      } else if (!c.take(static_cast<size_t>(size), p.value)) {
        return false;
      }
      fn(p);
    }
  }
  return true;
}

LzfuStatus lzfu_decompress(std::string_view in, uint64_t max_out, std::string& out) {
  if (in.size() < 16) return LzfuStatus::Truncated;
  uint32_t comp_size = le32(in, 0);
  uint32_t raw_size = le32(in, 4);
  uint32_t magic = le32(in, 8);
  bool cut = comp_size < 12 || comp_size - 12 > in.size() - 16;
  std::string_view data = in.substr(16, cut ? std::string_view::npos : comp_size - 12);
  if (magic == 0x414C454D) {  // "MELA": stored
    bool short_data = raw_size > data.size();
    data = data.substr(0, raw_size);
    bool over = data.size() > max_out;
    out.append(data.substr(0, static_cast<size_t>(std::min<uint64_t>(data.size(), max_out))));
    if (over) return LzfuStatus::SizeLimit;
    return short_data || cut ? LzfuStatus::Truncated : LzfuStatus::Ok;
  }
  if (magic != 0x75465A4C) return LzfuStatus::Malformed;  // "LZFu"
  uint32_t want_crc = le32(in, 12);
  char dict[4096];
  std::copy(kLzfuPrebuf, kLzfuPrebuf + kLzfuPrebufLen, dict);
  std::fill(dict + kLzfuPrebufLen, dict + 4096, '\0');
  size_t wp = kLzfuPrebufLen;
  uint64_t written = 0;
  size_t i = 0;
  uint32_t crc = 0;  // of data[0, i)
  auto next = [&]() {
    auto b = static_cast<unsigned char>(data[i++]);
    crc = kCrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
    return b;
  };
  while (i < data.size()) {
    unsigned control = next();
    for (int bit = 0; bit < 8; ++bit) {
      if (i >= data.size()) return LzfuStatus::Truncated;
      if (!(control & (1u << bit))) {
        if (written >= max_out) return LzfuStatus::SizeLimit;
        char b = static_cast<char>(next());
        out.push_back(b);
        ++written;
        dict[wp] = b;
        wp = (wp + 1) & 0xFFF;
        continue;
      }
      if (data.size() - i < 2) return LzfuStatus::Truncated;
      unsigned ref = static_cast<unsigned>(next()) << 8;
      ref |= next();
      size_t offset = ref >> 4;
      size_t len = (ref & 0xF) + 2;
      if (offset == wp) {  // the end; the CRC covers the bytes after it too
        while (i < data.size()) next();
        if (cut) return LzfuStatus::Truncated;  // shorter than its header says: the CRC cannot match
        return crc == want_crc ? LzfuStatus::Ok : LzfuStatus::BadCrc;
      }
      for (size_t k = 0; k < len; ++k) {
        if (written >= max_out) return LzfuStatus::SizeLimit;
        char b = dict[(offset + k) & 0xFFF];
        out.push_back(b);
        ++written;
        dict[wp] = b;
        wp = (wp + 1) & 0xFFF;
      }
    }
  }
  return LzfuStatus::Truncated;  // no end reference
}

}  // namespace phi::mime
