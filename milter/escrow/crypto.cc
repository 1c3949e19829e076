// crypto - OpenSSL EVP wrappers for the escrow store (see crypto.h).
#include "milter/escrow/crypto.h"

#include <openssl/crypto.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <mutex>

#include "milter/util/strings.h"

namespace phi::escrow {

SecretBytes::~SecretBytes() {
  if (!b_.empty()) OPENSSL_cleanse(b_.data(), b_.size());
}

namespace {

// One CTR-DRBG (AES-256) for the whole process, chained to OpenSSL's primary
// DRBG, which reseeds it. RAND_bytes draws from a DRBG of the calling
// thread, and libmilter runs each connection in a new thread: every
// connection that escrowed paid for fetching and instantiating a DRBG.
// Null when it cannot be set up; random_bytes then uses RAND_bytes.
EVP_RAND_CTX* shared_drbg() {
  static EVP_RAND_CTX* ctx = [] () -> EVP_RAND_CTX* {
    EVP_RAND* rand = EVP_RAND_fetch(nullptr, "CTR-DRBG", nullptr);
    if (!rand) return nullptr;
    EVP_RAND_CTX* c = EVP_RAND_CTX_new(rand, RAND_get0_primary(nullptr));
    EVP_RAND_free(rand);
    if (!c) return nullptr;
    char cipher[] = "AES-256-CTR";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_DRBG_PARAM_CIPHER, cipher, 0), OSSL_PARAM_construct_end()};
    if (EVP_RAND_instantiate(c, 256, 0, nullptr, 0, params) != 1) {
      EVP_RAND_CTX_free(c);
      return nullptr;
    }
    return c;  // lives as long as the process
  }();
  return ctx;
}

std::mutex g_drbg_mu;  // EVP_RAND_CTX is not thread-safe without its own locking

}  // namespace

Result<Bytes> random_bytes(size_t n) {
  Bytes b(n, '\0');
  auto* out = reinterpret_cast<unsigned char*>(b.data());
  if (EVP_RAND_CTX* drbg = shared_drbg()) {
    std::lock_guard g(g_drbg_mu);
    for (size_t done = 0; done < n;) {
      size_t k = std::min<size_t>(n - done, 4096);  // below every DRBG's max_request
      if (EVP_RAND_generate(drbg, out + done, k, 256, 0, nullptr, 0) != 1) return Error{"the OpenSSL random generator failed"};
      done += k;
    }
    return b;
  }
  if (n > INT_MAX || RAND_bytes(out, static_cast<int>(n)) != 1) return Error{"the OpenSSL random generator failed"};
  return b;
}

Bytes sha256(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1) std::abort();
  return Bytes(reinterpret_cast<char*>(md), len);
}

std::string hex_encode(std::string_view data) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (unsigned char c : data) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

namespace {
int base64url_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}
}  // namespace

Result<Bytes> hex_decode(std::string_view hex) {
  if (hex.size() % 2) return Error{"odd number of hex digits"};
  Bytes out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = hex_value(hex[i]), lo = hex_value(hex[i + 1]);
    if (hi < 0 || lo < 0) return Error{"not a hex digit"};
    out.push_back(static_cast<char>(hi << 4 | lo));
  }
  return out;
}

std::string base64url_encode(std::string_view data) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : data) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 63]);
  return out;  // unpadded, RFC 4648 section 5
}

Result<Bytes> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return Error{"bad base64url length"};
  Bytes out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = base64url_value(c);
    if (v < 0) return Error{"not a base64url character"};
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return Error{"non-canonical base64url"};
  return out;
}

bool equal_constant_time(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

namespace {
const unsigned char* u8(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
}  // namespace

Result<void> Gcm::init(Mode mode, std::string_view key, std::string_view nonce, std::string_view aad) {
  if (key.size() != kKeyBytes || nonce.size() != kNonceBytes) return Error{"bad AES-256-GCM key or nonce length"};
  if (aad.size() > INT_MAX) return Error{"associated data too large"};
  mode_ = mode;
  ctx_.reset(EVP_CIPHER_CTX_new());
  if (!ctx_) return Error{"EVP_CIPHER_CTX_new failed"};
  const int enc = mode == Mode::Encrypt ? 1 : 0;
  int len = 0;
  if (EVP_CipherInit_ex(ctx_.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr, enc) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes), nullptr) != 1 ||
      EVP_CipherInit_ex(ctx_.get(), nullptr, nullptr, u8(key), u8(nonce), enc) != 1 ||
      (!aad.empty() && EVP_CipherUpdate(ctx_.get(), nullptr, &len, u8(aad), static_cast<int>(aad.size())) != 1))
    return Error{"AES-256-GCM initialisation failed"};
  return Ok();
}

Result<void> Gcm::update(std::string_view in, Bytes& out) {
  if (!ctx_) return Error{"cipher not initialised"};
  constexpr size_t kStep = 1 << 30;  // EVP takes int lengths
  while (!in.empty()) {
    size_t n = in.size() < kStep ? in.size() : kStep;
    size_t old = out.size();
    out.resize(old + n);
    int len = 0;
    if (EVP_CipherUpdate(ctx_.get(), reinterpret_cast<unsigned char*>(out.data() + old), &len, u8(in), static_cast<int>(n)) != 1)
      return Error{"AES-256-GCM update failed"};
    out.resize(old + static_cast<size_t>(len));
    in.remove_prefix(n);
  }
  return Ok();
}

Result<Bytes> Gcm::finish_encrypt() {
  if (!ctx_ || mode_ != Mode::Encrypt) return Error{"cipher not initialised for encryption"};
  unsigned char last[16];
  int len = 0;
  Bytes tag(kTagBytes, '\0');
  if (EVP_EncryptFinal_ex(ctx_.get(), last, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes), tag.data()) != 1)
    return Error{"AES-256-GCM finalisation failed"};
  ctx_.reset();
  return tag;
}

Result<void> Gcm::finish_decrypt(std::string_view tag) {
  if (!ctx_ || mode_ != Mode::Decrypt) return Error{"cipher not initialised for decryption"};
  if (tag.size() != kTagBytes) return Error{"authentication tag missing or short"};
  Bytes t(tag);
  unsigned char last[16];
  int len = 0;
  bool ok = EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes), t.data()) == 1 &&
            EVP_DecryptFinal_ex(ctx_.get(), last, &len) == 1;
  ctx_.reset();
  if (!ok) return Error{"authentication failed (data damaged or wrong key)"};
  return Ok();
}

Result<Bytes> gcm_seal(std::string_view key, std::string_view nonce, std::string_view aad, std::string_view plain) {
  Gcm g;
  Bytes out;
  if (auto r = g.init(Gcm::Mode::Encrypt, key, nonce, aad); !r) return r.error();
  if (auto r = g.update(plain, out); !r) return r.error();
  auto tag = g.finish_encrypt();
  if (!tag) return tag.error();
  return out + *tag;
}

Result<Bytes> gcm_open(std::string_view key, std::string_view nonce, std::string_view aad, std::string_view sealed) {
  if (sealed.size() < kTagBytes) return Error{"sealed data shorter than a tag"};
  Gcm g;
  Bytes out;
  if (auto r = g.init(Gcm::Mode::Decrypt, key, nonce, aad); !r) return r.error();
  if (auto r = g.update(sealed.substr(0, sealed.size() - kTagBytes), out); !r) return r.error();
  if (auto r = g.finish_decrypt(sealed.substr(sealed.size() - kTagBytes)); !r) {
    OPENSSL_cleanse(out.data(), out.size());
    return r.error();
  }
  return out;
}

}  // namespace phi::escrow
