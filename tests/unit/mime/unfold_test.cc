// Tests for iCalendar and vCard text: folded content lines joined, text escapes undone, through the Walker too.
#include "milter/mime/unfold.h"

#include <gtest/gtest.h>

#include "milter/mime/walker.h"
#include "tests/unit/mime/recording_sink.h"
#include "tests/unit/mime/zip_builder.h"

namespace phi::mime {
namespace {

std::string unfold(std::string_view in) {
  ContentLines c;
  std::string out;
  c.feed(in, out);
  c.finish(out);
  return out;
}

TEST(ContentLines, FoldsJoinedEscapesUndoneWholeAndSplitAtEveryPosition) {
  struct Row { const char* label; std::string in, want; };
  const Row rows[] = {
      {"crlf fold inside an identifier", "DESCRIPTION:SSN 078-05-1\r\n 121\r\nEND", "DESCRIPTION:SSN 078-05-1121\r\nEND"},
      {"lf fold, tab fold", "A:MRN 0048\n 2913\nB:x\n\ty\n", "A:MRN 00482913\nB:xy\n"},
      {"only one blank goes", "A:Jane\r\n  Doe", "A:Jane Doe"},
      {"escapes", "A:Doe\\, Jane\\; DOB\\n03/14/1962 a\\\\b \\x", "A:Doe, Jane; DOB\n03/14/1962 a\\b \\x"},
      {"line ends kept", "A\r\nB\nC\rD", "A\r\nB\nC\rD"},
      {"held at the end", "A\\", "A\\"},
      {"cr at the end", "A\r", "A\r"},
      {"crlf at the end", "A\r\n", "A\r\n"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    EXPECT_EQ(unfold(r.in), r.want);
    for (size_t cut = 0; cut <= r.in.size(); ++cut) {
      ContentLines c;
      std::string out;
      c.feed(std::string_view(r.in).substr(0, cut), out);
      c.feed(std::string_view(r.in).substr(cut), out);
      c.finish(out);
      ASSERT_EQ(out, r.want) << "cut at " << cut;
    }
  }
}

TEST(ContentLines, InvitationsAndCardsAreUnfoldedByTheWalker) {
  const std::string ics =
      "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Follow-up\r\nDESCRIPTION:Patient Jane Doe\\, DOB 03/14/1962\\, MRN 0048\r\n"
      " 2913\\, E11.9 type 2 diabetes\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
  const std::string want = "DESCRIPTION:Patient Jane Doe, DOB 03/14/1962, MRN 00482913, E11.9 type 2 diabetes\r\n";
  for (const auto& [type, name] : std::vector<std::pair<std::string, std::string>>{
           {"text/calendar", "invite.ics"}, {"application/ics", ""}, {"application/octet-stream", "invite.ics"},
           {"text/plain", "invite.ics"}, {"text/x-vcard", ""}}) {
    SCOPED_TRACE(type + " " + name);
    for (size_t chunk : {0, 1, 5, 100}) {
      test::RecordingSink sink;
      Walker w(Limits{}, sink);
      test::feed_message(w, test::message_with_attachment(type, name, ics, true), chunk);
      EXPECT_NE(sink.body("2").find(want), std::string::npos) << sink.log();
    }
  }
  test::RecordingSink sink;  // other text is not unfolded
  Walker w(Limits{}, sink);
  test::feed_message(w, test::message_with_attachment("text/plain", "notes.txt", ics, true));
  EXPECT_EQ(sink.body("2"), ics);
}

TEST(ContentLines, TenThousandHostileRepeats) {
  std::string in;
  for (int i = 0; i < 10000; ++i) in += "\\\r\n \\n\r\r\n\t";
  std::string out = unfold(in);
  EXPECT_EQ(out.size(), 10000u * 3);  // per repeat: '\\' (kept), '\n' (escape), '\r' (kept); the folds vanish
}

}  // namespace
}  // namespace phi::mime
