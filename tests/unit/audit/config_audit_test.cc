// Tests for the audit keys in phimilter.conf: off by default, key checked when on.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "milter/config.h"
#include "tests/unit/audit/audit_test_util.h"

namespace phi {
namespace {

using namespace phi::audit::testing;

TEST(AuditConfig, BuiltInDefaultsRunWithoutAudit) {
  auto cfg = build_config(default_settings(), "");
  ASSERT_TRUE(cfg) << cfg.error().message;
  EXPECT_FALSE((*cfg)->audit);
}

TEST(AuditConfig, AuditLogLoadsAndChecksTheKey) {
  TempDir d;
  std::string good = write_key_file(d, 32, 0600, "good");
  std::string loose = write_key_file(d, 32, 0644, "loose");
  struct { const char* label; std::string text; bool ok; const char* why; } rows[] = {
      {"good key, count", "AuditLog " + d.file("a.log") + "\nAuditKeyFile " + good + "\nAuditCheckpointInterval 50\n", true, ""},
      {"good key, duration, no sync", "AuditLog " + d.file("a.log") + "\nAuditKeyFile " + good + "\nAuditCheckpointInterval 5m\nAuditSync no\n", true, ""},
      {"key readable by others", "AuditLog " + d.file("a.log") + "\nAuditKeyFile " + loose + "\n", false, "AuditKeyFile"},
      {"missing key", "AuditLog " + d.file("a.log") + "\nAuditKeyFile " + d.file("none") + "\n", false, "cannot open"},
      {"bad interval", "AuditCheckpointInterval often\n", false, "AuditCheckpointInterval"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    auto s = parse_settings(r.text, "test.conf");
    ASSERT_TRUE(s) << s.error().message;
    auto cfg = build_config(*s, "test.conf");
    ASSERT_EQ(cfg.ok(), r.ok) << (cfg ? "" : cfg.error().message);
    if (!r.ok) {
      EXPECT_NE(cfg.error().message.find(r.why), std::string::npos) << cfg.error().message;
      continue;
    }
    ASSERT_TRUE((*cfg)->audit);
    EXPECT_EQ((*cfg)->audit->key.bytes.str().size(), 32u);
    EXPECT_EQ((*cfg)->audit->path, d.file("a.log"));
  }
  // The configuration checks the owner the way it does for EscrowKeyFile.
  if (::geteuid() == 0) {
    std::string theirs = write_key_file(d, 32, 0600, "theirs");
    ASSERT_EQ(::chown(theirs.c_str(), 12345, static_cast<gid_t>(-1)), 0);
    auto s = parse_settings("AuditLog " + d.file("b.log") + "\nAuditKeyFile " + theirs + "\n", "test.conf");
    ASSERT_TRUE(s) << s.error().message;
    auto cfg = build_config(*s, "test.conf");
    ASSERT_FALSE(cfg.ok());
    EXPECT_NE(cfg.error().message.find("AuditKeyFile " + theirs + ": owned by uid 12345, expected uid 0 or root"),
              std::string::npos)
        << cfg.error().message;
  }
  // AuditCheckpointFile is looked at when the configuration is loaded (at
  // start, on reload and by phimilter -n), with the file's line, rather
  // than found failing at the first checkpoint.
  ASSERT_EQ(::mkfifo(d.file("fifo").c_str(), 0600), 0);
  ASSERT_EQ(::symlink(d.file("cp").c_str(), d.file("link").c_str()), 0);
  struct { std::string path; std::string why; } cps[] = {
      {d.file("cp"), ""},  // does not exist yet: created at the first checkpoint
      {d.file("fifo"), "test.conf:3: AuditCheckpointFile " + d.file("fifo") + ": not a regular file"},
      {d.file("link"), "test.conf:3: AuditCheckpointFile " + d.file("link") + ": not a regular file"},
      {d.file("none/cp"), "test.conf:3: AuditCheckpointFile " + d.file("none/cp") + ": directory " + d.file("none") +
                              " does not exist"},
      {good + "/cp", "test.conf:3: AuditCheckpointFile " + good + "/cp: " + good + " is not a directory"},
  };
  for (const auto& c : cps) {
    SCOPED_TRACE(c.path);
    auto s = parse_settings("AuditLog " + d.file("c.log") + "\nAuditKeyFile " + good + "\nAuditCheckpointFile " + c.path + "\n",
                            "test.conf");
    ASSERT_TRUE(s) << s.error().message;
    auto cfg = build_config(*s, "test.conf");
    ASSERT_EQ(cfg.ok(), c.why.empty()) << (cfg ? "" : cfg.error().message);
    if (!cfg) {
      EXPECT_EQ(cfg.error().message, c.why);
    }
  }
  auto bad_choice = parse_settings("OnAuditError reject\n", "test.conf");
  EXPECT_FALSE(bad_choice);
}

}  // namespace
}  // namespace phi
