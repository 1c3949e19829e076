// detectors_dict - word tokenizer, first-word filter and hash table for dictionary terms.
#include "policy/detectors_dict.h"

#include <array>

namespace phi::policy {
namespace {

// Lower-case letter or digit, or 0 for every other byte.
constexpr std::array<char, 256> kWordChar = [] {
  std::array<char, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[size_t(c)] = char(c);
  for (int c = 'a'; c <= 'z'; ++c) t[size_t(c)] = char(c);
  for (int c = 'A'; c <= 'Z'; ++c) t[size_t(c)] = char(c - 'A' + 'a');
  return t;
}();

inline char word_char(char c) { return kWordChar[static_cast<unsigned char>(c)]; }
inline bool letter(char c) { char w = word_char(c); return w >= 'a'; }
inline bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

constexpr uint64_t kSeed = 0x9E3779B97F4A7C15ull;

inline uint64_t mix(uint64_t h) {
  h ^= h >> 31;
  h *= 0xBF58476D1CE4E5B9ull;
  return h ^ (h >> 29);
}

// Hash of the word starting at text[i] (letters and digits lower-cased,
// hyphens between letters skipped); *end is set past the word and *joined
// when a hyphen was skipped. Bytes are packed eight to a lane, so the mix
// runs once per eight bytes rather than a multiply per byte. Collisions only
// cost a compare: every candidate is confirmed by match().
inline uint64_t word_hash(std::string_view text, size_t i, size_t* end, bool* joined) {
  uint64_t h = kSeed, lane = 0;
  unsigned k = 0;
  size_t n = text.size(), len = 0;
  while (i < n) {
    char w = word_char(text[i]);
    if (w) {
      lane = (lane << 8) | static_cast<unsigned char>(w);
      ++len, ++i;
      if (++k == 8) h = mix(h ^ lane), lane = 0, k = 0;
    } else if (text[i] == '-' && i + 1 < n && letter(text[i + 1]) && i > 0 && letter(text[i - 1])) {
      *joined = true;
      ++i;
    } else {
      break;
    }
  }
  *end = i;
  return mix(h ^ lane ^ (uint64_t(len) << 58));
}

}  // namespace

size_t TermIndex::match(std::string_view text, size_t p, std::string_view t) {
  size_t i = p, k = 0, n = text.size();
  while (k < t.size()) {
    if (i >= n) return std::string_view::npos;
    char c = word_char(text[i]), tc = t[k];
    if (c && c == tc) { ++i, ++k; continue; }
    if (!c && text[i] == tc && tc != ' ') { ++i, ++k; continue; }  // the same punctuation
    if (tc == ' ' || tc == '-') {
      size_t j = i;
      while (j < n && j - i < kMaxTermGap && blank(text[j])) ++j;
      if (j > i) { i = j, ++k; continue; }                    // blanks or a line break
      if (text[i] == '-' && tc == ' ') { ++i, ++k; continue; }  // "x ray" written "x-ray"
      if (tc == '-' && k > 0 && letter(t[k - 1]) && c >= 'a') { ++k; continue; }  // "endstage"
      return std::string_view::npos;
    }
    if (text[i] == '-' && i > p && letter(text[i - 1]) && i + 1 < n && letter(text[i + 1])) { ++i; continue; }
    return std::string_view::npos;
  }
  // A term ends at a word edge, unless it ends in punctuation ("member#12345").
  if (i < n && word_char(t.back()) && word_char(text[i])) return std::string_view::npos;
  return i;
}

void TermIndex::add_key(uint64_t key, std::string_view term, unsigned id) {
  filter_[(key % kFilterBits) / 64] |= uint64_t(1) << (key % 64);
  by_first_[key].push_back(Entry{std::string(term), id});
}

void TermIndex::add(std::string_view term, unsigned id) {
  if (term.empty() || !word_char(term[0])) return;
  size_t end = 0;
  bool joined = false;
  uint64_t key = word_hash(term, 0, &end, &joined);
  add_key(key, term, id);
  size_t dash = term.find('-');
  if (dash != std::string_view::npos && dash < end) {  // "end-stage" is also found from "end"
    size_t e2 = 0;
    uint64_t k2 = word_hash(term.substr(0, dash), 0, &e2, &joined);
    if (k2 != key) add_key(k2, term, id);
  }
  ++terms_;
}

void TermIndex::scan(std::string_view text, HitFn hit, void* ctx) const {
  size_t i = 0, n = text.size();
  while (i < n) {
    while (i < n && !word_char(text[i])) ++i;
    if (i >= n) break;
    size_t start = i, end = 0;
    bool joined = false;
    uint64_t h = word_hash(text, i, &end, &joined);
    i = end;
    lookup(text, start, h, hit, ctx);
    if (!joined) continue;
    // "pre-diabetes", "non-Hodgkin lymphoma": terms also start after a joining hyphen.
    for (size_t q = start + 1; q + 1 < end; ++q) {
      if (text[q] != '-') continue;
      size_t e2 = 0;
      bool j2 = false;
      lookup(text, q + 1, word_hash(text, q + 1, &e2, &j2), hit, ctx);
    }
  }
}

void TermIndex::lookup(std::string_view text, size_t start, uint64_t h, HitFn hit, void* ctx) const {
  if (!(filter_[(h % kFilterBits) / 64] >> (h % 64) & 1)) return;
  auto it = by_first_.find(h);
  if (it == by_first_.end()) return;
  for (const auto& e : it->second) {
    size_t to = match(text, start, e.term);
    if (to != std::string_view::npos) hit(ctx, e.id, start, to);
  }
}

}  // namespace phi::policy
