// Tests for X12 transactions as labelled text: an 837 claim's segments, the ISA separators, split anywhere,
// input that is no X12, and an 837 attached to a message.
#include "milter/mime/x12.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "milter/mime/walker.h"
#include "tests/unit/mime/recording_sink.h"
#include "tests/unit/mime/zip_builder.h"

namespace phi::mime {
namespace {

// An ISA header is 106 bytes: element separator '*' at 3, component ':' at 104, terminator '~' at 105.
const std::string kIsa =
    "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *260301*1200*^*00501*000000001*0*P*:~";
const std::string kClaim = kIsa +
                           "\nGS*HC*SUB*REC*20260301*1200*1*X*005010X222A1~\nNM1*IL*1*DOE*JANE*Q***MI*W123456789~\n"
                           "N3*17 DAWS RD~N4*BLUE BELL*PA*19422~DMG*D8*19620314*F~REF*SY*078051121~CLM*A1B2*125***11:B:1~"
                           "DTP*472*D8*20260301~HI*ABK:E119*ABF:I10~SV1*HC:99214*125*UN*1~NM1*82*1*PATEL*ANIL****XX*1234567893~"
                           "SE*12*0001~";
const std::string kText =
    "ISA 00            00            ZZ SUBMITTER       ZZ RECEIVER        260301 1200 ^ 00501 000000001 0 P  \n"
    "GS HC SUB REC 20260301 1200 1 X 005010X222A1\n"
    "Subscriber name: Jane Q Doe\nMember ID: W123456789\n"
    "Address: 17 DAWS RD\nAddress: BLUE BELL, PA 19422\nDate of birth: 1962-03-14\nSSN: 078051121\nClaim number: A1B2\n"
    "Date of service: 2026-03-01\nDiagnosis: E11.9, I10\nProcedure: CPT 99214\nProvider Anil Patel\nNPI: 1234567893\n"
    "SE 12 0001\n";

std::string run(std::string_view in, size_t cut) {
  X12Text x;
  std::string out;
  x.feed(in.substr(0, cut), out);
  x.feed(in.substr(cut), out);
  x.finish(out);
  return out;
}

TEST(X12Text, ClaimSegmentsAreLabelledWholeAndSplitAtEveryPosition) {
  ASSERT_EQ(kIsa.size(), kX12IsaBytes);
  EXPECT_TRUE(X12Text::starts(kClaim));
  EXPECT_EQ(run(kClaim, kClaim.size()), kText);
  for (size_t cut = 0; cut <= kClaim.size(); ++cut) ASSERT_EQ(run(kClaim, cut), kText) << "cut at " << cut;
}

TEST(X12Text, OtherSeparatorsAndInputThatIsNoX12) {
  std::string isa = kIsa;
  std::replace(isa.begin(), isa.end(), '*', '|');
  isa[104] = '^';
  isa[105] = '\n';
  EXPECT_EQ(run(isa + "DMG|D8|19620314\nHI|ABK^E119\n", 0).substr(isa.size() - 1), "\nDate of birth: 1962-03-14\nDiagnosis: E11.9\n");
  // An ISA whose fields are not where the standard puts them: the bytes pass unchanged.
  std::string bad = "ISA*00*short*header~" + std::string(120, 'x');
  EXPECT_TRUE(X12Text::starts(bad));
  EXPECT_EQ(run(bad, 50), bad);
  EXPECT_EQ(run("ISA*00*", 3), "ISA*00*");  // too short
  EXPECT_FALSE(X12Text::starts("ISAAC Newton"));
  // A segment longer than kMaxX12Segment is written as it comes, separators as blanks.
  std::string lng = kIsa + "MSG*" + std::string(kMaxX12Segment + 10, 'a') + "~DMG*D8*19620314~";
  std::string out = run(lng, 0);
  EXPECT_NE(out.find("MSG " + std::string(kMaxX12Segment + 10, 'a') + "\nDate of birth: 1962-03-14\n"), std::string::npos);
}

TEST(X12Text, AClaimAttachedToAMessageIsReadLabelled) {
  for (const auto& [type, name] : std::vector<std::pair<std::string, std::string>>{
           {"application/edi-x12", "claim.837"}, {"text/plain", "claim.txt"}, {"application/octet-stream", "claim.dat"}}) {
    SCOPED_TRACE(type);
    for (size_t chunk : {0, 1, 7, 100}) {
      test::RecordingSink sink;
      Walker w(Limits{}, sink);
      test::feed_message(w, test::message_with_attachment(type, name, kClaim, true), chunk);
      EXPECT_EQ(sink.body("2"), kText) << sink.log();
    }
  }
}

TEST(X12Text, AClaimInAZipIsReadLabelled) {
  std::string zip = test::make_zip({{"batch/claim.txt", kClaim}, {"batch/claim.837", kClaim}});
  test::RecordingSink sink;
  Walker w(Limits{}, sink);
  test::feed_message(w, test::message_with_attachment("application/zip", "batch.zip", zip, true), 7);
  std::string body = sink.body("2");
  EXPECT_NE(body.find(kText), std::string::npos) << sink.log();                            // the .txt entry
  EXPECT_NE(body.find(kText, body.find(kText) + 1), std::string::npos) << sink.log();  // the .837 entry, sniffed
}

TEST(X12Text, TenThousandHostileRepeats) {
  std::string in = kIsa;
  for (int i = 0; i < 10000; ++i) in += "NM1*IL*1*A*B~HI*ABK:E119*:~\r\n~";
  std::string out = run(in, in.size() / 3);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1 + 10000 * 3);  // ISA, then NM1, HI and an empty segment each
}

}  // namespace
}  // namespace phi::mime
