// NAME
//   audit/crypto - the audit key, SHA-256 and HMAC-SHA256 for the audit chain
// SYNOPSIS
//   Result<AuditKey> load_audit_key(const std::string& path);             // owner: geteuid() or root
//   Result<AuditKey> load_audit_key(const std::string& path, uid_t owner); // owner or root
//   std::string sha256_hex(std::string_view data);
//   Result<std::string> hmac_sha256_hex(const AuditKey& key, std::string_view data);
// DESCRIPTION
//   load_audit_key() reads AuditKeyFile: it must be a regular file (not a
//   symbolic link, never waited on when it is a FIFO), readable by its
//   owner only (mode 0600 or stricter: no group or other bits), owned by
//   `owner` or root (as escrow::load_key_file() demands of EscrowKeyFile),
//   and hold between kMinAuditKeyBytes and kMaxAuditKeyBytes bytes. Every
//   byte of the file is key material (make one with: head -c 32
//   /dev/urandom > KEY; chmod 600 KEY). An AuditKey keeps it in a
//   SecretBytes: every copy (options, configuration, log) is wiped with
//   OPENSSL_cleanse when destroyed.
//   Digests are lower-case hex. HMAC goes through EVP_MAC (OpenSSL 3).
// THREADS
//   Pure functions; any thread. An AuditKey is immutable once loaded.
#ifndef PHI_AUDIT_CRYPTO_H
#define PHI_AUDIT_CRYPTO_H

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "milter/escrow/crypto.h"
#include "milter/util/result.h"

namespace phi::audit {

inline constexpr size_t kMinAuditKeyBytes = 32;
inline constexpr size_t kMaxAuditKeyBytes = 4096;
inline constexpr size_t kDigestHexLen = 64;

// The HMAC key; its bytes are wiped when an AuditKey (or a copy) goes.
struct AuditKey {
  AuditKey() = default;
  explicit AuditKey(std::string key) : bytes(std::move(key)) {}
  escrow::SecretBytes bytes;
};

Result<AuditKey> load_audit_key(const std::string& path);
Result<AuditKey> load_audit_key(const std::string& path, uid_t owner);
std::string sha256_hex(std::string_view data);
Result<std::string> hmac_sha256_hex(const AuditKey& key, std::string_view data);
// True when s is kDigestHexLen lower-case hex digits.
bool is_digest_hex(std::string_view s);

}  // namespace phi::audit

#endif
