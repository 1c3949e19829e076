// charset - declared charset to UTF-8: built-in UTF-8/Windows-1252, iconv for the rest.
#include "milter/mime/charset.h"

#include <cerrno>
#include <cstring>

#include "milter/util/strings.h"

namespace phi::mime {
namespace {

// Windows-1252 0x80..0x9F; the five undefined bytes map to their C1 code points (as WHATWG does).
constexpr uint16_t kCp1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

uint32_t cp1252(unsigned char b) { return windows1252_code_point(b); }

constexpr uint32_t kReplacement = 0xFFFD;

// Normalised, safe charset name: lower case, no quotes, only [a-z0-9._:+()-].
std::string clean_name(std::string_view cs) {
  cs = trim(cs);
  if (cs.size() >= 2 && cs.front() == '"' && cs.back() == '"') cs = trim(cs.substr(1, cs.size() - 2));
  if (cs.size() > kMaxCharsetName) return "?";
  std::string n = to_lower(cs);
  for (char c : n)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || std::strchr("._:+()-", c))) return "?";
  return n;
}

struct Alias { const char* label; const char* iconv_name; };
constexpr Alias kAliases[] = {
    {"ks_c_5601-1987", "CP949"}, {"ks_c_5601", "CP949"}, {"gb2312", "GB18030"}, {"gbk", "GB18030"},
    {"x-gbk", "GB18030"}, {"x-sjis", "SHIFT_JIS"}, {"iso-8859-8-i", "ISO-8859-8"},
    {"utf-16", "UTF-16"}, {"unicode", "UTF-16"}, {"iso-10646-ucs-2", "UNICODE"},  // IANA csUnicode
    {"iso-10646-ucs-4", "UCS-4"}, {"x-unknown", "?"}, {"unknown-8bit", "?"}};

bool is_latin1_label(const std::string& n) {
  for (const char* l : {"iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819",
                        "windows-1252", "cp1252", "x-cp1252", "ansi_x3.4-1968"})
    if (n == l) return true;
  return false;
}

// The code unit of charset `name` (1 for byte-oriented ones, 2 for the
// UCS-2/UTF-16 family, 4 for UCS-4/UTF-32), asked of iconv rather than read
// from the name, so every alias iconv knows counts (UNICODELITTLE, csUnicode,
// WCHAR_T, 10646-1:1993...): the bytes a second "A" takes after a first
// one (which may carry a byte order mark). 1 if iconv cannot tell.
size_t code_unit(const char* name) {
  iconv_t raw = iconv_open(name, "UTF-8");
  if (raw == reinterpret_cast<iconv_t>(-1)) return 1;
  CPtr<void, iconv_close> cd(raw);
  size_t len[2] = {0, 0};
  for (size_t& n : len) {
    char a = 'A', buf[16];
    char* src = &a;
    char* dst = buf;
    size_t left = 1, room = sizeof buf;
    if (iconv(cd.get(), &src, &left, &dst, &room) == static_cast<size_t>(-1)) return 1;
    n = sizeof buf - room;
  }
  return len[1] >= 1 && len[1] <= 4 ? len[1] : 1;
}

// Length of the UTF-8 sequence led by b, 0 if b cannot lead one.
int utf8_len(unsigned char b) {
  if (b < 0x80) return 1;
  if (b >= 0xC2 && b <= 0xDF) return 2;
  if (b >= 0xE0 && b <= 0xEF) return 3;
  if (b >= 0xF0 && b <= 0xF4) return 4;
  return 0;
}

// Whether the second byte c is valid after lead byte b (excludes overlongs and surrogates).
bool utf8_second_ok(unsigned char b, unsigned char c) {
  if (b == 0xE0) return c >= 0xA0 && c <= 0xBF;
  if (b == 0xED) return c >= 0x80 && c <= 0x9F;
  if (b == 0xF0) return c >= 0x90 && c <= 0xBF;
  if (b == 0xF4) return c >= 0x80 && c <= 0x8F;
  return c >= 0x80 && c <= 0xBF;
}

// Valid prefix length of the sequence at s (n available bytes): returns the
// full length if complete and valid, -1 if invalid, 0 if valid but incomplete.
int utf8_check(const unsigned char* s, size_t n) {
  int len = utf8_len(s[0]);
  if (len == 0) return -1;
  for (int k = 1; k < len; ++k) {
    if (static_cast<size_t>(k) >= n) return 0;
    bool ok = k == 1 ? utf8_second_ok(s[0], s[1]) : (s[k] >= 0x80 && s[k] <= 0xBF);
    if (!ok) return -1;
  }
  return len;
}

}  // namespace

uint32_t windows1252_code_point(unsigned char b) {
  return (b >= 0x80 && b < 0xA0) ? kCp1252High[b - 0x80] : b;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = kReplacement;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

CharsetConverter::CharsetConverter(std::string_view charset) {
  std::string n = clean_name(charset);
  if (n.empty() || n == "us-ascii" || n == "ascii" || n == "us" || n == "7bit" || n == "8bit") {
    mode_ = Mode::Unlabelled;
    return;
  }
  if (n == "utf-8" || n == "utf8") { mode_ = Mode::Utf8; return; }
  if (is_latin1_label(n)) { mode_ = Mode::Windows1252; return; }
  for (const auto& a : kAliases)
    if (n == a.label) { n = a.iconv_name; break; }
  iconv_t cd = n == "?" ? reinterpret_cast<iconv_t>(-1) : iconv_open("UTF-8", n.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    mode_ = Mode::Windows1252;
    known_ = false;
    errors_ = true;
    return;
  }
  cd_.reset(cd);
  mode_ = Mode::Iconv;
  unit_ = code_unit(n.c_str());
}

// An invalid byte: Windows-1252 for unlabelled text, U+FFFD otherwise.
void CharsetConverter::bad_byte(unsigned char b, std::string& out) {
  errors_ = true;
  append_utf8(out, mode_ == Mode::Unlabelled ? cp1252(b) : kReplacement);
}

void CharsetConverter::convert(std::string_view in, std::string& out) {
  switch (mode_) {
    case Mode::Utf8:
    case Mode::Unlabelled: convert_utf8(in, out); return;
    case Mode::Windows1252:
      for (char c : in) {
        auto b = static_cast<unsigned char>(c);
        if (b < 0x80) out.push_back(c); else append_utf8(out, cp1252(b));
      }
      return;
    case Mode::Iconv: feed_iconv(in, out); return;
  }
}

// Cuts the stream into the pieces iconv is handed (see charset.h): each
// line through its LF, a longer line in kIconvPiece-byte pieces. Only the
// start of an unfinished piece is kept, so memory stays bounded.
void CharsetConverter::feed_iconv(std::string_view in, std::string& out) {
  while (!in.empty()) {
    std::string_view take = in.substr(0, kIconvPiece - piece_.size());
    size_t lf = take.find('\n');
    if (lf != std::string_view::npos) take = take.substr(0, lf + 1);
    in.remove_prefix(take.size());
    bool complete = lf != std::string_view::npos || piece_.size() + take.size() == kIconvPiece;
    if (!complete) {
      piece_.append(take);
    } else if (piece_.empty()) {
      convert_iconv(take, out);
    } else {
      piece_.append(take);
      convert_iconv(piece_, out);
      piece_.clear();
    }
  }
}

void CharsetConverter::convert_utf8(std::string_view in, std::string& out) {
  if (!carry_.empty()) {
    // Complete the carried sequence with at most 3 more bytes, then go on.
    size_t take = 0;
    while (!carry_.empty() && take < in.size()) {
      carry_.push_back(in[take++]);
      int r = utf8_check(reinterpret_cast<const unsigned char*>(carry_.data()), carry_.size());
      if (r > 0) { out.append(carry_, 0, static_cast<size_t>(r)); carry_.clear(); }
      else if (r < 0) {
        bad_byte(static_cast<unsigned char>(carry_[0]), out);
        std::string rest = carry_.substr(1);
        carry_.clear();
        in = in.substr(take);
        convert_utf8(rest, out);
        convert_utf8(in, out);
        return;
      }
    }
    in = in.substr(take);
  }
  const auto* s = reinterpret_cast<const unsigned char*>(in.data());
  size_t i = 0, n = in.size(), run = 0;
  constexpr uint64_t kHighBits = 0x8080808080808080ull;
  while (i < n) {
    uint64_t x;
    while (i + 8 <= n && (std::memcpy(&x, s + i, 8), (x & kHighBits) == 0)) i += 8;  // ASCII, eight bytes at a time
    if (i >= n) break;
    if (s[i] < 0x80) { ++i; continue; }
    int r = utf8_check(s + i, n - i);
    if (r > 0) { i += static_cast<size_t>(r); continue; }
    out.append(in.data() + run, i - run);
    if (r == 0) { carry_.assign(in.data() + i, n - i); return; }
    bad_byte(s[i], out);
    run = ++i;
  }
  out.append(in.data() + run, n - run);
}

void CharsetConverter::convert_iconv(std::string_view in, std::string& out) {
  std::string joined;
  if (!carry_.empty()) {
    joined = carry_;
    joined.append(in);
    carry_.clear();
    in = joined;
  }
  char* src = const_cast<char*>(in.data());
  size_t left = in.size();
  while (left > 0) {
    size_t old = out.size();
    out.resize(old + left * 4 + 16);
    char* dst = out.data() + old;
    size_t room = out.size() - old;
    size_t r = iconv(cd_.get(), &src, &left, &dst, &room);
    int err = errno;
    out.resize(static_cast<size_t>(dst - out.data()));
    if (r != static_cast<size_t>(-1)) break;
    if (err == E2BIG) continue;
    if (err == EINVAL && left <= kMaxCarry) { carry_.assign(src, left); return; }
    // EILSEQ (or an incomplete sequence too long to be real): replace one unit.
    errors_ = true;
    append_utf8(out, kReplacement);
    size_t skip = std::min(unit_, left);
    src += skip;
    left -= skip;
  }
}

void CharsetConverter::finish(std::string& out) {
  if (!piece_.empty()) {
    convert_iconv(piece_, out);
    piece_.clear();
  }
  if (!carry_.empty()) {
    errors_ = true;
    if (mode_ == Mode::Unlabelled) {
      for (char c : carry_) append_utf8(out, cp1252(static_cast<unsigned char>(c)));
    } else {
      append_utf8(out, kReplacement);
    }
    carry_.clear();
  }
  if (mode_ == Mode::Iconv) {
    // Flush a stateful encoding's shift state.
    size_t old = out.size();
    out.resize(old + 32);
    char* dst = out.data() + old;
    size_t room = 32;
    iconv(cd_.get(), nullptr, nullptr, &dst, &room);
    out.resize(static_cast<size_t>(dst - out.data()));
  }
}

std::string convert_to_utf8(std::string_view charset, std::string_view bytes, bool* had_errors) {
  CharsetConverter c(charset);
  std::string out;
  c.convert(bytes, out);
  c.finish(out);
  if (had_errors && c.had_errors()) *had_errors = true;
  return out;
}

}  // namespace phi::mime
