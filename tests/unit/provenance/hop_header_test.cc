// Tests for this hop's header: macros -> Hop -> sanitised key=value; list.
#include "milter/provenance/hop_header.h"

#include <gtest/gtest.h>

namespace phi::provenance {
namespace {

constexpr std::time_t kT = 1764651600;  // 2025-12-02T05:00:00Z

TEST(HopFromMacros, TlsAndPlaintext) {
  HopMacros tls;
  tls.client_name = "client.example.net";
  tls.client_addr = "192.0.2.4";
  tls.tls_version = "TLSv1.3";
  tls.cipher = "TLS_AES_256_GCM_SHA384";
  tls.cipher_bits = "256";
  tls.verify = "OK";
  auto h = hop_from_macros(tls);
  EXPECT_EQ(h.tls, TlsState::Encrypted);
  EXPECT_EQ(h.version, "TLSv1.3");
  EXPECT_EQ(h.bits, 256);
  EXPECT_FALSE(h.authenticated);

  HopMacros plain;
  plain.client_addr = "192.0.2.5";
  plain.helo = "helo.example";
  plain.auth_authen = "alice";
  auto p = hop_from_macros(plain);
  EXPECT_EQ(p.tls, TlsState::Plaintext);
  EXPECT_EQ(p.from, "helo.example");
  EXPECT_TRUE(p.authenticated);
  EXPECT_EQ(p.bits, 0);
}

TEST(HopFromMacros, BadBitsAreNotRecorded) {
  for (const char* bits : {"abc", "-5", "999999999999", ""}) {
    SCOPED_TRACE(bits);
    HopMacros m;
    m.cipher_bits = bits;
    EXPECT_EQ(hop_from_macros(m).bits, 0);
  }
}

TEST(NormalizeTlsVersion, KnownSpellings) {
  struct { const char* in; const char* want; } rows[] = {
      {"TLSv1.3", "TLSv1.3"}, {"TLS1_3", "TLSv1.3"}, {"tls1.2", "TLSv1.2"}, {"TLS 1.1", "TLSv1.1"},
      {"TLSv1", "TLSv1"}, {"TLS1.0", "TLSv1"}, {"SSLv3", "SSLv3"}, {"banana", ""}, {"", ""},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.in);
    EXPECT_EQ(normalize_tls_version(r.in), r.want);
  }
}

TEST(FormatHopHeader, EncryptedHop) {
  Hop h;
  h.tls = TlsState::Encrypted;
  h.version = "TLSv1.3";
  h.cipher = "TLS_AES_256_GCM_SHA384";
  h.bits = 256;
  h.verify = "OK";
  h.from = "client.example.net";
  h.addr = "192.0.2.4";
  EXPECT_EQ(format_hop_header(h, "mx.example.org", kT),
            "mx.example.org; tls=encrypted; version=TLSv1.3; cipher=TLS_AES_256_GCM_SHA384; bits=256; "
            "verify=OK; from=client.example.net; addr=192.0.2.4; auth=no; time=2025-12-02T05:00:00Z");
}

TEST(FormatHopHeader, HostileValuesCannotBreakTheHeader) {
  Hop h;
  h.tls = TlsState::Plaintext;
  h.from = "evil\r\nBcc: victim@example.com";
  h.cert_subject = std::string(10240, 'A') + "\n";
  h.cert_issuer = "CN=\xC3\xA9metteur; O=\"x\"";
  auto v = format_hop_header(h, "mx;example org", kT);
  EXPECT_EQ(v.find('\r'), std::string::npos);
  EXPECT_EQ(v.find('\n'), std::string::npos);
  EXPECT_LT(v.size(), 998u) << "must fit one RFC 5322 line";
  EXPECT_EQ(v.rfind("mx_example_org; tls=plaintext; ", 0), 0u) << v;
  EXPECT_NE(v.find("from=\"evilBcc: victim@example.com\""), std::string::npos) << v;
  EXPECT_NE(v.find("cert-issuer=\"CN=\xC3\xA9metteur; O=\\\"x\\\"\""), std::string::npos) << v;
}

}  // namespace
}  // namespace phi::provenance
