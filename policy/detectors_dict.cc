// detectors_dict - word tokenizer, first-word filter and flat hash table for dictionary terms.
#include "policy/detectors_dict.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

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

// Up to 8 bytes at p (avail of them readable) with the first byte in the
// high byte, as word_hash packs a lane, lower-cased by OR 0x20 (right for
// ASCII letters and digits; the caller shifts out the bytes after the word).
inline uint64_t load_lane(const char* p, size_t avail) {
  uint64_t x = 0;
  std::memcpy(&x, p, avail < 8 ? avail : 8);
  if constexpr (std::endian::native == std::endian::little) x = __builtin_bswap64(x);  // big-endian: already so
  return x | 0x2020202020202020ull;
}

inline bool filtered(const std::vector<uint64_t>& filter, uint64_t h) {
  return filter[(h % kFilterBits) / 64] >> (h % 64) & 1;
}

// A hyphen at text[e] that joins the letter before it to a letter after it.
inline bool joins(std::string_view text, size_t e) {
  return e < text.size() && text[e] == '-' && e > 0 && letter(text[e - 1]) && e + 1 < text.size() && letter(text[e + 1]);
}

// word_hash of text[from, to), a run of letters and digits, from 8-byte
// loads: the lanes word_hash packs byte by byte. A word shorter than eight
// bytes (most of them) is one load, one shift and one mix.
inline uint64_t hash_span(std::string_view text, size_t from, size_t to) {
  const char* p = text.data() + from;
  size_t len = to - from, avail = text.size() - from, k = 0;
  if (len < 8 && avail >= 8) return mix(kSeed ^ (load_lane(p, 8) >> (64 - 8 * len)) ^ (uint64_t(len) << 58));
  uint64_t h = kSeed;
  for (; k + 8 <= len; k += 8) h = mix(h ^ load_lane(p + k, 8));
  size_t r = len - k;
  uint64_t lane = r ? load_lane(p + k, avail - k) >> (64 - 8 * r) : 0;
  return mix(h ^ lane ^ (uint64_t(len) << 58));
}

// The prefix filter's key for a word: its first eight bytes or fewer
// (len8 of them, lower-cased by OR 0x20 as load_lane does) in a native
// 64-bit load, the bytes after them cleared. Words hold no zero byte, so
// a shorter word never shares a key with a longer one; words of eight
// bytes or more share it with every word of the same first eight.
constexpr std::array<uint64_t, 9> kPrefixKeep = [] {  // the first n bytes of a native load
  std::array<uint64_t, 9> m{};
  for (size_t n = 1; n <= 8; ++n) {
    unsigned char b[8] = {};
    for (size_t i = 0; i < n; ++i) b[i] = 0xFF;
    m[n] = std::bit_cast<uint64_t>(b);
  }
  return m;
}();

inline uint64_t prefix_key(const char* p, size_t len8) {
  uint64_t x;
  std::memcpy(&x, p, 8);
  return (x | 0x2020202020202020ull) & kPrefixKeep[len8];
}

// Its bit (one multiply, no mix): only the words whose bit is set are hashed.
static_assert(kPrefixFilterBits == 1u << 17);
inline size_t prefix_bit(uint64_t key) { return size_t((key * 0x9E3779B97F4A7C15ull) >> 47); }

// The word at text[i] as word_hash reads it (letters and digits lower-cased,
// joining hyphens skipped): *key, the prefix_key() of its first eight bytes.
bool word_prefix(std::string_view text, size_t i, uint64_t* key) {
  char buf[8] = {};
  size_t n = 0;
  while (i < text.size() && n < 8) {
    if (char w = word_char(text[i])) {
      buf[n++] = w;
      ++i;
    } else if (joins(text, i)) {
      ++i;
    } else {
      break;
    }
  }
  *key = prefix_key(buf, n);
  return n > 0;
}

}  // namespace

namespace dict_detail {

uint64_t word_mask_scalar(const char* p, size_t avail) {
  uint64_t m = 0;
  for (size_t i = 0; i < avail && i < 64; ++i)
    if (word_char(p[i])) m |= uint64_t(1) << i;
  return m;
}

#ifdef __SSE2__
namespace {
// Letters and digits among 16 bytes: each range is moved to the bottom of
// the signed byte range so one signed compare tests it.
inline uint64_t mask16(const char* p) {
  __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  __m128i digit = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8(char(0x80 - '0'))), _mm_set1_epi8(char(0x80 + 10)));
  __m128i low = _mm_or_si128(v, _mm_set1_epi8(0x20));
  __m128i alpha = _mm_cmplt_epi8(_mm_add_epi8(low, _mm_set1_epi8(char(0x80 - 'a'))), _mm_set1_epi8(char(0x80 + 26)));
  return uint64_t(uint32_t(_mm_movemask_epi8(_mm_or_si128(digit, alpha))));
}
}  // namespace

uint64_t word_mask(const char* p, size_t avail) {
  if (avail < 64) return word_mask_scalar(p, avail);
  return mask16(p) | mask16(p + 16) << 16 | mask16(p + 32) << 32 | mask16(p + 48) << 48;
}
#else
uint64_t word_mask(const char* p, size_t avail) { return word_mask_scalar(p, avail); }
#endif

// Hash of the word starting at text[i] (letters and digits lower-cased,
// hyphens between letters skipped); *end is set past the word and *joined
// when a hyphen was skipped. Bytes are packed eight to a lane, so the mix
// runs once per eight bytes rather than a multiply per byte. Collisions only
// cost a compare: every candidate is confirmed by match().
uint64_t word_hash(std::string_view text, size_t i, size_t* end, bool* joined) {
  uint64_t h = kSeed, lane = 0;
  unsigned k = 0;
  size_t n = text.size(), len = 0;
  while (i < n) {
    char w = word_char(text[i]);
    if (w) {
      lane = (lane << 8) | static_cast<unsigned char>(w);
      ++len, ++i;
      if (++k == 8) h = mix(h ^ lane), lane = 0, k = 0;
    } else if (joins(text, i)) {
      *joined = true;
      ++i;
    } else {
      break;
    }
  }
  *end = i;
  return mix(h ^ lane ^ (uint64_t(len) << 58));
}

uint64_t word_hash_fast(std::string_view text, size_t from, size_t to) { return hash_span(text, from, to); }

}  // namespace dict_detail

using dict_detail::word_hash;

size_t TermIndex::match(std::string_view text, size_t p, std::string_view t) { return match_from(text, p, p, 0, t); }

// match() resumed at text[i], term t[k]: the state match() is in after
// matching text[p, i) to t[0, k) one byte to one byte.
size_t TermIndex::match_from(std::string_view text, size_t p, size_t i, size_t k, std::string_view t) {
  size_t n = text.size();
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

// The candidate term `e` at text[p]: eight bytes at a time while the text
// spells the term exactly (letters in either case), which in running text
// is the whole term or up to where it differs; match_from() goes on from
// there, so blanks, line breaks and hyphens are handled as match() does.
// Where text and term agree byte for byte (a letter's case aside), match()
// takes one byte of each per step too: a term's blank is followed by a
// non-blank, so its run of blanks is that one blank. Only at the point of
// resuming is the text after a term's blank unread: match_from() starts at
// that blank. Two different letters or digits end match() at once.
size_t TermIndex::match_entry(std::string_view text, size_t p, const Entry& e) const {
  std::string_view t(pool_.data() + e.off, e.len);
  size_t k = 0;
  if (e.plain) {
    const char *tp = pool_.data() + e.off, *cp = case_.data() + e.off, *xp = text.data() + p;
    constexpr bool kLittle = std::endian::native == std::endian::little;
    size_t avail = text.size() - p;
    while (k < e.len && k + 8 <= avail) {  // the term's last lane reads into the padding finish() leaves
      uint64_t x, c, y;
      std::memcpy(&x, xp + k, 8);
      std::memcpy(&c, cp + k, 8);
      std::memcpy(&y, tp + k, 8);
      uint64_t diff = (x | c) ^ y;
      size_t r = e.len - k;
      if (r < 8) diff &= kLittle ? (uint64_t(1) << 8 * r) - 1 : ~(~uint64_t(0) >> 8 * r);  // the term's bytes only
      if (!diff) {
        k += std::min<size_t>(r, 8);
        continue;
      }
      k += size_t(kLittle ? std::countr_zero(diff) : std::countl_zero(diff)) / 8;  // the first byte that differs
      // Two different letters or digits: match() would stop here too.
      if (word_char(t[k]) && word_char(text[p + k])) return std::string_view::npos;
      break;
    }
    if (k > 0 && t[k - 1] == ' ') --k;  // match() gives a term's blank the whole run of blanks after it
  }
  return match_from(text, p, p + k, k, t);
}

void TermIndex::add_key(uint64_t key, uint32_t off, uint32_t len, bool plain, unsigned id) {
  filter_[(key % kFilterBits) / 64] |= uint64_t(1) << (key % 64);
  pending_.emplace_back(key, Entry{off, len, id, plain});
}

// A term's first word also sets its prefix filter bit.
void TermIndex::add_prefix(std::string_view first) {
  uint64_t key = 0;
  if (!word_prefix(first, 0, &key)) return;
  size_t bit = prefix_bit(key);
  prefix_filter_[bit / 64] |= uint64_t(1) << (bit % 64);
}

void TermIndex::add(std::string_view term, unsigned id) {
  if (term.empty() || !word_char(term[0])) return;
  size_t end = 0;
  bool joined = false;
  uint64_t key = word_hash(term, 0, &end, &joined);
  uint32_t off = uint32_t(pool_.size()), len = uint32_t(term.size());
  pool_.append(term);
  // The case bit of the term's lower-case letters, for match_entry(), which
  // only reads terms where one text byte per term byte is what match() does
  // on equal bytes: no capital (match() lower-cases the text only) and no
  // blank after a blank or at the end (match() takes a run of blanks).
  bool plain = true;
  for (size_t k = 0; k < term.size(); ++k) {
    char c = term[k];
    case_ += c >= 'a' && c <= 'z' ? '\x20' : '\0';
    if ((c >= 'A' && c <= 'Z') || (c == ' ' && (k + 1 == term.size() || blank(term[k + 1])))) plain = false;
  }
  add_key(key, off, len, plain, id);
  add_prefix(term);
  size_t dash = term.find('-');
  if (dash != std::string_view::npos && dash < end) {  // "end-stage" is also found from "end"
    size_t e2 = 0;
    uint64_t k2 = word_hash(term.substr(0, dash), 0, &e2, &joined);
    if (k2 != key) add_key(k2, off, len, plain, id);
    add_prefix(term.substr(0, dash));
  }
  ++terms_;
}

// Groups the entries by key (keeping the order of add() within a key, which
// is the order hits are reported in) and places one slot per key.
void TermIndex::finish() {
  pool_.append(8, '\0');  // match_entry() reads a term eight bytes at a time
  case_.append(8, '\0');
  auto sorted = pending_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  size_t keys = 0;
  for (size_t i = 0; i < sorted.size(); ++i) keys += i == 0 || sorted[i].first != sorted[i - 1].first;
  size_t cap = 16;
  while (cap < 2 * keys) cap *= 2;
  slots_.assign(cap, Slot{0, 0, 0});
  slot_mask_ = cap - 1;
  entries_.clear();
  for (size_t i = 0; i < sorted.size();) {
    size_t j = i;
    while (j < sorted.size() && sorted[j].first == sorted[i].first) entries_.push_back(sorted[j++].second);
    size_t s = (sorted[i].first >> 32) & slot_mask_;
    while (slots_[s].count) s = (s + 1) & slot_mask_;
    slots_[s] = Slot{sorted[i].first, uint32_t(entries_.size() - (j - i)), uint32_t(j - i)};
    i = j;
  }
}

// `reference`: compare with match() byte by byte instead of match_entry().
void TermIndex::lookup(std::string_view text, size_t start, uint64_t h, HitFn hit, void* ctx, bool reference) const {
  if (!filtered(filter_, h) || slots_.empty()) return;
  for (size_t s = (h >> 32) & slot_mask_; slots_[s].count; s = (s + 1) & slot_mask_) {
    if (slots_[s].key != h) continue;
    for (uint32_t k = 0; k < slots_[s].count; ++k) {
      const Entry& e = entries_[slots_[s].first + k];
      size_t to = reference ? match(text, start, std::string_view(pool_).substr(e.off, e.len)) : match_entry(text, start, e);
      if (to != std::string_view::npos) hit(ctx, e.id, start, to);
    }
    return;
  }
}

// A word joined by hyphens: the whole word, then (for "pre-diabetes",
// "non-Hodgkin lymphoma") the words after each joining hyphen. Returns its end.
size_t TermIndex::lookup_joined(std::string_view text, size_t start, HitFn hit, void* ctx, bool reference) const {
  size_t end = 0;
  bool joined = false;
  lookup(text, start, word_hash(text, start, &end, &joined), hit, ctx, reference);
  if (!joined) return end;
  for (size_t q = start + 1; q + 1 < end; ++q) {
    if (text[q] != '-') continue;
    size_t e2 = 0;
    bool j2 = false;
    lookup(text, q + 1, word_hash(text, q + 1, &e2, &j2), hit, ctx, reference);
  }
  return end;
}

void TermIndex::scan_reference(std::string_view text, HitFn hit, void* ctx) const {
  size_t i = 0, n = text.size();
  while (i < n) {
    while (i < n && !word_char(text[i])) ++i;
    if (i >= n) break;
    i = lookup_joined(text, i, hit, ctx, true);
  }
}

// Words from 64-byte letter-or-digit masks: the word starts of a block
// are its set bits that follow a clear one and the word ends its set bits
// before a clear one, taken in step, so the loop runs once per word with
// few unpredictable branches. Words followed by a joining hyphen are
// read byte by byte (lookup_joined), and starts inside them skipped.
void TermIndex::scan(std::string_view text, HitFn hit, void* ctx) const {
  const char* p = text.data();
  size_t n = text.size(), skip_to = 0;
  uint64_t cur = dict_detail::word_mask(p, n), carry = 0;
  // The words of one block. kSafe: the block ends 8 bytes or more before
  // the text, so each word in it may be read with one 8-byte load and a
  // word ending in it is followed by a byte of the text.
  auto block = [&]<bool kSafe>(size_t b, uint64_t starts, uint64_t ends, uint64_t next) {
    for (; starts; starts &= starts - 1) {
      size_t s = b + size_t(std::countr_zero(starts)), e;
      bool inside = ends != 0;
      if (inside) {
        e = b + size_t(std::countr_zero(ends)) + 1;
        ends &= ends - 1;
      } else {  // the block's last word goes on into the next block
        uint64_t rest = ~next;  // bits past the text are clear in the masks
        e = b + 64 + (rest ? size_t(std::countr_zero(rest)) : 64);
        if (!rest)
          while (e < n && word_char(p[e])) ++e;  // a word of 64 bytes or more
      }
      // A start inside a hyphen-joined word already looked up (s <
      // skip_to) is dropped, tested only on the two rare paths.
      if ((kSafe && inside) ? p[e] == '-' && joins(text, e) : joins(text, e)) {
        if (s >= skip_to) skip_to = lookup_joined(text, s, hit, ctx);
        continue;
      }
      if (kSafe || n - s >= 8) {  // most words: one load, a multiply and a bit test
        size_t len = e - s;
        size_t bit = prefix_bit(prefix_key(p + s, len < 8 ? len : 8));
        if (!(prefix_filter_[bit / 64] >> (bit % 64) & 1)) continue;
      }
      if (s < skip_to) continue;
      uint64_t h = hash_span(text, s, e);
      if (filtered(filter_, h)) lookup(text, s, h, hit, ctx);
    }
  };
  for (size_t b = 0; b < n; b += 64) {
    uint64_t next = b + 64 < n ? dict_detail::word_mask(p + b + 64, n - b - 64) : 0;
    uint64_t starts = cur & ~((cur << 1) | carry);
    // The last byte of each word. The k-th start of the block owns the k-th
    // end, after the end of a word that comes in from the block before.
    uint64_t ends = cur & ~((cur >> 1) | (next << 63));
    if (carry & cur & 1) ends &= ends - 1;
    carry = cur >> 63;
    if (b + 72 <= n)
      block.template operator()<true>(b, starts, ends, next);
    else
      block.template operator()<false>(b, starts, ends, next);
    cur = next;
  }
}

}  // namespace phi::policy
