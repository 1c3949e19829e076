// Tests for hop_from_received beyond the corpus: InternalHosts, TLS-note priority.
#include "milter/provenance/hop_classify.h"

#include <gtest/gtest.h>

namespace phi::provenance {
namespace {

Hop classify(const std::string& in, const HostList* internal = nullptr) {
  auto p = parse_received(in);
  EXPECT_TRUE(p.ok()) << in;
  return p.ok() ? hop_from_received(*p, HopContext{internal}) : Hop{};
}

TEST(HopFromReceived, InternalHostsNeedBothEnds) {
  auto list = *HostList::parse({"10.0.0.0/8", "mx.example.org", ".corp.example"});
  struct Row { const char* label; const char* in; TlsState want; };
  const Row rows[] = {
      {"both listed", "from a (a [10.1.1.1]) by mx.example.org with ESMTP id 1; d", TlsState::Internal},
      {"sender only", "from a (a [10.1.1.1]) by mx.example.net with ESMTP id 1; d", TlsState::Plaintext},
      {"receiver only", "from a (a [192.0.2.1]) by mx.example.org with ESMTP id 1; d", TlsState::Plaintext},
      {"names by suffix", "from h1.corp.example by h2.corp.example with ESMTP id 1; d", TlsState::Internal},
      {"receiver by its address", "from a (a [10.2.2.2]) by gw (10.3.3.3) with ESMTP id 1; d", TlsState::Internal},
      {"TLS wins over internal", "from a (a [10.1.1.1]) by mx.example.org with ESMTPS id 1; d", TlsState::Encrypted},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    EXPECT_EQ(classify(r.in, &list).tls, r.want);
  }
  EXPECT_EQ(classify(rows[0].in).tls, TlsState::Plaintext) << "without InternalHosts";
}

TEST(HopFromReceived, NotesMergeAcrossComments) {
  // Exim: version in the with comment, cipher in the tls clause.
  auto h = classify("from a ([192.0.2.1]) by b with esmtps (TLS1.2) tls TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256; d");
  EXPECT_EQ(h.tls, TlsState::Encrypted);
  EXPECT_EQ(h.version, "TLSv1.2");
  EXPECT_EQ(h.cipher, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
}

TEST(HopFromReceived, HostileValuesAreSanitised) {
  std::string in = "from a (a [192.0.2.1]) by b with ESMTP id 1 (version=TLSv1.3 cipher=";
  in += std::string(5000, 'C');
  in += "\x01\x02 bits=999999999); d";
  auto h = classify(in);
  EXPECT_EQ(h.tls, TlsState::Encrypted);
  EXPECT_LE(h.cipher.size(), 131u);
  EXPECT_EQ(h.bits, 0);
  for (char c : h.cipher) EXPECT_GE(static_cast<unsigned char>(c), 32);
}

// Text the SMTP client chose (its HELO name, written by the receiving MTA)
// must not make a plaintext hop look encrypted, unknown or internal; what
// MTAs write themselves must still count.
struct ClientTextRow { const char* label; const char* in; TlsState tls; const char* addr; const char* cipher; };

void check_rows(const ClientTextRow* rows, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const auto& r = rows[i];
    SCOPED_TRACE(r.label);
    auto h = classify(r.in);
    EXPECT_EQ(tls_state_name(h.tls), tls_state_name(r.tls));
    EXPECT_EQ(h.addr, r.addr);
    EXPECT_EQ(h.cipher, r.cipher);
  }
}

TEST(HopFromReceived, PostfixHeloIsNotAClause) {
  const ClientTextRow rows[] = {
      {"helo 'tls CIPHER'",
       "from tls TLS_AES_256_GCM_SHA384 (unknown [198.51.100.7]) by mx.example.org (Postfix) with ESMTP id X; d",
       TlsState::Plaintext, "198.51.100.7", ""},
      {"helo 'with'", "from with (rdns.example [198.51.100.7]) by mx.example.org (Postfix) with ESMTP id X; d",
       TlsState::Plaintext, "198.51.100.7", ""},
      {"helo 'id'", "from id (rdns.example [198.51.100.7]) by mx.example.org (Postfix) with ESMTP id X; d",
       TlsState::Plaintext, "198.51.100.7", ""},
      {"helo 'by'", "from by (unknown [198.51.100.7]) by mx.example.org (Postfix) with ESMTP id X; d",
       TlsState::Plaintext, "198.51.100.7", ""},
      {"helo 'x with ESMTPS'", "from x with ESMTPS (unknown [198.51.100.7]) by mx.example.org (Postfix) with ESMTP id X; d",
       TlsState::Plaintext, "198.51.100.7", ""},
      // Legitimate forms.
      {"postfix tls", "from mail.example.net (mail.example.net [192.0.2.11]) (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)) (No client certificate requested) by mx.example.org (Postfix) with ESMTPS id 4Y2; d",
       TlsState::Encrypted, "192.0.2.11", "TLS_AES_256_GCM_SHA384"},
      {"postfix plaintext", "from helo.example.com (unknown [203.0.113.41]) by mx.example.org (Postfix) with ESMTP id 4Y2; d",
       TlsState::Plaintext, "203.0.113.41", ""},
      {"exim tls clause", "from mail.example.net ([192.0.2.20] helo=mail.example.net) by mx.example.org with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384 (Exim 4.97) id 1t; d",
       TlsState::Encrypted, "192.0.2.20", "TLS_AES_256_GCM_SHA384"},
      {"rfc 8314 tls clause", "from mail.example.net (mail.example.net [192.0.2.97]) by mx.example.org with ESMTP tls TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 id A; d",
       TlsState::Encrypted, "192.0.2.97", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
      {"courier local", "from alice by mail.example.org with local; d", TlsState::Internal, "", ""},
  };
  check_rows(rows, std::size(rows));
}

TEST(HopFromReceived, HeloCommentsAreTheClients) {
  const ClientTextRow rows[] = {
      // qmail writes the HELO argument unfiltered in "(HELO ...)".
      {"qmail helo 'TLS:'", "from unknown (HELO TLS:) (198.51.100.3) by mx.example.org with SMTP; d",
       TlsState::Plaintext, "198.51.100.3", ""},
      {"qmail helo 'x/Submit'", "from unknown (HELO x/Submit) (198.51.100.3) by mx.example.org with SMTP; d",
       TlsState::Plaintext, "198.51.100.3", ""},
      {"qmail helo '127.0.0.1'", "from unknown (HELO 127.0.0.1) (198.51.100.3) by mx.example.org with SMTP; d",
       TlsState::Plaintext, "198.51.100.3", ""},
      {"qmail helo 'X encrypted'", "from unknown (HELO X encrypted) (198.51.100.3) by mx.example.org with SMTP; d",
       TlsState::Plaintext, "198.51.100.3", ""},
      {"qmail helo 'invoked from network'",
       "from unknown (HELO invoked from network) (198.51.100.3) by mx.example.org with SMTP; d", TlsState::Plaintext,
       "198.51.100.3", ""},
      {"qmail helo with nine parens", "from unknown (HELO (((((((((x) (198.51.100.3) by mx.example.org with SMTP; d",
       TlsState::Plaintext, "198.51.100.3", ""},
      {"qmail helo with unbalanced paren", "from unknown (HELO x(y) (198.51.100.3) by mx.example.org with SMTP; d",
       TlsState::Plaintext, "198.51.100.3", ""},
      {"ironport helo 'TLS'", "from unknown (HELO TLS) ([203.0.113.73]) by esa3.example.org with ESMTP; d",
       TlsState::Plaintext, "203.0.113.73", ""},
      {"communigate helo 'TLS: x'", "from [203.0.113.84] (account a@example.org HELO TLS: x) by mx.example.org (CommuniGate Pro SMTP 6.3.14) with ESMTP id 1; d",
       TlsState::Plaintext, "203.0.113.84", ""},
      // Exim: "helo=" (and "ident=" after it) is the client's.
      {"exim helo '127.0.0.1'", "from relay.example.net ([203.0.113.8] helo=127.0.0.1) by mx.example.org with esmtp (Exim 4.97) id 1t; d",
       TlsState::Plaintext, "203.0.113.8", ""},
      {"exim helo=x TLS1.3", "from relay.example.net ([203.0.113.8] helo=x TLS1.3) by mx.example.org with esmtp (Exim 4.97) id 1t; d",
       TlsState::Plaintext, "203.0.113.8", ""},
      {"exim ident 'x/Submit'", "from relay.example.net ([203.0.113.8] helo=x ident=x/Submit) by mx.example.org with esmtp (Exim 4.97) id 1t; d",
       TlsState::Plaintext, "203.0.113.8", ""},
      {"postfix helo 'unix socket'", "from unix socket (unknown [198.51.100.7]) by mx.example.org (Postfix) with ESMTP id X; d",
       TlsState::Plaintext, "198.51.100.7", ""},
      // Legitimate forms.
      {"qmail plaintext", "from unknown (HELO client.example.com) (203.0.113.76) by mx.example.org with SMTP; d",
       TlsState::Plaintext, "203.0.113.76", ""},
      {"qmail tls patch", "from mail.example.net (HELO mail.example.net) (192.0.2.56) by mx.example.org with ESMTPS (ECDHE-RSA-AES256-GCM-SHA384 encrypted); d",
       TlsState::Encrypted, "192.0.2.56", "ECDHE-RSA-AES256-GCM-SHA384"},
      {"qmail invoked from network", "(qmail 12345 invoked from network); d", TlsState::Internal, "", ""},
      {"sendmail tls", "from mail.example.net (mail.example.net [192.0.2.30]) by mx.example.org (8.17.1/8.17.1) with ESMTPS id 4B2 (version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=NOT); d",
       TlsState::Encrypted, "192.0.2.30", "TLS_AES_256_GCM_SHA384"},
      {"sendmail submit", "(from alice@localhost) by host.example.org (8.17.1/8.17.1/Submit) id 4B2; d", TlsState::Internal, "", ""},
      {"exim old colon note", "from mail.example.net ([192.0.2.22] helo=mail.example.net) by mx.example.org with esmtps (TLSv1.2:ECDHE-RSA-AES256-GCM-SHA384:256) (Exim 4.92) id 1t; d",
       TlsState::Encrypted, "192.0.2.22", "ECDHE-RSA-AES256-GCM-SHA384"},
      {"exim loopback", "from localhost ([127.0.0.1] helo=host.example.org) by host.example.org with esmtp (Exim 4.97) id 1t; d",
       TlsState::Internal, "127.0.0.1", ""},
      {"exchange", "from DM6PR.outlook.example (2603:10b6:5:1::10) by BN8PR.outlook.example (2603:10b6:408:1::5) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.1; d",
       TlsState::Encrypted, "2603:10b6:5:1::10", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"},
      {"gmail", "from mail.example.net (mail.example.net. [192.0.2.40]) by mx.google.example with ESMTPS id x1si (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256); d",
       TlsState::Encrypted, "192.0.2.40", "TLS_AES_256_GCM_SHA384"},
      {"opensmtpd", "from mail.example.net (mail.example.net [192.0.2.60]) by mx.example.org (OpenSMTPD) with ESMTPS id 1a2b (TLSv1.3:TLS_AES_256_GCM_SHA384:256:NO) for <a@example.org>; d",
       TlsState::Encrypted, "192.0.2.60", "TLS_AES_256_GCM_SHA384"},
      {"courier", "from mail.example.net (mail.example.net [::ffff:192.0.2.62]) (TLS: TLSv1.2,256bits,ECDHE-RSA-AES256-GCM-SHA384) by mx.example.org with ESMTPS; d",
       TlsState::Encrypted, "::ffff:192.0.2.62", "ECDHE-RSA-AES256-GCM-SHA384"},
      {"cyrus unix socket", "from compute1.internal ([unix socket]) by sloti12.internal (Cyrus 3.11.0) with LMTPA; d",
       TlsState::Internal, "", ""},
  };
  check_rows(rows, std::size(rows));
}

TEST(HopFromReceived, OurNameInHeloIsNotOurHost) {
  auto list = *HostList::parse({"10.0.0.0/8"});
  struct Row { const char* label; const char* in; const HostList* internal; TlsState want; };
  const Row rows[] = {
      {"postfix helo our name, rdns unknown",
       "from mx.example.org (unknown [203.0.113.9]) by mx.example.org (Postfix) with ESMTP id X; d", nullptr,
       TlsState::Plaintext},
      {"postfix helo our name, rdns unknown, InternalHosts set",
       "from mx.example.org (unknown [203.0.113.9]) by mx.example.org (Postfix) with ESMTP id X; d", &list,
       TlsState::Plaintext},
      {"exim name after from is ours, remote address (only a reverse DNS name in a comment counts)",
       "from mx.example.org ([203.0.113.9] helo=mx.example.org) by mx.example.org with esmtp id 1t; d", nullptr,
       TlsState::Plaintext},
      {"smtpsvc helo our name", "from iis.example.org ([198.51.100.70]) by iis.example.org with Microsoft SMTPSVC(10.0); d",
       nullptr, TlsState::Unknown},
      {"sendmail rdns may be forged",
       "from mx.example.org (mx.example.org [203.0.113.9] (may be forged)) by mx.example.org (8.17.1/8.17.1) with ESMTP id 4B; d",
       nullptr, TlsState::Plaintext},
      // Still internal.
      {"helo our name, loopback", "from mx.example.org (localhost [127.0.0.1]) by mx.example.org (Postfix) with ESMTP id X; d",
       nullptr, TlsState::Internal},
      {"helo our name, no address", "from mx.example.org by mx.example.org with ESMTP id X; d", nullptr,
       TlsState::Internal},
      {"helo our name, address in InternalHosts",
       "from mx.example.org (unknown [10.1.1.1]) by mx.example.org (Postfix) with ESMTP id X; d", &list,
       TlsState::Internal},
      {"confirmed rdns is our name (Zimbra webmail)",
       "from mail.example.org (mail.example.org [192.0.2.70]) by mail.example.org (Postfix) with ESMTP id X; d", nullptr,
       TlsState::Internal},
      {"qmail-style looked-up name is our name (Zimbra LMTP)",
       "from mail.example.org (LHLO mail.example.org) (192.0.2.70) by mail.example.org with LMTP; d", nullptr,
       TlsState::Internal},
      {"same address on both sides (Exchange mapi)",
       "from DM6PR.outlook.example ([fe80::1c2a:3b4c:5d6e:7f80]) by DM6PR.outlook.example ([fe80::1c2a:3b4c:5d6e:7f80%5]) with mapi id 15.20; d",
       nullptr, TlsState::Internal},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    EXPECT_EQ(tls_state_name(classify(r.in, r.internal).tls), tls_state_name(r.want));
  }
}

TEST(HopFromReceived, EximPortAfterAddress) {
  const ClientTextRow rows[] = {
      {"ipv4 with port", "from relay.example.net ([203.0.113.8]:4567 helo=x) by mx.example.org with esmtp (Exim 4.97) id 1t; d",
       TlsState::Plaintext, "203.0.113.8", ""},
      {"ipv6 with port", "from relay.example.net ([IPv6:2001:db8::1]:4567 helo=x) by mx.example.org with esmtp (Exim 4.97) id 1t; d",
       TlsState::Plaintext, "2001:db8::1", ""},
      {"no host name, port", "from [203.0.113.8]:4567 (helo=x) by mx.example.org with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384 (Exim 4.97) id 1t; d",
       TlsState::Encrypted, "203.0.113.8", "TLS_AES_256_GCM_SHA384"},
      {"loopback with port", "from localhost ([127.0.0.1]:40000 helo=host.example.org) by host.example.org with esmtp (Exim 4.97) id 1t; d",
       TlsState::Internal, "127.0.0.1", ""},
      // Without a port, and something that is not a port.
      {"ipv4 without port", "from relay.example.net ([203.0.113.8] helo=x) by mx.example.org with esmtp (Exim 4.97) id 1t; d",
       TlsState::Plaintext, "203.0.113.8", ""},
      {"exim port= form", "from [192.0.2.23] (port=51234 helo=[192.168.1.10]) by smtp.example.org with esmtpsa (TLS1.3) tls TLS_AES_128_GCM_SHA256 (Exim 4.97) id 1t; d",
       TlsState::Encrypted, "192.0.2.23", "TLS_AES_128_GCM_SHA256"},
      {"not a port", "from relay.example.net ([203.0.113.8]:x45 helo=x) by mx.example.org with esmtp (Exim 4.97) id 1t; d",
       TlsState::Plaintext, "", ""},
  };
  check_rows(rows, std::size(rows));
}

TEST(FindTlsNote, NothingInPlainLines) {
  for (const char* in : {"from a by b with ESMTP; d", "from a (version) by b (cipher) with SMTP; d",
                         "from a (8.15.2/8.15.2) by b with ESMTP; d", "from a (Exim 4.97) by b with esmtp; d"}) {
    SCOPED_TRACE(in);
    auto p = parse_received(in);
    ASSERT_TRUE(p.ok());
    EXPECT_FALSE(find_tls_note(*p).found);
  }
}

}  // namespace
}  // namespace phi::provenance
