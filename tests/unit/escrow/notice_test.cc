// Tests for the pickup notice: complete RFC 5322 message, no PHI, no header injection.
#include "milter/escrow/notice.h"

#include <gtest/gtest.h>

namespace phi::escrow {
namespace {

NoticeInput sample() {
  NoticeInput in;
  in.from = "postmaster@mx.example.org";
  in.sender = "<clinic@example.org>";
  in.recipient = "<patient@insecure.example>";
  in.link = "https://pickup.example.org/t/AbC-_0123456789abcdefghijklmnopqrstuvwxy";
  in.expires = 1767225600 + 30 * 86400;
  in.now = 1767225600;
  in.original_subject = "Lab results: HIV positive, SSN 078-05-1120";
  in.authserv_id = "mx.example.org";
  return in;
}

std::string header_value(const Notice& n, const std::string& name) {
  for (const auto& [k, v] : n.headers)
    if (k == name) return v;
  return "<absent>";
}

TEST(Notice, HasEveryRequiredField) {
  auto n = compose_notice(sample());
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(header_value(*n, "From"), "<postmaster@mx.example.org>");
  EXPECT_EQ(header_value(*n, "To"), "<patient@insecure.example>");
  EXPECT_EQ(header_value(*n, "Subject"), "Secure message waiting for you");
  EXPECT_EQ(header_value(*n, "Date"), "Thu, 01 Jan 2026 00:00:00 +0000");
  EXPECT_EQ(header_value(*n, "Auto-Submitted"), "auto-generated");
  EXPECT_EQ(header_value(*n, "X-PHImilter-Notice"), "mx.example.org");
  EXPECT_EQ(header_value(*n, "MIME-Version"), "1.0");
  EXPECT_NE(header_value(*n, "Message-ID").find("@mx.example.org>"), std::string::npos);
  EXPECT_EQ(header_value(*n, "Content-Type").rfind("multipart/alternative; boundary=", 0), 0u);
  EXPECT_NE(n->body.find("Content-Type: text/plain; charset=utf-8"), std::string::npos);
  EXPECT_NE(n->body.find("Content-Type: text/html; charset=utf-8"), std::string::npos);
  EXPECT_NE(n->body.find(sample().link + "\r\n"), std::string::npos);
  EXPECT_NE(n->body.find("<a href=\"" + sample().link + "\">"), std::string::npos);
  EXPECT_NE(n->body.find("2026-01-31 00:00 UTC"), std::string::npos);
  EXPECT_NE(n->body.find("clinic@example.org"), std::string::npos);
  auto again = compose_notice(sample());
  EXPECT_NE(header_value(*n, "Message-ID"), header_value(*again, "Message-ID"));
  const std::string msg = format_notice(*n);
  EXPECT_NE(msg.find("\r\nAuto-Submitted: auto-generated\r\n"), std::string::npos);
  EXPECT_NE(msg.find("\r\n\r\n--=_phimilter_"), std::string::npos);
}

TEST(Notice, CarriesNoOriginalSubjectUnlessAsked) {
  auto n = compose_notice(sample());
  const std::string msg = format_notice(*n);
  for (const char* phi : {"HIV", "078-05-1120", "Lab results"}) {
    SCOPED_TRACE(phi);
    EXPECT_EQ(msg.find(phi), std::string::npos);
  }
  NoticeInput in = sample();
  in.subject_template = "Secure: {subject} from {sender} until {expires}";
  auto opted = compose_notice(in);
  EXPECT_EQ(header_value(*opted, "Subject").rfind("Secure: Lab results: HIV positive", 0), 0u);
  EXPECT_LE(header_value(*opted, "Subject").size(), kMaxSubjectBytes);
}

TEST(Notice, HostileValuesCannotInjectHeadersOrMarkup) {
  struct { const char* label; std::string NoticeInput::*field; std::string value; } rows[] = {
      {"sender with CRLF", &NoticeInput::sender, "a@b\r\nBcc: victim@example.org"},
      {"recipient with LF", &NoticeInput::recipient, "x@y\nBcc: victim@example.org"},
      {"from with CR", &NoticeInput::from, "p@q\rBcc: victim@example.org"},
      {"authserv with CRLF", &NoticeInput::authserv_id, "mx\r\nBcc: victim@example.org"},
      {"template with CRLF", &NoticeInput::subject_template, "Hi\r\nBcc: victim@example.org"},
      {"sender with markup", &NoticeInput::sender, "<script>alert(1)</script>@x"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    NoticeInput in = sample();
    in.*r.field = r.value;
    auto n = compose_notice(in);
    ASSERT_TRUE(n.ok());
    for (const auto& [k, v] : n->headers) {
      EXPECT_EQ(v.find_first_of("\r\n"), std::string::npos) << k;
      EXPECT_EQ(k.find_first_of("\r\n"), std::string::npos);
    }
    EXPECT_EQ(format_notice(*n).find("\r\nBcc:"), std::string::npos);
    EXPECT_EQ(n->body.find("<script>"), std::string::npos);
  }
}

TEST(Notice, NonAsciiSubjectIsEncoded) {
  NoticeInput in = sample();
  in.subject_template = "Sichere Nachricht f\xc3\xbcr Sie \xe2\x80\x94 bitte abholen, sie l\xc3\xa4uft bald ab";
  auto n = compose_notice(in);
  const std::string s = header_value(*n, "Subject");
  EXPECT_EQ(s.rfind("=?UTF-8?B?", 0), 0u);
  for (unsigned char c : s) EXPECT_LT(c, 0x80);
  size_t words = 0;
  for (size_t p = s.find("=?UTF-8?B?"); p != std::string::npos; p = s.find("=?UTF-8?B?", p + 1)) {
    ++words;
    EXPECT_LE(s.find("?=", p) + 2 - p, 75u);
  }
  EXPECT_GE(words, 2u);
}

TEST(Notice, BadLinksAreRefusedAndHugeInputIsBounded) {
  NoticeInput in = sample();
  in.link = "https://p.example/t/\r\nBcc: x";
  EXPECT_FALSE(compose_notice(in).ok());
  in.link = "https://p.example/" + std::string(kMaxLinkBytes, 'a');
  EXPECT_FALSE(compose_notice(in).ok());
  in = sample();
  std::string hostile;
  for (int i = 0; i < 10000; ++i) hostile += "\r\nBcc: v@x <b>";
  in.sender = hostile;
  in.recipient = hostile;
  in.subject_template = hostile + "{sender}{subject}";
  in.original_subject = hostile;
  auto n = compose_notice(in);
  ASSERT_TRUE(n.ok());
  EXPECT_LT(format_notice(*n).size(), 8000u);
  for (const auto& [k, v] : n->headers) EXPECT_EQ(v.find_first_of("\r\n"), std::string::npos) << k;
}

}  // namespace
}  // namespace phi::escrow
