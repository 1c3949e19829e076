// Tests for PdfHtmlText: a PDF's document information and text out of pdftotext -htmlmeta's output, however it is split.
#include "milter/mime/pdf_html.h"

#include <gtest/gtest.h>

#include <string>

namespace phi::mime {
namespace {

// pdftotext 22.12's output for a PDF with a title, subject, keywords,
// author, creator, producer and dates, written as it writes them.
const std::string kHead =
    "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" "
    "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\"><html xmlns=\"http://www.w3.org/1999/xhtml\">\n"
    "<head>\n"
    "<title>Microsoft Word - Doe_Jane discharge.docx</title>\n"
    "<meta name=\"Subject\" content=\"Follow-up &amp; labs\"/>\n"
    "<meta name=\"Keywords\" content=\"MRN 00482913; E11.9\"/>\n"
    "<meta name=\"Author\" content=\"Dr &lt;Smith&gt; &quot;Jr&quot; O&apos;Neil\"/>\n"
    "<meta name=\"Creator\" content=\"Word\"/>\n"
    "<meta name=\"Producer\" content=\"macOS Version 14 Quartz PDFContext\"/>\n"
    "<meta name=\"CreationDate\" content=\"2024-01-01T12:00:00Z\"/>\n"
    "</head>\n"
    "<body>\n"
    "<pre>\n";
const std::string kPages = "Patient: Jane Doe\nA<B & C>D \"q\" </pre> not the end\n\n\fPage two\n\n\f";
const std::string kEnd = "</pre>\n</body>\n</html>\n";

std::string read(const std::string& out, size_t step) {
  std::string text;
  PdfHtmlText t([&](std::string_view b) { text.append(b); });
  for (size_t i = 0; i < out.size(); i += step) t.feed(std::string_view(out).substr(i, step));
  t.finish();
  return text;
}

TEST(PdfHtml, TheDocumentInformationThenThePagesWithoutTheMarkup) {
  const std::string out = kHead + kPages + kEnd;
  const std::string want =
      "Microsoft Word - Doe_Jane discharge.docx\n"
      "Follow-up & labs\n"
      "MRN 00482913; E11.9\n" +
      kPages;  // author, creator, producer and dates are left out; a "</pre>" in a page stays
  for (size_t step : {out.size(), size_t{1}, size_t{2}, size_t{7}, size_t{23}, size_t{24}, size_t{100}}) {
    EXPECT_EQ(read(out, step), want) << step;
  }
}

TEST(PdfHtml, NoDocumentInformationGivesThePagesAlone) {
  const std::string out =
      "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" "
      "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\"><html xmlns=\"http://www.w3.org/1999/xhtml\">\n"
      "<head>\n</head>\n<body>\n<pre>\n" +
      kPages + kEnd;
  EXPECT_EQ(read(out, out.size()), kPages);
  EXPECT_EQ(read(out, 3), kPages);
}

TEST(PdfHtml, OutputCutOrNotPdftotextsIsPassedOnAsItIs) {
  // Cut in the pages (the output limit, a crash): all of it that came is text.
  std::string cut = kHead + kPages.substr(0, 30);
  EXPECT_EQ(read(cut, 5).substr(read(cut, 5).size() - 30), kPages.substr(0, 30));
  // Cut in the head: the values as far as they go, and no text.
  std::string in_head = kHead.substr(0, kHead.find("MRN") + 3);
  EXPECT_EQ(read(in_head, 4), "Microsoft Word - Doe_Jane discharge.docx\nFollow-up & labs\nMRN\n");
  // A stand-in program's plain text, and output shorter than a doctype.
  EXPECT_EQ(read("Patient SSN 078-05-1121\n\f", 3), "Patient SSN 078-05-1121\n\f");
  EXPECT_EQ(read("<!DOC", 2), "<!DOC");
  EXPECT_EQ(read("", 1), "");
  // Ending otherwise than pdftotext ends: the last bytes are text too.
  std::string odd = kHead + "Jane Doe" + "</pre>\n</body>\n</html>";
  EXPECT_EQ(read(odd, 6).substr(read(odd, 6).find("Jane Doe<")), "Jane Doe</pre>\n</body>\n</html>");
}

// A title longer than kMaxPdfHead: its first bytes are given, the rest of
// the head skipped, the pages read; the same for every split.
TEST(PdfHtml, AHeadLongerThanTheLimitIsCut) {
  std::string title(100000, 'x');
  title.replace(10, 8, "Jane Doe");
  std::string out = kHead;
  out.replace(out.find("Microsoft"), 40, title);
  out += kPages + kEnd;
  std::string whole = read(out, out.size());
  EXPECT_NE(whole.find("Jane Doe"), std::string::npos);
  EXPECT_LT(whole.size(), kMaxPdfHead + kPages.size());
  EXPECT_EQ(whole.substr(whole.size() - kPages.size()), kPages);
  for (size_t step : {size_t{1}, size_t{4096}, size_t{65536}, size_t{65536 + 3}}) EXPECT_EQ(read(out, step), whole) << step;
  // The marker split around the cut, in every way.
  for (size_t at = kMaxPdfHead - 8; at < kMaxPdfHead + 8; ++at) {
    std::string near = kHead.substr(0, kHead.find("<title>") + 7) + std::string(at - (kHead.find("<title>") + 7), 't') +
                       "\n<pre>\nJane\n" + kEnd;
    std::string w = read(near, near.size());
    EXPECT_NE(w.find("Jane\n"), std::string::npos) << at;
    for (size_t step : {size_t{1}, size_t{7}, size_t{4096}}) EXPECT_EQ(read(near, step), w) << at << " " << step;
  }
}

TEST(PdfHtml, HeadValuesAreUnescapedOnceAndUnknownEntitiesKept) {
  EXPECT_EQ(pdf_head_values("<title>a &amp;lt; b &copy; &#38; &</title>\n"), "a &lt; b &copy; &#38; &\n");
  EXPECT_EQ(pdf_head_values("<title>&quot;Jr&quot; O&apos;Neil &lt;x&gt;</title>\n"), "\"Jr\" O'Neil <x>\n");
  EXPECT_EQ(pdf_head_values("<meta name=\"Keywords\" content=\"\"/>\n<meta name=\"Subject\" content=\"A\nB\"/>\n</head>"),
            "A\nB\n");  // an empty value gives no line; a line break in one is kept
  // A title not closed (a head cut there) runs to the end: nothing in it is read twice.
  EXPECT_EQ(pdf_head_values("<title>T <meta name=\"Subject\" content=\"A\"/>\n<"), "T <meta name=\"Subject\" content=\"A\"/>\n<\n");
}

}  // namespace
}  // namespace phi::mime
