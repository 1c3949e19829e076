// detectors_table - header-typed columns of delimited tables become findings.
#include "policy/detectors_table.h"

#include <array>
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <unordered_map>

#include "milter/util/strings.h"
#include "policy/validators.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace phi::policy {
namespace {

constexpr char kDelimiters[] = {',', ';', '\t', '|'};

bool is_delimiter(char c) { return c == ',' || c == ';' || c == '\t' || c == '|'; }

// Blanks a field is trimmed of (split_fields, has_long_run).
bool is_pad(char c) { return c == ' ' || c == '\r'; }

#ifdef __SSE2__
// 0xFF in each byte of x that is a table delimiter.
__m128i delimiter_bytes(__m128i x) {
  return _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(',')), _mm_cmpeq_epi8(x, _mm_set1_epi8(';'))),
                      _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\t')), _mm_cmpeq_epi8(x, _mm_set1_epi8('|'))));
}
#endif

// Header spellings after normalisation (lower case, runs of non-alnum -> '_').
const std::unordered_map<std::string_view, Column>& column_names() {
  static const std::unordered_map<std::string_view, Column> m = [] {
    std::unordered_map<std::string_view, Column> t;
    auto add = [&](Column c, std::initializer_list<std::string_view> names) {
      for (auto n : names) t.emplace(n, c);
    };
    add(Column::Mrn, {"mrn", "mrn_no", "mrn_number", "medical_record_number", "medical_record", "medical_record_no", "med_rec",
                      "med_rec_no", "chart_number", "chart_no", "patient_id", "pt_id", "patient_number", "patient_no",
                      "encounter_id"});
    add(Column::Ssn, {"ssn", "ssn_number", "social_security_number", "social_security", "ss_number", "soc_sec_no"});
    add(Column::Dob, {"dob", "date_of_birth", "birth_date", "birthdate", "birthday", "patient_dob", "member_dob"});
    add(Column::MemberId, {"member_id", "member_number", "member_no", "memberid", "subscriber_id", "subscriber_number",
                           "subscriber_no", "policy_number", "policy_no", "policy_id", "insurance_id", "medicaid_id",
                           "enrollee_id", "beneficiary_id"});
    add(Column::ClaimNumber, {"claim", "claim_number", "claim_no", "claim_id", "claimid"});
    add(Column::AccountNumber, {"account", "account_number", "account_no", "acct", "acct_no", "acct_number",
                                "patient_account", "guarantor_account"});
    add(Column::Mbi, {"mbi", "medicare_id", "medicare_number", "medicare_beneficiary_identifier"});
    add(Column::FirstName, {"first", "first_name", "firstname", "fname", "given_name", "given", "patient_first_name"});
    add(Column::LastName, {"last", "last_name", "lastname", "lname", "surname", "family_name", "patient_last_name"});
    add(Column::FullName, {"name", "patient", "patient_name", "full_name", "member_name", "pt_name", "beneficiary_name",
                           "subscriber_name", "insured_name", "client_name"});
    add(Column::ServiceDate, {"dos", "date_of_service", "service_date", "admit_date", "admission_date", "discharge_date",
                              "visit_date", "encounter_date"});
    add(Column::Phone, {"phone", "phone_number", "patient_phone", "home_phone", "mobile", "cell_phone"});
    add(Column::Icd10, {"dx", "dx_code", "dx_cd", "dx1", "dx_1", "dx2", "dx_2", "diagnosis_code", "diag_code", "icd10",
                        "icd_10", "icd10_code", "icd_10_code", "icd10cm", "icd_10_cm", "icd", "icd_code", "primary_dx",
                        "principal_dx", "primary_diagnosis_code"});
    add(Column::Cpt, {"cpt", "cpt_code", "cpt4", "hcpcs", "hcpcs_code", "procedure_code", "proc_code", "px_code"});
    add(Column::Ndc, {"ndc", "ndc_code", "ndc_number"});
    add(Column::Diagnosis, {"diagnosis", "dx_description", "dx_desc", "diagnosis_description", "condition", "problem",
                            "primary_diagnosis"});
    add(Column::Medication, {"medication", "drug", "drug_name", "medication_name", "rx"});
    return t;
  }();
  return m;
}

// The evidence each typed column gives (weights as the labelled detectors).
const Detector* column_detector(Column c) {
  using R = Role;
  static const std::array<Detector, 18> d = {
      Detector{},
      Detector{"mrn", R::Identifier, 0.9, "", 0, Check::Table},
      Detector{"ssn", R::Identifier, 1.0, "", 0, Check::Table},
      Detector{"dob", R::Identifier, 0.8, "", 0, Check::Table},
      Detector{"member_id", R::Identifier, 0.8, "", 0, Check::Table},
      Detector{"claim_number", R::Identifier, 0.7, "", 0, Check::Table},
      Detector{"account_number", R::Identifier, 0.5, "", 0, Check::Table},
      Detector{"mbi", R::Identifier, 1.0, "", 0, Check::Table},
      Detector{"name", R::Identifier, 0.6, "", 0, Check::Table},
      Detector{"name", R::Identifier, 0.6, "", 0, Check::Table},
      Detector{"name", R::Identifier, 0.6, "", 0, Check::Table},
      Detector{"date", R::Identifier, 0.3, "", 0, Check::Table},
      Detector{"phone", R::Identifier, 0.25, "", 0, Check::Table},
      Detector{"icd10", R::Health, 0.9, "", 0, Check::Table},
      Detector{"cpt", R::Health, 0.7, "", 0, Check::Table},
      Detector{"ndc", R::Health, 0.8, "", 0, Check::Table},
      Detector{},  // diagnosis and medication text is found by the dictionaries
      Detector{},
  };
  size_t i = size_t(c);
  return i < d.size() && !d[i].type.empty() ? &d[i] : nullptr;
}

// The delimiter the line holds most often (the first of kDelimiters on a
// tie), or 0. One pass: a header candidate is any line with a delimiter,
// which in clinical prose is most lines.
char pick_delimiter(std::string_view line) {
  std::array<size_t, 4> n{};
  size_t i = 0;
#ifdef __SSE2__
  // Per-byte counters (a compare gives -1, subtracted), summed by SAD before they can wrap.
  while (i + 16 <= line.size()) {
    __m128i acc[4] = {_mm_setzero_si128(), _mm_setzero_si128(), _mm_setzero_si128(), _mm_setzero_si128()};
    for (int round = 0; round < 255 && i + 16 <= line.size(); ++round, i += 16) {
      __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(line.data() + i));
      for (size_t k = 0; k < n.size(); ++k) acc[k] = _mm_sub_epi8(acc[k], _mm_cmpeq_epi8(x, _mm_set1_epi8(kDelimiters[k])));
    }
    for (size_t k = 0; k < n.size(); ++k) {
      __m128i sum = _mm_sad_epu8(acc[k], _mm_setzero_si128());
      n[k] += size_t(_mm_cvtsi128_si32(sum)) + size_t(_mm_cvtsi128_si32(_mm_srli_si128(sum, 8)));
    }
  }
#endif
  for (; i < line.size(); ++i)
    for (size_t k = 0; k < n.size(); ++k) n[k] += line[i] == kDelimiters[k];
  size_t best = 0;
  char delim = 0;
  for (size_t k = 0; k < n.size(); ++k)
    if (n[k] > best) best = n[k], delim = kDelimiters[k];
  return delim;
}

// An identifier value: 5-24 letters, digits and dashes with at least 3 digits.
bool id_value(std::string_view v) {
  if (v.size() < 5 || v.size() > 24) return false;
  size_t digits = 0;
  for (char c : v) {
    if (!is_alnum(c) && c != '-') return false;
    digits += is_digit(c);
  }
  return digits >= 3;
}

bool date_value(std::string_view v) {
  size_t used = 0;
  return parse_date(v, &used) && trim(v.substr(used)).empty();
}

bool cpt_value(std::string_view v) {
  if (v.size() != 5) return false;
  for (size_t i = 1; i < 4; ++i)
    if (!is_digit(v[i])) return false;
  if (is_digit(v[0]) && is_digit(v[4])) {
    int n = 0;
    std::from_chars(v.data(), v.data() + 5, n);
    return n >= 100 && n <= 99607;
  }
  if (is_digit(v[0])) return v[4] == 'F' || v[4] == 'T' || v[4] == 'U';
  return v[0] >= 'A' && v[0] <= 'V' && is_digit(v[4]);
}

bool icd_value(const Lexicon& lex, std::string_view v) {
  if (v.size() < 3 || v.size() > 8 || !is_upper(v[0])) return false;
  std::string code;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '.' && i == 3) continue;
    if (!is_digit(v[i]) && !is_upper(v[i])) return false;
    code += v[i];
  }
  return code.size() <= 7 && icd_known(lex, code);
}

// "Maria", "Peña", "O'Brien": one capitalised word.
bool name_word(const NameSet& list, std::string_view v) {
  if (v.empty() || v.size() > 32 || !(is_upper(v[0]) || static_cast<unsigned char>(v[0]) >= 0x80)) return false;
  return known_name(list, v);
}

// "Maria Gonzalez", "Gonzalez, Maria", "Maria R. Gonzalez": two or three
// words, every word a listed first name or surname.
bool full_name(const Lexicon& lex, std::string_view v) {
  int words = 0;
  size_t i = 0;
  while (i < v.size()) {
    while (i < v.size() && (v[i] == ' ' || v[i] == ',')) ++i;
    size_t b = i;
    while (i < v.size() && v[i] != ' ' && v[i] != ',') ++i;
    std::string_view w = v.substr(b, i - b);
    if (w.empty()) break;
    if (w.size() == 2 && w[1] == '.') continue;  // middle initial
    if (++words > 3) return false;
    if (!name_word(lex.first_names, w) && !name_word(lex.surnames, w)) return false;
  }
  return words >= 2;
}

}  // namespace

Column column_type(std::string_view field) {
  field = trim(field);
  if (field.size() >= 2 && field.front() == '"' && field.back() == '"') field = trim(field.substr(1, field.size() - 2));
  if (field.empty() || field.size() > kMaxHeaderField) return Column::None;
  std::string n;
  for (char c : field) {
    if (is_alnum(c)) n += ascii_lower(c);
    else if (!n.empty() && n.back() != '_') n += '_';
  }
  while (!n.empty() && n.back() == '_') n.pop_back();
  auto it = column_names().find(n);
  return it == column_names().end() ? Column::None : it->second;
}

bool check_cell(Column col, const Lexicon& lex, std::string_view v) {
  v = trim(v);
  switch (col) {
    case Column::Mrn:
    case Column::MemberId:
    case Column::ClaimNumber:
    case Column::AccountNumber: return id_value(v);
    case Column::Ssn: {
      for (char c : v)
        if (!is_digit(c) && c != '-' && c != ' ') return false;
      std::string d = digits_of(v);
      return d.size() == 9 && check_ssn(d);
    }
    case Column::Mbi: return check_mbi(v);
    case Column::Dob:
    case Column::ServiceDate: return date_value(v);
    case Column::FirstName: return name_word(lex.first_names, v);
    case Column::LastName: return name_word(lex.surnames, v);
    case Column::FullName: return full_name(lex, v);
    case Column::Phone: {
      std::string d = digits_of(v);
      if (d.size() == 11 && d[0] == '1') d.erase(0, 1);
      return d.size() == 10 && check_phone(d);
    }
    case Column::Icd10: return icd_value(lex, v);
    case Column::Cpt: return cpt_value(v);
    case Column::Ndc: return check_ndc(v);
    default: return false;
  }
}

std::vector<Field> split_fields(std::string_view line, char delim) {
  std::vector<Field> out;
  size_t i = 0;
  while (out.size() <= kMaxColumns) {
    while (i < line.size() && is_pad(line[i])) ++i;
    Field f{i, i};
    if (i < line.size() && line[i] == '"') {  // quoted: up to the closing quote ("" is a quote)
      f.from = ++i;
      while (i < line.size() && !(line[i] == '"' && (i + 1 >= line.size() || line[i + 1] != '"'))) i += line[i] == '"' ? 2 : 1;
      f.to = std::min(i, line.size());
      while (i < line.size() && line[i] != delim) ++i;
    } else {
      while (i < line.size() && line[i] != delim) ++i;
      f.to = i;
      while (f.to > f.from && is_pad(line[f.to - 1])) --f.to;
    }
    out.push_back(f);
    if (i >= line.size()) break;
    ++i;  // the delimiter
  }
  return out;
}

namespace {

// The longest run between delimiters, blanks trimmed, that can still hold
// a column name: one in quotes on a line with a quote, else (runs are the
// fields) one without.
size_t run_limit(std::string_view text) {
  return text.find('"') == std::string_view::npos ? kMaxHeaderField : kMaxHeaderField + 2;
}

// The length of text[from, to) without its leading and trailing blanks.
size_t trimmed_length(std::string_view text, size_t from, size_t to) {
  while (from < to && is_pad(text[from])) ++from;
  while (to > from && is_pad(text[to - 1])) --to;
  return to - from;
}

// Whether some run between delimiters is longer than `limit`
// (run_limit()): then no field of the line can be a column name, however
// quotes join the runs. Prose with a comma mostly ends here, with no
// allocation.
bool has_long_run(std::string_view text, char delim, size_t limit) {
  size_t a = 0;
  while (a <= text.size()) {
    size_t b = text.find(delim, a);
    if (b == std::string_view::npos) b = text.size();
    if (trimmed_length(text, a, b) > limit) return true;
    a = b + 1;
  }
  return false;
}

// Whether the run before the first delimiter of any kind, or the one after
// the last, is too long for a column name. Whatever delimiter
// pick_delimiter() chooses, the line's first and last runs between its
// delimiters contain these, so has_long_run() would say yes: a cheap
// answer for the prose lines that carry a comma or a semicolon.
bool long_outer_run(std::string_view text, size_t limit) {
  size_t first = find_delimiter(text);
  if (first == std::string_view::npos) return false;
  if (trimmed_length(text, 0, first) > limit) return true;
  size_t last = text.size();
  while (last > first + 1 && !is_delimiter(text[last - 1])) --last;
  return trimmed_length(text, last, text.size()) > limit;
}

}  // namespace

bool TableReader::try_header(std::string_view text) {
  size_t limit = run_limit(text);
  if (long_outer_run(text, limit)) return false;
  char delim = pick_delimiter(text);
  if (!delim || has_long_run(text, delim, limit)) return false;
  auto fields = split_fields(text, delim);
  if (fields.size() < 2 || fields.size() > kMaxColumns) return false;
  std::vector<Column> cols;
  int typed = 0;
  for (const auto& f : fields) {
    if (f.to - f.from > kMaxHeaderField) return false;
    cols.push_back(column_type(text.substr(f.from, f.to - f.from)));
    typed += cols.back() != Column::None;
  }
  if (typed < kMinTypedColumns) return false;
  delim_ = delim;
  cols_ = std::move(cols);
  return true;
}

void TableReader::line(const Lexicon& lex, std::string_view text, std::vector<TableCell>& out) {
  if (text.size() > kMaxTableLine) return reset();
  if (!in_table()) {
    try_header(text);
    return;
  }
  auto fields = split_fields(text, delim_);
  if (fields.size() != cols_.size()) {  // another shape: the table has ended (maybe a new one starts)
    reset();
    try_header(text);
    return;
  }
  size_t name_from = SIZE_MAX, name_to = 0;
  for (size_t k = 0; k < fields.size(); ++k) {
    Column c = cols_[k];
    const Detector* det = column_detector(c);
    std::string_view v = text.substr(fields[k].from, fields[k].to - fields[k].from);
    if (!det || !check_cell(c, lex, v)) continue;
    if (det->type == "name") {  // first and last name columns of a row make one name
      name_from = std::min(name_from, fields[k].from);
      name_to = std::max(name_to, fields[k].to);
      continue;
    }
    out.push_back(TableCell{det, fields[k].from, fields[k].to});
  }
  if (name_from < name_to) out.push_back(TableCell{column_detector(Column::FullName), name_from, name_to});
}

void TableReader::reset() {
  delim_ = 0;
  cols_.clear();
}

// Where the first table delimiter (',', ';', tab or '|') of `text` is, or
// npos: sixteen bytes at a time with SSE2, else eight by SWAR. Most lines
// of prose have none and are skipped whole.
size_t find_delimiter(std::string_view text) {
  size_t i = 0;
#ifdef __SSE2__
  auto block = [&](size_t at) { return delimiter_bytes(_mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + at))); };
  // 64 bytes per test while none is found (long prose has few delimiters).
  for (; i + 64 <= text.size(); i += 64)
    if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(block(i), block(i + 16)), _mm_or_si128(block(i + 32), block(i + 48)))))
      break;
  for (; i + 16 <= text.size(); i += 16)
    if (unsigned m = unsigned(_mm_movemask_epi8(block(i)))) return i + size_t(std::countr_zero(m));
#endif
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
  auto zero_byte = [](uint64_t x) { return (x - kOnes) & ~x & kHighs; };
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t x;
    std::memcpy(&x, text.data() + i, 8);
    if (zero_byte(x ^ (kOnes * ',')) | zero_byte(x ^ (kOnes * ';')) | zero_byte(x ^ (kOnes * '\t')) | zero_byte(x ^ (kOnes * '|')))
      break;  // one of these eight
  }
  for (; i < text.size(); ++i)
    if (is_delimiter(text[i])) return i;
  return std::string_view::npos;
}

bool has_delimiter(std::string_view line) { return find_delimiter(line) != std::string_view::npos; }

size_t find_line_end(std::string_view text, bool* delimiter) {
  size_t i = 0;
  bool seen = false;
#ifdef __SSE2__
  const __m128i nl = _mm_set1_epi8('\n');
  for (; i + 16 <= text.size(); i += 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
    unsigned d = unsigned(_mm_movemask_epi8(delimiter_bytes(x)));
    unsigned n = unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(x, nl)));
    if (n) {
      *delimiter = seen || (d & ((n & -n) - 1));  // a delimiter before the first line feed
      return i + size_t(std::countr_zero(n));
    }
    seen = seen || d;
  }
#endif
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') break;
    seen = seen || is_delimiter(c);
  }
  *delimiter = seen;
  return i < text.size() ? i : std::string_view::npos;
}

}  // namespace phi::policy
