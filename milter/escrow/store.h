// NAME
//   store - the encrypted escrow queue in EscrowDirectory
// SYNOPSIS
//   Store store(StoreOptions{dir, retention_seconds, max_bytes}, keys);
//   auto w = store.begin(meta, now);          // Result<unique_ptr<EntryWriter>>
//   (*w)->tokens();  (*w)->write(chunk) ...;  (*w)->commit();  // or abort()
//   auto r = store.open(id);                  // Result<unique_ptr<EntryReader>>
//   (*r)->meta();  (*r)->copy_body(std::cout);
//   store.list();  store.verify(id);  store.remove(id);  store.mark_released(id, now);
//   store.purge_expired(now);  store.clean_temp_files(now, min_age);
// DESCRIPTION
//   One file per entry, "<id>.esc", laid out as entry_format.h says and
//   doc/escrow-format.md documents. begin() draws a fresh data key, wraps it
//   with the newest master key, makes one pickup token per recipient and
//   writes the header and sealed metadata to an unnamed file (O_TMPFILE,
//   mode 0600) in the directory; write() encrypts each chunk as it comes
//   (memory stays bounded whatever the message size); commit() writes the
//   tag, fsyncs the file, gives it its name with linkat() through
//   /proc/self/fd (AT_EMPTY_PATH when /proc is missing; an existing name is
//   an error, never overwritten) and fsyncs the directory. Until then the
//   entry has no name: a writer destroyed without commit() just closes it,
//   and a crash (kill -9) leaves nothing. Where the filesystem refuses
//   O_TMPFILE (EOPNOTSUPP, EISDIR, EINVAL) the writer falls back to a named
//   ".tmp-<id>" (O_EXCL) renamed into place at commit(), removed by a writer
//   destroyed without commit(); clean_temp_files() removes ones a crash left
//   behind (and those of older versions). Only committed entries are listed.
//   open() authenticates the header and metadata; copy_body()
//   authenticates the whole message before it writes the first byte out.
//   mark_released() records a release in a side file "<id>.released".
//   Anything by an entry's or marker's name that is not a regular file (a
//   FIFO, device, socket or symbolic link) is never read or waited on:
//   list() shows it as damaged, open() and mark_released() refuse it.
// INPUT
//   Entry files are untrusted on reading: every length is bounded and every
//   byte is authenticated (AES-256-GCM; the clear header is associated data).
//   Entry ids from users go through valid_entry_id() before any path is built.
// THREADS
//   A Store is immutable; its const methods may run on any thread at once.
//   A writer or reader belongs to one thread.
#ifndef PHI_ESCROW_STORE_H
#define PHI_ESCROW_STORE_H

#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "milter/escrow/crypto.h"
#include "milter/escrow/entry_format.h"
#include "milter/escrow/key_ring.h"
#include "milter/escrow/token.h"
#include "milter/util/c_ptr.h"
#include "milter/util/result.h"

namespace phi::escrow {

inline constexpr size_t kIoChunkBytes = 64 * 1024;
inline constexpr int64_t kStaleTempSeconds = 24 * 3600;

struct StoreOptions {
  std::string directory;
  int64_t retention_seconds = 30 * 86400;
  uint64_t max_bytes = 50ull * 1024 * 1024;  // largest message accepted by write()
  // Tests and compatibility checks only: false makes begin() skip O_TMPFILE
  // and write the named ".tmp-<id>" fallback, as on a filesystem without it.
  bool use_o_tmpfile = true;
  // Tests only: where commit() looks for the unnamed file's /proc link. A
  // directory that does not exist makes it take the AT_EMPTY_PATH route, as
  // on a system without /proc.
  std::string proc_fd_dir = "/proc/self/fd";
};

// What list() reads from the clear header, without any key.
struct EntryInfo {
  std::string id;
  int64_t created = 0;
  int64_t expires = 0;
  uint64_t body_bytes = 0;  // size of the original message
  size_t recipients = 0;
  bool released = false;
  std::string damage;  // non-empty when the header could not be read
};

class EntryWriter {
 public:
  EntryWriter(const EntryWriter&) = delete;
  EntryWriter& operator=(const EntryWriter&) = delete;
  ~EntryWriter();  // abort() unless committed
  const std::string& id() const { return header_.id; }
  int64_t expires() const { return header_.expires; }
  // One token per recipient of the metadata, in the same order.
  const std::vector<PickupToken>& tokens() const { return tokens_; }
  Result<void> write(std::string_view chunk);
  // Makes the entry durable and visible; returns its id.
  Result<std::string> commit();
  void abort();

 private:
  friend class Store;
  EntryWriter() = default;
  Result<void> write_raw(std::string_view bytes);
  EntryHeader header_;
  std::vector<PickupToken> tokens_;
  std::string directory_, final_path_, proc_fd_dir_;
  std::string temp_path_;  // the named fallback ".tmp-<id>"; empty for an O_TMPFILE writer
  std::string where_;      // the file in error messages: temp_path_, or the final path (unnamed)
  UniqueFd fd_;
  Gcm body_;
  uint64_t written_ = 0, max_bytes_ = 0;
  bool done_ = false;
  std::string failed_;  // first write error; later calls repeat it
};

class EntryReader {
 public:
  const EntryHeader& header() const { return header_; }
  const EntryMeta& meta() const { return meta_; }
  uint64_t body_bytes() const { return body_bytes_; }
  // Authenticates the message without writing it anywhere.
  Result<void> verify_body() const;
  // Authenticates the whole message, then decrypts it to `sink` chunk by chunk.
  Result<void> copy_body(const std::function<Result<void>(std::string_view)>& sink) const;
  Result<void> copy_body(std::ostream& out) const;

 private:
  friend class Store;
  EntryReader() = default;
  Result<void> decrypt_body(const std::function<Result<void>(std::string_view)>* sink) const;
  EntryHeader header_;
  EntryMeta meta_;
  std::string prefix_;
  SecretBytes data_key_;
  UniqueFd fd_;
  uint64_t body_offset_ = 0, body_bytes_ = 0;
};

class Store {
 public:
  Store(StoreOptions options, std::shared_ptr<const KeyRing> keys);
  const StoreOptions& options() const { return options_; }
  const KeyRing& keys() const { return *keys_; }

  Result<std::unique_ptr<EntryWriter>> begin(const EntryMeta& meta, int64_t now) const;
  Result<std::unique_ptr<EntryReader>> open(std::string_view id) const;
  // open() plus verify_body(): every byte of the file authenticated.
  Result<void> verify(std::string_view id) const;
  // Committed entries, oldest first; damaged headers are listed with `damage` set.
  Result<std::vector<EntryInfo>> list() const;
  Result<void> remove(std::string_view id) const;
  Result<void> mark_released(std::string_view id, int64_t now) const;
  // Removes entries whose expiry has passed; returns how many.
  Result<size_t> purge_expired(int64_t now) const;
  // Removes ".tmp-" files (of the named fallback, or of older versions)
  // older than min_age seconds; returns how many.
  Result<size_t> clean_temp_files(int64_t now, int64_t min_age) const;
  std::string entry_path(std::string_view id) const;

 private:
  Result<EntryInfo> read_info(const std::string& id) const;
  StoreOptions options_;
  std::shared_ptr<const KeyRing> keys_;
};

}  // namespace phi::escrow

#endif
