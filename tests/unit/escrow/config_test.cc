// Tests for the escrow keys in phimilter.conf: off by default, checked when on.
#include "milter/config.h"

#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/escrow/test_util.h"

namespace phi {
namespace {

using escrow::testing::kHex1;
using escrow::testing::TempDir;

TEST(EscrowConfig, OffByDefault) {
  if (access(default_settings().EscrowKeyFile.c_str(), F_OK) == 0) GTEST_SKIP() << "this host has a default key file";
  auto cfg = build_config(default_settings(), "");
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  EXPECT_EQ((*cfg)->escrow, nullptr);
  EXPECT_EQ((*cfg)->escrow_notice_from, "postmaster@" + (*cfg)->authserv_id);
  EXPECT_EQ(default_settings().EscrowRetention, 30u * 86400);
  EXPECT_EQ(default_settings().EscrowNoticeSubject, "Secure message waiting for you");
}

TEST(EscrowConfig, BuildsStoreWithLoadedKeys) {
  TempDir d;
  auto keys = d.write("keys", std::string("k1 ") + kHex1 + "\n", 0600);
  auto s = parse_settings("EscrowKeyFile " + keys + "\nEscrowDirectory " + d.path() +
                              "\nEscrowRetention 7d\nPortalURL https://pickup.example.org/t/\nEscrowNoticeFrom noreply@example.org\n",
                          "t.conf");
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto cfg = build_config(*s, "t.conf");
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  ASSERT_NE((*cfg)->escrow, nullptr);
  EXPECT_EQ((*cfg)->escrow->keys().newest().id, "k1");
  EXPECT_EQ((*cfg)->escrow->options().retention_seconds, 7 * 86400);
  EXPECT_EQ((*cfg)->escrow->options().directory, d.path());
  EXPECT_EQ((*cfg)->escrow_notice_from, "noreply@example.org");
}

TEST(EscrowConfig, PortalUrlDefaultsToTheAuthservId) {
  TempDir d;
  auto keys = d.write("keys", std::string("k1 ") + kHex1 + "\n", 0600);
  auto s = parse_settings("AuthservID mx.example.org\nEscrowKeyFile " + keys + "\nEscrowDirectory " + d.path() + "\n", "t.conf");
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto cfg = build_config(*s, "t.conf");
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  ASSERT_NE((*cfg)->escrow, nullptr);
  EXPECT_EQ((*cfg)->portal_url, "https://mx.example.org/phimilter/pickup/");
}

TEST(EscrowConfig, RefusesIncompleteOrUnsafeSetups) {
  TempDir d;
  const std::string good = d.write("keys", std::string("k1 ") + kHex1 + "\n", 0600);
  const std::string open = d.write("open", std::string("k1 ") + kHex1 + "\n", 0644);
  const std::string shortkey = d.write("short", "k1 00ff\n", 0600);
  const std::string dir = d.path(), url = "PortalURL https://p.example/t/\n";
  struct { const char* label; std::string text; std::string want; } rows[] = {
      {"portal not a url", "EscrowKeyFile " + good + "\nEscrowDirectory " + dir + "\nPortalURL pickup\n", "PortalURL: expected an http"},
      {"missing directory", "EscrowKeyFile " + good + "\nEscrowDirectory " + dir + "/none\n" + url, "EscrowDirectory: " + dir + "/none is not"},
      {"key file readable by others", "EscrowKeyFile " + open + "\nEscrowDirectory " + dir + "\n" + url,
       "EscrowKeyFile: " + open + ": mode 0644"},
      {"short key", "EscrowKeyFile " + shortkey + "\nEscrowDirectory " + dir + "\n" + url,
       "EscrowKeyFile: " + shortkey + ":1: key k1: expected 64 hex digits"},
      {"missing key file", "EscrowKeyFile " + dir + "/absent\nEscrowDirectory " + dir + "\n" + url,
       "EscrowKeyFile: " + dir + "/absent: cannot open"},
      {"zero retention", "EscrowKeyFile " + good + "\nEscrowDirectory " + dir + "\n" + url + "EscrowRetention 0\n",
       "EscrowRetention: must be longer"},
      {"zero notice timeout", "EscrowKeyFile " + good + "\nEscrowDirectory " + dir + "\n" + url + "NoticeTimeout 0\n",
       "NoticeTimeout: must be longer"},
      {"notice timeout past any MTA's", "EscrowKeyFile " + good + "\nEscrowDirectory " + dir + "\n" + url + "NoticeTimeout 2h\n",
       "NoticeTimeout: at most 1h"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    auto s = parse_settings(r.text, "t.conf");
    ASSERT_TRUE(s.ok()) << s.error().message;
    auto cfg = build_config(*s, "t.conf");
    ASSERT_FALSE(cfg.ok());
    const std::string& m = cfg.error().message;  // "t.conf:LINE: " + want
    EXPECT_EQ(m.rfind("t.conf:", 0), 0u) << "got: " << m;
    EXPECT_EQ(m.find(r.want), m.find(": ") + 2) << "got: " << m;
  }
}

// Run as root without UserID, phimilter runs as root, so a key file owned
// by another user (the Debian package's phimilter) is refused, and the
// error says which UserID would take it; with that UserID it loads.
TEST(EscrowConfig, AKeyFileOfTheDaemonUserNamesTheUserIdToSet) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give the key file away";
  struct passwd* nobody = ::getpwnam("nobody");
  ASSERT_NE(nobody, nullptr);
  const uid_t uid = nobody->pw_uid;
  TempDir d;
  auto keys = d.write("keys", std::string("k1 ") + kHex1 + "\n", 0600);
  ASSERT_EQ(::chown(keys.c_str(), uid, static_cast<gid_t>(-1)), 0);
  const std::string text = "EscrowKeyFile " + keys + "\nEscrowDirectory " + d.path() + "\nPortalURL https://p.example/t/\n";
  auto s = parse_settings(text, "t.conf");
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto cfg = build_config(*s, "t.conf");
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.error().message, "t.conf:1: EscrowKeyFile: " + keys + ": owned by uid " + std::to_string(uid) +
                                     " (nobody), expected uid 0 or root; phimilter runs as root when UserID is not set: "
                                     "set UserID nobody, or chown root");
  s = parse_settings(text + "UserID nobody\n", "t.conf");
  ASSERT_TRUE(s.ok()) << s.error().message;
  cfg = build_config(*s, "t.conf");
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  EXPECT_NE((*cfg)->escrow, nullptr);
}

// The line logged at start and reload (and printed by phimilter -n) says
// whether escrow is on, and a rule that escrows while it is off is named
// with its file:line, in enforce mode only.
TEST(EscrowConfig, TheSummaryAndWarningsSayWhetherEscrowRulesCanWork) {
  TempDir d;
  auto keys = d.write("keys", std::string("k1 ") + kHex1 + "\n", 0600);
  auto policy = d.write("p.policy", "rule ok if not phi then accept\nrule hold if phi then escrow\n", 0644);
  auto build = [&](const std::string& text) {
    auto s = parse_settings("PolicyFile " + policy + "\nDKIMVerify no\n" + text, "t.conf");
    EXPECT_TRUE(s.ok()) << s.error().message;
    auto cfg = build_config(*s, "t.conf");
    EXPECT_TRUE(cfg.ok()) << cfg.error().message;
    return *cfg;
  };
  auto on = build("EscrowKeyFile " + keys + "\nEscrowDirectory " + d.path() + "\nAuditLog " + d.file("audit.log") +
                  "\nAuditKeyFile " + keys + "\nPdfToText\nOcrProgram\nLegacyOfficeToText\nArchiveToTar\n");
  EXPECT_EQ(config_summary(*on), "config t.conf; mode enforce; policy " + policy + " (2 rules); escrow on (" + d.path() +
                                     "); audit on (" + d.file("audit.log") + "); DKIM verify off; " +
                                     std::to_string(on->classifier->pattern_count()) +
                                     " detectors; PDF text off (PdfToText is empty); OCR off (OcrProgram is empty); "
                                     "Word/Excel/PowerPoint 97-2003 text off (LegacyOfficeToText is empty); "
                                     "7z/RAR off (ArchiveToTar is empty)");
  EXPECT_TRUE(config_warnings(*on).empty());

  auto off = build("EscrowKeyFile\nOnInternalError reject\n");
  EXPECT_NE(config_summary(*off).find("; escrow off (EscrowKeyFile is empty); audit off (AuditLog is empty);"),
            std::string::npos)
      << config_summary(*off);
  auto w = config_warnings(*off);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0], "rule hold (" + policy + ":2) escrows, but escrow is off (EscrowKeyFile is empty): "
                  "the messages it decides get OnInternalError (reject)");

  auto monitor = build("EscrowKeyFile\nMode monitor\n");
  EXPECT_NE(config_summary(*monitor).find("; mode monitor;"), std::string::npos);
  EXPECT_TRUE(config_warnings(*monitor).empty()) << "monitor mode enforces nothing";
}

}  // namespace
}  // namespace phi
