// Tests for the escrow crypto helpers: encodings round-trip, GCM detects damage.
#include "milter/escrow/crypto.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

namespace phi::escrow {
namespace {

TEST(Base64url, RoundTripsEveryLength) {
  std::string data;
  for (int i = 0; i < 70; ++i) {
    SCOPED_TRACE(i);
    auto enc = base64url_encode(data);
    EXPECT_EQ(enc.find_first_of("+/="), std::string::npos);
    auto dec = base64url_decode(enc);
    ASSERT_TRUE(dec.ok());
    EXPECT_EQ(*dec, data);
    data.push_back(static_cast<char>(i * 37 + 250));
  }
}

TEST(Base64url, RejectsMalformedText) {
  struct { const char* label; const char* in; } rows[] = {
      {"padding", "AAA="}, {"plus", "A+AA"}, {"slash", "A/AA"}, {"bad length", "AAAAA"}, {"non-canonical tail", "AB"},
      {"space", "AA AA"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    EXPECT_FALSE(base64url_decode(r.in).ok());
  }
}

TEST(Hex, RoundTripAndErrors) {
  EXPECT_EQ(hex_encode(std::string("\x00\xff\x10", 3)), "00ff10");
  EXPECT_EQ(*hex_decode("00FF10"), std::string("\x00\xff\x10", 3));
  EXPECT_FALSE(hex_decode("abc").ok());
  EXPECT_FALSE(hex_decode("zz").ok());
}

// Keys, nonces, entry ids and tokens come from here, in many threads at once.
TEST(RandomBytes, LengthsAndNoRepeatsAcrossThreads) {
  for (size_t n : {size_t(0), size_t(1), size_t(16), size_t(4097), size_t(70000)}) {
    auto r = random_bytes(n);
    ASSERT_TRUE(r) << n;
    EXPECT_EQ(r->size(), n);
  }
  auto big = random_bytes(70000);
  ASSERT_TRUE(big);
  size_t zeros = 0;  // beyond the first 4096-byte chunk too: not left as zero fill
  for (size_t i = 4096; i < big->size(); ++i) zeros += (*big)[i] == '\0';
  EXPECT_LT(zeros, 1000u);  // about 257 expected
  std::vector<std::vector<Bytes>> drawn(4);
  std::vector<std::thread> threads;
  for (auto& d : drawn)
    threads.emplace_back([&d] {
      for (int i = 0; i < 500; ++i)
        if (auto r = random_bytes(16)) d.push_back(*r);
    });
  for (auto& t : threads) t.join();
  std::set<Bytes> all;
  for (const auto& d : drawn) {
    EXPECT_EQ(d.size(), 500u);
    all.insert(d.begin(), d.end());
  }
  EXPECT_EQ(all.size(), 2000u);
}

TEST(Sha256, KnownAnswer) {
  EXPECT_EQ(hex_encode(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Gcm, SealOpenAndEveryFlippedByteFails) {
  const std::string key(32, 'k'), nonce(12, 'n');
  auto sealed = gcm_seal(key, nonce, "aad", "hello world");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->size(), 11 + kTagBytes);
  EXPECT_EQ(*gcm_open(key, nonce, "aad", *sealed), "hello world");
  for (size_t i = 0; i < sealed->size(); ++i) {
    SCOPED_TRACE(i);
    std::string bad = *sealed;
    bad[i] ^= 1;
    EXPECT_FALSE(gcm_open(key, nonce, "aad", bad).ok());
  }
  EXPECT_FALSE(gcm_open(key, nonce, "aaD", *sealed).ok());
  EXPECT_FALSE(gcm_open(std::string(32, 'K'), nonce, "aad", *sealed).ok());
  EXPECT_FALSE(gcm_open(key, nonce, "aad", "short").ok());
  EXPECT_FALSE(gcm_seal("short key", nonce, "", "x").ok());
}

}  // namespace
}  // namespace phi::escrow
