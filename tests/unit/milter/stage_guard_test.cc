// Tests for stage_guard: a failure in a stage the MTA expects no reply for
// is answered at end of message, and only for its own message.
#include "milter/stage_guard.h"

#include <gtest/gtest.h>

#include <new>
#include <stdexcept>

#include "milter/recording_mta.h"
#include "tests/unit/support/config_text.h"

namespace phi {
namespace {

// Any distinct bits: the glue passes libmilter's SMFIP_NR_* values.
constexpr unsigned long kRcpt = 0x1, kHeader = 0x2, kEoh = 0x4, kBody = 0x8;

// An MTA whose macro lookups throw once armed, as an allocation failure
// inside a Session stage would.
class ThrowingMta : public RecordingMta {
 public:
  bool armed = false;
  std::string macro(std::string_view name) override {
    if (armed) throw std::bad_alloc();
    return RecordingMta::macro(name);
  }
};

// One message through the guards as the glue runs it; `header_fails` makes
// the header stage throw, `eoh_fails` arms the MTA for the end-of-headers
// stage (which reads macros).
struct Stages {
  std::optional<Status> rcpt, header, eoh, body;
  Status eom = Status::Continue;
  int later_stages_run = 0;
};

Stages one_message(Session& s, ThrowingMta& m, bool eoh_fails, bool header_fails) {
  Stages r;
  guard_new_message(s);
  (void)guard_quiet_stage(s, m, "envfrom", 0, [](Session& s, Mta& m) { return s.on_envfrom(m, "<a@example.net>"); });
  r.rcpt = guard_quiet_stage(s, m, "envrcpt", kRcpt,
                             [](Session& s, Mta& m) { return s.on_envrcpt(m, "<b@example.org>"); });
  r.header = guard_quiet_stage(s, m, "header", kHeader, [&](Session& s, Mta& m) {
    ++r.later_stages_run;
    if (header_fails) throw std::runtime_error("header stage broke");
    return s.on_header(m, "Subject", "hello");
  });
  m.armed = eoh_fails;
  r.eoh = guard_quiet_stage(s, m, "eoh", kEoh, [](Session& s, Mta& m) { return s.on_eoh(m); });
  m.armed = false;
  r.body = guard_quiet_stage(s, m, "body", kBody, [&](Session& s, Mta& m) {
    ++r.later_stages_run;
    return s.on_body(m, "hello\r\n");
  });
  r.eom = guard_end_of_message(s, m);
  return r;
}

bool stamped(const RecordingMta& m) {
  for (const auto& e : m.edits)
    if (e.name == "TLS-Provenance") return true;
  return false;
}

std::shared_ptr<const Config> conf(const char* text) {
  return config_from_text(std::string("AuthservID mx.example.org\n") + text);
}

void connect(Session& s) {
  RecordingMta m;
  s.on_connect(m, "client.example.net", "192.0.2.4");
  s.on_helo(m, "client.example.net");
}

TEST(StageGuard, QuietFailureIsAnsweredAtEndOfMessageNotBefore) {
  struct { const char* conf; Status want; const char* reply; } rows[] = {
      {"", Status::Tempfail, "451 4.3.0"},
      {"OnInternalError reject\n", Status::Reject, "550 5.3.0"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.conf);
    Session s(conf(row.conf));
    connect(s);
    s.set_quiet_stages(kRcpt | kHeader | kEoh | kBody);
    ThrowingMta m;
    Stages r = one_message(s, m, /*eoh_fails=*/true, /*header_fails=*/false);
    EXPECT_FALSE(r.rcpt);
    EXPECT_FALSE(r.header);
    EXPECT_FALSE(r.eoh) << "no reply in a quiet stage, even when it fails";
    EXPECT_FALSE(r.body);
    EXPECT_EQ(r.later_stages_run, 1) << "the header ran; the body of a broken message is not looked at";
    EXPECT_EQ(r.eom, row.want);
    EXPECT_FALSE(stamped(m)) << "on_eom must not run for a message whose inspection broke off";
    ASSERT_EQ(m.edits.size(), 1u);
    EXPECT_EQ(m.edits[0].kind, "set_reply");
    EXPECT_EQ(m.edits[0].name, row.reply);
  }
}

TEST(StageGuard, FailureIsKeptFromTheFirstStageThatBroke) {
  Session s(conf(""));
    connect(s);
  s.set_quiet_stages(kRcpt | kHeader | kEoh | kBody);
  ThrowingMta m;
  Stages r = one_message(s, m, /*eoh_fails=*/true, /*header_fails=*/true);
  EXPECT_EQ(r.later_stages_run, 1) << "the header stage ran and threw; the body stage did not run";
  EXPECT_FALSE(s.quiet_failure()) << "end of message took the kept failure";
  // (The eoh stage, armed to throw, was skipped: had it run, its failure would have replaced the header's.)
  EXPECT_EQ(r.eom, Status::Tempfail);
  EXPECT_FALSE(stamped(m));
}

TEST(StageGuard, StageThatDoesNotContinueCountsAsFailure) {
  Session s(conf(""));
    connect(s);
  s.set_quiet_stages(kHeader);
  RecordingMta m;
  auto a = guard_quiet_stage(s, m, "header", kHeader, [](Session&, Mta&) { return Status::Reject; });
  EXPECT_FALSE(a);
  ASSERT_TRUE(s.quiet_failure());
  EXPECT_EQ(s.quiet_failure()->where, "header");
  EXPECT_EQ(s.quiet_failure()->why, "the stage did not continue");
}

TEST(StageGuard, WithoutNoReplyTheFailureIsAnsweredAtOnce) {
  Session s(conf(""));
    connect(s);
  s.set_quiet_stages(0);  // the MTA waits for every reply (e.g. an MTA without protocol 6)
  ThrowingMta m;
  Stages r = one_message(s, m, /*eoh_fails=*/true, false);
  ASSERT_TRUE(r.eoh);
  EXPECT_EQ(*r.eoh, Status::Tempfail);
  EXPECT_FALSE(s.quiet_failure());
}

TEST(StageGuard, KeptFailureDoesNotReachTheNextMessage) {
  for (bool aborted : {false, true}) {
    SCOPED_TRACE(aborted ? "ended by abort" : "ended by a new MAIL FROM");
    Session s(conf(""));
    connect(s);
    s.set_quiet_stages(kRcpt | kHeader | kEoh | kBody);
    ThrowingMta m;
    guard_new_message(s);
    (void)guard_quiet_stage(s, m, "envfrom", 0, [](Session& s, Mta& m) { return s.on_envfrom(m, "<a@example.net>"); });
    m.armed = true;
    (void)guard_quiet_stage(s, m, "eoh", kEoh, [](Session& s, Mta& m) { return s.on_eoh(m); });
    m.armed = false;
    ASSERT_TRUE(s.quiet_failure());
    if (aborted) {
      EXPECT_EQ(guard_abort(s, m), Status::Continue);
      EXPECT_FALSE(s.quiet_failure());
    }
    ThrowingMta next;
    Stages r = one_message(s, next, false, false);  // one_message begins with MAIL FROM
    EXPECT_EQ(r.later_stages_run, 2);
    EXPECT_EQ(r.eom, Status::Continue);
    EXPECT_TRUE(stamped(next));
  }
}

TEST(StageGuard, ExceptionInAReplyingStageAnswersOnInternalError) {
  Session s(conf("OnInternalError reject\n"));
    connect(s);
  RecordingMta m;
  EXPECT_EQ(guard_stage(s, m, "helo", [](Session&, Mta&) -> Status { throw 42; }), Status::Reject);
  EXPECT_EQ(guard_stage(s, m, "helo", [](Session& s, Mta& m) { return s.on_helo(m, "x.example"); }), Status::Continue);
}

}  // namespace
}  // namespace phi
