// Tests for the MIME walker: structure, decoding, limits, errors, chunk independence.
#include "milter/mime/walker.h"

#include <gtest/gtest.h>

#include "tests/unit/mime/recording_sink.h"

namespace phi::mime {
namespace {

using test::feed_message;
using test::RecordingSink;

// A message exercising most features; CRLF line ends as on the wire.
std::string sample_message() {
  std::string m =
      "From: =?utf-8?Q?J=C3=B6rg?= Example <jorg@example.org>\n"
      "To: \"Doe, Jane\" <jane@example.org>, clinic@example.org\n"
      "Subject: =?iso-8859-1?Q?Lab_r=E9sults?= for\n"
      " Jane\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=\"outer-b\"\n"
      "\n"
      "This is a multi-part message in MIME format.\n"
      "--outer-b\n"
      "Content-Type: multipart/alternative; boundary=inner\n"
      "\n"
      "--inner\n"
      "Content-Type: text/plain; charset=iso-8859-1\n"
      "Content-Transfer-Encoding: quoted-printable\n"
      "\n"
      "Patient Jos=E9, SSN 219-09-=\n"
      "9999.\n"
      "--inner\n"
      "Content-Type: text/html; charset=utf-8\n"
      "Content-Transfer-Encoding: base64\n"
      "\n"
      "PHA+U1NOIDI8Yj4xOTwvYj4tMDktOTk5OTwvcD48c2NyaXB0PjEyMzwvc2NyaXB0Pg==\n"
      "--inner--\n"
      "--outer-b\n"
      "Content-Type: text/csv; name=\"list.csv\"\n"
      "Content-Disposition: attachment; filename*=utf-8''pati%C3%ABnts.csv\n"
      "\n"
      "name,mrn\n"
      "Jane,123\n"
      "--outer-b\n"
      "Content-Type: application/pdf; name=scan.pdf\n"
      "Content-Transfer-Encoding: base64\n"
      "\n"
      "JVBERi0xLjQKJcfsj6IKNSAwIG9iago=\n"
      "--outer-b\n"
      "Content-Type: message/rfc822\n"
      "\n"
      "Subject: =?utf-8?B?Rnc6IEROQQ==?=\n"
      "From: Dr. Who <who@example.org>\n"
      "\n"
      "Forwarded body\n"
      "--outer-b--\n"
      "epilogue\n";
  std::string crlf;
  for (char c : m) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  return crlf;
}

const char* kSampleLog =
    "name 0: J\xC3\xB6rg Example\n"
    "name 0: Doe, Jane\n"
    "subject 0: Lab r\xC3\xA9sults for Jane\n"
    "begin preamble text/plain\n"
    "body preamble: This is a multi-part message in MIME format.\n"
    "end preamble\n"
    "begin 1.1 text/plain\n"
    "body 1.1: Patient Jos\xC3\xA9, SSN 219-09-9999.\n"
    "end 1.1\n"
    "begin 1.2 text/html\n"
    "body 1.2: \nSSN 219-09-9999\n123\n\n"  // the script's content after the text
    "end 1.2\n"
    "begin 2 text/csv\n"
    "file 2: pati\xC3\xABnts.csv\n"
    "body 2: name,mrn\r\nJane,123\n"
    "end 2\n"
    "begin 3 application/pdf\n"
    "file 3: scan.pdf\n"
    "uninspected 3 application/pdf: pdf\n"
    "end 3\n"
    "subject 4: Fw: DNA\n"
    "name 4: Dr. Who\n"
    "begin 4.1 text/plain\n"
    "body 4.1: Forwarded body\n"
    "end 4.1\n"
    "begin epilogue text/plain\n"
    "body epilogue: epilogue\r\n\n"
    "end epilogue\n";

// The adapter the daemon will use: header fields, then body chunks, then finish.
TEST(Walker, SampleMessageFullFlow) {
  RecordingSink sink;
  Walker w(Limits{}, sink);
  bool err = feed_message(w, sample_message());
  EXPECT_EQ(sink.log(), kSampleLog);
  EXPECT_FALSE(err);
  EXPECT_EQ(w.parts(), 8u);  // top multipart, inner multipart, 5 parts, the forwarded message
  EXPECT_FALSE(w.truncated());
  EXPECT_EQ(w.uninspected_parts(), 1u);
}

TEST(Walker, SameTextWhereverTheBodyIsSplit) {
  std::string msg = sample_message();
  size_t body_at = msg.find("\r\n\r\n") + 4;
  std::string body = msg.substr(body_at);
  for (size_t cut1 = 0; cut1 <= body.size(); ++cut1) {
    size_t cut2 = cut1 + (body.size() - cut1) / 2;
    RecordingSink sink2;
    Walker w2(Limits{}, sink2);
    std::string only_head = msg.substr(0, body_at);
    // Header fields one by one, then the body in three pieces.
    size_t pos = 0;
    std::string field;
    auto flush = [&] {
      size_t c = field.find(':');
      if (c != std::string::npos) w2.header(field.substr(0, c), field.substr(c + 1));
      field.clear();
    };
    while (pos < only_head.size()) {
      size_t nl = only_head.find("\r\n", pos);
      std::string line = only_head.substr(pos, nl - pos);
      pos = nl + 2;
      if (line.empty()) break;
      if (line[0] == ' ') { field += "\r\n" + line; continue; }
      flush();
      field = line;
    }
    flush();
    w2.end_of_headers();
    w2.body(std::string_view(body).substr(0, cut1));
    w2.body(std::string_view(body).substr(cut1, cut2 - cut1));
    w2.body(std::string_view(body).substr(cut2));
    w2.finish();
    ASSERT_EQ(sink2.log(), kSampleLog) << "cut at " << cut1 << " and " << cut2;
    ASSERT_FALSE(w2.had_errors());
  }
}

TEST(Walker, SameTextForEveryChunkSize) {
  for (size_t chunk = 1; chunk < 200; ++chunk) {
    RecordingSink sink;
    Walker w(Limits{}, sink);
    feed_message(w, sample_message(), chunk);
    ASSERT_EQ(sink.log(), kSampleLog) << "chunk " << chunk;
  }
}

struct Case {
  const char* label;
  std::string msg;
  std::string want_log;
  bool error;
};

TEST(Walker, StructureAndErrorTable) {
  const Case cases[] = {
      {"single part defaults to text/plain",
       "Subject: hi\n\nhello\n",
       "subject 0: hi\nbegin 1 text/plain\nbody 1: hello\n\nend 1\n", false},
      {"unterminated multipart still read",
       "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nabc\n",
       "begin 1 text/plain\nbody 1: abc\n\nend 1\n", true},
      {"missing boundary param read as text",
       "Content-Type: multipart/mixed\n\n--x\nSSN\n",
       "begin 1 text/plain\nbody 1: --x\nSSN\n\nend 1\n", true},
      {"boundary that never appears",
       "Content-Type: multipart/mixed; boundary=nope\n\n--b\n\nsecret\n",
       "begin preamble text/plain\nbody preamble: --b\n\nsecret\n\nend preamble\n", true},
      {"bad base64 best effort",
       "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\nSGVs*bG8\n",
       "begin 1 text/plain\nbody 1: Hello\nend 1\n", true},
      {"bad qp best effort",
       "Content-Transfer-Encoding: quoted-printable\n\na=ZZb=4\n",
       "begin 1 text/plain\nbody 1: a=ZZb=4\n\nend 1\n", true},
      {"unknown charset as windows-1252",
       "Content-Type: text/plain; charset=x-nope\n\nJos\xE9\n",
       "begin 1 text/plain\nbody 1: Jos\xC3\xA9\n\nend 1\n", true},
      {"invalid utf-8 replaced",
       "Content-Type: text/plain; charset=utf-8\n\na\xFF" "b\n",
       "begin 1 text/plain\nbody 1: a\xEF\xBF\xBD" "b\n\nend 1\n", true},
      {"utf-16 part",
       "Content-Type: text/plain; charset=utf-16\nContent-Transfer-Encoding: base64\n\n//4xADIAMwA=\n",
       "begin 1 text/plain\nbody 1: 123\nend 1\n", false},
      {"windows-1252 part",
       "Content-Type: text/plain; charset=windows-1252\n\n\x93Hi\x94\n",
       "begin 1 text/plain\nbody 1: \xE2\x80\x9CHi\xE2\x80\x9D\n\nend 1\n", false},
      {"unknown transfer encoding",
       "Content-Transfer-Encoding: x-uuencode\n\nabc",
       "begin 1 text/plain\nbody 1: abc\nend 1\n", true},
      {"octet-stream named .csv is text",
       "Content-Type: application/vnd.ms-excel; name=a.csv\n\nx,y\n",
       "begin 1 application/vnd.ms-excel\nfile 1: a.csv\nbody 1: x,y\n\nend 1\n", false},
      {"zip sniffed as encrypted",
       "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\nUEsDBAoACQAAAAAAAAAAAAAAAAAA\n",
       "begin 1 application/octet-stream\nuninspected 1 application/octet-stream: encrypted\nend 1\n", false},
      {"pdf sniffed in octet-stream",
       "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQKJcfsj6IKNSAwIG9iago=\n",
       "begin 1 application/octet-stream\nuninspected 1 application/octet-stream: pdf\nend 1\n", false},
      {"a zip cut in its first header is an archive, and an error",
       "Content-Type: application/zip\nContent-Transfer-Encoding: base64\n\nUEsDBAoAAAAAAAAAAAAAAAAAAAAA\n",
       "begin 1 application/zip\nuninspected 1 application/zip: archive\nend 1\n", true},
      {"short image is an image",
       "Content-Type: image/png\n\nxyz",
       "begin 1 image/png\nuninspected 1 image/png: image\nend 1\n", false},
      {"office by type", "Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document\n\nPK",
       "begin 1 application/vnd.openxmlformats-officedocument.wordprocessingml.document\n"
       "uninspected 1 application/vnd.openxmlformats-officedocument.wordprocessingml.document: office\nend 1\n", false},
      {"s/mime encrypted", "Content-Type: application/pkcs7-mime; smime-type=enveloped-data\n\nMIAG",
       "begin 1 application/pkcs7-mime\nuninspected 1 application/pkcs7-mime: encrypted\nend 1\n", false},
      {"multipart/encrypted", "Content-Type: multipart/encrypted; boundary=b\n\n--b\n\nx\n--b--\n",
       "begin 1 multipart/encrypted\nuninspected 1 multipart/encrypted: encrypted\nend 1\n", false},
      {"signature skipped silently",
       "Content-Type: multipart/signed; boundary=s\n\n--s\n\nsigned text\n--s\nContent-Type: application/pkcs7-signature\n\nMIAG\n--s--\n",
       "begin 1 text/plain\nbody 1: signed text\nend 1\nbegin 2 application/pkcs7-signature\nend 2\n", false},
      {"rfc 2047 filename",
       "Content-Type: text/plain; name=\"=?utf-8?Q?J=C3=B6rg.txt?=\"\n\nx",
       "begin 1 text/plain\nfile 1: J\xC3\xB6rg.txt\nbody 1: x\nend 1\n", false},
      // A comment is no part of the value, but a client may show it with an
      // unquoted name: its text is classified like the file name.
      {"comment in an unquoted filename",
       "Content-Type: text/plain\nContent-Disposition: attachment; filename=Jane (SSN 078-05-1121).txt\n\nx",
       "begin 1 text/plain\nfile 1: Jane  .txt\nfile 1: (SSN 078-05-1121) \nbody 1: x\nend 1\n", false},
      {"headers without body",
       "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n--b--\n",
       "begin 1 text/plain\nend 1\n", false},
      {"part without header block",
       "Content-Type: multipart/mixed; boundary=b\n\n--b\nno headers here\n--b--\n",
       "begin 1 text/plain\nbody 1: no headers here\nend 1\n", true},
      {"digest parts are messages",
       "Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: inner\n\nbody\n--d--\n",
       "subject 1: inner\nbegin 1.1 text/plain\nbody 1.1: body\nend 1.1\n", false},
      {"malformed header line ignored",
       "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\nbad header line\n\nx\n--b--\n",
       "begin 1 text/plain\nbody 1: x\nend 1\n", true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    for (size_t chunk : {0, 1, 3}) {
      RecordingSink sink;
      Walker w(Limits{}, sink);
      bool err = feed_message(w, c.msg, chunk);
      EXPECT_EQ(sink.log(), c.want_log) << "chunk " << chunk;
      EXPECT_EQ(err, c.error) << "chunk " << chunk;
    }
  }
}

std::string nested(size_t depth) {
  std::string m = "Content-Type: multipart/mixed; boundary=b0\n\n";
  for (size_t i = 1; i < depth; ++i) m += "--b" + std::to_string(i - 1) + "\nContent-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\n\n";
  m += "--b" + std::to_string(depth - 1) + "\n\ndeep text\n";
  return m;
}

TEST(WalkerLimits, NestedTooDeep) {
  Limits lim;
  lim.max_depth = 4;
  RecordingSink sink;
  Walker w(lim, sink);
  feed_message(w, nested(10));
  EXPECT_EQ(sink.reasons, std::vector<std::string>{"depth-limit"});
  EXPECT_TRUE(w.truncated());
  EXPECT_EQ(sink.body("1.1.1.1.1"), "");
  RecordingSink ok;
  Walker w2(lim, ok);
  feed_message(w2, nested(4));
  EXPECT_TRUE(ok.reasons.empty());
  EXPECT_EQ(ok.body("1.1.1.1"), "deep text\n");
}

TEST(WalkerLimits, TenThousandNestedMultiparts) {
  RecordingSink sink;
  Walker w(Limits{}, sink);
  feed_message(w, nested(10000), 4096);
  EXPECT_EQ(sink.reasons, std::vector<std::string>{"depth-limit"});
  EXPECT_LE(w.parts(), Limits{}.max_depth + 1);
}

TEST(WalkerLimits, TenThousandNestedForwardedMessages) {
  std::string m;
  for (int i = 0; i < 10000; ++i) m += "Content-Type: message/rfc822\n\n";
  m += "x\n";
  RecordingSink sink;
  Walker w(Limits{}, sink);
  feed_message(w, m, 4096);
  EXPECT_EQ(sink.reasons, std::vector<std::string>{"depth-limit"});
}

TEST(WalkerLimits, TooManyParts) {
  std::string m = "Content-Type: multipart/mixed; boundary=b\n\n";
  for (int i = 0; i < 10000; ++i) m += "--b\n\nx\n";
  m += "--b--\n";
  Limits lim;
  lim.max_parts = 50;
  RecordingSink sink;
  Walker w(lim, sink);
  feed_message(w, m, 4096);
  EXPECT_EQ(sink.reasons, std::vector<std::string>{"part-limit"});
  EXPECT_EQ(w.parts(), 50u);
  EXPECT_TRUE(w.truncated());
  EXPECT_FALSE(w.had_errors());
}

TEST(WalkerLimits, PartSizeLimitAfterSomeText) {
  Limits lim;
  lim.max_part_bytes = 10;
  RecordingSink sink;
  Walker w(lim, sink);
  feed_message(w, "Subject: s\n\n0123456789ABCDEF\n", 3);
  EXPECT_EQ(sink.body("1"), "0123456789");
  EXPECT_EQ(sink.reasons, std::vector<std::string>{"size-limit"});
}

TEST(WalkerLimits, TotalSizeLimit) {
  Limits lim;
  lim.max_total_bytes = 100;
  RecordingSink sink;
  Walker w(lim, sink);
  feed_message(w, "Subject: s\n\n" + std::string(1000, 'a'), 64);
  EXPECT_EQ(sink.body("1"), std::string(100, 'a'));
  EXPECT_EQ(sink.reasons, std::vector<std::string>{"size-limit"});
}

TEST(WalkerLimits, HugeHeaderIsBounded) {
  Limits lim;
  lim.max_header_bytes = 1024;
  std::string m = "Content-Type: multipart/mixed; boundary=b\n\n--b\n";
  for (int i = 0; i < 10000; ++i) m += "X-Junk: " + std::string(50, 'j') + "\n";
  m += "Content-Type: application/pdf\n\nJVBERi0=\n--b--\n";
  RecordingSink sink;
  Walker w(lim, sink);
  feed_message(w, m, 4096);
  EXPECT_TRUE(w.had_errors());
  // The fields after the budget are ignored: the part is read as plain text.
  EXPECT_EQ(sink.body("1"), "JVBERi0=");
  RecordingSink top;
  Walker w2(lim, top);
  w2.header("Subject", std::string(5000, 's'));
  w2.end_of_headers();
  w2.finish();
  EXPECT_TRUE(w2.had_errors());
}

TEST(WalkerLimits, LongHeaderLineIsBounded) {
  Limits lim;
  lim.max_header_bytes = 1024;
  std::string m = "Content-Type: message/rfc822\n\nSubject: " + std::string(100000, 's') + "\n\nbody\n";
  RecordingSink sink;
  Walker w(lim, sink);
  feed_message(w, m, 4096);
  EXPECT_EQ(sink.body("1.1"), "body\n");
  for (const auto& e : sink.events) EXPECT_LE(e.size(), 2048u);
}

TEST(WalkerLimits, TooLongBoundaryIsIgnored) {
  std::string b(71, 'b');
  RecordingSink sink;
  Walker w(Limits{}, sink);
  EXPECT_TRUE(feed_message(w, "Content-Type: multipart/mixed; boundary=" + b + "\n\n--" + b + "\n\nx\n"));
  EXPECT_EQ(sink.body("1"), "--" + b + "\n\nx\n");
}

TEST(Walker, AForwardedMessagesFileNameIsClassified) {
  // Attached as message/rfc822 under a name that says who it is about: the name is an attachment name like any other.
  std::string m =
      "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
      "Content-Type: message/rfc822; name=\"Jane Doe labs.eml\" (MRN 00482913)\n"
      "Content-Disposition: attachment; filename=\"Jane Doe labs.eml\"\n\n"
      "Subject: labs\n\nsee below\n--b--\n";
  RecordingSink sink;
  Walker w(Limits{}, sink);
  feed_message(w, m);
  EXPECT_EQ(sink.log(),
            "begin 1 message/rfc822\nfile 1: Jane Doe labs.eml\nfile 1: (MRN 00482913) \nend 1\n"
            "subject 1: labs\nbegin 1.1 text/plain\nbody 1.1: see below\nend 1.1\n");
  // Without a name or comment nothing more is said (the sample message's forwarded part above).
}

TEST(Walker, BodyBeforeEndOfHeadersAndDoubleFinishAreSafe) {
  RecordingSink sink;
  Walker w(Limits{}, sink);
  w.header("Subject", "x");
  w.body("text");
  w.finish();
  w.finish();
  w.body("more");
  EXPECT_EQ(sink.log(), "subject 0: x\nbegin 1 text/plain\nbody 1: text\nend 1\n");
}

}  // namespace
}  // namespace phi::mime
