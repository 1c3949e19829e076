// NAME
//   validators - check that a candidate identifier or code is real
// SYNOPSIS
//   bool check_ssn(std::string_view digits9);        // area/group/serial rules
//   bool check_itin(std::string_view digits9);
//   bool check_mbi(std::string_view token);          // 11 chars, dashes optional
//   bool check_hicn_suffix(std::string_view bic);
//   bool check_luhn(std::string_view digits);
//   bool check_npi(std::string_view digits10);       // Luhn over 80840 + NPI
//   bool check_dea(std::string_view token9);         // letters + checksum
//   bool check_credit_card(std::string_view token);  // 13-19 digits, Luhn, IIN
//   bool check_ndc(std::string_view token);          // 4-4-2, 5-3-2, 5-4-1, 5-4-2
//   bool check_phone(std::string_view digits10);     // NANP area/exchange
//   std::optional<Date> parse_date(std::string_view text, size_t* used);
//   std::string mask_excerpt(std::string_view value);
// DESCRIPTION
//   Pure checks used by the detectors after a pattern hit. Each takes the
//   candidate as it appears in text (separators allowed where the format has
//   them) and answers whether it can be a real identifier: e.g. SSNs with
//   area 000, 666 or 900-999, group 00, serial 0000, or one of the published
//   example numbers are rejected. mask_excerpt hides every letter and digit
//   but at most the last four (never more than half of them), keeping
//   separators, so "123-45-6789" becomes "***-**-6789".
// INPUT
//   Untrusted; every function bounds-checks its argument.
// THREADS
//   Pure; any thread.
#ifndef PHI_POLICY_VALIDATORS_H
#define PHI_POLICY_VALIDATORS_H

#include <optional>
#include <string>
#include <string_view>

namespace phi::policy {

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
inline bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
inline bool is_alpha(char c) { return is_upper(c) || is_lower(c); }
inline bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }

// Digits of `s` only (separators dropped); at most `max` digits.
std::string digits_of(std::string_view s, size_t max = 32);

bool check_ssn(std::string_view digits9);
bool check_itin(std::string_view digits9);
bool check_mbi(std::string_view token);
bool check_hicn_suffix(std::string_view bic);
bool check_luhn(std::string_view digits);
bool check_npi(std::string_view digits10);
bool check_dea(std::string_view token9);
bool check_credit_card(std::string_view token);
bool check_ndc(std::string_view token);
bool check_phone(std::string_view digits10);

struct Date {
  int year = 0, month = 0, day = 0;
};
// Parses a date at the start of `text`: MM/DD/YYYY, M/D/YY, MM-DD-YYYY,
// YYYY-MM-DD, "March 4, 1962", "4 Mar 1962", "Mar 4 1962". Sets *used to
// the bytes consumed.
std::optional<Date> parse_date(std::string_view text, size_t* used);

std::string mask_excerpt(std::string_view value);

}  // namespace phi::policy

#endif
