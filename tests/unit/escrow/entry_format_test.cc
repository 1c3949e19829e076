// Tests for the entry header and metadata text: round trips, strict parsing, bounds.
#include "milter/escrow/entry_format.h"

#include <gtest/gtest.h>

namespace phi::escrow {
namespace {

EntryHeader sample_header() {
  EntryHeader h;
  h.id = std::string(32, 'a');
  h.created = 1700000000;
  h.expires = 1702592000;
  h.key_id = "k-2026.1";
  h.wrap_nonce = std::string(12, '\1');
  h.wrapped_key = std::string(48, '\2');
  h.meta_nonce = std::string(12, '\3');
  h.meta_length = 77;
  h.body_nonce = std::string(12, '\4');
  h.tokens = {{std::string(64, 'b'), 1702592000}, {std::string(64, 'c'), 1702592000}};
  return h;
}

TEST(EntryHeader, RoundTrips) {
  EntryHeader h = sample_header();
  auto text = format_header(h);
  auto got = parse_header(text);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->id, h.id);
  EXPECT_EQ(got->created, h.created);
  EXPECT_EQ(got->expires, h.expires);
  EXPECT_EQ(got->key_id, h.key_id);
  EXPECT_EQ(got->wrap_nonce, h.wrap_nonce);
  EXPECT_EQ(got->wrapped_key, h.wrapped_key);
  EXPECT_EQ(got->meta_nonce, h.meta_nonce);
  EXPECT_EQ(got->meta_length, h.meta_length);
  EXPECT_EQ(got->body_nonce, h.body_nonce);
  ASSERT_EQ(got->tokens.size(), 2u);
  EXPECT_EQ(got->tokens[1].sha256_hex, std::string(64, 'c'));
  EXPECT_TRUE(parse_header(text + "future-field anything\n").ok());
}

TEST(EntryHeader, RejectsBadText) {
  const std::string good = format_header(sample_header());
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string t = good;
    t.replace(t.find(from), from.size(), to);
    return t;
  };
  struct { const char* label; std::string text; const char* want; } rows[] = {
      {"format 2", replace("format 1", "format 2"), "unsupported format 2"},
      {"missing id", replace("id " + std::string(32, 'a') + "\n", ""), "required field is missing"},
      {"duplicate created", good + "created 5\n", "created given twice"},
      {"bad id", replace(std::string(32, 'a'), std::string(32, 'A')), "bad entry id"},
      {"short nonce", replace("meta-nonce 030303", "meta-nonce 03"), "meta-nonce: expected 24 hex digits"},
      {"negative time", replace("created 1700000000", "created -1"), "bad number"},
      {"count mismatch", replace("recipients 2", "recipients 3"), "does not match"},
      {"no final newline", good.substr(0, good.size() - 1), "no final newline"},
      {"no value", "format\n", "expected \"name value\""},
      {"huge meta-length", replace("meta-length 77", "meta-length 99999999"), "meta-length too large"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    auto got = parse_header(r.text);
    ASSERT_FALSE(got.ok());
    EXPECT_NE(got.error().message.find(r.want), std::string::npos) << got.error().message;
  }
}

// The clear header is untrusted and its parse errors reach the terminal
// through phimilterctl escrow list and verify: no byte of it may arrive raw
// unless it is printable ASCII.
TEST(EntryHeader, ErrorsShowNoRawBytesOfTheHeader) {
  const std::string good = format_header(sample_header());
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string t = good;
    t.replace(t.find(from), from.size(), to);
    return t;
  };
  const std::string evil = "\x1b[31mEVIL\x1b]0;owned\x07\x9b\r\xff";
  struct { const char* label; std::string text; std::string want; } rows[] = {
      {"created", replace("created 1700000000", "created " + evil),
       "line 3: created: bad number \"\\x1b[31mEVIL\\x1b]0;owned\\x07\\x9b\\x0d\\xff\""},
      {"token expiry", replace("c 1702592000", "c " + evil + "\\\""),
       "token: bad number \"\\x1b[31mEVIL\\x1b]0;owned\\x07\\x9b\\x0d\\xff\\x5c\\x22\""},
      {"format", replace("format 1", "format " + evil), "line 1: unsupported format \\x1b[31mEVIL\\x1b]0;own..."},
      {"key id", replace("key-id k-2026.1", "key-id " + evil), "line 5: bad key id"},
      {"long number", replace("created 1700000000", "created " + std::string(100, '9')),
       "line 3: created: bad number \"" + std::string(32, '9') + "...\""},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    auto got = parse_header(r.text);
    ASSERT_FALSE(got.ok());
    const std::string& m = got.error().message;
    EXPECT_NE(m.find(r.want), std::string::npos) << m;
    for (char c : m) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << "raw byte " << int(static_cast<unsigned char>(c)) << " in: " << m;
  }
}

TEST(EntryHeader, TenThousandTokenLinesAreBounded) {
  std::string text = format_header(sample_header());
  for (int i = 0; i < 1500; ++i) text += "token " + std::string(64, 'd') + " 1\n";
  auto got = parse_header(text);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().message.find("more than 1000 tokens"), std::string::npos) << got.error().message;
  for (int i = 0; i < 10000 - 1500; ++i) text += "token " + std::string(64, 'd') + " 1\n";
  auto big = parse_header(text);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().message, "header larger than 262144 bytes");
}

TEST(Prefix, LengthIsBigEndianAndChecked) {
  auto prefix = format_prefix(sample_header());
  auto n = parse_prefix_length(prefix.substr(0, kPrefixFixedBytes));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n + kPrefixFixedBytes, prefix.size());
  EXPECT_FALSE(parse_prefix_length("PHIESC1\n").ok());
  EXPECT_FALSE(parse_prefix_length(std::string("PHIESC2\n\0\0\0\1", 12)).ok());
  EXPECT_FALSE(parse_prefix_length(std::string("PHIESC1\n\0\0\0\0", 12)).ok());
  EXPECT_FALSE(parse_prefix_length(std::string("PHIESC1\n\xff\0\0\0", 12)).ok());
}

TEST(EntryMeta, RoundTripsAnyBytes) {
  EntryMeta m;
  m.sender = "";
  m.recipients = {"<a@b.example>", std::string("odd\r\nBcc: x%20\0y", 16), "p\xc3\xa4t@example.org"};
  m.rule = "phi-insecure";
  m.queue_id = "4ABC123";
  m.provenance = "hops=3 encrypted=2 plaintext=1 weakest=plaintext";
  m.categories = {{"ssn", 2}, {"icd10", 5}};
  auto text = format_meta(m);
  EXPECT_EQ(text.find('\r'), std::string::npos);
  auto got = parse_meta(text);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->sender, m.sender);
  EXPECT_EQ(got->recipients, m.recipients);
  EXPECT_EQ(got->rule, m.rule);
  EXPECT_EQ(got->queue_id, m.queue_id);
  EXPECT_EQ(got->provenance, m.provenance);
  EXPECT_EQ(got->categories, m.categories);
}

TEST(EntryMeta, RejectsBadEscapesAndBoundsRepeats) {
  struct { const char* label; std::string text; } rows[] = {
      {"truncated escape", "sender a%4\n"},
      {"bad escape", "sender a%zz\n"},
      {"category without count", "category ssn\n"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    EXPECT_FALSE(parse_meta(r.text).ok());
  }
  std::string many;
  for (int i = 0; i < 10000; ++i) many += "rcpt a@b\n";
  auto got = parse_meta(many);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().message.find("too many recipients"), std::string::npos);
}

TEST(EntryId, OnlyLowerHexOfTheRightLength) {
  EXPECT_TRUE(valid_entry_id(std::string(32, 'f')));
  EXPECT_FALSE(valid_entry_id(std::string(31, 'f')));
  EXPECT_FALSE(valid_entry_id("../../../../etc/passwd0000000000"));
  EXPECT_FALSE(valid_entry_id(std::string(32, 'F')));
}

}  // namespace
}  // namespace phi::escrow
