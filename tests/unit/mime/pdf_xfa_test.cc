// pdf_xfa_test - an XML form's datasets streams found in qpdf's JSON, split anywhere; the shapes /XFA takes; damage.
#include "milter/mime/pdf_xfa.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace phi::mime {
namespace {

struct Got {
  bool found = false, damaged = false;
  std::vector<PdfObjectRef> refs;
};

Got read(const std::string& json, size_t step) {
  PdfXfaRefs x;
  if (step == 0) step = json.size() + 1;
  for (size_t i = 0; i < json.size(); i += step) x.feed(std::string_view(json).substr(i, step));
  x.finish();
  return {x.found(), x.damaged(), x.refs()};
}

// As qpdf --json=2 writes a catalog with a form (the array) or a
// single-stream XDP, among other objects.
const std::string kArray =
    "{\n  \"qpdf\": [\n    {\n      \"obj:1 0 R\": {\n        \"value\": {\n          \"/AcroForm\": {\n"
    "            \"/Fields\": [],\n            \"/XFA\": [\n              \"u:preamble\",\n              \"6 0 R\",\n"
    "              \"u:template\",\n              \"7 0 R\",\n              \"u:datasets\",\n              \"8 0 R\",\n"
    "              \"u:postamble\",\n              \"9 0 R\"\n            ]\n          },\n"
    "          \"/Pages\": \"2 0 R\"\n        }\n      }\n    }\n  ]\n}\n";

TEST(PdfXfaRefs, TheDatasetsStreamWhereverSplit) {
  for (size_t step : {size_t(0), size_t(1), size_t(2), size_t(7), size_t(64)}) {
    Got g = read(kArray, step);
    EXPECT_TRUE(g.found) << step;
    EXPECT_FALSE(g.damaged) << step;
    EXPECT_EQ(g.refs, (std::vector<PdfObjectRef>{{8, 0}})) << step;
  }
}

TEST(PdfXfaRefs, TheShapesOfXfa) {
  struct {
    const char* label;
    std::string json;
    bool found, damaged;
    std::vector<PdfObjectRef> refs;
  } rows[] = {
      {"one stream: the whole XDP", "\"/XFA\": \"20 3 R\",", true, false, {{20, 3}}},
      {"no form", "\"/AcroForm\": {\"/Fields\": [\"5 0 R\"]}", false, false, {}},
      {"a form never filled in", "\"/XFA\": [\"u:template\", \"7 0 R\", \"u:config\", \"8 0 R\"]", true, false, {}},
      {"two datasets", "\"/XFA\": [\"u:datasets\", \"8 0 R\", \"u:datasets\", \"12 0 R\"]", true, false, {{8, 0}, {12, 0}}},
      {"another key", "\"x/XFA\": [\"u:datasets\", \"8 0 R\"]", false, false, {}},
      {"a key with a quote before /XFA (more read, never less)", "\"x\\\"/XFA\": [\"u:datasets\", \"8 0 R\"]", true,
       false, {{8, 0}}},
      {"a bracket inside a name", "\"/XFA\": [\"u:a]b\\\"\", \"5 0 R\", \"u:datasets\", \"8 0 R\"]", true, false, {{8, 0}}},
      {"datasets without a reference", "\"/XFA\": [\"u:datasets\"]", true, true, {}},
      {"datasets with a name after it", "\"/XFA\": [\"u:datasets\", \"u:x\"]", true, true, {}},
      {"a dictionary", "\"/XFA\": {\"/x\": 1}", true, true, {}},
      {"a string that is no reference", "\"/XFA\": \"u:hello\"", true, true, {}},
      {"cut inside the array", "\"/XFA\": [\"u:datasets\", \"8 0", true, true, {}},
      {"a reference without its generation", "\"/XFA\": [\"u:datasets\", \"8 R\"]", true, true, {}},
      {"too long", "\"/XFA\": [" + std::string(kMaxXfaValue, ' ') + "\"u:datasets\", \"8 0 R\"]", true, true, {}},
      {"more than kMaxXfaRefs",
       "\"/XFA\": [\"u:datasets\", \"1 0 R\", \"u:datasets\", \"2 0 R\", \"u:datasets\", \"3 0 R\", \"u:datasets\", "
       "\"4 0 R\", \"u:datasets\", \"5 0 R\"]",
       true, true, {{1, 0}, {2, 0}, {3, 0}, {4, 0}}},
  };
  for (const auto& r : rows) {
    for (size_t step : {size_t(0), size_t(1), size_t(5)}) {
      Got g = read(r.json, step);
      EXPECT_EQ(g.found, r.found) << r.label << " " << step;
      EXPECT_EQ(g.damaged, r.damaged) << r.label << " " << step;
      EXPECT_EQ(g.refs, r.refs) << r.label << " " << step;
    }
  }
}

}  // namespace
}  // namespace phi::mime
