// name_set - open-addressing set of names, and the folded lookup the name checks use.
#include "policy/name_set.h"

#include <cstring>

#include "milter/util/strings.h"

namespace phi::policy {

// Eight bytes at a time, the last lane zero-padded; the length keeps
// "ann" and "ann\0" (never in a name) apart anyway.
uint64_t NameSet::hash(std::string_view s) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ s.size();
  for (size_t i = 0; i < s.size(); i += 8) {
    uint64_t lane = 0;
    std::memcpy(&lane, s.data() + i, s.size() - i < 8 ? s.size() - i : 8);
    h = (h ^ lane) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 29;
  }
  return h;
}

void NameSet::place(uint32_t i, uint64_t h) {
  size_t mask = slots_.size() - 1;
  size_t s = h & mask;
  while (slots_[s]) s = (s + 1) & mask;
  slots_[s] = i + 1;
  tags_[s] = uint32_t(h >> 32);
}

void NameSet::insert(std::string_view name) {
  if (contains(name)) return;
  if (2 * (spans_.size() + 1) > slots_.size()) {  // at most half full
    size_t cap = slots_.empty() ? 64 : 2 * slots_.size();
    slots_.assign(cap, 0);
    tags_.assign(cap, 0);
    for (uint32_t i = 0; i < spans_.size(); ++i) place(i, hash(at(i)));
  }
  spans_.push_back(Span{uint32_t(pool_.size()), uint32_t(name.size())});
  pool_.append(name);
  place(uint32_t(spans_.size() - 1), hash(name));
}

bool NameSet::contains(std::string_view name) const {
  if (slots_.empty()) return false;
  uint64_t h = hash(name);
  size_t mask = slots_.size() - 1;
  for (size_t s = h & mask; slots_[s]; s = (s + 1) & mask)
    if (tags_[s] == uint32_t(h >> 32) && at(slots_[s] - 1) == name) return true;
  return false;
}

size_t fold_name_into(std::string_view w, char* out, size_t cap) {
  // U+00C0..U+00FF after 0xC3 (0x80..0xBF), '*' = not a letter of a name.
  static constexpr std::string_view kFold = "aaaaaaaceeeeiiiidnooooo*ouuuuy*saaaaaaaceeeeiiiidnooooo*ouuuuy*y";
  if (w.size() > cap) return 0;  // the folded word is never longer: two bytes fold to one ("ss" for sharp s)
  size_t k = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(w[i]);
    if (c < 0x80) {
      out[k++] = ascii_lower(char(c));
      continue;
    }
    if (c != 0xC3 || i + 1 >= w.size()) return 0;
    unsigned char n = static_cast<unsigned char>(w[++i]);
    if (n < 0x80 || n > 0xBF || kFold[n - 0x80] == '*') return 0;
    out[k++] = kFold[n - 0x80];
    if (n == 0x9F) out[k++] = 's';  // German sharp s
  }
  return k;
}

bool known_name(const NameSet& set, std::string_view word) {
  char buf[64];
  if (word.size() <= sizeof buf) {
    size_t n = fold_name_into(word, buf, sizeof buf);
    return n > 0 && set.contains(std::string_view(buf, n));
  }
  std::string big(word.size(), '\0');
  size_t n = fold_name_into(word, big.data(), big.size());
  return n > 0 && set.contains(std::string_view(big.data(), n));
}

}  // namespace phi::policy
