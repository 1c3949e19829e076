// Tests for charset conversion to UTF-8: built-in tables, iconv, carry-over, errors.
#include "milter/mime/charset.h"

#include <gtest/gtest.h>

#include <cstring>

namespace phi::mime {
namespace {

std::string conv(std::string_view cs, std::string_view in, size_t step, bool* err, bool* known = nullptr) {
  CharsetConverter c(cs);
  std::string out;
  for (size_t i = 0; i < in.size(); i += step) c.convert(in.substr(i, step), out);
  c.finish(out);
  *err = c.had_errors();
  if (known) *known = c.known();
  return out;
}

struct Case {
  const char* label;
  const char* charset;
  std::string in;
  std::string want;
  bool error;
};

TEST(CharsetConverter, TableAtSeveralSplits) {
  const Case cases[] = {
      {"utf-8 valid", "UTF-8", "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", false},
      {"utf-8 invalid byte replaced", "utf-8", "a\xFF" "b", "a\xEF\xBF\xBD" "b", true},
      {"utf-8 truncated at end", "utf-8", "a\xE2\x82", "a\xEF\xBF\xBD", true},
      {"utf-8 overlong", "utf-8", "\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD", true},
      {"utf-8 surrogate", "utf-8", "\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", true},
      {"utf-8 bad continuation", "utf-8", "\xE2(x", "\xEF\xBF\xBD(x", true},
      {"iso-8859-1", "iso-8859-1", "Jos\xE9 M\xFCller", "Jos\xC3\xA9 M\xC3\xBCller", false},
      {"latin-1 label gets windows-1252 quotes", "ISO-8859-1", "\x93hi\x94", "\xE2\x80\x9Chi\xE2\x80\x9D", false},
      {"windows-1252 euro", "windows-1252", "\x80 5", "\xE2\x82\xAC 5", false},
      {"utf-16 with BOM", "utf-16", std::string("\xFF\xFE" "1\0" "2\0" "3\0", 8), "123", false},
      {"utf-16be", "UTF-16BE", std::string("\0" "A\0\xE9", 4), "A\xC3\xA9", false},
      {"utf-16 odd trailing byte", "utf-16le", std::string("A\0B", 3), "A\xEF\xBF\xBD", true},
      {"iso-8859-2 via iconv", "iso-8859-2", "\xB1", "\xC4\x85", false},
      {"shift_jis via iconv", "shift_jis", "\x82\xA0", "\xE3\x81\x82", false},
      {"unlabelled utf-8 is kept", "", "caf\xC3\xA9", "caf\xC3\xA9", false},
      {"us-ascii with latin-1 byte", "us-ascii", "caf\xE9!", "caf\xC3\xA9!", true},
      {"us-ascii latin-1 byte at end", "us-ascii", "caf\xE9", "caf\xC3\xA9", true},
      {"unknown charset falls back", "x-no-such-charset", "Jos\xE9", "Jos\xC3\xA9", true},
      {"hostile charset name", "../../etc/passwd", "a", "a", true},
      {"quoted charset", "\"utf-8\"", "\xC3\xA9", "\xC3\xA9", false},
  };
  for (const auto& c : cases) {
    for (size_t step : {1, 2, 3, 1000}) {
      SCOPED_TRACE(std::string(c.label) + " step " + std::to_string(step));
      bool err = false;
      EXPECT_EQ(conv(c.charset, c.in, step, &err), c.want);
      EXPECT_EQ(err, c.error);
    }
  }
}

TEST(CharsetConverter, UnknownCharsetIsReported) {
  bool err = false, known = true;
  conv("klingon-8", "x", 1, &err, &known);
  EXPECT_FALSE(known);
  EXPECT_TRUE(err);
  conv("iso-8859-15", "x", 1, &err, &known);
  EXPECT_TRUE(known);
  EXPECT_FALSE(err);
}

TEST(CharsetConverter, IconvInvalidSequenceReplacedNotDropped) {
  bool err = false;
  // 0xFF is not valid in EUC-JP: replaced, and the text around it survives.
  EXPECT_EQ(conv("euc-jp", "ab\xFF" "cd", 1000, &err), "ab\xEF\xBF\xBD" "cd");
  EXPECT_TRUE(err);
}

// A stateful encoding's invalid input comes out the same however the
// stream is cut: glibc's UTF-7 decoder made one more U+FFFD of this run of
// base64 letters (found by mime_fuzz) when it was fed a byte at a time.
TEST(CharsetConverter, StatefulEncodingsDoNotDependOnTheSplit) {
  bool err = false;
  const std::string run = "+MTwvYj8yMy00NQ02NContentt/mixedboundrye";
  const std::string whole = conv("utf-7", run, run.size(), &err);
  EXPECT_TRUE(err);
  for (size_t step = 1; step < run.size(); ++step) EXPECT_EQ(conv("utf-7", run, step, &err), whole) << "step " << step;
  // Many short inputs of UTF-7 and ISO-2022-JP bytes, valid and not, cut
  // at every step from 1 to 7 (a fixed seed: the same inputs every run).
  unsigned seed = 1;
  auto next = [&] { return (seed = seed * 1103515245u + 12345u) >> 16; };
  const char alphabet[] = "+-AB/az09=\x80\xff\x02\x1b$B(J \n\r";
  for (const char* cs : {"utf-7", "iso-2022-jp"})
    for (int i = 0; i < 3000; ++i) {
      std::string in;
      for (unsigned n = 1 + next() % 40; n > 0; --n) in += alphabet[next() % (sizeof alphabet - 1)];
      std::string want = conv(cs, in, in.size(), &err);
      for (size_t step = 1; step <= 7; ++step) ASSERT_EQ(conv(cs, in, step, &err), want) << cs << " step " << step;
    }
}

// A line longer than kIconvPiece is handed over in pieces of that size, so
// memory per converter stays bounded; the text survives whole.
TEST(CharsetConverter, LongLinesAreConvertedInBoundedPieces) {
  bool err = false;
  std::string in(3 * kIconvPiece + 5, 'a');
  in += "\n\xA4\xA2";  // EUC-JP for HIRAGANA LETTER A after the line
  std::string want(3 * kIconvPiece + 5, 'a');
  want += "\n\xE3\x81\x82";
  for (size_t step : {size_t(1), size_t(1000), size_t(5000), in.size()}) EXPECT_EQ(conv("euc-jp", in, step, &err), want);
  EXPECT_FALSE(err);
}

TEST(CharsetConverter, TenThousandInvalidBytesStayLinear) {
  std::string in(10000, '\xFF');
  bool err = false;
  std::string out = conv("utf-8", in, 4096, &err);
  EXPECT_EQ(out.size(), 30000u);
  out = conv("utf-16le", std::string(10000, '\xD8'), 4096, &err);
  EXPECT_TRUE(err);
  EXPECT_LE(out.size(), 30000u);
}

// 16-bit text in the host's byte order (what glibc's unmarked "UCS-2" reads).
std::string native16(std::u16string_view s) {
  std::string out(s.size() * 2, '\0');
  std::memcpy(out.data(), s.data(), out.size());
  return out;
}

std::string le16(std::u16string_view s) {
  std::string out;
  for (char16_t c : s) { out += static_cast<char>(c & 0xFF); out += static_cast<char>(c >> 8); }
  return out;
}

std::string be16(std::u16string_view s) {
  std::string out;
  for (char16_t c : s) { out += static_cast<char>(c >> 8); out += static_cast<char>(c & 0xFF); }
  return out;
}

std::string le32(std::u32string_view s) {
  std::string out;
  for (char32_t c : s)
    for (int k = 0; k < 4; ++k) out += static_cast<char>((c >> (8 * k)) & 0xFF);
  return out;
}

std::string be32(std::u32string_view s) {
  std::string out;
  for (char32_t c : s)
    for (int k = 3; k >= 0; --k) out += static_cast<char>((c >> (8 * k)) & 0xFF);
  return out;
}

// After an invalid code unit (a lone surrogate, a code point beyond
// what UCS-4 can hold) iconv resumes one whole code unit further on, in every label
// of the UCS-2 and UCS-4 families, so the text after it is not read out of
// step as CJK (which hid an SSN that mail clients show).
TEST(CharsetConverter, WideCharsetsResyncAfterAnInvalidUnit) {
  const std::u16string t16 = u"\xD800SSN 078-05-1121";
  const std::u32string t32 = U"\x80000000SSN 078-05-1121";  // beyond UCS-4 (glibc passes U+110000 on)
  const std::string want = "\xEF\xBF\xBDSSN 078-05-1121";
  const Case cases[] = {
      {"ucs-2 (host order)", "ucs-2", native16(t16), want, true},
      {"ucs2 (host order)", "UCS2", native16(t16), want, true},
      {"ucs-2le", "ucs-2le", le16(t16), want, true},
      {"ucs-2be", "UCS-2BE", be16(t16), want, true},
      {"iso-10646-ucs-2 with BOM", "ISO-10646-UCS-2", "\xFF\xFE" + le16(t16), want, true},
      {"csUnicode with BOM", "csUnicode", "\xFF\xFE" + le16(t16), want, true},
      {"unicodelittle", "unicodelittle", le16(t16), want, true},
      {"utf-16le", "utf-16le", le16(t16), want, true},
      {"ucs-4 (big endian)", "ucs-4", be32(t32), want, true},
      {"ucs-4le", "UCS-4LE", le32(t32), want, true},
      {"ucs4", "ucs4", be32(t32), want, true},
      {"iso-10646-ucs-4", "ISO-10646-UCS-4", be32(t32), want, true},
      {"csucs4", "csUCS4", be32(t32), want, true},
      {"utf-32le", "utf-32le", le32(t32), want, true},
  };
  for (const auto& c : cases) {
    for (size_t step : {1, 3, 1000}) {
      SCOPED_TRACE(std::string(c.label) + " step " + std::to_string(step));
      bool err = false, known = false;
      EXPECT_EQ(conv(c.charset, c.in, step, &err, &known), c.want);
      EXPECT_TRUE(known);
      EXPECT_EQ(err, c.error);
    }
  }
}

TEST(AppendUtf8, EncodesAndReplacesInvalid) {
  struct Row { const char* label; uint32_t cp; std::string want; };
  const Row rows[] = {{"ascii", 'A', "A"}, {"two", 0xE9, "\xC3\xA9"}, {"three", 0x20AC, "\xE2\x82\xAC"},
                      {"four", 0x1F600, "\xF0\x9F\x98\x80"}, {"surrogate", 0xD800, "\xEF\xBF\xBD"},
                      {"too big", 0x110000, "\xEF\xBF\xBD"}};
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    std::string out;
    append_utf8(out, r.cp);
    EXPECT_EQ(out, r.want);
  }
}

}  // namespace
}  // namespace phi::mime
