// Tests for HTML-to-text: tags, entities, script/style, splits at every byte, files in data: URLs.
#include "milter/mime/html.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/unit/mime/fake_documents.h"
#include "tests/unit/mime/picture_checks.h"
#include "tests/unit/mime/zip_builder.h"

namespace phi::mime {
namespace {

struct Case {
  const char* label;
  std::string in;
  std::string want;
  bool error;
};

TEST(HtmlToText, TableWholeAndSplitAtEveryPosition) {
  const Case cases[] = {
      {"ssn split by inline tags", "1<b>23</b>-45-6789", "123-45-6789", false},
      {"span with attributes", "SSN <span style=\"color:red\">078</span>-05-1120", "SSN 078-05-1120", false},
      {"block tags separate", "<p>Jane</p><p>Doe</p>", "\nJane\nDoe\n", false},
      {"br is a line break", "a<br>b<br/>c", "a\nb\nc", false},
      {"no second break after a line end", "a\n<p>b\n<br>c", "a\nb\nc", false},
      {"table cells", "<tr><td>MRN</td><td>123</td></tr>", "\nMRN\n123\n", false},
      {"named entities", "&lt;x&gt; &amp; &quot;q&quot; caf&eacute;", "<x> & \"q\" caf\xC3\xA9", false},
      {"nbsp is a blank", "123&nbsp;45", "123 45", false},
      {"numeric entities", "&#49;&#x32;&#X33;", "123", false},
      {"invisible characters dropped", "123&shy;45&#8203;67&zwj;89", "123456789", false},
      {"C1 reference is windows-1252", "&#147;x&#148;", "\xE2\x80\x9Cx\xE2\x80\x9D", false},
      {"entity without semicolon", "AT&T &amp more", "AT&T & more", false},
      {"unknown entity kept", "&bogus; x", "&bogus; x", false},
      {"invalid numeric", "a&#0;b&#xD800;c", "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c", true},
      {"huge numeric", "&#99999999999;", "\xEF\xBF\xBD", true},
      // Hidden text: script content, comments, kept attribute values, after the visible text.
      {"script read after the text", "a<script>var s='<b>123-45-6789</b>';</script>b", "ab\nvar s='<b>123-45-6789</b>';\n", false},
      {"style skipped, any case", "a<STYLE type=x>p{}</StYlE>b", "ab", false},
      {"script end needs its name", "<script>1</scrip>2</script>3", "3\n1</scrip>2\n", false},
      {"comment read after the text", "a<!-- 123-45-6789 -->b", "ab\n 123-45-6789 \n", false},
      {"comment with dashes", "a<!-- x -- y --->b", "ab\n x -- y -\n", false},
      // HTML5 comment states: what a mail client shows must not be skipped.
      {"abruptly closed empty comment", "<p><!-->SSN 078-05-1121 E11.9</p>", "\nSSN 078-05-1121 E11.9\n", false},
      {"abruptly closed comment, one dash", "a<!--->b", "ab", false},
      {"empty comment", "a<!---->b", "ab", false},
      {"comment closed by --!>", "a<!-- x --!>b", "ab\n x \n", false},
      {"--! then text stays inside", "a<!-- x --!y -->b", "ab\n x --!y \n", false},
      {"--!- then -> closes", "a<!-- x --!-->b", "ab\n x --!\n", false},
      {"<!--!> is not a close", "a<!--!>b-->c", "ac\n!>b\n", false},
      {"- > is not a close", "a<!-- - ->b -->c", "ac\n - ->b \n", false},
      {"nested comment opener", "a<!-- <!-- -->b", "ab\n \n", false},
      {"several dashes before >", "a<!-- x ----->b", "ab\n x ---\n", false},
      {"two abrupt comments", "a<!-->b<!--->c", "abc", false},
      {"unterminated after --!", "a<!-- x --!", "a\n x \n", true},
      {"doctype and pi", "<!DOCTYPE html><?xml x?>a", "a", false},
      {"quoted > in attribute", "<a title=\"x>y\" href='p>q'>link</a>", "link\nx>y\np>q\n", false},
      {"lone less-than", "1 < 2 and 3<4", "1 < 2 and 3<4", false},
      {"closing bogus", "a</ x>b", "ab", false},
      {"unterminated tag", "a<b title=\"x", "a\nx\n", true},
      {"unterminated comment", "a<!-- b", "a\n b\n", true},
      {"alt and title", "<p>Hi<img alt=\"Jane Doe\" src=\"cid:x\"> <span title='DOB 03/14/1962'>there</span></p>",
       "\nHi there\nJane Doe\nDOB 03/14/1962\n", false},
      {"inline attribute does not split a word", "1<span title=x>23</span>-45-6789", "123-45-6789\nx\n", false},
      {"link query read as words",
       "<a href=\"https://p.example/c?name=Jane%20Doe&amp;mrn=00482913#x\">chart</a>",
       "chart\nhttps://p.example/c name Jane Doe mrn 00482913 x\n", false},
      {"unquoted values, entities in them", "<img alt=Jane&#32;Doe title=&quot;MRN&quot;>",
       "Jane Doe\n\"MRN\"\n", false},
      {"escapes of non-ASCII bytes and cut escapes kept", "<a href=\"x%C3%A9%4\">y</a>", "y\nx%C3%A9%4\n", false},
      {"data: and cid: links skipped", "<img src=\"data:image/png;base64,AAAA\" alt=a><img src=CID:b>", "a\n", false},
      {"other attributes are not text", "<td class=\"MRN 00482913\" style=x width=3 id=4>v</td>", "\nv\n", false},
      {"long attribute names are not kept", "<img titletitletitletitle=x alt=y>", "y\n", false},
      {"an attribute without a value, then a kept one", "<input disabled value=\"Jane Doe\">", "Jane Doe\n", false},
      {"tags in a comment are blanks",
       "<p>x</p><!--[if gte mso 9]><xml><o:Author>Jane Doe</o:Author></xml><![endif]-->",
       "\nx\n[if gte mso 9]>  Jane Doe  \n", false},
      {"trailing ampersand", "a&", "a&", false},
      {"trailing less-than", "a<", "a<", false},
      {"utf-8 passes through", "<i>J\xC3\xB6rg</i>", "J\xC3\xB6rg", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    bool err = false;
    EXPECT_EQ(html_to_text(c.in, &err), c.want);
    EXPECT_EQ(err, c.error);
    for (size_t cut = 0; cut <= c.in.size(); ++cut) {
      HtmlToText h;
      std::string out;
      h.feed(std::string_view(c.in).substr(0, cut), out);
      h.feed(std::string_view(c.in).substr(cut), out);
      h.finish(out);
      ASSERT_EQ(out, c.want) << "cut at " << cut;
      // The MIME walker hands each call a buffer of its own: what a block
      // tag writes must not depend on what is in it (found by mime_fuzz).
      HtmlToText fresh;
      std::string first, second, last;
      fresh.feed(std::string_view(c.in).substr(0, cut), first);
      fresh.feed(std::string_view(c.in).substr(cut), second);
      fresh.finish(last);
      ASSERT_EQ(first + second + last, c.want) << "cut at " << cut << ", a buffer per call";
    }
  }
}

TEST(HtmlToText, TenThousandHostileRepeats) {
  std::string in;
  for (int i = 0; i < 10000; ++i) in += "<a b='<' c=\"&#x;\">&#999999999999999;<!-<!--<script></scr";
  for (int i = 0; i < 10000; ++i) in += "<i style=\"url(data:url(url(data:;base64,\" srcset=\", ,data:x 1x, cid:data:\">";
  in += "<style>";
  for (int i = 0; i < 10000; ++i) in += "uurl(url( 'data:data:;base64,url(\"";
  bool err = false;
  std::string out = html_to_text(in, &err);
  EXPECT_TRUE(err);
  EXPECT_LT(out.size(), in.size());
}

TEST(HtmlToText, HiddenTextIsHeldBoundedAndNothingIsDropped) {
  // 2 x 20 KB of title text inside one paragraph: held until the next block tag, never between "123" and "45".
  std::string v1(20000, 'x'), v2(20000, 'y');
  std::string in = "<p>1<span title='" + v1 + "'>23</span>-<b title='" + v2 + "'>45</b>-6789</p>after";
  std::string out = html_to_text(in, nullptr);
  EXPECT_TRUE(out == "\n123-45-6789\n" + v1 + "\n" + v2 + "\nafter") << out.substr(0, 40);
  // One value longer than kMaxHidden: written in pieces as it grows, all of it.
  std::string big(3 * kMaxHidden + 5, 'z');
  out = html_to_text("<img alt=\"" + big + "\">t", nullptr);
  EXPECT_EQ(std::count(out.begin(), out.end(), 'z'), static_cast<long>(big.size()));
  EXPECT_EQ(out.substr(0, kMaxHidden + 1), std::string(kMaxHidden, 'z') + "\n");  // written as it reached the bound
  EXPECT_NE(out.find("t\nzzzzz\n"), std::string::npos);  // its last bytes after the text
  // A data: URL is skipped as it streams: nothing of it is held or written.
  HtmlToText h;
  std::string o;
  h.feed("<img src=\"data:image/png;base64,", o);
  for (int i = 0; i < 1000; ++i) h.feed(std::string(1000, 'A'), o);
  h.feed("\" alt=logo>", o);
  h.finish(o);
  EXPECT_EQ(o, "logo\n");
}

std::string with_documents(std::string_view html, EmbeddedDocument* doc, size_t step, std::string* unread = nullptr,
                           bool* errors = nullptr) {
  return test::convert_with<HtmlToText>(html, doc, step, unread, errors);
}

// A picture pasted into an HTML mail (a screenshot of the chart) is a
// data: URL: its base64 data is decoded and given to the file reader,
// its text written on lines of its own where the picture is, wherever the
// input is split; entities and line breaks in the data are allowed.
TEST(HtmlToText, AFileInADataUrlIsDecodedAndGivenToTheReader) {
  std::string png = std::string("\x89PNG\r\n\x1A\n", 8) + std::string(300, 'p') + "\xFF\x01end";
  std::string b64 = test::base64(png);
  std::string wrapped = b64.substr(0, 40) + "\r\n " + b64.substr(40);
  std::string html = "<p>Jane Doe, see below:</p><img alt=chart src=\"data:image/png;base64," + wrapped +
                     "\">after<a href='DATA:text/plain;charset=utf-8,MRN%3A%2000482913'>x</a>";
  for (size_t step : {size_t(0), size_t(1), size_t(3), size_t(64), size_t(4096)}) {
    test::FakeDocument doc;
    std::string unread = "?";
    bool errors = true;
    std::string out = with_documents(html, &doc, step, &unread, &errors);
    EXPECT_EQ(doc.got, png) << step;
    EXPECT_EQ(doc.kinds, "image ");
    EXPECT_EQ(out, "\nJane Doe, see below:\n[" + std::to_string(png.size()) + " bytes]\nafterx\nchart\nMRN: 00482913\n")
        << step;
    EXPECT_EQ(unread, "");
    EXPECT_FALSE(errors);
  }
  // '+' written as a reference is still base64's '+'.
  std::string plus = std::string("\x89PNG\r\n\x1A\nx", 9) + "\xFB\xEF\xBE";  // base64 "...++++"
  std::string b = test::base64(plus);
  ASSERT_NE(b.find('+'), std::string::npos);
  std::string ref = b.substr(0, b.find('+')) + "&#43;" + b.substr(b.find('+') + 1);
  test::FakeDocument doc;
  with_documents("<img src=\"data:image/png;base64," + ref + "\">", &doc, 1);
  EXPECT_EQ(doc.got, plus);
}

// Beside visible text a file starts a line, as a block tag does; a data:
// URL without data is no file; one whose type is too long is dropped; a
// file cut by the end of the input is read as far as it goes.
TEST(HtmlToText, ADataUrlFileStartsALineAndEndsWithTheInput) {
  std::string gif = "GIF89a" + std::string(50, 'g');
  std::string img = "<img src=data:image/gif;base64," + test::base64(gif) + ">";
  for (size_t step : {size_t(0), size_t(1), size_t(5)}) {
    test::FakeDocument doc;
    EXPECT_EQ(with_documents("Jane" + img + "Doe", &doc, step), "Jane\n[56 bytes]\nDoe") << step;
    test::FakeDocument none;
    std::string unread = "?";
    EXPECT_EQ(with_documents("a<img src='data:image/png;base64,'>b<img src=\"data:;base64\">c", &none, step, &unread), "abc");
    EXPECT_EQ(none.begun, 0);
    EXPECT_EQ(unread, "");
    std::string type(kMaxDataType + 1, 't');
    EXPECT_EQ(with_documents("<img src=\"data:" + type + ";base64," + test::base64(gif) + "\">z", &none, step), "z");
    EXPECT_EQ(none.begun, 0);
    test::FakeDocument cut;
    bool errors = false;
    std::string html = "x<img src=\"data:image/gif;base64," + test::base64(gif + "g");  // 57 bytes: 76 characters
    EXPECT_EQ(with_documents(html.substr(0, html.size() - 8), &cut, step, nullptr, &errors), "x\n[51 bytes]\n");
    EXPECT_TRUE(errors);  // the input ends inside a tag
    EXPECT_EQ(cut.got, gif.substr(0, 51));
  }
}

// What is not read is said: a file of no kind read or without a reader
// is "binary", a picture the reader refuses (OCR off) its reason.
TEST(HtmlToText, AFileNotReadIsReported) {
  std::string png = std::string("\x89PNG\r\n\x1A\n", 8) + std::string(100, 'p');
  std::string html = "<img src=\"data:image/png;base64," + test::base64(png) + "\" alt=scan>";
  std::string unread;
  EXPECT_EQ(with_documents(html, nullptr, 0, &unread), "scan\n");
  EXPECT_EQ(unread, "binary");
  test::FakeDocument off;
  off.refuse = "image";
  EXPECT_EQ(with_documents(html, &off, 7, &unread), "scan\n");
  EXPECT_EQ(unread, "image");
  test::FakeDocument doc;
  with_documents("<img src=\"data:application/octet-stream;base64," + test::base64(std::string(100, '\0')) + "\">", &doc,
                 0, &unread);
  EXPECT_EQ(unread, "binary");
  EXPECT_EQ(doc.begun, 0);
}

// Through the walker: a picture pasted into an HTML mail, or in a saved
// web page zipped, is read by OCR as an image attachment is; one under
// OcrMinBytes (an icon) is reported "image" as such an attachment is.
TEST(HtmlToText, APictureInAnHtmlMailIsReadByOcr) {
  std::string png = std::string("\x89PNG\r\n\x1A\n", 8) + std::string(5000, 'p');
  std::string page = "<html><body><p>Please see the screenshot.</p><img src=\"data:image/png;base64," +
                     test::base64(png) + "\"><p>Thanks</p></body></html>";
  std::string mail = "MIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n" + page + "\r\n";
  std::string zipped = test::message_with_attachment("application/zip", "page.zip", test::make_zip({{"page.html", page}}), true);
  test::expect_picture_read_in_place({mail, zipped}, png, "Please see the screenshot.\n", "Thanks", "iVBOR");
}

// The other places an HTML page holds a file as a data: URL: a page's or
// a cell's old background attribute, a video's poster, an object's data
// and each candidate of an img's srcset (whose other URLs are links, their
// descriptors dropped). Each file is read where its tag is.
TEST(HtmlToText, DataUrlsInBackgroundsPostersObjectsAndSourceSets) {
  std::string gif = "GIF89a" + std::string(20, 'g'), png = std::string("\x89PNG\r\n\x1A\n", 8) + std::string(30, 'p'),
              pdf = "%PDF-1.4\n" + std::string(40, 'd'), png2 = std::string("\x89PNG\r\n\x1A\n", 8) + std::string(50, 'q');
  std::string html = "<body background=\"data:image/gif;base64," + test::base64(gif) + "\">a<video poster='data:image/png;base64," +
                     test::base64(png) + "'></video>b<object data=\"data:application/pdf;base64," + test::base64(pdf) +
                     "\"></object>c<img srcset=\" data:image/png;base64," + test::base64(png2) +
                     " 1x,https://h.example/a.png?name=Jane%20Doe 2x, cid:x 3x,data:image/gif;base64," + test::base64(gif) +
                     ",c.png, d.png 480w\" alt=ok>d";
  for (size_t step : {size_t(0), size_t(1), size_t(3), size_t(64)}) {
    test::FakeDocument doc;
    std::string unread = "?";
    bool errors = true;
    std::string out = with_documents(html, &doc, step, &unread, &errors);
    EXPECT_EQ(doc.got, gif + png + pdf + png2 + gif) << step;
    EXPECT_EQ(doc.kinds, "image image pdf image image ");
    EXPECT_EQ(out, "[26 bytes]\na\n[64 bytes]\nb\n[113 bytes]\nc\n[171 bytes]\n[197 bytes]\nd\n"
                   "https://h.example/a.png name Jane Doe\nc.png,\nd.png\nok\n")
        << step;
    EXPECT_EQ(unread, "");
    EXPECT_FALSE(errors);
  }
}

// CSS holds files too: url(data:...) in a style attribute (entities
// decoded first) or a style sheet, quoted or not, any case. Nothing else
// of the CSS is text; other URLs and data: URLs that are not base64 (an
// SVG written as text) are skipped.
TEST(HtmlToText, DataUrlsInStyleAttributesAndStyleSheetsAreFiles) {
  std::string gif = "GIF89a" + std::string(20, 'g'), png = std::string("\x89PNG\r\n\x1A\n", 8) + std::string(30, 'p');
  std::string html = "<style>p{color:red} .a { background: URL( \"data:image/png;base64," + test::base64(png) +
                     "\" ) } .b{background:url(https://h.example/b.png?mrn=00482913)} .c{background:url(data:image/gif;base64," +
                     test::base64(gif) + ")} .d{background:url('data:image/svg+xml,%3Csvg%3EJane%3C/svg%3E')} "
                     "u url(x) uurl(</style><p>Jane</p><td style=\"color: blue; background-image:url(&quot;data:image/png;base64," +
                     test::base64(png) + "&quot;); color: red\">x</td><div style='background:url(cid:y)'>z</div>"
                     "<style>url(data:image/gif;base64," + test::base64(gif) + " <i>after</i>";
  for (size_t step : {size_t(0), size_t(1), size_t(5), size_t(64)}) {
    test::FakeDocument doc;
    std::string unread = "?";
    bool errors = false;
    std::string out = with_documents(html, &doc, step, &unread, &errors);
    EXPECT_EQ(doc.got, png + gif + png + gif) << step;
    EXPECT_EQ(doc.kinds, "image image image image ");
    EXPECT_EQ(out, "[38 bytes]\n[64 bytes]\nJane\n[102 bytes]\nx\nz\n[128 bytes]\n") << step;
    EXPECT_EQ(unread, "");
    EXPECT_TRUE(errors);  // the last style sheet is not closed
  }
}

// Through the walker: a screenshot set as a cell's background is read by
// OCR where the cell is, as a pasted one is.
TEST(HtmlToText, APictureInAStyleIsReadByOcr) {
  std::string png = std::string("\x89PNG\r\n\x1A\n", 8) + std::string(5000, 'p');
  std::string page = "<html><body><p>Please see the screenshot.</p><table><tr><td style=\"background-image: url('data:image/png;base64," +
                     test::base64(png) + "')\">Thanks</td></tr></table></body></html>";
  std::string mail = "MIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n" + page + "\r\n";
  test::expect_picture_read_in_place({mail}, png, "Please see the screenshot.\n", "Thanks", "iVBOR");
}

TEST(HtmlToText, LongEntityAndTagNamesAreBounded) {
  std::string in = "&" + std::string(10000, 'a') + "; <" + std::string(10000, 'x') + ">z";
  bool err = false;
  std::string out = html_to_text(in, &err);
  EXPECT_EQ(out.substr(out.size() - 2), " z");
  EXPECT_EQ(out.size(), 10000u + 4);  // kept literally: '&', the name, ';', ' ', 'z'
}

}  // namespace
}  // namespace phi::mime
