// Tests for parse_received: clauses, comments, folding, literals, bounds.
#include "milter/provenance/received_parser.h"

#include <gtest/gtest.h>

namespace phi::provenance {
namespace {

TEST(ParseReceived, SplitsStandardClauses) {
  struct Row { const char* label; const char* in; const char* from; const char* by; const char* with; const char* id; const char* for_; const char* date; };
  const Row rows[] = {
      {"all clauses", "from a.example (a.example [192.0.2.1]) by b.example with ESMTP id X1 for <u@b.example>; Mon, 2 Dec 2024 05:00:00 +0000",
       "a.example", "b.example", "ESMTP", "X1", "<u@b.example>", "Mon, 2 Dec 2024 05:00:00 +0000"},
      {"CRLF folding", "from a.example\r\n\tby b.example\r\n with SMTP;\r\n Mon, 2 Dec 2024", "a.example", "b.example", "SMTP", "", "", "Mon, 2 Dec 2024"},
      {"LF folding", "from a.example\n\tby b.example\n with SMTP;\n Mon", "a.example", "b.example", "SMTP", "", "", "Mon"},
      {"lowercase and uppercase keywords", "FROM a By b WITH esmtp Id 7; x", "a", "b", "esmtp", "7", "", "x"},
      {"missing from and with", "by b.example id Q; d", "", "b.example", "", "Q", "", "d"},
      {"multi-word with", "from a by b with Microsoft SMTP Server id 15.20; d", "a", "b", "Microsoft SMTP Server", "15.20", "", "d"},
      {"IPv6 literal is one word", "from [IPv6:2001:db8::1] by b with ESMTP; d", "[IPv6:2001:db8::1]", "b", "ESMTP", "", "", "d"},
      {"semicolon in comment is not the date", "from a (x; y) by b with SMTP; real date", "a", "b", "SMTP", "", "", "real date"},
      {"no date", "from a by b with SMTP", "a", "b", "SMTP", "", "", ""},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    auto p = parse_received(r.in);
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->from, r.from);
    EXPECT_EQ(p->by, r.by);
    EXPECT_EQ(p->with, r.with);
    EXPECT_EQ(p->id, r.id);
    EXPECT_EQ(p->for_, r.for_);
    EXPECT_EQ(p->date, r.date);
    EXPECT_FALSE(p->truncated);
  }
}

// The HELO name is the client's text: Postfix writes it after "from" as
// given (a multi-word HELO joined with spaces), qmail and IronPort in a
// "(HELO ...)" comment. None of it may become a clause or hide the by and
// with clauses the MTA wrote.
TEST(ParseReceived, ClientTextIsNotAClause) {
  struct Row { const char* label; const char* in; const char* from; const char* by; const char* with; const char* id; const char* tls; };
  const Row rows[] = {
      // Hostile HELO names in Postfix's place.
      {"postfix helo 'tls CIPHER'",
       "from tls TLS_AES_256_GCM_SHA384 (unknown [198.51.100.7]) by mx.example.org (Postfix) with ESMTP id X; d",
       "tls TLS_AES_256_GCM_SHA384", "mx.example.org", "ESMTP", "X", nullptr},
      {"postfix helo 'with'", "from with (rdns.example [198.51.100.7]) by mx.example.org (Postfix) with ESMTP id X; d",
       "with", "mx.example.org", "ESMTP", "X", nullptr},
      {"postfix helo 'id'", "from id (rdns.example [198.51.100.7]) by mx.example.org (Postfix) with ESMTP id X; d",
       "id", "mx.example.org", "ESMTP", "X", nullptr},
      {"postfix helo 'by'", "from by (unknown [198.51.100.7]) by mx.example.org (Postfix) with ESMTP id X; d",
       "by", "mx.example.org", "ESMTP", "X", nullptr},
      {"postfix helo 'a by b with ESMTPS id Y'",
       "from a by b with ESMTPS id Y (unknown [198.51.100.7]) by mx.example.org (Postfix) with ESMTP id X; d",
       "a by b with ESMTPS id Y", "mx.example.org", "ESMTP", "X", nullptr},
      {"postfix helo with an unclosed paren",
       "from a(b (unknown [198.51.100.7]) (using TLSv1.3 with cipher X (256/256 bits)) by mx.example.org (Postfix) "
       "with ESMTPS id X; d",
       "a (b", "mx.example.org", "ESMTPS", "X", nullptr},
      {"postfix helo with two unclosed parens", "from ((x (unknown [198.51.100.7]) by mx.example.org (Postfix) with ESMTP id X; d",
       "( (x", "mx.example.org", "ESMTP", "X", nullptr},
      {"postfix helo 'x for <y> tls Z'",
       "from x for <y> tls Z (unknown [198.51.100.7]) by mx.example.org (Postfix) with ESMTP id X; d",
       "x for <y> tls Z", "mx.example.org", "ESMTP", "X", nullptr},
      // Hostile HELO arguments in qmail's comment.
      {"qmail helo with unbalanced paren",
       "from unknown (HELO x(y) (198.51.100.3) by mx.example.org with SMTP; d", "unknown", "mx.example.org", "SMTP", "",
       nullptr},
      {"qmail helo with nine parens",
       "from unknown (HELO (((((((((x) (198.51.100.3) by mx.example.org with SMTP; d", "unknown", "mx.example.org",
       "SMTP", "", nullptr},
      {"qmail helo 'TLS:'", "from unknown (HELO TLS:) (198.51.100.3) by mx.example.org with SMTP; d", "unknown",
       "mx.example.org", "SMTP", "", nullptr},
      // A quoted local part in the recipient is the client's too.
      {"quoted recipient with '>'", "from a (a [192.0.2.1]) by b with ESMTP id X for <\"x> tls Y\"@b>; d", "a", "b",
       "ESMTP", "X", nullptr},
      // What MTAs write must still parse.
      {"postfix", "from mail.example.net (mail.example.net [192.0.2.11]) (using TLSv1.3 with cipher X (256/256 bits)) by mx.example.org (Postfix) with ESMTPS id 4Y2; d",
       "mail.example.net", "mx.example.org", "ESMTPS", "4Y2", nullptr},
      {"no from comment", "from alice by mail.example.org with local; d", "alice", "mail.example.org", "local", "",
       nullptr},
      {"no from comment, by comment", "from a.example by b.example (Postfix) with ESMTP id Q; d", "a.example",
       "b.example", "ESMTP", "Q", nullptr},
      {"exim tls clause", "from a ([192.0.2.20] helo=a) by b with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384 (Exim 4.97) id 1t; d",
       "a", "b", "esmtps", "1t", "TLS_AES_256_GCM_SHA384"},
      {"rfc 8314 tls clause", "from a ([192.0.2.98]) BY b WITH SMTP TLS TLS_AES_128_GCM_SHA256 ID D; d", "a", "b", "SMTP",
       "D", "TLS_AES_128_GCM_SHA256"},
      {"rfc 8314 tls clause last", "from a (a [192.0.2.1]) by b with ESMTPS id G for <u@b> tls TLS_CHACHA20_POLY1305_SHA256; d",
       "a", "b", "ESMTPS", "G", "TLS_CHACHA20_POLY1305_SHA256"},
      {"qmail helo", "from unknown (HELO client.example.com) (203.0.113.76) by mx.example.org with SMTP; d", "unknown",
       "mx.example.org", "SMTP", "", nullptr},
      {"ironport helo", "from unknown (HELO mail.example.net) ([192.0.2.54]) by esa4.example.org with ESMTP/TLS/X; d",
       "unknown", "esa4.example.org", "ESMTP/TLS/X", "", nullptr},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    auto p = parse_received(r.in);
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->from, r.from);
    EXPECT_EQ(p->by, r.by);
    EXPECT_EQ(p->with, r.with);
    EXPECT_EQ(p->id, r.id);
    const auto* tls = p->find("tls");
    if (r.tls) {
      ASSERT_NE(tls, nullptr);
      EXPECT_EQ(tls->value, r.tls);
    } else {
      EXPECT_EQ(tls, nullptr) << tls->value;
    }
  }
}

TEST(ParseReceived, HeloCommentEndsAtFirstClose) {
  auto p = parse_received("from unknown (HELO a(b(c) (198.51.100.3) by mx with SMTP; d");
  ASSERT_TRUE(p.ok());
  const auto* from = p->find("from");
  ASSERT_NE(from, nullptr);
  ASSERT_EQ(from->comments.size(), 2u);
  EXPECT_EQ(from->comments[0], "HELO a(b(c");
  EXPECT_EQ(from->comments[1], "198.51.100.3");
  // Without any ')' the '(' is text, as any unclosed '(' is: the clauses
  // after it are read.
  auto q = parse_received("from unknown (HELO a by mx with SMTP; d");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->by, "mx");
  EXPECT_EQ(q->with, "SMTP");
  EXPECT_EQ(q->date, "d");
}

TEST(ParseReceived, KeepsNestedCommentsAndUnknownClauses) {
  auto p = parse_received(
      "from a (a [192.0.2.1] (may be (forged))) (using TLSv1.3 with cipher X (256/256 bits)) by b "
      "with esmtps (TLS1.3) tls TLS_AES_128_GCM_SHA256 envelope-from <s@a> (quoted \\) paren); d");
  ASSERT_TRUE(p.ok());
  const auto* from = p->find("from");
  ASSERT_NE(from, nullptr);
  ASSERT_EQ(from->comments.size(), 2u);
  EXPECT_EQ(from->comments[0], "a [192.0.2.1] (may be (forged))");
  EXPECT_EQ(from->comments[1], "using TLSv1.3 with cipher X (256/256 bits)");
  const auto* tls = p->find("tls");
  ASSERT_NE(tls, nullptr);
  EXPECT_EQ(tls->value, "TLS_AES_128_GCM_SHA256");
  const auto* env = p->find("envelope-from");
  ASSERT_NE(env, nullptr);
  EXPECT_EQ(env->value, "<s@a>");
  ASSERT_EQ(env->comments.size(), 1u);
  EXPECT_EQ(env->comments[0], "quoted ) paren");
}

TEST(ParseReceived, LeadingCommentsAndDateOnly) {
  auto q = parse_received("(qmail 123 invoked by uid 89); 2 Dec 2024");
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->leading_comments.size(), 1u);
  EXPECT_EQ(q->leading_comments[0], "qmail 123 invoked by uid 89");
  EXPECT_EQ(q->date, "2 Dec 2024");
  EXPECT_TRUE(parse_received("; Mon, 2 Dec 2024").ok());
}

TEST(ParseReceived, ErrorsOnEmptyAndDeepComments) {
  for (const char* in : {"", "   \r\n\t ", "junk words only"}) {
    SCOPED_TRACE(in);
    EXPECT_FALSE(parse_received(in).ok());
  }
  std::string deep(kMaxCommentDepth + 1, '(');
  EXPECT_FALSE(parse_received("from a " + deep + " by b; d").ok());
  std::string ok_depth(kMaxCommentDepth, '(');
  EXPECT_TRUE(parse_received("from a " + ok_depth + std::string(kMaxCommentDepth, ')') + " by b; d").ok());
}

TEST(ParseReceived, BoundsHoldAgainstTenThousandRepeats) {
  struct Row { const char* label; std::string unit; };
  const Row rows[] = {
      {"clauses", "by x "}, {"comments", "(c) "}, {"opening parens", "("}, {"closing parens", ")"},
      {"literals", "[IPv6:2001:db8::1"}, {"folding", "\r\n\t"}, {"quotes", "\"\\"}, {"semicolons", "from a;"},
      {"angle", "<<<"}, {"backslashes", "(\\"}, {"helo comments", "(HELO ("}, {"quoted angles", "<\">"},
      {"from words", "tls id with "},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    std::string in = "from a.example ";
    for (int i = 0; i < 10000; ++i) in += r.unit;
    auto p = parse_received(in);  // must return (ok or error) without blowing up
    if (p.ok()) {
      EXPECT_LE(p->clauses.size(), kMaxReceivedClauses);
      for (const auto& c : p->clauses) EXPECT_LE(c.comments.size(), kMaxReceivedComments);
      EXPECT_LE(p->date.size(), kMaxReceivedBytes);
    }
  }
}

TEST(ParseReceived, CutsAtMaxBytesAndClauses) {
  std::string in = "from a by b with ESMTP id " + std::string(kMaxReceivedBytes, 'x');
  auto p = parse_received(in);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->truncated);
  EXPECT_EQ(p->with, "ESMTP");
  std::string many;
  for (size_t i = 0; i < kMaxReceivedClauses + 5; ++i) many += "by h" + std::to_string(i) + " ";
  auto m = parse_received(many + "; d");
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->truncated);
  EXPECT_EQ(m->clauses.size(), kMaxReceivedClauses);
  ReceivedLimits tight;
  tight.max_clauses = 2;
  auto t = parse_received("from a by b with c id d; x", tight);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->clauses.size(), 2u);
  EXPECT_EQ(t->with, "");
}

}  // namespace
}  // namespace phi::provenance
