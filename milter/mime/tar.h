// NAME
//   tar - read a tar archive (POSIX ustar, pax, GNU, v7) as it streams past
// SYNOPSIS
//   class H : public phi::mime::TarStream::Handler { ... };
//   phi::mime::TarStream t(handler, max_entries);
//   t.feed(bytes); ...  t.finish();
//   t.status(); t.entries(); t.had_errors();
//   bool tar_header_ok(first_512_bytes); bool is_ustar(first_bytes);
// DESCRIPTION
//   Walks the 512-byte headers of a tar archive in order, from bytes pushed
//   in pieces split anywhere, and hands the handler each entry and, when
//   the handler asks for it, the bytes of a regular file.
//     * Names: the ustar prefix and name fields, a GNU long name ('L'
//       record) or a pax "path" record ('x') for the next entry; cut to
//       kMaxTarName bytes, as stored (not converted).
//     * Sizes: octal, or GNU base-256 for large files, or a pax "size"
//       record; data is padded to 512 bytes and skipped by that size when
//       the handler does not take it.
//     * Regular files ('0', NUL, '7' contiguous) are readable; directories,
//       links, devices, FIFOs and other types are handed to entry() with
//       readable == false; pax global headers ('g'), GNU long link names
//       ('K') and GNU volume headers ('V') are skipped silently.
//   Status: Reading, Done (two zero blocks, or finish() at a header
//   boundary after at least one entry: some writers leave the end marker
//   out), Truncated (finish() inside a header or an entry's data, or before
//   any entry), EntryLimit (more than max_entries entries), Malformed (a
//   header whose checksum does not add up, a size that cannot be read).
//   had_errors(): Truncated or Malformed, or a pax record that could not be
//   read (its entry keeps its header's name and size).
//   tar_header_ok(b): b holds at least 512 bytes and they are a header
//   whose checksum adds up. is_ustar(b): the "ustar" magic at offset 257.
// INPUT
//   Untrusted. Memory: one 512-byte header, the next entry's long name or
//   pax records (at most kMaxTarMeta bytes; longer ones are skipped, an
//   error). Time: linear in the input.
// THREADS
//   One object per archive, used by one thread at a time.
#ifndef PHI_MIME_TAR_H
#define PHI_MIME_TAR_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace phi::mime {

inline constexpr size_t kMaxTarName = 1024;       // longer names are cut to this many bytes
inline constexpr size_t kMaxTarMeta = 64 * 1024;  // a pax header or GNU long name kept at most

bool tar_header_ok(std::string_view block);
bool is_ustar(std::string_view first_bytes);

struct TarEntry {
  std::string name;    // cut to kMaxTarName
  char type = '0';     // typeflag
  uint64_t size = 0;   // data bytes
  bool readable = false;  // a regular file
};

class TarStream {
 public:
  class Handler {
   public:
    virtual ~Handler() = default;
    // Every entry, in archive order. Return true to get its bytes (only honoured when e.readable).
    virtual bool entry(const TarEntry& e) = 0;
    virtual void data(std::string_view bytes) = 0;
    // After the last data() of an accepted entry (also when it was cut).
    virtual void entry_end() = 0;
  };
  enum class Status { Reading, Done, Truncated, EntryLimit, Malformed };

  TarStream(Handler& h, size_t max_entries);
  void feed(std::string_view bytes);
  void finish();

  Status status() const { return status_; }
  bool had_errors() const { return errors_; }
  size_t entries() const { return entries_; }

 private:
  enum class State { Header, Data, Meta, Skip };
  void on_header();
  void on_meta();
  void end_data();
  void stop(Status s);

  Handler& h_;
  const size_t max_entries_;
  Status status_ = Status::Reading;
  State state_ = State::Header;
  std::string block_;      // the header being collected
  uint64_t left_ = 0;      // Data, Meta, Skip: bytes of data left
  uint64_t pad_ = 0;       // bytes of padding after it
  bool want_ = false;      // Data: the handler takes these bytes
  char meta_type_ = 0;     // Meta: 'x' or 'L'
  std::string meta_;       // Meta: the records or name, up to kMaxTarMeta
  std::string next_name_;  // from the last 'L' or 'x' record, for the next entry
  bool has_next_size_ = false;
  uint64_t next_size_ = 0; // from the last 'x' record
  bool zero_seen_ = false; // one zero block read
  size_t entries_ = 0;
  bool errors_ = false;
};

}  // namespace phi::mime

#endif
