// Lines: numbered lines of a text.
#include <gtest/gtest.h>

#include <string>

#include "milter/util/strings.h"

namespace phi {
namespace {

std::string numbered(std::string_view text) {
  std::string out;
  Lines lines(text);
  std::string_view line;
  while (lines.next(line)) out += std::to_string(lines.number()) + "[" + std::string(line) + "]";
  return out;
}

TEST(Lines, NumbersEveryLine) {
  struct { const char* label; std::string text, want; } rows[] = {
      {"empty", "", ""},
      {"one line without a newline", "a", "1[a]"},
      {"one line with a newline", "a\n", "1[a]"},
      {"blank lines count", "\n\nb\n", "1[]2[]3[b]"},
      {"last line without a newline", "a\nb", "1[a]2[b]"},
      {"carriage return stays", "a\r\nb\r\n", "1[a\r]2[b\r]"},
      {"NUL bytes are text", std::string("a\0b\n", 4), std::string("1[a\0b]", 6)},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    EXPECT_EQ(numbered(r.text), r.want);
  }
}

TEST(Lines, TenThousandEmptyLinesInLinearTime) {
  std::string text(10000, '\n');
  Lines lines(text);
  std::string_view line;
  size_t n = 0;
  while (lines.next(line)) n += line.empty();
  EXPECT_EQ(n, 10000u);
  EXPECT_EQ(lines.number(), 10000u);
}

}  // namespace
}  // namespace phi
