// Tests for JSON as "key: value" lines: FHIR names joined, escapes, bounds, input that is no JSON, split anywhere.
#include "milter/mime/json_text.h"

#include <gtest/gtest.h>

#include "milter/mime/walker.h"
#include "tests/unit/mime/recording_sink.h"
#include "tests/unit/mime/zip_builder.h"

namespace phi::mime {
namespace {

std::string run(std::string_view in, size_t cut, bool* err = nullptr) {
  JsonText j;
  std::string a, b, c;  // a buffer per call, as the Walker hands them
  j.feed(in.substr(0, cut), a);
  j.feed(in.substr(cut), b);
  j.finish(c);
  if (err) *err = j.had_errors();
  return a + b + c;
}

TEST(JsonText, LinesNamesAndEscapesWholeAndSplitAtEveryPosition) {
  struct Row { const char* label; std::string in, want; bool error; };
  const Row rows[] = {
      {"fhir patient",
       R"({"resourceType":"Patient","identifier":[{"type":{"text":"MRN"},"value":"00482913"}],)"
       R"("name":[{"family":"Doe","given":["Jane","Q"]}],"birthDate":"1962-03-14","active":true,"x":null})",
       "resourceType: Patient\ntext: MRN\nvalue: 00482913\nfamily: Doe\ngiven: Jane\ngiven: Q\nName: Jane Q Doe\n"
       "birthDate: 1962-03-14\nactive: true\n",
       false},
      {"other name keys, numbers", R"([{"firstName":"Ana","lastName":"Ruiz","age":64,"score":-1.5e3}])",
       "firstName: Ana\nlastName: Ruiz\nage: 64\nscore: -1.5e3\nName: Ana Ruiz\n", false},
      {"escapes", R"({"s":"a\"b\\c\/d\ne\u00e9 \ud83d\ude00 \ud83d x \ude00"})",
       "s: a\"b\\c/d\ne\xC3\xA9 \xF0\x9F\x98\x80 \xEF\xBF\xBD x \xEF\xBF\xBD\n", false},
      {"a broken escape and a NUL: U+FFFD (as in a PDF's comments, json_string.h)", R"({"s":"a\u12x\u0000b"})",
       "s: a\xEF\xBF\xBDx\xEF\xBF\xBD" "b\n", true},
      {"a name without its family is not joined", R"({"given":"Jane","x":{"family":"Doe"}})",
       "given: Jane\nfamily: Doe\n", false},
      {"cut inside a string", R"({"note":"Jane Do)", "note: Jane Do\n", true},
      {"unbalanced", R"({"a":1]})", "a: 1\n", true},
      {"not json", "Jane Doe, DOB 03/14/1962 }", "Jane\nDoe\nDOB\n03/14/1962\n", true},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    bool err = false;
    EXPECT_EQ(run(r.in, r.in.size(), &err), r.want);
    EXPECT_EQ(err, r.error);
    for (size_t cut = 0; cut <= r.in.size(); ++cut) ASSERT_EQ(run(r.in, cut), r.want) << "cut at " << cut;
  }
}

TEST(JsonText, BoundsHold) {
  // A long string is written as it comes; a long key is cut; deep nesting is read.
  std::string big(kMaxJsonString * 3, 'a');
  EXPECT_EQ(run("{\"note\":\"" + big + "\"}", 10), "note: " + big + "\n");
  std::string key(200, 'k');
  EXPECT_EQ(run("{\"" + key + "\":1}", 0), key.substr(0, kMaxJsonKey) + ": 1\n");
  std::string deep;
  for (size_t i = 0; i < kMaxJsonDepth + 10; ++i) deep += "{\"a\":";
  deep += "{\"given\":\"Jane\",\"family\":\"Doe\"}";
  for (size_t i = 0; i < kMaxJsonDepth + 10; ++i) deep += "}";
  bool err = true;
  std::string out = run(deep, deep.size() / 2, &err);
  EXPECT_FALSE(err);
  EXPECT_EQ(out, "given: Jane\nfamily: Doe\nName: Jane Doe\n");  // joined with the deepest object kept
}

TEST(JsonText, FhirAttachedToAMessageIsRead) {
  const std::string fhir = R"({"resourceType":"Patient","name":[{"family":"Doe","given":["Jane"]}],"birthDate":"1962-03-14"})";
  for (const auto& [type, name] : std::vector<std::pair<std::string, std::string>>{
           {"application/fhir+json", ""}, {"application/json", "p.json"}, {"text/plain", "p.json"}}) {
    SCOPED_TRACE(type);
    for (size_t chunk : {0, 1, 9}) {
      test::RecordingSink sink;
      Walker w(Limits{}, sink);
      test::feed_message(w, test::message_with_attachment(type, name, fhir, true), chunk);
      EXPECT_EQ(sink.body("2"), "resourceType: Patient\nfamily: Doe\ngiven: Jane\nName: Jane Doe\nbirthDate: 1962-03-14\n")
          << sink.log();
    }
  }
}

TEST(JsonText, AJsonEntryInAZipIsRead) {
  const std::string fhir = R"({"resourceType":"Patient","name":[{"family":"Doe","given":["Jane"]}]})";
  test::RecordingSink sink;
  Walker w(Limits{}, sink);
  test::feed_message(w, test::message_with_attachment("application/zip", "export.zip", test::make_zip({{"p.json", fhir}}), true), 5);
  EXPECT_NE(sink.body("2").find("family: Doe\ngiven: Jane\nName: Jane Doe\n"), std::string::npos) << sink.log();
}

TEST(JsonText, TenThousandHostileRepeats) {
  std::string in;
  for (int i = 0; i < 10000; ++i) in += "{\"given\":[\"\\ud83d\",";
  bool err = false;
  std::string out = run(in, in.size() / 2, &err);
  EXPECT_TRUE(err);  // never closed
  EXPECT_EQ(out.size(), 10000u * std::string("given: \xEF\xBF\xBD\n").size());
}

}  // namespace
}  // namespace phi::mime
