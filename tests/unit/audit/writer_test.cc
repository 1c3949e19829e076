// Tests for the audit writer: chain across restart and rotation, checkpoints, threads, failures.
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <thread>

#include <gtest/gtest.h>

#include "milter/audit/verify.h"
#include "milter/audit/writer.h"
#include "tests/unit/audit/audit_test_util.h"

namespace phi::audit {
namespace {

using namespace phi::audit::testing;

std::unique_ptr<AuditLog> must_open(AuditOptions o, AuditLog::CheckpointSink sink = {}, AuditLog::Clock clock = {}) {
  auto r = AuditLog::open(std::move(o), std::move(sink), std::move(clock));
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return r ? std::move(*r) : nullptr;
}

VerifyReport must_verify(const std::vector<std::string>& files, const std::optional<ChainHead>& cp = std::nullopt) {
  auto r = verify_files(files, test_key(), cp);
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return r ? *r : VerifyReport{};
}

std::string kinds(const std::string& path) {
  std::string out;
  for (const auto& l : split_lines(read_file(path))) {
    auto r = parse_record(l);
    out += (out.empty() ? "" : " ") + (r ? r->kind : std::string("?"));
  }
  return out;
}

TEST(AuditLog, NewFileStartsAChainThatVerifies) {
  TempDir d;
  auto log = must_open(options(d.file("audit.log")));
  ASSERT_TRUE(log);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(log->append_message(sample_message(i)));
  AdminEvent rel{RecordKind::Release, 0, "E1", "<m1@example.net>", "admin", "checked", {"bob@example.org"}};
  ASSERT_TRUE(log->append_admin(rel));
  EXPECT_EQ(log->head().seq, 5u);
  log.reset();  // closes with a checkpoint
  EXPECT_EQ(kinds(d.file("audit.log")), "start message message message release checkpoint");
  auto rep = must_verify({d.file("audit.log")});
  EXPECT_FALSE(rep.problem) << rep.problem->detail;
  EXPECT_EQ(rep.records, 6u);
  EXPECT_TRUE(rep.notes.empty());
}

TEST(AuditLog, RestartContinuesTheChain) {
  TempDir d;
  ChainHead before;
  {
    auto log = must_open(options(d.file("audit.log")));
    ASSERT_TRUE(log->append_message(sample_message(1)));
  }
  auto lines = split_lines(read_file(d.file("audit.log")));
  before = ChainHead{3, sha256_hex(lines.back())};
  auto log = must_open(options(d.file("audit.log")));
  EXPECT_EQ(log->head().seq, 4u);  // the new start record
  auto start = parse_record(split_lines(read_file(d.file("audit.log"))).back());
  ASSERT_TRUE(start);
  EXPECT_EQ(start->prev, before.hash);
  EXPECT_EQ(start->doc.get("previous")->get_int("seq"), 3);
  ASSERT_TRUE(log->append_message(sample_message(2)));
  log.reset();
  auto rep = must_verify({d.file("audit.log")});
  EXPECT_FALSE(rep.problem) << rep.problem->detail;
  EXPECT_EQ(rep.records, 6u);  // start message checkpoint start message checkpoint
}

TEST(AuditLog, RotationContinuesTheChainInTheNextFile) {
  TempDir d;
  std::string path = d.file("audit.log");
  auto log = must_open(options(path, d.file("checkpoints")));
  ASSERT_TRUE(log->append_message(sample_message(1)));
  ASSERT_TRUE(log->reopen());  // not moved: nothing happens
  EXPECT_EQ(kinds(path), "start message");
  ASSERT_EQ(::rename(path.c_str(), (path + ".1").c_str()), 0);
  ASSERT_TRUE(log->reopen());
  ASSERT_TRUE(log->append_message(sample_message(2)));
  log.reset();
  EXPECT_EQ(kinds(path + ".1"), "start message checkpoint");
  EXPECT_EQ(kinds(path), "start message checkpoint");
  auto both = must_verify({path + ".1", path});
  EXPECT_FALSE(both.problem) << both.problem->detail;
  EXPECT_EQ(both.records, 6u);
  auto second = must_verify({path});
  EXPECT_FALSE(second.problem);
  EXPECT_EQ(second.notes.size(), 1u);  // begins by continuing a file not given
  auto wrong_order = must_verify({path, path + ".1"});
  ASSERT_TRUE(wrong_order.problem);
  EXPECT_EQ(wrong_order.problem->kind, "broken");
}

TEST(AuditLog, EmptyLogAfterRotationWhileStoppedLinksToTheCheckpointFile) {
  TempDir d;
  std::string path = d.file("audit.log");
  { auto log = must_open(options(path, d.file("checkpoints"))); ASSERT_TRUE(log->append_message(sample_message(1))); }
  ASSERT_EQ(::rename(path.c_str(), (path + ".1").c_str()), 0);
  { auto log = must_open(options(path, d.file("checkpoints"))); ASSERT_TRUE(log->append_message(sample_message(2))); }
  auto rep = must_verify({path + ".1", path});
  EXPECT_FALSE(rep.problem) << rep.problem->file << ":" << rep.problem->line << " " << rep.problem->detail;
}

TEST(AuditLog, CheckpointsByCountGoToTheCheckpointFile) {
  TempDir d;
  AuditOptions o = options(d.file("audit.log"), d.file("checkpoints"));
  ASSERT_TRUE(parse_checkpoint_interval("2", o));
  auto log = must_open(o);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(log->append_message(sample_message(i)));
  EXPECT_EQ(kinds(d.file("audit.log")), "start message checkpoint message message checkpoint");
  auto cp = parse_last_checkpoint(read_file(d.file("checkpoints")));
  ASSERT_TRUE(cp);
  EXPECT_EQ(*cp, log->head());
  EXPECT_NE(read_file(d.file("checkpoints")).find("audit checkpoint seq=6 head="), std::string::npos);
}

TEST(AuditLog, CheckpointsByTimeGoToTheSinkWithoutAFile) {
  TempDir d;
  AuditOptions o = options(d.file("audit.log"));
  ASSERT_TRUE(parse_checkpoint_interval("10m", o));
  EXPECT_EQ(o.checkpoint_seconds, 600u);
  EXPECT_EQ(o.checkpoint_records, 0u);
  int64_t now = 1000;
  std::vector<std::string> sunk;
  auto log = must_open(o, [&](std::string_view l) { sunk.emplace_back(l); }, [&] { return now; });
  ASSERT_TRUE(log->append_message(sample_message(1)));
  EXPECT_TRUE(sunk.empty());
  now += 600;
  ASSERT_TRUE(log->append_message(sample_message(2)));
  ASSERT_EQ(sunk.size(), 1u);
  EXPECT_EQ(parse_last_checkpoint(sunk[0]), log->head());
}

TEST(AuditLog, CheckpointIntervalParsing) {
  struct { const char* label; const char* in; bool ok; uint64_t records, seconds; } rows[] = {
      {"records", "1000", true, 1000, 0}, {"off", "0", true, 0, 0}, {"hours", "1h", true, 0, 3600},
      {"days", "2d", true, 0, 172800}, {"garbage", "often", false, 0, 0}, {"empty", "", false, 0, 0},
      {"suffix only", "m", false, 0, 0},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    AuditOptions o;
    auto res = parse_checkpoint_interval(r.in, o);
    EXPECT_EQ(res.ok(), r.ok);
    if (r.ok) { EXPECT_EQ(o.checkpoint_records, r.records); EXPECT_EQ(o.checkpoint_seconds, r.seconds); }
  }
}

TEST(AuditLog, ConcurrentWritersProduceOneValidChain) {
  TempDir d;
  auto log = must_open(options(d.file("audit.log")));
  constexpr int kThreads = 8, kEach = 40;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i)
        if (!log->append_message(sample_message(t * 1000 + i))) ++failures;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  log.reset();
  auto rep = must_verify({d.file("audit.log")});
  EXPECT_FALSE(rep.problem) << rep.problem->detail;
  EXPECT_EQ(rep.records, 1u + kThreads * kEach + 1u);
}

// The daemon and phimilterctl each open the file: two AuditLogs (two open
// file descriptions, as two processes would have) append concurrently.
TEST(AuditLog, TwoWritersOnOneFileProduceOneValidChain) {
  TempDir d;
  auto daemon = must_open(options(d.file("audit.log")));
  auto tool = must_open(options(d.file("audit.log")));
  ASSERT_TRUE(daemon && tool);
  ASSERT_TRUE(daemon->append_message(sample_message(1)));
  AdminEvent rel;
  rel.escrow_id = "E1";
  rel.actor = "root";
  ASSERT_TRUE(tool->append_admin(rel)) << "the tool's record follows the daemon's";
  ASSERT_TRUE(daemon->append_message(sample_message(2))) << "the daemon follows the tool's record";
  constexpr int kEach = 60;
  std::atomic<int> failures{0};
  std::thread a([&] { for (int i = 0; i < kEach; ++i) if (!daemon->append_message(sample_message(10 + i))) ++failures; });
  std::thread b([&] { for (int i = 0; i < kEach; ++i) if (!tool->append_admin(rel)) ++failures; });
  a.join();
  b.join();
  EXPECT_EQ(failures.load(), 0);
  tool.reset();
  daemon.reset();
  auto rep = must_verify({d.file("audit.log")});
  EXPECT_FALSE(rep.problem) << rep.problem->kind << ": " << rep.problem->detail;
  EXPECT_EQ(rep.records, 2u + 3u + 2u * kEach + 2u) << "2 starts, 3 records, the loops, 2 closing checkpoints";
}

TEST(AuditLog, OpenFailuresAreReported) {
  TempDir d;
  struct { const char* label; std::string path; const char* why; } rows[] = {
      {"missing directory", d.file("no/such/dir/audit.log"), "cannot open"},
      {"not a regular file", "/dev/null", "not a regular file"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    auto log = AuditLog::open(options(r.path));
    ASSERT_FALSE(log);
    EXPECT_NE(log.error().message.find(r.why), std::string::npos) << log.error().message;
  }
  write_file(d.file("garbage.log"), "not a record\n");
  EXPECT_FALSE(AuditLog::open(options(d.file("garbage.log"))));
}

TEST(AuditLog, WriteFailureIsReturnedAndTheChainDoesNotAdvance) {
  TempDir d;
  std::string path = d.file("audit.log");
  auto log = must_open(options(path));
  ASSERT_TRUE(log->append_message(sample_message(1)));
  ChainHead before = log->head();
  std::string content = read_file(path);
  struct rlimit old {};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old;
  small.rlim_cur = content.size() + 10;  // the next record does not fit
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  auto r = log->append_message(sample_message(2));
  ::setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, old_handler);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("cannot write audit record"), std::string::npos) << r.error().message;
  EXPECT_EQ(log->head(), before);
  EXPECT_EQ(read_file(path), content);  // the partial line was cut off again
  ASSERT_TRUE(log->append_message(sample_message(3)));
  log.reset();
  auto rep = must_verify({path});
  EXPECT_FALSE(rep.problem) << rep.problem->detail;
}

TEST(AuditLog, LogMovedAwayAndUnrecreatableIsAnError) {
  TempDir d;
  std::string dir = d.file("sub");
  std::filesystem::create_directory(dir);
  auto log = must_open(options(dir + "/audit.log"));
  ASSERT_EQ(::rename((dir + "/audit.log").c_str(), d.file("moved.log").c_str()), 0);
  ASSERT_EQ(::chmod(dir.c_str(), 0500), 0);
  auto r = log->reopen();
  ::chmod(dir.c_str(), 0700);
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  ASSERT_FALSE(r);
  auto a = log->append_message(sample_message(1));
  EXPECT_FALSE(a);
}

// A writer that stopped mid-record (crash, power loss) leaves a torn last
// line; the next writer ends it and continues with a start record, and
// verify reports the recovered torn write as a note, not as damage.
TEST(AuditLog, TornLastLineIsClosedAndTheChainContinues) {
  TempDir d;
  std::string path = d.file("audit.log");
  { auto log = must_open(options(path)); ASSERT_TRUE(log->append_message(sample_message(1))); }
  std::string text = read_file(path);
  write_file(path, text + text.substr(0, 40));  // a torn write
  auto log = must_open(options(path));
  ASSERT_TRUE(log->append_message(sample_message(2)));
  log.reset();
  EXPECT_EQ(kinds(path), "start message checkpoint ? start message checkpoint");
  auto rep = must_verify({path});
  EXPECT_FALSE(rep.problem) << rep.problem->kind << ": " << rep.problem->detail;
  EXPECT_EQ(rep.records, 6u);
  EXPECT_EQ(rep.torn_writes, 1u);
  ASSERT_EQ(rep.notes.size(), 1u);
  EXPECT_NE(rep.notes[0].find("audit.log:4: a torn write (40 bytes"), std::string::npos) << rep.notes[0];
}

// The same while the daemon runs: another writer's torn line (a failed
// write it could not cut back) is ended, and a start record says so.
TEST(AuditLog, TornLineOfAnotherWriterIsClosedBeforeTheNextRecord) {
  TempDir d;
  std::string path = d.file("audit.log");
  auto log = must_open(options(path));
  ASSERT_TRUE(log->append_message(sample_message(1)));
  std::string text = read_file(path);
  write_file(path, text + text.substr(0, 40));
  ASSERT_TRUE(log->append_message(sample_message(2)));
  log.reset();
  EXPECT_EQ(kinds(path), "start message ? start message checkpoint");
  auto rep = must_verify({path});
  EXPECT_FALSE(rep.problem) << rep.problem->kind << ": " << rep.problem->detail;
  EXPECT_EQ(rep.torn_writes, 1u);
}

// What a writer recovers from is a torn line after the last whole record.
// A whole record made unreadable by hand is still damage: the start record
// after it links to it, not past it.
TEST(AuditLog, ARecordCutByHandBeforeARestartIsStillDamage) {
  TempDir d;
  std::string path = d.file("audit.log");
  { auto log = must_open(options(path)); ASSERT_TRUE(log->append_message(sample_message(1))); }
  { auto log = must_open(options(path)); ASSERT_TRUE(log->append_message(sample_message(2))); }
  auto lines = split_lines(read_file(path));
  ASSERT_EQ(kinds(path), "start message checkpoint start message checkpoint");
  for (size_t cut : {size_t(1), size_t(2)}) {  // the message record; the checkpoint before the restart
    SCOPED_TRACE("line " + std::to_string(cut + 1));
    std::string text;
    for (size_t i = 0; i < lines.size(); ++i) text += (i == cut ? lines[i].substr(0, 40) : lines[i]) + "\n";
    write_file(path, text);
    auto rep = must_verify({path});
    ASSERT_TRUE(rep.problem);
    EXPECT_EQ(rep.problem->line, cut + 1);
    EXPECT_EQ(rep.problem->kind, "edited");
    EXPECT_EQ(rep.torn_writes, 0u);
  }
}

// A crash while a writer wrote the start record that recovers from a torn
// line leaves a second torn line; the next writer ends that one too and
// continues from the last whole record before both, and verify counts both.
TEST(AuditLog, TwoTornLinesInARowAreClosedAndTheChainContinues) {
  TempDir d;
  std::string path = d.file("audit.log");
  { auto log = must_open(options(path)); ASSERT_TRUE(log->append_message(sample_message(1))); }
  std::string text = read_file(path);
  auto lines = split_lines(text);
  // a message record cut short, ended by the next writer, whose start record was cut short too
  write_file(path, text + lines[1].substr(0, 40) + "\n" + lines[0].substr(0, 30));
  auto log = must_open(options(path));
  ASSERT_TRUE(log->append_message(sample_message(2)));
  log.reset();
  EXPECT_EQ(kinds(path), "start message checkpoint ? ? start message checkpoint");
  auto rep = must_verify({path});
  EXPECT_FALSE(rep.problem) << rep.problem->kind << ": " << rep.problem->detail;
  EXPECT_EQ(rep.records, 6u);
  EXPECT_EQ(rep.torn_writes, 2u);
  ASSERT_EQ(rep.notes.size(), 1u);
  EXPECT_NE(rep.notes[0].find("audit.log:4-5: 2 torn writes (70 bytes in all"), std::string::npos) << rep.notes[0];
  EXPECT_NE(rep.notes[0].find("start record at line 6, which continues the chain from seq 3"), std::string::npos)
      << rep.notes[0];
}

// The same while the daemon runs: another writer left two torn lines.
TEST(AuditLog, TwoTornLinesOfAnotherWriterAreClosedBeforeTheNextRecord) {
  TempDir d;
  std::string path = d.file("audit.log");
  auto log = must_open(options(path));
  ASSERT_TRUE(log->append_message(sample_message(1)));
  std::string text = read_file(path);
  auto lines = split_lines(text);
  write_file(path, text + lines[1].substr(0, 40) + "\n" + lines[0].substr(0, 30));
  ASSERT_TRUE(log->append_message(sample_message(2)));
  log.reset();
  EXPECT_EQ(kinds(path), "start message ? ? start message checkpoint");
  auto rep = must_verify({path});
  EXPECT_FALSE(rep.problem) << rep.problem->kind << ": " << rep.problem->detail;
  EXPECT_EQ(rep.torn_writes, 2u);
}

// A writer that ended another's torn line and stopped before its start
// record leaves a file that ends in a newline after a line that is not a
// record. The next record must still be preceded by the start record that
// recovers from it, not appended after the torn line.
TEST(AuditLog, AnEndedTornLineWithoutItsStartRecordGetsOne) {
  TempDir d;
  std::string path = d.file("audit.log");
  auto log = must_open(options(path));
  ASSERT_TRUE(log->append_message(sample_message(1)));
  std::string text = read_file(path);
  write_file(path, text + text.substr(0, 40) + "\n");
  ASSERT_TRUE(log->append_message(sample_message(2)));
  ASSERT_TRUE(log->checkpoint());
  log.reset();
  EXPECT_EQ(kinds(path), "start message ? start message checkpoint checkpoint");
  auto rep = must_verify({path});
  EXPECT_FALSE(rep.problem) << rep.problem->kind << ": " << rep.problem->detail;
  EXPECT_EQ(rep.torn_writes, 1u);
}

// Only a run of torn lines right before a start record that continues the
// chain from the last whole record before the run is a recovery. Anything
// else is damage, named at the run's first line: a run before a record of
// another kind, before a start record that continues from another record,
// whole records cut by hand (the start record after them links to the last
// of them), and a line longer than any record the writer can write.
TEST(AuditLog, TornLinesThatNoStartRecordRecoversFromAreDamage) {
  TempDir d;
  std::string path = d.file("audit.log");
  { auto log = must_open(options(path)); ASSERT_TRUE(log->append_message(sample_message(1))); }
  { auto log = must_open(options(path)); ASSERT_TRUE(log->append_message(sample_message(2))); }
  auto lines = split_lines(read_file(path));
  ASSERT_EQ(kinds(path), "start message checkpoint start message checkpoint");
  // A valid start record (the key is known here) that continues from seq 2,
  // not from the last whole record (seq 3) before the torn lines.
  ChainLink from2{3, sha256_hex(lines[1]), 1795390903};
  auto wrong_start = seal_record(test_key(), from2, RecordKind::Start, [&](JsonWriter& w) {
    write_start_body(w, ChainHead{2, sha256_hex(lines[1])}, "torn write");
  });
  ASSERT_TRUE(wrong_start);
  std::string t1 = lines[4].substr(0, 40), t2 = lines[0].substr(0, 30), huge(kMaxRecordBytes + 1, 'x');
  using V = std::vector<std::string>;
  struct { const char* label; V lines; uint64_t line; } rows[] = {
      {"two torn lines before a message record", V{lines[0], lines[1], lines[2], lines[3], lines[4], t1, t2, lines[5]}, 6},
      {"two torn lines before a start record continuing from an earlier record",
       V{lines[0], lines[1], lines[2], t1, t2, *wrong_start}, 4},
      {"two whole records cut by hand before a restart", V{lines[0], t1, t2, lines[3], lines[4], lines[5]}, 2},
      {"a torn line, then one longer than any record", V{lines[0], lines[1], lines[2], t1, huge, lines[3]}, 4},
      {"a line longer than any record, then a torn line", V{lines[0], lines[1], lines[2], huge, t1, lines[3]}, 4},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    write_file(path, join_lines(r.lines));
    auto rep = must_verify({path});
    ASSERT_TRUE(rep.problem);
    EXPECT_EQ(rep.problem->line, r.line);
    EXPECT_EQ(rep.problem->kind, "edited");
    EXPECT_EQ(rep.torn_writes, 0u);
  }
  // The bound: a torn line as long as the longest record still counts.
  write_file(path, join_lines(V{lines[0], lines[1], lines[2], std::string(kMaxRecordBytes, 'x'), t2, lines[3]}));
  auto rep = must_verify({path});
  EXPECT_FALSE(rep.problem) << rep.problem->kind << ": " << rep.problem->detail;
  EXPECT_EQ(rep.torn_writes, 2u);
}

// A FIFO at AuditCheckpointFile once blocked open(2) for good, in the
// daemon and in phimilterctl: it is refused with an error naming it, when
// the log is opened (whether or not the checkpoint file's head is needed)
// and when a checkpoint is written. alarm() only turns a regression into a
// failed run instead of a hung one.
TEST(AuditLog, AFifoAtTheCheckpointFileIsRefusedNotWaitedOn) {
  TempDir d;
  std::string path = d.file("audit.log"), fifo = d.file("checkpoints");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  ::alarm(30);
  auto empty_log = AuditLog::open(options(path, fifo));  // an empty log takes its head from the checkpoint file
  ASSERT_FALSE(empty_log);
  EXPECT_EQ(empty_log.error().message, "AuditCheckpointFile " + fifo + ": not a regular file");
  { auto log = must_open(options(path)); ASSERT_TRUE(log->append_message(sample_message(1))); }
  auto log = AuditLog::open(options(path, fifo));
  ASSERT_FALSE(log);
  EXPECT_EQ(log.error().message, "AuditCheckpointFile " + fifo + ": not a regular file");
  // Made a FIFO after the log was opened: the checkpoint fails, for writing too.
  ASSERT_EQ(::rename(fifo.c_str(), d.file("fifo").c_str()), 0);
  auto later = must_open(options(path, fifo));
  ASSERT_EQ(::rename(d.file("fifo").c_str(), fifo.c_str()), 0);
  auto cp = later->checkpoint();
  ASSERT_FALSE(cp);
  EXPECT_EQ(cp.error().message, "AuditCheckpointFile " + fifo + ": not a regular file");
  later.reset();
  ::alarm(0);
  EXPECT_FALSE(must_verify({path}).problem);
}

// A checkpoint that falls due while AuditCheckpointFile cannot be written
// does not fail the record, and is not silent either: the problem sink
// hears of the first failure (naming the file), not of every retry, and
// of the checkpoint that is recorded again.
TEST(AuditLog, AFailingCheckpointIsReportedOnceAndItsRecovery) {
  TempDir d;
  std::string path = d.file("audit.log"), cp = d.file("checkpoints");
  std::vector<std::string> problems;
  AuditOptions o = options(path, cp);
  o.checkpoint_records = 2;
  auto opened = AuditLog::open(o, {}, {}, [&](std::string_view m) { problems.emplace_back(m); });
  ASSERT_TRUE(opened) << opened.error().message;
  auto log = std::move(*opened);
  ASSERT_EQ(::mkfifo(cp.c_str(), 0600), 0);  // put there while the log is open
  ::alarm(30);
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(log->append_message(sample_message(i))) << i;
  ::alarm(0);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("not recorded: AuditCheckpointFile " + cp + ": not a regular file"), std::string::npos)
      << problems[0];
  ASSERT_EQ(::unlink(cp.c_str()), 0);
  ASSERT_TRUE(log->append_message(sample_message(6)));  // the third record since: a checkpoint
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[1].find("checkpoint recorded again"), std::string::npos) << problems[1];
  auto head = parse_last_checkpoint(read_file(cp));
  ASSERT_TRUE(head);
  EXPECT_EQ(*head, log->head());
  log.reset();  // the closing checkpoint succeeds: nothing more to report
  EXPECT_EQ(problems.size(), 2u);
  EXPECT_FALSE(must_verify({path}, parse_last_checkpoint(read_file(cp))).problem);
}

}  // namespace
}  // namespace phi::audit
