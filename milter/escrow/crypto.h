// NAME
//   crypto - AES-256-GCM, SHA-256, random bytes and hex/base64url for escrow
// SYNOPSIS
//   Result<Bytes> random_bytes(size_t n);
//   std::string sha256_hex(std::string_view data);
//   std::string hex_encode(std::string_view);  Result<Bytes> hex_decode(sv);
//   std::string base64url_encode(std::string_view);  Result<Bytes> base64url_decode(sv);
//   Gcm g;  g.init(Gcm::Mode::Encrypt, key, nonce, aad);  g.update(in, out);
//   g.finish_encrypt(tag);  g.finish_decrypt(tag);
//   Result<Bytes> gcm_seal(key, nonce, aad, plain);   // ciphertext || tag
//   Result<Bytes> gcm_open(key, nonce, aad, sealed);
// DESCRIPTION
//   Thin wrappers over OpenSSL EVP (the only crypto library used). Gcm
//   streams: update() may be called any number of times with chunks of any
//   size. Keys are 32 bytes, nonces 12, tags 16. Bytes is a std::string
//   used as a byte buffer; buffers holding key material are cleansed by
//   their owners (SecretBytes wipes itself on destruction).
// INPUT
//   hex_decode and base64url_decode take untrusted text and never throw.
// THREADS
//   Functions are pure (apart from the RNG); a Gcm object belongs to one thread.
#ifndef PHI_ESCROW_CRYPTO_H
#define PHI_ESCROW_CRYPTO_H

#include <openssl/evp.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "milter/util/c_ptr.h"
#include "milter/util/result.h"

namespace phi::escrow {

using Bytes = std::string;
inline constexpr size_t kKeyBytes = 32;
inline constexpr size_t kNonceBytes = 12;
inline constexpr size_t kTagBytes = 16;

// A byte string that is wiped (OPENSSL_cleanse) when destroyed.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(Bytes b) : b_(std::move(b)) {}
  SecretBytes(const SecretBytes&) = default;
  SecretBytes& operator=(const SecretBytes&) = default;
  ~SecretBytes();
  const Bytes& str() const { return b_; }
  Bytes& mutable_str() { return b_; }

 private:
  Bytes b_;
};

Result<Bytes> random_bytes(size_t n);
Bytes sha256(std::string_view data);
std::string hex_encode(std::string_view data);
Result<Bytes> hex_decode(std::string_view hex);
std::string base64url_encode(std::string_view data);
Result<Bytes> base64url_decode(std::string_view text);
// Compares in time independent of the contents.
bool equal_constant_time(std::string_view a, std::string_view b);

using EvpCipherCtx = CPtr<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;

class Gcm {
 public:
  enum class Mode { Encrypt, Decrypt };
  Result<void> init(Mode mode, std::string_view key, std::string_view nonce, std::string_view aad);
  // Appends the transformed bytes of `in` to `out`.
  Result<void> update(std::string_view in, Bytes& out);
  // Encrypt: the 16-byte tag.
  Result<Bytes> finish_encrypt();
  // Decrypt: fails when the tag does not authenticate everything fed in.
  Result<void> finish_decrypt(std::string_view tag);

 private:
  EvpCipherCtx ctx_;
  Mode mode_ = Mode::Encrypt;
};

// One-shot helpers: the sealed form is ciphertext followed by the tag.
Result<Bytes> gcm_seal(std::string_view key, std::string_view nonce, std::string_view aad, std::string_view plain);
Result<Bytes> gcm_open(std::string_view key, std::string_view nonce, std::string_view aad, std::string_view sealed);

}  // namespace phi::escrow

#endif
