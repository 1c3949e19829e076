// Tests for XML-to-text: runs joined, paragraphs split, markup skipped, splits at every byte.
#include "milter/mime/xml_text.h"

#include <gtest/gtest.h>

namespace phi::mime {
namespace {

struct Case {
  const char* label;
  XmlToText::Mode mode;
  std::string in;
  std::string want;
  bool error;
};

constexpr auto kRuns = XmlToText::Mode::Runs;
constexpr auto kElements = XmlToText::Mode::Elements;
constexpr auto kData = XmlToText::Mode::Data;

TEST(XmlToText, TableWholeAndSplitAtEveryPosition) {
  const Case cases[] = {
      {"docx runs join across formatting", kRuns,
       "<w:p><w:r><w:t>SSN 078-05-</w:t></w:r><w:proofErr w:type=\"spellStart\"/>"
       "<w:r><w:rPr><w:b/><w:sz w:val=\"20\"/></w:rPr><w:t>1121</w:t></w:r></w:p>",
       "\nSSN 078-05-1121\n", false},
      {"docx paragraphs split", kRuns, "<w:body><w:p><w:r><w:t>Jane</w:t></w:r></w:p><w:p><w:r><w:t>Doe</w:t></w:r></w:p>",
       "\nJane\nDoe\n", false},
      {"docx tab, break, no-break hyphen", kRuns,
       "<w:r><w:t>MRN</w:t><w:tab/><w:t>12</w:t><w:noBreakHyphen/><w:t>34</w:t><w:br/><w:t>x</w:t></w:r>",
       "MRN 12-34\nx", false},
      {"docx table cells", kRuns, "<w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc><w:tc><w:t>b</w:t></w:tc></w:tr>",
       "\na\nb\n", false},
      {"xlsx shared strings", kRuns, "<sst><si><t>Jane</t></si><si><r><t>Do</t></r><r><t>e</t></r></si></sst>",
       "\nJane\nDoe\n", false},
      {"xlsx cells", kRuns, "<row r=\"1\"><c r=\"A1\"><v>123456789</v></c><c r=\"B1\" t=\"s\"><v>0</v></c></row>",
       "\n123456789\n0\n", false},
      {"odt spans join, s is a blank", kRuns,
       "<office:text><text:p>Pt<text:s/>078-<text:span text:style-name=\"T1\">05</text:span>-1121</text:p>"
       "<text:h>Dx</text:h></office:text>",
       "\nPt 078-05-1121\nDx\n", false},
      {"pptx paragraphs", kRuns, "<a:p><a:r><a:t>E11</a:t></a:r><a:r><a:t>.9</a:t></a:r></a:p><a:p><a:r><a:t>x</a:t></a:r></a:p>",
       "\nE11.9\nx\n", false},
      {"entities", kRuns, "<t>&lt;a&gt; &amp; &quot;q&apos; &#49;&#x32; caf&#xE9;</t>", "<a> & \"q' 12 caf\xC3\xA9", false},
      {"unknown entity kept", kRuns, "<t>&bogus; &amp</t>", "&bogus; &amp", false},
      {"cdata is text", kRuns, "<t><![CDATA[078-05-1121 <b>x</b> ]]]]></t>", "078-05-1121 <b>x</b> ]]", false},
      {"comments, PIs, doctype skipped", kRuns,
       "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e \"v\">]><!-- 078-05-1121 --><t>a</t><?pi x?>b",
       "ab", false},
      {"attribute values skipped, quoted >", kRuns, "<t title=\"078-05-1121 > x\" b='>'>ok</t>", "ok", false},
      {"prefix removed from names", kRuns, "<x:y:p>a</x:y:p>b", "\na\nb", false},
      {"metadata elements separate", kElements,
       "<cp:coreProperties><dc:title>Jane</dc:title><dc:creator>Doe</dc:creator></cp:coreProperties>",
       "\nJane\nDoe\n", false},
      {"stray less-than", kRuns, "1 < 2", "1 < 2", true},
      {"unterminated tag", kRuns, "a<t x=\"1", "a", true},
      {"unterminated comment", kRuns, "a<!-- b", "a", true},
      {"unterminated cdata keeps its text", kRuns, "<![CDATA[ab]", "ab]", true},
      {"utf-8 passes through", kRuns, "<t>J\xC3\xB6rg</t>", "J\xC3\xB6rg", false},
      // Data: XML files sent as such (a CDA/CCD clinical document).
      {"cda patient: name parts on one line, birth date, id", kData,
       "<?xml version=\"1.0\"?>\n<ClinicalDocument xmlns=\"urn:hl7-org:v3\" xmlns:xsi=\"x\">\n  <patientRole>\n"
       "    <id extension=\"00482913\" root=\"2.16.840.1.113883.19.5\"/>\n    <patient>\n"
       "      <name use=\"L\"><given>Jane</given>\n        <family>Doe</family></name>\n"
       "      <birthTime value=\"19620314\"/>\n    </patient>\n  </patientRole>\n</ClinicalDocument>",
       "00482913 Jane Doe \ndate of birth 1962-03-14 \n", false},
      {"cda diagnosis in attributes, noise skipped", kData,
       "<value xsi:type=\"CD\" code=\"E11.9\" codeSystem=\"2.16.840.1.113883.6.90\" displayName=\"Type 2 diabetes\"/>",
       "E11.9 Type 2 diabetes ", false},
      {"spaces around = and single quotes", kData, "<p dob = '1962-03-14' birthDate='19620314T0000'>x</p>",
       "1962-03-14 date of birth 1962-03-14 x ", false},
      {"a birth value that is no HL7 date is kept", kData, "<birthTime value=\"unknown\"/>", "unknown ", false},
      {"attribute without a value, then one with", kData, "<input disabled checked value=\"Jane Doe\"/>", "Jane Doe ", false},
      {"noise names in any case (SpreadsheetML)", kData,
       "<Row><Cell><Data ss:Type=\"String\">Jane Doe</Data></Cell><Cell><Data ss:Type=\"String\">03/14/1962</Data></Cell></Row>",
       "Jane Doe \n03/14/1962 \n", false},
      {"white space is one blank", kData, "<t>a \n\t b</t>\n\n<t>c</t>", "a b c ", false},
      {"long attribute names are not kept", kData, "<t aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=\"v\" b=\"w\"/>", "w ", false},
  };
  for (const Case& c : cases) {
    bool err = false;
    EXPECT_EQ(xml_to_text(c.in, c.mode, &err), c.want) << c.label;
    EXPECT_EQ(err, c.error) << c.label;
    for (size_t cut = 0; cut <= c.in.size(); ++cut) {
      XmlToText x(c.mode);
      std::string out;
      x.feed(std::string_view(c.in).substr(0, cut), out);
      x.feed(std::string_view(c.in).substr(cut), out);
      x.finish(out);
      ASSERT_EQ(out, c.want) << c.label << ", cut at " << cut;
      ASSERT_EQ(x.had_errors(), c.error) << c.label << ", cut at " << cut;
    }
  }
}

TEST(XmlToText, SeparatorsLookAtTheTextOfEarlierCalls) {
  XmlToText x(kRuns);
  std::string a, b;
  x.feed("<p>a</p>", a);
  x.feed("<p>b</p>", b);  // a fresh buffer: the line break before it is remembered
  EXPECT_EQ(a, "\na\n");
  EXPECT_EQ(b, "b\n");
}

TEST(XmlToText, LongNamesAndReferencesStayBounded) {
  std::string in = "<" + std::string(100000, 'p') + ">x</" + std::string(100000, 'p') + ">&" + std::string(100000, 'a');
  bool err = false;
  std::string out = xml_to_text(in, kRuns, &err);
  EXPECT_EQ(out.substr(0, 2), "x&");
  EXPECT_EQ(out.size(), 2 + 100000u);  // the over-long reference kept literally, no separator for an unknown name
}

}  // namespace
}  // namespace phi::mime
