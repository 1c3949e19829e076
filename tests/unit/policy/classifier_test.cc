// Classifier tests: verdicts, chunk boundaries, masking, site extensions, limits.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "policy/classifier_internal.h"
#include "tests/unit/policy/policy_fixture.h"

namespace phi::policy {
namespace {

constexpr const char* kPhiNote =
    "Patient: Maria Gonzalez\nDOB: 03/14/1962\nMRN: 00482913\nSSN 536-22-1234\n"
    "Dx: E11.9 type 2 diabetes mellitus, started metformin 500 mg daily.\n";

std::string findings_summary(const Verdict& v) {
  std::string s;
  for (const auto& f : v.findings) s += f.type + "@" + std::to_string(f.offset) + "+" + std::to_string(f.length) + " ";
  return s;
}

TEST(Verdict, PhiWhenIdentifierAndHealthAreTogether) {
  struct { const char* label; const char* text; bool phi, pii; } rows[] = {
      {"clinical note", kPhiNote, true, true},
      {"name and diagnosis", "Patient: John Carter was diagnosed with atrial fibrillation.", true, false},
      {"mbi alone", "Medicare number 1EG4-TE5-MK73 on file", true, true},
      {"ssn alone is pii not phi", "Employee SSN 536-22-1234 for payroll", false, true},
      {"newsletter", "Diabetes and hypertension affect millions. Ask about a colonoscopy. Call (415) 555-0123.", false, false},
      {"provider roster", "Dr. Alice Walker NPI 1234567893 DEA AB1234563\nDr. Ben Ortiz NPI 1987654328", false, false},
      {"order numbers", "Order 536221234 and 412345678 shipped to Boston 02115.", false, false},
      {"product codes", "Upgrade code E11.9 firmware and part C50.9 model today.", false, false},
      {"hr mail", "Name: Robert Johnson\nEmployee ID: 48213\nWelcome to the team, start date Monday.", false, false},
      // "hemoglobin" (no value after it: half weight) is merged into "hemoglobin a1c 9.2" (full weight): the
      // finding's weight is raised in place, not added as a second half-counted signal (0.3 + 0.3 / 2 < 0.5).
      {"longer lab term over a shorter", "Patient name: Jane Doe\nHemoglobin A1c 9.2 %", true, false},
      {"the same with more identifiers", "MRN: 00482913\nPatient name: Jane Doe\nDate of birth: 1962-03-14\nHemoglobin A1c 9.2",
       true, true},
      {"a lab name without a value is weak", "Patient name: Jane Doe\nHemoglobin was discussed", false, false},
      // A medical record number says its holder is a patient, as a Medicare number does.
      {"an mrn alone", "MRN 00482913 please review", true, true},
      {"a name, an mrn, lab values", "Pt: Garcia, Maria  MRN 00482913  K+ 5.9 H, Cr 2.1 H", true, true},
      // Everyday words next to a colleague's name.
      {"a load test", "John Smith ran the stress test on the new cluster last night.", false, false},
      {"an activity", "Hi team, Maria Lopez will lead the activity planning for the retreat.", false, false},
      {"a stroke colour", "Set the stroke color to blue - thanks, Karen Moore", false, false},
      {"an abstract syntax tree", "Karen Moore: the AST pass is slow; the AST cache misses; rebuild the AST.", false, false},
      {"x-rays and a fracture", "Attached are the x-rays for Emily Chen, fractured left radius, cast applied.", true, false},
      {"a lab value after words", "Ms. Nguyen's A1c came back at 10.2, we need to adjust her insulin.", true, false},
      {"a lab name with words but no value", "Ms. Nguyen's A1c came back fine, see you next year.", false, false},
      {"a census sheet", "GARCIA, MARIA  Rm 412  CHF exacerbation\nSMITH, JOHN  Rm 415  pneumonia", true, false},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    Verdict v = classify_text(shared_classifier(), r.text);
    EXPECT_EQ(v.phi, r.phi) << findings_summary(v);
    EXPECT_EQ(v.pii, r.pii) << findings_summary(v);
    EXPECT_GE(v.score, 0.0);
    EXPECT_LE(v.score, 1.0);
    EXPECT_EQ(v.phi, v.score >= 0.5);
  }
}

TEST(Verdict, IdentifierFarFromHealthInfoIsNotPhi) {
  std::string text = "Patient: John Carter\n" + std::string(6000, 'x') + "\nA note on atrial fibrillation.";
  EXPECT_FALSE(classify_text(shared_classifier(), text).phi);
}

TEST(Verdict, PhiInSubject) {
  auto s = shared_classifier().start();
  s->text("subject", TextField::Subject, "Re: Linda Martinez - diabetes follow-up");
  s->end_part("subject");
  s->text("1", TextField::Body, "Her A1C 8.1 last week; continue metformin 500 mg.");
  s->uninspected("2", "application/pdf");
  Verdict v = s->finish();
  EXPECT_TRUE(v.phi) << findings_summary(v);
  EXPECT_TRUE(v.phi_in_subject);
  ASSERT_EQ(v.uninspected.size(), 1u);
  EXPECT_EQ(v.uninspected[0].first, "2");
  EXPECT_EQ(v.uninspected[0].second, "application/pdf");
  bool subject_finding = false;
  for (const auto& f : v.findings) subject_finding |= f.part == "subject" && f.field == TextField::Subject;
  EXPECT_TRUE(subject_finding);
}

// A care document's name is what clinical mail's Subject says ("Discharge
// summary", "Pathology report"): on a message whose body is PHI, it alone
// does not make the Subject part of the PHI (which the shipped policy
// refuses rather than escrows); a condition, a procedure or a name does.
// In the text the name is still health information, as before.
TEST(Verdict, ACareDocumentsNameAloneDoesNotPutPhiInTheSubject) {
  struct { const char* subject; bool in_subject; } rows[] = {
      {"Discharge summary and follow-up", false},
      {"Pathology reports attached", false},
      {"FW: operative report", false},
      {"Re: diabetes follow-up", true},
      {"Chest x-ray results", true},
      {"Discharge summary for Maria Gonzalez", true},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.subject);
    auto s = shared_classifier().start();
    s->text("subject", TextField::Subject, r.subject);
    s->end_part("subject");
    s->text("1", TextField::Body, kPhiNote);
    Verdict v = s->finish();
    EXPECT_TRUE(v.phi) << findings_summary(v);
    EXPECT_EQ(v.phi_in_subject, r.in_subject) << findings_summary(v);
    bool subject_finding = false;
    for (const auto& f : v.findings) subject_finding |= f.field == TextField::Subject;
    EXPECT_TRUE(subject_finding) << "the Subject's finding is still reported";
  }
  Verdict body = classify_text(shared_classifier(), "Please fax the discharge summary for Thompson, Robert today.");
  EXPECT_TRUE(body.phi) << findings_summary(body);
}

TEST(Verdict, FindingsCarryPartOffsetLengthAndMaskedExcerpt) {
  auto s = shared_classifier().start();
  s->text("1.2", TextField::Body, "x SSN 536-22-1234 y");
  Verdict v = s->finish();
  ASSERT_EQ(v.findings.size(), 1u);
  const Finding& f = v.findings[0];
  EXPECT_EQ(f.type, "ssn");
  EXPECT_EQ(f.part, "1.2");
  EXPECT_EQ(f.offset, 6u);
  EXPECT_EQ(f.length, 11u);
  EXPECT_EQ(f.excerpt, "***-**-1234");
}

// Fixed-width patterns (SSN, NPI, CPT) skip Hyperscan's start of match;
// the finding above still starts where the SSN does. Variable-width ones
// keep it (MBI), unless a check finds the start (ICD-10, phone).
TEST(Verdict, FixedWidthPatternsTakeTheirStartFromTheirWidth) {
  int fixed = 0, variable = 0;
  for (const auto& d : shared_classifier().data().detectors) {
    if (d.dict) continue;
    if (d.type == "ssn" || d.type == "npi") {
      EXPECT_FALSE(d.som) << d.regex;
      EXPECT_GT(d.width, 0u) << d.regex;
      ++fixed;
    }
    if (d.type == "mbi") {
      EXPECT_TRUE(d.som);
      EXPECT_EQ(d.width, 0u);
      ++variable;
    }
  }
  EXPECT_EQ(fixed, 3);
  EXPECT_EQ(variable, 1);
}

TEST(Verdict, ExcerptsNeverHoldTheWholeIdentifier) {
  Verdict v = classify_text(shared_classifier(), kPhiNote);
  ASSERT_GE(v.findings.size(), 6u);
  std::string text = kPhiNote;
  for (const auto& f : v.findings) {
    SCOPED_TRACE(f.type);
    std::string value = text.substr(f.offset, f.length);
    EXPECT_NE(f.excerpt, value);
    EXPECT_EQ(f.excerpt.find(value), std::string::npos);
    EXPECT_NE(f.excerpt.find('*'), std::string::npos);
  }
}

// The daemon scans with Findings::Skip: the verdict it acts on must be the
// one test mode shows, only without the findings.
TEST(Verdict, SkippingFindingsChangesNothingElse) {
  std::string dense;
  while (dense.size() < 64 * 1024) dense += kPhiNote;  // more than kMaxFindings findings
  struct Case {
    const char* subject;
    std::string body;
  };
  const Case cases[] = {{"", kPhiNote},
                        {"Re: Linda Martinez - diabetes follow-up", "Her A1C 8.1 last week; continue metformin 500 mg."},
                        {"quarterly report", "Order 123456789 ships Tuesday; firmware E11.9 attached."},
                        {"", dense}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body.substr(0, 40));
    Verdict got[2];
    for (Findings f : {Findings::Keep, Findings::Skip}) {
      auto s = shared_classifier().start(f);
      if (*c.subject) s->text("subject", TextField::Subject, c.subject), s->end_part("subject");
      s->text("1", TextField::Body, c.body);
      s->uninspected("2", "application/pdf");
      got[f == Findings::Skip] = s->finish();
    }
    const Verdict &keep = got[0], &skip = got[1];
    EXPECT_EQ(skip.phi, keep.phi);
    EXPECT_EQ(skip.pii, keep.pii);
    EXPECT_EQ(skip.score, keep.score);
    EXPECT_EQ(skip.phi_in_subject, keep.phi_in_subject);
    EXPECT_EQ(skip.categories, keep.categories);
    EXPECT_EQ(skip.uninspected, keep.uninspected);
    EXPECT_TRUE(skip.findings.empty());
    EXPECT_FALSE(skip.findings_truncated);
  }
  EXPECT_TRUE(classify_text(shared_classifier(), dense).findings_truncated);  // the dense case did overflow
}

// The same text split at every offset into two chunks gives the same findings.
TEST(Scan, MatchesSpanningChunkBoundariesAreFound) {
  std::string text = kPhiNote;
  Verdict whole = classify_text(shared_classifier(), text);
  std::string want = findings_summary(whole);
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    auto s = shared_classifier().start();
    s->text("1", TextField::Body, std::string_view(text).substr(0, cut));
    s->text("1", TextField::Body, std::string_view(text).substr(cut));
    Verdict v = s->finish();
    EXPECT_EQ(findings_summary(v), want);
    EXPECT_EQ(v.phi, whole.phi);
  }
}

// Across internal window boundaries too: the note placed at every offset around one.
TEST(Scan, MatchesSpanningWindowBoundariesAreFound) {
  std::string note = kPhiNote;
  Verdict alone = classify_text(shared_classifier(), note);
  for (size_t shift = 0; shift < note.size() + 8; shift += 3) {
    SCOPED_TRACE("shift " + std::to_string(shift));
    size_t pad = kWindowBytes + kCarryBytes - shift;
    std::string text = std::string(pad, ' ') + note;
    auto s = shared_classifier().start();
    for (size_t i = 0; i < text.size(); i += 4093) s->text("1", TextField::Body, std::string_view(text).substr(i, 4093));
    Verdict v = s->finish();
    ASSERT_EQ(v.findings.size(), alone.findings.size()) << findings_summary(v);
    for (size_t i = 0; i < v.findings.size(); ++i) {
      EXPECT_EQ(v.findings[i].type, alone.findings[i].type);
      EXPECT_EQ(v.findings[i].offset, alone.findings[i].offset + pad);
      EXPECT_EQ(v.findings[i].length, alone.findings[i].length);
    }
  }
}

TEST(Scan, HostileRepeatsStayBounded) {
  std::string unit = "SSN 536-22-1234 Dx: E11.9 ";
  std::string text;
  for (int i = 0; i < 10000; ++i) text += unit;
  Verdict v = classify_text(shared_classifier(), text);
  EXPECT_EQ(v.findings.size(), kMaxFindings);
  EXPECT_TRUE(v.findings_truncated);
  EXPECT_EQ(count(v, "ssn"), 10000);
  EXPECT_TRUE(v.phi);
  std::string junk(10000 * 8, '9');
  for (size_t i = 0; i < junk.size(); i += 8) junk[i] = '-';
  Verdict j = classify_text(shared_classifier(), junk);
  EXPECT_FALSE(j.phi);
}

std::string write_temp(const std::string& content) {
  char path[] = "/tmp/phi_policy_testXXXXXX";
  int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << content;
  return path;
}

TEST(Build, SiteDetectorsAndDictionaries) {
  std::string det = write_temp("# site formats\nkp_mrn identifier 0.9 \\bKP\\d{8}\\b\n");
  std::string dict = write_temp("zorblax\n");
  std::string terms = write_temp("# acronyms in capitals match only in capitals\nZORP\n");
  std::string names = write_temp("QUIXBY\n");  // a name list's entries in any case
  std::string values = write_temp("zq\n");      // a site lab abbreviation: counts with a value only
  ClassifierOptions o;
  o.data_dir = PHI_SRCDIR "/policy/data";
  o.detectors_file = det;
  o.dictionary_files = {"medication=" + dict, "diagnosis_term=" + terms, "surname=" + names, "lab_value=" + values};
  auto c = Classifier::build(o);
  ASSERT_TRUE(c.ok()) << c.error().message;
  Verdict v = classify_text(**c, "Chart KP12345678: started zorblax 10 mg daily");
  EXPECT_EQ(count(v, "kp_mrn"), 1);
  EXPECT_EQ(count(v, "medication"), 1);
  EXPECT_TRUE(v.phi);
  EXPECT_EQ(count(classify_text(**c, "ZORP, Zorp and zorp"), "diagnosis_term"), 1);
  EXPECT_EQ(count(classify_text(**c, "Patient: Maria Quixby"), "name"), 1);
  EXPECT_EQ(count(classify_text(**c, "ZQ 4.5 today; zq later"), "lab_result"), 1);
  unlink(det.c_str());
  unlink(dict.c_str());
  unlink(terms.c_str());
  unlink(names.c_str());
  unlink(values.c_str());
}

// A site's own care documents (CustomDictionaries care_document=) are
// health terms in the body, and alone in a Subject they do not make it hold
// PHI; the same list given as procedures does.
TEST(Build, SiteCareDocumentsAreKeptOutOfTheSubjectRule) {
  std::string docs = write_temp("# our document names\ntransfer packet\n");
  for (bool as_document : {true, false}) {
    SCOPED_TRACE(as_document ? "care_document" : "procedure");
    ClassifierOptions o;
    o.data_dir = PHI_SRCDIR "/policy/data";
    o.dictionary_files = {(as_document ? "care_document=" : "procedure=") + docs};
    auto c = Classifier::build(o);
    ASSERT_TRUE(c.ok()) << c.error().message;
    auto s = (*c)->start();
    s->text("subject", TextField::Subject, "Transfer packet attached");
    s->end_part("subject");
    s->text("1", TextField::Body, kPhiNote);
    Verdict v = s->finish();
    EXPECT_TRUE(v.phi) << findings_summary(v);
    EXPECT_EQ(v.phi_in_subject, !as_document) << findings_summary(v);
    EXPECT_EQ(count(classify_text(**c, "Fax the transfer packet to the ward."), "procedure"), 1);
  }
  unlink(docs.c_str());
}

TEST(Build, ErrorsNameFileAndLine) {
  struct { const char* label; const char* detectors; const char* dict; const char* want; } rows[] = {
      {"regex syntax", "# x\nok_one identifier 0.5 \\bAB\\d{4}\\b\nbad_one identifier 0.5 (unclosed\n", nullptr, ":3: "},
      {"unbounded", "wide identifier 0.5 X\\d+\n", nullptr, ":1: pattern may match more than"},
      {"empty match", "empty identifier 0.5 \\d{0,3}\n", nullptr, ":1: pattern can match the empty string"},
      {"bad dictionary type", nullptr, "weird", "dictionary type must be"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    ClassifierOptions o;
    o.data_dir = PHI_SRCDIR "/policy/data";
    std::string file;
    if (r.detectors) o.detectors_file = file = write_temp(r.detectors);
    if (r.dict) o.dictionary_files = {std::string(r.dict) + "=/nonexistent"};
    auto c = Classifier::build(o);
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find(r.want), std::string::npos) << c.error().message;
    if (!file.empty()) {
      EXPECT_EQ(c.error().message.rfind(file, 0), 0u) << c.error().message;
      unlink(file.c_str());
    }
  }
  ClassifierOptions missing;
  missing.data_dir = "/nonexistent";
  auto c = Classifier::build(missing);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("/nonexistent/icd10cm_codes.txt: cannot open"), std::string::npos);
}

}  // namespace
}  // namespace phi::policy
