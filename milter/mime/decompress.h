// NAME
//   decompress - unpack a gzip, bzip2, xz or zstd file as it streams past (zlib, libbz2, liblzma, libzstd)
// SYNOPSIS
//   auto format = phi::mime::compression_of(first_bytes);   // std::nullopt: none of them
//   phi::mime::Decompressor d(*format);
//   d.feed(bytes, [](std::string_view out) { ...; return true; }); ...
//   d.finish(out);
//   d.status(); d.name(); d.produced(); d.had_errors();
// DESCRIPTION
//   Hands the unpacked bytes of one compressed file, pushed in pieces split
//   anywhere, to the output function as they come, in pieces of at most
//   16 KB. The output function returns false to stop (Status::Stopped):
//   the caller bounds what it takes. Streams written one after another
//   (`gzip -c a b`, pbzip2, `xz` of appended files) are one file, as the
//   command-line tools read them.
//     * gzip (RFC 1952, 1F 8B 08): zlib. name() is the first member's
//       original file name (FNAME, as stored: Latin-1 by the RFC, cut to
//       kMaxCompressedName bytes), "" when it has none; known once the
//       first output comes, or at finish().
//     * zlib (RFC 1950): zlib, one stream (bytes after it are ignored and
//       set had_errors()). Not told by compression_of (its two header
//       bytes are no signature): for formats that store zlib streams
//       (PowerPoint's embedded objects, Office's metafile pictures).
//     * bzip2 ("BZh1".."BZh9"): libbz2, at most about 3.7 MB of state.
//     * xz (FD "7zXZ" 00): liblzma, with a memory limit of
//       kLargeDecoderMemLimit: a file that needs more (xz -7 to -9, whose
//       32-64 MB dictionaries make the decoder as large) stops with
//       MemoryLimit.
//     * zstd (28 B5 2F FD): libzstd, its window at most
//       kLargeDecoderMemLimit (every level up to 19 fits; --ultra -20
//       and above and --long need more: MemoryLimit). Skippable frames
//       are skipped; bytes after the last frame that do not start another
//       are Malformed, as zstd -d says, and so is a frame of the legacy
//       formats of zstd 0.5 to 0.7 (libzstd would decode them: old code,
//       not for hostile input). libzstd is given the file in the units
//       it asks for (up to 128 KB, held here), so that a damaged file
//       gives the same bytes however its pieces arrive.
//   Status: Reading (more expected), Done (finish() at the end of a
//   stream), Truncated (finish() anywhere else), Stopped (the output
//   function said so), MemoryLimit (xz and zstd, above), Malformed (a header, a
//   compressed stream or a check that does not verify). Bytes after a
//   gzip or bzip2 stream that do not start another (tape padding,
//   garbage) are ignored and set had_errors(); so do Truncated and
//   Malformed.
// INPUT
//   Untrusted. Memory: one decoder state (zlib about 40 KB, bzip2 at most
//   3.7 MB, xz and zstd at most kLargeDecoderMemLimit and a little more,
//   zstd 128 KB of input held besides) and a 16 KB output buffer. Time:
//   linear in the input plus the unpacked bytes; a small file that
//   unpacks to gigabytes runs until the output function says stop.
// THREADS
//   One object per file, used by one thread at a time.
#ifndef PHI_MIME_DECOMPRESS_H
#define PHI_MIME_DECOMPRESS_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace phi::mime {

inline constexpr size_t kMaxCompressedName = 1024;
inline constexpr uint64_t kLargeDecoderMemLimit = 16ull << 20;  // xz's decoder memory, zstd's window

enum class Compression { Gzip, Bzip2, Xz, Zstd, Zlib };

// The format whose signature `first_bytes` starts with (6 bytes suffice).
std::optional<Compression> compression_of(std::string_view first_bytes);
// xz and zstd: a decoder of up to kLargeDecoderMemLimit (a reader opens one at a time).
inline bool is_large_decoder(Compression c) { return c == Compression::Xz || c == Compression::Zstd; }

class Decompressor {
 public:
  enum class Status { Reading, Done, Truncated, Stopped, MemoryLimit, Malformed };
  using Output = std::function<bool(std::string_view)>;

  explicit Decompressor(Compression format);
  ~Decompressor();
  Decompressor(const Decompressor&) = delete;
  Decompressor& operator=(const Decompressor&) = delete;

  void feed(std::string_view in, const Output& out);
  void finish(const Output& out);

  Compression format() const { return format_; }
  Status status() const { return status_; }
  const std::string& name() const { return name_; }
  uint64_t produced() const { return produced_; }
  bool had_errors() const { return errors_; }

  // One decoder library behind the loop (decompress.cc).
  struct Engine;

 private:
  bool run(std::string_view& in, bool last, const Output& out);
  void fail(Status s);

  const Compression format_;
  std::unique_ptr<Engine> engine_;
  Status status_ = Status::Reading;
  bool stream_end_ = false;  // a stream ended; the next byte says whether another follows
  bool trailing_ = false;    // bytes after the last stream are being ignored
  std::string name_;
  uint64_t produced_ = 0;
  bool errors_ = false;
};

}  // namespace phi::mime

#endif
