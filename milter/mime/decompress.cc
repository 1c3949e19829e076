// decompress - streaming gzip, bzip2, xz and zstd decoders behind one loop (see decompress.h).
#include "milter/mime/decompress.h"

#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <climits>
#include <cstring>

namespace phi::mime {
namespace {
constexpr size_t kOutBuf = 16 * 1024;
constexpr size_t kMaxIn = UINT_MAX / 2;  // zlib and libbz2 count input in unsigned int
constexpr std::string_view kZstdMagic("\x28\xB5\x2F\xFD", 4);  // a zstd frame's first bytes
}  // namespace

std::optional<Compression> compression_of(std::string_view b) {
  if (b.substr(0, 3) == std::string_view("\x1F\x8B\x08", 3)) return Compression::Gzip;
  if (b.size() >= 4 && b.substr(0, 3) == "BZh" && b[3] >= '1' && b[3] <= '9') return Compression::Bzip2;
  if (b.substr(0, 6) == std::string_view("\xFD" "7zXZ\0", 6)) return Compression::Xz;
  if (b.substr(0, kZstdMagic.size()) == kZstdMagic) return Compression::Zstd;
  return std::nullopt;
}

// One decoder: step() decodes from `in` (advancing it) into out[0, cap).
struct Decompressor::Engine {
  enum class Rc { Ok, End, Error, MemLimit };
  virtual ~Engine() = default;
  virtual bool ok() const = 0;
  virtual Rc step(std::string_view& in, char* out, size_t cap, size_t& produced, bool finishing) = 0;
  // The first byte of a stream's signature, to tell another stream after
  // one that ended (restart() then reads it); 0 when the library reads
  // streams one after another itself.
  virtual char next_stream_byte() const = 0;
  virtual void restart() {}
  virtual std::string name() const { return {}; }
  char buf[kOutBuf];
};

namespace {

// gzip, or with `zlib` one zlib stream (RFC 1950).
class GzipEngine : public Decompressor::Engine {
 public:
  explicit GzipEngine(bool zlib = false) : zlib_(zlib) {
    ok_ = inflateInit2(&z_, zlib ? MAX_WBITS : 16 + MAX_WBITS) == Z_OK;  // that format only: no raw stream
    if (!ok_ || zlib) return;
    std::memset(name_, 0, sizeof name_);
    head_.name = name_;
    head_.name_max = kMaxCompressedName;  // the rest of a longer name is skipped by zlib
    inflateGetHeader(&z_, &head_);
  }
  ~GzipEngine() override {
    if (ok_) inflateEnd(&z_);
  }
  bool ok() const override { return ok_; }
  Rc step(std::string_view& in, char* out, size_t cap, size_t& produced, bool) override {
    size_t piece = std::min(in.size(), kMaxIn);
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z_.avail_in = static_cast<uInt>(piece);
    z_.next_out = reinterpret_cast<Bytef*>(out);
    z_.avail_out = static_cast<uInt>(cap);
    int rc = inflate(&z_, Z_NO_FLUSH);
    produced = cap - z_.avail_out;
    in.remove_prefix(piece - z_.avail_in);
    if (rc == Z_STREAM_END) return Rc::End;
    if (rc == Z_OK || rc == Z_BUF_ERROR) return Rc::Ok;
    return Rc::Error;  // Z_DATA_ERROR, Z_MEM_ERROR, Z_NEED_DICT
  }
  char next_stream_byte() const override { return zlib_ ? 0 : '\x1F'; }
  // The next member's header is read and dropped: its name is not the file's.
  void restart() override { inflateReset(&z_); }
  std::string name() const override {
    if (zlib_ || head_.done != 1) return {};
    const char* n = reinterpret_cast<const char*>(name_);
    return std::string(n, strnlen(n, kMaxCompressedName));
  }

 private:
  z_stream z_{};
  gz_header head_{};
  unsigned char name_[kMaxCompressedName + 1];
  bool ok_ = false;
  const bool zlib_;
};

class Bzip2Engine : public Decompressor::Engine {
 public:
  Bzip2Engine() { ok_ = BZ2_bzDecompressInit(&s_, 0, 0) == BZ_OK; }
  ~Bzip2Engine() override {
    if (ok_) BZ2_bzDecompressEnd(&s_);
  }
  bool ok() const override { return ok_; }
  Rc step(std::string_view& in, char* out, size_t cap, size_t& produced, bool) override {
    if (!ok_) return Rc::Error;
    size_t piece = std::min(in.size(), kMaxIn);
    s_.next_in = const_cast<char*>(in.data());
    s_.avail_in = static_cast<unsigned>(piece);
    s_.next_out = out;
    s_.avail_out = static_cast<unsigned>(cap);
    int rc = BZ2_bzDecompress(&s_);
    produced = cap - s_.avail_out;
    in.remove_prefix(piece - s_.avail_in);
    if (rc == BZ_STREAM_END) return Rc::End;
    if (rc == BZ_OK) return Rc::Ok;
    return rc == BZ_MEM_ERROR ? Rc::MemLimit : Rc::Error;
  }
  char next_stream_byte() const override { return 'B'; }
  void restart() override {
    if (ok_) BZ2_bzDecompressEnd(&s_);
    s_ = bz_stream{};
    ok_ = BZ2_bzDecompressInit(&s_, 0, 0) == BZ_OK;
  }

 private:
  bz_stream s_{};
  bool ok_ = false;
};

class XzEngine : public Decompressor::Engine {
 public:
  XzEngine() { ok_ = lzma_stream_decoder(&s_, kLargeDecoderMemLimit, LZMA_CONCATENATED) == LZMA_OK; }
  ~XzEngine() override { lzma_end(&s_); }
  bool ok() const override { return ok_; }
  Rc step(std::string_view& in, char* out, size_t cap, size_t& produced, bool finishing) override {
    s_.next_in = reinterpret_cast<const uint8_t*>(in.data());
    s_.avail_in = in.size();
    s_.next_out = reinterpret_cast<uint8_t*>(out);
    s_.avail_out = cap;
    lzma_ret rc = lzma_code(&s_, finishing ? LZMA_FINISH : LZMA_RUN);
    produced = cap - s_.avail_out;
    in.remove_prefix(in.size() - s_.avail_in);
    if (rc == LZMA_STREAM_END) return Rc::End;
    if (rc == LZMA_OK || rc == LZMA_BUF_ERROR) return Rc::Ok;  // BUF_ERROR: no progress (cut, at the end)
    if (rc == LZMA_MEMLIMIT_ERROR || rc == LZMA_MEM_ERROR) return Rc::MemLimit;
    return Rc::Error;  // LZMA_FORMAT_ERROR, LZMA_DATA_ERROR, LZMA_OPTIONS_ERROR...
  }
  char next_stream_byte() const override { return 0; }  // LZMA_CONCATENATED: liblzma reads them

 private:
  lzma_stream s_ = LZMA_STREAM_INIT;
  bool ok_ = false;
};

// Frames one after another (zstd -c a b) and skippable frames are one
// file; End only at finish() on a frame boundary. Each frame's magic is
// checked here: libzstd would also decode the legacy formats of zstd 0.5
// to 0.7 (old decoders, not for hostile input).
//
// libzstd's streaming decoder gives out nothing of a call that ends in an
// error, though blocks decoded earlier in that call had output: fed as the
// bytes arrive, a damaged file would give text that depends on how the MTA
// split it. So the calls follow the file alone: the bytes are gathered
// into units of the size the decoder asks for next (its hint: a header, a
// block and the next block's header; at most ZSTD_DStreamInSize()), each
// unit is given in one call, and its output is drained with calls of no
// input before the next unit is gathered. At finish(), a last short unit
// is given as it is.
class ZstdEngine : public Decompressor::Engine {
 public:
  ZstdEngine() : max_unit_(ZSTD_DStreamInSize()) {
    ctx_ = ZSTD_createDCtx();
    ok_ = ctx_ && !ZSTD_isError(ZSTD_DCtx_setParameter(ctx_, ZSTD_d_windowLogMax, kWindowLogMax));
  }
  ~ZstdEngine() override { ZSTD_freeDCtx(ctx_); }
  bool ok() const override { return ok_; }
  Rc step(std::string_view& in, char* out, size_t cap, size_t& produced, bool finishing) override {
    produced = 0;
    if (!ok_) return Rc::Error;
    for (;;) {
      if (!active_) {
        size_t take = std::min(in.size(), want_ - unit_.size());
        unit_.append(in.substr(0, take));
        in.remove_prefix(take);
        if (unit_.empty()) return finishing && boundary_ ? Rc::End : Rc::Ok;
        if (unit_.size() < want_ && !finishing) return Rc::Ok;
        if (boundary_ && (unit_.size() < kMagic || !frame_magic(unit_))) return Rc::Error;
        boundary_ = false;
        active_ = true;
        used_ = 0;
      }
      ZSTD_inBuffer i{unit_.data() + used_, unit_.size() - used_, 0};
      ZSTD_outBuffer o{out, cap, 0};
      size_t rc = ZSTD_decompressStream(ctx_, &o, &i);
      if (ZSTD_isError(rc))
        return ZSTD_getErrorCode(rc) == ZSTD_error_frameParameter_windowTooLarge ? Rc::MemLimit : Rc::Error;
      used_ += i.pos;
      produced = o.pos;
      if (rc == 0) {  // a frame ended and all of it was given out
        unit_.erase(0, used_);  // what follows it (none, when the file is sound) starts the next
        active_ = false;
        boundary_ = true;
        want_ = std::max(kMagic, unit_.size());
        if (produced > 0) return Rc::Ok;
        continue;
      }
      if (used_ < unit_.size() || o.pos == cap) {  // more to give out, or of the unit to take
        if (i.pos == 0 && o.pos == 0) return Rc::Error;  // no progress: never expected
        if (o.pos == 0) continue;  // it took some of the unit and gave nothing yet: on with the rest
        return Rc::Ok;
      }
      // The unit is taken and its output given out: rc is what the decoder
      // wants next.
      active_ = false;
      unit_.clear();
      want_ = std::min(rc, max_unit_);
      // Nothing came of this call: the next unit is gathered now, so that
      // the caller sees progress whenever there is input.
      if (produced > 0) return Rc::Ok;
    }
  }
  char next_stream_byte() const override { return 0; }  // End comes only at the end

 private:
  static constexpr int kWindowLogMax = 24;  // 16 MB: kLargeDecoderMemLimit
  static constexpr size_t kMagic = kZstdMagic.size();
  // A zstd frame's magic (kZstdMagic) or a skippable frame's (5? 2A 4D 18).
  static bool frame_magic(std::string_view m) {
    return m.substr(0, kMagic) == kZstdMagic ||
           ((static_cast<unsigned char>(m[0]) & 0xF0) == 0x50 && m.substr(1, 3) == std::string_view("\x2A\x4D\x18", 3));
  }
  const size_t max_unit_;
  ZSTD_DCtx* ctx_ = nullptr;
  bool ok_ = false;
  bool boundary_ = true;  // at a frame's start: the unit is its magic
  bool active_ = false;   // unit_ is being given to the decoder
  size_t want_ = kMagic;  // the size of the unit being gathered
  size_t used_ = 0;       // of unit_, what the decoder took
  std::string unit_;
};

}  // namespace

Decompressor::Decompressor(Compression format) : format_(format) {
  switch (format) {
    case Compression::Gzip: engine_ = std::make_unique<GzipEngine>(); break;
    case Compression::Bzip2: engine_ = std::make_unique<Bzip2Engine>(); break;
    case Compression::Xz: engine_ = std::make_unique<XzEngine>(); break;
    case Compression::Zstd: engine_ = std::make_unique<ZstdEngine>(); break;
    case Compression::Zlib: engine_ = std::make_unique<GzipEngine>(true); break;
  }
  if (!engine_->ok()) fail(Status::MemoryLimit);
}

Decompressor::~Decompressor() = default;

void Decompressor::fail(Status s) {
  status_ = s;
  errors_ = true;
}

// Decodes what `in` holds (all of it, unless a stop comes first); `last`:
// no more input follows. False when no progress can be made.
bool Decompressor::run(std::string_view& in, bool last, const Output& out) {
  while (status_ == Status::Reading && !trailing_) {
    if (stream_end_) {
      if (in.empty()) return true;
      char next = engine_->next_stream_byte();
      if (next == 0 || in[0] != next) {  // not another stream: ignored
        trailing_ = true;
        errors_ = true;
        return true;
      }
      stream_end_ = false;
      engine_->restart();
      if (!engine_->ok()) {
        fail(Status::MemoryLimit);
        return true;
      }
    }
    size_t before = in.size(), produced = 0;
    Engine::Rc rc = engine_->step(in, engine_->buf, kOutBuf, produced, last);
    if (name_.empty()) name_ = engine_->name();
    if (produced > 0) {
      produced_ += produced;
      if (!out(std::string_view(engine_->buf, produced))) {
        status_ = Status::Stopped;
        return true;
      }
    }
    switch (rc) {
      case Engine::Rc::End: stream_end_ = true; continue;
      case Engine::Rc::Error: fail(Status::Malformed); return true;
      case Engine::Rc::MemLimit: fail(Status::MemoryLimit); return true;
      case Engine::Rc::Ok: break;
    }
    if (produced == 0 && in.size() == before) return in.empty() || last;
  }
  return true;
}

void Decompressor::feed(std::string_view in, const Output& out) {
  if (status_ != Status::Reading || in.empty()) return;
  if (!run(in, false, out)) fail(Status::Malformed);  // input the decoder would not take: never expected
}

void Decompressor::finish(const Output& out) {
  if (status_ != Status::Reading) return;
  std::string_view none;
  if (!trailing_ && !stream_end_) run(none, true, out);
  if (status_ != Status::Reading) return;
  if (name_.empty()) name_ = engine_->name();
  if (stream_end_ || trailing_) status_ = Status::Done;
  else fail(Status::Truncated);
}

}  // namespace phi::mime
