// Tests for sanitize: hostile text must never yield CR/LF or exceed bounds.
#include "milter/util/sanitize.h"

#include <gtest/gtest.h>

namespace phi {
namespace {

struct Row {
  const char* label;
  std::string in;
  size_t max;
  std::string want;
};

TEST(SanitizeHeaderText, CleansHostileInput) {
  const Row rows[] = {
      {"plain ascii kept", "mx.example.org", 100, "mx.example.org"},
      {"CRLF removed", "a\r\nX-Injected: yes", 100, "aX-Injected: yes"},
      {"bare LF removed", "a\nb", 100, "ab"},
      {"tab becomes space", "a\tb", 100, "a b"},
      {"NUL and DEL removed", std::string("a\0b\x7f" "c", 5), 100, "abc"},
      {"valid UTF-8 kept", "M\xC3\xBCller", 100, "M\xC3\xBCller"},
      {"invalid UTF-8 replaced", "a\xFF\xFE" "b", 100, "a??b"},
      {"overlong encoding replaced", "\xC0\xAF", 100, "??"},
      {"C1 control removed", "a\xC2\x85" "b", 100, "ab"},
      {"cut marks with dots", "abcdefghij", 8, "abcde..."},
      {"cut on character boundary", "\xC3\xBC\xC3\xBC\xC3\xBC\xC3\xBC", 7, "\xC3\xBC\xC3\xBC..."},
      {"ascii run that just fits", "abcdefgh", 8, "abcdefgh"},
      {"ascii run one byte over", "abcdefghi", 8, "abcde..."},
      {"run cut after a UTF-8 letter", "\xC3\xBC" "abcdefgh", 8, "\xC3\xBC" "abc..."},
      {"control between two runs", "ab\x01" "cd\x7f" "ef", 100, "abcdef"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    EXPECT_EQ(sanitize_header_text(r.in, r.max), r.want);
  }
}

TEST(SanitizeHeaderText, TenKilobyteValueIsBoundedAndHasNoLineBreaks) {
  std::string big;
  for (int i = 0; i < 10240; ++i) big.push_back(i % 50 == 0 ? '\n' : (i % 7 == 0 ? '\r' : 'x'));
  auto out = sanitize_header_text(big, 200);
  EXPECT_LE(out.size(), 200u);
  EXPECT_EQ(out.find('\r'), std::string::npos);
  EXPECT_EQ(out.find('\n'), std::string::npos);
}

TEST(QuoteHeaderValue, TokensBareOthersQuoted) {
  const Row rows[] = {
      {"token stays bare", "TLS_AES_256_GCM_SHA384", 100, "TLS_AES_256_GCM_SHA384"},
      {"space quotes", "CN=mx example", 100, "\"CN=mx example\""},
      {"semicolon quotes", "a;b", 100, "\"a;b\""},
      {"quote and backslash escaped", "a\"b\\c", 100, "\"a\\\"b\\\\c\""},
      {"empty quoted", "", 100, "\"\""},
      {"CRLF inside removed then quoted", "x\r\ny z", 100, "\"xy z\""},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    EXPECT_EQ(quote_header_value(r.in, r.max), r.want);
  }
}

}  // namespace
}  // namespace phi
