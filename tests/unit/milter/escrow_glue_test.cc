// Tests for the escrow glue: spool, entry, in-place rewrite, notice submission, failures.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "milter/audit_service.h"
#include "milter/escrow/notice.h"
#include "milter/escrow/token.h"
#include "milter/log.h"
#include "milter/recording_mta.h"
#include "milter/session.h"
#include "milter/testmode.h"
#include "milter/util/files.h"
#include "tests/unit/escrow/test_util.h"

namespace phi {

// Drives the private escrow() the way enforce() will, before on_eom.
struct SessionTestPeer {
  static Status escrow(Session& s, Mta& m, std::vector<size_t> idx, const std::string& rule) {
    return s.escrow(m, *s.msg_, idx, rule);
  }
  static Status check_notice(Session& s, Mta& m) { return s.escrow_check_notice(m, *s.msg_); }
  static bool own_notice(Session& s) { return s.msg_ && s.msg_->own_notice; }
  static Status audit(Session& s, Mta& m) { return s.audit(m, *s.msg_); }
};

namespace {

using escrow::testing::kHex1;
using escrow::testing::read_file;
using escrow::testing::TempDir;

constexpr const char* kSsn = "078-05-1120";

struct Fixture {
  TempDir dir;
  std::string queue = dir.path() + "/q";
  std::string extra;
  std::shared_ptr<const Config> cfg;

  explicit Fixture(std::string more = "") : extra(std::move(more)) {
    mkdir(queue.c_str(), 0700);
    dir.write("keys", std::string("k1 ") + kHex1 + "\n", 0600);
    dir.write("sendmail", "#!/bin/sh\nprintf '%s\\n' \"$@\" >> " + dir.file("args") + "\ncat >> " + dir.file("stdin") +
                              "\nexit ${FAKE_SENDMAIL_STATUS:-0}\n", 0755);
    auto s = parse_settings("AuthservID mx.example.org\nEscrowKeyFile " + dir.file("keys") + "\nEscrowDirectory " + queue +
                                "\nNoticeSendmail " + dir.file("sendmail") + "\n" + extra,
                            "t.conf");
    EXPECT_TRUE(s.ok()) << (s ? "" : s.error().message);
    auto c = build_config(*s, "t.conf");
    EXPECT_TRUE(c.ok()) << (c ? "" : c.error().message);
    cfg = *c;
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(queue)) out.push_back(e.path().filename().string());
    return out;
  }
};

const std::vector<std::pair<std::string, std::string>> kHeaders = {
    {"Received", "from c.example (c.example [192.0.2.4])\n\tby mx.example.org (Postfix) with ESMTP id 4AB"},
    {"From", "Clinic <clinic@example.net>"},
    {"To", "b@insecure.example"},
    {"Subject", "results"},
    {"X-Other", " two blanks"},
};
const std::string kBody = std::string("Patient SSN ") + kSsn + "\r\n";
const std::string kOriginal =
    "Received: from c.example (c.example [192.0.2.4])\r\n\tby mx.example.org (Postfix) with ESMTP id 4AB\r\n"
    "From: Clinic <clinic@example.net>\r\nTo: b@insecure.example\r\nSubject: results\r\nX-Other:  two blanks\r\n\r\n" + kBody;

void feed(Session& s, RecordingMta& m, const std::vector<std::string>& rcpts, const std::string& addr = "192.0.2.4") {
  m.macros["i"] = "4AB";
  s.on_connect(m, "c.example", addr);
  s.on_helo(m, "c.example");
  s.on_envfrom(m, "<clinic@example.net>");
  for (const auto& r : rcpts) s.on_envrcpt(m, r);
  for (const auto& [n, v] : kHeaders) s.on_header(m, n, v);
  s.on_eoh(m);
  s.on_body(m, kBody.substr(0, 5));
  s.on_body(m, kBody.substr(5));
}

std::string entry_bytes(const Config& cfg, const std::string& id) {
  auto rd = cfg.escrow->open(id);
  EXPECT_TRUE(rd.ok()) << (rd ? "" : rd.error().message);
  std::ostringstream out;
  EXPECT_TRUE((*rd)->copy_body(out).ok());
  return out.str();
}

// The token at the end of the first pickup link in `text`.
std::string link_token(const std::string& text) {
  const std::string prefix = "https://mx.example.org/phimilter/pickup/";
  auto p = text.find(prefix);
  return p == std::string::npos ? "" : text.substr(p + prefix.size(), escrow::kTokenTextBytes);
}

TEST(EscrowGlue, EveryRecipientEscrowedRewritesTheMessageIntoTheNotice) {
  Fixture f;
  Session s(f.cfg, [] { return std::time_t{1700000000}; });
  RecordingMta m;
  feed(s, m, {"<b@insecure.example>"});
  ASSERT_EQ(SessionTestPeer::escrow(s, m, {0}, "phi-insecure"), Status::Continue);
  const std::string id = s.report().escrow_id;
  ASSERT_EQ(f.names(), std::vector<std::string>{id + ".esc"}) << "one entry, no temporary file";
  EXPECT_EQ(entry_bytes(*f.cfg, id), kOriginal);

  std::vector<std::string> deleted, added;
  std::string body;
  for (const auto& e : m.edits) {
    if (e.kind == "delete_header") deleted.push_back(e.name + "#" + std::to_string(e.index));
    if (e.kind == "add_header") added.push_back(e.name + ": " + e.value);
    if (e.kind == "replace_body") body += e.value;
    EXPECT_NE(e.kind, "del_rcpt");
  }
  EXPECT_EQ(deleted, (std::vector<std::string>{"From#1", "Subject#1", "To#1", "X-Other#1"})) << "Received is kept";
  ASSERT_GE(added.size(), 9u);
  EXPECT_EQ(added[2], "Subject: Secure message waiting for you");
  EXPECT_EQ(added.back(), "X-PHImilter-Notice: mx.example.org");
  EXPECT_EQ(body.find(kSsn), std::string::npos);
  auto rd = f.cfg->escrow->open(id);
  ASSERT_TRUE(rd.ok());
  auto idx = escrow::check_pickup_token((*rd)->header(), link_token(body), 1700000001);
  ASSERT_TRUE(idx.ok()) << idx.error().message;
  EXPECT_EQ(*idx, 0u);
  EXPECT_EQ((*rd)->meta().rule, "phi-insecure");
  EXPECT_EQ((*rd)->meta().queue_id, "4AB");
  EXPECT_EQ((*rd)->meta().recipients, std::vector<std::string>{"<b@insecure.example>"});
  EXPECT_FALSE(std::filesystem::exists(f.dir.file("args"))) << "the in-place notice needs no submission";
}

TEST(EscrowGlue, SomeRecipientsEscrowedAreRemovedAndGetASubmittedNotice) {
  Fixture f;
  Session s(f.cfg);
  RecordingMta m;
  feed(s, m, {"<a@secure.example>", "<c@insecure.example>", "<d@insecure.example>"});
  ASSERT_EQ(SessionTestPeer::escrow(s, m, {2, 1}, "phi-insecure"), Status::Continue);
  std::vector<std::string> kinds;
  for (const auto& e : m.edits) kinds.push_back(e.kind + " " + e.value);
  EXPECT_EQ(kinds, (std::vector<std::string>{"del_rcpt <c@insecure.example>", "del_rcpt <d@insecure.example>"}));
  EXPECT_EQ(read_file(f.dir.file("args")),
            "-i\n-f\npostmaster@mx.example.org\n--\nc@insecure.example\n-i\n-f\npostmaster@mx.example.org\n--\nd@insecure.example\n");
  const std::string notices = read_file(f.dir.file("stdin"));
  EXPECT_NE(notices.find("\nX-PHImilter-Notice: mx.example.org\n"), std::string::npos);
  EXPECT_EQ(notices.find('\r'), std::string::npos) << "LF line ends for local submission";
  EXPECT_EQ(notices.find(kSsn), std::string::npos);
  auto rd = f.cfg->escrow->open(s.report().escrow_id);
  ASSERT_TRUE(rd.ok());
  EXPECT_EQ((*rd)->meta().recipients, (std::vector<std::string>{"<c@insecure.example>", "<d@insecure.example>"}));
  auto second = notices.substr(notices.find("To: <d@insecure.example>"));
  auto idx = escrow::check_pickup_token((*rd)->header(), link_token(second), std::time(nullptr));
  ASSERT_TRUE(idx.ok()) << idx.error().message;
  EXPECT_EQ(*idx, 1u) << "each recipient's notice carries its own token";
}

TEST(EscrowGlue, FailuresAnswerTempfailAndLeaveNoEntry) {
  struct Row {
    const char* label;
    std::string conf;
    std::function<void(Fixture&)> before_escrow;
  } rows[] = {
      {"notice submission fails", "", [](Fixture&) { setenv("FAKE_SENDMAIL_STATUS", "75", 1); }},
      {"submission command missing", "", [](Fixture& f) { unlink(f.dir.file("sendmail").c_str()); }},
      {"message over EscrowMaxBytes", "EscrowMaxBytes 20\n", [](Fixture&) {}},
      {"escrow directory gone", "", [](Fixture& f) { std::filesystem::remove_all(f.queue); }},
      {"entry not durable (the directory's fsync fails)", "",
       [](Fixture&) { set_fsync_for_tests(escrow::testing::fsync_fails_for<S_IFDIR>); }},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    Fixture f(r.conf);
    Session s(f.cfg);
    RecordingMta m;
    feed(s, m, {"<a@secure.example>", "<c@insecure.example>"});
    r.before_escrow(f);
    EXPECT_EQ(SessionTestPeer::escrow(s, m, {1}, "phi-insecure"), Status::Tempfail);
    unsetenv("FAKE_SENDMAIL_STATUS");
    set_fsync_for_tests(nullptr);
    ASSERT_FALSE(m.edits.empty());
    EXPECT_EQ(m.edits.back().kind, "set_reply");
    EXPECT_EQ(m.edits.back().name, "451 4.3.0");
    EXPECT_TRUE(s.report().escrow_id.empty());
    if (std::filesystem::exists(f.queue)) { EXPECT_TRUE(f.names().empty()) << "no entry, no temporary file"; }
  }
}

// A notice goes to the address removed from the envelope, byte for byte. An
// escrowed recipient whose address would have to be cut or cleaned for
// sendmail(1) (longer than kMaxAddressBytes, controls, CR, LF, NUL) fails the
// message before any envelope edit, rewrite or submission, and the entry is
// withdrawn; the log names the reason, not the address.
TEST(EscrowGlue, AnAddressThatCannotBePassedUnchangedIsNeverSubmittedTo) {
  const std::string long_local(escrow::kMaxAddressBytes + 1 - std::string("@insecure.example").size(), 'x');
  struct Row {
    const char* label;
    std::string rcpt;
    const char* why;
  } rows[] = {
      {"one byte over the limit", "<" + long_local + "@insecure.example>", "address longer than 320 bytes (321)"},
      {"far over the limit", "<" + std::string(1000, 'y') + "@insecure.example>", "address longer than 320 bytes"},
      {"CR LF", "<c@insecure.example\r\nRCPT TO:<z@evil.example>>", "control characters"},
      {"NUL", std::string("<c@insecure.example") + '\0' + "z@evil.example>", "control characters"},
      {"escape", "<c\x1b[31m@insecure.example>", "control characters"},
      {"not UTF-8", "<c\xff@insecure.example>", "not UTF-8"},
  };
  TempDir logs;
  Settings ls = default_settings();
  ls.LogTarget = logs.file("log");
  ls.LogLevel = "debug";
  ASSERT_TRUE(log_setup(ls).ok());
  for (const auto& r : rows) {
    for (bool all : {false, true}) {
      SCOPED_TRACE(std::string(r.label) + (all ? ", every recipient escrowed" : ", one of two escrowed"));
      Fixture f;
      Session s(f.cfg);
      RecordingMta m;
      std::vector<std::string> rcpts = {"<d@insecure.example>", r.rcpt};
      if (!all) rcpts[0] = "<a@secure.example>";
      feed(s, m, rcpts);
      std::vector<size_t> idx = all ? std::vector<size_t>{0, 1} : std::vector<size_t>{1};
      EXPECT_EQ(SessionTestPeer::escrow(s, m, idx, "phi-insecure"), Status::Tempfail);
      for (const auto& e : m.edits)
        EXPECT_TRUE(e.kind == "set_reply") << "an edit before the address was checked: " << e.kind << " " << e.name;
      EXPECT_FALSE(std::filesystem::exists(f.dir.file("args"))) << "nothing submitted";
      EXPECT_TRUE(f.names().empty()) << "the entry is withdrawn";
      EXPECT_TRUE(s.report().escrow_id.empty());
    }
  }
  log_setup_stderr(LogLevel::Warning);
  const std::string log = read_file(logs.file("log"));
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    EXPECT_NE(log.find(r.why), std::string::npos) << log;
  }
  EXPECT_NE(log.find("escrowed recipient 1 of 1: no notice can be sent to it: address"), std::string::npos) << log;
  EXPECT_NE(log.find("escrowed recipient 2 of 2: no notice can be sent to it: address"), std::string::npos) << log;
  EXPECT_EQ(log.find("insecure.example"), std::string::npos) << "an address in the log: " << log;
  EXPECT_EQ(log.find("xxxxxxxx"), std::string::npos) << log;
  EXPECT_EQ(log.find("evil.example"), std::string::npos) << log;
}

TEST(EscrowGlue, AnAddressOfExactlyTheLimitIsSubmittedToUnchanged) {
  const std::string addr = std::string(escrow::kMaxAddressBytes - std::string("@insecure.example").size(), 'x') + "@insecure.example";
  Fixture f;
  Session s(f.cfg);
  RecordingMta m;
  feed(s, m, {"<a@secure.example>", "<" + addr + ">"});
  ASSERT_EQ(SessionTestPeer::escrow(s, m, {1}, "phi-insecure"), Status::Continue);
  EXPECT_EQ(read_file(f.dir.file("args")), "-i\n-f\npostmaster@mx.example.org\n--\n" + addr + "\n");
}

// OnInternalError accept lets a message through when the escrow fails
// before phimilter has touched it; once the rewrite for escrow has begun
// (the message turned into the first notice, or escrowed recipients
// removed), accepting would deliver that half and lose the original, so
// the answer is tempfail.
// A message escrowed for some of its recipients, and what is expected of it.
struct EscrowCase {
  const char* label;
  std::string conf;
  std::vector<std::string> rcpts;
  std::vector<size_t> escrowed;
  Status want;
  size_t entries_left = 0;
};

TEST(EscrowGlue, AcceptOnInternalErrorBecomesTempfailOnceTheMessageWasRewritten) {
  const EscrowCase rows[] = {
      {"all escrowed, second notice not submitted", "", {"<c@insecure.example>", "<d@insecure.example>"}, {0, 1},
       Status::Tempfail},
      {"one of two escrowed, its notice not submitted", "", {"<a@secure.example>", "<c@insecure.example>"}, {1},
       Status::Tempfail},
      {"entry refused before any edit (over EscrowMaxBytes)", "EscrowMaxBytes 20\n",
       {"<a@secure.example>", "<c@insecure.example>"}, {1}, Status::Accept},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    Fixture f("OnInternalError accept\n" + r.conf);
    Session s(f.cfg);
    RecordingMta m;
    feed(s, m, r.rcpts);
    setenv("FAKE_SENDMAIL_STATUS", "75", 1);
    EXPECT_EQ(SessionTestPeer::escrow(s, m, r.escrowed, "phi-insecure"), r.want);
    unsetenv("FAKE_SENDMAIL_STATUS");
    EXPECT_TRUE(f.names().empty()) << "no entry left behind";
    if (r.want == Status::Tempfail) {
      ASSERT_FALSE(m.edits.empty());
      EXPECT_EQ(m.edits.back().kind, "set_reply");
      EXPECT_EQ(m.edits.back().name, "451 4.3.0");
    } else {
      EXPECT_TRUE(m.edits.empty()) << "nothing was changed, so the message may go through as it came";
    }
  }
}

// The same when the rewrite ends in an exception: the libmilter glue then
// calls internal_error(), which must still see that the rewrite had begun.
struct ThrowingMta : RecordingMta {
  Result<void> replace_body(std::string_view) override { throw std::runtime_error("out of memory, say"); }
};

TEST(EscrowGlue, AnExceptionDuringTheRewriteIsAnsweredTempfailUnderAccept) {
  Fixture f("OnInternalError accept\n");
  {
    Session s(f.cfg);
    ThrowingMta m;
    feed(s, m, {"<c@insecure.example>"});
    EXPECT_THROW(SessionTestPeer::escrow(s, m, {0}, "phi-insecure"), std::runtime_error);
    EXPECT_EQ(f.names().size(), 1u) << "the entry was committed before the rewrite";
    EXPECT_EQ(s.internal_error(m, "eom", "exception: out of memory, say"), Status::Tempfail);
    EXPECT_TRUE(f.names().empty()) << "the sender keeps the message: the entry is withdrawn";
  }
  {
    Session s(f.cfg);
    RecordingMta m;
    feed(s, m, {"<c@insecure.example>"});
    EXPECT_EQ(s.internal_error(m, "eom", "exception: before any edit"), Status::Accept) << "the configured answer";
  }
}

// An entry committed for a message that is then not delivered as rewritten
// for it (a later internal error, under any OnInternalError) serves nobody:
// the sender keeps the message (or gets it back) and a retry escrows it
// again, so the entry is withdrawn. Unless a notice was already submitted:
// that cannot be taken back, and its link must keep working.
TEST(EscrowGlue, AFailureAfterTheEntryWithdrawsItUnlessANoticePointsAtIt) {
  const EscrowCase rows[] = {
      {"rewritten into the notice, tempfail", "", {"<c@insecure.example>"}, {0}, Status::Tempfail, 0},
      {"rewritten into the notice, accept becomes tempfail", "OnInternalError accept\n", {"<c@insecure.example>"}, {0},
       Status::Tempfail, 0},
      {"rewritten into the notice, reject", "OnInternalError reject\n", {"<c@insecure.example>"}, {0}, Status::Reject, 0},
      {"second recipient's notice submitted", "", {"<c@insecure.example>", "<d@insecure.example>"}, {0, 1},
       Status::Tempfail, 1},
      {"one of two escrowed, its notice submitted", "", {"<a@secure.example>", "<c@insecure.example>"}, {1},
       Status::Tempfail, 1},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    Fixture f(r.conf);
    Session s(f.cfg);
    RecordingMta m;
    feed(s, m, r.rcpts);
    ASSERT_EQ(SessionTestPeer::escrow(s, m, r.escrowed, "phi-insecure"), Status::Continue);
    const std::string id = s.report().escrow_id;
    ASSERT_FALSE(id.empty());
    ASSERT_EQ(f.names().size(), 1u);
    // Say the quarantine request that follows the escrow fails.
    EXPECT_EQ(s.internal_error(m, "policy", "cannot quarantine: broken pipe"), r.want);
    EXPECT_EQ(f.names().size(), r.entries_left);
    if (r.entries_left == 1) {
      EXPECT_EQ(f.names()[0], id + ".esc");
      EXPECT_EQ(s.report().escrow_id, "") << "settled, whichever way";
    }
  }
}

// A submission that fails after another succeeded: the first notice is out,
// so its entry stays (the answer is still tempfail, and the retry escrows
// the message again).
TEST(EscrowGlue, ASubmissionFailingAfterAnotherKeepsTheEntry) {
  Fixture f;
  f.dir.write("sendmail", "#!/bin/sh\ncat >/dev/null\n[ -e " + f.dir.file("once") + " ] && exit 75\ntouch " +
                              f.dir.file("once") + "\n",
              0755);
  Session s(f.cfg);
  RecordingMta m;
  feed(s, m, {"<c@insecure.example>", "<d@insecure.example>", "<e@insecure.example>"});
  EXPECT_EQ(SessionTestPeer::escrow(s, m, {0, 1, 2}, "phi-insecure"), Status::Tempfail);
  EXPECT_EQ(f.names().size(), 1u) << "d's notice points at the entry";
}

// The entry of an earlier message on the same connection is never touched
// by a failure of the next one.
TEST(EscrowGlue, AFailureOfTheNextMessageLeavesTheEarlierEntry) {
  Fixture f;
  Session s(f.cfg);
  RecordingMta m;
  feed(s, m, {"<c@insecure.example>"});
  ASSERT_EQ(SessionTestPeer::escrow(s, m, {0}, "phi-insecure"), Status::Continue);
  ASSERT_EQ(f.names().size(), 1u);
  s.on_envfrom(m, "<clinic@example.net>");  // the next message
  EXPECT_EQ(s.internal_error(m, "header", "out of memory, say"), Status::Tempfail);
  EXPECT_EQ(f.names().size(), 1u);
}

// The same when the audit record cannot be written and OnAuditError
// answers tempfail; under OnAuditError accept the rewrite is delivered and
// the entry stays.
TEST(EscrowGlue, AFailedAuditRecordUnderTempfailWithdrawsTheEntry) {
  for (const std::string action : {"tempfail", "accept"}) {
    SCOPED_TRACE(action);
    Fixture probe;  // for its directory
    probe.dir.write("file", "x", 0600);
    probe.dir.write("audit.key", std::string(32, 'k'), 0600);
    Fixture f("AuditLog " + probe.dir.file("file") + "/audit.log\nAuditKeyFile " + probe.dir.file("audit.key") +
              "\nOnAuditError " + action + "\n");
    AuditService svc;
    EXPECT_FALSE(svc.configure(*f.cfg).ok()) << "the log's parent is a file";
    Session s(f.cfg, nullptr, SessionOptions{}, SessionServices{&svc});
    RecordingMta m;
    feed(s, m, {"<c@insecure.example>"});
    ASSERT_EQ(SessionTestPeer::escrow(s, m, {0}, "phi-insecure"), Status::Continue);
    ASSERT_EQ(f.names().size(), 1u);
    if (action == "tempfail") {
      EXPECT_EQ(SessionTestPeer::audit(s, m), Status::Tempfail);
      EXPECT_TRUE(f.names().empty());
    } else {
      EXPECT_EQ(SessionTestPeer::audit(s, m), Status::Continue);
      EXPECT_EQ(f.names().size(), 1u);
    }
  }
}

// Descriptors of this process that point at an unlinked spool file.
std::vector<std::string> open_spools() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    auto target = std::filesystem::read_symlink(e.path(), ec).string();
    if (!ec && target.find("/.tmp-spool-") != std::string::npos) out.push_back(e.path().string());
  }
  return out;
}

TEST(EscrowGlue, SmallMessageIsSpooledInMemoryOnly) {
  Fixture f;
  Session s(f.cfg);
  RecordingMta m;
  feed(s, m, {"<b@insecure.example>"});
  EXPECT_TRUE(open_spools().empty()) << kOriginal.size() << " bytes need no file";
  EXPECT_TRUE(f.names().empty());
  ASSERT_EQ(SessionTestPeer::escrow(s, m, {0}, "phi-insecure"), Status::Continue);
  EXPECT_EQ(entry_bytes(*f.cfg, s.report().escrow_id), kOriginal);
}

TEST(EscrowGlue, LargeSpoolIsNamelessEncryptedAndGoneAfterAbort) {
  Fixture f;
  Session s(f.cfg);
  RecordingMta m;
  feed(s, m, {"<b@insecure.example>"});
  const std::string more(escrow::kSpoolMemoryBytes, 'x');
  s.on_body(m, more);
  EXPECT_TRUE(f.names().empty()) << "the spool has no name in the directory";
  auto fds = open_spools();
  ASSERT_EQ(fds.size(), 1u);
  const std::string raw = read_file(fds[0]);
  EXPECT_EQ(raw.size(), kOriginal.size() + more.size());
  EXPECT_EQ(raw.find(kSsn), std::string::npos) << "spooled bytes are encrypted";
  EXPECT_EQ(s.on_abort(m), Status::Continue);
  EXPECT_TRUE(open_spools().empty());
  EXPECT_TRUE(f.names().empty());
}

TEST(EscrowGlue, WithoutEscrowWritesNothingIsSpooledOrWritten) {
  Fixture f;
  Session s(f.cfg, nullptr, SessionOptions{.escrow_writes = false});
  RecordingMta m;
  feed(s, m, {"<b@insecure.example>"});
  EXPECT_TRUE(open_spools().empty());
  EXPECT_EQ(SessionTestPeer::escrow(s, m, {0}, "phi-insecure"), Status::Continue);
  EXPECT_TRUE(m.edits.empty());
  EXPECT_TRUE(f.names().empty());
  EXPECT_EQ(s.report().escrow_rule, "phi-insecure");
  EXPECT_EQ(s.report().escrow_recipients, std::vector<std::string>{"<b@insecure.example>"});
  EXPECT_TRUE(s.report().escrow_id.empty());
  EXPECT_NE(format_report_json("x.eml", s.report(), *f.cfg).find("\"escrow\":{\"id\":null,\"rule\":\"phi-insecure\""),
            std::string::npos);
}

TEST(EscrowGlue, NotConfiguredFailsClosed) {
  auto s0 = parse_settings("EscrowKeyFile\n", "t.conf");
  ASSERT_TRUE(s0.ok());
  auto cfg = build_config(*s0, "t.conf");
  ASSERT_TRUE(cfg.ok());
  EXPECT_EQ((*cfg)->escrow_unavailable, "EscrowKeyFile is empty");
  Session s(*cfg);
  RecordingMta m;
  feed(s, m, {"<b@insecure.example>"});
  EXPECT_EQ(SessionTestPeer::escrow(s, m, {0}, "phi-insecure"), Status::Tempfail);
}

TEST(EscrowGlue, DefaultKeyFileMayBeMissing) {
  if (access(default_settings().EscrowKeyFile.c_str(), F_OK) == 0) GTEST_SKIP() << "this host has a default key file";
  auto cfg = build_config(default_settings(), "");
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  EXPECT_EQ((*cfg)->escrow, nullptr);
  EXPECT_EQ((*cfg)->escrow_unavailable, "/etc/phimilter/escrow.keys missing");
  EXPECT_EQ((*cfg)->portal_url, "https://" + (*cfg)->authserv_id + "/phimilter/pickup/");
}

TEST(EscrowGlue, NoticeMarkerIsOursOnlyOverATrustedPath) {
  struct { const char* label; const char* addr; const char* value; bool own; size_t deletes; } rows[] = {
      {"ours from loopback", "127.0.0.1", "mx.example.org", true, 0},
      {"other host's from loopback", "127.0.0.1", "mx.other.example", false, 0},
      {"ours from outside", "192.0.2.4", "mx.example.org", false, 1},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    Fixture f;
    Session s(f.cfg);
    RecordingMta m;
    s.on_connect(m, "c.example", r.addr);
    s.on_envfrom(m, "<>");
    s.on_envrcpt(m, "<b@insecure.example>");
    s.on_header(m, "x-phimilter-notice", r.value);
    EXPECT_EQ(SessionTestPeer::check_notice(s, m), Status::Continue);
    EXPECT_EQ(SessionTestPeer::own_notice(s), r.own);
    EXPECT_EQ(m.edits.size(), r.deletes);
    if (r.deletes) { EXPECT_EQ(m.edits[0].kind + "#" + std::to_string(m.edits[0].index), "delete_header#1"); }
  }
}

// The whole end of message with the shipped policy: outbound PHI to a
// colleague whose mailbox is on this host ({rcpt_mailer} local) and to an
// opportunistic-TLS domain ({rcpt_mailer} smtp). The remote recipient is
// escrowed (removed, sent a notice); the local one stays in the delivered,
// tagged copy. With a mandatory-TLS recipient instead (route-tls), the local
// one is escrowed too, since the routed copy would go out through SMTP.
struct LocalCase {
  const char* label;
  std::vector<std::pair<std::string, std::string>> rcpts;  // recipient, {rcpt_mailer}
  std::string decisions;
  std::vector<std::string> deleted;    // del_rcpt, in order
  std::vector<std::string> notified;   // notice recipients (NoticeSendmail)
  bool routed;
};

TEST(EscrowGlue, ALocalRecipientIsDeliveredWhileTheRemoteOneIsEscrowed) {
  const std::string raw = read_file(std::string(PHI_SRCDIR) + "/tests/integration/phi-referral.eml");
  const std::vector<LocalCase> rows = {
      {"local + opportunistic", {{"<doc@hospital.example>", "local"}, {"<gp@clinic.example>", "smtp"}},
       "<doc@hospital.example>:accept:phi-local <gp@clinic.example>:escrow:phi-insecure",
       {"<gp@clinic.example>"}, {"gp@clinic.example"}, false},
      {"local + mandatory TLS", {{"<doc@hospital.example>", "virtual"}, {"<gp@secure.example>", "smtp"}},
       "<doc@hospital.example>:escrow:phi-local <gp@secure.example>:route-tls:phi-tls",
       {"<doc@hospital.example>"}, {"doc@hospital.example"}, true},
      {"the same without the macro: both escrowed", {{"<doc@hospital.example>", ""}, {"<gp@clinic.example>", "smtp"}},
       "<doc@hospital.example>:escrow:phi-insecure <gp@clinic.example>:escrow:phi-insecure", {}, {}, false},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.label);
    TempDir maps;
    maps.write("tls", "secure.example encrypt\n", 0644);
    Fixture f("TLSPolicyMap texthash:" + maps.file("tls") + "\n");
    Session s(f.cfg);
    RecordingMta m;
    m.macros["i"] = "4AC";
    s.on_connect(m, "localhost", "127.0.0.1");
    s.on_helo(m, "localhost");
    s.on_envfrom(m, "<alice@hospital.example>");
    for (const auto& [rc, mailer] : row.rcpts) {
      m.macros["{rcpt_mailer}"] = mailer;
      s.on_envrcpt(m, rc);
    }
    m.macros.erase("{rcpt_mailer}");
    auto pm = split_message(raw);
    for (const auto& [n, v] : pm.headers) s.on_header(m, n, v);
    s.on_eoh(m);
    s.on_body(m, pm.body);
    ASSERT_EQ(s.on_eom(m), Status::Continue);
    std::string got;
    for (const auto& d : s.report().decisions) got += (got.empty() ? "" : " ") + d.recipient + ":" + d.action + ":" + d.rule;
    EXPECT_EQ(got, row.decisions);
    std::vector<std::string> deleted;
    bool tagged = false, routed = false;
    for (const auto& e : m.edits) {
      if (e.kind == "del_rcpt") deleted.push_back(e.value);
      if (e.kind == "add_header" && e.name == "X-PHI-Classification") tagged = true;
      if (e.kind == "add_header" && e.name == "X-PHI-Route") routed = true;
    }
    if (row.deleted.empty()) {
      // Every recipient escrowed (the message itself becomes the first one's notice).
      auto rd = f.cfg->escrow->open(s.report().escrow_id);
      ASSERT_TRUE(rd.ok());
      EXPECT_EQ((*rd)->meta().recipients, (std::vector<std::string>{row.rcpts[0].first, row.rcpts[1].first}));
      EXPECT_FALSE(routed);
      continue;
    }
    EXPECT_EQ(deleted, row.deleted);
    EXPECT_TRUE(tagged) << "the delivered copy carries the classification tag";
    EXPECT_EQ(routed, row.routed);
    std::string args = read_file(f.dir.file("args"));
    for (const auto& n : row.notified) EXPECT_NE(args.find("--\n" + n + "\n"), std::string::npos) << args;
    for (const auto& [rc, mailer] : row.rcpts) {
      const std::string bare = rc.substr(1, rc.size() - 2);
      if (std::find(row.notified.begin(), row.notified.end(), bare) == row.notified.end()) {
        EXPECT_EQ(args.find(bare), std::string::npos) << bare << " gets no notice";
      }
    }
    auto rd = f.cfg->escrow->open(s.report().escrow_id);
    ASSERT_TRUE(rd.ok());
    EXPECT_EQ((*rd)->meta().recipients, row.deleted) << "only the escrowed recipients are in the entry";
  }
}

TEST(EscrowGlue, HostileRepeatsStayBounded) {
  Fixture f;
  {
    SCOPED_TRACE("10,000 notice markers from outside: fail closed");
    Session s(f.cfg);
    RecordingMta m;
    s.on_connect(m, "c.example", "192.0.2.4");
    s.on_envfrom(m, "<>");
    for (int i = 0; i < 10000; ++i) s.on_header(m, "X-PHImilter-Notice", "mx.example.org");
    EXPECT_EQ(SessionTestPeer::check_notice(s, m), Status::Tempfail);
  }
  {
    SCOPED_TRACE("one field folded 10,000 times is spooled with CRLF, in linear time");
    Session s(f.cfg);
    RecordingMta m;
    s.on_connect(m, "c.example", "192.0.2.4");
    s.on_envfrom(m, "<a@example.net>");
    s.on_envrcpt(m, "<b@insecure.example>");
    std::string v, want = "X-Fold: ";
    for (int i = 0; i < 10000; ++i) { v += "x\n\t"; want += "x\r\n\t"; }
    s.on_header(m, "X-Fold", v);
    ASSERT_EQ(SessionTestPeer::escrow(s, m, {0}, "r"), Status::Continue);
    EXPECT_EQ(entry_bytes(*f.cfg, s.report().escrow_id), want + "\r\n\r\n");
  }
}

}  // namespace
}  // namespace phi
