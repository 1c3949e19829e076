// classifier - the Hyperscan database and term index of all detectors, a scratch pool, and the per-message Scan.
#include "policy/classifier.h"

#include <hs/hs.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <fstream>
#include <map>
#include <set>

#include "milter/util/c_ptr.h"
#include "milter/util/strings.h"
#include "policy/classifier_internal.h"
#include "policy/validators.h"

namespace phi::policy {

constexpr size_t kMaxDictionaryBytes = 16 << 20;  // a word list larger than this is refused
constexpr size_t kMaxTermBytes = 120;

namespace {

// How a word list's entries are kept: as written (codes), in lower case
// (names), or in lower case but for an entry in capitals (terms: "AIDS"
// matches only in capitals).
enum class Case { AsWritten, Lower, Terms };

// An entry with a capital letter and no lower-case one.
bool all_capitals(std::string_view t) {
  return std::any_of(t.begin(), t.end(), is_upper) && std::none_of(t.begin(), t.end(), is_lower);
}

// Reads a one-entry-a-line file; '#' lines and blank lines are skipped.
Result<std::vector<std::string>> load_word_list(const std::string& path, Case how) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot open: " + std::strerror(errno)};
  std::vector<std::string> out;
  std::string line;
  size_t total = 0, line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    total += line.size() + 1;
    if (total > kMaxDictionaryBytes) return Error{path + ": larger than 16 MiB"};
    std::string_view t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    if (t.size() > kMaxTermBytes) return Error{path + ":" + std::to_string(line_no) + ": entry longer than 120 bytes"};
    bool lower = how == Case::Lower || (how == Case::Terms && !all_capitals(t));
    out.push_back(lower ? to_lower(t) : std::string(t));
  }
  if (in.bad()) return Error{path + ": read error"};
  return out;
}

Result<void> load_shipped(Lexicon& lex, const std::string& dir) {
  struct { const char* file; std::vector<std::string>* into; Case how; } lists[] = {
      {"icd10cm_codes.txt", &lex.icd_codes, Case::AsWritten}, {"conditions.txt", &lex.conditions, Case::Terms},
      {"medications.txt", &lex.medications, Case::Terms},    {"procedures.txt", &lex.procedures, Case::Terms},
      {"lab_tests.txt", &lex.lab_tests, Case::Terms},        {"lab_values.txt", &lex.lab_values, Case::Terms},
      {"care_documents.txt", &lex.care_documents, Case::Terms},
  };
  for (auto& l : lists) {
    auto r = load_word_list(dir + "/" + l.file, l.how);
    if (!r) return r.error();
    *l.into = std::move(*r);
  }
  std::sort(lex.icd_codes.begin(), lex.icd_codes.end());
  for (const auto& c : lex.icd_codes) {
    auto v = icd_pack(c);
    if (!v) {  // not a code shape: icd_known() searches the strings
      lex.icd_packed.clear();
      break;
    }
    lex.icd_packed.push_back(*v);
  }
  std::sort(lex.icd_packed.begin(), lex.icd_packed.end());
  for (auto [file, set] : {std::pair{"first_names.txt", &lex.first_names}, std::pair{"surnames.txt", &lex.surnames}}) {
    auto r = load_word_list(dir + "/" + file, Case::Lower);
    if (!r) return r.error();
    set->insert(r->begin(), r->end());
  }
  return Ok();
}

// "TYPE=/path": adds the file's terms to one of the lexicon's lists.
Result<void> load_site_dictionary(Lexicon& lex, const std::string& item) {
  auto eq = item.find('=');
  if (eq == std::string::npos) return Error{"\"" + item + "\": expected TYPE=/path"};
  std::string type = item.substr(0, eq), path = item.substr(eq + 1);
  std::vector<std::string>* into = nullptr;
  if (type == "diagnosis_term") into = &lex.conditions;
  else if (type == "medication") into = &lex.medications;
  else if (type == "procedure") into = &lex.procedures;
  else if (type == "lab_result") into = &lex.lab_tests;
  else if (type == "lab_value") into = &lex.lab_values;
  else if (type == "care_document") into = &lex.care_documents;
  else if (type != "first_name" && type != "surname")
    return Error{"\"" + type + "\": dictionary type must be diagnosis_term, medication, procedure, care_document, "
                 "lab_result, lab_value, first_name or surname"};
  auto r = load_word_list(path, into ? Case::Terms : Case::Lower);
  if (!r) return r.error();
  if (into) into->insert(into->end(), r->begin(), r->end());
  else (type == "first_name" ? lex.first_names : lex.surnames).insert(r->begin(), r->end());
  return Ok();
}

// The shortest and longest match of a pattern detector, from Hyperscan.
struct Widths {
  unsigned min, max;
};
Result<Widths> widths_of(const Detector& d) {
  hs_expr_info_t* info = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_expression_info(d.regex.c_str(), d.flags, &info, &err) != HS_SUCCESS) {
    std::string msg = err ? err->message : "invalid expression";
    hs_free_compile_error(err);
    return Error{msg};
  }
  Widths w{info->min_width, info->max_width};
  std::free(info);
  return w;
}

Result<void> check_width(const Detector& d) {
  auto w = widths_of(d);
  if (!w) return w.error();
  if (w->max > kMaxMatchBytes)
    return Error{"pattern may match more than " + std::to_string(kMaxMatchBytes) + " bytes; bound its repeats"};
  if (w->min == 0) return Error{"pattern can match the empty string"};
  return Ok();
}

// Gives every finding type an id and the verdict flags its findings set,
// so a scan compares integers, not strings. The table reader's types are
// all built-in types, so they are here too.
void index_types(ClassifierData& data) {
  static const std::set<std::string, std::less<>> kSensitive = {"ssn", "itin", "mbi", "hicn", "mrn", "member_id",
                                                                "account_number", "claim_number", "dob", "credit_card"};
  // Identifiers that say on their own that their holder is a patient or a
  // health plan's member: a Medicare number (MBI, HICN), a medical record
  // number (HIPAA's identifiers; issued only by a provider).
  static const std::set<std::string, std::less<>> kAlone = {"mbi", "hicn", "mrn"};
  for (auto& d : data.detectors) {
    auto [it, fresh] = data.type_ids.try_emplace(d.type, unsigned(data.types.size()));
    if (fresh) data.types.push_back({d.type, kSensitive.count(d.type) > 0, kAlone.count(d.type) > 0});
    d.type_id = it->second;
  }
}

// A pattern whose every match has one length needs no start of match from
// Hyperscan (which costs it about 5% on clinical text): the check takes
// the start as end minus width.
void use_fixed_widths(std::vector<Detector>& detectors) {
  for (auto& d : detectors) {
    if (d.dict || !d.som) continue;
    auto w = widths_of(d);  // an invalid expression: hs_compile_multi reports it
    if (w && w->min == w->max && w->min > 0) {
      d.width = w->min;
      d.som = false;
    }
  }
}

Result<void> compile(ClassifierData& data) {
  index_types(data);
  use_fixed_widths(data.detectors);
  std::vector<const char*> exprs;
  std::vector<unsigned> flags, ids;
  for (size_t i = 0; i < data.detectors.size(); ++i) {
    if (data.detectors[i].dict) {
      data.terms.add(data.detectors[i].term, unsigned(i));
      continue;
    }
    if (int wide = data.detectors[i].rides_on; wide >= 0) {
      data.detectors[size_t(wide)].also = int(i);
      continue;
    }
    exprs.push_back(data.detectors[i].regex.c_str());
    flags.push_back(data.detectors[i].flags | (data.detectors[i].som ? HS_FLAG_SOM_LEFTMOST : 0u));
    ids.push_back(unsigned(i));
  }
  data.terms.finish();
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(exprs.data(), flags.data(), ids.data(), unsigned(exprs.size()), HS_MODE_BLOCK, nullptr, &db, &err) !=
      HS_SUCCESS) {
    std::string msg = err ? err->message : "unknown error";
    int at = err ? err->expression : -1;
    hs_free_compile_error(err);
    if (at >= 0 && size_t(at) < exprs.size()) {
      const auto& d = data.detectors[ids[size_t(at)]];
      return Error{(d.where.empty() ? "built-in detector " + d.type : d.where) + ": " + msg};
    }
    return Error{"pattern database: " + msg};
  }
  data.db.reset(db);
  hs_scratch_t* scratch = nullptr;
  if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS) return Error{"pattern database: cannot allocate scratch"};
  data.prototype.reset(scratch);
  return Ok();
}

Result<void> load_custom_detectors(ClassifierData& data, const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error{file + ": cannot open: " + std::strerror(errno)};
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() > kMaxDictionaryBytes) return Error{file + ": larger than 16 MiB"};
  auto ds = parse_custom_detectors(text, file);
  if (!ds) return ds.error();
  for (auto& d : *ds) {
    auto w = check_width(d);
    if (!w) return w.error().context(d.where);
    data.detectors.push_back(std::move(d));
  }
  return Ok();
}

}  // namespace

Result<std::shared_ptr<const Classifier>> Classifier::build(const ClassifierOptions& opts) {
  auto data = std::make_unique<ClassifierData>();
  auto r = load_shipped(data->lex, opts.data_dir);
  if (!r) return r.error();
  for (const auto& item : opts.dictionary_files) {
    auto s = load_site_dictionary(data->lex, item);
    if (!s) return s.error();
  }
  data->detectors = builtin_detectors(data->lex);
  if (!opts.detectors_file.empty()) {
    auto c = load_custom_detectors(*data, opts.detectors_file);
    if (!c) return c.error();
  }
  auto c = compile(*data);
  if (!c) return c.error();
  std::shared_ptr<Classifier> cl(new Classifier());
  cl->data_ = std::move(data);
  return std::shared_ptr<const Classifier>(std::move(cl));
}

Classifier::~Classifier() = default;

size_t Classifier::pattern_count() const { return data_->detectors.size(); }

std::vector<std::string> Classifier::category_names() const {
  std::vector<std::string> out;
  for (const auto& t : data_->types) out.push_back(t.name);
  std::sort(out.begin(), out.end());
  return out;
}

std::unique_ptr<Scan> Classifier::start(Findings findings) const { return std::make_unique<Scan>(*this, findings); }


}  // namespace phi::policy
