// Tables (header-typed CSV columns), accented names, names next to health information.
#include <gtest/gtest.h>

#include <string>

#include "policy/classifier_internal.h"
#include "policy/detectors_table.h"
#include "tests/unit/policy/policy_fixture.h"

namespace phi::policy {
namespace {

const Lexicon& lex() { return shared_classifier().data().lex; }

std::string summary(const Verdict& v) {
  std::string s;
  for (const auto& [k, n] : v.categories) s += k + "=" + std::to_string(n) + " ";
  return s;
}

TEST(Table, ColumnNames) {
  struct { const char* label; const char* field; Column want; } rows[] = {
      {"mrn", "mrn", Column::Mrn},
      {"upper with blanks", " MRN ", Column::Mrn},
      {"quoted", "\"Date of Birth\"", Column::Dob},
      {"spaced words", "Dx Code", Column::Icd10},
      {"underscore", "dx_code", Column::Icd10},
      {"dashed", "member-id", Column::MemberId},
      {"last name", "last_name", Column::LastName},
      {"first", "First", Column::FirstName},
      {"ssn", "SSN", Column::Ssn},
      {"cpt", "CPT", Column::Cpt},
      {"unknown", "sku", Column::None},
      {"part number", "part_number", Column::None},
      {"employee id is not a patient id", "employee_id", Column::None},
      {"empty", "", Column::None},
      {"too long", "a column name that is far longer than any header field", Column::None},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    EXPECT_EQ(column_type(r.field), r.want);
  }
}

TEST(Table, CellValidators) {
  struct { const char* label; Column col; const char* value; bool want; } rows[] = {
      {"icd without dot", Column::Icd10, "G40909", true},
      {"icd with dot", Column::Icd10, "E11.9", true},
      {"icd unknown", Column::Icd10, "E99.9", false},
      {"icd lower case", Column::Icd10, "e11.9", false},
      {"icd product code", Column::Icd10, "X-200", false},
      {"ssn valid", Column::Ssn, "536-22-1234", true},
      {"ssn area 666", Column::Ssn, "666-22-1234", false},
      {"ssn published example", Column::Ssn, "078-05-1120", false},
      {"ssn with letters", Column::Ssn, "536-22-12a4", false},
      {"dob iso", Column::Dob, "1955-07-17", true},
      {"dob words", Column::Dob, "Nov 25, 1958", true},
      {"dob invalid", Column::Dob, "1955-13-40", false},
      {"dob trailing text", Column::Dob, "1955-07-17 approx", false},
      {"mrn", Column::Mrn, "MR70609063", true},
      {"mrn too short", Column::Mrn, "123", false},
      {"mrn no digits", Column::Mrn, "ABCDEFG", false},
      {"claim", Column::ClaimNumber, "CLM-13403776178", true},
      {"cpt", Column::Cpt, "99213", true},
      {"cpt category ii", Column::Cpt, "3074F", true},
      {"hcpcs", Column::Cpt, "J1100", true},
      {"cpt out of range", Column::Cpt, "00042", false},
      {"cpt too long", Column::Cpt, "992134", false},
      {"ndc", Column::Ndc, "0002-3227-30", true},
      {"ndc wrong layout", Column::Ndc, "02-3227-30", false},
      {"first name", Column::FirstName, "Karen", true},
      {"first name accented", Column::FirstName, "Andr\xc3\xa9", true},
      {"first name not a name", Column::FirstName, "Widget", false},
      {"first name lower case", Column::FirstName, "karen", false},
      {"surname accented", Column::LastName, "Pe\xc3\xb1" "a", true},
      {"full name", Column::FullName, "Maria Gonzalez", true},
      {"full name reversed", Column::FullName, "Gonzalez, Maria", true},
      {"full name one word", Column::FullName, "Maria", false},
      {"full name product", Column::FullName, "Blue Widget", false},
      {"phone", Column::Phone, "(415) 555-0123", true},
      {"phone invalid", Column::Phone, "(015) 555-0123", false},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    EXPECT_EQ(check_cell(r.col, lex(), r.value), r.want) << r.value;
  }
}

TEST(Table, SplitFieldsHonoursQuotes) {
  auto f = split_fields("36656587,Hill,\"Nov 25, 1958\",\"a \"\"quoted\"\" note\", x ", ',');
  std::string_view line = "36656587,Hill,\"Nov 25, 1958\",\"a \"\"quoted\"\" note\", x ";
  ASSERT_EQ(f.size(), 5u);
  EXPECT_EQ(line.substr(f[0].from, f[0].to - f[0].from), "36656587");
  EXPECT_EQ(line.substr(f[2].from, f[2].to - f[2].from), "Nov 25, 1958");
  EXPECT_EQ(line.substr(f[4].from, f[4].to - f[4].from), "x");
}

TEST(Table, ReaderTypesRowsByHeader) {
  TableReader t;
  std::vector<TableCell> cells;
  t.line(lex(), "mrn;last_name;first_name;dob;dx_code;dx_description", cells);
  EXPECT_TRUE(t.in_table());
  EXPECT_TRUE(cells.empty());
  std::string_view row = "84525854;Pe\xc3\xb1" "a;In\xc3\xa9s;1955-07-17;G40909;epilepsy";
  t.line(lex(), row, cells);
  std::string got;
  for (const auto& c : cells) got += c.det->type + ":" + std::string(row.substr(c.from, c.to - c.from)) + " ";
  EXPECT_EQ(got, "mrn:84525854 dob:1955-07-17 icd10:G40909 name:Pe\xc3\xb1" "a;In\xc3\xa9s ");
  cells.clear();
  t.line(lex(), "not;a;row", cells);  // another shape ends the table
  EXPECT_FALSE(t.in_table());
  t.line(lex(), "84525854;Moore;Karen;1958-10-26;G4733;x", cells);
  EXPECT_TRUE(cells.empty());
}

TEST(Table, HeaderNeedsTwoKnownColumns) {
  struct { const char* label; const char* line; bool table; } rows[] = {
      {"export header", "claim_number,member_id,last,first,dos,cpt,icd10", true},
      {"tab separated", "MRN\tName\tDOB", true},
      {"pipes", "ssn|dob", true},
      {"one known column", "sku,dx_code,price", false},
      {"product sheet", "part_number,sku,description,price", false},
      {"prose with commas", "Hi Carol, the mrn, dob and the rest are in the chart.", false},
      {"no delimiter", "mrn dob", false},
      // Column names are at most kMaxHeaderField (40) bytes, quotes and blanks aside.
      {"a 40-byte name in quotes, blanks around", "  mrn , dob ,  \"" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" "\"  ", true},
      {"a 41-byte name in quotes", "mrn,dob,\"" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" "\"", false},
      {"a 40-byte name without quotes", "mrn, dob, " "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" " ", true},
      {"a 41-byte name without quotes", "mrn,dob," "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", false},
      {"a quoted name holding the delimiter", "\"name, full\",mrn,dob", true},
      {"a long quoted field cut by its commas", "mrn,dob,\"aaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbb, cccc\"", false},
      // The first and last runs, between any delimiters, decide before the line is split.
      {"a 40-byte first name, blanks around", "  " "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" "  ,mrn,dob", true},
      {"a 41-byte first name", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx;mrn;dob", false},
      {"a 41-byte last name after the only semicolon", "mrn,dob,ssn;" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", false},
      {"a short first run inside a 41-byte first field", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx,mrn;dob;ssn", false},
      {"a short first run inside a 40-byte first field", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx,mrn;dob;ssn", true},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    TableReader t;
    std::vector<TableCell> cells;
    t.line(lex(), r.line, cells);
    EXPECT_EQ(t.in_table(), r.table);
  }
}

TEST(Table, VerdictsOnExports) {
  struct { const char* label; const char* text; bool phi; const char* type; int want; } rows[] = {
      {"mrn and dx columns",
       "mrn;last_name;first_name;dob;dx_code\n84525854;Moore;Karen;1958-10-26;G4733\n7753948;Young;Charles;07/11/1955;E119\n",
       true, "icd10", 2},
      {"claims export",
       "claim_number,member_id,last,first,dos,cpt,icd10\nC19551995708,JKM516065950,Moore,Patricia,02/09/2026,71046,N17.9\n",
       true, "member_id", 1},
      {"crlf line ends", "MRN,DOB,Dx\r\n84525854,1958-10-26,G4733\r\n", true, "mrn", 1},
      {"ssn column without health", "ssn,last_name,first_name\n536-22-1234,Moore,Karen\n", false, "ssn", 1},
      // One known column is not a table (the "dx" context word still reads the code).
      {"one typed column", "sku,dx_code,price\n536221234,E11.9,4.00\n", false, "icd10", 1},
      {"invalid values", "mrn,dob,dx_code\nn/a,unknown,E99.9\n", false, "icd10", 0},
      {"hr roster", "employee_id,last_name,first_name,start_date\n48213,Moore,Karen,2026-03-02\n", false, "mrn", 0},
      {"blank line ends the table", "mrn,dob,dx_code\n\n84525854,1958-10-26,G4733\n", false, "mrn", 0},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    Verdict v = classify_text(shared_classifier(), r.text);
    EXPECT_EQ(v.phi, r.phi) << summary(v);
    EXPECT_EQ(count(v, r.type), r.want) << summary(v);
  }
}

TEST(Table, RowsSplitAcrossChunksAndNoDuplicates) {
  std::string text = "mrn,dob,dx_code,dx_description\n84525854,1958-10-26,G4733,Dx G47.33 sleep apnea\n";
  for (size_t cut = 1; cut < text.size(); cut += 7) {
    SCOPED_TRACE(cut);
    auto s = shared_classifier().start();
    s->text("1", TextField::Body, std::string_view(text).substr(0, cut));
    s->text("1", TextField::Body, std::string_view(text).substr(cut));
    Verdict v = s->finish();
    EXPECT_TRUE(v.phi) << summary(v);
    EXPECT_EQ(count(v, "mrn"), 1) << summary(v);
    EXPECT_EQ(count(v, "icd10"), 2) << summary(v);  // the cell, and "G47.33" in the description
  }
}

// Prose lines before, between and after tables are skipped whole while no
// table is open; the rows must still be typed at their own offsets however
// the text is cut into chunks (and a long prose line is no row).
TEST(Table, ProseAroundTablesAtEveryCut) {
  std::string text = "Hello team, see below\nno delimiters on this line\n" + std::string(5000, 'x') + "\n"
                     "mrn,dob,dx_code\n84525854,1958-10-26,G4733\nthanks\nand more prose\n"
                     "ssn;member_id\n536-22-1234;XJH482913057\nend";
  auto detail = [](const Verdict& v) {
    std::string out = summary(v);
    for (const auto& f : v.findings) out += f.type + "@" + std::to_string(f.offset) + "+" + std::to_string(f.length) + " ";
    return out;
  };
  auto whole = shared_classifier().start(Findings::Keep);
  whole->text("1", TextField::Body, text);
  std::string want = detail(whole->finish());
  EXPECT_NE(want.find("mrn"), std::string::npos) << want;
  EXPECT_NE(want.find("member_id"), std::string::npos) << want;
  for (size_t cut = 1; cut < text.size(); cut += cut < 120 || cut > 5000 ? 1 : 97) {
    SCOPED_TRACE(cut);
    auto s = shared_classifier().start(Findings::Keep);
    s->text("1", TextField::Body, std::string_view(text).substr(0, cut));
    s->text("1", TextField::Body, std::string_view(text).substr(cut));
    EXPECT_EQ(detail(s->finish()), want);
  }
}

TEST(Table, HostileRepeatsStayBounded) {
  std::string header = "mrn,dob,dx_code\n", rows;
  for (int i = 0; i < 10000; ++i) rows += "84525854,1958-10-26,G4733\n";
  Verdict v = classify_text(shared_classifier(), header + rows);
  EXPECT_TRUE(v.phi);
  EXPECT_LE(v.findings.size(), kMaxFindings);
  EXPECT_TRUE(v.findings_truncated);
  std::string wide = "mrn";  // 10,000 fields: not a header
  for (int i = 0; i < 10000; ++i) wide += ",dob";
  Verdict w = classify_text(shared_classifier(), wide + "\n" + rows);
  EXPECT_EQ(count(w, "mrn"), 0);
  std::string long_line(10000 * 8, ',');  // one long line of delimiters
  EXPECT_FALSE(classify_text(shared_classifier(), long_line).phi);
}

TEST(Names, AccentsAndContext) {
  struct { const char* label; std::string text; bool phi; int names; } rows[] = {
      {"accented name in a sentence with a diagnosis",
       "Quick update on Andr\xc3\xa9 Lef\xc3\xa8vre before you see them. Symptoms of major depressive disorder improved.", true, 1},
      {"name next to a condition-revealing service",
       "Reminder for Nancy King:\n\nYour hemodialysis session is Monday. End-stage renal disease patients should not skip.", true,
       1},
      {"name with an appointment but no condition",
       "Reminder for Nancy King:\n\nYour appointment is Monday at 9:15 with Dr. Ortiz at Northside Family Medicine.", false, 1},
      {"name far from the condition",
       "Hello Nancy King, see you soon.\n\n" + std::string(600, '.') + "\nNewsletter: what is chronic kidney disease?", false, 1},
      {"clinician next to a condition", "Grand rounds: Dr. Nancy King will present on heart failure.", false, 0},
      {"forwarded header names are correspondents",
       "---------- Forwarded message ---------\nFrom: David Baker <noreply@example.com>\nSubject: Savings\n\n"
       "Generic gabapentin 30-day supply: $4. Heart failure awareness month.", false, 0},
      {"address line at the very start", "To: Maria Gonzalez\nRe: heart failure clinic hours", false, 0},
      {"quoted address line", "Thanks.\n> Cc: Maria Gonzalez\n> heart failure clinic hours", false, 0},
      {"name on a line after a long one", std::string(150, 'x') + " Maria Gonzalez", false, 1},
      {"name and a bare medication is not enough", "Nancy King asked whether the pharmacy stocks gabapentin.", false, 1},
      {"service date label", "Statement for Hiroshi Tanaka\nAccount number: ACCT 85671917\nService date: 01/14/2026\n"
                             "screening mammography (CPT 77067)", true, 0},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    Verdict v = classify_text(shared_classifier(), r.text);
    EXPECT_EQ(v.phi, r.phi) << summary(v);
    EXPECT_EQ(count(v, "name"), r.names) << summary(v);
  }
}

TEST(Names, FoldName) {
  struct { const char* label; const char* in; const char* want; } rows[] = {
      {"ascii", "Maria", "maria"},
      {"acute", "Andr\xc3\xa9", "andre"},
      {"tilde", "Pe\xc3\xb1" "a", "pena"},
      {"sharp s", "Stra\xc3\x9f" "e", "strasse"},
      {"upper accented", "\xc3\x89mile", "emile"},
      {"not a letter", "a\xc3\x97" "b", ""},
      {"other script", "\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd", ""},
      {"cut sequence", "Andr\xc3", ""},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    EXPECT_EQ(fold_name(r.in), r.want);
  }
}

// Past the 64-byte blocks find_delimiter() tests at once: the first of
// one or two delimiters anywhere in 200 bytes.
TEST(Table, FindsFirstDelimiterAcrossLongBlocks) {
  for (size_t a = 0; a <= 200; ++a) {
    for (size_t b : {a, a + 1, a + 17, a + 64, size_t(199)}) {
      std::string line(200, 'a');
      if (a < 200) line[a] = ';';
      if (b < 200) line[b] = '|';
      SCOPED_TRACE(testing::Message() << "at " << a << " and " << b);
      EXPECT_EQ(find_delimiter(line), line.find_first_of(std::string_view(",;\t|")));
    }
  }
}

// The 16- and 8-byte delimiter tests agree with a plain search at every
// length and position (so across both block sizes and the byte tail).
TEST(Table, HasDelimiterAtEveryPosition) {
  for (char d : {',', ';', '\t', '|', 'x', '\n', '\0', '<', '{'}) {
    for (size_t len = 0; len < 70; ++len) {
      for (size_t at = 0; at <= len; ++at) {
        std::string line(len, 'a');
        if (at < len) line[at] = d;
        SCOPED_TRACE(testing::Message() << "delimiter " << int(d) << " length " << len << " at " << at);
        EXPECT_EQ(has_delimiter(line), line.find_first_of(std::string_view(",;\t|")) != std::string::npos);
        EXPECT_EQ(find_delimiter(line), line.find_first_of(std::string_view(",;\t|")));
        // The line splitter: a line feed at each position after it too.
        for (size_t nl = 0; nl <= len; nl += 7) {
          std::string text = line;
          if (nl < len) text[nl] = '\n';
          size_t want = text.find('\n');
          bool delimiter = false;
          EXPECT_EQ(find_line_end(text, &delimiter), want) << nl;
          EXPECT_EQ(delimiter, has_delimiter(std::string_view(text).substr(0, want))) << nl;
        }
      }
    }
  }
  EXPECT_FALSE(has_delimiter(""));
  bool delimiter = true;
  EXPECT_EQ(find_line_end("", &delimiter), std::string_view::npos);
  EXPECT_FALSE(delimiter);
  EXPECT_TRUE(has_delimiter(std::string(10000, ' ') + "|"));
}

}  // namespace
}  // namespace phi::policy
