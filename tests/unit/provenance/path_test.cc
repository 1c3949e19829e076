// Tests for the path: summary, summary header, our header parser, PathCollector.
#include <gtest/gtest.h>

#include "milter/provenance/hop_header.h"
#include "milter/provenance/path_collector.h"
#include "milter/provenance/path_summary.h"

namespace phi::provenance {
namespace {

Hop hop(TlsState s, const char* by, const char* version = "") {
  Hop h;
  h.tls = s;
  h.by = by;
  h.version = version;
  return h;
}

TEST(Summarize, CountsWeakestFirstPlaintextAndLowestVersion) {
  struct Row { const char* label; std::vector<Hop> hops; TlsState weakest; const char* first_plain; const char* lowest; };
  const Row rows[] = {
      {"empty", {}, TlsState::Unknown, "", ""},
      {"all internal", {hop(TlsState::Internal, "a")}, TlsState::Internal, "", ""},
      {"internal ignored for weakest", {hop(TlsState::Internal, "a"), hop(TlsState::Encrypted, "b", "TLSv1.3")}, TlsState::Encrypted, "", "TLSv1.3"},
      {"unknown below encrypted", {hop(TlsState::Encrypted, "a", "TLSv1.2"), hop(TlsState::Unknown, "b")}, TlsState::Unknown, "", "TLSv1.2"},
      {"plaintext weakest, oldest first", {hop(TlsState::Plaintext, "new"), hop(TlsState::Unknown, "m"), hop(TlsState::Plaintext, "old"), hop(TlsState::Encrypted, "x", "TLSv1")},
       TlsState::Plaintext, "old", "TLSv1"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    auto s = summarize(r.hops);
    EXPECT_EQ(s.hops, r.hops.size());
    EXPECT_EQ(s.encrypted + s.plaintext + s.unknown + s.internal, r.hops.size());
    EXPECT_EQ(s.weakest, r.weakest);
    EXPECT_EQ(s.first_plaintext_by, r.first_plain);
    EXPECT_EQ(s.lowest_version, r.lowest);
  }
}

TEST(FormatSummaryHeader, SameSyntaxAsHopHeaderAndParsesBack) {
  PathSummary s = summarize({hop(TlsState::Encrypted, "a", "TLSv1.2"), hop(TlsState::Plaintext, "relay.example.net")});
  s.dkim = {DkimResult::Pass, "example.net"};
  auto v = format_summary_header(s, "mx.example.org", 1764651600);
  EXPECT_EQ(v, "mx.example.org; hops=2; encrypted=1; plaintext=1; unknown=0; internal=0; weakest=plaintext; "
               "first-plaintext-by=relay.example.net; lowest-version=TLSv1.2; dkim=pass; dkim-domain=example.net; "
               "time=2025-12-02T05:00:00Z");
  auto f = parse_header_fields(v);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->authserv_id, "mx.example.org");
  EXPECT_EQ(f->get("weakest"), "plaintext");
  EXPECT_EQ(f->get("dkim-domain"), "example.net");
  PathSummary evil;
  evil.first_plaintext_by = "x\r\nBcc: y@example.com";
  auto e = format_summary_header(evil, "a;b", 0);
  EXPECT_EQ(e.find('\n'), std::string::npos);
  EXPECT_EQ(e.rfind("a_b; ", 0), 0u);
}

TEST(ParseHopHeader, RoundTripsFormatHopHeader) {
  Hop h;
  h.tls = TlsState::Encrypted;
  h.version = "TLSv1.3";
  h.cipher = "TLS_AES_256_GCM_SHA384";
  h.bits = 256;
  h.from = "client \"quoted\" name";
  h.addr = "192.0.2.4";
  h.authenticated = true;
  auto p = parse_hop_header(format_hop_header(h, "mx.example.org", 0));
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->authserv_id, "mx.example.org");
  EXPECT_EQ(p->hop.source, HopSource::OurHeader);
  EXPECT_EQ(p->hop.tls, TlsState::Encrypted);
  EXPECT_EQ(p->hop.version, "TLSv1.3");
  EXPECT_EQ(p->hop.bits, 256);
  EXPECT_EQ(p->hop.from, "client \"quoted\" name");
  EXPECT_TRUE(p->hop.authenticated);
  EXPECT_EQ(p->hop.by, "mx.example.org");
}

TEST(ParseHopHeader, RejectsMalformedAndOversized) {
  struct Row { const char* label; std::string in; };
  const Row rows[] = {
      {"empty", ""}, {"no id", "; tls=encrypted"}, {"no tls", "mx; version=TLSv1.3"}, {"bad tls", "mx; tls=maybe"},
      {"no equals", "mx; tls"}, {"too long", "mx; tls=encrypted; from=" + std::string(kMaxOurHeaderBytes, 'a')},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    EXPECT_FALSE(parse_hop_header(r.in).ok());
  }
  std::string many = "mx";
  for (size_t i = 0; i <= kMaxOurHeaderKeys; ++i) many += "; k" + std::to_string(i) + "=v";
  EXPECT_FALSE(parse_header_fields(many).ok());
  std::string hostile = "mx";
  for (int i = 0; i < 10000; ++i) hostile += ";\"";
  EXPECT_FALSE(parse_header_fields(hostile).ok());
}

const char* kRecv = "from out.example.net (out.example.net [192.0.2.7]) (using TLSv1.2 with cipher X (256/256 bits)) "
                    "by mx.example.org (Postfix) with ESMTPS id B2; d";
const char* kOurs = "mx.example.org; tls=encrypted; version=TLSv1.2; from=out.example.net; addr=192.0.2.7; auth=no";

TEST(PathCollector, ForgedFromOutsideKeptFromTrustedRelay) {
  auto internal = *HostList::parse({"10.0.0.0/8"});
  for (bool trusted : {false, true}) {
    SCOPED_TRACE(trusted ? "trusted relay" : "from outside");
    PathCollector c({"mx.example.org", "TLS-Provenance", "TLS-Path", &internal, trusted});
    c.add_header("TLS-Provenance", "other.example; tls=plaintext");
    c.add_header("tls-provenance", kOurs);
    c.add_header("Received", kRecv);
    c.add_header("TLS-Path", "mx.example.org; hops=1");
    auto hops = c.hops(nullptr);
    if (trusted) {
      EXPECT_TRUE(c.forged_hop_headers().empty());
      EXPECT_TRUE(c.forged_summary_headers().empty());
      ASSERT_EQ(hops.size(), 1u) << "our header replaces the Received field of the same hop";
      EXPECT_EQ(hops[0].source, HopSource::OurHeader);
    } else {
      EXPECT_EQ(c.forged_hop_headers(), std::vector<size_t>{2});
      EXPECT_EQ(c.forged_summary_headers(), std::vector<size_t>{1});
      ASSERT_EQ(hops.size(), 1u);
      EXPECT_EQ(hops[0].source, HopSource::Received);
    }
  }
}

TEST(PathCollector, CurrentHopFirstAndItsOwnReceivedNotCountedTwice) {
  PathCollector c({"mx.example.org", "TLS-Provenance", "TLS-Path", nullptr, false});
  c.add_header("Received", kRecv);
  c.add_header("Received", "from a.example (a.example [198.51.100.1]) by out.example.net with ESMTP id 1; d");
  Hop cur;
  cur.source = HopSource::Macros;
  cur.by = "mx.example.org";
  cur.addr = "192.0.2.7";
  cur.tls = TlsState::Encrypted;
  auto hops = c.hops(&cur);
  ASSERT_EQ(hops.size(), 2u);
  EXPECT_EQ(hops[0].source, HopSource::Macros);
  EXPECT_EQ(hops[1].by, "out.example.net");
  EXPECT_EQ(hops[1].tls, TlsState::Plaintext);
}

TEST(PathCollector, BoundsHopsAndCountsUnparsable) {
  PathCollector c({"mx.example.org", "TLS-Provenance", "TLS-Path", nullptr, false});
  for (int i = 0; i < 10000; ++i) c.add_header("Received", i % 2 ? "((((((((((((((((" : "by x with SMTP; d");
  EXPECT_EQ(c.hops(nullptr).size(), kMaxPathHops);
  EXPECT_EQ(c.dropped(), 10000 - kMaxPathHops);
  auto s = summarize(c.hops(nullptr));
  EXPECT_EQ(s.unknown, kMaxPathHops);
}

TEST(IsTrustedRelay, OnlyInternalHostsDecides) {
  auto internal = *HostList::parse({"10.0.0.0/8"});
  auto with_loopback = *HostList::parse({"127.0.0.0/8", "::1"});
  EXPECT_FALSE(is_trusted_relay("127.0.0.1", nullptr));
  EXPECT_FALSE(is_trusted_relay("::1", &internal)) << "loopback is trusted only when listed";
  EXPECT_TRUE(is_trusted_relay("::1", &with_loopback));
  EXPECT_TRUE(is_trusted_relay("127.0.0.1", &with_loopback));
  EXPECT_TRUE(is_trusted_relay("10.9.9.9", &internal));
  EXPECT_FALSE(is_trusted_relay("192.0.2.1", &internal));
  EXPECT_FALSE(is_trusted_relay("", &internal));
  EXPECT_FALSE(is_trusted_relay("not-an-ip", &internal));
}

}  // namespace
}  // namespace phi::provenance
