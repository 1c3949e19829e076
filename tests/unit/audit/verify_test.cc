// Tests for audit verification: every kind of tampering is detected and named.
#include <gtest/gtest.h>

#include "milter/audit/verify.h"
#include "milter/audit/writer.h"
#include "tests/unit/audit/audit_test_util.h"

namespace phi::audit {
namespace {

using namespace phi::audit::testing;

// A log of a start record and six messages (seq 1..7), no checkpoint at the end.
class Tamper : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.file("audit.log");
    auto log = AuditLog::open(options(path_));
    ASSERT_TRUE(log);
    for (int i = 0; i < 6; ++i) ASSERT_TRUE((*log)->append_message(sample_message(i)));
    head_ = (*log)->head();
    text_ = read_file(path_);
    log->reset();
    write_file(path_, text_);  // drop the closing checkpoint: the log is exactly seq 1..7
    lines_ = split_lines(text_);
    ASSERT_EQ(lines_.size(), 7u);
  }

  std::optional<VerifyProblem> verify(const std::vector<std::string>& lines, std::optional<ChainHead> cp = std::nullopt) {
    write_file(path_, join_lines(lines));
    auto r = verify_files({path_}, test_key(), cp);
    EXPECT_TRUE(r);
    return r ? r->problem : std::nullopt;
  }

  TempDir dir_;
  std::string path_, text_;
  std::vector<std::string> lines_;
  ChainHead head_;
};

TEST_F(Tamper, CleanLogVerifies) {
  EXPECT_FALSE(verify(lines_));
  EXPECT_FALSE(verify(lines_, head_));
}

TEST_F(Tamper, EachKindOfDamageIsNamed) {
  auto edited = lines_;
  edited[2].replace(edited[2].find("alice"), 5, "alicf");
  auto deleted = lines_;
  deleted.erase(deleted.begin() + 3);
  auto swapped = lines_;
  std::swap(swapped[3], swapped[4]);
  auto inserted = lines_;
  std::string forged = lines_[3];
  forged.replace(forged.find("\"prev\":\"") + 8, 64, sha256_hex(lines_[2]));
  forged.replace(forged.find("alice"), 5, "eve  ");
  inserted.insert(inserted.begin() + 3, forged);
  auto truncated = lines_;
  truncated.resize(5);
  auto duplicated = lines_;
  duplicated.push_back(lines_[2]);
  auto wrong_key_seq = lines_;

  struct { const char* label; std::vector<std::string> lines; std::optional<ChainHead> cp; uint64_t line; uint64_t seq; const char* kind; } rows[] = {
      {"one byte edited", edited, std::nullopt, 3, 3, "edited"},
      {"record deleted", deleted, std::nullopt, 4, 5, "deleted"},
      {"two records swapped", swapped, std::nullopt, 4, 5, "reordered"},
      {"forged record inserted", inserted, std::nullopt, 4, 4, "inserted"},
      {"tail cut, checkpoint kept elsewhere", truncated, head_, 6, 7, "truncated"},
      {"old record replayed at the end", duplicated, std::nullopt, 8, 3, "reordered"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    auto p = verify(r.lines, r.cp);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->kind, r.kind) << p->detail;
    EXPECT_EQ(p->line, r.line) << p->detail;
    EXPECT_EQ(p->seq, r.seq) << p->detail;
    EXPECT_EQ(p->file, path_);
  }
  EXPECT_FALSE(verify(truncated)) << "without a checkpoint a cut tail is not detectable";
}

TEST_F(Tamper, EveryByteChangedIsDetected) {
  // Every byte of one whole message record (with its newline) and every
  // 7th byte elsewhere: each change is detected.
  size_t from = lines_[0].size() + lines_[1].size() + 2, to = from + lines_[2].size() + 1;
  for (size_t i = 0; i < text_.size(); i += (i >= from && i < to) ? 1 : 7) {
    std::string t = text_;
    t[i] = static_cast<char>(t[i] ^ 0x01);
    write_file(path_, t);
    auto r = verify_files({path_}, test_key(), head_);
    ASSERT_TRUE(r);
    ASSERT_TRUE(r->problem) << "byte " << i << " changed undetected";
  }
}

TEST_F(Tamper, WrongKeyFailsAtTheFirstRecord) {
  auto r = verify_files({path_}, AuditKey{std::string(32, 'z')}, std::nullopt);
  ASSERT_TRUE(r && r->problem);
  EXPECT_EQ(r->problem->line, 1u);
  EXPECT_EQ(r->problem->kind, "edited");
}

TEST_F(Tamper, TornAndOverlongLinesAreNamed) {
  write_file(path_, text_ + lines_[1].substr(0, 30));
  auto r = verify_files({path_}, test_key(), std::nullopt);
  ASSERT_TRUE(r && r->problem);
  EXPECT_EQ(r->problem->kind, "truncated");
  EXPECT_EQ(r->problem->line, 8u);

  write_file(path_, std::string(kMaxRecordBytes + 10, 'x') + "\n" + text_);
  r = verify_files({path_}, test_key(), std::nullopt);
  ASSERT_TRUE(r && r->problem);
  EXPECT_EQ(r->problem->line, 1u);
}

TEST_F(Tamper, TailOfARotatedFileCutIsNamedAtTheNextFile) {
  std::string first = dir_.file("audit.log.1");
  write_file(first, text_);
  {
    auto log = AuditLog::open(options(path_ + ".new"));
    ASSERT_TRUE(log);
  }
  // Build a real continuation: reopen the full log, rotate, write one more.
  write_file(path_, text_);
  auto log = AuditLog::open(options(path_));
  ASSERT_TRUE(log);
  ASSERT_EQ(::rename(path_.c_str(), first.c_str()), 0);
  ASSERT_TRUE((*log)->reopen());
  ASSERT_TRUE((*log)->append_message(sample_message(9)));
  log->reset();
  auto ok = verify_files({first, path_}, test_key(), std::nullopt);
  ASSERT_TRUE(ok);
  EXPECT_FALSE(ok->problem) << ok->problem->detail;
  auto lines = split_lines(read_file(first));
  lines.pop_back();  // drop the rotated file's last record
  write_file(first, join_lines(lines));
  auto cut = verify_files({first, path_}, test_key(), std::nullopt);
  ASSERT_TRUE(cut && cut->problem);
  EXPECT_EQ(cut->problem->kind, "truncated");
  EXPECT_EQ(cut->problem->file, path_);
  EXPECT_EQ(cut->problem->line, 1u);
}

TEST(VerifyFiles, MissingFileIsAnError) {
  EXPECT_FALSE(verify_files({"/nonexistent/audit.log"}, test_key(), std::nullopt));
}

TEST(Checkpoint, ParsesFileAndValueForms) {
  std::string h(64, 'a');
  struct { const char* label; std::string in; std::optional<ChainHead> want; } rows[] = {
      {"checkpoint file line", "2026-11-22T23:41:43Z audit checkpoint seq=12 head=" + h + " log=/var/log/x\n", ChainHead{12, h}},
      {"syslog line", "Nov 22 23:41:43 mx phimilter[1]: NOQUEUE: audit: 2026-11-22T23:41:43Z audit checkpoint seq=3 head=" + h + " log=/x", ChainHead{3, h}},
      {"value", "7:" + h, ChainHead{7, h}},
      {"last one wins", "seq=1 head=" + h + "\nseq=2 head=" + h + "\n", ChainHead{2, h}},
      {"bad hash", "seq=1 head=xyz", std::nullopt},
      {"no checkpoint", "hello world\n", std::nullopt},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    EXPECT_EQ(parse_last_checkpoint(r.in), r.want);
  }
}

}  // namespace
}  // namespace phi::audit
