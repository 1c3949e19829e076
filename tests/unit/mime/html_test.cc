// Tests for HTML-to-text: tags, entities, script/style, splits at every byte.
#include "milter/mime/html.h"

#include <gtest/gtest.h>

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
      {"script skipped", "a<script>var s='<b>123-45-6789</b>';</script>b", "ab", false},
      {"style skipped, any case", "a<STYLE type=x>p{}</StYlE>b", "ab", false},
      {"script end needs its name", "<script>1</scrip>2</script>3", "3", false},
      {"comment skipped", "a<!-- 123-45-6789 -->b", "ab", false},
      {"comment with dashes", "a<!-- x -- y --->b", "ab", false},
      // HTML5 comment states: what a mail client shows must not be skipped.
      {"abruptly closed empty comment", "<p><!-->SSN 078-05-1121 E11.9</p>", "\nSSN 078-05-1121 E11.9\n", false},
      {"abruptly closed comment, one dash", "a<!--->b", "ab", false},
      {"empty comment", "a<!---->b", "ab", false},
      {"comment closed by --!>", "a<!-- x --!>b", "ab", false},
      {"--! then text stays inside", "a<!-- x --!y -->b", "ab", false},
      {"--!- then -> closes", "a<!-- x --!-->b", "ab", false},
      {"<!--!> is not a close", "a<!--!>b-->c", "ac", false},
      {"- > is not a close", "a<!-- - ->b -->c", "ac", false},
      {"nested comment opener", "a<!-- <!-- -->b", "ab", false},
      {"several dashes before >", "a<!-- x ----->b", "ab", false},
      {"two abrupt comments", "a<!-->b<!--->c", "abc", false},
      {"unterminated after --!", "a<!-- x --!", "a", true},
      {"doctype and pi", "<!DOCTYPE html><?xml x?>a", "a", false},
      {"quoted > in attribute", "<a title=\"x>y\" href='p>q'>link</a>", "link", false},
      {"lone less-than", "1 < 2 and 3<4", "1 < 2 and 3<4", false},
      {"closing bogus", "a</ x>b", "ab", false},
      {"unterminated tag", "a<b title=\"x", "a", true},
      {"unterminated comment", "a<!-- b", "a", true},
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
  bool err = false;
  std::string out = html_to_text(in, &err);
  EXPECT_TRUE(err);
  EXPECT_LT(out.size(), in.size());
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
