// NAME
//   detectors_table - typed columns of delimited tables (CSV, TSV exports)
// SYNOPSIS
//   TableReader t;
//   std::vector<TableCell> cells;
//   t.line(lex, "mrn;last_name;dob;dx_code", cells);     // header: no cells
//   t.line(lex, "84525854;Pena;1955-07-17;G40909", cells);
//   // cells: mrn [0,8), name [9,13), dob [14,24), icd10 [25,31)
//   t.reset();                                            // end of part
// DESCRIPTION
//   A patient export often says what its values are only in the header row:
//   "mrn;last_name;dob;dx_code" above rows of bare numbers and codes that
//   no context word explains. TableReader takes a part's text one line at
//   a time. A line whose fields (split on the most frequent of , ; TAB |,
//   quotes honoured) include at least kMinTypedColumns known column names
//   (mrn, ssn, dob, member_id, claim_number, first_name, last_name,
//   dx_code, icd10, cpt, ndc, ...) starts a table; each following line with
//   the same number of fields is a row, and each value in a typed column
//   that passes that type's validator (SSN rules, a date, an ICD-10-CM code
//   of the shipped list, a CPT/HCPCS shape, an NDC layout, a name in the
//   name lists, an identifier of 5-24 characters with digits) becomes a
//   cell. A blank line or a line of another shape ends the table. The first
//   and last name columns of a row make one "name" cell.
//   Cells carry line-relative byte offsets and the Detector (type, role,
//   weight) they are evidence for.
// INPUT
//   Untrusted text. Lines longer than kMaxTableLine and headers with more
//   than kMaxColumns fields are not tables; work per line is linear.
// THREADS
//   One object per part; the detectors it points to are static.
#ifndef PHI_POLICY_DETECTORS_TABLE_H
#define PHI_POLICY_DETECTORS_TABLE_H

#include <cstddef>
#include <string_view>
#include <vector>

#include "policy/detectors.h"

namespace phi::policy {

inline constexpr size_t kMaxTableLine = 4096;  // longer lines are prose, not rows
inline constexpr size_t kMaxColumns = 64;      // header fields at most
inline constexpr size_t kMaxHeaderField = 40;  // a longer field is not a column name
inline constexpr int kMinTypedColumns = 2;     // known column names that make a header

enum class Column {
  None, Mrn, Ssn, Dob, MemberId, ClaimNumber, AccountNumber, Mbi, FirstName, LastName, FullName,
  ServiceDate, Phone, Icd10, Cpt, Ndc, Diagnosis, Medication
};

struct TableCell {
  const Detector* det = nullptr;  // static; type, role and weight of the evidence
  size_t from = 0, to = 0;        // line-relative
};

// The column a header field names ("Dx Code", "\"DOB\"", "member_id"), or None.
Column column_type(std::string_view header_field);

// Whether `value` is a valid entry of a `col` column.
bool check_cell(Column col, const Lexicon& lex, std::string_view value);

class TableReader {
 public:
  // One line without its line end. Appends the cells of a row to `out`.
  void line(const Lexicon& lex, std::string_view text, std::vector<TableCell>& out);
  void reset();
  bool in_table() const { return delim_ != 0; }

 private:
  bool try_header(std::string_view text);
  char delim_ = 0;
  std::vector<Column> cols_;
};

// Whether `line` holds a table delimiter (',', ';', TAB or '|'): the cheap
// test that lets the scan skip lines of prose outside a table.
bool has_delimiter(std::string_view line);
// Where the first of those delimiters is, or npos.
size_t find_delimiter(std::string_view text);

// The offset of the first '\n' in `text` (npos when none), and whether a
// table delimiter comes before it: one pass for the scan's line splitter.
size_t find_line_end(std::string_view text, bool* delimiter);

// Splits a delimited line into at most kMaxColumns + 1 fields (quotes
// honoured); offsets are of the field content inside the quotes, trimmed.
struct Field {
  size_t from = 0, to = 0;
};
std::vector<Field> split_fields(std::string_view line, char delim);

}  // namespace phi::policy

#endif
