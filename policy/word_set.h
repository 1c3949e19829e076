// NAME
//   word_set - is one of a few fixed words in a short text?
// SYNOPSIS
//   static const WordSet kDose{"mg", "tablet", "daily"};
//   bool near = kDose.in(context);   // context: a few dozen bytes around a hit
//   bool same = kDose.in_padded(v);  // v followed by WordSet::kPad readable bytes
// DESCRIPTION
//   The detectors' context checks ("ssn" before a number, a dose after a
//   drug name) look for a handful of words in up to kMaxPadded bytes.
//   in() is exactly "some word is a substring of the text" (case as given;
//   the callers lower-case the text). Text up to kMaxPadded bytes is
//   compared sixteen positions at a time with SSE2 when the compiler has
//   it (copied into a padded buffer first, as the last block reads past
//   the text; in_padded() skips the copy for a caller whose text already
//   has kPad readable bytes after it); longer text, or a set with a word
//   shorter than two bytes, byte by byte.
// THREADS
//   Immutable after construction.
#ifndef PHI_POLICY_WORD_SET_H
#define PHI_POLICY_WORD_SET_H

#include <bit>
#include <cstddef>
#include <cstring>
#include <initializer_list>
#include <string_view>
#include <vector>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace phi::policy {

// Sixteen positions at a time, every word's first three bytes are compared
// at once, and only where some word's prefix is found are the words
// compared. The words must outlive the set (string literals).
class WordSet {
 public:
  static constexpr size_t kMaxPadded = 128;  // longer text is searched byte by byte
  WordSet(std::initializer_list<std::string_view> words) : words_(words) {
    for (auto w : words_) {
      short_words_ = short_words_ || w.size() < 2;
#ifdef __SSE2__
      // A word of two bytes matches any third byte: 0 against a mask of 0.
      if (w.size() >= 2)
        pairs_.push_back(Pair{_mm_set1_epi8(w[0]), _mm_set1_epi8(w[1]), _mm_set1_epi8(w.size() > 2 ? w[2] : 0),
                              _mm_set1_epi8(w.size() > 2 ? char(0xFF) : 0)});
#endif
    }
  }
  // Whether one of the words occurs in `hay`.
  bool in(std::string_view hay) const {
#ifdef __SSE2__
    if (!short_words_ && hay.size() <= kMaxPadded) {  // copied so the last block may read past the end
      char buf[kMaxPadded + kPad];
      std::memcpy(buf, hay.data(), hay.size());
      std::memset(buf + hay.size(), 0, kPad);
      return in_padded(std::string_view(buf, hay.size()));
    }
#endif
    return in_bytes(hay);
  }
  // The same for a text followed by kPad readable bytes (Lowered keeps
  // them zero): no copy.
  static constexpr size_t kPad = 32;
  bool in_padded(std::string_view hay) const {
#ifdef __SSE2__
    if (short_words_ || hay.size() > kMaxPadded) return in_bytes(hay);
    const char* buf = hay.data();
    for (size_t i = 0; i + 1 < hay.size(); i += 16) {  // loads read up to 17 bytes past the text
      __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(buf + i));
      __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(buf + i + 1));
      __m128i z = _mm_loadu_si128(reinterpret_cast<const __m128i*>(buf + i + 2));
      __m128i any = _mm_setzero_si128();
      for (const auto& p : pairs_)
        any = _mm_or_si128(any, _mm_and_si128(_mm_and_si128(_mm_cmpeq_epi8(x, p.a), _mm_cmpeq_epi8(y, p.b)),
                                              _mm_cmpeq_epi8(_mm_and_si128(z, p.mask), p.c)));
      for (auto m = unsigned(_mm_movemask_epi8(any)); m; m &= m - 1) {
        size_t k = i + size_t(std::countr_zero(m));
        if (k + 1 < hay.size() && at(hay, k)) return true;
      }
    }
    return false;
#else
    return in_bytes(hay);
#endif
  }

 private:
  bool in_bytes(std::string_view hay) const {
    if (short_words_) {
      for (auto w : words_)
        if (hay.find(w) != std::string_view::npos) return true;
      return false;
    }
    for (size_t i = 0; i + 1 < hay.size(); ++i)
      if (at(hay, i)) return true;
    return false;
  }
  // Whether a word starts at hay[i].
  bool at(std::string_view hay, size_t i) const {
    for (auto w : words_)
      if (w[0] == hay[i] && w[1] == hay[i + 1] && hay.substr(i).starts_with(w)) return true;
    return false;
  }
  std::vector<std::string_view> words_;  // string literals
  bool short_words_ = false;             // a word of one byte (or none): plain find
#ifdef __SSE2__
  struct Pair {
    __m128i a, b, c, mask;  // a word's first three bytes, sixteen times; mask 0 when it has two
  };
  std::vector<Pair> pairs_;
#endif
};

}  // namespace phi::policy

#endif
