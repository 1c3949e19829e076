// Tests for the labelled-text helpers the X12, HL7 and XML readers share: splitting, names, dates, ICD-10 codes.
#include "milter/mime/labelled.h"

#include <gtest/gtest.h>

namespace phi::mime {
namespace {

TEST(Labelled, SplitKeepsEveryPositionEmptyOnesToo) {
  EXPECT_EQ(split_on("DOE^JANE^^JR", '^'), (std::vector<std::string_view>{"DOE", "JANE", "", "JR"}));
  EXPECT_EQ(split_on("", '^'), (std::vector<std::string_view>{""}));
  EXPECT_EQ(split_on("^", '^'), (std::vector<std::string_view>{"", ""}));
}

TEST(Labelled, TitleCaseLowersAllButTheFirstLetterOfEachWord) {
  EXPECT_EQ(title_case("DOE"), "Doe");
  EXPECT_EQ(title_case("O'BRIEN-SMITH"), "O'brien-Smith");
  EXPECT_EQ(title_case("17 DAWS RD"), "17 Daws Rd");
  EXPECT_EQ(title_case("McDonald"), "Mcdonald");
  EXPECT_EQ(title_case(""), "");
  EXPECT_EQ(title_case("M\xC3\x9CLLER"), "M\xC3\xBCller");      // MÜLLER -> Müller
  EXPECT_EQ(title_case("\xC3\x89MILE"), "\xC3\x89mile");          // ÉMILE -> Émile: a first letter stays
  EXPECT_EQ(title_case("A\xC3\x97" "B"), "A\xC3\x97" "b");             // the multiplication sign is no capital
}

TEST(Labelled, IsoDateTakesCompactDatesWhateverFollowsThem) {
  EXPECT_EQ(iso_date("19620314"), "1962-03-14");
  EXPECT_EQ(iso_date("196203141230"), "1962-03-14");
  EXPECT_EQ(iso_date("19620314123000.0000-0500"), "1962-03-14");
  EXPECT_EQ(iso_date("1962031"), "");
  EXPECT_EQ(iso_date("1962-03-14"), "");
  EXPECT_EQ(iso_date("19620314T1230"), "1962-03-14");
  EXPECT_EQ(iso_date("19621314"), "");  // no 13th month
  EXPECT_EQ(iso_date("19620300"), "");
  EXPECT_EQ(iso_date("W123456789"), "");
}

TEST(Labelled, Icd10CodesGetTheirPeriod) {
  EXPECT_EQ(icd10_code("E119"), "E11.9");
  EXPECT_EQ(icd10_code("S72001A"), "S72.001A");
  EXPECT_EQ(icd10_code("E11.9"), "E11.9");  // written with it already
  EXPECT_EQ(icd10_code("I10"), "I10");      // three characters: no period
  EXPECT_EQ(icd10_code("25000"), "25000");  // not a letter first: as it is
}

}  // namespace
}  // namespace phi::mime
