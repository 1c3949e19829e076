// Tests of DocumentBudget: one message's documents share DocumentTimeBudget;
// each call of a document gets what is left as its deadline, and once
// nothing is left documents are not opened but reported "time-limit". The
// kill of a real converter at the budget's deadline is tested with a
// stand-in that never answers.
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "milter/converter.h"
#include "milter/ocr.h"
#include "tests/unit/escrow/test_util.h"
#include "tests/unit/milter/document_builders.h"

namespace phi {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Documents that take `work` in finish() and record the deadlines they get.
struct SlowReader : mime::DocumentReader {
  struct Doc : mime::Document {
    explicit Doc(const SlowReader& r) : r(r) {}
    void set_deadline(Clock::time_point d) override { r.deadlines.push_back(d); }
    void feed(std::string_view) override {}
    std::string finish(const std::function<void(std::string_view)>& text) override {
      std::this_thread::sleep_for(r.work);
      text("read");
      return "";
    }
    const SlowReader& r;
  };
  std::unique_ptr<mime::Document> open(std::string_view) const override {
    ++opened;
    return std::make_unique<Doc>(*this);
  }
  bool reads(std::string_view kind) const override { return kind == "pdf"; }
  uint64_t min_bytes(std::string_view) const override { return 7; }
  std::chrono::milliseconds work{0};
  mutable int opened = 0;
  mutable std::vector<Clock::time_point> deadlines;
};

std::string finish(mime::Document& d, std::string* text = nullptr) {
  return d.finish([&](std::string_view t) {
    if (text) text->append(t);
  });
}

TEST(DocumentBudget, EachCallGetsWhatIsLeftAsItsDeadline) {
  SlowReader r;
  DocumentBudget b(r, 10s);
  EXPECT_TRUE(b.reads("pdf"));
  EXPECT_FALSE(b.reads("image"));
  EXPECT_EQ(b.min_bytes("pdf"), 7u);
  auto before = Clock::now();
  auto d = b.open("pdf");
  ASSERT_TRUE(d);
  d->feed("x");
  std::string text;
  EXPECT_EQ(finish(*d, &text), "");
  EXPECT_EQ(text, "read");
  ASSERT_EQ(r.deadlines.size(), 3u);  // at open (open_until), before feed() and before finish()
  for (auto dl : r.deadlines) {
    EXPECT_GT(dl, before + 5s);  // what is left of 10 s, not 0
    EXPECT_LE(dl, Clock::now() + 10s);
  }
  EXPECT_GT(b.left(), Clock::duration::zero());
  EXPECT_LE(b.left(), Clock::duration(10s));
}

TEST(DocumentBudget, OnceSpentDocumentsAreNotOpenedButReportedTimeLimit) {
  SlowReader r;
  r.work = 50ms;  // more than the whole budget
  DocumentBudget b(r, 20ms);
  auto first = b.open("pdf");
  ASSERT_TRUE(first);
  EXPECT_EQ(finish(*first), "");  // it finished on its own: its text counts
  EXPECT_EQ(b.left(), Clock::duration::zero());
  auto second = b.open("pdf");
  ASSERT_TRUE(second);  // not nullptr: that would be "unavailable", a retry
  second->feed("bytes");
  std::string text;
  EXPECT_EQ(finish(*second, &text), "time-limit");
  EXPECT_EQ(text, "");
  EXPECT_EQ(r.opened, 1);  // the reader never saw the second document
}

// A real child that never answers is killed when the budget, not its own
// 60 s timeout, runs out, and the reason is "time-limit", not
// "unavailable" (which would tempfail the message for ever).
TEST(DocumentBudget, AConverterIsKilledAtTheBudgetsDeadline) {
  escrow::testing::TempDir dir;
  OcrOptions o;
  o.program = dir.write("slow.sh", "#!/bin/sh\nexec sleep 60\n", 0755);
  o.timeout = 60s;
  ImageOcr ocr(o);
  DocumentBudget b(ocr, 1s);
  auto d = b.open("image");
  ASSERT_TRUE(d);
  d->feed("image bytes");
  auto t0 = Clock::now();
  EXPECT_EQ(finish(*d), "time-limit");
  EXPECT_LT(Clock::now() - t0, 50s);  // not its own timeout (a bound, not a measurement)
  EXPECT_EQ(b.left(), Clock::duration::zero());
  auto next = b.open("image");
  EXPECT_EQ(finish(*next), "time-limit");
}

// A wait for a free process ends when the budget runs out, not at the
// reader's own 60 s timeout: the budget is the whole message's bound, and
// the part is "time-limit" (not nullptr, "unavailable", a retry for ever).
TEST(DocumentBudget, AWaitForAFreeProcessEndsWithTheBudget) {
  escrow::testing::TempDir dir;
  OcrOptions o;
  o.program = dir.write("slow.sh", "#!/bin/sh\nexec sleep 60\n", 0755);
  o.timeout = 60s;
  o.processes = 1;
  ImageOcr ocr(o);
  auto holder = ocr.open("image");  // another message's image holds the one process
  ASSERT_TRUE(holder);
  DocumentBudget b(ocr, 1s);
  auto t0 = Clock::now();
  auto d = b.open("image");
  ASSERT_TRUE(d);
  EXPECT_LT(Clock::now() - t0, 50s);  // not its own timeout (a bound, not a measurement)
  EXPECT_EQ(b.left(), Clock::duration::zero());
  d->feed("image bytes");
  EXPECT_EQ(finish(*d), "time-limit");
  holder.reset();
  // With the process free again a new message's budget opens one at once.
  DocumentBudget next(ocr, 1s);
  auto n = next.open("image");
  ASSERT_TRUE(n);
  EXPECT_GT(next.left(), Clock::duration::zero());
}

}  // namespace
}  // namespace phi
