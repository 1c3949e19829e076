// ole - the top-level streams of an OLE2 compound file (see ole.h).
#include "milter/mime/ole.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "milter/util/le.h"

namespace phi::mime {
namespace {

constexpr std::string_view kSignature("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
constexpr uint32_t kMaxRegular = 0xFFFFFFFA;  // higher sector numbers are markers (end of chain, free...)
constexpr uint32_t kNoStream = 0xFFFFFFFF;    // no sibling or child
constexpr size_t kEntry = 128;

using phi::le16;
using phi::le32;

class Reader {
 public:
  Reader(const std::function<bool(uint64_t, std::span<char>)>& read_at, uint64_t size)
      : read_at_(read_at), size_(size) {}

  bool header() {
    char h[512];
    if (size_ < sizeof h || !read_at_(0, h)) return false;
    if (std::string_view(h, 8) != kSignature || le16(h + 0x1C) != 0xFFFE) return false;
    uint16_t shift = le16(h + 0x1E);
    if (shift != 9 && shift != 12) return false;
    sector_ = size_t(1) << shift;
    major_ = le16(h + 0x1A);
    mini_cutoff_ = le32(h + 0x38);
    if (le16(h + 0x20) != 6) return false;  // 64-byte mini sectors
    minifat_start_ = le32(h + 0x3C);
    minifat_count_ = le32(h + 0x40);
    sectors_ = (size_ + sector_ - 1) / sector_ - 1;  // after the header's; the last may be cut short
    dir_start_ = le32(h + 0x30);
    // The FAT's sectors: 109 in the header, the rest in the DIFAT chain.
    uint32_t fat_count = le32(h + 0x2C);
    if (fat_count > sectors_) return false;
    for (size_t i = 0; i < 109 && fat_.size() < fat_count; ++i) fat_.push_back(le32(h + 0x4C + 4 * i));
    uint32_t difat = le32(h + 0x44);
    std::vector<char> s(sector_);
    for (uint64_t steps = 0; fat_.size() < fat_count; ++steps) {
      if (difat >= kMaxRegular || steps > sectors_ || !sector(difat, s)) return false;
      for (size_t i = 0; i + 1 < sector_ / 4 && fat_.size() < fat_count; ++i) fat_.push_back(le32(s.data() + 4 * i));
      difat = le32(s.data() + sector_ - 4);
    }
    return true;
  }

  // The directory's entries, in chain order.
  bool directory(std::vector<char>& dir) {
    std::vector<char> s(sector_);
    std::vector<bool> seen(sectors_);
    uint32_t at = dir_start_;
    while (at < kMaxRegular) {
      if (at >= sectors_ || seen[at] || !sector(at, s)) return false;  // outside the file, or a loop
      seen[at] = true;
      dir.insert(dir.end(), s.begin(), s.end());
      auto next = fat_entry(at);
      if (!next) return false;
      at = *next;
    }
    return at == 0xFFFFFFFE && !dir.empty();  // ENDOFCHAIN
  }

  // `size` bytes of the chain that starts at `start`, to `out` a sector at a time.
  bool read_chain(uint32_t start, uint64_t size, const std::function<void(std::string_view)>& out) {
    std::vector<char> s(sector_);
    std::vector<bool> seen(sectors_);
    uint32_t at = start;
    for (uint64_t done = 0; done < size;) {
      if (at >= sectors_ || seen[at] || !sector(at, s)) return false;  // the end, outside the file, or a loop
      seen[at] = true;
      size_t n = size_t(std::min<uint64_t>(sector_, size - done));
      out(std::string_view(s.data(), n));
      done += n;
      auto next = fat_entry(at);
      if (!next) return false;
      at = *next;
    }
    return true;
  }
  bool read_chain(uint32_t start, uint64_t size, std::string& out) {
    return read_chain(start, size, [&](std::string_view b) { out.append(b); });
  }
  // The mini FAT: its sectors' chain, as many as the header says.
  bool read_minifat(std::string& out) {
    if (minifat_count_ > sectors_) return false;
    return read_chain(minifat_start_, uint64_t(minifat_count_) * sector_, out);
  }
  uint16_t major() const { return major_; }
  uint32_t mini_cutoff() const { return mini_cutoff_; }

 private:
  // Sector n; a last sector that the file cuts short (some writers stop
  // at the end of the data) is read as far as it goes, the rest zeros.
  bool sector(uint32_t n, std::vector<char>& out) {
    if (n >= sectors_) return false;
    uint64_t at = (uint64_t(n) + 1) * sector_;
    size_t have = size_t(std::min<uint64_t>(sector_, size_ - at));
    std::fill(out.begin() + std::ptrdiff_t(have), out.end(), '\0');
    return read_at_(at, std::span<char>(out.data(), have));
  }
  std::optional<uint32_t> fat_entry(uint32_t n) {
    size_t per = sector_ / 4;
    size_t which = n / per;
    if (which >= fat_.size() || fat_[which] >= kMaxRegular || fat_[which] >= sectors_) return std::nullopt;
    char b[4];
    if (!read_at_((uint64_t(fat_[which]) + 1) * sector_ + 4 * (n % per), b)) return std::nullopt;
    return le32(b);
  }

  const std::function<bool(uint64_t, std::span<char>)>& read_at_;
  const uint64_t size_;
  size_t sector_ = 512;
  uint64_t sectors_ = 0;
  uint32_t dir_start_ = 0;
  uint16_t major_ = 3;
  uint32_t mini_cutoff_ = 4096;
  uint32_t minifat_start_ = 0xFFFFFFFE, minifat_count_ = 0;
  std::vector<uint32_t> fat_;
};

std::string entry_name(const char* e) {
  uint16_t bytes = le16(e + 64);  // with the terminating NUL
  if (bytes < 2 || bytes > 64 || bytes % 2) return {};
  std::string name;
  for (size_t i = 0; i + 2 < bytes; i += 2) {
    uint16_t c = le16(e + i);
    name.push_back(c < 0x80 ? char(c) : '?');
  }
  return name;
}


// The entries of one storage's tree, from its child link `first`, each
// given to `visit` (streams and storages only); walked by left and right
// siblings (a child link leads into a sub-storage). False for a link
// outside the directory or a cycle.
bool walk_tree(const std::vector<char>& dir, uint32_t first, const std::function<void(uint32_t, const char*)>& visit) {
  const size_t entries = dir.size() / kEntry;
  std::vector<bool> seen(entries);
  std::vector<uint32_t> stack{first};
  while (!stack.empty()) {
    uint32_t i = stack.back();
    stack.pop_back();
    if (i == kNoStream) continue;
    if (i >= entries || seen[i]) return false;
    seen[i] = true;
    const char* e = dir.data() + size_t(i) * kEntry;
    if (e[66] == 1 || e[66] == 2) visit(i, e);
    stack.push_back(le32(e + 68));
    stack.push_back(le32(e + 72));
  }
  return true;
}

}  // namespace

struct OleFile::Impl {
  struct Entry {
    std::string name;
    bool stream;
    uint32_t start;
    uint64_t length;
    uint32_t child;  // a storage's tree
  };
  Impl(std::function<bool(uint64_t, std::span<char>)> f, uint64_t n) : read_at(std::move(f)), size(n), r(read_at, n) {}
  uint64_t length_of(const char* e) const {
    return r.major() == 3 ? le32(e + 120) : uint64_t(le32(e + 120)) | uint64_t(le32(e + 124)) << 32;
  }
  // The mini stream and its allocation table, read once.
  bool load_mini() {
    if (mini_loaded) return mini_ok;
    mini_loaded = true;
    if (root_length > size) return false;
    mini_ok = r.read_chain(root_start, root_length, mini) && r.read_minifat(minifat);
    return mini_ok;
  }

  // The children of the storage at `path` (top-level storages' names,
  // '/' between them: "ObjectPool/_1234"), or nullptr (none, or a tree on
  // the way is damaged). The last storage asked for is kept: an
  // attachment's properties are read one after another, and its tree
  // (which a hostile file may make as large as the directory) is walked
  // once, not once per property.
  const std::vector<Entry>* storage(std::string_view path) const {
    if (!cached_ok || cached_name != path) {
      cached_name = std::string(path);
      cached.clear();
      cached_ok = find_storage(path, cached);
      if (!cached_ok) cached.clear();
    }
    return cached_ok ? &cached : nullptr;
  }
  bool find_storage(std::string_view path, std::vector<Entry>& out) const {
    const std::vector<Entry>* in = &entries;
    std::vector<Entry> level;
    while (true) {
      size_t slash = path.find('/');
      std::string_view name = path.substr(0, slash);
      auto it = std::find_if(in->begin(), in->end(), [&](const Entry& e) { return !e.stream && e.name == name; });
      if (it == in->end()) return false;
      uint32_t child = it->child;
      if (slash == std::string_view::npos) return children(child, out);
      path.remove_prefix(slash + 1);
      std::vector<Entry> next;
      if (!children(child, next)) return false;
      level = std::move(next);
      in = &level;
    }
  }
  // The entries of the tree from link `first`, or false.
  bool children(uint32_t first, std::vector<Entry>& out) const {
    return walk_tree(dir, first, [&](uint32_t, const char* e) {
      out.push_back({entry_name(e), e[66] == 2, le32(e + 116), length_of(e), le32(e + 76)});
    });
  }
  // The stream `name` among `in`, to `out`, at most max_bytes.
  OleStream read(const std::vector<Entry>& in, std::string_view name, uint64_t max_bytes,
                 const std::function<void(std::string_view)>& out);

  const std::function<bool(uint64_t, std::span<char>)> read_at;
  const uint64_t size;
  Reader r;
  bool valid = false;
  std::vector<char> dir;       // the whole directory, kept for storages' trees
  std::vector<Entry> entries;  // the root storage's children
  mutable std::string cached_name;  // storage(): the last storage asked for
  mutable std::vector<Entry> cached;
  mutable bool cached_ok = false;
  uint32_t root_start = 0;
  uint64_t root_length = 0;
  bool mini_loaded = false, mini_ok = false;
  std::string mini, minifat;
};

OleFile::OleFile(std::function<bool(uint64_t, std::span<char>)> read_at, uint64_t size)
    : p_(std::make_unique<Impl>(std::move(read_at), size)) {
  Impl& p = *p_;
  // Entry 0 is the root storage: its own chain is the mini stream, its
  // child link the tree of the top-level entries.
  p.valid = p.r.header() && p.r.directory(p.dir) && p.dir[66] == 5;
  if (p.valid) {
    p.root_start = le32(p.dir.data() + 116);
    p.root_length = p.length_of(p.dir.data());
    p.valid = p.children(le32(p.dir.data() + 76), p.entries);
  }
  if (!p.valid) {
    p.entries.clear();
    p.dir.clear();
  }
}

OleFile::~OleFile() = default;

bool OleFile::valid() const { return p_->valid; }

OleListing OleFile::listing() const {
  OleListing l;
  l.valid = p_->valid;
  for (const auto& e : p_->entries) l.add(e.name, e.stream, e.length);
  return l;
}

OleStream OleFile::Impl::read(const std::vector<Entry>& in, std::string_view name, uint64_t max_bytes,
                              const std::function<void(std::string_view)>& out) {
  auto it = std::find_if(in.begin(), in.end(), [&](const Entry& e) { return e.stream && e.name == name; });
  if (it == in.end()) return OleStream::Missing;
  if (it->length > max_bytes || it->length > size) return OleStream::TooLarge;
  if (it->length >= r.mini_cutoff())
    return r.read_chain(it->start, it->length, out) ? OleStream::Read : OleStream::Unreadable;
  // In the mini stream: 64-byte sectors chained by the mini FAT.
  if (!load_mini()) return OleStream::Unreadable;
  constexpr size_t kMini = 64;
  std::vector<bool> seen(mini.size() / kMini);
  uint32_t at = it->start;
  for (uint64_t done = 0; done < it->length;) {
    if (at >= seen.size() || seen[at] || size_t(at) * 4 + 4 > minifat.size()) return OleStream::Unreadable;
    seen[at] = true;
    size_t n = size_t(std::min<uint64_t>(kMini, it->length - done));
    out(std::string_view(mini).substr(size_t(at) * kMini, n));
    done += n;
    at = le32(minifat.data() + size_t(at) * 4);
  }
  return OleStream::Read;
}

OleStream OleFile::read(std::string_view name, uint64_t max_bytes, std::string& out) {
  out.clear();
  if (!p_->valid) return OleStream::Unreadable;
  OleStream st = p_->read(p_->entries, name, max_bytes, [&](std::string_view b) { out.append(b); });
  if (st != OleStream::Read) out.clear();
  return st;
}

OleStream OleFile::read(std::string_view name, uint64_t max_bytes, const std::function<void(std::string_view)>& out) {
  if (!p_->valid) return OleStream::Unreadable;
  return p_->read(p_->entries, name, max_bytes, out);
}

OleListing OleFile::listing(std::string_view storage) const {
  OleListing l;
  const auto* in = p_->valid ? p_->storage(storage) : nullptr;
  if (!in) return l;
  l.valid = true;
  for (const auto& e : *in) l.add(e.name, e.stream, e.length);
  return l;
}

OleStream OleFile::read(std::string_view storage, std::string_view name, uint64_t max_bytes,
                        const std::function<void(std::string_view)>& out) {
  const auto* in = p_->valid ? p_->storage(storage) : nullptr;
  if (!in) return OleStream::Unreadable;
  return p_->read(*in, name, max_bytes, out);
}

bool is_ole(std::string_view b) { return b.substr(0, 8) == kSignature; }

bool OleListing::has(std::string_view name) const {
  return std::find(names.begin(), names.end(), name) != names.end();
}

void OleListing::add(std::string name, bool stream, uint64_t length) {
  names.push_back(name);
  items.push_back({std::move(name), stream, stream ? length : 0});
}

}  // namespace phi::mime
