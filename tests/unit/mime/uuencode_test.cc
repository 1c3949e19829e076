// Tests for uuencoded files: UuStream's blocks and text, the x-uuencode transfer encoding, and files
// uuencoded into a message's text (uuencode FILE NAME | mail) read by the Walker as parts of their own.
#include <gtest/gtest.h>

#include <random>

#include "milter/mime/transfer.h"
#include "milter/mime/uuencode.h"
#include "milter/mime/walker.h"
#include "tests/unit/mime/recording_sink.h"
#include "tests/unit/mime/zip_builder.h"

namespace phi::mime {
namespace {

using test::feed_message;
using test::RecordingSink;

// As uuencode(1) writes it: 45 bytes a line, '`' for zero (or ' ', as
// Python's binascii and older encoders do), then "`" and "end".
std::string uuencode(std::string_view data, const std::string& name, bool backtick = true, const char* eol = "\n") {
  auto ch = [&](unsigned v) { return v == 0 && backtick ? '`' : static_cast<char>(' ' + v); };
  std::string out = "begin 644 " + name + eol;
  for (size_t i = 0; i < data.size(); i += 45) {
    std::string_view l = data.substr(i, 45);
    out.push_back(ch(static_cast<unsigned>(l.size())));
    for (size_t j = 0; j < l.size(); j += 3) {
      unsigned v = static_cast<unsigned char>(l[j]) << 16;
      if (j + 1 < l.size()) v |= static_cast<unsigned char>(l[j + 1]) << 8;
      if (j + 2 < l.size()) v |= static_cast<unsigned char>(l[j + 2]);
      for (int s = 18; s >= 0; s -= 6) out.push_back(ch((v >> s) & 63));
    }
    out += eol;
  }
  return out + ch(0) + eol + "end" + eol;
}

// As uuencode -m writes it: base64 in lines of 60, then "====".
std::string uuencode_base64(std::string_view data, const std::string& name) {
  std::string flat;
  for (char c : test::base64_lines(data))
    if (c != '\r' && c != '\n') flat.push_back(c);
  std::string out = "begin-base64 644 " + name + "\n";
  for (size_t i = 0; i < flat.size(); i += 60) out += flat.substr(i, 60) + "\n";
  return out + "====\n";
}

std::string binary_bytes(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

// Feeds `in` in chunks of `chunk` bytes (0: whole); joins adjacent text events so that the log does not depend on it.
struct UuRun {
  UuRun(std::string_view in, size_t chunk) {
    struct H : UuStream::Handler {
      explicit H(UuRun& r) : r(r) {}
      void text(std::string_view b) override {
        if (!r.log.empty() && r.log.back() == ']' && r.open_text) r.log.insert(r.log.size() - 1, b);
        else r.log += "T[" + std::string(b) + "]";
        r.open_text = true;
        r.texts += b;
      }
      void begin(std::string_view name) override {
        r.open_text = false;
        r.log += "B[" + std::string(name) + "]";
        r.files.emplace_back();
      }
      void data(std::string_view b) override { r.files.back() += b; }
      void end(bool complete) override {
        r.open_text = false;
        r.log += complete ? "E" : "e";
      }
      UuRun& r;
    } h(*this);
    UuStream u;
    if (chunk == 0) chunk = in.size() + 1;
    for (size_t i = 0; i < in.size(); i += chunk) u.feed(in.substr(i, chunk), h);
    u.finish(h);
    errors = u.had_errors();
  }
  std::string log, texts;
  std::vector<std::string> files;
  bool open_text = false, errors = false;
};

TEST(UuStream, DecodesATraditionalBlockBetweenText) {
  for (size_t n : {0u, 1u, 2u, 3u, 44u, 45u, 46u, 90u, 1000u}) {
    std::string file = binary_bytes(n, static_cast<unsigned>(n));
    for (bool backtick : {true, false}) {
      for (const char* eol : {"\n", "\r\n"}) {
        std::string in = std::string("Census attached.") + eol + uuencode(file, "census.csv", backtick, eol) + "-- " + eol;
        for (size_t chunk : {0u, 1u, 3u, 7u, 64u}) {
          SCOPED_TRACE(std::to_string(n) + (backtick ? " `" : " space") + " chunk " + std::to_string(chunk));
          UuRun r(in, chunk);
          if (n == 0) {  // an empty file has no data line: the begin line stays text
            EXPECT_EQ(r.files.size(), 0u);
            continue;
          }
          ASSERT_EQ(r.files.size(), 1u) << r.log;
          EXPECT_EQ(r.files[0], file);
          EXPECT_EQ(r.log, std::string("T[Census attached.") + eol + "]B[census.csv]ET[-- " + eol + "]");
          EXPECT_FALSE(r.errors);
        }
      }
    }
  }
}

TEST(UuStream, DecodesABase64Block) {
  std::string file = binary_bytes(500, 9);
  std::string in = "x\n" + uuencode_base64(file, "scan.pdf") + "y\n";
  for (size_t chunk : {0u, 1u, 5u, 61u}) {
    UuRun r(in, chunk);
    ASSERT_EQ(r.files.size(), 1u) << r.log;
    EXPECT_EQ(r.files[0], file);
    EXPECT_EQ(r.log, "T[x\n]B[scan.pdf]ET[y\n]");
    EXPECT_FALSE(r.errors);
  }
}

TEST(UuStream, TextWithoutBlocksPassesUnchanged) {
  std::string in;
  std::mt19937 rng(3);
  const std::string pieces[] = {"begin 644 notes\n", "begin the treatment on Monday\n", "end\n", "`\n", "M\n",
                                "====\n", "begin-base64 644 x\n", "Mary had a little lamb\r\n", std::string(2000, 'M'),
                                "\n", "no line end"};
  for (int i = 0; i < 300; ++i) in += pieces[rng() % 10];
  in += pieces[10];
  for (size_t chunk : {0u, 1u, 13u, 1500u}) {
    UuRun r(in, chunk);
    EXPECT_EQ(r.texts, in);
    EXPECT_TRUE(r.files.empty()) << r.log.substr(0, 300);
  }
}

TEST(UuStream, ABeginLineNotFollowedByDataIsText) {
  UuRun r("begin 644 the new regimen\nfor Jane Doe\n", 1);
  EXPECT_EQ(r.log, "T[begin 644 the new regimen\nfor Jane Doe\n]");
  UuRun cut("begin 644 a.txt", 0);  // the input ends on it
  EXPECT_EQ(cut.log, "T[begin 644 a.txt]");
  for (const char* not_begin : {"begin 64 a\nM86)C\n", "begin 644\nM86)C\n", "begin 648 a\nM86)C\n", "Begin 644 a\nM86)C\n"})
    EXPECT_TRUE(UuRun(not_begin, 0).files.empty()) << not_begin;
}

TEST(UuStream, ABlockCutShortIsReadAsFarAsItGoes) {
  std::string file = binary_bytes(200, 5);
  std::string enc = uuencode(file, "a.bin");
  std::string cut = enc.substr(0, enc.find("\n", 100) + 1);  // begin line and two data lines
  UuRun r(cut, 1);
  ASSERT_EQ(r.files.size(), 1u);
  EXPECT_EQ(r.files[0], file.substr(0, 90));
  EXPECT_EQ(r.log, "B[a.bin]e");
  EXPECT_TRUE(r.errors);
}

TEST(UuStream, ALineThatIsNotDataEndsTheBlockAndIsReadAgain) {
  std::string a = binary_bytes(50, 1), b = binary_bytes(50, 2);
  std::string ea = uuencode(a, "a.bin"), eb = uuencode(b, "b.bin");
  ea = ea.substr(0, ea.find("`\nend"));  // no end line: the next block's begin line closes it
  UuRun r(ea + "thanks, Jane\n" + eb, 3);
  ASSERT_EQ(r.files.size(), 2u);
  EXPECT_EQ(r.files[0], a);
  EXPECT_EQ(r.files[1], b);
  EXPECT_EQ(r.log, "B[a.bin]eT[thanks, Jane\n]B[b.bin]E");
  EXPECT_TRUE(r.errors);
  UuRun direct(ea + eb, 0);  // a begin line right after the data
  EXPECT_EQ(direct.log, "B[a.bin]eB[b.bin]E");
}

TEST(UuStream, ALongLineClosesTheBlockAndIsText) {
  std::string enc = uuencode(binary_bytes(100, 4), "a.bin");
  std::string lng(kMaxUuLine + 10, 'M');
  UuRun r(enc.substr(0, enc.find('\n') + 1) + "M" + std::string(60, '!') + "\n" + lng + "\nafter\n", 7);
  EXPECT_EQ(r.log, "B[a.bin]eT[" + lng + "\nafter\n]");
}

TEST(UuDecoder, DecodesTheTransferEncoding) {
  std::string file = binary_bytes(300, 8);
  for (size_t chunk : {1u, 10u, 4096u}) {
    TransferDecoder d(TransferEncoding::Uuencode);
    std::string in = "\r\n" + uuencode(file, "x.bin", true, "\r\n") + "\r\n", out, scratch;
    for (size_t i = 0; i < in.size(); i += chunk) out += d.decode(std::string_view(in).substr(i, chunk), scratch);
    out += d.finish(scratch);
    EXPECT_EQ(out, file);
    EXPECT_FALSE(d.had_errors());
  }
  for (size_t chunk : {1u, 2u, 100u}) {  // blank lines are dropped however they are split (found by uu_fuzz)
    TransferDecoder d(TransferEncoding::Uuencode);
    std::string in = uuencode(file, "x.bin") + " \r\n\r\n\t", out, scratch;
    for (size_t i = 0; i < in.size(); i += chunk) out += d.decode(std::string_view(in).substr(i, chunk), scratch);
    out += d.finish(scratch);
    EXPECT_EQ(out, file);
  }
  TransferDecoder d(TransferEncoding::Uuencode);  // lines outside a block are kept: nothing is lost unread
  std::string scratch, out(d.decode("Jane Doe 219-09-9999\n", scratch));
  out += d.finish(scratch);
  EXPECT_EQ(out, "Jane Doe 219-09-9999\n");
  EXPECT_TRUE(d.had_errors());
}

TEST(ParseTransferEncoding, UuencodeAndMisspellings) {
  struct Row { const char* in; TransferEncoding want; bool unknown, readable; };
  const Row rows[] = {
      {"x-uuencode", TransferEncoding::Uuencode, false, true}, {"X-UUE", TransferEncoding::Uuencode, false, true},
      {"uuencode", TransferEncoding::Uuencode, false, true},   {"8-bit", TransferEncoding::Identity, true, true},
      {"none", TransferEncoding::Identity, true, true},        {"x-gzip64", TransferEncoding::Identity, true, false},
      {"base32", TransferEncoding::Identity, true, false},     {"7bit", TransferEncoding::Identity, false, true},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.in);
    bool unknown = false, readable = false;
    EXPECT_EQ(parse_transfer_encoding(r.in, &unknown, &readable), r.want);
    EXPECT_EQ(unknown, r.unknown);
    EXPECT_EQ(readable, r.readable);
  }
}

// ---- through the Walker ----

const std::string kNote =
    "Patient: Jane Doe\nDOB: 03/14/1962\nMRN: 00482913\nDiagnosis: E11.9 type 2 diabetes mellitus\n";

std::string walk(const std::string& msg, size_t chunk = 0, Limits lim = {}) {
  RecordingSink sink;
  Walker w(lim, sink);
  feed_message(w, msg, chunk);
  return sink.log();
}

TEST(UuWalker, AFileUuencodedIntoTheMessageTextIsAPartOfItsOwn) {
  // What "uuencode labs.txt labs.txt | mail -s labs ..." sends: no MIME at all.
  std::string msg = "From: cron@ehr.example\nSubject: labs\n\nDaily labs attached.\n\n" + uuencode(kNote, "labs.txt") +
                    "\nSent by cron\n";
  std::string log = walk(msg);
  EXPECT_EQ(log,
            "subject 0: labs\n"
            "begin 1 text/plain\nbody 1: Daily labs attached.\n\n\nend 1\n"  // log() ends every event with a line feed
            "begin 1.1 application/octet-stream\nfile 1.1: labs.txt\nbody 1.1: " + kNote + "\nend 1.1\n"
            "begin 1 text/plain\nbody 1: \nSent by cron\n\nend 1\n");
  for (size_t chunk : {1u, 7u, 100u}) EXPECT_EQ(walk(msg, chunk), log);
  std::string crlf;
  for (char c : msg) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  EXPECT_NE(walk(crlf, 5).find("body 1.1: " + kNote), std::string::npos) << walk(crlf, 5);
  std::string b64 = "Subject: labs\n\n" + uuencode_base64(kNote, "labs.txt");
  EXPECT_NE(walk(b64, 3).find("body 1.1: " + kNote), std::string::npos) << walk(b64, 3);
}

TEST(UuWalker, AUuencodedFileIsReadByItsKind) {
  std::string zip = test::make_zip({{"results/labs.csv", kNote}});
  std::string log = walk("Subject: x\n\n" + uuencode(zip, "results.zip"), 11);
  EXPECT_NE(log.find("file 1.1: results.zip"), std::string::npos) << log;
  EXPECT_NE(log.find("Jane Doe"), std::string::npos) << log;
  std::string bin = walk("Subject: x\n\n" + uuencode(binary_bytes(600, 1), "blob.bin"));
  EXPECT_NE(bin.find("uninspected 1.1 application/octet-stream: binary"), std::string::npos) << bin;
}

TEST(UuWalker, AnXUuencodePartIsDecoded) {
  for (const char* cte : {"x-uuencode", "x-uue"}) {
    std::string msg = std::string("MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\n"
                                  "Content-Type: text/plain\n\nsee attached\n--b\n"
                                  "Content-Type: application/octet-stream; name=labs.txt\nContent-Transfer-Encoding: ") +
                      cte + "\n\n" + uuencode(kNote, "labs.txt") + "--b--\n";
    RecordingSink sink;
    Walker w(Limits{}, sink);
    EXPECT_FALSE(feed_message(w, msg, 9)) << sink.log();
    EXPECT_EQ(sink.body("2"), kNote) << sink.log();
    EXPECT_TRUE(sink.reasons.empty());
  }
}

TEST(UuWalker, AnEncodingNotDecodedIsReportedAndItsBytesStillRead) {
  auto part = [](const char* cte) {
    return std::string("MIME-Version: 1.0\nContent-Type: text/plain\nContent-Transfer-Encoding: ") + cte + "\n\n" +
           kNote;
  };
  std::string log = walk(part("x-gzip64"));
  EXPECT_NE(log.find("uninspected 1 text/plain: binary"), std::string::npos) << log;
  EXPECT_NE(log.find("body 1: " + kNote), std::string::npos) << log;
  log = walk(part("8-bit"));  // a misspelt identity: read, not reported
  EXPECT_EQ(log.find("uninspected"), std::string::npos) << log;
  EXPECT_NE(log.find("body 1: " + kNote), std::string::npos) << log;
}

TEST(UuWalker, NestedBlocksStopAtTheDepthLimit) {
  std::string inner = uuencode(kNote, "a.txt");
  std::string middle = uuencode("cover\n" + inner, "b.txt");
  std::string outer = uuencode("cover\n" + middle, "c.txt");
  std::string log = walk("Subject: x\n\n" + middle);
  EXPECT_NE(log.find("body 1.1.1: " + kNote), std::string::npos) << log;  // two levels are read
  EXPECT_EQ(log.find("uninspected"), std::string::npos) << log;
  log = walk("Subject: x\n\n" + outer);
  EXPECT_NE(log.find("uninspected 1.1.1 application/octet-stream: depth-limit"), std::string::npos) << log;
  EXPECT_EQ(log.find("Jane Doe"), std::string::npos) << log;
}

TEST(UuWalker, BlocksCountAgainstThePartLimit) {
  std::string msg = "Subject: x\n\n";
  for (int i = 0; i < 5; ++i) msg += uuencode(kNote, "n" + std::to_string(i) + ".txt");
  Limits lim;
  lim.max_parts = 3;  // the message, its text, and two files
  RecordingSink sink;
  Walker w(lim, sink);
  feed_message(w, msg, 0);
  EXPECT_TRUE(w.truncated());
  EXPECT_NE(sink.log().find("begin 1.2 "), std::string::npos) << sink.log();
  EXPECT_EQ(sink.log().find("begin 1.3 "), std::string::npos) << sink.log();
  EXPECT_NE(sink.log().find("uninspected 1 text/plain: part-limit"), std::string::npos) << sink.log();
}

TEST(UuWalker, Utf16TextIsNotSearchedForBlocks) {
  std::string text = "\xFF\xFE";
  for (char c : uuencode(kNote, "a.txt")) text += std::string(1, c) + '\0';
  std::string log = walk("Content-Type: text/plain\n\n" + text);
  EXPECT_EQ(log.find("begin 1.1"), std::string::npos) << log;
  EXPECT_NE(log.find("body 1: begin 644 a.txt"), std::string::npos) << log;
}

TEST(UuStream, TenThousandHostileRepeats) {
  std::string in;
  for (int i = 0; i < 10000; ++i) in += i % 2 ? "begin 644 x\nM\n" : "begin 644 a\n#86)C\nbegin-base64 644 b\nYWJj\n";
  UuRun r(in, 4096);
  EXPECT_EQ(r.files.size(), 5000u * 2);  // every other repeat opens two blocks, each closed by the next begin line
  EXPECT_TRUE(r.errors);
}

}  // namespace
}  // namespace phi::mime
