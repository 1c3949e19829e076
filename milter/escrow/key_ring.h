// NAME
//   key_ring - the escrow master keys from EscrowKeyFile
// SYNOPSIS
//   Result<std::shared_ptr<const KeyRing>> load_key_file(const std::string& path);
//   Result<std::shared_ptr<const KeyRing>> load_key_file(const std::string& path, uid_t owner);
//   Result<std::shared_ptr<const KeyRing>> parse_key_ring(std::string_view text, const std::string& file_name);
//   const MasterKey& KeyRing::newest() const;
//   const MasterKey* KeyRing::find(std::string_view id) const;
// DESCRIPTION
//   The key file holds one key per line: "ID HEX", where ID is 1 to 64
//   characters of [A-Za-z0-9._-] and HEX is 64 hex digits (32 bytes).
//   Blank lines and lines starting with '#' are ignored. The last key in
//   the file is the newest: new entries are sealed with it; older keys stay
//   in the file so that older entries still open (rotation = append a line).
//   load_key_file() refuses a file that is not a regular file, whose mode
//   grants any group or other permission, or that is owned neither by
//   `owner` (default: the effective user) nor by root. Every error names
//   "file:line" or the file.
// INPUT
//   Untrusted text, at most kMaxKeyFileBytes bytes and kMaxKeys keys.
// THREADS
//   A KeyRing is immutable once built; share it across threads. Key bytes
//   are wiped when it is destroyed.
#ifndef PHI_ESCROW_KEY_RING_H
#define PHI_ESCROW_KEY_RING_H

#include <sys/types.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "milter/escrow/crypto.h"
#include "milter/util/result.h"

namespace phi::escrow {

inline constexpr size_t kMaxKeyFileBytes = 64 * 1024;
inline constexpr size_t kMaxKeys = 256;
inline constexpr size_t kMaxKeyIdBytes = 64;

struct MasterKey {
  std::string id;
  SecretBytes key;  // kKeyBytes bytes
};

class KeyRing {
 public:
  explicit KeyRing(std::vector<MasterKey> keys) : keys_(std::move(keys)) {}
  // The key new entries use (the last one in the file). Never empty.
  const MasterKey& newest() const { return keys_.back(); }
  const MasterKey* find(std::string_view id) const;
  size_t size() const { return keys_.size(); }

 private:
  std::vector<MasterKey> keys_;
};

bool valid_key_id(std::string_view id);

Result<std::shared_ptr<const KeyRing>> parse_key_ring(std::string_view text, const std::string& file_name);
Result<std::shared_ptr<const KeyRing>> load_key_file(const std::string& path);
Result<std::shared_ptr<const KeyRing>> load_key_file(const std::string& path, uid_t owner);

}  // namespace phi::escrow

#endif
