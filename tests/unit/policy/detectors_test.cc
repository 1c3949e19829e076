// Detector tests on sentences: each row says which category must (not) fire.
#include <gtest/gtest.h>

#include <hs/hs.h>

#include <algorithm>
#include <random>

#include "policy/classifier_internal.h"
#include "policy/detectors.h"
#include "tests/unit/policy/policy_fixture.h"

namespace phi::policy {
namespace {

struct Row {
  const char* label;
  const char* text;
  const char* type;
  int want;  // findings of `type`
};

void run_rows(std::initializer_list<Row> rows) {
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    Verdict v = classify_text(shared_classifier(), r.text);
    EXPECT_EQ(count(v, r.type), r.want) << r.text;
  }
}

TEST(Detectors, Ssn) {
  run_rows({{"dashed", "Her number is 536-22-1234 on file.", "ssn", 1},
            {"spaced with context", "SSN 536 22 1234", "ssn", 1},
            {"spaced without context", "Ref 536 22 1234", "ssn", 0},
            {"bare with context", "Social Security Number: 536221234", "ssn", 1},
            {"bare order number", "Your order 536221234 has shipped.", "ssn", 0},
            {"invalid area", "SSN 666-22-1234", "ssn", 0},
            {"area 9xx", "SSN 912-22-1234", "ssn", 0},
            {"group 00", "SSN 536-00-1234", "ssn", 0},
            {"published example", "e.g. 078-05-1120", "ssn", 0},
            {"mixed separators", "536-22 1234", "ssn", 0},
            {"inside a longer number", "part 555-536-22-1234", "ssn", 0},
            {"itin is not ssn", "ITIN 912-70-1234", "ssn", 0},
            {"itin", "ITIN 912-70-1234", "itin", 1},
            {"itin spaced", "Taxpayer ID 912 70 1234", "itin", 1},
            {"itin bare", "ITIN: 912701234", "itin", 1},
            {"itin bare without context", "Order 912701234 shipped", "itin", 0},
            {"itin group not issued", "ITIN 912-40-1234", "itin", 0},
            {"ssn next to an itin", "SSN 536-22-1234, ITIN 912-70-1234", "ssn", 1}});
}

TEST(Detectors, MedicareIds) {
  run_rows({{"mbi", "Medicare ID 1EG4-TE5-MK73 active", "mbi", 1},
            {"mbi bare", "MBI: 1EG4TE5MK73", "mbi", 1},
            {"mbi excluded letter", "code 1SG4TE5MK73", "mbi", 0},
            {"hicn with context", "Medicare HICN 536221234A", "hicn", 1},
            {"hicn without context", "Widget 536221234A", "hicn", 0}});
}

TEST(Detectors, LabelledIdentifiers) {
  run_rows({{"mrn", "MRN: 00482913", "mrn", 1},
            {"medical record number", "Medical Record Number 4829-1377", "mrn", 1},
            {"mrn word only", "Please send the MRN later", "mrn", 0},
            {"member id", "Member ID: XJH482913057", "member_id", 1},
            {"subscriber #", "Subscriber # W123456789", "member_id", 1},
            {"claim", "Claim number 2026-0412-8871", "claim_number", 1},
            {"account", "Account #: 77120934", "account_number", 1},
            {"employee id is not a patient id", "Employee ID: 48213", "member_id", 0}});
}

TEST(Detectors, Dates) {
  run_rows({{"dob", "DOB: 03/14/1962", "dob", 1},
            {"date of birth words", "Date of birth: March 14, 1962", "dob", 1},
            {"dob invalid", "DOB: 13/45/1962", "dob", 0},
            {"service date", "Date of service: 2026-04-01", "date", 1},
            {"plain date", "Meeting on 03/14/2026", "dob", 0}});
}

TEST(Detectors, Names) {
  run_rows({{"patient label", "Patient: Maria Gonzalez", "name", 1},
            {"patient label rare name", "Patient: Xochitl Quispe", "name", 1},
            {"name label", "Name: Robert Johnson", "name", 1},
            {"re label not a name", "Re: Quarterly Budget Review", "name", 0},
            {"re label name", "Re: Linda Martinez", "name", 1},
            {"salutation", "Dear Mrs. Thompson,", "name", 1},
            {"doctor is a provider", "Dear Dr. Thompson,", "name", 0},
            {"unlabelled list name", "I spoke with Michael Anderson today.", "name", 1},
            {"provider with credential", "Referred by Michael Anderson, MD", "name", 0},
            {"patient lower case", "the patient was seen", "name", 0},
            {"name then a comma and a label", "Patient Jane Smith, DOB 03/14/1962", "name", 1},
            {"last, first", "Patient: Gonzalez, Maria", "name", 1},
            {"salutation with its period", "Mrs. Thompson called about her results", "name", 1},
            {"possessive", "Mrs. Thompson's A1c came back at 9.2", "name", 1},
            {"initial and surname", "Pt: J. Thompson, 64F, A1c 9.2", "name", 1},
            {"initial and surname, patient label", "Patient M. Gonzalez was seen", "name", 1},
            {"initial and a word that is no surname", "Re: Q. Budget", "name", 0},
            {"possessive, typographic apostrophe", "Patient Maria Gonzalez\xE2\x80\x99s labs", "name", 1},
            // Unlabelled, surname first, as census sheets and schedules list patients.
            {"last, first in capitals", "GARCIA, MARIA  Rm 412  CHF", "name", 1},
            {"last, first", "Rm 412 Garcia, Maria 67F", "name", 1},
            {"last, first with an accent", "Pe\xC3\xB1" "a, In\xC3\xA9" "s", "name", 1},
            {"a greeting", "Thanks, Karen. The flyer is attached.", "name", 0},
            {"signed with a credential", "Smith, John MD", "name", 0},
            {"places", "Boston, Chicago and Denver", "name", 0},
            {"last, first on an address line", "From: Garcia, Maria", "name", 0}});
}

TEST(Detectors, ContactDetails) {
  run_rows({{"phone", "Call (415) 555-0123 today", "phone", 1},
            {"phone dashed", "Cell 415-555-0123", "phone", 1},
            {"phone bad area", "Call 115-555-0123", "phone", 0},
            {"email", "write to jane.doe@example.org please", "email", 1},
            {"address", "lives at 42 Maple Grove Street apt 3", "address", 1}});
}

TEST(Detectors, HealthCodes) {
  run_rows({{"icd with dx", "Dx: E11.9 type 2", "icd10", 1},
            {"icd list", "Diagnosis codes E11.9, I10", "icd10", 2},
            {"icd without context", "Order E11.9 now", "icd10", 0},
            {"icd product code", "code E11.9 firmware update", "icd10", 0},
            {"icd not in code set", "Dx: U99.9", "icd10", 0},
            {"icd category", "ICD-10 E11", "icd10", 1},
            {"ndc", "NDC 50090-347-01 dispensed", "ndc", 1},
            {"ndc without context", "Part 50090-347-01", "ndc", 0},
            {"cpt", "CPT 99213 billed", "cpt", 1},
            {"zip code", "Boston, MA 02115", "cpt", 0},
            {"hcpcs", "HCPCS J1100", "cpt", 1}});
}

TEST(Detectors, Dictionaries) {
  run_rows({{"condition", "history of atrial fibrillation", "diagnosis_term", 1},
            {"condition multiword", "congestive heart failure", "diagnosis_term", 1},
            {"condition inside word", "prediabetesxyz", "diagnosis_term", 0},
            {"medication", "started metformin 500 mg twice daily", "medication", 1},
            {"clinical abbreviation", "admitted with CHF exacerbation, HTN, T2DM", "diagnosis_term", 3},
            {"procedure", "scheduled for a colonoscopy", "procedure", 1},
            {"chemo and a care document", "faxed the discharge summary before her chemo", "procedure", 2},
            {"lab result", "HbA1c 8.2% last week", "lab_result", 1}});
}

// Words the ICD-10-CM index lists that everyday mail uses in their
// everyday sense are not health terms; the clinical sense still is.
TEST(Detectors, EverydayWordsAreNotHealthTerms) {
  run_rows({{"activity", "the activity report for Q3", "diagnosis_term", 0},
            {"flushing", "flushing the DNS cache fixed it", "diagnosis_term", 0},
            {"a stroke colour", "set the stroke color to blue", "diagnosis_term", 0},
            {"a two-stroke engine", "the two-stroke engine of the mower", "diagnosis_term", 0},
            {"had a stroke", "her father had a stroke last week", "diagnosis_term", 1},
            {"an ischemic stroke", "admitted for an acute ischemic stroke", "diagnosis_term", 1},
            {"weakness", "the weakness of this plan is its cost", "diagnosis_term", 0},
            {"a load test", "we ran the stress test on the new cluster", "procedure", 0},
            {"a cardiac stress test", "booked for a nuclear stress test on Monday", "procedure", 1},
            {"a test runner", "pytest fails on the build server", "medication", 0},
            {"a Unicode library", "the bug is in the ICU library", "diagnosis_term", 0}});
}

// Plurals of procedures, lab tests and countable conditions, and injuries
// named by the bone or joint.
TEST(Detectors, PluralsAndInjuries) {
  run_rows({{"x-rays", "the x-rays came back", "procedure", 1},
            {"MRIs", "two MRIs and three biopsies", "procedure", 2},
            {"seizures", "no seizures since March", "diagnosis_term", 1},
            {"recurrent UTIs", "recurrent UTIs this year", "diagnosis_term", 1},
            {"metastases", "liver metastases on the scan", "diagnosis_term", 1},
            {"a fractured radius", "fractured left radius, cast applied", "diagnosis_term", 1},
            {"a broken wrist", "she has a broken wrist", "diagnosis_term", 1},
            {"a hip fracture", "recovering from a hip fracture", "diagnosis_term", 1},
            {"a sprained ankle", "out with a sprained ankle", "diagnosis_term", 1},
            {"a broken build", "the broken build is fixed", "diagnosis_term", 0}});
}

// What clinicians write in mail that the code lists name otherwise.
TEST(Detectors, ClinicalShorthand) {
  run_rows({{"an allergy", "allergic to penicillin and sulfa drugs", "diagnosis_term", 1},
            {"penicillin and sulfa", "allergic to penicillin and sulfa drugs", "medication", 2},
            {"pregnant", "she is 12 weeks pregnant", "diagnosis_term", 1},
            {"a psychiatric hold", "admitted to the psych unit on a 5150 hold", "diagnosis_term", 2},
            {"the NICU", "born at 34 weeks, admitted to the NICU on CPAP", "diagnosis_term", 2},
            {"diabetic", "a diabetic foot ulcer", "diagnosis_term", 1},
            {"symptoms", "a 103 fever since yesterday, nausea and a dry cough", "diagnosis_term", 3},
            {"cough up", "he will cough up the budget numbers", "diagnosis_term", 0},
            {"fever pitch", "the sales team is at fever pitch", "diagnosis_term", 0},
            {"an overdose of slides", "we had an overdose of slides", "diagnosis_term", 0},
            {"an opioid overdose", "admitted after an opioid overdose", "diagnosis_term", 1},
            {"an ICU wing", "the new ICU wing opens Monday", "diagnosis_term", 0},
            // A note's or a result's name alone is no health term: "Lab results" is a common
            // Subject, and health evidence in the Subject of a phi message rejects it (phi-in-subject).
            {"lab results", "Lab results attached", "procedure", 0},
            {"after surgery", "on leave after surgery until January", "procedure", 1},
            {"a lab value after words", "her A1c came back at 10.2", "lab_result", 1}});
}

// An acronym written in capitals in the lists matches only in capitals.
TEST(Detectors, CapitalsOnlyTerms) {
  run_rows({{"AIDS", "diagnosed with AIDS in 2019", "diagnosis_term", 1},
            {"HIV/AIDS", "an HIV/AIDS clinic", "diagnosis_term", 2},
            {"visual aids", "the visual aids for the sales deck", "diagnosis_term", 0},
            {"Aids in a title", "Teaching Aids for Schools", "diagnosis_term", 0}});
}

// Lab abbreviations that name other things too count only with a value.
TEST(Detectors, LabValues) {
  run_rows({{"ALT with a value", "ALT 45, AST 38", "lab_result", 2},
            {"the Alt key", "press Alt and Tab", "lab_result", 0},
            {"an AST", "the AST pass rebuilds the AST", "lab_result", 0},
            {"a colon and a verb", "Hgb: 9.8; INR was 2.4", "lab_result", 2},
            {"an equals sign", "Plt=120 K/uL", "lab_result", 1},
            {"creatinine", "Cr 2.1 H, BUN 40", "lab_result", 2},
            {"a change request", "CR 2345 approved, CR 123 pending", "lab_result", 0},
            {"a version", "ALT 1.2.3 released", "lab_result", 0},
            {"too many digits", "PSA 12345", "lab_result", 0},
            {"T3 with an integer", "T3 120 ng/dL", "lab_result", 1}});
}

TEST(Detectors, ProvidersAndCards) {
  run_rows({{"npi", "NPI 1234567893", "npi", 1},
            {"npi bad check", "NPI 1234567890", "npi", 0},
            {"npi without context", "Order 1234567893", "npi", 0},
            {"dea", "DEA AB1234563", "dea", 1},
            {"credit card", "card 4539 1488 0343 6467 exp", "credit_card", 1},
            {"credit card bad luhn", "card 4539 1488 0343 6468 exp", "credit_card", 0}});
}

TEST(CustomDetectors, ParseErrorsNameFileAndLine) {
  struct { const char* label; const char* text; const char* want; } rows[] = {
      {"missing regex", "# c\nsite_mrn identifier 0.9\n", "d.conf:2: expected \"name role weight regex\""},
      {"bad role", "site_mrn person 0.9 \\bX\\d{6}\\b\n", "d.conf:1: role \"person\""},
      {"bad weight", "\nsite_mrn identifier 2 \\bX\\d{6}\\b\n", "d.conf:2: weight \"2\""},
      {"bad name", "Site-MRN identifier 0.5 x\n", "d.conf:1: detector name"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    auto d = parse_custom_detectors(r.text, "d.conf");
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.error().message.rfind(r.want, 0), 0u) << d.error().message;
  }
  auto ok = parse_custom_detectors("# site\n\nsite_mrn identifier 0.9 \\bKP\\d{8}\\b\n", "d.conf");
  ASSERT_TRUE(ok.ok());
  ASSERT_EQ(ok->size(), 1u);
  EXPECT_EQ((*ok)[0].where, "d.conf:3");
  EXPECT_EQ((*ok)[0].regex, "\\bKP\\d{8}\\b");
}

// icd_known() over the packed codes answers as the search over the code
// strings does: every prefix of a shipped code (from "" to the whole code),
// and shapes that are not codes.
TEST(Detectors, PackedIcdLookupEqualsStringLookup) {
  Lexicon packed;
  packed.icd_codes = {"A000", "A001", "E1165", "E119", "I10", "S72001A", "U071", "Z9989"};  // sorted, as loaded
  for (const auto& c : packed.icd_codes) packed.icd_packed.push_back(*icd_pack(c));
  std::sort(packed.icd_packed.begin(), packed.icd_packed.end());
  Lexicon strings;
  strings.icd_codes = packed.icd_codes;
  std::vector<std::string> queries = {"", "E", "E1", "E11", "E119", "E1191", "E116", "E1165", "E11650", "I1", "I10", "I100",
                                      "S72001A", "S72001B", "S72001AX", "Z99", "Z9989", "Z999", "A00", "A002", "B", "e119",
                                      "E11.9", "0", "9999999", "ZZZZZZZ", "U07", "U071", "U0711"};
  for (const auto& q : queries) {
    SCOPED_TRACE(q);
    EXPECT_EQ(icd_known(packed, q), icd_known(strings, q));
  }
  EXPECT_TRUE(icd_known(packed, "E11"));
  EXPECT_FALSE(icd_known(packed, "E12"));
  EXPECT_FALSE(icd_pack("E11.9"));
  EXPECT_FALSE(icd_pack("S72001AB"));
  EXPECT_LT(*icd_pack("A0"), *icd_pack("A00"));  // the strings' order
  EXPECT_LT(*icd_pack("Z9"), *icd_pack("ZA"));
}

// Matches of the built-in pattern with `check` in random strings of up to
// eight `pieces`, each with the start Hyperscan's start of match gives;
// calls want(text, from, to) for each and returns how many there were.
template <typename Want>
size_t leftmost_matches(Check check, const std::vector<std::string>& pieces, int rounds, Want want) {
  std::string regex;
  for (const auto& d : shared_classifier().data().detectors)
    if (d.check == check) regex = d.regex;
  EXPECT_FALSE(regex.empty());
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  EXPECT_EQ(hs_compile(regex.c_str(), HS_FLAG_SOM_LEFTMOST, HS_MODE_BLOCK, nullptr, &db, &err), HS_SUCCESS);
  hs_scratch_t* scratch = nullptr;
  EXPECT_EQ(hs_alloc_scratch(db, &scratch), HS_SUCCESS);
  struct Ctx {
    std::string_view text;
    Want* want;
    size_t matches = 0;
  } ctx{{}, &want};
  auto on_match = [](unsigned, unsigned long long from, unsigned long long to, unsigned, void* p) -> int {
    auto* c = static_cast<Ctx*>(p);
    ++c->matches;
    (*c->want)(c->text, size_t(from), size_t(to));
    return 0;
  };
  std::mt19937 rng(3);
  for (int round = 0; round < rounds && !testing::Test::HasFailure(); ++round) {
    std::string text;
    for (size_t k = rng() % 9; k > 0; --k) text += pieces[rng() % pieces.size()];
    ctx.text = text;
    hs_scan(db, text.data(), unsigned(text.size()), 0, scratch, on_match, &ctx);
  }
  hs_free_scratch(scratch);
  hs_free_database(db);
  return ctx.matches;
}

// The ICD-10 and phone patterns run without Hyperscan's start of match;
// icd10_start() and phone_start() must find the start Hyperscan would have
// reported, on every match of random text shaped for them.
TEST(Detectors, Icd10StartIsHyperscansLeftmostStart) {
  std::vector<std::string> pieces;
  for (char c : std::string("AEIQUZ0159.. _-xa")) pieces.emplace_back(1, c);
  for (int k = 0; k < 4; ++k) pieces.insert(pieces.end(), {"E11", "QA1", "U07", ".9", "A0", "Z99"});
  size_t n = leftmost_matches(Check::Icd10, pieces, 50000, [](std::string_view text, size_t from, size_t to) {
    EXPECT_EQ(icd10_start(text, to), from) << "\"" << text << "\" match " << from << "-" << to;
  });
  EXPECT_GT(n, 2000u);
  EXPECT_EQ(icd10_start("Dx E11.9", 8), 3u);
  EXPECT_EQ(icd10_start("Dx E11.9", 6), 3u);
  EXPECT_EQ(icd10_start("A00.E11", 7), 0u);  // the leftmost start, as Hyperscan reports it
  EXPECT_EQ(icd10_start("xE11", 4), std::string::npos);
}

TEST(Detectors, PhoneStartIsHyperscansLeftmostStart) {
  const std::vector<std::string> pieces = {"(415)", "(415) ", "(415)\t", "415-", "415.", "415 ", "555-", "555.", "555 ",
                                           "0123", "12", "9", "x", "_", ")", "(", "-"};
  size_t n = leftmost_matches(Check::Phone, pieces, 100000, [](std::string_view text, size_t from, size_t to) {
    EXPECT_EQ(phone_start(text, to), from) << "\"" << text << "\" match " << from << "-" << to;
  });
  EXPECT_GT(n, 1000u);
  EXPECT_EQ(phone_start("call (415) 555-0123", 19), 5u);
  EXPECT_EQ(phone_start("(415)555-0123", 13), 0u);
  EXPECT_EQ(phone_start("tel 415.555.0123", 16), 4u);
  EXPECT_EQ(phone_start("x415-555-0123", 13), std::string::npos);
}

}  // namespace
}  // namespace phi::policy
