// Tests for phimilter.conf parsing: every error path names file:line.
#include "milter/config.h"
#include "tests/unit/support/config_text.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "milter/reload.h"

namespace phi {
namespace {

TEST(ConfigDefaults, EveryBuiltInDefaultParses) {
  for (const auto& k : config_keys()) {
    SCOPED_TRACE(k.name);
    Settings s;
    EXPECT_TRUE(k.set(s, k.default_text).ok());
  }
  EXPECT_EQ(default_settings().OnInternalError, "tempfail");
  EXPECT_EQ(default_settings().UMask, 07u);
  EXPECT_TRUE(non_default_settings(default_settings()).empty());
}

TEST(ParseSettings, AcceptsValidValues) {
  auto r = parse_settings(
      "# comment\n"
      "\n"
      "  Socket   inet:8891@127.0.0.1  \n"
      "logtarget stderr\n"
      "LogLevel DEBUG\n"
      "OnInternalError reject\n"
      "AuthservID mx.example.org\n"
      "MilterTimeout 2m\n"
      "MaxMessageBytes 10M\n"
      "UMask 027\n",
      "t.conf");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->Socket, "inet:8891@127.0.0.1");
  EXPECT_EQ(r->LogTarget, "stderr");
  EXPECT_EQ(r->LogLevel, "debug");
  EXPECT_EQ(r->OnInternalError, "reject");
  EXPECT_EQ(r->MilterTimeout, 120u);
  EXPECT_EQ(r->MaxMessageBytes, 10u * 1024 * 1024);
  EXPECT_EQ(r->UMask, 027u);
  auto diff = non_default_settings(*r);
  EXPECT_EQ(diff.size(), 8u);
}

TEST(ParseSettings, ErrorsNameFileAndLine) {
  struct { const char* label; const char* text; const char* want; } rows[] = {
      {"unknown key", "Socket local:/x/y\nFrobnicate yes\n", "t.conf:2: unknown key \"Frobnicate\""},
      {"bad choice", "OnInternalError maybe\n", "t.conf:1: OnInternalError: \"maybe\" is not one of tempfail|accept|reject"},
      {"duplicate key", "LogLevel info\n# x\nloglevel debug\n", "t.conf:3: LogLevel given twice (first at line 1)"},
      {"missing value", "LogLevel\n", "t.conf:1: LogLevel needs a value"},
      {"bad socket type", "Socket tcp:25\n", "t.conf:1: Socket: unknown socket type \"tcp\""},
      {"relative unix socket", "Socket unix:x.sock\n", "t.conf:1: Socket: a unix socket needs an absolute path"},
      {"bad port", "Socket inet:99999@localhost\n", "t.conf:1: Socket: expected inet:PORT@HOST"},
      {"bad duration", "MilterTimeout soon\n", "t.conf:1: MilterTimeout: expected a duration"},
      {"bad size", "MaxMessageBytes 5X\n", "t.conf:1: MaxMessageBytes: expected a size"},
      {"bad octal", "UMask 9\n", "t.conf:1: UMask: \"9\" is not a octal number"},
      {"relative log file", "LogTarget var/log/x\n", "t.conf:1: LogTarget: expected syslog, stderr or an absolute file path"},
      {"bad header name", "HopHeader Bad:Name\n", "t.conf:1: HopHeader: \"Bad:Name\" is not a valid header name"},
      {"relative pid file", "PidFile run/x.pid\n", "t.conf:1: PidFile: expected an absolute path"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    auto got = parse_settings(r.text, "t.conf");
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().message.rfind(r.want, 0), 0u) << "got: " << got.error().message;
  }
}

TEST(ParseSettings, OverlongLineIsRefused) {
  std::string text = "AuthservID " + std::string(9000, 'a') + "\n";
  auto got = parse_settings(text, "t.conf");
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().message.find("t.conf:1: line longer than"), std::string::npos);
}

TEST(LoadConfig, MissingFileUsesDefaultsOnlyWhenAllowed) {
  auto ok = load_config("/nonexistent/phimilter.conf", true);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)->source, "");
  EXPECT_FALSE((*ok)->authserv_id.empty());
  auto bad = load_config("/nonexistent/phimilter.conf", false);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("/nonexistent/phimilter.conf: cannot open"), std::string::npos);
}

TEST(LoadConfig, ReadsFileAndResolvesAuthservId) {
  char path[] = "/tmp/phimilter-config-test-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  { std::ofstream(path) << "AuthservID relay.example.org\n"; }
  auto cfg = load_config(path, false);
  std::remove(path);
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  EXPECT_EQ((*cfg)->authserv_id, "relay.example.org");
  EXPECT_EQ((*cfg)->source, path);
}

TEST(ConfigHolder, SwapKeepsOldSnapshotAlive) {
  ConfigHolder h;
  auto a = load_config("/nonexistent", true);
  ASSERT_TRUE(a.ok());
  h.store(*a);
  auto held = h.load();
  auto s = parse_settings("AuthservID b.example\n", "x");
  ASSERT_TRUE(s.ok());
  auto b = build_config(*s, "x");
  ASSERT_TRUE(b.ok());
  h.store(*b);
  EXPECT_EQ(h.load()->authserv_id, "b.example");
  EXPECT_NE(held->authserv_id, "b.example");
}

TEST(BuildConfig, CompilesTheClassifierAndNamesBadDetectorFiles) {
  auto ok = build_config(default_settings(), "");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  ASSERT_TRUE((*ok)->classifier);
  EXPECT_GT((*ok)->classifier->pattern_count(), 100u);

  char path[] = "/tmp/phimilter-detectors-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  { std::ofstream(path) << "# site\nsite_mrn identifier 0.9 (KP\n"; }
  auto s = parse_settings(std::string("CustomDetectors ") + path + "\n", "t.conf");
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto bad = build_config(*s, "t.conf");
  std::remove(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message.rfind(std::string("t.conf:1: CustomDetectors: ") + path + ":2: ", 0), 0u) << bad.error().message;

  auto d = parse_settings("CustomDictionaries medication=/nonexistent/formulary.txt\n", "t.conf");
  ASSERT_TRUE(d.ok());
  auto missing = build_config(*d, "t.conf");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message.rfind("t.conf:1: CustomDictionaries: /nonexistent/formulary.txt: cannot open", 0), 0u)
      << missing.error().message;
}

// A DataDirectory copied from an older version lacks the files added since
// (care_documents.txt, 5 December 2026): the daemon refuses it, naming the
// missing file and this version's copy.
TEST(BuildConfig, ADataDirectoryWithoutANewFileNamesThisVersionsCopy) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(::testing::TempDir()) / "config_test_data";
  fs::remove_all(dir);
  fs::copy(PHI_SRCDIR "/policy/data", dir);
  auto s = parse_settings("DataDirectory " + dir.string() + "\n", "t.conf");
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto copy = build_config(*s, "t.conf");
  EXPECT_TRUE(copy.ok()) << copy.error().message;

  fs::remove(dir / "care_documents.txt");
  auto old = build_config(*s, "t.conf");
  ASSERT_FALSE(old.ok());
  const std::string& m = old.error().message;
  EXPECT_EQ(m.rfind("t.conf:1: DataDirectory: " + (dir / "care_documents.txt").string() + ": cannot open: ", 0), 0u) << m;
  fs::remove_all(dir);
  // This version's copy is the installed one when a package is installed,
  // else the source tree's; an older package has none to name.
  if (access(PHI_PKGDATADIR "/icd10cm_codes.txt", R_OK) == 0 && access(PHI_PKGDATADIR "/care_documents.txt", R_OK) != 0)
    GTEST_SKIP() << "an older package's data is installed in " PHI_PKGDATADIR;
  EXPECT_NE(m.find("; this version's copy is /"), std::string::npos) << m;
  EXPECT_TRUE(m.ends_with("/care_documents.txt (a copy of the data made from an older version needs it)")) << m;
}

// A value that parses but cannot be built is reported like a syntax error:
// "file:line: Key: why", the line being the one that set the key.
TEST(BuildConfig, ErrorsNameFileAndLineOfTheKey) {
  const std::string dir = ::testing::TempDir();
  const std::string conf = dir + "/config_test_where.conf";
  const std::string detectors = dir + "/config_test_where.detectors";
  std::ofstream(detectors) << "site_mrn identifier 0.9 (KP\n";
  struct { const char* label; std::string text; std::string want; } rows[] = {
      {"bad prefix length", "InternalNetworks 10.0.0.0/33\n", conf + ":4: InternalNetworks: \"10.0.0.0/33\""},
      {"bad internal host", "InternalHosts 10.0.0.0/33\n", conf + ":4: InternalHosts: "},
      {"bad never-secure domain", "NeverSecureDomains gmail..com\n", conf + ":4: NeverSecureDomains: "},
      {"missing TLS policy table", "TLSPolicyMap /nonexistent/tls\n", conf + ":4: TLSPolicyMap: /nonexistent/tls: cannot open"},
      {"bad checkpoint interval", "AuditCheckpointInterval 10x\n", conf + ":4: AuditCheckpointInterval: "},
      {"missing policy file", "PolicyFile /nonexistent/x.policy\n", conf + ":4: PolicyFile: /nonexistent/x.policy: cannot open"},
      {"bad detector file", "CustomDetectors " + detectors + "\n", conf + ":4: CustomDetectors: " + detectors + ":1: "},
      {"key after others", "Mode monitor\n\n# later\nInternalNetworks 10.0.0.0/33\n", conf + ":7: InternalNetworks: "},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    std::ofstream(conf) << "# site settings\n\nAuthservID mx.example.org\n" << r.text;
    auto cfg = load_config(conf, false);
    ASSERT_FALSE(cfg.ok());
    EXPECT_EQ(cfg.error().message.rfind(r.want, 0), 0u) << "got: " << cfg.error().message;
  }
  // A key left at its built-in default has no line of its own: the error
  // names the line of the key that needs it.
  if (access(default_settings().AuditKeyFile.c_str(), F_OK) != 0) {
    std::ofstream(conf) << "AuthservID mx.example.org\nAuditLog " << dir << "/config_test_where.log\n";
    auto cfg = load_config(conf, false);
    ASSERT_FALSE(cfg.ok());
    EXPECT_EQ(cfg.error().message.rfind(conf + ":2: AuditLog: AuditKeyFile " + default_settings().AuditKeyFile, 0), 0u)
        << cfg.error().message;
  }
  std::remove(conf.c_str());
  std::remove(detectors.c_str());
}

// What the daemon would only find at start (and a reload when it re-opens
// the log) is checked when the configuration is built, so phimilter -n and
// a reload refuse it with file:line.
TEST(BuildConfig, RefusesALogTargetOrUserIdTheDaemonCannotUse) {
  const std::string dir = ::testing::TempDir() + "/config_test_logdir";
  ::mkdir(dir.c_str(), 0700);
  const std::string fresh = dir + "/new.log";
  std::remove(fresh.c_str());
  struct { const char* label; std::string text; std::string want; } rows[] = {
      {"log directory missing", "LogTarget /nonexistent/dir/log\n", "t.conf:2: LogTarget /nonexistent/dir/log: directory /nonexistent/dir does not exist"},
      {"log target a directory", "LogTarget " + dir + "\n", "t.conf:2: LogTarget " + dir + ": is a directory"},
      {"unknown user", "UserID nosuchuser-phimilter\n", "t.conf:2: UserID: unknown user \"nosuchuser-phimilter\""},
      {"unknown group", "UserID root:nosuchgroup-phimilter\n", "t.conf:2: UserID: unknown group \"nosuchgroup-phimilter\""},
      {"new log file, user and group", "LogTarget " + fresh + "\nUserID root:root\n", ""},
      {"existing log file", "LogTarget /dev/null\n", ""},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    expect_build_outcome("# daemon\n" + r.text, "t.conf", r.want);
  }
  EXPECT_NE(::access(fresh.c_str(), F_OK), 0) << "checking LogTarget created " << fresh;
  ::rmdir(dir.c_str());
}

TEST(StartOnlyKeys, ChangesAreNamed) {
  auto a = parse_settings("Socket local:/run/a.sock\nMilterTimeout 5m\nLogLevel info\n", "a.conf");
  auto b = parse_settings("Socket local:/run/b.sock\nMilterTimeout 300s\nLogLevel debug\nUMask 027\nUserID root\n", "b.conf");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(changed_start_only_keys(*a, *b), (std::vector<std::string>{"Socket", "UserID", "UMask"}));
  EXPECT_TRUE(changed_start_only_keys(*a, *a).empty());
  for (const auto& k : start_only_keys()) {
    SCOPED_TRACE(k);
    EXPECT_TRUE(std::any_of(config_keys().begin(), config_keys().end(), [&](const KeyEntry& e) { return k == e.name; }));
  }
}

// phimilter.conf(5) names the keys a reload cannot apply: the same ones.
TEST(StartOnlyKeys, TheManualListsThem) {
  std::ifstream man(PHI_SRCDIR "/man/phimilter.conf.5");
  ASSERT_TRUE(man);
  std::string line, found;
  while (std::getline(man, line))
    if (line.find("are read only at start") != std::string::npos) found = line;
  ASSERT_FALSE(found.empty()) << "no \"are read only at start\" line in phimilter.conf(5)";
  std::vector<std::string> listed;
  for (const auto& k : config_keys()) {
    std::istringstream words(found);
    for (std::string w; words >> w;) {
      while (!w.empty() && (w.back() == ',' || w.back() == ':')) w.pop_back();
      if (w == k.name) listed.emplace_back(k.name);
    }
  }
  std::vector<std::string> want = start_only_keys();
  std::sort(want.begin(), want.end());
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(listed, want) << found;
}

// A reload whose log cannot be opened installs nothing: the running
// snapshot stays; one that installs names the start-only keys it changed.
TEST(InstallReload, KeepsTheRunningConfigurationWhenTheLogCannotOpen) {
  auto running = build_config(default_settings(), "");
  ASSERT_TRUE(running.ok()) << running.error().message;
  ConfigHolder holder;
  holder.store(*running);
  const std::string dir = ::testing::TempDir() + "/config_test_reload";
  ::mkdir(dir.c_str(), 0700);
  auto s = parse_settings("LogTarget " + dir + "/x.log\nLogLevel debug\n", "r.conf");
  ASSERT_TRUE(s.ok());
  auto next = build_config(*s, "r.conf");
  ASSERT_TRUE(next.ok()) << next.error().message;
  ::rmdir(dir.c_str());  // gone between the check and the reload's log_setup
  auto r = install_reload(holder, (*running)->settings, *next);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("LogTarget " + dir + "/x.log"), std::string::npos) << r.error().message;
  EXPECT_EQ(holder.load(), *running);

  auto t = parse_settings("LogTarget stderr\nSocket local:/run/other.sock\nMilterTimeout 1m\n", "r.conf");
  ASSERT_TRUE(t.ok());
  auto other = build_config(*t, "r.conf");
  ASSERT_TRUE(other.ok()) << other.error().message;
  auto ok = install_reload(holder, (*running)->settings, *other);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(holder.load(), *other);
  EXPECT_EQ(*ok, (std::vector<std::string>{"Socket changed: takes effect at the next restart",
                                           "MilterTimeout changed: takes effect at the next restart"}));
}

// A tls-mandatory rule with no TLSPolicyMap and a default level that is not
// mandatory can never apply: the configuration says so, naming the rule.
TEST(ConfigWarnings, TlsMandatoryRuleWithoutATlsPolicyMap) {
  std::string dir = ::testing::TempDir();
  std::string policy = dir + "/config_test_tls.policy", map = dir + "/config_test_tls_policy";
  std::ofstream(policy) << "rule tls if phi and tls-mandatory then route-tls\nrule other if phi then quarantine\n";
  std::ofstream(map) << "partner.example encrypt\n";
  struct { const char* label; std::string conf; bool warned; } rows[] = {
      {"no map, default may", "", true},
      {"no map, monitor mode too", "Mode monitor\n", true},
      {"no map, default none", "TLSDefaultLevel none\n", true},
      {"no map, default encrypt", "TLSDefaultLevel encrypt\n", false},
      {"a map", "TLSPolicyMap texthash:" + map + "\n", false},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    auto s = parse_settings("PolicyFile " + policy + "\nDKIMVerify no\nEscrowKeyFile\n" + r.conf, "t.conf");
    ASSERT_TRUE(s.ok()) << s.error().message;
    auto cfg = build_config(*s, "t.conf");
    ASSERT_TRUE(cfg.ok()) << cfg.error().message;
    auto w = config_warnings(**cfg);
    if (!r.warned) {
      EXPECT_TRUE(w.empty()) << w.front();
      continue;
    }
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(w[0].rfind("rule tls (" + policy + ":1) asks whether a recipient domain has mandatory TLS, but no "
                         "TLSPolicyMap is set and TLSDefaultLevel is ", 0), 0u) << w[0];
  }
  std::remove(policy.c_str());
  std::remove(map.c_str());
}

}  // namespace
}  // namespace phi

namespace phi {
namespace {

// LocalTransports: a list like the others; what phimilter -n prints (the
// non-default keys) and what a reload applies.
TEST(LocalTransports, DefaultCustomAndEmpty) {
  EXPECT_EQ(default_settings().LocalTransports, (std::vector<std::string>{"local", "virtual"}));
  struct { const char* label; const char* line; std::vector<std::string> want; const char* shown; } rows[] = {
      {"default", "", {"local", "virtual"}, nullptr},
      {"same as default, commas", "LocalTransports local, virtual\n", {"local", "virtual"}, nullptr},
      {"custom", "LocalTransports local virtual lmtp\n", {"local", "virtual", "lmtp"}, "local, virtual, lmtp"},
      {"empty: nothing is local", "LocalTransports\n", {}, ""},
      {"dotted and dashed names", "LocalTransports dovecot-lmtp,mail.local\n", {"dovecot-lmtp", "mail.local"},
       "dovecot-lmtp, mail.local"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    auto s = parse_settings(std::string("DKIMVerify no\n") + r.line, "t.conf");
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->LocalTransports, r.want);
    auto cfg = build_config(*s, "t.conf");
    ASSERT_TRUE(cfg.ok()) << cfg.error().message;
    EXPECT_EQ((*cfg)->settings.LocalTransports, r.want);
    std::string shown;
    bool listed = false;
    for (const auto& [k, v] : non_default_settings(*s))
      if (k == "LocalTransports") { listed = true; shown = v; }
    EXPECT_EQ(listed, r.shown != nullptr);
    EXPECT_EQ(shown, r.shown ? r.shown : "");
    EXPECT_TRUE(changed_start_only_keys(default_settings(), *s).empty()) << "a reload applies it";
  }
}

TEST(LocalTransports, ABadNameIsRefusedWithFileAndLine) {
  const std::string conf = ::testing::TempDir() + "/config_test_local.conf";
  for (const char* bad : {"local smtp:[relay]", "local virtual/x", "lo\"cal"}) {
    SCOPED_TRACE(bad);
    std::ofstream(conf) << "AuthservID mx.example.org\nDKIMVerify no\nLocalTransports " << bad << "\n";
    auto cfg = load_config(conf, false);
    ASSERT_FALSE(cfg.ok());
    EXPECT_EQ(cfg.error().message.rfind(conf + ":3: LocalTransports: \"", 0), 0u) << cfg.error().message;
  }
  std::ofstream(conf) << "LocalTransports " << std::string(65, 'a') << "\n";
  EXPECT_FALSE(load_config(conf, false).ok()) << "longer than 64";
  std::remove(conf.c_str());
}

// A network transport in LocalTransports would let PHI leave unescrowed.
TEST(LocalTransports, ANetworkTransportIsWarnedAbout) {
  struct { const char* label; const char* line; size_t warnings; } rows[] = {
      {"default", "", 0},
      {"lmtp", "LocalTransports local lmtp\n", 0},
      {"smtp", "LocalTransports local smtp\n", 1},
      {"relay and esmtp", "LocalTransports relay esmtp\n", 2},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    auto s = parse_settings(std::string("DKIMVerify no\nTLSDefaultLevel encrypt\n") + r.line, "t.conf");
    ASSERT_TRUE(s.ok()) << s.error().message;
    auto cfg = build_config(*s, "t.conf");
    ASSERT_TRUE(cfg.ok()) << cfg.error().message;
    size_t n = 0;
    for (const auto& w : config_warnings(**cfg))
      if (w.rfind("LocalTransports names ", 0) == 0) ++n;
    EXPECT_EQ(n, r.warnings);
  }
}


TEST(PdfToText, DefaultIsPopplersProgramWithLimits) {
  auto s = parse_settings("DKIMVerify no\n", "t.conf");
  ASSERT_TRUE(s.ok());
  auto cfg = build_config(*s, "t.conf");
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  if (access("/usr/bin/pdftotext", X_OK) != 0) {  // poppler-utils not installed: PDFs are uninspected, with a warning
    EXPECT_FALSE((*cfg)->pdf);
    EXPECT_NE(config_summary(**cfg).find("PDF text off (/usr/bin/pdftotext missing"), std::string::npos);
    ASSERT_FALSE(config_warnings(**cfg).empty());
    return;
  }
  ASSERT_TRUE((*cfg)->pdf);
  const PdfOptions& o = (*cfg)->pdf->options();
  EXPECT_EQ(o.program, "/usr/bin/pdftotext");
  EXPECT_EQ(o.timeout, std::chrono::seconds(30));
  EXPECT_EQ(o.memory_limit, 512ull << 20);
  EXPECT_EQ(o.processes, 4u);
  if (access("/usr/bin/tesseract", X_OK) == 0) {  // scanned pages: pdftoppm beside pdftotext, and the OCR reader
    EXPECT_EQ(o.render_program, "/usr/bin/pdftoppm");
    EXPECT_EQ(o.ocr, std::static_pointer_cast<const mime::DocumentReader>((*cfg)->ocr));
    // Pictures on pages with text: pdfimages from the same package.
    EXPECT_EQ(o.image_list_program, "/usr/bin/pdfimages");
    EXPECT_NE(config_summary(**cfg).find("PDF text on (/usr/bin/pdftotext, scanned pages and pictures by OCR"),
              std::string::npos);
  }
  // Files attached to PDFs: qpdf when installed (scripts/setup installs it); missing, a warning.
  if (access("/usr/bin/qpdf", X_OK) == 0) {
    EXPECT_EQ(o.qpdf_program, "/usr/bin/qpdf");
    EXPECT_NE(config_summary(**cfg).find(", attached files and comments by qpdf)"), std::string::npos);
  } else {
    EXPECT_EQ(o.qpdf_program, "");
    bool warned = false;
    for (const auto& w : config_warnings(**cfg)) warned |= w.find("PdfObjects /usr/bin/qpdf missing") == 0;
    EXPECT_TRUE(warned);
  }
  auto no_files = parse_settings("DKIMVerify no\nPdfObjects\n", "t.conf");
  ASSERT_TRUE(no_files.ok());
  auto cfg_no_files = build_config(*no_files, "t.conf");
  ASSERT_TRUE(cfg_no_files.ok());
  EXPECT_EQ((*cfg_no_files)->pdf->options().qpdf_program, "");
  EXPECT_NE(config_summary(**cfg_no_files).find(", attached files and comments unread)"), std::string::npos);
  for (const auto& w : config_warnings(**cfg_no_files))
    EXPECT_EQ(w.find("PdfObjects"), std::string::npos) << "turned off on purpose: " << w;
  auto not_a_program = parse_settings("DKIMVerify no\nPdfObjects /etc\n", "t.conf");
  ASSERT_TRUE(not_a_program.ok());
  auto cfg_bad = build_config(*not_a_program, "t.conf");
  ASSERT_FALSE(cfg_bad.ok());
  EXPECT_NE(cfg_bad.error().message.find("PdfObjects /etc: not an executable file"), std::string::npos)
      << cfg_bad.error().message;
  auto no_ocr = parse_settings("DKIMVerify no\nOcrProgram\n", "t.conf");
  ASSERT_TRUE(no_ocr.ok());
  auto cfg_no_ocr = build_config(*no_ocr, "t.conf");
  ASSERT_TRUE(cfg_no_ocr.ok());
  EXPECT_FALSE((*cfg_no_ocr)->pdf->options().ocr);
  EXPECT_NE(config_summary(**cfg_no_ocr).find("PDF text on (/usr/bin/pdftotext, scanned pages unread"),
            std::string::npos);

  auto off = parse_settings("DKIMVerify no\nPdfToText\n", "t.conf");
  ASSERT_TRUE(off.ok());
  auto cfg_off = build_config(*off, "t.conf");
  ASSERT_TRUE(cfg_off.ok());
  EXPECT_FALSE((*cfg_off)->pdf);
  EXPECT_NE(config_summary(**cfg_off).find("PDF text off (PdfToText is empty)"), std::string::npos);
  for (const auto& w : config_warnings(**cfg_off)) EXPECT_EQ(w.find("Pdf"), std::string::npos) << "turned off on purpose: " << w;
}

// A configuration file of "DKIMVerify no" and each row's text is refused,
// the error starting with the file's name and the row's ":LINE: Key...".
struct BadValue {
  const char* label;
  const char* text;
  const char* want;
};
void expect_refused(const std::string& file_name, std::initializer_list<BadValue> rows) {
  const std::string conf = ::testing::TempDir() + "/" + file_name;
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    std::ofstream(conf) << "DKIMVerify no\n" << r.text;
    auto cfg = load_config(conf, false);
    ASSERT_FALSE(cfg.ok());
    EXPECT_EQ(cfg.error().message.rfind(conf + r.want, 0), 0u) << cfg.error().message;
  }
  std::remove(conf.c_str());
}

TEST(PdfToText, BadValuesAreRefusedWithFileAndLine) {
  expect_refused("config_test_pdf.conf", {
      {"relative program", "PdfToText pdftotext\n", ":2: PdfToText: expected an absolute path"},
      {"missing program", "PdfToText /nonexistent/pdftotext\n", ":2: PdfToText /nonexistent/pdftotext: not an executable file"},
      {"not executable", "PdfToText /dev/null\n", ":2: PdfToText /dev/null: not an executable file"},
      {"a directory", "PdfToText /usr/bin\n", ":2: PdfToText /usr/bin: not an executable file"},
      {"no process", "PdfProcesses 0\n", ":2: PdfProcesses: must be at least 1"},
      {"no time", "PdfTimeout 0\n", ":2: PdfTimeout: must be longer than 0s"},
      {"too little memory", "PdfMemoryLimit 1M\n", ":2: PdfMemoryLimit: must be at least 64M"},
  });
}


TEST(OcrProgram, DefaultIsTesseractWithLimitsAndMissingItIsOnlyOff) {
  auto s = parse_settings("DKIMVerify no\n", "t.conf");
  ASSERT_TRUE(s.ok());
  auto cfg = build_config(*s, "t.conf");
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  if (access("/usr/bin/tesseract", X_OK) != 0) {  // tesseract-ocr is only recommended: off, no warning
    EXPECT_FALSE((*cfg)->ocr);
    EXPECT_NE(config_summary(**cfg).find("OCR off (/usr/bin/tesseract missing"), std::string::npos);
    for (const auto& w : config_warnings(**cfg)) EXPECT_EQ(w.find("Ocr"), std::string::npos) << w;
  } else {
    ASSERT_TRUE((*cfg)->ocr);
    const OcrOptions& o = (*cfg)->ocr->options();
    EXPECT_EQ(o.program, "/usr/bin/tesseract");
    EXPECT_EQ(o.language, "eng");
    EXPECT_EQ(o.min_bytes, 32u * 1024);
    EXPECT_EQ(o.timeout, std::chrono::seconds(60));
    EXPECT_EQ(o.memory_limit, 1024ull << 20);
    EXPECT_EQ(o.processes, 2u);
    EXPECT_NE(config_summary(**cfg).find("OCR on (/usr/bin/tesseract -l eng, pages turned upright, HEIF "), std::string::npos);
    ASSERT_TRUE((*cfg)->documents);
    EXPECT_TRUE((*cfg)->documents->reads("image"));
  }

  // OCR off and PDFs off: the Walker gets no reader at all; OCR alone: PDFs stay unread.
  auto none = parse_settings("DKIMVerify no\nOcrProgram\nPdfToText\nLegacyOfficeToText\nArchiveToTar\n", "t.conf");
  ASSERT_TRUE(none.ok());
  auto cfg_none = build_config(*none, "t.conf");
  ASSERT_TRUE(cfg_none.ok());
  EXPECT_FALSE((*cfg_none)->ocr);
  EXPECT_FALSE((*cfg_none)->documents);
  EXPECT_NE(config_summary(**cfg_none).find("OCR off (OcrProgram is empty)"), std::string::npos);
  auto stand_in = parse_settings("DKIMVerify no\nOcrProgram /bin/true\nPdfToText\nOcrLanguage eng+spa\n", "t.conf");
  ASSERT_TRUE(stand_in.ok());
  auto cfg_ocr = build_config(*stand_in, "t.conf");
  ASSERT_TRUE(cfg_ocr.ok()) << cfg_ocr.error().message;
  ASSERT_TRUE((*cfg_ocr)->documents);
  EXPECT_TRUE((*cfg_ocr)->documents->reads("image"));
  EXPECT_FALSE((*cfg_ocr)->documents->reads("pdf"));
  EXPECT_EQ((*cfg_ocr)->ocr->options().language, "eng+spa");
}

// Pages are turned upright before they are read (tesseract's orientation
// detection) unless OcrOrientation is no; the start-up summary says which.
TEST(OcrOrientation, OnByDefaultOffWhenSaidAndTheSummarySaysWhich) {
  EXPECT_TRUE(default_settings().OcrOrientation);
  for (const auto& [text, on, said] : std::vector<std::tuple<std::string, bool, std::string>>{
           {"", true, "pages turned upright"}, {"OcrOrientation no\n", false, "pages read as they lie"}}) {
    SCOPED_TRACE(text);
    auto s = parse_settings("DKIMVerify no\nOcrProgram /bin/true\nPdfToText\n" + text, "t.conf");
    ASSERT_TRUE(s.ok()) << s.error().message;
    auto cfg = build_config(*s, "t.conf");
    ASSERT_TRUE(cfg.ok()) << cfg.error().message;
    ASSERT_TRUE((*cfg)->ocr);
    EXPECT_EQ((*cfg)->ocr->options().orientation, on);
    EXPECT_NE(config_summary(**cfg).find("OCR on (/bin/true -l eng, " + said + ", HEIF"), std::string::npos)
        << config_summary(**cfg);
  }
  auto bad = parse_settings("DKIMVerify no\nOcrOrientation sideways\n", "t.conf");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("t.conf:2: OcrOrientation"), std::string::npos) << bad.error().message;
}

// HEIF and AVIF images go through phimilter-heif, installed beside the
// daemon: its built-in path missing (a build not installed) leaves them
// unread, as the summary says (no warning: as tesseract missing); a
// program named in the configuration must exist; empty, they are unread.
TEST(OcrHeifProgram, DefaultIsTheInstalledDecoderAndMissingItLeavesHeifUnread) {
  EXPECT_EQ(default_settings().OcrHeifProgram, PHI_PKGLIBEXECDIR "/phimilter-heif");
  auto warned = [](const Config& c) {
    for (const auto& w : config_warnings(c))
      if (w.find("OcrHeifProgram") != std::string::npos) return w;
    return std::string();
  };
  auto s = parse_settings("DKIMVerify no\nOcrProgram /bin/true\nPdfToText\n", "t.conf");
  ASSERT_TRUE(s.ok());
  auto cfg = build_config(*s, "t.conf");
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  ASSERT_TRUE((*cfg)->ocr);
  if (access(PHI_PKGLIBEXECDIR "/phimilter-heif", X_OK) == 0) {
    EXPECT_EQ((*cfg)->ocr->options().heif_program, PHI_PKGLIBEXECDIR "/phimilter-heif");
    EXPECT_EQ(warned(**cfg), "");
  } else {
    EXPECT_EQ((*cfg)->ocr->options().heif_program, "");
    EXPECT_NE(config_summary(**cfg).find("OCR on (/bin/true -l eng, pages turned upright, HEIF unread: " PHI_PKGLIBEXECDIR
                                         "/phimilter-heif missing (install phimilter, or run make install))"),
              std::string::npos)
        << config_summary(**cfg);
    EXPECT_EQ(warned(**cfg), "");
  }

  auto named = parse_settings("DKIMVerify no\nOcrProgram /bin/true\nPdfToText\nOcrHeifProgram /bin/cat\n", "t.conf");
  ASSERT_TRUE(named.ok());
  auto cfg_named = build_config(*named, "t.conf");
  ASSERT_TRUE(cfg_named.ok()) << cfg_named.error().message;
  EXPECT_EQ((*cfg_named)->ocr->options().heif_program, "/bin/cat");
  EXPECT_NE(config_summary(**cfg_named).find("OCR on (/bin/true -l eng, pages turned upright, HEIF by /bin/cat)"), std::string::npos)
      << config_summary(**cfg_named);
  EXPECT_EQ(warned(**cfg_named), "");

  auto off = parse_settings("DKIMVerify no\nOcrProgram /bin/true\nPdfToText\nOcrHeifProgram\n", "t.conf");
  ASSERT_TRUE(off.ok());
  auto cfg_off = build_config(*off, "t.conf");
  ASSERT_TRUE(cfg_off.ok()) << cfg_off.error().message;
  EXPECT_EQ((*cfg_off)->ocr->options().heif_program, "");
  EXPECT_NE(config_summary(**cfg_off).find("HEIF unread: OcrHeifProgram is empty)"), std::string::npos);
  EXPECT_EQ(warned(**cfg_off), "");

  expect_refused("config_test_heif.conf", {
      {"relative program", "OcrHeifProgram phimilter-heif\n", ":2: OcrHeifProgram: expected an absolute path"},
      {"missing program", "OcrHeifProgram /nonexistent/phimilter-heif\n",
       ":2: OcrHeifProgram /nonexistent/phimilter-heif: not an executable file"},
  });
}

TEST(OcrProgram, BadValuesAreRefusedWithFileAndLine) {
  expect_refused("config_test_ocr.conf", {
      {"relative program", "OcrProgram tesseract\n", ":2: OcrProgram: expected an absolute path"},
      {"missing program", "OcrProgram /nonexistent/tesseract\n", ":2: OcrProgram /nonexistent/tesseract: not an executable file"},
      {"not executable", "OcrProgram /dev/null\n", ":2: OcrProgram /dev/null: not an executable file"},
      {"a language with a space", "OcrLanguage eng spa\n", ":2: OcrLanguage: \"eng spa\" is not a list"},
      {"a path for a language", "OcrLanguage ../../x\n", ":2: OcrLanguage: \"../../x\" is not a list"},
      {"no process", "OcrProcesses 0\n", ":2: OcrProcesses: must be at least 1"},
      {"no time", "OcrTimeout 0\n", ":2: OcrTimeout: must be longer than 0s"},
      {"too little memory", "OcrMemoryLimit 64M\n", ":2: OcrMemoryLimit: must be at least 128M"},
      {"a huge threshold", "OcrMinBytes 1G\n", ":2: OcrMinBytes: must be at most 16M"},
  });
  // A language whose model is not installed fails at start, not on every image.
  if (access("/usr/share/tesseract-ocr/5/tessdata/eng.traineddata", R_OK) == 0 &&
      access("/usr/bin/tesseract", X_OK) == 0) {
    const std::string conf = ::testing::TempDir() + "/config_test_ocr.conf";
    std::ofstream(conf) << "DKIMVerify no\nOcrLanguage eng+chi_sim_vert\n";
    auto cfg = load_config(conf, false);
    ASSERT_FALSE(cfg.ok());
    EXPECT_EQ(cfg.error().message.rfind(conf + ":2: OcrLanguage: no chi_sim_vert model in "
                                               "/usr/share/tesseract-ocr/5/tessdata (install tesseract-ocr-chi-sim-vert)",
                                        0),
              0u)
        << cfg.error().message;
    std::ofstream(conf) << "DKIMVerify no\nOcrLanguage eng\n";
    EXPECT_TRUE(load_config(conf, false).ok());
    std::remove(conf.c_str());
  }
}

TEST(LegacyOfficeToText, DefaultIsCatdocWithItsSiblingsAndMissingItIsOnlyOff) {
  auto s = parse_settings("DKIMVerify no\n", "t.conf");
  ASSERT_TRUE(s.ok());
  auto cfg = build_config(*s, "t.conf");
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  if (access("/usr/bin/catdoc", X_OK) != 0) {  // catdoc is only recommended: PowerPoint only, no warning
    ASSERT_TRUE((*cfg)->office);
    EXPECT_EQ((*cfg)->office->options().word, "");
    EXPECT_NE(config_summary(**cfg).find("PowerPoint 97-2003 text on, Word/Excel off (/usr/bin/catdoc missing (install catdoc))"),
              std::string::npos);
  } else {
    ASSERT_TRUE((*cfg)->office);
    const LegacyOfficeOptions& o = (*cfg)->office->options();
    EXPECT_EQ(o.word, "/usr/bin/catdoc");
    EXPECT_EQ(o.excel, "/usr/bin/xls2csv");
    EXPECT_EQ(o.timeout, std::chrono::seconds(30));
    EXPECT_EQ(o.memory_limit, 256ull << 20);
    EXPECT_EQ(o.processes, 2u);
    EXPECT_NE(config_summary(**cfg).find("Word/Excel/PowerPoint 97-2003 text on (/usr/bin/catdoc)"), std::string::npos);
    ASSERT_TRUE((*cfg)->documents);
    EXPECT_TRUE((*cfg)->documents->reads("office"));
  }
  for (const auto& w : config_warnings(**cfg)) EXPECT_EQ(w.find("catdoc"), std::string::npos) << w;

  // A catdoc without xls2csv beside it: no Excel files, and a warning.
  const std::string dir = ::testing::TempDir() + "/config_test_catdoc";
  ASSERT_EQ(std::system(("rm -rf " + dir + " && mkdir -p " + dir + " && cp /bin/true " + dir + "/catdoc").c_str()), 0);
  auto lone = parse_settings("DKIMVerify no\nLegacyOfficeToText " + dir + "/catdoc\nLegacyOfficeProcesses 3\n", "t.conf");
  ASSERT_TRUE(lone.ok());
  auto cfg_lone = build_config(*lone, "t.conf");
  ASSERT_TRUE(cfg_lone.ok()) << cfg_lone.error().message;
  ASSERT_TRUE((*cfg_lone)->office);
  EXPECT_EQ((*cfg_lone)->office->options().word, dir + "/catdoc");
  EXPECT_EQ((*cfg_lone)->office->options().excel, "");
  EXPECT_EQ((*cfg_lone)->office->options().processes, 3u);
  bool warned = false;
  for (const auto& w : config_warnings(**cfg_lone))
    warned = warned || w == dir + "/xls2csv missing: Excel 97-2003 files are not read";
  EXPECT_TRUE(warned);
  // Files attached to an Outlook .msg go to the PDF, OCR and archive
  // readers, when there are any; never to the Office reader itself.
  const bool any = (*cfg_lone)->pdf || (*cfg_lone)->ocr || (*cfg_lone)->archive;
  ASSERT_EQ((*cfg_lone)->office->options().attachments != nullptr, any);
  if (any) {
    EXPECT_EQ((*cfg_lone)->office->options().attachments->reads("pdf"), (*cfg_lone)->pdf != nullptr);
    EXPECT_EQ((*cfg_lone)->office->options().attachments->reads("archive"), (*cfg_lone)->archive != nullptr);
    EXPECT_FALSE((*cfg_lone)->office->options().attachments->reads("office"));
  }
  // Office files attached to a PDF: a reader of the same programs and
  // limits that takes no slot of its own (it runs in the PDF's) and reads
  // no PDF attached to a .msg (it would wait for a second PDF slot).
  if ((*cfg_lone)->pdf && !(*cfg_lone)->pdf->options().qpdf_program.empty()) {
    auto in_pdf = std::dynamic_pointer_cast<const LegacyOffice>((*cfg_lone)->pdf->options().office);
    ASSERT_TRUE(in_pdf);
    EXPECT_NE(in_pdf, (*cfg_lone)->office);
    EXPECT_TRUE(in_pdf->options().in_caller_slot);
    EXPECT_FALSE((*cfg_lone)->office->options().in_caller_slot);
    EXPECT_EQ(in_pdf->options().word, dir + "/catdoc");
    EXPECT_EQ(in_pdf->options().processes, 3u);
    if (in_pdf->options().attachments) {
      EXPECT_FALSE(in_pdf->options().attachments->reads("pdf"));
      EXPECT_EQ(in_pdf->options().attachments->reads("image"), (*cfg_lone)->ocr != nullptr);
      EXPECT_EQ(in_pdf->options().attachments->reads("archive"), (*cfg_lone)->archive != nullptr);
    } else {
      EXPECT_EQ((*cfg_lone)->ocr, nullptr);
      EXPECT_EQ((*cfg_lone)->archive, nullptr);
    }
  }
  auto bare = parse_settings(
      "DKIMVerify no\nLegacyOfficeToText " + dir + "/catdoc\nPdfToText\nOcrProgram\nArchiveToTar\n", "t.conf");
  ASSERT_TRUE(bare.ok());
  auto cfg_bare = build_config(*bare, "t.conf");
  ASSERT_TRUE(cfg_bare.ok()) << cfg_bare.error().message;
  EXPECT_EQ((*cfg_bare)->office->options().attachments, nullptr);
  std::system(("rm -rf " + dir).c_str());

  auto off = parse_settings("DKIMVerify no\nLegacyOfficeToText\n", "t.conf");
  ASSERT_TRUE(off.ok());
  auto cfg_off = build_config(*off, "t.conf");
  ASSERT_TRUE(cfg_off.ok());
  EXPECT_FALSE((*cfg_off)->office);
  if ((*cfg_off)->pdf) {
    EXPECT_EQ((*cfg_off)->pdf->options().office, nullptr);  // nor inside PDFs
  }
  EXPECT_NE(config_summary(**cfg_off).find("Word/Excel/PowerPoint 97-2003 text off (LegacyOfficeToText is empty)"),
            std::string::npos);
}

TEST(ArchiveToTar, DefaultIsBsdtarAndMissingItIsAWarning) {
  auto s = parse_settings("DKIMVerify no\nPdfToText\nOcrProgram\nLegacyOfficeToText\n", "t.conf");
  ASSERT_TRUE(s.ok());
  auto cfg = build_config(*s, "t.conf");
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  if (access("/usr/bin/bsdtar", X_OK) == 0) {
    ASSERT_TRUE((*cfg)->archive);
    const ArchiveOptions& o = (*cfg)->archive->options();
    EXPECT_EQ(o.program, "/usr/bin/bsdtar");
    EXPECT_EQ(o.timeout, std::chrono::seconds(30));
    EXPECT_EQ(o.memory_limit, 256ull << 20);
    EXPECT_EQ(o.processes, 2u);
    EXPECT_NE(config_summary(**cfg).find("; 7z/RAR on (/usr/bin/bsdtar)"), std::string::npos) << config_summary(**cfg);
    // The only reader on: the Walker gets one, for archives.
    ASSERT_TRUE((*cfg)->documents);
    EXPECT_TRUE((*cfg)->documents->reads("archive"));
    EXPECT_FALSE((*cfg)->documents->reads("pdf"));
    for (const auto& w : config_warnings(**cfg)) EXPECT_EQ(w.find("ArchiveToTar"), std::string::npos) << w;
  } else {  // the package depends on libarchive-tools: a missing bsdtar is a warning
    EXPECT_FALSE((*cfg)->archive);
    bool warned = false;
    for (const auto& w : config_warnings(**cfg))
      warned = warned || w == "ArchiveToTar /usr/bin/bsdtar missing (install libarchive-tools): 7z and RAR attachments "
                              "are not read, they are reported uninspected";
    EXPECT_TRUE(warned);
  }
  auto set = parse_settings("DKIMVerify no\nArchiveToTar /bin/true\nArchiveProcesses 5\nArchiveTimeout 2m\n"
                            "ArchiveMemoryLimit 1G\n", "t.conf");
  ASSERT_TRUE(set.ok());
  auto cfg_set = build_config(*set, "t.conf");
  ASSERT_TRUE(cfg_set.ok()) << cfg_set.error().message;
  ASSERT_TRUE((*cfg_set)->archive);
  EXPECT_EQ((*cfg_set)->archive->options().program, "/bin/true");
  EXPECT_EQ((*cfg_set)->archive->options().processes, 5u);
  EXPECT_EQ((*cfg_set)->archive->options().timeout, std::chrono::seconds(120));
  EXPECT_EQ((*cfg_set)->archive->options().memory_limit, 1ull << 30);
  // 7z and RAR files attached to a PDF: a reader of the same program and
  // limits that takes no slot of its own (it runs in the PDF's).
  if ((*cfg_set)->pdf && !(*cfg_set)->pdf->options().qpdf_program.empty()) {
    auto in_pdf = std::dynamic_pointer_cast<const ArchiveToTar>((*cfg_set)->pdf->options().archive);
    ASSERT_TRUE(in_pdf);
    EXPECT_NE(in_pdf, (*cfg_set)->archive);
    EXPECT_TRUE(in_pdf->options().in_caller_slot);
    EXPECT_FALSE((*cfg_set)->archive->options().in_caller_slot);
    EXPECT_EQ(in_pdf->options().program, "/bin/true");
    EXPECT_EQ(in_pdf->options().timeout, std::chrono::seconds(120));
  }
  auto off = parse_settings("DKIMVerify no\nArchiveToTar\n", "t.conf");
  ASSERT_TRUE(off.ok());
  auto cfg_off = build_config(*off, "t.conf");
  ASSERT_TRUE(cfg_off.ok());
  EXPECT_FALSE((*cfg_off)->archive);
  if ((*cfg_off)->pdf) {
    EXPECT_EQ((*cfg_off)->pdf->options().archive, nullptr);  // nor inside PDFs
  }
  EXPECT_NE(config_summary(**cfg_off).find("; 7z/RAR off (ArchiveToTar is empty)"), std::string::npos);
  for (const auto& w : config_warnings(**cfg_off)) EXPECT_EQ(w.find("ArchiveToTar"), std::string::npos) << w;
}

TEST(ArchiveToTar, BadValuesAreRefusedWithFileAndLine) {
  expect_refused("config_test_archive.conf", {
      {"relative program", "ArchiveToTar bsdtar\n", ":2: ArchiveToTar: expected an absolute path"},
      {"missing program", "ArchiveToTar /nonexistent/bsdtar\n",
       ":2: ArchiveToTar /nonexistent/bsdtar: not an executable file"},
      {"no process", "ArchiveProcesses 0\n", ":2: ArchiveProcesses: must be at least 1"},
      {"no time", "ArchiveTimeout 0\n", ":2: ArchiveTimeout: must be longer than 0s"},
      {"too little memory", "ArchiveMemoryLimit 8M\n", ":2: ArchiveMemoryLimit: must be at least 64M"},
  });
}

TEST(DocumentTimeBudget, DefaultAndZeroRefused) {
  auto s = parse_settings("DKIMVerify no\n", "t.conf");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->DocumentTimeBudget, 240u);
  const std::string conf = ::testing::TempDir() + "/config_test_budget.conf";
  std::ofstream(conf) << "DKIMVerify no\nDocumentTimeBudget 0\n";
  auto cfg = load_config(conf, false);
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.error().message.rfind(conf + ":2: DocumentTimeBudget: must be longer than 0s", 0), 0u)
      << cfg.error().message;
  std::remove(conf.c_str());
}

TEST(LegacyOfficeToText, BadValuesAreRefusedWithFileAndLine) {
  expect_refused("config_test_office.conf", {
      {"relative program", "LegacyOfficeToText catdoc\n", ":2: LegacyOfficeToText: expected an absolute path"},
      {"missing program", "LegacyOfficeToText /nonexistent/catdoc\n",
       ":2: LegacyOfficeToText /nonexistent/catdoc: not an executable file"},
      {"no process", "LegacyOfficeProcesses 0\n", ":2: LegacyOfficeProcesses: must be at least 1"},
      {"no time", "LegacyOfficeTimeout 0\n", ":2: LegacyOfficeTimeout: must be longer than 0s"},
      {"too little memory", "LegacyOfficeMemoryLimit 8M\n", ":2: LegacyOfficeMemoryLimit: must be at least 64M"},
  });
}

}  // namespace
}  // namespace phi
