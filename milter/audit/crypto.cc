// audit/crypto - key file checks, SHA-256 and HMAC-SHA256 through OpenSSL EVP.
#include "milter/audit/crypto.h"

#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "milter/util/c_ptr.h"
#include "milter/util/files.h"

namespace phi::audit {
namespace {

using EvpMac = CPtr<EVP_MAC, EVP_MAC_free>;
using EvpMacCtx = CPtr<EVP_MAC_CTX, EVP_MAC_CTX_free>;

std::string to_hex(const unsigned char* p, size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(digits[p[i] >> 4]);
    out.push_back(digits[p[i] & 15]);
  }
  return out;
}

const EVP_MAC* hmac_algorithm() {
  static const EvpMac mac{EVP_MAC_fetch(nullptr, "HMAC", nullptr)};
  return mac.get();
}

}  // namespace

Result<AuditKey> load_audit_key(const std::string& path) { return load_audit_key(path, ::geteuid()); }

Result<AuditKey> load_audit_key(const std::string& path, uid_t owner) {
  const std::string what = "AuditKeyFile " + path;
  if (path.empty()) return Error{"AuditKeyFile is not set"};
  // O_NONBLOCK: a FIFO by that name is refused below instead of waited on
  // (a regular file reads the same either way).
  UniqueFd fd{::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)};
  if (!fd) return Error{what + ": cannot open: " + std::strerror(errno)};
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Error{what + ": cannot stat: " + std::strerror(errno)};
  if (!S_ISREG(st.st_mode)) return Error{what + ": not a regular file"};
  if (st.st_mode & 077) return Error{what + ": readable or writable by group or others (chmod 600)"};
  if (st.st_uid != owner && st.st_uid != 0)
    return Error{what + ": " + wrong_owner(st.st_uid, owner)};
  if (st.st_size < static_cast<off_t>(kMinAuditKeyBytes))
    return Error{what + ": shorter than " + std::to_string(kMinAuditKeyBytes) + " bytes"};
  if (st.st_size > static_cast<off_t>(kMaxAuditKeyBytes))
    return Error{what + ": longer than " + std::to_string(kMaxAuditKeyBytes) + " bytes"};
  AuditKey key;
  std::string& buf = key.bytes.mutable_str();  // wiped with key on every return
  buf.resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  while (got < buf.size()) {
    ssize_t n = ::read(fd.get(), buf.data() + got, buf.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error{what + ": read error"};
    got += static_cast<size_t>(n);
  }
  return key;
}

std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1) return std::string();
  return to_hex(md, len);
}

Result<std::string> hmac_sha256_hex(const AuditKey& key, std::string_view data) {
  const EVP_MAC* mac = hmac_algorithm();
  if (!mac) return Error{"HMAC not available in OpenSSL"};
  EvpMacCtx ctx{EVP_MAC_CTX_new(const_cast<EVP_MAC*>(mac))};
  if (!ctx) return Error{"EVP_MAC_CTX_new failed"};
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
  const std::string& kb = key.bytes.str();
  const auto* k = reinterpret_cast<const unsigned char*>(kb.data());
  const auto* d = reinterpret_cast<const unsigned char*>(data.data());
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t len = 0;
  if (EVP_MAC_init(ctx.get(), k, kb.size(), params) != 1 || EVP_MAC_update(ctx.get(), d, data.size()) != 1 ||
      EVP_MAC_final(ctx.get(), out, &len, sizeof out) != 1)
    return Error{"HMAC-SHA256 failed"};
  return to_hex(out, len);
}

bool is_digest_hex(std::string_view s) {
  if (s.size() != kDigestHexLen) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace phi::audit
