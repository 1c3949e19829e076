// Tests for header decoding: RFC 2047 words, parameters with RFC 2231, display names.
#include "milter/mime/header.h"

#include <gtest/gtest.h>

namespace phi::mime {
namespace {

TEST(DecodeEncodedWords, Table) {
  struct Row { const char* label; std::string in; std::string want; bool error; };
  const Row rows[] = {
      {"plain", "Lab results", "Lab results", false},
      {"q utf-8", "=?utf-8?Q?J=C3=B6rg_Smith?=", "J\xC3\xB6rg Smith", false},
      {"b latin-1", "=?ISO-8859-1?B?Q2Fm6Q==?=", "Caf\xC3\xA9", false},
      {"adjacent words join", "=?utf-8?Q?a?= =?utf-8?Q?b?=", "ab", false},
      {"char split between words", "=?utf-8?B?w6k=?= =?utf-8?B?w6k=?=", "\xC3\xA9\xC3\xA9", false},
      {"utf-8 split across words", "=?utf-8?Q?=C3?= =?utf-8?Q?=A9?=", "\xC3\xA9", false},
      {"text between words kept", "=?utf-8?Q?a?= and =?utf-8?Q?b?=", "a and b", false},
      {"language suffix", "=?utf-8*en?Q?x?=", "x", false},
      {"malformed stays literal", "=?utf-8?X?abc?= =?bad", "=?utf-8?X?abc?= =?bad", false},
      {"blank inside a word", "=?utf-8?Q?a b?= =?utf-8?Q?c?=", "=?utf-8?Q?a b?= c", false},
      {"failed words before good ones", "=?a?q? =?x =?utf-8?Q?a?= =?a?q?b =?utf-8?Q?c?=",
       "=?a?q? =?x a =?a?q?b c", false},
      {"charset too long", "=?" + std::string(65, 'a') + "?Q?x?=", "=?" + std::string(65, 'a') + "?Q?x?=", false},
      {"bad base64 flagged", "=?utf-8?B?###?=", "", true},
      {"unknown charset flagged", "=?x-nope?Q?Jos=E9?=", "Jos\xC3\xA9", true},
      {"raw latin-1 in header", "Jos\xE9", "Jos\xC3\xA9", true},
      {"raw utf-8 in header", "Jos\xC3\xA9", "Jos\xC3\xA9", false},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    bool err = false;
    EXPECT_EQ(decode_encoded_words(r.in, &err), r.want);
    EXPECT_EQ(err, r.error);
  }
}

// Each "=?" that fails to form a word used to search for "?=" (and a
// blank) to the end of the string: quadratic, seconds for a 140 KB
// Subject. These inputs (1.3 MB, 10,000 candidate words, '?'-rich so that
// a search is slow) take milliseconds when linear and many seconds when
// not; nothing here measures time.
TEST(DecodeEncodedWords, TenThousandFailedWordsStayLinear) {
  std::string filler;
  for (int k = 0; k < 60; ++k) filler += "?x";
  struct Row { const char* label; std::string unit; std::string tail; };
  const Row rows[] = {
      {"no ?= anywhere", "=?a?q? " + filler, ""},
      {"?= at the end after a blank", "=?a?q?" + filler, " ?="},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    std::string in;
    for (int i = 0; i < 10000; ++i) in += r.unit;
    in += r.tail;
    bool err = false;
    EXPECT_EQ(decode_encoded_words(in, &err), in);  // all literal
    EXPECT_FALSE(err);
  }
  // A valid word after the 10,000 failed ones is still decoded.
  std::string in;
  for (int i = 0; i < 10000; ++i) in += "=?a?q? ";
  bool err = false;
  EXPECT_EQ(decode_encoded_words(in + "=?utf-8?Q?J=C3=B6rg?=", &err), in + "J\xC3\xB6rg");
  EXPECT_FALSE(err);
}

TEST(DecodeFieldValue, ContentTypeAndDisposition) {
  struct Row { const char* label; std::string in; std::string token; std::string name; std::string want; bool malformed; };
  const Row rows[] = {
      {"simple", "Text/Plain; Charset=\"UTF-8\"", "text/plain", "charset", "UTF-8", false},
      {"boundary unquoted", "multipart/mixed; boundary=abc", "multipart/mixed", "boundary", "abc", false},
      {"folded", "multipart/mixed;\r\n\tboundary=\"a b\"", "multipart/mixed", "boundary", "a b", false},
      {"escaped quote", "attachment; filename=\"a\\\"b.txt\"", "attachment", "filename", "a\"b.txt", false},
      {"rfc 2231 charset", "attachment; filename*=utf-8''pati%C3%ABnt.csv", "attachment", "filename", "pati\xC3\xABnt.csv", false},
      {"rfc 2231 continuations", "attachment; filename*0*=iso-8859-1'en'Jos%E9; filename*1=\"_Doe\"; filename*2=.txt",
       "attachment", "filename", "Jos\xC3\xA9_Doe.txt", false},
      {"sections out of order", "a; name*1=b; name*0=a", "a", "name", "ab", false},
      {"2231 wins over plain", "a; filename=x; filename*=utf-8''y", "a", "filename", "y", false},
      {"unquoted with spaces", "attachment; filename=my file.txt", "attachment", "filename", "my file.txt", false},
      {"unterminated quote", "a; filename=\"abc", "a", "filename", "abc", true},
      {"param without value", "a; junk", "a", "junk", "", true},
      // RFC 822 comments, as Python's email.policy.default strips them.
      {"comment after boundary", "multipart/mixed; boundary=b (comment)", "multipart/mixed", "boundary", "b", false},
      {"comment after the type", "message/rfc822 (fwd)", "message/rfc822", "boundary", "", false},
      {"comments around value", "text/plain; charset=(x)utf-8(y)", "text/plain", "charset", "utf-8", false},
      {"comment with ; and =", "text/plain (a; b=c); charset=utf-8", "text/plain", "charset", "utf-8", false},
      {"nested comment, quoted-pair", "a; boundary=b (x (y \\) z) w); c=d", "a", "boundary", "b", false},
      {"comment in quoted string kept", "a; boundary=\"b (c)\"", "a", "boundary", "b (c)", false},
      {"quote in comment", "a (\"x); boundary=b", "a", "boundary", "b", false},
      {"comment in parameter name", "a; boundary(x)=b", "a", "boundary", "b", false},
      {"disposition comment", "attachment (scan); filename=r.csv", "attachment", "filename", "r.csv", false},
      {"unterminated comment", "a; boundary=b (c", "a", "boundary", "b", true},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    FieldValue fv = decode_field_value(r.in);
    EXPECT_EQ(fv.token, r.token);
    EXPECT_EQ(fv.param(r.name), r.want);
    EXPECT_EQ(fv.malformed, r.malformed);
  }
}

TEST(StripComments, NestedQuotedAndUnterminated) {
  struct Row { const char* label; std::string in; std::string want; bool unterminated; };
  const Row rows[] = {
      {"none", "text/plain", "text/plain", false},
      {"one", "base64 (x)", "base64  ", false},
      {"nested", "a(b(c)d)e", "a e", false},
      {"quoted-pair paren", "a(b\\)c)d", "a d", false},
      {"inside quotes kept", "\"(x)\"(y)", "\"(x)\" ", false},
      {"escaped quote in quotes", "\"a\\\"(b)\"(c)", "\"a\\\"(b)\" ", false},
      {"unterminated", "a(b(c)", "a ", true},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    bool unterminated = false;
    EXPECT_EQ(strip_comments(r.in, &unterminated), r.want);
    EXPECT_EQ(unterminated, r.unterminated);
  }
  bool unterminated = false;
  EXPECT_EQ(strip_comments(std::string(10000, '(') + std::string(10000, ')') + "x", &unterminated), " x");
  EXPECT_FALSE(unterminated);
}

TEST(DecodeFieldValue, TenThousandParamsAreBounded) {
  std::string in = "text/plain";
  for (int i = 0; i < 10000; ++i) in += "; p" + std::to_string(i) + "*" + std::to_string(i % 100) + "*=x";
  FieldValue fv = decode_field_value(in);
  EXPECT_TRUE(fv.malformed);
  EXPECT_LE(fv.params.size(), kMaxParams);
}

TEST(DecodeDisplayNames, Table) {
  struct Row { const char* label; std::string in; std::vector<std::string> want; };
  const Row rows[] = {
      {"angle", "John Doe <jd@example.org>", {"John Doe"}},
      {"quoted with comma", "\"Doe, John\" <jd@example.org>, Jane <j@x.org>", {"Doe, John", "Jane"}},
      {"bare address has no name", "jd@example.org", {}},
      {"comment name", "jd@example.org (John Doe)", {"John Doe"}},
      {"encoded", "=?utf-8?Q?J=C3=B6rg?= <j@x.org>", {"J\xC3\xB6rg"}},
      {"encoded in quotes", "\"=?utf-8?B?SsO2cmc=?=\" <j@x.org>", {"J\xC3\xB6rg"}},
      {"group", "Patients: a@x.org, B <b@x.org>;", {"Patients", "B"}},
      {"angle with > inside quotes", "\"a>b\" <c@d>", {"a>b"}},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    bool err = false;
    EXPECT_EQ(decode_display_names(r.in, &err), r.want);
  }
}

TEST(DecodeDisplayNames, TenThousandNestedCommentsAreBounded) {
  std::string in(10000, '(');
  bool err = false;
  auto names = decode_display_names(in + "x", &err);
  EXPECT_LE(names.size(), 1u);
}

}  // namespace
}  // namespace phi::mime
