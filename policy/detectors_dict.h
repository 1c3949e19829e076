// NAME
//   detectors_dict - dictionary terms found by a tokenizer and a hash table
// SYNOPSIS
//   TermIndex idx;
//   idx.add("end-stage renal disease", detector_id);   // lower-case terms
//   idx.finish();                                       // before any scan
//   idx.scan(text, [](void* ctx, unsigned id, size_t from, size_t to) {...}, ctx);
// DESCRIPTION
//   Thousands of case-insensitive literals made the single Hyperscan
//   database slow, so dictionary terms are matched here instead: the text is
//   cut into words (ASCII letters and digits; a hyphen between two letters
//   joins them, so "gastro-esophageal" is one word "gastroesophageal"), each
//   word's hash is tested against a bit filter and then a flat hash table
//   keyed by the first word of every term, and only candidate terms are
//   compared with the text. The comparison ignores case, lets a term's blank
//   match a run of up to kMaxTermGap blanks or line breaks (terms wrapped
//   over lines) or a hyphen, and lets a term's hyphen between letters match
//   a blank, a hyphen or nothing ("end stage", "end-stage", "endstage"). A
//   match must end at a word edge.
//   scan() finds words 64 bytes at a time (a letter-or-digit bit mask, SSE2
//   where the compiler has it, else a table); each word is first tested
//   against a prefix filter of the terms' first words (its first eight
//   bytes and its length capped at eight: one load and a multiply), and
//   only then hashed from 8-byte loads; words joined by a hyphen take the
//   byte-by-byte path that add() uses. A candidate term is compared eight
//   bytes at a time while the text spells it exactly, then as match()
//   compares. scan_reference() is the byte-by-byte tokenizer and match()
//   for the whole text: the unit tests check that both report the same
//   hits in the same order.
//   finish() builds the table from the terms added so far; scan() only
//   finds terms added before the last finish().
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
#include <vector>

namespace phi::policy {

inline constexpr size_t kMaxTermGap = 8;        // blanks/line breaks a term's blank may stand for
inline constexpr unsigned kFilterBits = 1u << 18;       // first-word filter (32 KiB)
inline constexpr unsigned kPrefixFilterBits = 1u << 17;  // first words by their first eight bytes and length (16 KiB)

class TermIndex {
 public:
  using HitFn = void (*)(void* ctx, unsigned id, size_t from, size_t to);
  void add(std::string_view term, unsigned id);
  void finish();
  void scan(std::string_view text, HitFn hit, void* ctx) const;
  void scan_reference(std::string_view text, HitFn hit, void* ctx) const;  // byte by byte, match() (tests)
  size_t size() const { return terms_; }

  // End of `term` matched at text[p], or npos.
  static size_t match(std::string_view text, size_t p, std::string_view term);

 private:
  struct Entry {
    uint32_t off, len;  // the term in pool_
    unsigned id;
    bool plain;  // match_entry() may compare it eight bytes at a time
  };
  struct Slot {
    uint64_t key;
    uint32_t first, count;  // entries_[first, first + count); count 0 = empty slot
  };
  static size_t match_from(std::string_view text, size_t p, size_t i, size_t k, std::string_view term);
  size_t match_entry(std::string_view text, size_t p, const Entry& e) const;
  void add_key(uint64_t key, uint32_t off, uint32_t len, bool plain, unsigned id);
  void lookup(std::string_view text, size_t start, uint64_t h, HitFn hit, void* ctx, bool reference = false) const;
  size_t lookup_joined(std::string_view text, size_t start, HitFn hit, void* ctx, bool reference = false) const;
  void add_prefix(std::string_view first);
  std::vector<uint64_t> filter_ = std::vector<uint64_t>(kFilterBits / 64);
  std::vector<uint64_t> prefix_filter_ = std::vector<uint64_t>(kPrefixFilterBits / 64);  // by prefix_bit(), before hashing
  std::string pool_;                                  // every term, back to back
  std::string case_;                                  // 0x20 under each lower-case letter of pool_, else 0
  std::vector<std::pair<uint64_t, Entry>> pending_;  // added, in order; finish() indexes them
  std::vector<Entry> entries_;                       // grouped by key, in order of add()
  std::vector<Slot> slots_;                          // open addressing, linear probing
  uint64_t slot_mask_ = 0;
  size_t terms_ = 0;
};

namespace dict_detail {

// Bit i set when p[i] (i < avail, avail <= 64) is an ASCII letter or digit.
uint64_t word_mask(const char* p, size_t avail);         // SSE2 when compiled in
uint64_t word_mask_scalar(const char* p, size_t avail);  // the portable table

// Hash of the word at text[i] byte by byte (add() and hyphen-joined words).
uint64_t word_hash(std::string_view text, size_t i, size_t* end, bool* joined);
// Same hash of text[from, to), all letters and digits, from 8-byte loads.
uint64_t word_hash_fast(std::string_view text, size_t from, size_t to);

}  // namespace dict_detail

}  // namespace phi::policy

#endif
