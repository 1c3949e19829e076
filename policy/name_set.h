// NAME
//   name_set - the shipped and site lists of first names and surnames
// SYNOPSIS
//   NameSet s;
//   s.insert("maria");                  // lower case, as the lists are loaded
//   bool k = s.contains("maria");       // exact
//   bool n = known_name(s, "MARÍA");    // folded as fold_name() folds, then looked up
// DESCRIPTION
//   The name checks look up a few words around every name-shaped hit, so
//   lookups are what counts: an open-addressing table of 32-bit slots over
//   one pool of bytes, hashed eight bytes at a time. known_name() folds the
//   word into a buffer on the stack (no allocation) before the lookup.
// THREADS
//   Immutable after loading; contains() and known_name() may run in many
//   threads at once.
#ifndef PHI_POLICY_NAME_SET_H
#define PHI_POLICY_NAME_SET_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace phi::policy {

class NameSet {
 public:
  void insert(std::string_view name);
  template <class It>
  void insert(It first, It last) {
    for (; first != last; ++first) insert(std::string_view(*first));
  }
  bool contains(std::string_view name) const;
  size_t size() const { return spans_.size(); }
  bool empty() const { return spans_.empty(); }

 private:
  struct Span {
    uint32_t off, len;
  };
  static uint64_t hash(std::string_view s);
  std::string_view at(uint32_t i) const { return {pool_.data() + spans_[i].off, spans_[i].len}; }
  void place(uint32_t i, uint64_t h);
  std::string pool_;
  std::vector<Span> spans_;
  std::vector<uint32_t> slots_;  // index into spans_ + 1; 0 = empty
  std::vector<uint32_t> tags_;   // the high half of each slot's hash
};

// fold_name(word) (lower case, Latin-1 accents folded, "" when not a
// name's letters) looked up in `set`.
bool known_name(const NameSet& set, std::string_view word);

// fold_name() into out[0, cap): its length, or 0 when fold_name() gives ""
// or the folded word would not fit.
size_t fold_name_into(std::string_view word, char* out, size_t cap);

}  // namespace phi::policy

#endif
