// NAME
//   detectors - the pattern table and the validators run around each hit
// SYNOPSIS
//   Lexicon lex = ...;                                   // loaded word lists
//   std::vector<Detector> d = builtin_detectors(lex);
//   Result<std::vector<Detector>> s = parse_custom_detectors(text, file);
//   std::optional<Candidate> c = check_hit(d[id], lex, window, from, to);
// DESCRIPTION
//   A Detector is one Hyperscan expression (compiled with SOM_LEFTMOST) or
//   one term of the term index (dict: dictionary words, labels, street
//   suffixes) plus the check that turns a hit into a finding: identifier validators,
//   context words, label parsing (the value after "MRN:", "DOB:",
//   "Patient:" ...), name-list lookups and dictionary boundaries. Hit
//   offsets are relative to `window`; the check may read up to
//   kLeftContext bytes before and kRightContextBytes after the hit, and
//   returns the extent of the value it found (which for label detectors is
//   the value, not the label).
// INPUT
//   Window text is untrusted; custom detector files are admin input and
//   every error names file:line.
// THREADS
//   Pure; any thread.
#ifndef PHI_POLICY_DETECTORS_H
#define PHI_POLICY_DETECTORS_H

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "milter/util/result.h"
#include "policy/classifier.h"
#include "policy/name_set.h"

namespace phi::policy {

inline constexpr size_t kLeftContext = 96;  // bytes before a hit that checks may read

enum class Check {
  SsnSeparated, SsnBare, Mbi, Hicn, LabelId, LabelDate, LabelName, NameList, NameReversed, Phone, Email, Address,
  Icd10, Ndc, Cpt, Hcpcs, Npi, Dea, CreditCard, Term, Medication, LabTest, LabValue, Table, Custom
};

struct Detector {
  Detector() = default;
  Detector(std::string t, Role r, double w, std::string re, unsigned f, Check c, int a = 0)
      : type(std::move(t)), role(r), weight(w), regex(std::move(re)), flags(f), check(c), arg(a) {}
  std::string type;    // finding type (category)
  Role role = Role::Identifier;
  double weight = 0;
  std::string regex;   // Hyperscan syntax
  unsigned flags = 0;  // HS_FLAG_* besides SOM_LEFTMOST
  Check check = Check::Custom;
  int arg = 0;         // check-specific (label strength, term length, ...)
  bool som = true;     // Hyperscan reports the start (else the check finds it, or width gives it)
  unsigned width = 0;  // every match is this long (set by Classifier::build; then som is off)
  // Built-in patterns that only narrow another's (ITIN's "9" + SSN's shape)
  // are not compiled: rides_on names the wider detector, and this one's
  // check runs on each of the wider one's matches, before the wider one's
  // own check. Each check still decides alone.
  int rides_on = -1;
  int also = -1;  // the detector that rides on this one (set by Classifier::build), or -1
  bool dict = false;   // a dictionary term: matched by TermIndex, not compiled into Hyperscan
  std::string term;    // the lower-case term when dict
  bool capitals = false;  // the term was written in capitals ("AIDS"): it matches only in capitals
  bool document = false;  // a care document's name: in a Subject, not evidence that the Subject holds PHI
  std::string where;   // "file:line" for site detectors, for compile errors
  unsigned type_id = 0;  // index of `type` in ClassifierData::types (set by Classifier::build)
};

struct Lexicon {
  NameSet first_names, surnames;                          // lower case
  std::vector<std::string> icd_codes;                     // sorted, no dot
  std::vector<uint64_t> icd_packed;                       // the same by icd_pack(), sorted; empty when one does not pack
  // As written in the lists: lower case, or in capitals for a term that
  // matches only in capitals (an acronym that is also a word: "AIDS").
  std::vector<std::string> conditions, medications, procedures, lab_tests;
  // The names of care documents ("discharge summary"): found as procedures,
  // but alone in a Subject they do not make it part of the PHI.
  std::vector<std::string> care_documents;
  std::vector<std::string> lab_values;  // lab abbreviations that count only with a value after them
};

struct Candidate {
  size_t from = 0, to = 0;  // window-relative extent of the value
  double weight = 0;
};

std::vector<Detector> builtin_detectors(const Lexicon& lex);

// Parses "name role weight regex" lines ('#' comments, blank lines ignored).
Result<std::vector<Detector>> parse_custom_detectors(std::string_view text, const std::string& file);

// One dictionary term as a regular expression (the naive baseline of
// bench/classifier_bench uses it; the classifier matches terms with TermIndex).
std::string term_regex(std::string_view term);

// Whether `code` (ICD-10-CM without the dot) is, or begins, a code of the shipped list.
bool icd_known(const Lexicon& lex, std::string_view code);
// Where the built-in ICD-10 pattern's leftmost match ending at `to` starts
// (what Hyperscan's start of match would say), or npos.
size_t icd10_start(std::string_view win, size_t to);
// The same for the built-in phone pattern.
size_t phone_start(std::string_view win, size_t to);
// A code of up to 7 digits and capitals as one integer in the codes' order
// (6 bits a character, first character highest), or nullopt.
std::optional<uint64_t> icd_pack(std::string_view code);

// A name word lower-cased with Latin-1 accents (UTF-8) folded to ASCII, as
// the name lists spell it ("Pe\xc3\xb1a" -> "pena"); "" when it has other bytes.
std::string fold_name(std::string_view word);

std::optional<Candidate> check_hit(const Detector& d, const Lexicon& lex, std::string_view win, size_t from, size_t to);

}  // namespace phi::policy

#endif
