// Tests for the streaming base64 and quoted-printable decoders, whole and split.
#include "milter/mime/transfer.h"

#include <gtest/gtest.h>

namespace phi::mime {
namespace {

struct Case {
  const char* label;
  std::string in;
  std::string want;
  bool error;
};

template <class D>
std::string run(std::string_view in, size_t step, bool* err) {
  D d;
  std::string out;
  for (size_t i = 0; i < in.size(); i += step) d.decode(in.substr(i, step), out);
  d.finish(out);
  *err = d.had_errors();
  return out;
}

TEST(Base64Decoder, TableWholeAndSplitAtEveryStep) {
  const Case cases[] = {
      {"plain", "SGVsbG8gV29ybGQ=", "Hello World", false},
      {"two pads", "SGk=", "Hi", false},
      {"no pad needed", "SGV5", "Hey", false},
      {"line breaks", "SGVs\r\nbG8=\r\n", "Hello", false},
      {"concatenated blocks", "SGk=SGk=", "HiHi", false},
      {"missing padding", "SGk", "Hi", true},
      {"garbage chars skipped", "SG!!Vs*bG8=", "Hello", true},
      {"dangling sextet", "SGVsbG8gV", "Hello ", true},
      {"pad too early", "S=Gk=", "\x1a", true},
      {"empty", "", "", false},
      {"binary bytes", "AP8=", std::string("\x00\xff", 2), false},
  };
  for (const auto& c : cases) {
    for (size_t step : {1, 2, 3, 5, 100}) {
      SCOPED_TRACE(std::string(c.label) + " step " + std::to_string(step));
      bool err = false;
      EXPECT_EQ(run<Base64Decoder>(c.in, step, &err), c.want);
      EXPECT_EQ(err, c.error);
    }
  }
}

TEST(QpDecoder, TableWholeAndSplitAtEveryStep) {
  const Case cases[] = {
      {"plain", "caf=C3=A9", "caf\xC3\xA9", false},
      {"lower-case hex accepted", "caf=c3=a9", "caf\xC3\xA9", false},
      {"soft break crlf", "123-45-=\r\n6789", "123-45-6789", false},
      {"soft break lf", "123-45-=\n6789", "123-45-6789", false},
      {"soft break with padding", "123=  \t\r\n456", "123456", false},
      {"hard line breaks kept", "a\r\nb\n", "a\r\nb\n", false},
      {"trailing = is a soft break", "abc=", "abc", false},
      {"truncated escape", "abc=4", "abc=4", true},
      {"bad escape", "a=ZZb", "a=ZZb", true},
      {"half bad escape", "a=4Zb", "a=4Zb", true},
      {"= then text", "x = y", "x = y", true},
      {"= CR without LF", "a=\rb", "ab", true},
      {"equals sign encoded", "1+1=3D2", "1+1=2", false},
  };
  for (const auto& c : cases) {
    for (size_t step : {1, 2, 3, 7, 100}) {
      SCOPED_TRACE(std::string(c.label) + " step " + std::to_string(step));
      bool err = false;
      EXPECT_EQ(run<QpDecoder>(c.in, step, &err), c.want);
      EXPECT_EQ(err, c.error);
    }
  }
}

TEST(QpDecoder, TenThousandHostileRepeatsStayLinear) {
  std::string in;
  for (int i = 0; i < 10000; ++i) in += "=  =\r=Z=4";
  bool err = false;
  std::string out = run<QpDecoder>(in, 4096, &err);
  EXPECT_TRUE(err);
  EXPECT_LE(out.size(), in.size());
}

TEST(Base64Decoder, TenThousandHostileRepeats) {
  std::string in;
  for (int i = 0; i < 10000; ++i) in += "=!=A=";
  bool err = false;
  std::string out = run<Base64Decoder>(in, 4096, &err);
  EXPECT_TRUE(err);
  EXPECT_TRUE(out.empty());
}

TEST(ParseTransferEncoding, KnownAndUnknown) {
  struct Row { const char* label; const char* in; TransferEncoding want; bool unknown; };
  const Row rows[] = {
      {"base64 any case", " Base64 ", TransferEncoding::Base64, false},
      {"qp", "quoted-printable", TransferEncoding::QuotedPrintable, false},
      {"7bit", "7bit", TransferEncoding::Identity, false},
      {"binary", "BINARY", TransferEncoding::Identity, false},
      {"absent", "", TransferEncoding::Identity, false},
      {"uuencode", "x-uuencode", TransferEncoding::Uuencode, false},
      {"unknown", "x-gzip64", TransferEncoding::Identity, true},
      {"comment after base64", "base64 (attachment)", TransferEncoding::Base64, false},
      {"comments around qp", "(a)quoted-printable(b (c))", TransferEncoding::QuotedPrintable, false},
      {"comment only", "(7bit)", TransferEncoding::Identity, false},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    bool unknown = false;
    EXPECT_EQ(parse_transfer_encoding(r.in, &unknown), r.want);
    EXPECT_EQ(unknown, r.unknown);
  }
}

TEST(TransferDecoder, IdentityReturnsInputView) {
  TransferDecoder d;
  std::string scratch;
  std::string_view in = "abc";
  EXPECT_EQ(d.decode(in, scratch).data(), in.data());
  EXPECT_TRUE(d.finish(scratch).empty());
  EXPECT_FALSE(d.had_errors());
}

}  // namespace
}  // namespace phi::mime
