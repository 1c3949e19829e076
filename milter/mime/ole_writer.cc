// ole_writer - an OLE2 compound file of given streams, written front to back (see ole_writer.h).
#include "milter/mime/ole_writer.h"

#include <algorithm>
#include <cstring>

#include "milter/util/le.h"
#include "milter/util/strings.h"

namespace phi::mime {
namespace {

constexpr uint64_t kSector = 512;
constexpr uint64_t kMini = 64;
constexpr uint64_t kCutoff = 4096;
constexpr uint64_t kEntry = 128;
constexpr uint32_t kFree = 0xFFFFFFFF, kEnd = 0xFFFFFFFE, kFatSector = 0xFFFFFFFD, kDifatSector = 0xFFFFFFFC,
                   kNoStream = 0xFFFFFFFF;
constexpr uint64_t kPerSector = kSector / 4;  // sector numbers in a FAT sector
constexpr uint64_t kHeaderFat = 109;          // FAT sectors the header lists; the DIFAT sectors list the rest

uint64_t units(uint64_t bytes, uint64_t unit) { return (bytes + unit - 1) / unit; }

void put16(std::string& b, size_t at, uint16_t v) { put_le16(&b[at], v); }
void put32(std::string& b, size_t at, uint32_t v) { put_le32(&b[at], v); }

// A table of sector numbers (the FAT, the mini FAT) written as little-endian words.
void chain(std::vector<uint32_t>& table, uint64_t first, uint64_t count) {
  for (uint64_t i = 0; i < count; ++i) table[first + i] = i + 1 < count ? uint32_t(first + i + 1) : kEnd;
}

std::string words(const std::vector<uint32_t>& table) {
  std::string b(table.size() * 4, '\0');
  for (size_t i = 0; i < table.size(); ++i) put32(b, i * 4, table[i]);
  return b;
}

char upper(char c) { return ascii_alpha(c) && !ascii_upper(c) ? char(c - 'a' + 'A') : c; }

// The format's order of names in a storage's tree: shorter first, then by upper-cased code unit.
bool name_less(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size();
  for (size_t i = 0; i < a.size(); ++i) {
    char x = upper(a[i]), y = upper(b[i]);
    if (x != y) return static_cast<unsigned char>(x) < static_cast<unsigned char>(y);
  }
  return false;
}

}  // namespace

OleWriter::OleWriter(std::vector<Stream> streams, std::function<void(std::string_view)> out)
    : streams_(std::move(streams)), out_(std::move(out)) {
  uint64_t total = 0;
  for (const auto& s : streams_) total += std::min(s.length, kMaxOleBytes + 1);
  if (streams_.size() > kMaxOleStreams || total > kMaxOleBytes) return;
  ok_ = true;
  const size_t n = streams_.size();
  for (size_t i = 0; i < n; ++i)
    if (streams_[i].length < kCutoff) order_.push_back(i);
  small_ = order_.size();
  for (size_t i = 0; i < n; ++i)
    if (streams_[i].length >= kCutoff) order_.push_back(i);

  // Where each stream starts: mini sectors for the small ones, sectors for the others.
  std::vector<uint32_t> start(n, kEnd);
  uint64_t minis = 0;
  for (size_t k = 0; k < small_; ++k) {
    const auto& s = streams_[order_[k]];
    if (s.length > 0) start[order_[k]] = uint32_t(minis);
    minis += units(s.length, kMini);
  }
  const uint64_t mini_fat = units(minis * 4, kSector), dir = units((n + 1) * kEntry, kSector),
                 mini_sectors = units(minis * kMini, kSector);
  uint64_t big = 0;
  for (size_t k = small_; k < n; ++k) big += units(streams_[order_[k]].length, kSector);
  const uint64_t data = mini_fat + dir + mini_sectors + big;
  // The FAT covers every sector, its own and the DIFAT's included.
  uint64_t fat = 1, difat = 0;
  while (fat * kPerSector < data + fat + difat) {
    ++fat;
    difat = fat > kHeaderFat ? units(fat - kHeaderFat, kPerSector - 1) : 0;
  }
  mini_tail_ = mini_sectors * kSector - minis * kMini;

  // The DIFAT's sectors first, then the FAT's, the mini FAT, the directory, the mini stream, the streams.
  std::vector<uint32_t> table(fat * kPerSector, kFree);
  for (uint64_t i = 0; i < difat; ++i) table[i] = kDifatSector;
  for (uint64_t i = 0; i < fat; ++i) table[difat + i] = kFatSector;
  std::vector<uint32_t> difat_table(difat * kPerSector, kFree);
  for (uint64_t i = kHeaderFat; i < fat; ++i) difat_table[(i - kHeaderFat) / (kPerSector - 1) * kPerSector + (i - kHeaderFat) % (kPerSector - 1)] = uint32_t(difat + i);
  for (uint64_t d = 0; d < difat; ++d) difat_table[d * kPerSector + kPerSector - 1] = d + 1 < difat ? uint32_t(d + 1) : kEnd;
  uint64_t at = difat + fat;
  chain(table, at, mini_fat);
  const uint64_t mini_fat_at = at, dir_at = at + mini_fat, mini_at = dir_at + dir;
  chain(table, dir_at, dir);
  chain(table, mini_at, mini_sectors);
  at = mini_at + mini_sectors;
  for (size_t k = small_; k < n; ++k) {
    uint64_t count = units(streams_[order_[k]].length, kSector);
    chain(table, at, count);
    start[order_[k]] = uint32_t(at);
    at += count;
  }
  std::vector<uint32_t> mini_table(mini_fat * kPerSector, kFree);
  for (size_t k = 0; k < small_; ++k) {
    const auto& s = streams_[order_[k]];
    if (s.length > 0) chain(mini_table, start[order_[k]], units(s.length, kMini));
  }

  // The directory: the root, then the streams; a balanced tree by name_less.
  std::vector<size_t> sorted(n);
  for (size_t i = 0; i < n; ++i) sorted[i] = i;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [&](size_t a, size_t b) { return name_less(streams_[a].name, streams_[b].name); });
  std::string entries(dir * kSector, '\0');
  for (size_t e = 0; e < dir * kSector / kEntry; ++e) {
    put32(entries, e * kEntry + 68, kNoStream);
    put32(entries, e * kEntry + 72, kNoStream);
    put32(entries, e * kEntry + 76, kNoStream);
  }
  std::function<uint32_t(size_t, size_t)> tree = [&](size_t lo, size_t hi) -> uint32_t {
    if (lo >= hi) return kNoStream;
    size_t mid = lo + (hi - lo) / 2;
    size_t e = (sorted[mid] + 1) * kEntry;
    put32(entries, e + 68, tree(lo, mid));
    put32(entries, e + 72, tree(mid + 1, hi));
    return uint32_t(sorted[mid] + 1);
  };
  auto entry = [&](size_t e, std::string_view name, char type, uint32_t first, uint64_t length) {
    size_t b = e * kEntry;
    size_t chars = std::min<size_t>(name.size(), 31);
    for (size_t i = 0; i < chars; ++i) put16(entries, b + 2 * i, static_cast<unsigned char>(name[i]));
    put16(entries, b + 64, uint16_t(2 * chars + 2));
    entries[b + 66] = type;
    entries[b + 67] = 1;  // black
    put32(entries, b + 116, first);
    put32(entries, b + 120, uint32_t(length));
    put32(entries, b + 124, uint32_t(length >> 32));
  };
  entry(0, "Root Entry", 5, mini_sectors ? uint32_t(mini_at) : kEnd, minis * kMini);
  put32(entries, 76, tree(0, n));
  for (size_t i = 0; i < n; ++i) entry(i + 1, streams_[i].name, 2, start[i], streams_[i].length);

  std::string header(kSector, '\0');
  header.replace(0, 8, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
  put16(header, 0x18, 0x3E);
  put16(header, 0x1A, 3);
  put16(header, 0x1C, 0xFFFE);
  put16(header, 0x1E, 9);
  put16(header, 0x20, 6);
  put32(header, 0x2C, uint32_t(fat));
  put32(header, 0x30, uint32_t(dir_at));
  put32(header, 0x38, uint32_t(kCutoff));
  put32(header, 0x3C, mini_fat ? uint32_t(mini_fat_at) : kEnd);
  put32(header, 0x40, uint32_t(mini_fat));
  put32(header, 0x44, difat ? 0 : kEnd);
  put32(header, 0x48, uint32_t(difat));
  for (size_t i = 0; i < kHeaderFat; ++i) put32(header, 0x4C + 4 * i, i < fat ? uint32_t(difat + i) : kFree);
  out_(header);
  out_(words(difat_table));
  out_(words(table));
  out_(words(mini_table));
  out_(entries);
}

void OleWriter::data(std::string_view bytes) {
  if (!ok_ || next_ >= order_.size()) return;
  const Stream& s = streams_[order_[next_]];
  size_t n = size_t(std::min<uint64_t>(bytes.size(), s.length - given_));
  out_(bytes.substr(0, n));
  given_ += n;
}

bool OleWriter::end_stream() {
  if (!ok_ || next_ >= order_.size()) return false;
  const Stream& s = streams_[order_[next_]];
  bool whole = given_ == s.length;
  zeros(s.length - given_);
  bool small = next_ < small_;
  zeros(units(s.length, small ? kMini : kSector) * (small ? kMini : kSector) - s.length);
  if (small && next_ + 1 == small_) zeros(mini_tail_);
  ++next_;
  given_ = 0;
  return whole;
}

void OleWriter::finish() {
  while (ok_ && next_ < order_.size()) end_stream();
}

void OleWriter::zeros(uint64_t n) {
  static const char kZeros[4096] = {};
  while (n > 0) {
    size_t k = size_t(std::min<uint64_t>(n, sizeof kZeros));
    out_(std::string_view(kZeros, k));
    n -= k;
  }
}

}  // namespace phi::mime
