// Tests for the JSON writer: structure, escaping, invalid UTF-8.
#include "milter/util/json.h"

#include <gtest/gtest.h>

namespace phi {
namespace {

TEST(JsonWriter, WritesNestedStructuresWithCommas) {
  JsonWriter w;
  w.begin_object().key("a").number(int64_t{1}).key("b").begin_array().string("x").boolean(true).null().end_array();
  w.key("c").begin_object().end_object().end_object();
  EXPECT_EQ(w.str(), R"({"a":1,"b":["x",true,null],"c":{}})");
}

TEST(JsonEscape, EscapesControlsAndReplacesInvalidUtf8) {
  struct { const char* label; std::string in; std::string want; } rows[] = {
      {"quote and backslash", "a\"b\\", R"("a\"b\\")"},
      {"newline and tab", "a\nb\tc\r", R"("a\nb\tc\r")"},
      {"control as \\u", std::string("\x01", 1), R"("\u0001")"},
      {"utf-8 kept", "\xC3\xA9", "\"\xC3\xA9\""},
      {"invalid byte replaced", "\xFF", "\"\xEF\xBF\xBD\""},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    std::string out;
    json_escape(r.in, out);
    EXPECT_EQ(out, r.want);
  }
}

TEST(JsonWriter, NonFiniteNumberIsNull) {
  JsonWriter w;
  w.begin_array().number(0.5).number(1.0 / 0.0).end_array();
  EXPECT_EQ(w.str(), "[0.5,null]");
}

}  // namespace
}  // namespace phi
