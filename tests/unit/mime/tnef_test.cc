// Tests for TNEF (winmail.dat): the stream framing, MAPI property lists, LZFu, and TNEF parts through the Walker.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "milter/mime/tnef.h"
#include "milter/mime/walker.h"
#include "tests/unit/mime/fake_documents.h"
#include "tests/unit/mime/recording_sink.h"
#include "tests/unit/mime/tnef_builder.h"
#include "tests/unit/mime/zip_builder.h"

namespace phi::mime {
namespace {

using test::base64_lines;
using test::feed_message;
using test::le32s;
using test::lzfu_crc;
using test::lzfu_compress;
using test::lzfu_stored;
using test::make_zip;
using test::mapi_props;
using test::Prop;
using test::RecordingSink;
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

const std::string kSsnTextForLzfu = "Patient Jane Doe SSN 078-05-1121";

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

// MS-OXRTFCP 2.1.3.2: the CRC of an LZFu stream is checked; a mismatch still gives the whole text.
TEST(Lzfu, CrcIsChecked) {
  // The builder's CRC is the one the specification's example carries (MS-OXRTFCP 4.1).
  const unsigned char spec_data[] = {0x03, 0x00, 0x0a, 0x00, 0x72, 0x63, 0x70, 0x67, 0x31, 0x32, 0x35,
                                     0x42, 0x32, 0x0a, 0xf3, 0x20, 0x68, 0x65, 0x6c, 0x09, 0x00, 0x20,
                                     0x62, 0x77, 0x05, 0xb0, 0x6c, 0x64, 0x7d, 0x0a, 0x80, 0x0f, 0xa0};
  EXPECT_EQ(lzfu_crc(std::string_view(reinterpret_cast<const char*>(spec_data), sizeof spec_data)), 0xA7C7C5F1u);

  std::string rtf = "{\\rtf1\\ansi\\pard " + kSsnTextForLzfu + "\\par}";
  std::string c = lzfu_compress(rtf);
  std::string out;
  ASSERT_EQ(lzfu_decompress(c, 1 << 20, out), LzfuStatus::Ok);
  ASSERT_EQ(out, rtf);

  // A wrong CRC in the header.
  std::string bad = c;
  bad[12] = static_cast<char>(bad[12] ^ 0x01);
  out.clear();
  EXPECT_EQ(lzfu_decompress(bad, 1 << 20, out), LzfuStatus::BadCrc);
  EXPECT_EQ(out, rtf);

  // A changed literal, the CRC left as it was: "Q" is not in the dictionary, so the first token is that literal.
  bad = lzfu_compress("Q" + rtf);
  ASSERT_EQ(bad[16] & 1, 0);
  ASSERT_EQ(bad[17], 'Q');
  out.clear();
  EXPECT_EQ(lzfu_decompress(bad, 1 << 20, out), LzfuStatus::Ok);
  bad[17] = 'R';
  out.clear();
  EXPECT_EQ(lzfu_decompress(bad, 1 << 20, out), LzfuStatus::BadCrc);
  EXPECT_EQ(out, "R" + rtf);

  // Bytes after the end reference, within the compressed size, count too.
  std::string tail = c + "Z";
  tail[0] = static_cast<char>(tail[0] + 1);  // compressed size + 1 (no carry: small)
  out.clear();
  EXPECT_EQ(lzfu_decompress(tail, 1 << 20, out), LzfuStatus::BadCrc);
  std::string fixed = tail.substr(0, 12) + le32s(lzfu_crc(std::string_view(tail).substr(16))) + tail.substr(16);
  out.clear();
  EXPECT_EQ(lzfu_decompress(fixed, 1 << 20, out), LzfuStatus::Ok);
  EXPECT_EQ(out, rtf);

  // A compressed size beyond the bytes there: cut, whatever the CRC, even with the end reference present.
  std::string longer = c;
  longer[0] = static_cast<char>(longer[0] + 4);
  out.clear();
  EXPECT_EQ(lzfu_decompress(longer, 1 << 20, out), LzfuStatus::Truncated);

  // Decoding stopped by max_out: the CRC is not known, SizeLimit is what counts.
  bad = c;
  bad[12] = static_cast<char>(bad[12] ^ 0x01);
  out.clear();
  EXPECT_EQ(lzfu_decompress(bad, 10, out), LzfuStatus::SizeLimit);

  // "MELA" carries CRC 0 and is not checked.
  std::string stored = lzfu_stored(rtf);
  stored[12] = '\x5A';
  out.clear();
  EXPECT_EQ(lzfu_decompress(stored, 1 << 20, out), LzfuStatus::Ok);
  EXPECT_EQ(out, rtf);
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

// ---------------------------------------------------------------- through the Walker

std::string with_tnef(const std::string& bytes, const std::string& type = "application/ms-tnef",
                      const std::string& filename = "winmail.dat") {
  return test::message_with_attachment(type, filename, bytes);
}

// All the Body text of a part (reports between texts split it into several events).
std::string all_body(const RecordingSink& sink, const std::string& id) {
  std::string out;
  std::string head = "body " + id + ": ";
  for (const auto& e : sink.events)
    if (e.rfind(head, 0) == 0) out += e.substr(head.size());
  return out;
}

const std::string kSsnText = "Patient Jane Doe SSN 078-05-1121 diagnosed E11.9";

TEST(TnefWalker, AttBodyIsTheTnefPartsText) {
  RecordingSink sink;
  Walker w(Limits{}, sink);
  std::string t = Tnef()
                      .message(tnef::kAttOemCodepage, le32s(1252) + le32s(0))
                      .message(tnef::kAttSubject, std::string("Referral for J. Doe") + '\0')
                      .message(tnef::kAttBody, kSsnText + " caf\xE9\r\n")
                      .str();
  EXPECT_FALSE(feed_message(w, with_tnef(t)));
  EXPECT_EQ(sink.log(),
            "begin 1 text/plain\nbody 1: see attached\nend 1\n"
            "begin 2 application/ms-tnef\nfile 2: winmail.dat\nsubject 2: Referral for J. Doe\n"
            "body 2: " + kSsnText + " caf\xC3\xA9\r\n\nend 2\n");
  EXPECT_EQ(w.uninspected_parts(), 0u);
  EXPECT_FALSE(w.truncated());
}

TEST(TnefWalker, MapiBodyPropertiesAreRead) {
  struct Row {
    const char* label;
    std::vector<Prop> props;
    std::string want;
  };
  std::string rtf = "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Calibri;}}\\pard " + kSsnText + "\\par}";
  std::vector<Row> rows = {
      {"PR_BODY unicode", {{tnef::kPtUnicode, tnef::kPrBody, utf16le(kSsnText)}}, kSsnText},
      {"PR_BODY string8", {{tnef::kPtString8, tnef::kPrBody, kSsnText + '\0'}}, kSsnText},
      {"PR_BODY_HTML binary",
       {{tnef::kPtBinary, tnef::kPrBodyHtml, "<html><body><p>" + kSsnText + "</p></body></html>"}}, kSsnText},
      {"PR_RTF_COMPRESSED LZFu", {{tnef::kPtBinary, tnef::kPrRtfCompressed, lzfu_compress(rtf)}}, kSsnText},
      {"PR_RTF_COMPRESSED MELA", {{tnef::kPtBinary, tnef::kPrRtfCompressed, lzfu_stored(rtf)}}, kSsnText},
      {"among other properties",
       {{tnef::kPtLong, 0x0E07, le32s(1)},
        {tnef::kPtString8, 0x8010, "named body? no", true},
        {0x0040, 0x0039, std::string(8, '\0')},
        {tnef::kPtUnicode, tnef::kPrBody, utf16le(kSsnText)}},
       kSsnText},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.label);
    RecordingSink sink;
    Walker w(Limits{}, sink);
    std::string t = Tnef().message(tnef::kAttMapiProps, mapi_props(r.props)).str();
    EXPECT_FALSE(feed_message(w, with_tnef(t)));
    EXPECT_NE(all_body(sink, "2").find(r.want), std::string::npos) << sink.log();
    EXPECT_EQ(all_body(sink, "2").find("named"), std::string::npos);
    EXPECT_TRUE(sink.reasons.empty()) << sink.log();
  }
}

// A picture pasted into the HTML or RTF body (a data: URL, a \pict) is read
// by OCR as an attachment's picture is, or reported "image".
TEST(TnefWalker, PicturesInTheBodyAreReadByOcr) {
  std::string png = std::string("\x89PNG\r\n\x1A\n", 8) + std::string(2000, 'p');
  std::string hex;
  for (unsigned char c : png) hex += "0123456789abcdef"[c >> 4], hex += "0123456789abcdef"[c & 15];
  std::string html = "<html><body><p>Chart below</p><img src=\"data:image/png;base64," + test::base64(png) + "\"></body></html>";
  std::string rtf = "{\\rtf1\\ansi Chart below\\par{\\*\\shppict{\\pict\\pngblip " + hex + "}}}";
  for (const auto& prop : {Prop{tnef::kPtBinary, tnef::kPrBodyHtml, html},
                           Prop{tnef::kPtBinary, tnef::kPrRtfCompressed, lzfu_compress(rtf)}}) {
    for (uint64_t min : {uint64_t(100), uint64_t(5000)}) {
      test::PdfReader ocr;
      ocr.images = true;
      ocr.min = min;
      ocr.line = "Patient: Jane Doe\n";
      RecordingSink sink;
      Walker w(Limits{}, sink, &ocr);
      EXPECT_FALSE(feed_message(w, with_tnef(Tnef().message(tnef::kAttMapiProps, mapi_props({prop})).str())));
      std::string body = all_body(sink, "2");
      EXPECT_NE(body.find("Chart below"), std::string::npos) << sink.log();
      EXPECT_EQ(body.find("Patient: Jane Doe\n") != std::string::npos, min < png.size()) << sink.log();
      EXPECT_EQ(ocr.bytes, min < png.size() ? png : "");
      EXPECT_EQ(sink.reasons, min < png.size() ? std::vector<std::string>{} : std::vector<std::string>{"image"});
    }
  }
}

// Outlook writes the plain body as attBody and again as PR_BODY: classified
// once, so its findings do not count twice. A PR_BODY that says something
// else is read.
TEST(TnefWalker, PrBodyThatRepeatsAttBodyIsReadOnce) {
  struct Row {
    const char* label;
    std::string pr_body;  // UTF-16LE
    size_t times;         // kSsnText in the part's body text
  };
  const Row rows[] = {
      {"the same, two NULs and no last line break", utf16le(kSsnText + " caf\xE9") + std::string(2, '\0'), 1},
      {"the same, LF line ends", utf16le(kSsnText + " caf\xE9" "\n"), 1},
      {"another text", utf16le("Second note. " + kSsnText), 2},
      {"the same and more", utf16le(kSsnText + " caf\xE9" " and more"), 2},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.label);
    RecordingSink sink;
    Walker w(Limits{}, sink);
    std::string t = Tnef()
                        .message(tnef::kAttOemCodepage, le32s(1252) + le32s(0))
                        .message(tnef::kAttBody, kSsnText + " caf\xE9\r\n")
                        .message(tnef::kAttMapiProps, mapi_props({{tnef::kPtUnicode, tnef::kPrBody, r.pr_body}}))
                        .str();
    EXPECT_FALSE(feed_message(w, with_tnef(t)));
    std::string body = all_body(sink, "2");
    size_t n = 0;
    for (size_t at = body.find(kSsnText); at != std::string::npos; at = body.find(kSsnText, at + 1)) ++n;
    EXPECT_EQ(n, r.times) << sink.log();
  }
}

std::string subject_props(uint16_t type, const std::string& value) {
  return mapi_props({{type, tnef::kPrSubject, value}});
}

// PR_SUBJECT in attMAPIProps is the TNEF part's subject, as attSubject is: string8 in the stream's code page,
// unicode from UTF-16LE (the conversion PR_BODY gets); given once when attSubject says the same.
TEST(TnefWalker, MapiSubjectIsTheTnefPartsSubject) {
  const std::string cp1252 = "Re: Jane Doe caf\xE9";
  const std::string utf8 = "Re: Jane Doe caf\xC3\xA9";
  // "Re: Jane Doe café 😀" in UTF-16LE: é is one code unit, U+1F600 a surrogate pair.
  const std::string u16_cafe = utf16le("Re: Jane Doe caf", false) + std::string("\xE9\0", 2);
  const std::string u16 = u16_cafe + std::string(" \0\x3D\xD8\x00\xDE\0\0", 8);
  const std::string u16_utf8 = utf8 + " \xF0\x9F\x98\x80";
  auto codepage = [](Tnef t) { return t.message(tnef::kAttOemCodepage, le32s(1252) + le32s(0)); };
  struct Row {
    const char* label;
    std::string tnef;
    std::string want;  // the subject events
  };
  std::vector<Row> rows = {
      {"string8",
       codepage(Tnef()).message(tnef::kAttMapiProps, subject_props(tnef::kPtString8, cp1252 + '\0')).str(),
       "subject 2: " + utf8 + "\n"},
      {"unicode", Tnef().message(tnef::kAttMapiProps, subject_props(tnef::kPtUnicode, u16)).str(),
       "subject 2: " + u16_utf8 + "\n"},
      {"among the body properties",
       Tnef()
           .message(tnef::kAttMapiProps, mapi_props({{tnef::kPtLong, 0x0E07, le32s(1)},
                                                     {tnef::kPtUnicode, tnef::kPrSubject, u16},
                                                     {tnef::kPtUnicode, tnef::kPrBody, utf16le("body text")}}))
           .str(),
       "subject 2: " + u16_utf8 + "\n"},
      {"the same as attSubject: once",
       codepage(Tnef())
           .message(tnef::kAttSubject, cp1252 + '\0')
           .message(tnef::kAttMapiProps, subject_props(tnef::kPtUnicode, u16_cafe + std::string(2, '\0')))
           .str(),
       "subject 2: " + utf8 + "\n"},
      {"not the same as attSubject: both",
       codepage(Tnef())
           .message(tnef::kAttSubject, std::string("Referral") + '\0')
           .message(tnef::kAttMapiProps, subject_props(tnef::kPtString8, cp1252 + '\0'))
           .str(),
       "subject 2: Referral\nsubject 2: " + utf8 + "\n"},
      {"binary PR_SUBJECT: not a string",
       Tnef().message(tnef::kAttMapiProps, subject_props(tnef::kPtBinary, "Jane Doe")).str(), ""},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.label);
    RecordingSink sink;
    Walker w(Limits{}, sink);
    EXPECT_FALSE(feed_message(w, with_tnef(r.tnef)));
    std::string subjects;
    for (const auto& e : sink.events)
      if (e.rfind("subject ", 0) == 0) subjects += e + "\n";
    EXPECT_EQ(subjects, r.want) << sink.log();
    EXPECT_EQ(all_body(sink, "2").find("Jane"), std::string::npos) << sink.log();  // a Subject value, not Body text
    EXPECT_TRUE(sink.reasons.empty()) << sink.log();
  }
}

// A subject is read up to 64 KB (kMaxTnefString); a longer one is cut there and reported.
TEST(TnefWalker, LongSubjectsAreCutAndReported) {
  const size_t kMax = 64 * 1024;
  std::string head = "SSN 078-05-1121 ";
  std::string text = head + std::string(kMax - head.size(), 'x');
  struct Row {
    const char* label;
    std::string tnef;
    bool cut;
  };
  std::vector<Row> rows = {
      {"PR_SUBJECT at the limit",
       Tnef().message(tnef::kAttMapiProps, subject_props(tnef::kPtUnicode, utf16le(text.substr(0, kMax / 2)))).str(),
       false},
      {"PR_SUBJECT over it",
       Tnef()
           .message(tnef::kAttMapiProps, subject_props(tnef::kPtUnicode, utf16le(text.substr(0, kMax / 2) + "y")))
           .str(),
       true},
      {"attSubject at the limit", Tnef().message(tnef::kAttSubject, text + '\0').str(), false},
      {"attSubject over it", Tnef().message(tnef::kAttSubject, text + "y" + '\0').str(), true},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.label);
    RecordingSink sink;
    Walker w(Limits{}, sink);
    feed_message(w, with_tnef(r.tnef));
    std::string subject;
    for (const auto& e : sink.events)
      if (e.rfind("subject 2: ", 0) == 0) subject += e.substr(11);
    EXPECT_EQ(subject.rfind(head, 0), 0u);
    EXPECT_EQ(subject.find('y'), std::string::npos);
    EXPECT_EQ(subject.size(), r.label[0] == 'P' ? kMax / 2 : kMax);
    EXPECT_EQ(sink.reasons, r.cut ? std::vector<std::string>{"size-limit"} : std::vector<std::string>{});
    EXPECT_EQ(w.truncated(), r.cut);
  }
}

// A long body is converted in slices: an identifier across a slice boundary stays whole.
TEST(TnefWalker, LongPropertyTextAcrossSlices) {
  for (bool unicode : {false, true}) {
    SCOPED_TRACE(unicode);
    std::string text(65536 - 10, 'x');
    text += " SSN 078-05-1121 " + std::string(70000, 'y');
    Prop p = unicode ? Prop{tnef::kPtUnicode, tnef::kPrBody, utf16le(text)}
                     : Prop{tnef::kPtString8, tnef::kPrBody, text + '\0'};
    RecordingSink sink;
    Walker w(Limits{}, sink);
    EXPECT_FALSE(feed_message(w, with_tnef(Tnef().message(tnef::kAttMapiProps, mapi_props({p})).str())));
    EXPECT_EQ(all_body(sink, "2"), text);
  }
}

const std::string kDocxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

std::string docx(const std::string& text) {
  return make_zip({
      {"[Content_Types].xml", "<Types/>"},
      {"word/document.xml", "<w:document><w:body><w:p><w:r><w:t>" + text + "</w:t></w:r></w:p></w:body></w:document>"},
  });
}

// A TNEF as Outlook writes one: message attributes, the message's properties, then the attachments.
std::string outlook_tnef() {
  return Tnef()
      .message(tnef::kAttOemCodepage, le32s(1252) + le32s(0))
      .message(0x00078008, "IPM.Microsoft Mail.Note")  // attMessageClass: skipped
      .message(tnef::kAttMapiProps, mapi_props({{tnef::kPtUnicode, tnef::kPrBody, utf16le("See the notes.")}}))
      .file("notes.txt", "Notes: MRN 4471234, SSN 078-05-1121\r\n")
      .attachment(tnef::kAttAttachment,
                  mapi_props({{tnef::kPtLong, tnef::kPrAttachMethod, le32s(1)},
                              {tnef::kPtUnicode, tnef::kPrAttachLongFilename, utf16le("notes for Jane Doe.txt")}}))
      .file("REFERR~1.DOC", docx("Referral: Jane Doe, DOB 01/02/1960"))
      .attachment(tnef::kAttAttachment,
                  mapi_props({{tnef::kPtString8, tnef::kPrAttachLongFilename, "referral.docx\0"}}))
      .str();
}

const char kOutlookLog[] =
    "begin 1 text/plain\nbody 1: see attached\nend 1\n"
    "begin 2 application/ms-tnef\nfile 2: winmail.dat\nbody 2: See the notes.\nend 2\n"
    // notes.txt is shorter than the 64 bytes held to tell a text's encoding: read at its end, after its long name.
    "begin 2.1 application/octet-stream\nfile 2.1: notes.txt\nfile 2.1: notes for Jane Doe.txt\n"
    "body 2.1: Notes: MRN 4471234, SSN 078-05-1121\r\n\nend 2.1\n"
    // A docx named REFERR~1.DOC: sniffed as a ZIP, read as a package; the long name comes with attAttachment
    // (before the text: the docx is shorter than the 512 bytes held to sniff a part, so it is read at its end).
    "begin 2.2 application/octet-stream\nfile 2.2: REFERR~1.DOC\nfile 2.2: referral.docx\n"
    "body 2.2: \n\n\nReferral: Jane Doe, DOB 01/02/1960\n\n"
    "file 2.2: [Content_Types].xml\nword/document.xml\n\nend 2.2\n";

TEST(TnefWalker, AttachmentsAreChildPartsReadLikeMimeAttachments) {
  RecordingSink sink;
  Walker w(Limits{}, sink);
  EXPECT_FALSE(feed_message(w, with_tnef(outlook_tnef())));
  EXPECT_EQ(sink.log(), kOutlookLog);
  EXPECT_EQ(w.parts(), 5u);  // the message, the multipart's two parts, the two attachments
  EXPECT_EQ(w.uninspected_parts(), 0u);
}

TEST(TnefWalker, SameEventsWhateverTheChunks) {
  std::string msg = with_tnef(outlook_tnef());
  for (size_t chunk : {1, 7, 64, 1000}) {
    SCOPED_TRACE(chunk);
    RecordingSink sink;
    Walker w(Limits{}, sink);
    EXPECT_FALSE(feed_message(w, msg, chunk));
    EXPECT_EQ(sink.log(), kOutlookLog);
  }
  // Binary transfer encoding, the TNEF bytes themselves split at every size.
  std::string t = outlook_tnef();
  auto run = [&](size_t chunk) {
    RecordingSink sink;
    Walker w(Limits{}, sink);
    w.header("Content-Type", "application/ms-tnef");
    w.header("Content-Transfer-Encoding", "binary");
    w.end_of_headers();
    for (size_t i = 0; i < t.size(); i += chunk) w.body(std::string_view(t).substr(i, chunk));
    w.finish();
    EXPECT_FALSE(w.had_errors());
    return sink.log();
  };
  std::string whole = run(t.size());
  EXPECT_NE(whole.find("begin 1.1 application/octet-stream\nfile 1.1: notes.txt\nfile 1.1: notes for Jane Doe.txt\n"
                       "body 1.1: Notes: MRN"),
            std::string::npos)
      << whole;
  EXPECT_NE(whole.find("Referral: Jane Doe"), std::string::npos) << whole;
  for (size_t chunk : {1, 7, 64}) {
    SCOPED_TRACE(chunk);
    EXPECT_EQ(run(chunk), whole);
  }
}

TEST(TnefWalker, RoutedByTypeNameOrSignature) {
  struct Row {
    const char* label;
    std::string type, filename;
  };
  std::vector<Row> rows = {
      {"ms-tnef", "application/ms-tnef", ""},
      {"vnd.ms-tnef", "application/vnd.ms-tnef", ""},
      {"winmail.dat", "application/octet-stream", "WINMAIL.DAT"},
      {"sniffed octet-stream", "application/octet-stream", "attachment.bin"},
      {"sniffed, no name", "application/octet-stream", ""},
  };
  std::string t = Tnef().message(tnef::kAttBody, kSsnText).str();
  for (const Row& r : rows) {
    SCOPED_TRACE(r.label);
    RecordingSink sink;
    Walker w(Limits{}, sink);
    feed_message(w, with_tnef(t, r.type, r.filename));
    EXPECT_EQ(all_body(sink, "2"), kSsnText) << sink.log();
    EXPECT_TRUE(sink.reasons.empty()) << sink.log();
  }
}

TEST(TnefWalker, NotTnefIsUninspectedBinary) {
  for (const std::string& bytes : {std::string("\x78\x9f\x01\x02 not a tnef stream", 22), std::string()}) {
    RecordingSink sink;
    Walker w(Limits{}, sink);
    feed_message(w, with_tnef(bytes, "application/vnd.ms-tnef"));
    EXPECT_EQ(sink.reasons, std::vector<std::string>{"binary"}) << sink.log();
    EXPECT_EQ(all_body(sink, "2"), "");
  }
  // Text under a TNEF label is read as the text it is.
  RecordingSink sink;
  Walker w(Limits{}, sink);
  feed_message(w, with_tnef("not a tnef stream at all", "application/vnd.ms-tnef"));
  EXPECT_TRUE(sink.reasons.empty()) << sink.log();
  EXPECT_EQ(all_body(sink, "2"), "not a tnef stream at all");
}

// Every cut of a TNEF stream: what was read is reported, the rest uninspected "binary"; never a crash.
TEST(TnefWalker, TruncatedAnywhere) {
  std::string t = outlook_tnef();
  for (size_t n = 0; n < t.size(); n += 3) {
    SCOPED_TRACE(n);
    RecordingSink sink;
    Walker w(Limits{}, sink);
    feed_message(w, with_tnef(t.substr(0, n)));
    // Flat: every begin is ended before the next begins.
    std::string open;
    for (const auto& e : sink.events) {
      if (e.rfind("begin ", 0) == 0) {
        EXPECT_EQ(open, "") << sink.log();
        open = e.substr(6, e.find(' ', 6) - 6);
      } else if (e.rfind("end ", 0) == 0) {
        EXPECT_EQ(open, e.substr(4)) << sink.log();
        open.clear();
      } else if (e.rfind("uninspected 0", 0) != 0) {
        EXPECT_NE(open, "") << e;
      }
    }
    EXPECT_EQ(open, "");
    if (n >= 6) {
      EXPECT_TRUE(w.had_errors() || sink.reasons.empty());  // cut at an attribute's end: whole
    }
  }
}

TEST(TnefWalker, GarbageAfterTheSignatureIsUninspected) {
  std::string t = Tnef().message(tnef::kAttBody, "readable").str() + "\x07garbage follows";
  RecordingSink sink;
  Walker w(Limits{}, sink);
  EXPECT_TRUE(feed_message(w, with_tnef(t)));
  EXPECT_EQ(all_body(sink, "2"), "readable");
  EXPECT_EQ(sink.reasons, std::vector<std::string>{"binary"});
}

TEST(TnefWalker, ChecksumMismatchIsAnErrorButTheTextIsRead) {
  std::string t = Tnef().attr(1, tnef::kAttBody, kSsnText, true).str();
  RecordingSink sink;
  Walker w(Limits{}, sink);
  EXPECT_TRUE(feed_message(w, with_tnef(t)));
  EXPECT_EQ(all_body(sink, "2"), kSsnText);
  EXPECT_TRUE(sink.reasons.empty());
}

// Compressed RTF whose CRC does not match: decoded to its end all the same, so its text is read and the
// mismatch is an error, as a bad attribute checksum is; with the right CRC, no error.
TEST(TnefWalker, RtfCrcMismatchIsAnErrorButTheTextIsRead) {
  std::string rtf = "{\\rtf1\\ansi\\pard " + kSsnText + "\\par}";
  for (bool damaged : {false, true}) {
    SCOPED_TRACE(damaged);
    std::string c = lzfu_compress(rtf);
    if (damaged) c[13] = static_cast<char>(c[13] ^ 0x40);
    RecordingSink sink;
    Walker w(Limits{}, sink);
    std::string t =
        Tnef().message(tnef::kAttMapiProps, mapi_props({{tnef::kPtBinary, tnef::kPrRtfCompressed, c}})).str();
    EXPECT_EQ(feed_message(w, with_tnef(t)), damaged);
    EXPECT_EQ(all_body(sink, "2"), kSsnText + "\n");  // \par: a line break
    EXPECT_TRUE(sink.reasons.empty()) << sink.log();
    EXPECT_FALSE(w.truncated());
  }
}

// Compressed RTF that is cut or not LZFu/MELA, and property lists that cannot be read to their end (cut, or a
// type whose size is unknown), leave something unread: the part is uninspected "binary", what was read stays.
TEST(TnefWalker, DamagedRtfAndPropertyListsAreUninspectedBinary) {
  std::string rtf = "{\\rtf1\\ansi\\pard " + kSsnText + "\\par}";
  std::string c = lzfu_compress(rtf);
  std::string not_lzfu = c;
  not_lzfu[8] = 'X';
  Prop unknown{0x0077, 0x0001, "abcd"};  // no size known for type 0x0077
  Prop body{tnef::kPtUnicode, tnef::kPrBody, utf16le("body text")};
  struct Row {
    const char* label;
    std::vector<Prop> props;
    std::string body;  // the TNEF part's text
    bool damaged;
  };
  std::vector<Row> rows = {
      {"whole", {{tnef::kPtBinary, tnef::kPrRtfCompressed, c}, body}, kSsnText + "\n\nbody text", false},
      {"RTF neither LZFu nor MELA", {{tnef::kPtBinary, tnef::kPrRtfCompressed, not_lzfu}, body}, "body text", true},
      {"RTF cut before its end reference",
       {{tnef::kPtBinary, tnef::kPrRtfCompressed, c.substr(0, c.size() - 2)}, body},
       kSsnText + "\n\nbody text",
       true},
      {"a property of unknown size before PR_BODY", {unknown, body}, "", true},
      {"PR_BODY before it", {body, unknown}, "body text", true},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.label);
    RecordingSink sink;
    Walker w(Limits{}, sink);
    EXPECT_EQ(feed_message(w, with_tnef(Tnef().message(tnef::kAttMapiProps, mapi_props(r.props)).str())), r.damaged);
    EXPECT_EQ(all_body(sink, "2"), r.body) << sink.log();
    EXPECT_EQ(sink.reasons, r.damaged ? std::vector<std::string>{"binary"} : std::vector<std::string>{})
        << sink.log();
  }
  // An attachment's property list: the attachment's part is reported, its data stays read.
  RecordingSink sink;
  Walker w(Limits{}, sink);
  std::string t = Tnef()
                      .file("a.txt", "attached text")
                      .attachment(tnef::kAttAttachment,
                                  mapi_props({unknown, {tnef::kPtString8, tnef::kPrAttachLongFilename, "long.txt"}}))
                      .str();
  EXPECT_TRUE(feed_message(w, with_tnef(t)));
  EXPECT_EQ(all_body(sink, "2.1"), "attached text");
  EXPECT_NE(sink.log().find("uninspected 2.1 application/octet-stream: binary"), std::string::npos) << sink.log();
  EXPECT_EQ(sink.reasons, std::vector<std::string>{"binary"});
}

// An attachment's title is kept up to 64 KB (kMaxTnefString) too: a longer
// one is classified as far as it was kept, and its part says "size-limit".
TEST(TnefWalker, LongAttachmentTitlesAreCutAndReported) {
  const size_t kMax = 64 * 1024;
  for (bool over : {false, true}) {
    SCOPED_TRACE(over ? "over the limit" : "at the limit");
    std::string title = "MRN 12345678 " + std::string(kMax - 13 - (over ? 0 : 1), 'x') + (over ? "yz" : "");
    std::string t = Tnef()
                        .attachment(tnef::kAttAttachRenddata, std::string(14, '\0'))
                        .attachment(tnef::kAttAttachTitle, title + '\0')
                        .attachment(tnef::kAttAttachData, "plain text")
                        .str();
    RecordingSink sink;
    Walker w(Limits{}, sink);
    feed_message(w, with_tnef(t));
    EXPECT_NE(sink.log().find("file 2.1: MRN 12345678 xxx"), std::string::npos) << sink.log().substr(0, 200);
    EXPECT_EQ(sink.log().find("uninspected 2.1 application/octet-stream: size-limit") != std::string::npos, over);
    EXPECT_EQ(w.truncated(), over);
  }
}

TEST(TnefWalker, NestedTnefAndEmbeddedMessagesAreDepthLimited) {
  std::string inner = Tnef().message(tnef::kAttBody, "inner text").str();
  std::string t = Tnef()
                      .file("winmail.dat", inner)
                      .attachment(tnef::kAttAttachRenddata, std::string(14, '\0'))
                      .attachment(tnef::kAttAttachTitle, std::string("Fwd: lab results") + '\0')
                      .attachment(tnef::kAttAttachment,
                                  mapi_props({{tnef::kPtLong, tnef::kPrAttachMethod, le32s(5)},
                                              {tnef::kPtObject, tnef::kPrAttachDataObj,
                                               std::string(16, '\x0b') + inner}}))
                      .file("after.txt", "still read")
                      .str();
  RecordingSink sink;
  Walker w(Limits{}, sink);
  feed_message(w, with_tnef(t));
  EXPECT_NE(sink.log().find("uninspected 2.1 application/octet-stream: depth-limit"), std::string::npos)
      << sink.log();
  EXPECT_NE(sink.log().find("file 2.2: Fwd: lab results\nuninspected 2.2 application/octet-stream: depth-limit"),
            std::string::npos)
      << sink.log();
  EXPECT_EQ(sink.log().find("inner text"), std::string::npos);
  EXPECT_EQ(all_body(sink, "2.3"), "still read");
  EXPECT_TRUE(w.truncated());
}

TEST(TnefWalker, AttachmentsCountAgainstMaxParts) {
  Tnef t;
  for (int i = 0; i < 10000; ++i) t.file("f" + std::to_string(i) + ".txt", "x");
  Limits lim;
  lim.max_parts = 50;
  RecordingSink sink;
  Walker w(lim, sink);
  feed_message(w, with_tnef(t.str()));
  EXPECT_LE(w.parts(), 50u);
  EXPECT_EQ(sink.reasons, std::vector<std::string>{"part-limit"});
  EXPECT_TRUE(w.truncated());
  // 3 entities before (the message, the multipart's two parts): 47 attachments.
  EXPECT_NE(sink.log().find("file 2.47: f46.txt"), std::string::npos);
  EXPECT_EQ(sink.log().find("file 2.48:"), std::string::npos);
}

TEST(TnefWalker, TextAndPropertyListsAreBoundedByMaxPartBytes) {
  Limits lim;
  lim.max_part_bytes = 1000;
  {
    RecordingSink sink;
    Walker w(lim, sink);
    feed_message(w, with_tnef(Tnef().message(tnef::kAttBody, std::string(5000, 'a')).str()));
    EXPECT_EQ(all_body(sink, "2").size(), 1000u);
    EXPECT_EQ(sink.reasons, std::vector<std::string>{"size-limit"});
    EXPECT_TRUE(w.truncated());
  }
  {
    RecordingSink sink;
    Walker w(lim, sink);
    std::string big = mapi_props({{tnef::kPtString8, tnef::kPrBody, std::string(2000, 'b')}});
    feed_message(w, with_tnef(Tnef().message(tnef::kAttMapiProps, big).message(tnef::kAttBody, "after").str()));
    EXPECT_EQ(all_body(sink, "2"), "after");
    EXPECT_EQ(sink.reasons, std::vector<std::string>{"size-limit"});
  }
  {
    RecordingSink sink;
    Walker w(lim, sink);
    std::string rtf = "{\\rtf1 " + std::string(3000, 'c') + "}";
    feed_message(w, with_tnef(Tnef().message(tnef::kAttMapiProps,
                                             mapi_props({{tnef::kPtBinary, tnef::kPrRtfCompressed,
                                                          lzfu_compress(rtf)}}))
                                  .str()));
    EXPECT_LE(all_body(sink, "2").size(), 1000u);
    EXPECT_EQ(sink.reasons, std::vector<std::string>{"size-limit"});
  }
  {
    // An attachment is limited like a MIME part; the TNEF part itself may be larger.
    RecordingSink sink;
    Walker w(lim, sink);
    feed_message(w, with_tnef(Tnef().file("a.txt", std::string(800, 'd')).file("b.txt", std::string(1500, 'e')).str()));
    EXPECT_EQ(all_body(sink, "2.1").size(), 800u);
    EXPECT_EQ(all_body(sink, "2.2").size(), 1000u);
    EXPECT_NE(sink.log().find("uninspected 2.2 application/octet-stream: size-limit"), std::string::npos);
  }
}

// Writes the fuzz target's seed corpus when PHI_WRITE_TNEF_CORPUS names its directory.
TEST(TnefWalker, WriteFuzzCorpus) {
  const char* dir = std::getenv("PHI_WRITE_TNEF_CORPUS");
  if (!dir) GTEST_SKIP() << "PHI_WRITE_TNEF_CORPUS not set";
  std::string rtf = "{\\rtf1\\ansi\\pard Patient Jane Doe\\par}";
  std::vector<std::pair<std::string, std::string>> files = {
      {"outlook.tnef", outlook_tnef()},
      {"body-subject.tnef", Tnef()
                                .message(tnef::kAttOemCodepage, le32s(1252) + le32s(0))
                                .message(tnef::kAttSubject, std::string("Referral") + '\0')
                                .message(tnef::kAttBody, "SSN 078-05-1121\r\n")
                                .str()},
      {"rtf-html.tnef", Tnef()
                            .message(tnef::kAttMapiProps,
                                     mapi_props({{tnef::kPtBinary, tnef::kPrRtfCompressed, lzfu_compress(rtf)},
                                                 {tnef::kPtBinary, tnef::kPrBodyHtml, "<p>Jane &amp; Doe</p>"},
                                                 {tnef::kPtString8, 0x8005, "x", true}}))
                            .str()},
      {"mapi-subject.tnef",
       Tnef()
           .message(tnef::kAttSubject, std::string("Referral") + '\0')
           .message(tnef::kAttMapiProps,
                    mapi_props({{tnef::kPtUnicode, tnef::kPrSubject, utf16le("Referral for Jane Doe")},
                                {tnef::kPtString8, tnef::kPrBody, "SSN 078-05-1121\r\n"}}))
           .str()},
      {"embedded.tnef", Tnef()
                            .file("winmail.dat", Tnef().message(tnef::kAttBody, "inner").str())
                            .attachment(tnef::kAttAttachment,
                                        mapi_props({{tnef::kPtLong, tnef::kPrAttachMethod, le32s(5)}}))
                            .str()},
  };
  for (const auto& [name, bytes] : files) {
    std::ofstream f(std::string(dir) + "/" + name, std::ios::binary);
    f << bytes;
  }
}

}  // namespace
}  // namespace phi::mime
