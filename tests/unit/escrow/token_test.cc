// Tests for pickup tokens: only hashes are stored, expiry and ownership are checked.
#include "milter/escrow/token.h"

#include <gtest/gtest.h>

namespace phi::escrow {
namespace {

TEST(PickupToken, IsRandomBase64urlAndStoredAsHash) {
  auto a = make_pickup_token(100), b = make_pickup_token(100);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->text.size(), kTokenTextBytes);
  EXPECT_NE(a->text, b->text);
  EXPECT_EQ(a->hash.sha256_hex.size(), 64u);
  EXPECT_EQ(a->hash.sha256_hex.find(a->text), std::string::npos);
  EXPECT_EQ(token_hash_hex(a->text), a->hash.sha256_hex);
  EXPECT_EQ(a->hash.expires, 100);
  EXPECT_EQ(format_pickup_link("https://p.example/t/", a->text), "https://p.example/t/" + a->text);
}

TEST(CheckPickupToken, FindsRecipientAndRefusesOthers) {
  auto t0 = make_pickup_token(1000), t1 = make_pickup_token(2000), other = make_pickup_token(1000);
  EntryHeader h;
  h.tokens = {t0->hash, t1->hash};
  EXPECT_EQ(*check_pickup_token(h, t0->text, 999), 0u);
  EXPECT_EQ(*check_pickup_token(h, t1->text, 1999), 1u);
  struct { const char* label; std::string token; int64_t now; const char* want; } rows[] = {
      {"expired at the second", t0->text, 1000, "pickup token expired"},
      {"expired later", t1->text, 5000, "pickup token expired"},
      {"other entry's token", other->text, 1, "does not belong to this entry"},
      {"empty", "", 1, "malformed"},
      {"one char short", t0->text.substr(1), 1, "malformed"},
      {"bad alphabet", std::string(43, '+'), 1, "malformed"},
      {"the hash itself", t0->hash.sha256_hex, 1, "malformed"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    auto got = check_pickup_token(h, r.token, r.now);
    ASSERT_FALSE(got.ok());
    EXPECT_NE(got.error().message.find(r.want), std::string::npos) << got.error().message;
  }
}

TEST(CheckPickupToken, TenThousandHostileTokensAreRefused) {
  auto t = make_pickup_token(10);
  EntryHeader h;
  h.tokens = {t->hash};
  std::string hostile;
  for (int i = 0; i < 10000; ++i) hostile += "%2e%2e/\r\n";
  EXPECT_FALSE(check_pickup_token(h, hostile, 1).ok());
}

}  // namespace
}  // namespace phi::escrow
