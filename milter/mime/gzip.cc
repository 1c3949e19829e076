// gzip - streaming gzip inflater over zlib, members one after another (see gzip.h).
#include "milter/mime/gzip.h"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cstring>

namespace phi::mime {
namespace {
constexpr size_t kOutBuf = 16 * 1024;
constexpr size_t kMaxIn = UINT_MAX / 2;  // zlib counts input in uInt
}  // namespace

bool is_gzip(std::string_view b) { return b.substr(0, 3) == std::string_view("\x1F\x8B\x08", 3); }

struct GzipStream::Inflater {
  z_stream z{};
  gz_header head{};
  unsigned char name[kMaxGzipName + 1];
  bool ok = false;
  char out[kOutBuf];
  Inflater() {
    ok = inflateInit2(&z, 16 + MAX_WBITS) == Z_OK;  // gzip only: no zlib or raw stream
    if (ok) watch_header();
  }
  ~Inflater() {
    if (ok) inflateEnd(&z);
  }
  void watch_header() {
    std::memset(name, 0, sizeof name);
    head = gz_header{};
    head.name = name;
    head.name_max = kMaxGzipName;  // the rest of a longer name is skipped by zlib
    inflateGetHeader(&z, &head);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
};

GzipStream::GzipStream() : z_(std::make_unique<Inflater>()) {
  if (!z_->ok) status_ = Status::Malformed, errors_ = true;
}

GzipStream::~GzipStream() = default;

// The first member's FNAME, once its header has been read.
void GzipStream::take_name() {
  if (name_taken_ || z_->head.done != 1) return;
  name_taken_ = true;
  const char* n = reinterpret_cast<const char*>(z_->name);
  name_.assign(n, strnlen(n, kMaxGzipName));
}

void GzipStream::feed(std::string_view in, const Output& out) {
  while (!in.empty() && status_ == Status::Reading) {
    if (trailing_) return;
    if (member_end_) {
      if (static_cast<unsigned char>(in[0]) != 0x1F) {  // not another member: ignored
        trailing_ = true;
        errors_ = true;
        return;
      }
      member_end_ = false;
      inflateReset(&z_->z);  // the next member's header is read and dropped: its name is not the file's
    }
    size_t piece = std::min(in.size(), kMaxIn);
    z_stream& z = z_->z;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(piece);
    int rc = Z_OK;
    do {
      z.next_out = reinterpret_cast<Bytef*>(z_->out);
      z.avail_out = kOutBuf;
      rc = inflate(&z, Z_NO_FLUSH);
      size_t produced = kOutBuf - z.avail_out;
      take_name();
      if (produced > 0) {
        inflated_ += produced;
        if (!out(std::string_view(z_->out, produced))) {
          status_ = Status::Stopped;
          return;
        }
      }
      if (rc == Z_STREAM_END) {
        member_end_ = true;
        break;
      }
      if (rc != Z_OK && rc != Z_BUF_ERROR) {  // Z_DATA_ERROR, Z_MEM_ERROR, Z_NEED_DICT
        status_ = Status::Malformed;
        errors_ = true;
        return;
      }
      if (rc == Z_BUF_ERROR && z.avail_in == 0) break;
    } while (z.avail_in > 0 || z.avail_out == 0);
    size_t used = piece - z.avail_in;
    if (used == 0 && !member_end_) {  // no progress: never expected, but never loop
      status_ = Status::Malformed;
      errors_ = true;
      return;
    }
    in.remove_prefix(used);
  }
}

void GzipStream::finish() {
  if (status_ != Status::Reading) return;
  take_name();
  status_ = member_end_ || trailing_ ? Status::Done : Status::Truncated;
  if (status_ == Status::Truncated) errors_ = true;
}

}  // namespace phi::mime
