// NAME
//   classifier_internal - what Classifier shares with Scan
// SYNOPSIS
//   const ClassifierData& d = classifier.data();
//   ScratchLease lease(d); hs_scan(d.db.get(), ..., lease.get(), ...);
// DESCRIPTION
//   ClassifierData holds the lexicon, the detector table, the compiled
//   Hyperscan database and its scratch pool. A ScratchLease takes a scratch
//   from the pool (cloning the prototype when the pool is empty) and gives
//   it back when destroyed, so a scratch is never shared by two scans.
// THREADS
//   ClassifierData is immutable after build except the pool, which is
//   guarded by mu.
#ifndef PHI_POLICY_CLASSIFIER_INTERNAL_H
#define PHI_POLICY_CLASSIFIER_INTERNAL_H

#include <hs/hs.h>

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "milter/util/c_ptr.h"
#include "policy/detectors.h"
#include "policy/detectors_dict.h"

namespace phi::policy {

struct ClassifierData {
  Lexicon lex;
  std::vector<Detector> detectors;
  struct TypeInfo {
    std::string name;
    bool sensitive = false;  // a finding makes the message pii
    bool alone = false;      // a finding alone makes the message phi (MBI, HICN, MRN)
  };
  std::vector<TypeInfo> types;                           // distinct finding types, by id
  std::map<std::string, unsigned, std::less<>> type_ids;  // and their ids
  TermIndex terms;  // the dictionary detectors (Detector::dict)
  CPtr<hs_database_t, hs_free_database> db;
  CPtr<hs_scratch_t, hs_free_scratch> prototype;
  mutable std::mutex mu;
  mutable std::vector<hs_scratch_t*> pool;  // owned; freed in ~ClassifierData
  ~ClassifierData() {
    for (auto* s : pool) hs_free_scratch(s);
  }
};

// Borrows a scratch from the classifier's pool for one hs_scan call.
class ScratchLease {
 public:
  explicit ScratchLease(const ClassifierData& d) : d_(d) {
    {
      std::lock_guard<std::mutex> g(d.mu);
      if (!d.pool.empty()) {
        s_ = d.pool.back();
        d.pool.pop_back();
      }
    }
    if (!s_ && hs_clone_scratch(d.prototype.get(), &s_) != HS_SUCCESS) s_ = nullptr;
  }
  ~ScratchLease() {
    if (!s_) return;
    std::lock_guard<std::mutex> g(d_.mu);
    d_.pool.push_back(s_);
  }
  hs_scratch_t* get() const { return s_; }

 private:
  const ClassifierData& d_;
  hs_scratch_t* s_ = nullptr;
};


}  // namespace phi::policy

#endif
