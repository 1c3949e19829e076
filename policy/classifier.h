// NAME
//   classifier - find PHI and PII in decoded message text
// SYNOPSIS
//   auto c = Classifier::build(ClassifierOptions{.data_dir = PHI_PKGDATADIR});
//   auto scan = (*c)->start();                       // one per message
//   auto scan = (*c)->start(Findings::Skip);          // verdict only (the daemon)
//   scan->text("1.1", TextField::Body, chunk);       // chunks in order
//   scan->end_part("1.1");
//   scan->uninspected("1.3", "application/pdf");
//   Verdict v = scan->finish();
// DESCRIPTION
//   Classifier::build loads the shipped dictionaries from data_dir (ICD-10-CM
//   codes, conditions, medications, procedures, lab tests, first names,
//   surnames), the site dictionaries and the site regex detectors, and
//   compiles every regex detector (built-in and site) into ONE Hyperscan
//   block-mode database; dictionary terms, label words ("MRN", "date of
//   birth", "Patient") and street suffixes go into a term index
//   (detectors_dict.h) instead, because as caseless literals in the same
//   database they cost most of its speed. Both run over each window and
//   their hits are merged in text order. Hits are only candidates: each is checked by a validator
//   (area/group/serial rules, Luhn, checksums, code lists, context words,
//   labels) that looks at a bounded neighbourhood of the hit.
//   A Scan keeps a bounded sliding window per part (kWindowBytes plus a
//   kCarryBytes tail of the previous window), so memory per message is
//   bounded whatever its size and a token split across chunks is still found.
//   A Verdict says phi when a patient identifier and health information lie
//   within kProximityBytes of each other in one part (or one of them is in
//   the Subject, a filename or a display name), or an MBI, a HICN or a
//   medical record number is present (each says its holder is a patient);
//   pii when a sensitive identifier is present. Findings carry part, offset,
//   length and a masked excerpt only: no identifier is ever stored whole.
//   start(Findings::Skip) builds no Finding at all (the daemon reads only
//   phi, pii, score, categories and uninspected; test mode prints findings):
//   everything else in the Verdict is the same, findings stays empty and
//   findings_truncated false.
//   Site extensions: ClassifierOptions::detectors_file holds lines
//   "name role weight regex" (role: identifier|health|provider|pii, weight
//   0..1, regex in Hyperscan syntax, at most kMaxMatchBytes wide);
//   dictionary_files holds "TYPE=/path" items whose files list one term a
//   line (TYPE: diagnosis_term, medication, procedure, lab_result,
//   lab_value, first_name or surname). Terms match case-insensitively,
//   but one written in capitals only ("AIDS") matches only in capitals;
//   lab abbreviations in the shipped lab_values.txt ("ALT", "Hgb", "Cr")
//   and in lab_value files count (as lab_result) only with a value after
//   them. Errors name file:line.
// INPUT
//   Text is untrusted UTF-8 (invalid bytes are tolerated). At most
//   kMaxFindings findings are kept per message (categories keep counting).
// THREADS
//   A Classifier is immutable and shared by all threads; its scratch pool is
//   internally locked. A Scan belongs to one message and must not be used by
//   two threads at once (it may move between threads).
#ifndef PHI_POLICY_CLASSIFIER_H
#define PHI_POLICY_CLASSIFIER_H

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "milter/util/result.h"

namespace phi::policy {

inline constexpr size_t kWindowBytes = 64 * 1024;   // text scanned per Hyperscan call
inline constexpr size_t kCarryBytes = 1024;         // tail kept from the previous window
inline constexpr size_t kRightContextBytes = 256;   // hits this close to a window end wait for more text
inline constexpr size_t kMaxMatchBytes = 384;       // widest pattern a detector may have
inline constexpr size_t kMaxFindings = 2000;        // findings kept per message
inline constexpr uint64_t kProximityBytes = 3000;   // identifier and health info "about the same person"
inline constexpr size_t kMaxPartName = 64;          // longer part names are cut

enum class TextField { Body, Subject, Filename, DisplayName };

// Whether a Scan keeps each finding (with its masked excerpt) in the Verdict.
enum class Findings { Keep, Skip };

// What a finding is evidence of.
enum class Role { Identifier, Health, Provider, Pii };

struct Finding {
  std::string type;     // ssn, mbi, icd10, ... or a site detector's name
  std::string part;     // the part name given to Scan::text
  uint64_t offset = 0;  // byte offset in that part's text
  uint32_t length = 0;  // bytes
  std::string excerpt;  // masked: all but at most the last 4 characters hidden
  TextField field = TextField::Body;
  double weight = 0;    // evidence strength 0..1
  Role role = Role::Identifier;
};

struct Verdict {
  bool phi = false, pii = false;
  double score = 0;
  bool phi_in_subject = false;
  std::map<std::string, int> categories;
  std::vector<Finding> findings;
  std::vector<std::pair<std::string, std::string>> uninspected;  // part, reason
  bool findings_truncated = false;                               // more than kMaxFindings
};

struct ClassifierOptions {
  std::string data_dir;                        // compiled dictionaries (policy/data, installed to pkgdatadir)
  std::vector<std::string> dictionary_files;   // site dictionaries, "TYPE=/path"
  std::string detectors_file;                  // site regex detectors ("" = none)
};

class Scan;
struct ClassifierData;

class Classifier {
 public:
  static Result<std::shared_ptr<const Classifier>> build(const ClassifierOptions& opts);
  std::unique_ptr<Scan> start(Findings findings = Findings::Keep) const;
  size_t pattern_count() const;
  // Every category a finding can have (built-in detector types and the
  // CustomDetectors names), sorted: what a policy's "category" may name.
  std::vector<std::string> category_names() const;
  ~Classifier();

  // Internal: shared with Scan (defined in classifier.cc).
  const ClassifierData& data() const { return *data_; }

 private:
  Classifier() = default;
  std::unique_ptr<ClassifierData> data_;
};

struct ScanState;

class Scan {
 public:
  explicit Scan(const Classifier& c, Findings findings = Findings::Keep);
  ~Scan();
  Scan(const Scan&) = delete;
  Scan& operator=(const Scan&) = delete;

  // Chunks of one part arrive in order; a token may span chunks. A text()
  // call for another part ends the current one.
  void text(std::string_view part, TextField field, std::string_view utf8_chunk);
  void end_part(std::string_view part);
  void uninspected(std::string_view part, std::string_view reason);
  Verdict finish();

 private:
  std::unique_ptr<ScanState> st_;
};

// Convenience for tests and test mode: one part of body text.
Verdict classify_text(const Classifier& c, std::string_view text);

}  // namespace phi::policy

#endif
