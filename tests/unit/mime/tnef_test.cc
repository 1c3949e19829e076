// Tests for TNEF (winmail.dat): the stream framing, MAPI property lists and LZFu decompression.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "milter/mime/tnef.h"
#include "tests/unit/mime/tnef_builder.h"
#include "tests/unit/mime/zip_builder.h"

namespace phi::mime {
namespace {

using test::le32s;
using test::lzfu_compress;
using test::lzfu_stored;
using test::mapi_props;
using test::Prop;
using test::Tnef;
using test::utf16le;

// ---------------------------------------------------------------- TnefStream

class Events : public TnefStream::Handler {
 public:
  bool begin(const TnefAttribute& a) override {
    log += "begin " + std::to_string(a.level) + " " + std::to_string(a.id) + " " + std::to_string(a.length) + "\n";
    return a.id != 0x99;  // 0x99: skipped
  }
  void data(std::string_view b) override { text.append(b); }
  void end(bool ok) override {
    log += "data " + text + (ok ? " ok\n" : " bad\n");
    text.clear();
  }
  std::string log, text;
};

std::string stream_log(std::string_view in, size_t chunk, TnefStream::Status* st = nullptr, bool* err = nullptr) {
  Events ev;
  TnefStream t(ev);
  for (size_t i = 0; i < in.size(); i += chunk) t.feed(in.substr(i, chunk));
  t.finish();
  if (st) *st = t.status();
  if (err) *err = t.had_errors();
  return ev.log;
}

TEST(TnefStream, AttributesInOrderWhateverTheChunks) {
  std::string in = Tnef().message(1, "abc").attachment(0x99, "skipped").attachment(2, "").message(3, "xyz").str();
  TnefStream::Status st;
  bool err = true;
  std::string want = stream_log(in, in.size(), &st, &err);
  EXPECT_EQ(want,
            "begin 1 1 3\ndata abc ok\nbegin 2 153 7\nbegin 2 2 0\ndata  ok\nbegin 1 3 3\ndata xyz ok\n");
  EXPECT_EQ(st, TnefStream::Status::Done);
  EXPECT_FALSE(err);
  for (size_t chunk = 1; chunk < in.size(); ++chunk) {
    SCOPED_TRACE(chunk);
    EXPECT_EQ(stream_log(in, chunk, &st), want);
    EXPECT_EQ(st, TnefStream::Status::Done);
  }
}

TEST(TnefStream, ChecksumMismatchIsAnErrorNotAStop) {
  std::string in = Tnef().attr(1, 1, "abc", true).message(2, "def").str();
  TnefStream::Status st;
  bool err = false;
  EXPECT_EQ(stream_log(in, 5, &st, &err), "begin 1 1 3\ndata abc bad\nbegin 1 2 3\ndata def ok\n");
  EXPECT_EQ(st, TnefStream::Status::Done);
  EXPECT_TRUE(err);
}

TEST(TnefStream, Stops) {
  struct Row {
    const char* label;
    std::string in;
    TnefStream::Status want;
  };
  std::string good = Tnef().message(1, "abcdef").str();
  std::string level3 = Tnef().str() + std::string("\x03\x01\0\0\0\0\0\0\0\0\0", 11);
  std::vector<Row> rows = {
      {"empty", "", TnefStream::Status::Truncated},
      {"signature only", good.substr(0, 4), TnefStream::Status::Truncated},
      {"bad signature", "PK\x03\x04" + good.substr(4), TnefStream::Status::Malformed},
      {"cut in a header", good.substr(0, 10), TnefStream::Status::Truncated},
      {"cut in data", good.substr(0, 18), TnefStream::Status::Truncated},
      {"cut in the checksum", good.substr(0, good.size() - 1), TnefStream::Status::Truncated},
      {"level 3", level3, TnefStream::Status::Malformed},
      {"whole", good, TnefStream::Status::Done},
      // A length beyond what is there: the stream is cut.
      {"length beyond the end", Tnef().str() + std::string("\x01\x01\0\0\0\xFF\xFF\xFF\x7F", 9) + "abc",
       TnefStream::Status::Truncated},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.label);
    TnefStream::Status st;
    bool err = false;
    std::string log = stream_log(r.in, 3, &st, &err);
    EXPECT_EQ(st, r.want);
    EXPECT_EQ(err, r.want != TnefStream::Status::Done);
  }
  // An accepted attribute that was cut still ends (not ok).
  EXPECT_EQ(stream_log(good.substr(0, 18), 4), "begin 1 1 6\ndata abc bad\n");
}

// ---------------------------------------------------------------- MAPI properties

TEST(MapiProps, ValuesOfEveryKind) {
  std::string blob = mapi_props({
      {tnef::kPtLong, 0x3705, le32s(5)},
      {tnef::kPtString8, 0x3707, std::string("a.txt") + '\0'},
      {tnef::kPtUnicode, 0x1000, utf16le("hi")},
      {tnef::kPtBinary, 0x1009, "BIN"},
      {0x0040, 0x3007, std::string(8, '\x01')},  // time
      {0x0048, 0x0001, std::string(16, '\x02')},  // GUID
      {0x000B, 0x0002, std::string("\x01\0", 2)},  // boolean
      {tnef::kPtString8, 0x8001, "named", true},
  });
  // A named property by name, and a multi-valued long.
  std::string extra;
  test::put16(extra, tnef::kPtUnicode);
  test::put16(extra, 0x8002);
  extra.append(16, '\x33');
  test::put32(extra, 1);
  test::put32(extra, 6);
  extra += std::string("a\0b\0\0\0\0\0", 8);  // 6 bytes of name padded to 8
  test::put32(extra, 1);
  test::put32(extra, 4);
  extra += utf16le("z");
  test::put16(extra, 0x1003);
  test::put16(extra, 0x0005);
  test::put32(extra, 2);
  test::put32(extra, 7);
  test::put32(extra, 9);
  blob += extra;
  blob[0] = 10;  // the count: 8 + 2
  std::string log;
  EXPECT_TRUE(parse_mapi_props(blob, [&](const MapiProp& p) {
    log += std::to_string(p.type) + "/" + std::to_string(p.id) + (p.named ? "n" : "") + (p.multi ? "m" : "") + "#" +
           std::to_string(p.index) + ":" + std::to_string(p.value.size()) + " ";
  }));
  EXPECT_EQ(log, "3/14085#0:4 30/14087#0:6 31/4096#0:6 258/4105#0:3 64/12295#0:8 72/1#0:16 11/2#0:4 "
                 "30/32769n#0:5 31/32770n#0:4 3/5m#0:4 3/5m#1:4 ");
  // Every cut of the list fails cleanly and gives only whole values.
  for (size_t n = 0; n < blob.size(); ++n) {
    SCOPED_TRACE(n);
    EXPECT_FALSE(parse_mapi_props(std::string_view(blob).substr(0, n), [&](const MapiProp& p) {
      EXPECT_LE(p.value.data() + p.value.size(), blob.data() + n);
    }));
  }
  // An unknown type cannot be skipped.
  std::string unknown = mapi_props({{0x0077, 0x0001, "abcd"}});
  EXPECT_FALSE(parse_mapi_props(unknown, [](const MapiProp&) {}));
}

TEST(MapiProps, HugeCountsAreBoundedByTheBlob) {
  std::string blob = le32s(0xFFFFFFFF) + le32s(0x0003 | 0x1000 | (0x0005u << 16)) + le32s(0xFFFFFFFF) + "abcd";
  size_t calls = 0;
  EXPECT_FALSE(parse_mapi_props(blob, [&](const MapiProp&) { ++calls; }));
  EXPECT_EQ(calls, 1u);
}

// ---------------------------------------------------------------- LZFu

TEST(Lzfu, StoredForm) {
  std::string out;
  EXPECT_EQ(lzfu_decompress(lzfu_stored("{\\rtf1 plain}"), 1000, out), LzfuStatus::Ok);
  EXPECT_EQ(out, "{\\rtf1 plain}");
}

// Compressed by an independent implementation (xrtf's documented example), and MS-OXRTFCP 4.1.
TEST(Lzfu, RealSamples) {
  std::string a("\x1a\x00\x00\x00\x1c\x00\x00\x00LZFu\xe2\xd4KQA\x00\x04 WXYZ\rn}\x01\x0e\xb0", 30);
  std::string out;
  EXPECT_EQ(lzfu_decompress(a, 1000, out), LzfuStatus::Ok);
  EXPECT_EQ(out, "{\\rtf1 WXYZWXYZWXYZWXYZWXYZ}");
  const unsigned char spec[] = {0x2d, 0x00, 0x00, 0x00, 0x2b, 0x00, 0x00, 0x00, 0x4c, 0x5a, 0x46, 0x75, 0xf1, 0xc5,
                                0xc7, 0xa7, 0x03, 0x00, 0x0a, 0x00, 0x72, 0x63, 0x70, 0x67, 0x31, 0x32, 0x35, 0x42,
                                0x32, 0x0a, 0xf3, 0x20, 0x68, 0x65, 0x6c, 0x09, 0x00, 0x20, 0x62, 0x77, 0x05, 0xb0,
                                0x6c, 0x64, 0x7d, 0x0a, 0x80, 0x0f, 0xa0};
  out.clear();
  EXPECT_EQ(lzfu_decompress(std::string(reinterpret_cast<const char*>(spec), sizeof spec), 1000, out),
            LzfuStatus::Ok);
  EXPECT_EQ(out, "{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n");
}

TEST(Lzfu, CompressorRoundTrips) {
  std::vector<std::string> samples = {
      "{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n",
      "{\\rtf1 " + std::string(5000, 'a') + "}",
      "",
      "x",
  };
  std::string longer = "{\\rtf1\\ansi ";
  for (int i = 0; i < 700; ++i) longer += "Patient " + std::to_string(i * 7919 % 1000) + " \\par ";
  samples.push_back(longer + "}");
  for (const auto& s : samples) {
    SCOPED_TRACE(s.substr(0, 40));
    std::string c = lzfu_compress(s);
    if (s.size() > 100) {
      EXPECT_LT(c.size(), s.size());  // references were used
    }
    std::string out;
    EXPECT_EQ(lzfu_decompress(c, 1 << 20, out), LzfuStatus::Ok);
    EXPECT_EQ(out, s);
  }
}

TEST(Lzfu, LimitsAndDamage) {
  std::string c = lzfu_compress("{\\rtf1 " + std::string(3000, 'b') + "}");
  std::string out;
  EXPECT_EQ(lzfu_decompress(c, 100, out), LzfuStatus::SizeLimit);
  EXPECT_EQ(out.size(), 100u);
  for (size_t n = 0; n < c.size(); ++n) {  // every cut: no crash, at most what was there
    out.clear();
    EXPECT_NE(lzfu_decompress(c.substr(0, n), 1 << 20, out), LzfuStatus::Ok) << n;
  }
  std::string bad = c;
  bad[8] = 'X';
  EXPECT_EQ(lzfu_decompress(bad, 1 << 20, out), LzfuStatus::Malformed);
  out.clear();
  EXPECT_EQ(lzfu_decompress(lzfu_stored("{\\rtf1 abc}"), 5, out), LzfuStatus::SizeLimit);
  EXPECT_EQ(out, "{\\rtf");
}

}  // namespace
}  // namespace phi::mime
