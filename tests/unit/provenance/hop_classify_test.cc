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
