// Tests for the identifier validators: valid and invalid tables for each.
#include "policy/validators.h"

#include <gtest/gtest.h>

#include <functional>

namespace phi::policy {
namespace {

struct Row {
  const char* label;
  const char* input;
  bool want;
};

void run_table(const char* name, const std::function<bool(std::string_view)>& f, std::initializer_list<Row> rows) {
  for (const auto& r : rows) {
    SCOPED_TRACE(std::string(name) + ": " + r.label);
    EXPECT_EQ(f(r.input), r.want) << r.input;
  }
}

TEST(Validators, Ssn) {
  run_table("ssn", check_ssn,
            {{"ordinary", "536221234", true},
             {"low area", "001011234", true},
             {"area 000", "000121234", false},
             {"area 666", "666121234", false},
             {"area 900", "900121234", false},
             {"area 999", "999121234", false},
             {"group 00", "536001234", false},
             {"serial 0000", "536220000", false},
             {"woolworth example", "078051120", false},
             {"advertised example", "219099999", false},
             {"sequence example", "123456789", false},
             {"all same digit", "222222222", false},
             {"eight digits", "53622123", false},
             {"letters", "53622123A", false}});
}

TEST(Validators, Itin) {
  run_table("itin", check_itin,
            {{"group 70", "912701234", true},
             {"group 50", "900501234", true},
             {"group 94", "999941234", true},
             {"group 93 not issued", "912931234", false},
             {"group 66 not issued", "912661234", false},
             {"not 9xx", "812701234", false},
             {"serial 0000", "912700000", false}});
}

TEST(Validators, Mbi) {
  run_table("mbi", check_mbi,
            {{"cms example", "1EG4TE5MK73", true},
             {"cms example dashed", "1EG4-TE5-MK73", true},
             {"digit in position 3", "2A34C56DE78", true},
             {"leading zero", "0EG4TE5MK73", false},
             {"excluded S", "1SG4TE5MK73", false},
             {"excluded L", "1EG4TL5MK73", false},
             {"excluded O", "1EG4TE5MO73", false},
             {"excluded I", "1IG4TE5MK73", false},
             {"excluded B", "1EG4TE5BK73", false},
             {"excluded Z", "1EG4TE5MZ73", false},
             {"one dash only", "1EG4-TE5MK73", false},
             {"dash misplaced", "1EG-4TE5-MK73", false},
             {"ten chars", "1EG4TE5MK7", false},
             {"lower case", "1eg4te5mk73", false}});
}

TEST(Validators, HicnSuffix) {
  run_table("hicn", check_hicn_suffix,
            {{"A", "A", true}, {"B1", "B1", true}, {"C2", "C2", true}, {"T", "T", true}, {"W6", "W6", true},
             {"empty", "", false}, {"I not a code", "I", false}, {"three chars", "B12", false}, {"digit", "1", false}});
}

TEST(Validators, LuhnNpiDea) {
  run_table("luhn", check_luhn, {{"valid", "79927398713", true}, {"invalid", "79927398710", false}, {"empty", "", false}});
  run_table("npi", check_npi,
            {{"cms example", "1234567893", true},
             {"another", "1987654328", true},
             {"bad check digit", "1234567890", false},
             {"starts with 3", "3234567893", false},
             {"nine digits", "123456789", false}});
  run_table("dea", check_dea,
            {{"valid", "AB1234563", true},
             {"valid 9 second", "F91234563", true},
             {"bad checksum", "AB1234564", false},
             {"bad registrant", "QB1234563", false},
             {"short", "AB123456", false}});
}

TEST(Validators, CreditCard) {
  run_table("card", check_credit_card,
            {{"visa", "4539148803436467", true},
             {"visa spaced", "4539 1488 0343 6467", true},
             {"visa dashed", "4539-1488-0343-6467", true},
             {"mastercard", "5500005555555559", true},
             {"amex", "378282246310005", true},
             {"discover", "6011111111111117", true},
             {"bad luhn", "4539148803436468", false},
             {"mixed separators", "4539 1488-0343 6467", false},
             {"unknown issuer", "9539148803436467", false},
             {"test run", "4111111111111111", false},
             {"too short", "453914880343", false}});
}

TEST(Validators, NdcAndPhone) {
  run_table("ndc", check_ndc,
            {{"4-4-2", "0002-3227-30", true},
             {"5-3-2", "50090-347-01", true},
             {"5-4-1", "00093-7146-5", true},
             {"5-4-2", "00093-7146-56", true},
             {"11 digits", "00093714656", true},
             {"3-4-2", "002-3227-30", false},
             {"5-5-2", "50090-34701-01", false},
             {"letters", "5009A-347-01", false}});
  run_table("phone", check_phone,
            {{"ordinary", "4155550123", true},
             {"area starts 1", "1155550123", false},
             {"exchange starts 0", "4150550123", false},
             {"n11", "4115550123", false},
             {"all same", "2222222222", false}});
}

TEST(Validators, ParseDate) {
  struct { const char* label; const char* in; int y, m, d; size_t used; } rows[] = {
      {"us slash", "03/14/1962 rest", 1962, 3, 14, 10},
      {"us short year", "3/4/62", 1962, 3, 4, 6},
      {"iso", "1962-03-14", 1962, 3, 14, 10},
      {"dashed us", "03-14-1962", 1962, 3, 14, 10},
      {"month name", "March 14, 1962", 1962, 3, 14, 14},
      {"day month", "14 Mar 1962", 1962, 3, 14, 11},
      {"ordinal", "Mar 4th 1962", 1962, 3, 4, 12},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    size_t used = 0;
    auto d = parse_date(r.in, &used);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->year, r.y);
    EXPECT_EQ(d->month, r.m);
    EXPECT_EQ(d->day, r.d);
    EXPECT_EQ(used, r.used);
  }
  for (const char* bad : {"13/14/1962", "03/32/1962", "03/14", "Smarch 4 1962", "0/0/0", "", "12345678901/1/1"}) {
    SCOPED_TRACE(bad);
    size_t used = 0;
    EXPECT_FALSE(parse_date(bad, &used).has_value());
  }
}

TEST(Validators, MaskExcerptKeepsAtMostFourAndNeverAll) {
  struct { const char* label; const char* in; const char* want; } rows[] = {
      {"ssn", "536-22-1234", "***-**-1234"},
      {"mbi", "1EG4-TE5-MK73", "****-***-MK73"},
      {"short", "I10", "**0"},
      {"four", "E119", "**19"},
      {"name", "Jane Doe", "**** Doe"},
      {"utf8", "Jos\xc3\xa9 Ruiz", "***** *uiz"},
      {"control chars", "12\n345678", "** **5678"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    EXPECT_EQ(mask_excerpt(r.in), r.want);
  }
}

}  // namespace
}  // namespace phi::policy
