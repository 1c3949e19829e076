// NAME
//   spool - an anonymous, encrypted, size-bounded temporary copy of a message
// SYNOPSIS
//   auto s = Spool::create(directory, max_bytes);   // Result<unique_ptr<Spool>>
//   auto s = Spool::create(directory, max_bytes, memory_bytes);
//   (*s)->write(chunk) ...;
//   (*s)->copy_to([](std::string_view plain) -> Result<void> {...});
// DESCRIPTION
//   Holds the bytes of a message while it streams past, for the case that it
//   has to be escrowed once the whole message has been seen (an escrow
//   entry's metadata and tokens are sealed before its message, and they are
//   only known at end of message). The first memory_bytes (default
//   kSpoolMemoryBytes) stay in this object's memory, so the common message
//   costs no file, no key and no system call; only a larger message spills
//   to disk. The file is created as ".tmp-spool-<hex>"
//   (mode 0600, O_EXCL) in `directory` and unlinked at once, so it has no
//   name while it is used and vanishes with the descriptor, also on a crash.
//   Its content is sealed with AES-256-GCM under a key that exists only in
//   this object's memory: the disk never holds the message in clear. A
//   failure to create the file shows at the write that spills.
//   copy_to() reads it back chunk by chunk (memory stays bounded) and fails
//   when the tag does not authenticate every byte; the caller must not use
//   what it received before copy_to() returned success.
//   The first error is sticky: later writes repeat it, and failed() says so.
// INPUT
//   Chunks are untrusted message bytes; at most max_bytes in total.
// THREADS
//   A Spool belongs to one thread at a time.
#ifndef PHI_ESCROW_SPOOL_H
#define PHI_ESCROW_SPOOL_H

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "milter/escrow/crypto.h"
#include "milter/util/c_ptr.h"
#include "milter/util/result.h"

namespace phi::escrow {

inline constexpr std::string_view kSpoolPrefix = ".tmp-spool-";
inline constexpr uint64_t kSpoolMemoryBytes = 128 * 1024;  // held in memory before the spool spills to disk

class Spool {
 public:
  static Result<std::unique_ptr<Spool>> create(const std::string& directory, uint64_t max_bytes,
                                               uint64_t memory_bytes = kSpoolMemoryBytes);
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;
  ~Spool();

  Result<void> write(std::string_view chunk);
  // Bytes accepted so far.
  uint64_t size() const { return written_; }
  // Whether the bytes went to the encrypted file (more than memory_bytes).
  bool on_disk() const { return fd_.get() >= 0; }
  // The first error, or "" while everything succeeded.
  const std::string& failed() const { return failed_; }
  // Decrypts the whole spool to `sink`; at most once per spool.
  Result<void> copy_to(const std::function<Result<void>(std::string_view)>& sink);

 private:
  Spool() = default;
  Result<void> fail(std::string why);
  Result<void> spill();
  Result<void> seal(std::string_view chunk);
  std::string directory_;
  std::string memory_;  // the bytes while they fit in memory_bytes_
  SecretBytes key_;
  Bytes nonce_;
  Gcm gcm_;
  UniqueFd fd_;
  uint64_t written_ = 0, max_bytes_ = 0, memory_bytes_ = 0;
  bool read_ = false;
  std::string failed_;
};

}  // namespace phi::escrow

#endif
