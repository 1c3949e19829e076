// NAME
//   labelled - small helpers for the readers that write data files as labelled text (X12, HL7, XML)
// SYNOPSIS
//   split_on("DOE^JANE", '^') == {"DOE", "JANE"};  title_case("DOE") == "Doe";
//   iso_date("196203141200") == "1962-03-14";  icd10_code("E119") == "E11.9";
// DESCRIPTION
//   The health-care interchange formats write names in capitals, dates as
//   CCYYMMDD and ICD-10 codes without their period; the classifier reads
//   names as they are written in prose, labelled dates and dotted codes.
//   split_on: every piece between separators, empty ones too (a field's
//   position is its meaning). title_case: capitals after the first of
//   each word lowered ("O'BRIEN-SMITH" -> "O'brien-Smith"), Latin-1's in
//   UTF-8 too ("MÜLLER" -> "Müller"). iso_date: the
//   first eight characters as a date when they are digits with a month
//   and a day in range, whatever follows (a time, a zone), else "" (the
//   caller writes the value as it is; as_iso_date does). icd10_code: a period after the third character of a code that
//   starts with a letter and has none.
// THREADS
//   Pure functions.
#ifndef PHI_MIME_LABELLED_H
#define PHI_MIME_LABELLED_H

#include <string>
#include <string_view>
#include <vector>

namespace phi::mime {

std::vector<std::string_view> split_on(std::string_view s, char sep);
std::string title_case(std::string_view w);
std::string iso_date(std::string_view d);
std::string as_iso_date(std::string_view d);  // iso_date(d), or d as it is when it is no date
std::string icd10_code(std::string_view code);

}  // namespace phi::mime

#endif
