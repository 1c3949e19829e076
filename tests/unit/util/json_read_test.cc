// Tests for the bounded JSON reader: values, escapes, errors and limits.
#include "milter/util/json_read.h"

#include <gtest/gtest.h>

#include "milter/util/json.h"

namespace phi {
namespace {

TEST(ParseJson, ReadsNestedValuesInOrder) {
  auto r = parse_json(R"( {"a":1,"b":[true,false,null,"x"],"c":{"d":-2.5e1},"e":"\u00e9\ud83d\ude00\n"} )");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->is_object());
  EXPECT_EQ(r->members[0].name, "a");
  EXPECT_EQ(r->get_int("a"), 1);
  const JsonValue* b = r->get("b");
  ASSERT_TRUE(b && b->is_array());
  ASSERT_EQ(b->items.size(), 4u);
  EXPECT_TRUE(b->items[0].boolean);
  EXPECT_TRUE(b->items[2].is_null());
  EXPECT_EQ(b->items[3].str, "x");
  EXPECT_DOUBLE_EQ(r->get("c")->get("d")->num, -25.0);
  EXPECT_FALSE(r->get("c")->get("d")->is_int());
  EXPECT_EQ(r->get_string("e"), "\xC3\xA9\xF0\x9F\x98\x80\n");
  EXPECT_EQ(r->get("missing"), nullptr);
  EXPECT_EQ(r->get_int("b", 7), 7);
}

TEST(ParseJson, RoundTripsWhatJsonWriterWrites) {
  JsonWriter w;
  w.begin_object().key("s").string("q\"\\\x01\t").key("n").number(int64_t{9007199254740993}).end_object();
  auto r = parse_json(w.str());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->get_string("s"), "q\"\\\x01\t");
  EXPECT_EQ(r->get_int("n"), 9007199254740993);
}

TEST(ParseJson, RejectsMalformedText) {
  struct { const char* label; std::string in; } rows[] = {
      {"empty", ""},
      {"trailing data", "{} x"},
      {"unterminated string", "\"abc"},
      {"raw newline in string", "\"a\nb\""},
      {"bad escape", R"("\q")"},
      {"lone surrogate", R"("\ud800")"},
      {"missing colon", R"({"a" 1})"},
      {"duplicate key", R"({"a":1,"a":2})"},
      {"trailing comma", "[1,]"},
      {"leading zero", "012"},
      {"bare minus", "-"},
      {"bad literal", "tru"},
      {"unclosed object", "{\"a\":1"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    EXPECT_FALSE(parse_json(r.in));
  }
}

TEST(ParseJson, EnforcesDepthBytesAndValueLimits) {
  std::string deep(10000, '[');  // 10,000 repeats of hostile nesting
  auto r = parse_json(deep);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("nested too deeply"), std::string::npos);

  JsonLimits small;
  small.max_bytes = 8;
  EXPECT_FALSE(parse_json("[1,2,3,4,5]", small));

  std::string many = "[";
  for (int i = 0; i < 10000; ++i) many += "0,";
  many += "0]";
  JsonLimits few;
  few.max_values = 5000;
  EXPECT_FALSE(parse_json(many, few));
  EXPECT_TRUE(parse_json(many));
}

TEST(ParseJson, ManyMembersStayLinear) {
  std::string obj = "{";
  for (int i = 0; i < 10000; ++i) obj += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  obj += "\"end\":0}";
  auto r = parse_json(obj);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->members.size(), 10001u);
}

}  // namespace
}  // namespace phi
