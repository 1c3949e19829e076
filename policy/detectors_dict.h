// NAME
//   detectors_dict - dictionary terms found by a tokenizer and a hash table
// SYNOPSIS
//   TermIndex idx;
//   idx.add("end-stage renal disease", detector_id);   // lower-case terms
//   idx.finish();
//   idx.scan(text, [](void* ctx, unsigned id, size_t from, size_t to) {...}, ctx);
// DESCRIPTION
//   Thousands of case-insensitive literals made the single Hyperscan
//   database slow, so dictionary terms are matched here instead: the text is
//   cut into words (ASCII letters and digits; a hyphen between two letters
//   joins them, so "gastro-esophageal" is one word "gastroesophageal"), each
//   word's hash is tested against a bit filter and then a hash table keyed
//   by the first word of every term, and only candidate terms are compared
//   with the text. The comparison ignores case, lets a term's blank match a
//   run of up to kMaxTermGap blanks or line breaks (terms wrapped over
//   lines) or a hyphen, and lets a term's hyphen between letters match a
//   blank, a hyphen or nothing ("end stage", "end-stage", "endstage"). A
//   match must end at a word edge.
// INPUT
//   Untrusted text; work is linear in the text plus the candidates of the
//   words that pass the filter (each compare reads at most the term's
//   length plus its gaps).
// THREADS
//   Immutable after finish(); scan() may run in many threads at once.
#ifndef PHI_POLICY_DETECTORS_DICT_H
#define PHI_POLICY_DETECTORS_DICT_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace phi::policy {

inline constexpr size_t kMaxTermGap = 8;        // blanks/line breaks a term's blank may stand for
inline constexpr unsigned kFilterBits = 1u << 18;  // first-word filter (32 KiB)

class TermIndex {
 public:
  using HitFn = void (*)(void* ctx, unsigned id, size_t from, size_t to);
  void add(std::string_view term, unsigned id);
  void finish() {}
  void scan(std::string_view text, HitFn hit, void* ctx) const;
  size_t size() const { return terms_; }

  // End of `term` matched at text[p], or npos.
  static size_t match(std::string_view text, size_t p, std::string_view term);

 private:
  struct Entry {
    std::string term;
    unsigned id;
  };
  void add_key(uint64_t key, std::string_view term, unsigned id);
  void lookup(std::string_view text, size_t start, uint64_t h, HitFn hit, void* ctx) const;
  std::vector<uint64_t> filter_ = std::vector<uint64_t>(kFilterBits / 64);
  std::unordered_map<uint64_t, std::vector<Entry>> by_first_;
  size_t terms_ = 0;
};

}  // namespace phi::policy

#endif
