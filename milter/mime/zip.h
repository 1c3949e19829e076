// NAME
//   zip - read a ZIP archive front to back, as it streams past, with zlib
// SYNOPSIS
//   class H : public phi::mime::ZipStream::Handler { ... };
//   phi::mime::ZipStream z(handler, max_output, max_entries);
//   z.feed(bytes); ...  z.finish();
//   z.status(); z.entries(); z.had_errors();
// DESCRIPTION
//   Walks the local file entries of a ZIP archive (PKWARE APPNOTE 6.3) in
//   the order they are stored, from bytes pushed in pieces split anywhere,
//   and hands the handler each entry's header and, when the handler asks
//   for it, its uncompressed bytes. This is how Office Open XML (docx,
//   xlsx, pptx), OpenDocument (odt, ods, odp) and plain .zip attachments
//   are read without keeping the attachment: the central directory at the
//   end is not needed. Central directory, end and signature records are
//   skipped by their lengths wherever they appear, and reading goes on
//   after them: a reader opens what the last central directory lists,
//   which may be a local entry placed after a (decoy) central record.
//     * Stored (0) and deflated (8) entries are read; deflate is zlib's raw
//       inflate. Sizes come from the local header, from its Zip64 extra
//       field, or, for an entry written with a data descriptor (flag bit 3:
//       Java, LibreOffice, Python writing to a pipe), from the end of the
//       deflate stream itself; the descriptor after it is skipped.
//       A stored entry with a data descriptor (Go, Python and Info-ZIP
//       writing to a pipe) ends where a signed descriptor follows whose
//       CRC-32 and sizes match the bytes before it (an unsigned one is
//       never found: the entry then runs to the end, Truncated).
//     * An encrypted entry (flag bit 0) or one of another method is handed
//       to entry() with readable == false and skipped by its size; when its
//       size is unknown (bit 3) reading stops with Status::Unsupported.
//     * entry() is called for every entry; data() gets the uncompressed
//       bytes of the entries it accepted, entry_end() ends each of those.
//   Status: Reading (more expected), Done (finish() right after an end of
//   central directory record and its comment), and the stops, after which
//   input is ignored: Truncated (finish() anywhere else: the archive was
//   cut),
//   SizeLimit (more than max_output bytes would be inflated, counting
//   entries inflated only to find their end), EntryLimit (more than
//   max_entries entries), Unsupported (see above), Malformed (not a ZIP,
//   a header or deflate stream that cannot be read, or bytes that are no
//   record where one should start, also after the end record).
//   had_errors(): the archive was Malformed or Truncated, or an entry of
//   known size had a bad deflate stream or did not fill its size (that
//   entry is skipped by its size and reading goes on).
// INPUT
//   Untrusted. Memory: one zlib inflate state (about 40 KB), a 16 KB output
//   buffer, the current entry's name (at most kMaxZipName bytes kept) and
//   extra field (at most 64 KB, as the format allows). Time: linear in the
//   input plus the inflated bytes, which max_output bounds: a small
//   archive that inflates to gigabytes stops at SizeLimit.
// THREADS
//   One object per archive, used by one thread at a time.
#ifndef PHI_MIME_ZIP_H
#define PHI_MIME_ZIP_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace phi::mime {

inline constexpr size_t kMaxZipName = 1024;  // longer entry names are cut to this many bytes

struct ZipEntry {
  std::string name;              // as stored (UTF-8 or CP437: not converted), cut to kMaxZipName
  uint16_t flags = 0;            // general purpose bit flag
  uint16_t method = 0;           // 0 stored, 8 deflated, ...
  bool encrypted = false;        // flag bit 0
  bool readable = false;         // stored or deflated, not encrypted, and its end can be found
};

class ZipStream {
 public:
  class Handler {
   public:
    virtual ~Handler() = default;
    // Every entry, in archive order. Return true to get its bytes (only
    // honoured when e.readable).
    virtual bool entry(const ZipEntry& e) = 0;
    virtual void data(std::string_view bytes) = 0;
    // After the last data() of an accepted entry (also when it was cut).
    virtual void entry_end() = 0;
  };
  enum class Status { Reading, Done, Truncated, SizeLimit, EntryLimit, Unsupported, Malformed };

  ZipStream(Handler& h, uint64_t max_output, size_t max_entries);
  ~ZipStream();
  ZipStream(const ZipStream&) = delete;
  ZipStream& operator=(const ZipStream&) = delete;

  void feed(std::string_view bytes);
  void finish();

  Status status() const { return status_; }
  bool had_errors() const { return errors_; }
  size_t entries() const { return entries_; }
  uint64_t inflated() const { return out_total_; }

 private:
  enum class State { Signature, Header, Name, Extra, Data, Descriptor, Record, Skip };
  struct Inflater;

  size_t step(std::string_view in);  // consumes a prefix of `in`, returns its length
  size_t collect(std::string_view in, size_t want);
  void on_signature();
  void on_header();
  void on_record();
  void begin_data();
  size_t data_stored(std::string_view in);
  size_t data_deflated(std::string_view in);
  size_t data_stored_scan(std::string_view in);
  bool emit_scanned(std::string_view data);
  bool emit(std::string_view out);  // false once max_output is passed
  void end_entry();
  void after_data();
  void stop(Status s);

  Handler& h_;
  const uint64_t max_output_;
  const size_t max_entries_;
  Status status_ = Status::Reading;
  State state_ = State::Signature;
  std::string buf_;        // the fixed-size piece being collected (signature, header, descriptor word)
  std::string header_;     // the current entry's local header, after its signature
  std::string extra_;      // the current entry's extra field
  uint64_t skip_ = 0;      // bytes left in Name, Extra or Skip
  uint16_t extra_len_ = 0;
  ZipEntry e_;
  uint64_t csize_ = 0;     // compressed size, when known
  bool size_known_ = false;
  bool zip64_ = false;     // the local header has a Zip64 extra field (8-byte descriptor sizes)
  bool want_ = false;      // the handler takes this entry's bytes
  uint64_t left_ = 0;      // compressed bytes left in this entry (when size_known_)
  bool to_signature_ = false;  // Skip is skipping a data descriptor or a central directory record
  uint32_t record_ = 0;    // Record: the signature of the record being read
  size_t need_ = 0;        // Record: its fixed length after the signature
  bool end_seen_ = false;  // an end of central directory record was read
  std::string hold_;       // a stored entry of unknown size: bytes that may start its descriptor
  uint32_t crc_ = 0;       // ... and the CRC-32 and count of its bytes before them
  uint64_t count_ = 0;
  bool marker_seen_ = false;
  std::unique_ptr<Inflater> inf_;
  uint64_t out_total_ = 0;
  size_t entries_ = 0;
  bool errors_ = false;
};

}  // namespace phi::mime

#endif
