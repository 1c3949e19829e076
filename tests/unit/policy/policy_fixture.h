// NAME
//   policy_fixture - one shared Classifier over the source tree's policy/data
// SYNOPSIS
//   const Classifier& c = shared_classifier();
//   Verdict v = classify_text(c, "Patient: Jane Doe ...");
//   int n = count(v, "ssn");
// DESCRIPTION
//   Building the pattern database takes a moment, so the unit tests share one.
// THREADS
//   Test-only; the classifier is immutable.
#ifndef PHI_TESTS_UNIT_POLICY_FIXTURE_H
#define PHI_TESTS_UNIT_POLICY_FIXTURE_H

#include <gtest/gtest.h>

#include <cstdlib>

#include "policy/classifier.h"

namespace phi::policy {

inline const Classifier& shared_classifier() {
  static std::shared_ptr<const Classifier> c = [] {
    ClassifierOptions o;
    o.data_dir = PHI_SRCDIR "/policy/data";
    auto r = Classifier::build(o);
    if (!r) {
      ADD_FAILURE() << r.error().message;
      std::abort();
    }
    return *r;
  }();
  return *c;
}

inline int count(const Verdict& v, const std::string& type) {
  auto it = v.categories.find(type);
  return it == v.categories.end() ? 0 : it->second;
}

}  // namespace phi::policy

#endif
