// Tests for Session: stamping, forged-header removal, internal errors, test-mode input.
#include "milter/session.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "milter/log.h"
#include "milter/recording_mta.h"
#include "milter/testmode.h"
#include "tests/unit/escrow/test_util.h"
#include "tests/unit/mime/tnef_builder.h"
#include "tests/unit/support/config_text.h"

namespace phi {
namespace {

std::shared_ptr<const Config> config_with(const std::string& text) { return config_from_text(text); }

Status run(Session& s, RecordingMta& m, const std::vector<std::pair<std::string, std::string>>& headers,
           std::string_view body = "hello\r\n") {
  s.on_connect(m, "client.example.net", "192.0.2.4");
  s.on_helo(m, "client.example.net");
  s.on_envfrom(m, "<a@example.net>");
  s.on_envrcpt(m, "<b@example.org>");
  for (const auto& [n, v] : headers) s.on_header(m, n, v);
  s.on_eoh(m);
  s.on_body(m, body);
  return s.on_eom(m);
}

TEST(Session, StampsPlaintextHop) {
  Session s(config_with("AuthservID mx.example.org\n"), [] { return std::time_t{0}; });
  RecordingMta m;
  m.macros["i"] = "4ABC123";
  EXPECT_EQ(run(s, m, {{"Subject", "hi"}}), Status::Continue);
  // Provenance first; the client is not internal, so the shipped policy then tags it (inbound).
  ASSERT_EQ(m.edits.size(), 3u);
  EXPECT_EQ(m.edits[2].kind, "add_header");
  EXPECT_EQ(m.edits[2].name, "X-PHI-Classification");
  EXPECT_EQ(m.edits[2].value, "mx.example.org; phi=no; pii=no; score=0.00");
  EXPECT_EQ(m.edits[0].kind, "insert_header");
  EXPECT_EQ(m.edits[0].name, "TLS-Path");
  EXPECT_EQ(m.edits[0].value,
            "mx.example.org; hops=1; encrypted=0; plaintext=1; unknown=0; internal=0; weakest=plaintext; "
            "first-plaintext-by=mx.example.org; dkim=none; time=1970-01-01T00:00:00Z");
  EXPECT_EQ(m.edits[1].kind, "insert_header");
  EXPECT_EQ(m.edits[1].index, 0u);
  EXPECT_EQ(m.edits[1].name, "TLS-Provenance");
  EXPECT_EQ(m.edits[1].value,
            "mx.example.org; tls=plaintext; from=client.example.net; addr=192.0.2.4; auth=no; time=1970-01-01T00:00:00Z");
  EXPECT_EQ(s.report().queue_id, "4ABC123");
  ASSERT_EQ(s.report().hops.size(), 1u);
  EXPECT_EQ(s.report().hops[0].by, "mx.example.org");
}

TEST(Session, StampsTlsHopFromMacrosSeenAtHelo) {
  Session s(config_with("AuthservID mx.example.org\nHopHeader X-Hop\n"));
  RecordingMta m;
  m.macros["{tls_version}"] = "TLSv1.3";
  m.macros["{cipher}"] = "TLS_AES_256_GCM_SHA384";
  m.macros["{cipher_bits}"] = "256";
  s.on_connect(m, "c.example", "192.0.2.9");
  s.on_helo(m, "c.example");
  m.macros.clear();  // later stages do not repeat the TLS macros
  s.on_envfrom(m, "<a@example.net>");
  EXPECT_EQ(s.on_eom(m), Status::Continue);
  ASSERT_EQ(m.edits.size(), 2u);
  EXPECT_EQ(m.edits[1].name, "X-Hop");
  EXPECT_NE(m.edits[1].value.find("tls=encrypted; version=TLSv1.3; cipher=TLS_AES_256_GCM_SHA384; bits=256"),
            std::string::npos);
}

TEST(Session, RemovesForgedHeadersHighestIndexFirst) {
  Session s(config_with("AuthservID mx.example.org\n"));
  RecordingMta m;
  run(s, m,
      {{"TLS-Provenance", "mx.example.org; tls=encrypted"},
       {"TLS-Provenance", "other.example; tls=plaintext"},
       {"tls-provenance", " MX.EXAMPLE.ORG ; tls=encrypted"}});
  ASSERT_EQ(m.edits.size(), 5u);  // two deletes, two provenance headers, the inbound tag
  EXPECT_EQ(m.edits[0].kind, "delete_header");
  EXPECT_EQ(m.edits[0].index, 3u);
  EXPECT_EQ(m.edits[1].kind, "delete_header");
  EXPECT_EQ(m.edits[1].index, 1u);
  EXPECT_EQ(m.edits[2].kind, "insert_header");
  EXPECT_EQ(s.report().removed_forged, 2u);
  EXPECT_EQ(s.report().hops.size(), 1u) << "forged hops are not counted";
}

TEST(Session, RemovesForgedSummaryHeadersToo) {
  Session s(config_with("AuthservID mx.example.org\n"));
  RecordingMta m;
  run(s, m, {{"TLS-Path", "other.example; hops=1"}, {"TLS-Path", "mx.example.org; hops=0; weakest=encrypted"}});
  ASSERT_GE(m.edits.size(), 1u);
  EXPECT_EQ(m.edits[0].kind, "delete_header");
  EXPECT_EQ(m.edits[0].name, "TLS-Path");
  EXPECT_EQ(m.edits[0].index, 2u);
  EXPECT_EQ(s.report().removed_forged, 1u);
}

TEST(Session, KeepsAndCountsOurEarlierHopFromAnInternalRelay) {
  Session s(config_with("AuthservID mx.example.org\nInternalHosts 10.0.0.0/8\n"));
  RecordingMta m;
  s.on_connect(m, "filter.example.org", "10.1.2.3");
  s.on_helo(m, "filter.example.org");
  s.on_envfrom(m, "<a@example.net>");
  s.on_header(m, "Received", "from filter.example.org (filter.example.org [10.1.2.3]) by mx.example.org (Postfix) with ESMTP id A1; Mon, 1 Jan 2024 00:00:01 +0000");
  s.on_header(m, "TLS-Provenance", "mx.example.org; tls=encrypted; version=TLSv1.2; cipher=ECDHE-RSA-AES256-GCM-SHA384; bits=256; from=out.example.net; addr=192.0.2.7; auth=no; time=2024-01-01T00:00:00Z");
  s.on_header(m, "Received", "from out.example.net (out.example.net [192.0.2.7]) (using TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)) by mx.example.org (Postfix) with ESMTPS id B2; Mon, 1 Jan 2024 00:00:00 +0000");
  s.on_eoh(m);
  EXPECT_EQ(s.on_eom(m), Status::Continue);
  for (const auto& e : m.edits) EXPECT_NE(e.kind, "delete_header");
  const auto& hops = s.report().hops;
  ASSERT_EQ(hops.size(), 2u) << "current hop + our earlier hop; both Received fields describe counted hops";
  EXPECT_EQ(hops[0].source, provenance::HopSource::Macros);
  EXPECT_EQ(hops[1].source, provenance::HopSource::OurHeader);
  EXPECT_EQ(hops[1].version, "TLSv1.2");
  EXPECT_EQ(s.report().summary.hops, 2u);
}

TEST(Session, InternalErrorAnswersConfiguredAction) {
  struct { const char* conf; Status want; const char* reply; } rows[] = {
      {"", Status::Tempfail, "451 4.3.0"},
      {"OnInternalError reject\n", Status::Reject, "550 5.3.0"},
      {"OnInternalError accept\n", Status::Accept, nullptr},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.conf);
    Session s(config_with(r.conf));
    RecordingMta m;
    m.fail.insert("insert_header");
    EXPECT_EQ(run(s, m, {}), r.want);
    if (r.reply) {
      ASSERT_EQ(m.edits.size(), 1u);
      EXPECT_EQ(m.edits[0].kind, "set_reply");
      EXPECT_EQ(m.edits[0].name, r.reply);
    } else {
      EXPECT_TRUE(m.edits.empty());
    }
  }
}

// A PDF that could not be read only because pdftotext could not run is not
// passed on unread: the message gets OnInternalError, and the MTA retries.
TEST(Session, APdfReaderThatCannotRunAnswersLikeAnInternalError) {
  escrow::testing::TempDir dir;
  const std::string broken = dir.write("pdftotext", "#!/nonexistent/sh\n", 0755);  // executable, but its interpreter does not exist
  const std::string pdf = "JVBERi0xLjQKJSVFT0YK\r\n";  // "%PDF-1.4\n%%EOF\n"
  for (const std::string& conf : {"DKIMVerify no\nPdfToText " + broken + "\n", std::string("DKIMVerify no\nPdfToText\n")}) {
    SCOPED_TRACE(conf);
    Session s(config_with(conf));
    RecordingMta m;
    Status st = run(s, m, {{"Content-Type", " application/pdf"}, {"Content-Transfer-Encoding", " base64"}}, pdf);
    if (conf.find(broken) != std::string::npos) {
      EXPECT_EQ(st, Status::Tempfail);
      ASSERT_FALSE(m.edits.empty());
      EXPECT_EQ(m.edits.back().kind, "set_reply");
      EXPECT_EQ(m.edits.back().name, "451 4.3.0");
    } else {  // PdfToText off on purpose: the part is uninspected "pdf" and the policy decides
      EXPECT_EQ(st, Status::Continue);
      ASSERT_EQ(s.report().verdict.uninspected.size(), 1u);
    }
  }
}

// InboundDocuments no: an inbound message's PDF is not given to the reader
// (the stand-in cannot run, so a read would tempfail) but reported
// uninspected "pdf"; an outbound one (the client in InternalHosts, or
// authenticated at MAIL) is still read.
TEST(Session, InboundDocumentsNoLeavesInboundAttachmentsUnread) {
  escrow::testing::TempDir dir;
  const std::string broken = dir.write("pdftotext", "#!/nonexistent/sh\n", 0755);  // executable, but its interpreter does not exist
  const std::vector<std::pair<std::string, std::string>> pdf_part = {{"Content-Type", " application/pdf"},
                                                                      {"Content-Transfer-Encoding", " base64"}};
  const std::string pdf = "JVBERi0xLjQKJSVFT0YK\r\n";
  const std::string base = "DKIMVerify no\nInboundDocuments no\nPdfToText " + broken + "\n";
  {
    Session s(config_with(base));
    RecordingMta m;
    EXPECT_EQ(run(s, m, pdf_part, pdf), Status::Continue);
    EXPECT_EQ(s.report().direction, "inbound");
    ASSERT_EQ(s.report().verdict.uninspected.size(), 1u);
    EXPECT_EQ(s.report().verdict.uninspected[0].second, "pdf (application/pdf)");
  }
  {
    Session s(config_with(base + "InternalHosts 192.0.2.4\n"));
    RecordingMta m;
    EXPECT_EQ(run(s, m, pdf_part, pdf), Status::Tempfail);  // read: the reader could not run
  }
  {
    Session s(config_with(base));
    RecordingMta m;
    m.macros["{auth_authen}"] = "alice";  // sent with MAIL
    EXPECT_EQ(run(s, m, pdf_part, pdf), Status::Tempfail);
  }
}

// A message whose attachments take longer than DocumentTimeBudget to read
// is not held until the MTA gives up on the milter: the converter is
// killed, the part is uninspected "time-limit", and the policy decides.
TEST(Session, DocumentsPastTheMessagesTimeBudgetAreUninspectedNotTempfailed) {
  escrow::testing::TempDir dir;
  const std::string slow = dir.write("pdftotext", "#!/bin/sh\nexec sleep 60\n", 0755);  // never answers (within its 60 s)
  Session s(config_with("DKIMVerify no\nPdfToText " + slow + "\nPdfTimeout 60s\nDocumentTimeBudget 1s\n"));
  RecordingMta m;
  Status st = run(s, m, {{"Content-Type", " application/pdf"}, {"Content-Transfer-Encoding", " base64"}},
                  "JVBERi0xLjQKJSVFT0YK\r\n");
  EXPECT_EQ(st, Status::Continue);
  ASSERT_EQ(s.report().verdict.uninspected.size(), 1u);
  EXPECT_EQ(s.report().verdict.uninspected[0].second, "time-limit (application/pdf)");
}

// The converters know nothing of the message they read, yet their log lines
// carry its queue id (a LogScope around the Walker), so that an operator
// grepping one message's story finds why its PDF was not read.
TEST(Session, ConverterLogLinesNameTheMessage) {
  escrow::testing::TempDir dir;
  const std::string fails = dir.write("pdftotext", "#!/bin/sh\nexit 1\n", 0755);  // runs, reads nothing, exits 1: "a damaged PDF"
  Settings ls = default_settings();
  ls.LogTarget = dir.file("log");
  ls.LogLevel = "info";
  ASSERT_TRUE(log_setup(ls).ok());
  {
    Session s(config_with("DKIMVerify no\nPdfToText " + fails + "\n"));
    RecordingMta m;
    m.macros["i"] = "4QIDPDF77";
    run(s, m, {{"Content-Type", " application/pdf"}, {"Content-Transfer-Encoding", " base64"}},
        "JVBERi0xLjQKJSVFT0YK\r\n");
  }
  log_line(LogLevel::Info, "", "test", "after the message");  // the scope ended with the callback
  log_setup_stderr(LogLevel::Warning);
  std::ifstream in(dir.file("log"));
  std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(log.find("4QIDPDF77: pdf: " + fails + " exited with status 1"), std::string::npos) << log;
  EXPECT_EQ(log.find("NOQUEUE: pdf:"), std::string::npos) << log;
  EXPECT_NE(log.find("NOQUEUE: test: after the message"), std::string::npos) << log;
}

// Outlook's winmail.dat: the text of a file attached inside it is classified
// (it used to be an uninspected "binary" part).
TEST(Session, TextInsideAWinmailDatAttachmentIsClassified) {
  namespace t = mime::tnef;
  std::string tnef = mime::test::Tnef()
                         .message(t::kAttBody, "See the attached referral.\r\n")
                         .file("referral.txt",
                               "Patient Jane Doe, SSN 078-05-1121, started metformin 500 mg for type 2 diabetes.\r\n")
                         .str();
  Session s(config_with("DKIMVerify no\n"));
  RecordingMta m;
  EXPECT_EQ(run(s, m,
                {{"Content-Type", " application/ms-tnef; name=\"winmail.dat\""}, {"Content-Transfer-Encoding", " base64"}},
                mime::test::base64_lines(tnef)),
            Status::Continue);
  const auto& v = s.report().verdict;
  EXPECT_TRUE(v.phi) << v.score;
  EXPECT_TRUE(v.pii);
  EXPECT_TRUE(v.uninspected.empty());
}

// The subject inside winmail.dat (PR_SUBJECT, UTF-16) is classified as body
// content of the TNEF part, not as the message's Subject.
TEST(Session, SubjectInsideAWinmailDatIsClassifiedAsItsText) {
  namespace t = mime::tnef;
  std::string subject;
  for (char c : std::string("Patient Jane Doe, SSN 078-05-1121, started metformin 500 mg for type 2 diabetes")) {
    subject.push_back(c);
    subject.push_back('\0');
  }
  std::string tnef = mime::test::Tnef()
                         .message(t::kAttMapiProps, mime::test::mapi_props({{t::kPtUnicode, t::kPrSubject, subject}}))
                         .str();
  Session s(config_with("DKIMVerify no\n"));
  RecordingMta m;
  EXPECT_EQ(run(s, m,
                {{"Subject", " fyi"},
                 {"Content-Type", " application/ms-tnef; name=\"winmail.dat\""},
                 {"Content-Transfer-Encoding", " base64"}},
                mime::test::base64_lines(tnef)),
            Status::Continue);
  const auto& v = s.report().verdict;
  EXPECT_TRUE(v.phi) << v.score;
  EXPECT_FALSE(v.phi_in_subject);
  EXPECT_TRUE(v.uninspected.empty());
  size_t in_tnef_subject = 0;
  for (const auto& f : v.findings) {
    if (f.part != "1/subject") continue;
    ++in_tnef_subject;
    EXPECT_EQ(f.field, policy::TextField::Body) << f.type;
  }
  EXPECT_GT(in_tnef_subject, 0u);
}

TEST(Session, NoCurrentHopWithoutConnection) {
  Session s(config_with(""));
  RecordingMta m;
  s.on_envfrom(m, "<>");
  EXPECT_EQ(s.on_eom(m), Status::Continue);
  EXPECT_TRUE(m.edits.empty());
  EXPECT_TRUE(s.report().hops.empty());
}

TEST(SplitMessage, UnfoldsHeadersAndFindsBody) {
  auto pm = split_message("Received: from a\r\n\tby b\r\nSubject: x\r\nTo: \"B\" <b@example.org>, c@example.org\r\n\r\nbody\r\n");
  ASSERT_EQ(pm.headers.size(), 3u);
  EXPECT_EQ(pm.headers[0].first, "Received");
  EXPECT_EQ(pm.headers[0].second, "from a\r\n\tby b");
  EXPECT_EQ(pm.body, "body\r\n");
  auto rc = header_recipients(pm);
  ASSERT_EQ(rc.size(), 2u);
  EXPECT_EQ(rc[0], "b@example.org");
  EXPECT_EQ(rc[1], "c@example.org");
}

TEST(SplitMessage, MalformedInputNeverFails) {
  for (const char* raw : {"", "no colon line\n\nbody", ":\n", "\n\n", "A: b"}) {
    SCOPED_TRACE(raw);
    auto pm = split_message(raw);
    EXPECT_LE(pm.body.size(), std::string_view(raw).size());
  }
}

}  // namespace
}  // namespace phi
