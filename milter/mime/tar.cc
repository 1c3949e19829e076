// tar - streaming reader of tar headers and regular files' data (see tar.h).
#include "milter/mime/tar.h"

#include <algorithm>

namespace phi::mime {
namespace {

constexpr size_t kBlock = 512;
// Header field offsets and lengths (POSIX ustar).
constexpr size_t kName = 0, kNameLen = 100, kSize = 124, kSizeLen = 12, kChksum = 148, kChksumLen = 8,
                 kType = 156, kMagic = 257, kPrefix = 345, kPrefixLen = 155;

std::string_view field(std::string_view b, size_t at, size_t len) {
  std::string_view f = b.substr(at, len);
  size_t nul = f.find('\0');
  return nul == std::string_view::npos ? f : f.substr(0, nul);
}

// An octal number, leading and trailing spaces and NULs allowed; false if none or it overflows.
bool octal(std::string_view f, uint64_t& v) {
  size_t i = 0;
  while (i < f.size() && (f[i] == ' ' || f[i] == '\0')) ++i;
  v = 0;
  bool any = false;
  for (; i < f.size() && f[i] >= '0' && f[i] <= '7'; ++i) {
    if (v >> 60) return false;
    v = v * 8 + static_cast<uint64_t>(f[i] - '0');
    any = true;
  }
  for (; i < f.size(); ++i)
    if (f[i] != ' ' && f[i] != '\0') return false;
  return any;
}

// The size field: octal, or GNU's base-256 (first byte 0x80, big-endian after it).
bool size_field(std::string_view b, uint64_t& v) {
  std::string_view f = b.substr(kSize, kSizeLen);
  unsigned char first = static_cast<unsigned char>(f[0]);
  if (!(first & 0x80)) return octal(f, v);
  if (first != 0x80) return false;  // negative, or too large
  v = 0;
  for (size_t i = 1; i < f.size(); ++i) {
    if (v >> 55) return false;
    v = v << 8 | static_cast<unsigned char>(f[i]);
  }
  return v <= (uint64_t{1} << 62);
}

uint64_t padding(uint64_t size) { return (kBlock - size % kBlock) % kBlock; }

std::string cut_name(std::string_view n) { return std::string(n.substr(0, kMaxTarName)); }

}  // namespace

bool is_ustar(std::string_view b) { return b.size() >= kMagic + 5 && b.substr(kMagic, 5) == "ustar"; }

bool tar_header_ok(std::string_view b) {
  if (b.size() < kBlock) return false;
  uint64_t want = 0;
  if (!octal(b.substr(kChksum, kChksumLen), want)) return false;
  uint64_t unsigned_sum = 0;
  int64_t signed_sum = 0;
  for (size_t i = 0; i < kBlock; ++i) {
    bool in_field = i >= kChksum && i < kChksum + kChksumLen;
    unsigned char c = in_field ? ' ' : static_cast<unsigned char>(b[i]);
    unsigned_sum += c;
    signed_sum += static_cast<signed char>(c);
  }
  return want == unsigned_sum || static_cast<int64_t>(want) == signed_sum;
}

TarStream::TarStream(Handler& h, size_t max_entries) : h_(h), max_entries_(max_entries) {}

void TarStream::stop(Status s) {
  status_ = s;
  if (s == Status::Malformed || s == Status::Truncated) errors_ = true;
}

void TarStream::feed(std::string_view in) {
  while (!in.empty() && status_ == Status::Reading) {
    switch (state_) {
      case State::Header: {
        size_t take = std::min(in.size(), kBlock - block_.size());
        block_.append(in.substr(0, take));
        in.remove_prefix(take);
        if (block_.size() == kBlock) on_header();
        break;
      }
      case State::Data: {
        size_t take = static_cast<size_t>(std::min<uint64_t>(in.size(), left_));
        if (want_ && take > 0) h_.data(in.substr(0, take));
        in.remove_prefix(take);
        left_ -= take;
        if (left_ == 0) end_data();
        break;
      }
      case State::Meta: {
        size_t take = static_cast<size_t>(std::min<uint64_t>(in.size(), left_));
        meta_.append(in.substr(0, take));
        in.remove_prefix(take);
        left_ -= take;
        if (left_ == 0) {
          on_meta();
          left_ = pad_;
          pad_ = 0;
          state_ = left_ ? State::Skip : State::Header;
        }
        break;
      }
      case State::Skip: {
        size_t take = static_cast<size_t>(std::min<uint64_t>(in.size(), left_));
        in.remove_prefix(take);
        left_ -= take;
        if (left_ == 0) state_ = State::Header;
        break;
      }
    }
  }
}

void TarStream::end_data() {
  if (want_) h_.entry_end();
  want_ = false;
  left_ = pad_;
  pad_ = 0;
  state_ = left_ ? State::Skip : State::Header;
}

void TarStream::on_header() {
  std::string_view b = block_;
  if (b.find_first_not_of('\0') == std::string_view::npos) {
    block_.clear();
    if (zero_seen_) stop(Status::Done);
    zero_seen_ = true;
    return;
  }
  zero_seen_ = false;
  uint64_t size = 0;
  if (!tar_header_ok(b) || !size_field(b, size)) {
    stop(Status::Malformed);
    return;
  }
  char type = b[kType];
  if (type == 'x' || type == 'L') {  // metadata for the next entry
    meta_.clear();
    meta_type_ = type;
    pad_ = padding(size);
    block_.clear();
    if (size > kMaxTarMeta) {
      errors_ = true;
      left_ = size + pad_;
      pad_ = 0;
      state_ = left_ ? State::Skip : State::Header;
      return;
    }
    left_ = size;
    state_ = State::Meta;
    if (left_ == 0) {  // empty records: nothing to collect
      on_meta();
      state_ = State::Header;
    }
    return;
  }
  if (type == 'g' || type == 'K' || type == 'V') {  // global pax records, long link names, volume labels
    left_ = size + padding(size);
    block_.clear();
    state_ = left_ ? State::Skip : State::Header;
    return;
  }
  if (++entries_ > max_entries_) {
    stop(Status::EntryLimit);
    return;
  }
  TarEntry e;
  if (!next_name_.empty()) {
    e.name = std::move(next_name_);
  } else {
    std::string_view prefix = is_ustar(b) ? field(b, kPrefix, kPrefixLen) : std::string_view();
    std::string_view name = field(b, kName, kNameLen);
    e.name = cut_name(prefix.empty() ? std::string(name) : std::string(prefix) + "/" + std::string(name));
  }
  next_name_.clear();
  if (has_next_size_) size = next_size_;
  has_next_size_ = false;
  e.type = type;
  // Links, devices and FIFOs carry no data whatever their size field says.
  if (type == '1' || type == '2' || type == '3' || type == '4' || type == '6') size = 0;
  e.size = size;
  e.readable = type == '0' || type == '\0' || type == '7';
  block_.clear();
  want_ = h_.entry(e) && e.readable;
  if (status_ != Status::Reading) return;
  left_ = size;
  pad_ = padding(size);
  state_ = State::Data;
  if (left_ == 0) end_data();
}

// A GNU long name, or pax records "LEN key=value\n" (path and size are used).
void TarStream::on_meta() {
  if (meta_type_ == 'L') {
    next_name_ = cut_name(field(meta_, 0, meta_.size()));
  } else {
    std::string_view rest = meta_;
    while (!rest.empty()) {
      size_t sp = rest.find(' ');
      uint64_t len = 0;
      bool ok = sp != std::string_view::npos && sp > 0 && sp <= 19;
      for (size_t i = 0; ok && i < sp; ++i) {
        ok = rest[i] >= '0' && rest[i] <= '9';
        len = len * 10 + static_cast<uint64_t>(rest[i] - '0');
      }
      if (!ok || len <= sp + 1 || len > rest.size() || rest[len - 1] != '\n') {
        errors_ = true;
        break;
      }
      std::string_view rec = rest.substr(sp + 1, len - sp - 2);
      rest.remove_prefix(len);
      size_t eq = rec.find('=');
      if (eq == std::string_view::npos) {
        errors_ = true;
        continue;
      }
      std::string_view key = rec.substr(0, eq), value = rec.substr(eq + 1);
      if (key == "path") {
        next_name_ = cut_name(value);
      } else if (key == "size") {
        uint64_t v = 0;
        bool digits = !value.empty() && value.size() <= 19;
        for (char c : value) {
          digits = digits && c >= '0' && c <= '9';
          if (digits) v = v * 10 + static_cast<uint64_t>(c - '0');
        }
        if (digits) next_size_ = v, has_next_size_ = true;
        else errors_ = true;
      }
    }
  }
  meta_.clear();
  meta_.shrink_to_fit();
}

void TarStream::finish() {
  if (status_ != Status::Reading) return;
  if (state_ == State::Header && block_.empty() && (entries_ > 0 || zero_seen_)) {
    stop(Status::Done);
    return;
  }
  if (state_ == State::Data && want_) h_.entry_end();
  want_ = false;
  stop(Status::Truncated);
}

}  // namespace phi::mime
