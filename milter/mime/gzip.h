// NAME
//   gzip - inflate a gzip file (RFC 1952) as it streams past, with zlib
// SYNOPSIS
//   phi::mime::GzipStream g;
//   g.feed(bytes, [](std::string_view out) { ...; return true; }); ...
//   g.finish();
//   g.status(); g.name(); g.inflated(); g.had_errors();
// DESCRIPTION
//   Hands the inflated bytes of a gzip file, pushed in pieces split
//   anywhere, to the output function as they come, in pieces of at most
//   16 KB. The output function returns false to stop (Status::Stopped):
//   the caller bounds what it takes. Members written one after another
//   (`gzip -c a b`, or a file appended to) are one file, as gunzip reads
//   them. name() is the first member's original file name (FNAME, as
//   stored: Latin-1 by the RFC, cut to kMaxGzipName bytes), "" when it has
//   none; it is known once the first output comes, or at finish().
//   Status: Reading (more expected), Done (finish() at the end of a
//   member), Truncated (finish() anywhere else), Stopped (the output
//   function said so), Malformed (no gzip header, or a deflate stream, a
//   CRC or a length that does not check: zlib's Z_DATA_ERROR). Bytes after
//   a member that do not start another (tape padding, garbage) are ignored
//   and set had_errors(); so does Malformed.
// INPUT
//   Untrusted. Memory: one zlib inflate state (about 40 KB) and a 16 KB
//   output buffer. Time: linear in the input plus the inflated bytes; a
//   small file that inflates to gigabytes runs until the output function
//   says stop.
// THREADS
//   One object per file, used by one thread at a time.
#ifndef PHI_MIME_GZIP_H
#define PHI_MIME_GZIP_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace phi::mime {

inline constexpr size_t kMaxGzipName = 1024;

// The gzip signature and method byte (deflate): 1F 8B 08.
bool is_gzip(std::string_view first_bytes);

class GzipStream {
 public:
  enum class Status { Reading, Done, Truncated, Stopped, Malformed };
  using Output = std::function<bool(std::string_view)>;

  GzipStream();
  ~GzipStream();
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;

  void feed(std::string_view in, const Output& out);
  void finish();

  Status status() const { return status_; }
  const std::string& name() const { return name_; }
  uint64_t inflated() const { return inflated_; }
  bool had_errors() const { return errors_; }

 private:
  struct Inflater;
  void take_name();

  std::unique_ptr<Inflater> z_;
  Status status_ = Status::Reading;
  bool member_end_ = false;  // a member ended; the next byte says whether another follows
  bool trailing_ = false;    // bytes after the last member are being ignored
  bool name_taken_ = false;
  std::string name_;
  uint64_t inflated_ = 0;
  bool errors_ = false;
};

}  // namespace phi::mime

#endif
