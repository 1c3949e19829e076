// Tests for the audit wiring: Session + AuditService + a real AuditLog in a temporary directory.
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

#include <cstdio>
#include <unistd.h>

#include "milter/audit/verify.h"
#include "milter/audit_service.h"
#include "milter/recording_mta.h"
#include "milter/session.h"
#include "milter/util/files.h"
#include "tests/unit/audit/audit_test_util.h"
#include "tests/unit/support/config_text.h"

namespace phi {
namespace {

using audit::testing::read_file;
using audit::testing::split_lines;
using audit::testing::TempDir;
using audit::testing::write_key_file;

constexpr const char* kSsn = "536-22-1234";

std::shared_ptr<const Config> config_with(const std::string& text) { return config_from_text(text); }

struct Fixture {
  TempDir dir;
  std::string key = write_key_file(dir, 32, 0600);
  std::string log = dir.file("audit.log");
  std::string conf(const std::string& extra = "", const std::string& log_path = "") const {
    return "AuthservID mx.example.org\nAuditLog " + (log_path.empty() ? log : log_path) + "\nAuditKeyFile " + key +
           "\n" + extra;
  }
};

void tls_macros(RecordingMta& m) {
  m.macros["{tls_version}"] = "TLSv1.3";
  m.macros["{cipher}"] = "TLS_AES_256_GCM_SHA384";
  m.macros["{cipher_bits}"] = "256";
  m.macros["{verify}"] = "NO";
}

Status send(Session& s, RecordingMta& m, const std::string& msgid, const std::string& body) {
  s.on_connect(m, "client.example.net", "192.0.2.4");
  s.on_helo(m, "client.example.net");
  s.on_envfrom(m, "<alice@example.net>");
  s.on_envrcpt(m, "<bob@example.org>");
  s.on_envrcpt(m, "<carol@example.org>");
  s.on_header(m, "Subject", "results");
  s.on_header(m, "Message-ID", " " + msgid + "\r\n");
  s.on_header(m, "Message-ID", "<second-copy@example.net>");
  s.on_eoh(m);
  s.on_body(m, body);
  return s.on_eom(m);
}

// The records of one kind in a log file, parsed.
std::vector<audit::ParsedRecord> records(const std::string& path, std::string_view kind) {
  std::vector<audit::ParsedRecord> out;
  for (const auto& line : split_lines(read_file(path))) {
    auto r = audit::parse_record(line);
    EXPECT_TRUE(r.ok()) << line;
    if (r && r->kind == kind) out.push_back(*r);
  }
  return out;
}

void expect_chain_valid(const std::vector<std::string>& files, const std::string& key_path) {
  auto key = audit::load_audit_key(key_path);
  ASSERT_TRUE(key.ok());
  auto rep = audit::verify_files(files, *key, std::nullopt);
  ASSERT_TRUE(rep.ok()) << rep.error().message;
  EXPECT_FALSE(rep->problem) << rep->problem->kind << ": " << rep->problem->detail;
}

TEST(AuditGlue, OneRecordPerMessageWithTheFacts) {
  Fixture f;
  auto cfg = config_with(f.conf());
  AuditService svc;
  ASSERT_TRUE(svc.configure(*cfg).ok());
  struct Row { const char* label; bool tls; const char* msgid; } rows[] = {
      {"STARTTLS with an SSN in the body", true, "<m1@example.net>"},
      {"plaintext", false, "<m2@example.net>"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    Session s(cfg, [] { return std::time_t{1795390903}; }, SessionOptions{}, SessionServices{&svc});
    RecordingMta m;
    m.macros["i"] = std::string("QID") + r.msgid[2];
    if (r.tls) tls_macros(m);
    std::string body = std::string("Patient SSN ") + kSsn + " for the claim.\r\n";
    EXPECT_EQ(send(s, m, r.msgid, body), Status::Continue);
  }
  auto recs = records(f.log, "message");
  ASSERT_EQ(recs.size(), 2u) << "one record per message";
  const auto& tls = recs[0].doc;
  EXPECT_EQ(tls.get_string("queue_id"), "QID1");
  EXPECT_EQ(tls.get_string("message_id"), "<m1@example.net>") << "the first Message-ID, trimmed";
  EXPECT_EQ(tls.get_string("sender"), "alice@example.net");
  EXPECT_EQ(tls.get_string("time"), "2026-11-22T23:41:43Z");
  const auto* rcpts = tls.get("recipients");
  ASSERT_TRUE(rcpts && rcpts->is_array());
  ASSERT_EQ(rcpts->items.size(), 2u);
  EXPECT_EQ(rcpts->items[1].get_string("address"), "carol@example.org");
  // The client (192.0.2.4) is not internal: the shipped policy tags inbound mail.
  EXPECT_EQ(rcpts->items[1].get_string("action"), "tag");
  EXPECT_EQ(rcpts->items[1].get_string("rule"), "inbound");
  ASSERT_TRUE(tls.get("client"));
  EXPECT_EQ(tls.get("client")->get_string("name"), "client.example.net");
  EXPECT_EQ(tls.get("client")->get_string("addr"), "192.0.2.4");
  const auto* t = tls.get("tls");
  ASSERT_TRUE(t && t->is_object());
  EXPECT_EQ(t->get_string("version"), "TLSv1.3");
  EXPECT_EQ(t->get_string("cipher"), "TLS_AES_256_GCM_SHA384");
  EXPECT_EQ(t->get_int("bits"), 256);
  EXPECT_EQ(t->get_string("verify"), "NO");
  ASSERT_TRUE(tls.get("path"));
  EXPECT_EQ(tls.get("path")->get_int("hops"), 1);
  EXPECT_EQ(tls.get("path")->get_string("weakest"), "encrypted");
  EXPECT_EQ(tls.get_string("dkim"), "none");
  ASSERT_TRUE(tls.get("categories"));
  EXPECT_EQ(tls.get("categories")->get_int("ssn"), 1);
  EXPECT_EQ(tls.get_string("escrow_id"), "");

  const auto& plain = recs[1].doc;
  ASSERT_TRUE(plain.get("tls"));
  EXPECT_TRUE(plain.get("tls")->is_null()) << "a plaintext hop has tls null";
  EXPECT_EQ(plain.get("path")->get_string("weakest"), "plaintext");

  std::string text = read_file(f.log);
  EXPECT_EQ(text.find(kSsn), std::string::npos) << "no identifier in the audit log";
  // Its last digits as such (an excerpt's "**-**-1234"): not where they
  // are four of a record's random hex digits (prev, hmac: about one log in
  // thirty had them there, and this test failed by chance).
  auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
  for (size_t at = text.find("1234"); at != std::string::npos; at = text.find("1234", at + 1)) {
    bool in_hex = (at > 0 && hex(text[at - 1])) || (at + 4 < text.size() && hex(text[at + 4]));
    EXPECT_TRUE(in_hex) << "not even its last digits, at " << at;
  }
  expect_chain_valid({f.log}, f.key);
}

TEST(AuditGlue, HostileMessageIdIsBoundedAndClean) {
  Fixture f;
  auto cfg = config_with(f.conf());
  AuditService svc;
  ASSERT_TRUE(svc.configure(*cfg).ok());
  std::string hostile;
  for (int i = 0; i < 10000; ++i) hostile += "<a\r\n\x01\"}>";
  Session s(cfg, nullptr, SessionOptions{}, SessionServices{&svc});
  RecordingMta m;
  EXPECT_EQ(send(s, m, hostile, "hi\r\n"), Status::Continue);
  auto recs = records(f.log, "message");
  ASSERT_EQ(recs.size(), 1u);
  auto id = recs[0].doc.get_string("message_id");
  EXPECT_LE(id.size(), kMaxMessageIdBytes);
  EXPECT_GT(id.size(), 0u);
  EXPECT_EQ(id.find_first_of("\r\n\x01"), std::string_view::npos);
  expect_chain_valid({f.log}, f.key);
}

TEST(AuditGlue, WithoutServiceNothingIsWritten) {
  Fixture f;
  Session s(config_with(f.conf()));
  RecordingMta m;
  EXPECT_EQ(send(s, m, "<m@example.net>", "hi\r\n"), Status::Continue);
  struct stat st {};
  EXPECT_NE(::stat(f.log.c_str(), &st), 0) << "test mode passes no audit service";
}

TEST(AuditGlue, UnopenableLogAnswersOnAuditError) {
  struct Row { const char* label; const char* extra; Status want; const char* reply; } rows[] = {
      {"default tempfail", "", Status::Tempfail, "451 4.3.0"},
      {"tempfail", "OnAuditError tempfail\n", Status::Tempfail, "451 4.3.0"},
      {"accept", "OnAuditError accept\n", Status::Continue, nullptr},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    Fixture f;
    audit::testing::write_file(f.dir.file("file"), "x");
    auto cfg = config_with(f.conf(r.extra, f.dir.file("file") + "/audit.log"));  // parent is a file: fails even for root
    AuditService svc;
    EXPECT_FALSE(svc.configure(*cfg).ok());
    EXPECT_TRUE(svc.enabled()) << "configured but broken: each message retries";
    Session s(cfg, nullptr, SessionOptions{}, SessionServices{&svc});
    RecordingMta m;
    EXPECT_EQ(send(s, m, "<m@example.net>", "hi\r\n"), r.want);
    bool replied = !m.edits.empty() && m.edits.back().kind == "set_reply";
    if (r.reply) {
      ASSERT_TRUE(replied);
      EXPECT_EQ(m.edits.back().name, r.reply);
    } else {
      EXPECT_FALSE(replied);
    }
  }
}

// A write that really fails after the log was opened: RLIMIT_FSIZE applies
// to root too. The failed line is cut off; the next message continues the chain.
TEST(AuditGlue, FailedWriteTempfailsAndTheChainStaysValid) {
  Fixture f;
  auto cfg = config_with(f.conf());
  AuditService svc;
  ASSERT_TRUE(svc.configure(*cfg).ok());
  struct stat st {};
  ASSERT_EQ(::stat(f.log.c_str(), &st), 0);
  struct rlimit old {};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
  struct rlimit lim = old;
  lim.rlim_cur = static_cast<rlim_t>(st.st_size);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &lim), 0);
  Status got;
  RecordingMta m;
  {
    Session s(cfg, nullptr, SessionOptions{}, SessionServices{&svc});
    got = send(s, m, "<lost@example.net>", "hi\r\n");
  }
  ::setrlimit(RLIMIT_FSIZE, &old);
  ::signal(SIGXFSZ, old_handler);
  EXPECT_EQ(got, Status::Tempfail);
  ASSERT_FALSE(m.edits.empty());
  EXPECT_EQ(m.edits.back().name, "451 4.3.0");
  EXPECT_TRUE(records(f.log, "message").empty());

  Session s2(cfg, nullptr, SessionOptions{}, SessionServices{&svc});
  RecordingMta m2;
  EXPECT_EQ(send(s2, m2, "<retry@example.net>", "hi\r\n"), Status::Continue);
  EXPECT_EQ(records(f.log, "message").size(), 1u);
  expect_chain_valid({f.log}, f.key);
}

TEST(AuditGlue, ReloadAndRotationKeepTheChain) {
  Fixture f;
  auto cfg = config_with(f.conf());
  AuditService svc;
  ASSERT_TRUE(svc.configure(*cfg).ok());
  auto one = [&](const std::string& id) {
    Session s(cfg, nullptr, SessionOptions{}, SessionServices{&svc});
    RecordingMta m;
    EXPECT_EQ(send(s, m, id, "hi\r\n"), Status::Continue);
  };
  one("<a@example.net>");
  ASSERT_TRUE(svc.configure(*cfg).ok()) << "reload, same file";
  one("<b@example.net>");
  std::string rotated = f.log + ".1";
  ASSERT_EQ(std::rename(f.log.c_str(), rotated.c_str()), 0);  // logrotate "create"
  ASSERT_TRUE(svc.configure(*cfg).ok()) << "reload after rotation reopens";
  one("<c@example.net>");
  ASSERT_TRUE(svc.reopen().ok()) << "a reopen with nothing moved keeps the file";
  std::string other = f.dir.file("other.log");
  auto cfg2 = config_with(f.conf("", other));
  ASSERT_TRUE(svc.configure(*cfg2).ok()) << "reload to another file";
  one("<d@example.net>");
  svc.close();
  EXPECT_FALSE(svc.enabled());
  EXPECT_EQ(records(rotated, "message").size(), 2u);
  EXPECT_EQ(records(f.log, "message").size(), 1u);
  EXPECT_EQ(records(other, "message").size(), 1u);
  EXPECT_EQ(records(other, "checkpoint").size(), 1u) << "closing checkpoint";
  expect_chain_valid({rotated, f.log, other}, f.key);
}

TEST(AuditGlue, BrokenLogRecoversWhenTheCauseIsFixed) {
  Fixture f;
  std::string blocker = f.dir.file("sub");
  audit::testing::write_file(blocker, "not a directory");
  auto cfg = config_with(f.conf("", blocker + "/audit.log"));
  AuditService svc;
  ASSERT_FALSE(svc.configure(*cfg).ok());
  {
    Session s(cfg, nullptr, SessionOptions{}, SessionServices{&svc});
    RecordingMta m;
    EXPECT_EQ(send(s, m, "<x@example.net>", "hi\r\n"), Status::Tempfail);
  }
  ASSERT_EQ(std::remove(blocker.c_str()), 0);
  ASSERT_EQ(::mkdir(blocker.c_str(), 0700), 0);
  Session s(cfg, nullptr, SessionOptions{}, SessionServices{&svc});
  RecordingMta m;
  EXPECT_EQ(send(s, m, "<y@example.net>", "hi\r\n"), Status::Continue) << "the next message opens the log";
  EXPECT_EQ(records(blocker + "/audit.log", "message").size(), 1u);
  expect_chain_valid({blocker + "/audit.log"}, f.key);
}

}  // namespace
}  // namespace phi

namespace phi {
namespace {

TEST(AuditGlue, RefusalDecidedByThePolicyIsAuditedAndStillRefused) {
  Fixture f;
  const std::string policy = f.dir.file("reject.policy");
  { std::ofstream(policy) << "rule refuse-all then reject 550 5.7.1 \"refused by site policy\"\n"; }
  auto cfg = config_with(f.conf("PolicyFile " + policy + "\n"));
  ASSERT_TRUE(cfg);
  AuditService svc;
  ASSERT_TRUE(svc.configure(*cfg).ok());
  Session s(cfg, nullptr, SessionOptions{}, SessionServices{&svc});
  RecordingMta m;
  EXPECT_EQ(send(s, m, "<r1@example.net>", "hello\r\n"), Status::Reject);
  auto recs = records(f.log, "message");
  ASSERT_EQ(recs.size(), 1u) << "a refused message has its record too";
  const auto* rcpts = recs[0].doc.get("recipients");
  ASSERT_TRUE(rcpts && rcpts->is_array() && !rcpts->items.empty());
  EXPECT_EQ(rcpts->items[0].get_string("action"), "reject");
  EXPECT_EQ(rcpts->items[0].get_string("rule"), "refuse-all");
  bool replied_550 = false;
  for (const auto& e : m.edits)
    if (e.kind == "set_reply") {
      EXPECT_EQ(e.name.substr(0, 3), "550") << "the refusal's reply is not replaced by the audit's 451";
      replied_550 = true;
    }
  EXPECT_TRUE(replied_550);
  expect_chain_valid({f.log}, f.key);
}

// Stands in for fsync(2) (set_fsync_for_tests): the first call waits (at most 30 s)
// until the test lets it go, so that one thread is held inside it.
struct HeldFsync {
  static inline std::mutex mu;
  static inline std::condition_variable cv;
  static inline int calls = 0;
  static inline bool released = false;
  static int fsync(int fd) {
    std::unique_lock l(mu);
    int n = ++calls;
    cv.notify_all();
    if (n == 1) cv.wait_for(l, std::chrono::seconds(30), [] { return released; });
    l.unlock();
    return ::fsync(fd);
  }
  static bool wait_for_calls(int n) {
    std::unique_lock l(mu);
    return cv.wait_for(l, std::chrono::seconds(30), [n] { return calls >= n; });
  }
  static void release() {
    std::lock_guard l(mu);
    released = true;
    cv.notify_all();
  }
  static void reset() {
    std::lock_guard l(mu);
    calls = 0;
    released = false;
  }
};

// Concurrent messages share the audit log's fsync (AuditSync yes): while
// one message's record is being fsynced, the records of two others are
// written, and one more fsync makes both durable. The service's own lock
// must not be held across the fsync, or the other two wait for it.
TEST(AuditGlue, ConcurrentMessagesShareOneFsync) {
  Fixture f;
  auto cfg = config_with(f.conf());
  AuditService svc;
  ASSERT_TRUE(svc.configure(*cfg).ok());
  HeldFsync::reset();
  set_fsync_for_tests(&HeldFsync::fsync);
  auto append = [&svc](const char* qid) {
    audit::MessageEvent e;
    e.time = 1795390903;
    e.queue_id = qid;
    e.message_id = std::string("<") + qid + "@example.net>";
    EXPECT_TRUE(svc.append(e).ok()) << qid;
  };
  std::thread a(append, "QA");
  EXPECT_TRUE(HeldFsync::wait_for_calls(1)) << "the first record's fsync";
  std::thread b(append, "QB"), c(append, "QC");
  bool written = false;  // both records in the file while the first fsync is held
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
       !written && std::chrono::steady_clock::now() < until;
       std::this_thread::sleep_for(std::chrono::milliseconds(1))) {
    std::string text = read_file(f.log);
    written = text.find("\"QB\"") != std::string::npos && text.find("\"QC\"") != std::string::npos;
  }
  HeldFsync::release();
  a.join();
  b.join();
  c.join();
  set_fsync_for_tests(nullptr);
  EXPECT_TRUE(written) << "the other messages' records waited for the fsync in progress";
  EXPECT_EQ(HeldFsync::calls, 2) << "one fsync for the first record, one for the other two together";
  EXPECT_EQ(records(f.log, "message").size(), 3u);
  svc.close();
  expect_chain_valid({f.log}, f.key);
}

}  // namespace
}  // namespace phi
