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
