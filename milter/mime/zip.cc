// zip - streaming reader of a ZIP archive's local entries, inflating with zlib (see zip.h).
#include "milter/mime/zip.h"

#include <zlib.h>

#include <algorithm>
#include <climits>

namespace phi::mime {
namespace {

constexpr uint32_t kLocalSig = 0x04034b50;
constexpr uint32_t kCentralSig = 0x02014b50;
constexpr uint32_t kEndSig = 0x06054b50;
constexpr uint32_t kEnd64Sig = 0x06064b50;
constexpr uint32_t kEnd64LocatorSig = 0x07064b50;
constexpr uint32_t kDescriptorSig = 0x08074b50;  // also the spanning marker at offset 0
constexpr uint32_t kSpannedSig = 0x30304b50;     // "PK00": single-segment marker at offset 0
constexpr uint32_t kSignatureSig = 0x05054b50;   // central directory digital signature
constexpr uint32_t kExtraDataSig = 0x08064b50;   // archive extra data record (central directory encryption)
constexpr size_t kHeaderRest = 26;               // local header after its signature
constexpr size_t kOutBuf = 16 * 1024;
constexpr uint32_t kSizeInZip64 = 0xFFFFFFFFu;

uint16_t le16(std::string_view b, size_t at) {
  return static_cast<uint16_t>(static_cast<unsigned char>(b[at]) | static_cast<unsigned char>(b[at + 1]) << 8);
}
uint32_t le32(std::string_view b, size_t at) { return le16(b, at) | static_cast<uint32_t>(le16(b, at + 2)) << 16; }
uint64_t le64(std::string_view b, size_t at) { return le32(b, at) | static_cast<uint64_t>(le32(b, at + 4)) << 32; }

// Offsets in the local header after its signature.
constexpr size_t kFlags = 2, kMethod = 4, kCsize = 14, kUsize = 18, kNameLen = 22, kExtraLen = 24;

}  // namespace

struct ZipStream::Inflater {
  z_stream z{};
  bool ok = false;
  char out[kOutBuf];
  Inflater() { ok = inflateInit2(&z, -MAX_WBITS) == Z_OK; }
  ~Inflater() {
    if (ok) inflateEnd(&z);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
};

ZipStream::ZipStream(Handler& h, uint64_t max_output, size_t max_entries)
    : h_(h), max_output_(max_output), max_entries_(max_entries) {}

ZipStream::~ZipStream() = default;

void ZipStream::feed(std::string_view in) {
  while (!in.empty() && status_ == Status::Reading) {
    State before = state_;
    size_t n = step(in);
    if (n == 0 && state_ == before && status_ == Status::Reading) {
      stop(Status::Malformed);  // no progress: never expected, but never loop
      return;
    }
    in.remove_prefix(n);
  }
}

size_t ZipStream::collect(std::string_view in, size_t want) {
  size_t n = std::min(in.size(), want - std::min(want, buf_.size()));
  buf_.append(in.data(), n);
  return n;
}

size_t ZipStream::step(std::string_view in) {
  switch (state_) {
    case State::Signature: {
      size_t n = collect(in, 4);
      if (buf_.size() == 4) on_signature();
      return n;
    }
    case State::Header: {
      size_t n = collect(in, kHeaderRest);
      if (buf_.size() == kHeaderRest) on_header();
      return n;
    }
    case State::Name: {
      size_t n = static_cast<size_t>(std::min<uint64_t>(in.size(), skip_));
      size_t keep = std::min(n, kMaxZipName - std::min(kMaxZipName, e_.name.size()));
      e_.name.append(in.data(), keep);
      skip_ -= n;
      if (skip_ == 0) {
        state_ = State::Extra;
        skip_ = extra_len_;
        if (skip_ == 0) begin_data();
      }
      return n;
    }
    case State::Extra: {
      size_t n = static_cast<size_t>(std::min<uint64_t>(in.size(), skip_));
      extra_.append(in.data(), n);  // at most 65535 bytes in all
      skip_ -= n;
      if (skip_ == 0) begin_data();
      return n;
    }
    case State::Data:
      if (e_.method == 8) return data_deflated(in);
      return size_known_ ? data_stored(in) : data_stored_scan(in);
    case State::Record: {
      size_t n = collect(in, need_);
      if (buf_.size() == need_) on_record();
      return n;
    }
    case State::Descriptor: {
      size_t n = collect(in, 4);
      if (buf_.size() == 4) {
        // Optional signature, CRC-32, then two sizes of 4 bytes, or of 8 in a Zip64 entry.
        uint64_t rest = zip64_ ? 16 : 8;
        skip_ = le32(buf_, 0) == kDescriptorSig ? rest + 4 : rest;
        buf_.clear();
        state_ = State::Skip;
        to_signature_ = true;
      }
      return n;
    }
    case State::Skip: {
      size_t n = static_cast<size_t>(std::min<uint64_t>(in.size(), skip_));
      skip_ -= n;
      if (skip_ == 0) {
        if (to_signature_) {
          to_signature_ = false;
          state_ = State::Signature;
        } else {
          after_data();
        }
      }
      return n;
    }
  }
  return 0;
}

void ZipStream::on_signature() {
  uint32_t sig = le32(buf_, 0);
  buf_.clear();
  if (sig == kLocalSig) {
    if (entries_ >= max_entries_) {
      stop(Status::EntryLimit);
      return;
    }
    state_ = State::Header;
    return;
  }
  // The central directory and the records around it are skipped by their
  // lengths, not taken as the end: a reader opens the entries the last
  // central directory lists, wherever they are, so an entry placed after
  // a central directory record must be read too.
  size_t fixed = sig == kCentralSig ? 42 : sig == kEndSig ? 18 : sig == kEnd64Sig ? 8 : sig == kEnd64LocatorSig ? 16
               : sig == kSignatureSig ? 2 : sig == kExtraDataSig ? 4 : 0;
  if (fixed > 0) {
    record_ = sig;
    need_ = fixed;
    state_ = State::Record;
    return;
  }
  if ((sig == kDescriptorSig || sig == kSpannedSig) && entries_ == 0 && !marker_seen_) {
    marker_seen_ = true;  // a split-archive marker before the first entry
    return;
  }
  stop(Status::Malformed);
}

// The fixed part of a central directory, end or signature record is in:
// skip its variable part.
void ZipStream::on_record() {
  uint64_t skip = 0;
  switch (record_) {
    case kCentralSig: skip = uint64_t{le16(buf_, 24)} + le16(buf_, 26) + le16(buf_, 28); break;  // name, extra, comment
    case kEndSig: skip = le16(buf_, 16); end_seen_ = true; break;                               // the comment
    case kEnd64Sig: skip = le64(buf_, 0); break;                                                // the rest of the record
    case kSignatureSig: skip = le16(buf_, 0); break;
    case kExtraDataSig: skip = le32(buf_, 0); break;
    default: break;  // the Zip64 end locator: fixed size
  }
  buf_.clear();
  skip_ = skip;
  to_signature_ = true;
  state_ = State::Skip;
  if (skip_ == 0) {
    to_signature_ = false;
    state_ = State::Signature;
  }
}

void ZipStream::on_header() {
  header_ = buf_;
  buf_.clear();
  ++entries_;
  e_ = ZipEntry{};
  e_.flags = le16(header_, kFlags);
  e_.method = le16(header_, kMethod);
  e_.encrypted = (e_.flags & 1) != 0;
  skip_ = le16(header_, kNameLen);
  extra_len_ = le16(header_, kExtraLen);
  extra_.clear();
  zip64_ = false;
  state_ = State::Name;
  if (skip_ == 0) {
    state_ = State::Extra;
    skip_ = extra_len_;
    if (skip_ == 0) begin_data();
  }
}

void ZipStream::begin_data() {
  uint32_t csize32 = le32(header_, kCsize), usize32 = le32(header_, kUsize);
  csize_ = csize32;
  bool csize_found = csize32 != kSizeInZip64;
  // The Zip64 extended information field: the 64-bit sizes of the fields set to 0xFFFFFFFF, in order.
  for (size_t i = 0; i + 4 <= extra_.size();) {
    uint16_t id = le16(extra_, i), len = le16(extra_, i + 2);
    if (i + 4 + len > extra_.size()) break;
    if (id == 0x0001) {
      zip64_ = true;
      size_t p = i + 4, end = i + 4 + len;
      if (usize32 == kSizeInZip64 && p + 8 <= end) p += 8;
      if (csize32 == kSizeInZip64 && p + 8 <= end) {
        csize_ = le64(extra_, p);
        csize_found = true;
      }
    }
    i += 4 + len;
  }
  extra_.clear();
  bool descriptor = (e_.flags & 8) != 0;
  size_known_ = !descriptor && csize_found;
  if (!descriptor && !csize_found) errors_ = true;
  e_.readable = !e_.encrypted && (e_.method == 8 || e_.method == 0) && (size_known_ || descriptor);
  bool accepted = h_.entry(e_);
  want_ = e_.readable && accepted;
  if (e_.readable && (want_ || !size_known_)) {
    state_ = State::Data;
    left_ = csize_;
    hold_.clear();
    crc_ = 0;
    count_ = 0;
    if (e_.method == 8) {
      if (!inf_) inf_ = std::make_unique<Inflater>();
      if (!inf_->ok || inflateReset(&inf_->z) != Z_OK) {
        stop(Status::Malformed);
        return;
      }
    }
    if (size_known_ && left_ == 0) {
      if (e_.method == 8) errors_ = true;  // a deflate stream is never empty
      end_entry();
      after_data();
    }
    return;
  }
  if (size_known_) {
    state_ = State::Skip;
    skip_ = csize_;
    if (skip_ == 0) after_data();
    return;
  }
  stop(Status::Unsupported);
}

size_t ZipStream::data_stored(std::string_view in) {
  size_t n = static_cast<size_t>(std::min<uint64_t>(in.size(), left_));
  left_ -= n;
  if (!emit(in.substr(0, n))) return n;
  if (left_ == 0) {
    end_entry();
    after_data();
  }
  return n;
}

size_t ZipStream::data_deflated(std::string_view in) {
  z_stream& z = inf_->z;
  size_t give = in.size();
  if (size_known_) give = static_cast<size_t>(std::min<uint64_t>(give, left_));
  give = std::min<size_t>(give, UINT_MAX);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(give);
  int rc = Z_OK;
  for (;;) {
    z.next_out = reinterpret_cast<Bytef*>(inf_->out);
    z.avail_out = kOutBuf;
    rc = inflate(&z, Z_NO_FLUSH);
    size_t produced = kOutBuf - z.avail_out;
    if (produced > 0 && !emit(std::string_view(inf_->out, produced))) return give - z.avail_in;
    if (rc != Z_OK) break;                            // the end, an error, or no progress possible
    if (z.avail_in == 0 && z.avail_out != 0) break;  // all input taken and all output flushed
  }
  size_t used = give - z.avail_in;
  if (size_known_) left_ -= used;
  if (rc == Z_STREAM_END) {
    end_entry();
    if (size_known_ && left_ > 0) {  // bytes after the deflate stream inside the entry: skip them
      state_ = State::Skip;
      skip_ = left_;
    } else {
      after_data();
    }
    return used;
  }
  if (rc != Z_OK && rc != Z_BUF_ERROR) {  // a broken deflate stream
    errors_ = true;
    end_entry();
    if (!size_known_) {
      stop(Status::Malformed);
      return used;
    }
    state_ = State::Skip;
    skip_ = left_;
    if (skip_ == 0) after_data();
    return used;
  }
  if (size_known_ && left_ == 0) {  // the entry's bytes ended before its deflate stream did
    errors_ = true;
    end_entry();
    after_data();
  }
  return used;
}

// A stored entry whose size only its data descriptor gives (Go, Python
// and Info-ZIP writing to a pipe): its data ends where a signed descriptor
// follows whose CRC-32 and both sizes match the bytes so far. Bytes from a
// 'P' on are held back (at most a descriptor's length) until they are
// known not to start it.
size_t ZipStream::data_stored_scan(std::string_view in) {
  static constexpr std::string_view kSig("PK\x07\x08", 4);
  const size_t desc_len = zip64_ ? 24 : 16;
  size_t used = 0;
  while (used < in.size() && status_ == Status::Reading && state_ == State::Data) {
    if (hold_.empty()) {
      size_t p = in.find('P', used);
      size_t end = p == std::string_view::npos ? in.size() : p;
      if (end > used && !emit_scanned(in.substr(used, end - used))) return end;
      used = end;
      if (p == std::string_view::npos) break;
    }
    size_t take = std::min(in.size() - used, desc_len - hold_.size());
    hold_.append(in.data() + used, take);
    used += take;
    size_t n = std::min(hold_.size(), kSig.size());
    bool may_be = hold_.compare(0, n, kSig.substr(0, n)) == 0;
    if (may_be && hold_.size() < desc_len) break;  // wait for more
    if (may_be && le32(hold_, 4) == crc_ &&
        (zip64_ ? le64(hold_, 8) == count_ && le64(hold_, 16) == count_
                : le32(hold_, 8) == count_ && le32(hold_, 12) == count_)) {
      hold_.clear();
      end_entry();
      buf_.clear();
      state_ = State::Signature;  // the descriptor is consumed
      return used;
    }
    // Not a descriptor here: its first byte is data; look again from the next 'P'.
    size_t next = hold_.find('P', 1);
    if (next == std::string::npos) next = hold_.size();
    std::string data = hold_.substr(0, next);
    hold_.erase(0, next);
    if (!emit_scanned(data)) return used;
  }
  return used;
}

bool ZipStream::emit_scanned(std::string_view data) {
  crc_ = static_cast<uint32_t>(crc32(crc_, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
  count_ += data.size();
  return emit(data);
}

bool ZipStream::emit(std::string_view out) {
  uint64_t room = max_output_ - std::min(out_total_, max_output_);
  out_total_ += out.size();
  if (out.size() > room) {
    if (want_ && room > 0) h_.data(out.substr(0, static_cast<size_t>(room)));
    stop(Status::SizeLimit);
    return false;
  }
  if (want_ && !out.empty()) h_.data(out);
  return true;
}

void ZipStream::end_entry() {
  if (want_) h_.entry_end();
  want_ = false;
}

void ZipStream::after_data() {
  buf_.clear();
  if (e_.flags & 8) {
    state_ = State::Descriptor;
  } else {
    state_ = State::Signature;
  }
}

void ZipStream::stop(Status s) {
  end_entry();
  status_ = s;
  if (s == Status::Malformed || s == Status::Truncated) errors_ = true;
}

void ZipStream::finish() {
  if (status_ != Status::Reading) return;
  if (state_ == State::Signature && buf_.empty() && end_seen_) {
    status_ = Status::Done;
    return;
  }
  if (state_ == State::Data && !hold_.empty()) emit(hold_);  // a cut stored entry's last bytes
  if (status_ != Status::Reading) return;
  // Input that ends between two entries without a central directory was cut as surely as one cut mid-entry.
  stop(entries_ == 0 ? Status::Malformed : Status::Truncated);
}

}  // namespace phi::mime
