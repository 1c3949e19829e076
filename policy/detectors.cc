// detectors - built-in pattern table, site detector files, and hit checks.
#include "policy/detectors.h"

#include <hs/hs.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <initializer_list>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "milter/util/strings.h"
#include "policy/validators.h"
#include "policy/word_set.h"

namespace phi::policy {
namespace {

constexpr unsigned kCaseless = HS_FLAG_CASELESS;
// MBI letters: A-Z without B, I, L, O, S, Z.
#define MBI_L "[AC-HJKMNP-RT-Y]"
#define MBI_AN "[AC-HJKMNP-RT-Y0-9]"
// Name letters with Latin-1 accents in UTF-8 (Hyperscan matches bytes).
#define NAME_U "(?:[A-Z]|\\xC3[\\x80-\\x9E])"
#define NAME_L "(?:[a-z]|\\xC3[\\x9F-\\xBF])"

enum NameLabel { kStrongLabel = 0, kColonLabel = 1, kSalutation = 2 };

// Letters of names: ASCII and the bytes of UTF-8 sequences (Latin-1 accents).
bool name_byte(char c) { return is_alpha(c) || static_cast<unsigned char>(c) >= 0x80; }

// A capital letter at win[i]: ASCII or UTF-8 U+00C0..U+00DE.
bool name_capital(std::string_view win, size_t i) {
  if (is_upper(win[i])) return true;
  return i + 1 < win.size() && static_cast<unsigned char>(win[i]) == 0xC3 && static_cast<unsigned char>(win[i + 1]) >= 0x80 &&
         static_cast<unsigned char>(win[i + 1]) <= 0x9E;
}

// A lower-cased copy of a few bytes of context on the stack: the checks
// look at most kMaxLowered bytes around a hit, and a std::string for each
// look cost an allocation per hit.
constexpr size_t kMaxLowered = 128;
class Lowered {
 public:
  Lowered() { pad(); }
  Lowered& append(std::string_view s) {
    s = s.substr(0, kMaxLowered - n_);
    size_t i = 0;
#ifdef __SSE2__
    auto lower16 = [&](size_t at) {  // 'A'..'Z' moved to the bottom of the signed range, OR 0x20
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + at));
      __m128i upper = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8(char(0x80 - 'A'))), _mm_set1_epi8(char(0x80 + 26)));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(buf_ + n_ + at), _mm_or_si128(v, _mm_and_si128(upper, _mm_set1_epi8(0x20))));
    };
    for (; i + 16 <= s.size(); i += 16) lower16(i);
    if (i < s.size() && s.size() >= 16) lower16(s.size() - 16), i = s.size();  // the tail: the last 16 bytes again
#endif
    for (; i < s.size(); ++i) buf_[n_ + i] = ascii_lower(s[i]);
    n_ += s.size();
    pad();
    return *this;
  }
  Lowered& push(char c) {
    if (n_ < kMaxLowered) buf_[n_++] = ascii_lower(c);
    pad();
    return *this;
  }
  operator std::string_view() const { return {buf_, n_}; }

 private:
  void pad() { std::memset(buf_ + n_, 0, WordSet::kPad); }  // WordSet::in_padded() reads past the end
  char buf_[kMaxLowered + WordSet::kPad];
  size_t n_ = 0;
};

// Lower-cased up to `span` bytes of `win` before `from` (span < kMaxLowered).
Lowered left_lower(std::string_view win, size_t from, size_t span) {
  size_t b = from > span ? from - span : 0;
  return Lowered().append(win.substr(b, from - b));
}

bool has_any(std::string_view hay, const WordSet& words) { return words.in(hay); }
bool has_any(const Lowered& hay, const WordSet& words) { return words.in_padded(hay); }

// What the checks look for around a hit (lower-cased context unless noted).
const WordSet kItinWords{"itin", "taxpayer", "tax id", "tin"};
const WordSet kSsnWords{"ssn", "social security", "soc sec", "ss#", "ss #", "ss no", "s.s.", "social"};
const WordSet kHicnWords{"medicare", "hicn", "hic ", "hic#", "hic:", "beneficiary", "health insurance claim", "claim number"};
const WordSet kDoctorWords{"dr.", "dr ", "doctor"};
const WordSet kTitleWords{"dr.", "dr ", "doctor", "nurse", "prof"};
const WordSet kCredentialWords{", MD", ", M.D", ", DO", ", RN", ", NP", ", PA", ", PhD", " MD", " M.D."};  // as written
const WordSet kIcdWords{"dx", "diagnos", "icd", "impression", "assessment", "condition", "code"};
const WordSet kProductWords{"firmware", "version", "model", "part", "sku", "rev", "series", "chip", "board"};  // after an ICD-10 shape
const WordSet kCptWords{"cpt", "hcpcs", "procedure code", "billing code", "billed", "proc code"};
const WordSet kNdcWords{"ndc", "national drug code"};
const WordSet kNpiWords{"npi", "provider id", "national provider"};
const WordSet kDoseWords{"mg", "mcg", "ml", "units", "tablet", "tab ", "capsule", "daily", "bid", "tid", "qd", "prn",
                          "prescri", "taking", "started on", "refill", "dose", "inject"};

// True when the hit is glued to more digits or letters through '-' or '.'
// (part of a longer number such as 555-123-45-6789 or 1.123456789).
bool glued(std::string_view win, size_t from, size_t to) {
  if (from >= 2 && (win[from - 1] == '-' || win[from - 1] == '.' || win[from - 1] == '/') && is_alnum(win[from - 2])) return true;
  if (to + 1 < win.size() && (win[to] == '-' || win[to] == '/' || (win[to] == '.' && is_digit(win[to + 1]))) && is_alnum(win[to + 1]))
    return true;
  return false;
}

std::optional<Candidate> check_ssn_like(const Detector& d, std::string_view win, size_t from, size_t to) {
  std::string_view tok = win.substr(from, to - from);
  if (glued(win, from, to)) return std::nullopt;
  if (d.check == Check::SsnSeparated && tok[3] != tok[6]) return std::nullopt;
  std::string dg = digits_of(tok);
  bool itin = d.type == "itin";
  if (!(itin ? check_itin(dg) : check_ssn(dg))) return std::nullopt;
  Lowered ctx = left_lower(win, from, 64);
  bool context = has_any(ctx, itin ? kItinWords : kSsnWords);
  if (d.check == Check::SsnBare && !context) return std::nullopt;
  if (d.check == Check::SsnSeparated && tok[3] == ' ' && !context) return std::nullopt;
  return Candidate{from, to, d.weight};
}

std::optional<Candidate> check_hicn(const Detector& d, std::string_view win, size_t from, size_t to) {
  std::string_view tok = win.substr(from, to - from);
  std::string dg = digits_of(tok, 9);
  size_t k = 0, seen = 0;
  while (k < tok.size() && seen < 9) seen += is_digit(tok[k++]);
  std::string_view rest = tok.substr(k);
  while (!rest.empty() && (rest[0] == ' ' || rest[0] == '-')) rest.remove_prefix(1);
  if (glued(win, from, to) || !check_ssn(dg) || !check_hicn_suffix(rest)) return std::nullopt;
  if (!has_any(left_lower(win, from, 80), kHicnWords)) return std::nullopt;
  return Candidate{from, to, d.weight};
}

// Skips separators between a label and its value: blanks, ':', '#', '-',
// '=', "no.", "number", "is".
size_t skip_label_tail(std::string_view win, size_t i) {
  size_t limit = std::min(win.size(), i + 24);
  while (i < limit) {
    char c = win[i];
    if (c == ' ' || c == '\t' || c == ':' || c == '#' || c == '-' || c == '=' || c == '.' || c == '\r' || c == '\n') { ++i; continue; }
    std::string_view rest = win.substr(i, limit - i);
    if (istarts_with(rest, "number")) { i += 6; continue; }
    if (istarts_with(rest, "no.") || istarts_with(rest, "is ")) { i += 3; continue; }
    if (istarts_with(rest, "no ")) { i += 3; continue; }
    break;
  }
  return i;
}

std::optional<Candidate> check_label_id(const Detector& d, std::string_view win, size_t to) {
  size_t i = skip_label_tail(win, to);
  // A short alphabetic prefix before the number ("ACCT 20267079") belongs to the value.
  size_t p = i;
  while (p < win.size() && p - i < 6 && is_alpha(win[p])) ++p;
  if (p > i && p + 1 < win.size() && (win[p] == ' ' || win[p] == '-') && is_digit(win[p + 1])) i = p + 1;
  size_t b = i, digits = 0, alnum = 0;
  while (i < win.size() && i - b < 24 && (is_alnum(win[i]) || win[i] == '-')) {
    digits += is_digit(win[i]);
    alnum += is_alnum(win[i]);
    ++i;
  }
  while (i > b && win[i - 1] == '-') --i;
  if (i < win.size() && is_alnum(win[i])) return std::nullopt;  // longer than any real identifier
  if (digits < 3 || alnum < 5) return std::nullopt;
  return Candidate{b, i, d.weight};
}

std::optional<Candidate> check_label_date(const Detector& d, std::string_view win, size_t to) {
  size_t i = skip_label_tail(win, to);
  if (istarts_with(win.substr(i), "of ")) i += 3;
  size_t used = 0;
  auto date = parse_date(win.substr(i, 32), &used);
  if (!date) return std::nullopt;
  return Candidate{i, i + used, d.weight};
}

struct NameTokens {
  size_t from = 0, to = 0;
  int count = 0, first = 0, last = 0;  // tokens; tokens in the first-name / surname lists
  bool first_is_first_name = false, last_is_surname = false;
  bool initial = false;  // an initial with its period came first ("J. Doe")
};

// True when the hit sits on a "From:", "To:", "Cc:", "Sent:" or "Reply-To:"
// line (a forwarded or quoted header block): names there are correspondents.
bool on_address_line(std::string_view win, size_t from) {
  size_t floor = from > kLeftContext ? from - kLeftContext : 0, b = floor;
  if (const void* nl = from > floor ? memrchr(win.data() + floor, '\n', from - floor) : nullptr)
    b = size_t(static_cast<const char*>(nl) - win.data()) + 1;
  if (b == 0 || win[b - 1] == '\n') {
    std::string_view line = win.substr(b, from - b);
    while (!line.empty() && (line[0] == '>' || line[0] == ' ' || line[0] == '*')) line.remove_prefix(1);
    for (std::string_view h : {"from:", "to:", "cc:", "bcc:", "sent:", "reply-to:", "sender:"})
      if (istarts_with(line, h)) return true;
  }
  return false;
}

bool honorific(std::string_view w) {
  return iequals(w, "mr") || iequals(w, "mrs") || iequals(w, "ms") || iequals(w, "miss") || iequals(w, "mx");
}

bool provider_title(std::string_view w) {
  return iequals(w, "dr") || iequals(w, "doctor") || iequals(w, "nurse") || iequals(w, "prof");
}

// Reads up to three capitalised words (or "LAST, FIRST") starting at i.
std::optional<NameTokens> read_name(const Lexicon& lex, std::string_view win, size_t i) {
  NameTokens t;
  size_t limit = std::min(win.size(), i + 80);
  while (i < limit && t.count < 3) {
    bool comma = false;
    while (i < limit && (win[i] == ' ' || (t.count > 0 && win[i] == ','))) comma |= win[i++] == ',';
    size_t b = i;
    if (i >= limit || !name_capital(win, i)) break;
    while (i < limit && i - b < 24 && (name_byte(win[i]) || win[i] == '\'' || win[i] == '-')) ++i;
    std::string_view w = win.substr(b, i - b);
    // "Mrs. Doe's A1c": a possessive ends the name, without its 's.
    bool possessive = false;
    for (std::string_view apostrophe_s : {std::string_view("'s"), std::string_view("\xE2\x80\x99s")})
      if (w.size() > apostrophe_s.size() + 1 && w.substr(w.size() - apostrophe_s.size()) == apostrophe_s) {
        w.remove_suffix(apostrophe_s.size());
        possessive = true;
      }
    if (i < limit && win[i] == '.') ++i;
    if (w.size() == 1 && t.count > 0) continue;  // middle initial
    if (w.size() == 1 && !t.initial && win[i - 1] == '.') {  // "J. Doe": a first initial
      t.initial = true;
      continue;
    }
    if (honorific(w) && t.count == 0) continue;
    if (provider_title(w)) return std::nullopt;
    if (w.size() < 2) break;
    bool f = known_name(lex.first_names, w), s = known_name(lex.surnames, w);
    // After a comma only "LAST, FIRST" goes on: "Jane Smith, DOB ..." ends at Smith.
    if (comma && (t.count != 1 || !f)) break;
    if (t.count == 0) { t.from = b; t.first_is_first_name = f; }
    t.first += f;
    t.last += s;
    t.last_is_surname = s;
    t.to = b + w.size();
    ++t.count;
    if (possessive) break;
  }
  if (t.count == 0) return std::nullopt;
  return t;
}

std::optional<Candidate> check_label_name(const Detector& d, const Lexicon& lex, std::string_view win, size_t from, size_t to) {
  Lowered ctx = left_lower(win, from, 6);
  if (has_any(ctx, kDoctorWords) || on_address_line(win, from)) return std::nullopt;
  size_t i = to;
  bool colon = false;
  if (i < win.size() && win[i] == '.') ++i;  // "Mrs.", "Pt."
  while (i < win.size() && i < to + 6 && (win[i] == ' ' || win[i] == ':' || win[i] == '-' || win[i] == '\t')) colon |= win[i++] == ':';
  auto t = read_name(lex, win, i);
  if (!t) return std::nullopt;
  bool ok = false;
  switch (d.arg) {
    case kStrongLabel: ok = (t->count >= 2 && colon) || (t->count >= 1 && t->first + t->last >= t->count); break;
    case kColonLabel:
      ok = (t->count >= 2 && ((t->first_is_first_name && t->last_is_surname) || t->first + t->last >= t->count)) ||
           (t->count == 1 && t->initial && t->last_is_surname);  // "Pt: J. Doe"
      break;
    default: ok = t->last >= 1 && t->first + t->last >= t->count; break;
  }
  if (!ok) return std::nullopt;
  return Candidate{t->from, t->to, d.weight};
}

bool hs_word(char c) { return is_alnum(c) || c == '_'; }  // Hyperscan's \w without UCP
bool icd_code_char(char c) { return is_digit(c) || is_upper(c); }

// Start of "First [M.] Last" ending at `to` (the shape the name-list pattern matched).
size_t name_start(std::string_view win, size_t to) {
  size_t i = to, floor = to > 64 ? to - 64 : 0;
  auto word_back = [&] {
    while (i > floor && (name_byte(win[i - 1]) || win[i - 1] == '-')) --i;
  };
  auto space_back = [&] {
    while (i > floor && (win[i - 1] == ' ' || win[i - 1] == '\t' || win[i - 1] == '\n' || win[i - 1] == '\r')) --i;
  };
  word_back();  // surname
  space_back();
  if (i >= 2 && win[i - 1] == '.' && is_upper(win[i - 2])) i -= 2, space_back();  // "M."
  else if (i >= 2 && is_upper(win[i - 1]) && !is_alpha(win[i - 2])) --i, space_back();  // "M"
  word_back();  // first name
  return i;
}

std::optional<Candidate> check_name_list(const Detector& d, const Lexicon& lex, std::string_view win, size_t from, size_t to) {
  Lowered ctx = left_lower(win, from, 8);
  if (has_any(ctx, kTitleWords) || on_address_line(win, from)) return std::nullopt;
  if (to < win.size() && name_byte(win[to])) return std::nullopt;  // inside a longer word
  size_t s = to;
  while (s > from && name_byte(win[s - 1])) --s;
  if (!known_name(lex.surnames, win.substr(s, to - s))) return std::nullopt;
  size_t f = from;
  while (f < to && name_byte(win[f])) ++f;
  if (!known_name(lex.first_names, win.substr(from, f - from))) return std::nullopt;
  std::string_view after = win.substr(to, 12);
  if (has_any(after, kCredentialWords)) return std::nullopt;
  return Candidate{from, to, d.weight};
}

// Start of "DOE, JANE" / "Doe, Jane" ending at `to` (the shape the
// reversed-name pattern matched: a word, a comma, one or two blanks, a
// word that ends at `to`), or npos.
size_t reversed_name_start(std::string_view win, size_t to) {
  if (to < win.size() && name_byte(win[to])) return std::string_view::npos;  // inside a longer word
  size_t f = to;
  while (f > 0 && to - f < 24 && name_byte(win[f - 1])) --f;
  size_t c = f;
  while (c > 0 && f - c < 2 && (win[c - 1] == ' ' || win[c - 1] == '\t')) --c;
  if (c == f || c == 0 || win[c - 1] != ',') return std::string_view::npos;
  size_t e = c - 1, s = e;
  while (s > 0 && e - s < 24 && (name_byte(win[s - 1]) || win[s - 1] == '\'' || win[s - 1] == '-')) --s;
  return s < e ? s : std::string_view::npos;
}

// Unlabelled "DOE, JANE" or "Doe, Jane", as EHR lists, census sheets and
// schedules print a patient: a listed surname, a comma, a listed first name.
std::optional<Candidate> check_name_reversed(const Detector& d, const Lexicon& lex, std::string_view win, size_t from, size_t to) {
  Lowered ctx = left_lower(win, from, 8);
  if (has_any(ctx, kTitleWords) || on_address_line(win, from)) return std::nullopt;
  size_t comma = win.find(',', from);
  size_t f = comma + 1;
  while (f < to && (win[f] == ' ' || win[f] == '\t')) ++f;
  if (!known_name(lex.surnames, win.substr(from, comma - from)) || !known_name(lex.first_names, win.substr(f, to - f)))
    return std::nullopt;
  if (has_any(win.substr(to, 12), kCredentialWords)) return std::nullopt;  // "Smith, John MD" signs a letter
  return Candidate{from, to, d.weight};
}

std::optional<Candidate> check_email(const Detector& d, std::string_view win, size_t from) {
  auto local = [](char c) { return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'; };
  auto domain = [](char c) { return is_alnum(c) || c == '.' || c == '-'; };
  size_t at = from + 1, b = at, e = at + 1;
  while (b > 0 && at - b < 64 && local(win[b - 1])) --b;
  while (e < win.size() && e - at < 253 && domain(win[e])) ++e;
  while (e > at && (win[e - 1] == '.' || win[e - 1] == '-')) --e;
  std::string_view dom = win.substr(at + 1, e - at - 1);
  auto dot = dom.rfind('.');
  if (dot == std::string_view::npos || dom.size() - dot < 3) return std::nullopt;
  return Candidate{b, e, d.weight};
}

// "42 Maple Grove Street": the suffix (capitalised, as the street names are)
// at [from, to) follows one to four capitalised words, each after one blank,
// and a house number of up to six digits; returns from the number to the suffix.
std::optional<Candidate> check_address(const Detector& d, std::string_view win, size_t from, size_t to) {
  if (!is_upper(win[from])) return std::nullopt;
  for (size_t k = from + 1; k < to; ++k)
    if (is_upper(win[k])) return std::nullopt;
  size_t i = from;
  for (int words = 0; words < 4; ++words) {
    if (i < 2 || !is_space(win[i - 1])) return std::nullopt;
    size_t e = i - 1, b = e;
    while (b > 0 && e - b < 20 && is_lower(win[b - 1])) --b;
    if (b == e || b == 0 || !is_upper(win[b - 1])) return std::nullopt;
    i = b - 1;  // the word's capital
    if (i < 2 || !is_space(win[i - 1])) return std::nullopt;
    size_t ne = i - 1, nb = ne;
    while (nb > 0 && ne - nb < 6 && is_digit(win[nb - 1])) --nb;
    if (nb < ne && (nb == 0 || !is_alnum(win[nb - 1]))) return Candidate{nb, to, d.weight};
  }
  return std::nullopt;
}

std::optional<Candidate> check_icd10(const Detector& d, const Lexicon& lex, std::string_view win, size_t from, size_t to) {
  if (to + 1 < win.size() && win[to] == '.' && is_alnum(win[to + 1])) {  // extend "E11" to "E11.9"
    size_t e = to + 1;
    while (e < win.size() && e - to <= 5 && is_alnum(win[e])) ++e;
    if (e - to > 5) return std::nullopt;
    to = e;
  }
  char code[7];
  size_t n = 0;
  for (char c : win.substr(from, to - from)) {
    if (c == '.') continue;
    if (n == sizeof code) return std::nullopt;  // longer than any ICD-10-CM code
    code[n++] = c;
  }
  if (!icd_known(lex, std::string_view(code, n))) return std::nullopt;
  Lowered ctx = left_lower(win, from, 80);
  if (!has_any(ctx, kIcdWords)) return std::nullopt;
  Lowered after = Lowered().append(win.substr(to, 16));
  if (has_any(after, kProductWords)) return std::nullopt;
  return Candidate{from, to, d.weight};
}

std::optional<Candidate> check_cpt(const Detector& d, std::string_view win, size_t from, size_t to) {
  Lowered ctx = left_lower(win, from, 60);
  if (!has_any(ctx, kCptWords)) return std::nullopt;
  if (d.check == Check::Cpt && is_digit(win[to - 1])) {
    int v = 0;
    std::from_chars(win.data() + from, win.data() + to, v);
    if (v < 100 || v > 99607) return std::nullopt;
  }
  return Candidate{from, to, d.weight};
}

std::optional<Candidate> check_simple(const Detector& d, std::string_view win, size_t from, size_t to) {
  std::string_view tok = win.substr(from, to - from);
  switch (d.check) {
    case Check::Mbi: return check_mbi(tok) ? std::optional<Candidate>(Candidate{from, to, d.weight}) : std::nullopt;
    case Check::Phone:
      if (glued(win, from, to) || !check_phone(digits_of(tok))) return std::nullopt;
      return Candidate{from, to, d.weight};
    case Check::Ndc:
      if (glued(win, from, to) || !check_ndc(tok) || !has_any(left_lower(win, from, 48), kNdcWords)) return std::nullopt;
      return Candidate{from, to, d.weight};
    case Check::Npi:
      if (!check_npi(tok) || !has_any(left_lower(win, from, 48), kNpiWords)) return std::nullopt;
      return Candidate{from, to, d.weight};
    case Check::Dea: return check_dea(tok) ? std::optional<Candidate>(Candidate{from, to, d.weight}) : std::nullopt;
    case Check::CreditCard:
      if (glued(win, from, to) || !check_credit_card(tok)) return std::nullopt;
      return Candidate{from, to, d.weight};
    default: return Candidate{from, to, d.weight};
  }
}

// No lower-case letter in the match: how a term written in capitals must appear.
bool in_capitals(std::string_view match) {
  return std::none_of(match.begin(), match.end(), is_lower);
}

bool word_edges(std::string_view win, size_t from, size_t to) {
  return (from == 0 || !is_alnum(win[from - 1])) && (to >= win.size() || !is_alnum(win[to]));
}

// Medications weigh more next to a dose or a prescribing verb.
std::optional<Candidate> check_medication(const Detector& d, std::string_view win, size_t from, size_t to) {
  size_t b = from > 40 ? from - 40 : 0;
  Lowered around;
  around.append(win.substr(to, 32)).push(' ').append(win.substr(b, from - b));
  bool dose = has_any(around, kDoseWords);
  return Candidate{from, to, dose ? d.weight + 0.2 : d.weight};
}

// Where the number after a lab test's name begins, or npos: past the
// separators (`strict`: at most three blanks, colons or equals signs; else
// any run of punctuation on the line) and up to four words that lead to a
// value ("INR is now 3.8", "A1c came back at 10.2", "level of 140").
size_t lab_value_at(std::string_view after, bool strict) {
  size_t e = 0;
  if (strict)
    while (e < after.size() && e < 3 && (after[e] == ' ' || after[e] == '\t' || after[e] == ':' || after[e] == '=')) ++e;
  else
    while (e < after.size() && !is_digit(after[e]) && !is_alpha(after[e]) && after[e] != '\n') ++e;
  static constexpr std::string_view kLeadWords[] = {"of", "was", "is", "at", "now", "today", "came", "back",
                                                    "returned", "result", "level", "reading", "value", "up", "down", "to"};
  for (int words = 0; words < 4 && e < after.size() && is_alpha(after[e]); ++words) {
    size_t w = e;
    while (w < after.size() && is_alpha(after[w])) ++w;
    std::string_view word = after.substr(e, w - e);
    if (w >= after.size() || after[w] != ' ' ||
        std::none_of(std::begin(kLeadWords), std::end(kLeadWords), [&](std::string_view k) { return iequals(word, k); }))
      return std::string_view::npos;
    e = w;
    while (e < after.size() && after[e] == ' ') ++e;
  }
  return e < after.size() && is_digit(after[e]) ? e : std::string_view::npos;
}

// A lab test name counts as a result when a number follows closely.
std::optional<Candidate> check_lab(const Detector& d, std::string_view win, size_t from, size_t to) {
  bool value = lab_value_at(win.substr(to, 40), false) != std::string_view::npos;
  return Candidate{from, to, value ? d.weight : d.weight / 2};
}

// A lab abbreviation that names other things too ("ALT", "AST", "Cr")
// counts only with a value after it: "ALT 45", "Hgb: 9.8", "INR was 2.4",
// "Cr=1.9". The value has at most three digits before an optional
// decimal part ("CR 2345" is a change request), and a two-letter
// abbreviation needs the decimal part ("CR 123" may be one too).
std::optional<Candidate> check_lab_value(const Detector& d, std::string_view win, size_t from, size_t to) {
  std::string_view after = win.substr(to, 40);
  size_t e = lab_value_at(after, true);
  if (e == std::string_view::npos) return std::nullopt;
  size_t digits = 0, decimals = 0;
  while (e < after.size() && is_digit(after[e])) ++e, ++digits;
  if (e + 1 < after.size() && after[e] == '.' && is_digit(after[e + 1]))
    for (++e; e < after.size() && is_digit(after[e]); ++e) ++decimals;
  if (digits > 3 || (e < after.size() && (is_digit(after[e]) || after[e] == '.'))) return std::nullopt;
  if (d.term.size() == 2 && is_alpha(d.term[0]) && is_alpha(d.term[1]) && decimals == 0) return std::nullopt;
  return Candidate{from, to, d.weight};
}

}  // namespace

namespace {
constexpr size_t kIcdPackedChars = 7;
}  // namespace

// Digits 1-10, capitals 11-36, nothing 0: a code's order is kept.
std::optional<uint64_t> icd_pack(std::string_view code) {
  if (code.size() > kIcdPackedChars) return std::nullopt;
  uint64_t v = 0;
  for (size_t i = 0; i < kIcdPackedChars; ++i) {
    unsigned c = 0;
    if (i < code.size()) {
      if (is_digit(code[i])) c = unsigned(code[i] - '0') + 1;
      else if (is_upper(code[i])) c = unsigned(code[i] - 'A') + 11;
      else return std::nullopt;
    }
    v = v << 6 | c;
  }
  return v;
}

// The leftmost start of a match of the ICD-10 pattern
// \b(?:[A-TV-Z]\d[0-9A-Z]|QA\d)(?:\.?[0-9A-Z]{1,4})?\b ending at `to`
// (Hyperscan reported the end), as HS_FLAG_SOM_LEFTMOST would give it.
size_t icd10_start(std::string_view win, size_t to) {
  if (to > win.size() || to < 3) return std::string_view::npos;
  for (size_t s = to > 8 ? to - 8 : 0; s + 3 <= to; ++s) {
    if (!hs_word(win[s]) || (s > 0 && hs_word(win[s - 1]))) continue;  // \b before
    char a = win[s], b = win[s + 1], c = win[s + 2];
    bool head = (is_upper(a) && a != 'U' && is_digit(b) && icd_code_char(c)) || (a == 'Q' && b == 'A' && is_digit(c));
    if (!head) continue;
    std::string_view rest = win.substr(s + 3, to - s - 3);
    if (!rest.empty() && rest[0] == '.') rest.remove_prefix(1);
    else if (rest.empty()) return s;
    if (rest.empty() || rest.size() > 4) continue;
    if (std::all_of(rest.begin(), rest.end(), icd_code_char)) return s;
  }
  return std::string_view::npos;
}

// The leftmost start of a match of the phone pattern
// (?:\(\d{3}\)\s?|\b\d{3}[-. ])\d{3}[-. ]\d{4}\b ending at `to`, as
// HS_FLAG_SOM_LEFTMOST would give it: "(415) 555-0123" (14 bytes),
// "(415)555-0123" (13) or "415-555-0123" (12).
size_t phone_start(std::string_view win, size_t to) {
  auto digits = [&](size_t at, size_t n) {
    for (size_t k = 0; k < n; ++k)
      if (!is_digit(win[at + k])) return false;
    return true;
  };
  auto sep = [&](size_t at) { return win[at] == '-' || win[at] == '.' || win[at] == ' '; };
  auto hs_space = [&](size_t at) { char c = win[at]; return c == ' ' || (c >= '\t' && c <= '\r'); };
  if (to > win.size() || to < 12 || !digits(to - 8, 3) || !sep(to - 5) || !digits(to - 4, 4)) return std::string_view::npos;
  auto area = [&](size_t s) { return win[s] == '(' && digits(s + 1, 3) && win[s + 4] == ')'; };
  if (to >= 14 && area(to - 14) && hs_space(to - 9)) return to - 14;
  if (to >= 13 && area(to - 13)) return to - 13;
  size_t s = to - 12;
  if (digits(s, 3) && sep(s + 3) && (s == 0 || !hs_word(win[s - 1]))) return s;
  return std::string_view::npos;
}

bool icd_known(const Lexicon& lex, std::string_view code) {
  if (!lex.icd_packed.empty()) {  // every shipped code packs: the codes starting with `code` are one range
    auto lo = icd_pack(code);
    if (!lo) return false;  // too long or a byte no code has
    uint64_t hi = *lo | ((uint64_t(1) << (6 * (kIcdPackedChars - code.size()))) - 1);
    auto it = std::lower_bound(lex.icd_packed.begin(), lex.icd_packed.end(), *lo);
    return it != lex.icd_packed.end() && *it <= hi;
  }
  auto it = std::lower_bound(lex.icd_codes.begin(), lex.icd_codes.end(), code);
  return it != lex.icd_codes.end() && std::string_view(*it).substr(0, code.size()) == code;
}

std::string fold_name(std::string_view w) {
  std::string out(w.size(), '\0');
  out.resize(fold_name_into(w, out.data(), out.size()));
  return out;
}

std::string term_regex(std::string_view term) {
  std::string r;
  for (char c : term) {
    if (is_alnum(c) || c == ' ') {
      r += c;
    } else {
      r += '\\';
      r += c;
    }
  }
  // Short terms ("alt", "bun") would hit inside many words: let Hyperscan check the boundaries.
  return term.size() < 5 ? "\\b" + r + "\\b" : r;
}

namespace {

// Every head followed by every tail: cross({"claim"}, {" no", "#"}) = {"claim no", "claim#"}.
std::vector<std::string> cross(std::initializer_list<const char*> heads, std::initializer_list<const char*> tails) {
  std::vector<std::string> out;
  for (const char* h : heads)
    for (const char* t : tails) out.push_back(std::string(h) + t);
  return out;
}

std::vector<std::string> join(std::initializer_list<std::string> a, std::vector<std::string> b, std::initializer_list<std::string> c) {
  b.insert(b.begin(), a);
  b.insert(b.end(), c);
  return b;
}

}  // namespace

std::vector<Detector> builtin_detectors(const Lexicon& lex) {
  using R = Role;
  std::vector<Detector> d = {
      {"ssn", R::Identifier, 1.0, "\\b\\d{3}[- ]\\d{2}[- ]\\d{4}\\b", 0, Check::SsnSeparated},
      {"ssn", R::Identifier, 1.0, "\\b\\d{9}\\b", 0, Check::SsnBare},
      {"itin", R::Identifier, 0.9, "\\b9\\d{2}[- ]\\d{2}[- ]\\d{4}\\b", 0, Check::SsnSeparated},
      {"itin", R::Identifier, 0.9, "\\b9\\d{8}\\b", 0, Check::SsnBare},
      {"mbi", R::Identifier, 1.0, "\\b[1-9]" MBI_L MBI_AN "\\d-?" MBI_L MBI_AN "\\d-?" MBI_L MBI_L "\\d\\d\\b", 0, Check::Mbi},
      {"hicn", R::Identifier, 1.0, "\\b\\d{3}-?\\d{2}-?\\d{4}[ -]?[A-HJKMTW][0-9A-Z]?\\b", 0, Check::Hicn},
      {"phone", R::Identifier, 0.25, "(?:\\(\\d{3}\\)\\s?|\\b\\d{3}[-. ])\\d{3}[-. ]\\d{4}\\b", 0, Check::Phone},
      {"email", R::Identifier, 0.25, "[A-Za-z0-9]@[A-Za-z0-9]", 0, Check::Email},
      {"icd10", R::Health, 0.9, "\\b(?:[A-TV-Z]\\d[0-9A-Z]|QA\\d)(?:\\.?[0-9A-Z]{1,4})?\\b", 0, Check::Icd10},
      {"ndc", R::Health, 0.8, "\\b(?:\\d{4,5}-\\d{3,4}-\\d{1,2}|\\d{11})\\b", 0, Check::Ndc},
      {"cpt", R::Health, 0.7, "\\b\\d{4}[0-9FTU]\\b", 0, Check::Cpt},
      {"cpt", R::Health, 0.7, "\\b[A-V]\\d{4}\\b", 0, Check::Hcpcs},
      {"npi", R::Provider, 0.5, "\\b\\d{10}\\b", 0, Check::Npi},
      {"dea", R::Provider, 0.5, "\\b[A-Z][A-Z9]\\d{7}\\b", 0, Check::Dea},
      {"credit_card", R::Pii, 0.8, "\\b(?:\\d{4}[ -]?\\d{4}[ -]?\\d{4}[ -]?\\d{1,7}|3[47]\\d{2}[ -]?\\d{6}[ -]?\\d{5})\\b", 0, Check::CreditCard},
  };
  // An ITIN has an SSN's shapes with a leading 9 (and check_itin() demands
  // it): checked on the SSN patterns' matches, which halves the digit
  // patterns' cost to Hyperscan on clinical text. The regexes stay for
  // bench/classifier_bench's naive baseline.
  // Start of match cost Hyperscan about a fifth of its work on clinical
  // text for the ICD-10 pattern, and as much on the dense benchmark text
  // for the phone pattern: icd10_start() and phone_start() find it.
  for (auto& det : d)
    if (det.check == Check::Icd10 || det.check == Check::Phone) det.som = false;
  for (auto& itin : d)
    if (itin.type == "itin")
      for (size_t j = 0; j < d.size(); ++j)
        if (d[j].type == "ssn" && d[j].check == itin.check) itin.rides_on = int(j);
  // Dictionary terms, label words and street suffixes are matched by
  // TermIndex (a tokenizer and a hash table): thousands of caseless literals
  // in the Hyperscan database cost most of its speed, and the label
  // alternations and the address pattern's repeats alone halved it.
  // `regex` (labels, addresses): the one pattern the terms stand for, kept
  // for bench/classifier_bench's naive baseline, which runs it in their place.
  auto dict = [&](const char* type, R role, double w, const std::vector<std::string>& terms, Check c, int arg = -1,
                  const char* regex = nullptr, unsigned flags = kCaseless) {
    for (const auto& written : terms) {
      if (written.size() < 2 || written.size() > 120) continue;
      std::string t = to_lower(written);
      Detector det(type, role, w, regex ? std::string(regex) : term_regex(t), flags, c, arg < 0 ? int(t.size()) : arg);
      det.dict = true;
      det.capitals = t != written;
      det.term = std::move(t);
      d.push_back(std::move(det));
    }
  };
  // Labels: the check reads the value after the label.
  dict("mrn", R::Identifier, 0.9,
       join({"mrn", "med rec", "med record"},
            cross({"medical record", "chart", "patient", "pt", "encounter"}, {" number", " no", " num"}),
            {"medical record", "chart #", "patient id", "patient account", "patient acct", "pt id", "encounter id"}),
       Check::LabelId, -1,
       "\\b(?:mrn|medical\\s+record(?:\\s+(?:number|no|num))?|med\\s+rec(?:ord)?|chart\\s+(?:number|no|num|#)|"
       "patient\\s+(?:id|number|no|account|acct)|pt\\s+(?:id|no)|encounter\\s+(?:id|number|no))\\b");
  dict("member_id", R::Identifier, 0.8,
       cross({"member", "subscriber", "beneficiary", "insurance", "policy", "medicaid", "medicare", "enrollee", "insured", "plan"},
             {" id", " identification", " number", " no", " num", " #", "#", "id"}),
       Check::LabelId, -1,
       "\\b(?:member|subscriber|beneficiary|insurance|policy|medicaid|medicare|enrollee|insured|plan)\\s{0,2}"
       "(?:id\\b|identification|number|no\\b|num\\b|#)");
  dict("account_number", R::Identifier, 0.5, cross({"account", "acct", "a/c"}, {" number", " no", " num", " #", "#"}), Check::LabelId, -1,
       "\\b(?:account|acct|a/c)\\s{0,2}(?:number|no\\b|num\\b|#)");
  dict("claim_number", R::Identifier, 0.7, cross({"claim"}, {" number", " no", " num", " id", " #", "#"}), Check::LabelId, -1,
       "\\bclaim\\s{0,2}(?:number|no\\b|num\\b|id\\b|#)");
  dict("dob", R::Identifier, 0.8, {"dob", "d.o.b", "date of birth", "birth date", "birthdate", "born", "born on", "birthday"},
       Check::LabelDate, -1, "\\b(?:dob|d\\.o\\.b|date\\s+of\\s+birth|birth\\s*date|born(?:\\s+on)?|birthday)\\b");
  dict("date", R::Identifier, 0.3,
       {"dos", "date of service", "service date", "admission date", "admit date", "admitted", "admitted on", "discharge date",
        "discharged", "discharged on", "date of death", "dod", "date of injury", "visit date", "seen on"},
       Check::LabelDate, -1,
       "\\b(?:dos|date\\s+of\\s+service|service\\s+date|admission\\s+date|admit\\s+date|admitted(?:\\s+on)?|discharge\\s+date|"
       "discharged(?:\\s+on)?|date\\s+of\\s+death|dod|date\\s+of\\s+injury|visit\\s+date|seen\\s+on)\\b");
  dict("name", R::Identifier, 0.7,
       {"patient", "patient's", "patient name", "patient's name", "pt name", "pt. name", "name of patient", "member name",
        "insured name", "beneficiary name", "subscriber name", "client name", "resident name", "guarantor"},
       Check::LabelName, kStrongLabel,
       "\\b(?:patient(?:'s)?(?:\\s+name)?|pt\\.?\\s+name|name\\s+of\\s+patient|member\\s+name|insured\\s+name|"
       "beneficiary\\s+name|subscriber\\s+name|client\\s+name|resident\\s+name|guarantor)\\b");
  dict("name", R::Identifier, 0.6, cross({"name", "re", "regarding", "pt"}, {":", " :"}), Check::LabelName, kColonLabel,
       "\\b(?:name|re|regarding|pt)\\s{0,2}:");
  dict("name", R::Identifier, 0.45, {"dear", "mr", "mrs", "ms", "miss"}, Check::LabelName, kSalutation,
       "\\b(?:dear|mr|mrs|ms|miss)\\b");
  // "42 Maple Grove Street": found from the suffix; the check reads back.
  dict("address", R::Identifier, 0.4,
       {"street", "st", "avenue", "ave", "road", "rd", "boulevard", "blvd", "lane", "ln", "drive", "dr", "court", "ct", "way",
        "place", "pl", "terrace", "circle", "parkway", "pkwy", "highway", "hwy"},
       Check::Address, -1,
       "\\b\\d{1,6}\\s(?:[A-Z][a-z]{1,20}\\s){1,4}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|"
       "Court|Ct|Way|Place|Pl|Terrace|Circle|Parkway|Pkwy|Highway|Hwy)\\b", 0);
  dict("diagnosis_term", R::Health, 0.6, lex.conditions, Check::Term);
  dict("medication", R::Health, 0.4, lex.medications, Check::Medication);
  dict("procedure", R::Health, 0.5, lex.procedures, Check::Term);
  const size_t documents = d.size();  // care documents: procedures, flagged for the Subject rule (scan.cc)
  dict("procedure", R::Health, 0.5, lex.care_documents, Check::Term);
  for (size_t k = documents; k < d.size(); ++k) d[k].document = true;
  dict("lab_result", R::Health, 0.6, lex.lab_tests, Check::LabTest);
  dict("lab_result", R::Health, 0.6, lex.lab_values, Check::LabValue);
  // Unlabelled "First [M.] Last": a cheap capitalised-pair trigger; the check
  // looks both words up in the name lists (a 5000-name alternation here
  // slowed the whole database down to 90 MB/s).
  Detector names("name", R::Identifier, 0.45, "\\b[A-Z]" NAME_L "{1,20}\\s{1,2}(?:[A-Z]\\.?\\s{1,2})?" NAME_U NAME_L "{0,19}(?:[a-z]\\b|\\xC3[\\x9F-\\xBF])"
                 "(?:-[A-Z][a-z]{1,20}\\b)?",
                 0, Check::NameList);
  names.som = false;
  d.push_back(std::move(names));
  // "DOE, JANE", "Doe, Jane": surname first, as lists write it. (A
  // pattern for "JANE DOE" in capitals cost the business message 30% more
  // Hyperscan work, having no literal to start from: not kept.)
  Detector reversed("name", R::Identifier, 0.45,
                    ",[ \\t]{1,2}" NAME_U "(?:" NAME_U "|" NAME_L "){0,22}"
                    "(?:[A-Za-z]\\b|\\xC3[\\x80-\\xBF])",
                    0, Check::NameReversed);
  reversed.som = false;
  d.push_back(std::move(reversed));
  return d;
}

std::optional<Candidate> check_hit(const Detector& d, const Lexicon& lex, std::string_view win, size_t from, size_t to) {
  if (to > win.size()) return std::nullopt;
  if (!d.som) {
    if (d.check == Check::NameList) {
      from = name_start(win, to);
    } else if (d.check == Check::NameReversed) {
      from = reversed_name_start(win, to);
      if (from == std::string_view::npos) return std::nullopt;
    } else if (d.check == Check::Icd10 || d.check == Check::Phone) {
      from = d.check == Check::Icd10 ? icd10_start(win, to) : phone_start(win, to);
      if (from == std::string_view::npos) return std::nullopt;
    } else {
      if (to < d.width) return std::nullopt;
      from = to - d.width;
    }
  }
  if (from >= to) return std::nullopt;
  switch (d.check) {
    case Check::SsnSeparated:
    case Check::SsnBare: return check_ssn_like(d, win, from, to);
    case Check::Hicn: return check_hicn(d, win, from, to);
    case Check::LabelId: return check_label_id(d, win, to);
    case Check::LabelDate: return check_label_date(d, win, to);
    case Check::LabelName: return check_label_name(d, lex, win, from, to);
    case Check::NameList: return check_name_list(d, lex, win, from, to);
    case Check::NameReversed: return check_name_reversed(d, lex, win, from, to);
    case Check::Email: return check_email(d, win, from);
    case Check::Address: return check_address(d, win, from, to);
    case Check::Icd10: return check_icd10(d, lex, win, from, to);
    case Check::Cpt:
    case Check::Hcpcs: return check_cpt(d, win, from, to);
    case Check::Term:
      if (!word_edges(win, from, to) || (d.capitals && !in_capitals(win.substr(from, to - from)))) return std::nullopt;
      return Candidate{from, to, d.weight};
    case Check::Medication: return word_edges(win, from, to) ? check_medication(d, win, from, to) : std::nullopt;
    case Check::LabTest: return word_edges(win, from, to) ? check_lab(d, win, from, to) : std::nullopt;
    case Check::LabValue: return word_edges(win, from, to) ? check_lab_value(d, win, from, to) : std::nullopt;
    default: return check_simple(d, win, from, to);
  }
}

namespace {

Result<Role> parse_role(std::string_view r) {
  if (r == "identifier") return Role::Identifier;
  if (r == "health") return Role::Health;
  if (r == "provider") return Role::Provider;
  if (r == "pii") return Role::Pii;
  return Error{"role \"" + std::string(r).substr(0, 32) + "\" is not identifier, health, provider or pii"};
}

bool valid_type_name(std::string_view n) {
  if (n.empty() || n.size() > 32) return false;
  for (char c : n)
    if (!is_lower(c) && !is_digit(c) && c != '_') return false;
  return true;
}

// Splits off the next blank-separated field of `line`.
std::string_view next_field(std::string_view& line) {
  line = trim(line);
  size_t k = 0;
  while (k < line.size() && !is_space(line[k])) ++k;
  std::string_view f = line.substr(0, k);
  line = line.substr(k);
  return f;
}

Result<Detector> parse_detector_line(std::string_view line) {
  Detector d;
  std::string_view name = next_field(line), role = next_field(line), weight = next_field(line);
  std::string_view regex = trim(line);
  if (regex.empty()) return Error{"expected \"name role weight regex\""};
  if (!valid_type_name(name)) return Error{"detector name must be 1-32 of a-z, 0-9, _"};
  auto r = parse_role(role);
  if (!r) return r.error();
  double w = -1;
  auto [p, ec] = std::from_chars(weight.data(), weight.data() + weight.size(), w);
  if (ec != std::errc() || p != weight.data() + weight.size() || w < 0 || w > 1)
    return Error{"weight \"" + std::string(weight).substr(0, 16) + "\" is not a number from 0 to 1"};
  d.type = std::string(name);
  d.role = *r;
  d.weight = w;
  d.regex = std::string(regex);
  d.check = Check::Custom;
  return d;
}

}  // namespace

Result<std::vector<Detector>> parse_custom_detectors(std::string_view text, const std::string& file) {
  std::vector<Detector> out;
  Lines lines(text);
  std::string_view line;
  while (lines.next(line)) {
    const size_t line_no = lines.number();
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    std::string where = file + ":" + std::to_string(line_no);
    auto d = parse_detector_line(line);
    if (!d) return d.error().context(where);
    d->where = where;
    out.push_back(std::move(*d));
  }
  return out;
}

}  // namespace phi::policy
