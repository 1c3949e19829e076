// Tests for S/MIME parts: the content of opaque-signed data is read; enveloped data stays "encrypted".
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "milter/mime/smime.h"
#include "milter/mime/walker.h"
#include "tests/unit/mime/recording_sink.h"
#include "tests/unit/mime/zip_builder.h"

namespace phi::mime {
namespace {

using test::feed_message;
using test::RecordingSink;
using Status = SignedContentStream::Status;

std::string fixture(const std::string& name) {
  std::ifstream f(std::string(PHI_SRCDIR) + "/tests/unit/milter/data/" + name, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

struct Read {
  Status status;
  std::string content;
  bool is_signed;
};

Read read(std::string_view ber, size_t chunk = 0) {
  std::string out;
  SignedContentStream s([&](std::string_view b) { out.append(b); });
  if (chunk == 0) chunk = ber.size() + 1;
  for (size_t i = 0; i < ber.size(); i += chunk) s.feed(ber.substr(i, chunk));
  s.finish();
  return {s.status(), out, s.is_signed()};
}

// BER by hand: a TLV with a definite length, and one with an indefinite length (ended by 00 00).
std::string tlv(uint8_t tag, const std::string& value) {
  std::string len;
  if (value.size() < 0x80) {
    len = std::string(1, static_cast<char>(value.size()));
  } else {
    for (size_t n = value.size(); n; n >>= 8) len.insert(len.begin(), static_cast<char>(n & 0xFF));
    len.insert(len.begin(), static_cast<char>(0x80 | len.size()));
  }
  return std::string(1, static_cast<char>(tag)) + len + value;
}
std::string indef(uint8_t tag, const std::string& value) {
  return std::string(1, static_cast<char>(tag)) + "\x80" + value + std::string(2, '\0');
}

const std::string kSignedOid = tlv(0x06, "\x2A\x86\x48\x86\xF7\x0D\x01\x07\x02");
const std::string kDataOid = tlv(0x06, "\x2A\x86\x48\x86\xF7\x0D\x01\x07\x01");
const std::string kEnvelopedOid = tlv(0x06, "\x2A\x86\x48\x86\xF7\x0D\x01\x07\x03");

// A SignedData whose encapContentInfo's eContent is `econtent` (the [0] and what is inside it), no signer.
std::string signed_data(const std::string& econtent, const std::string& oid = kSignedOid) {
  std::string encap = tlv(0x30, kDataOid + econtent);
  std::string sd = tlv(0x30, tlv(0x02, "\x01") + tlv(0x31, "") + encap + tlv(0x31, ""));
  return tlv(0x30, oid + tlv(0xA0, sd));
}

const std::string kContent = "Content-Type: text/plain\r\n\r\nJane Doe, MRN 00482913\r\n";

TEST(SignedContentStream, OpenSslOutputDefiniteAndStreamed) {
  std::string content = fixture("smime-content.txt");
  ASSERT_FALSE(content.empty());
  for (std::string name : {"smime-signed.p7m", "smime-signed-stream.p7m"}) {
    SCOPED_TRACE(name);
    std::string ber = fixture(name);
    ASSERT_FALSE(ber.empty());
    for (size_t chunk : {0, 1, 2, 3, 7, 64}) {
      SCOPED_TRACE(chunk);
      Read r = read(ber, chunk);
      EXPECT_EQ(r.status, Status::Done);
      EXPECT_EQ(r.content, content);
      EXPECT_TRUE(r.is_signed);
    }
  }
  Read env = read(fixture("smime-enveloped.p7m"));
  EXPECT_EQ(env.status, Status::NotSigned);
  EXPECT_FALSE(env.is_signed);
  EXPECT_EQ(env.content, "");
  Read detached = read(fixture("smime-detached.p7s"));
  EXPECT_EQ(detached.status, Status::NoContent);
  EXPECT_EQ(detached.content, "");
}

TEST(SignedContentStream, ConstructedOctetStringsNestedAndDefinite) {
  std::string pieces = tlv(0x04, kContent.substr(0, 10)) + tlv(0x24, tlv(0x04, kContent.substr(10, 5)) +
                                                                       indef(0x24, tlv(0x04, kContent.substr(15))));
  for (const std::string& econtent : {tlv(0xA0, tlv(0x04, kContent)), tlv(0xA0, tlv(0x24, pieces)),
                                      indef(0xA0, indef(0x24, pieces)), tlv(0xA0, indef(0x24, pieces))}) {
    for (size_t chunk : {0, 1, 5}) {
      Read r = read(signed_data(econtent), chunk);
      EXPECT_EQ(r.status, Status::Done);
      EXPECT_EQ(r.content, kContent);
    }
  }
  // Empty content, and no content at all (the encapContentInfo ends after its type).
  EXPECT_EQ(read(signed_data(tlv(0xA0, tlv(0x04, "")))).status, Status::Done);
  EXPECT_EQ(read(signed_data(tlv(0xA0, ""))).status, Status::Done);
  EXPECT_EQ(read(signed_data("")).status, Status::NoContent);
  EXPECT_EQ(read(signed_data(tlv(0xA0, tlv(0x04, kContent)), kEnvelopedOid)).status, Status::NotSigned);
}

TEST(SignedContentStream, CutAnywhereIsTruncatedWithAPrefixOfTheContent) {
  std::string ber = fixture("smime-signed-stream.p7m");
  std::string content = fixture("smime-content.txt");
  for (size_t n = 0; n < ber.size(); n += 13) {
    Read r = read(ber.substr(0, n), 5);
    // The content ends at byte 52 + 4 + 269 of the stream; after it the rest is not read.
    if (r.status == Status::Done) {
      EXPECT_EQ(r.content, content);
      continue;
    }
    EXPECT_EQ(r.status, Status::Truncated) << n;
    EXPECT_EQ(content.compare(0, r.content.size(), r.content), 0) << n;
  }
}

TEST(SignedContentStream, MalformedInput) {
  std::string good = signed_data(tlv(0xA0, tlv(0x04, kContent)));
  EXPECT_EQ(read(good).status, Status::Done);
  // Not a SEQUENCE at the top; a high tag number; a length of more than 8 octets.
  EXPECT_EQ(read("\x31\x03\x02\x01\x01").status, Status::Malformed);
  EXPECT_EQ(read("\x3F\x81\x01\x00").status, Status::Malformed);
  EXPECT_EQ(read(std::string("\x30\x89") + std::string(9, '\x01')).status, Status::Malformed);
  // An indefinite length on a primitive, and on the digest algorithms, which are skipped.
  EXPECT_EQ(read(std::string("\x30\x80\x06\x80", 4)).status, Status::Malformed);
  std::string sd = indef(0x30, tlv(0x02, "\x01") + indef(0x31, "") + tlv(0x30, kDataOid));
  EXPECT_EQ(read(tlv(0x30, kSignedOid + tlv(0xA0, sd))).status, Status::Malformed);
  // A piece longer than the constructed OCTET STRING around it.
  std::string over = "\x24\x05" + tlv(0x04, kContent);
  EXPECT_EQ(read(signed_data(tlv(0xA0, over))).status, Status::Malformed);
  // Something other than an OCTET STRING inside the [0].
  EXPECT_EQ(read(signed_data(tlv(0xA0, tlv(0x0C, kContent)))).status, Status::Malformed);
  // Constructed OCTET STRINGs nested deeper than kMaxOctetNesting.
  std::string deep = tlv(0x04, kContent);
  for (size_t i = 0; i <= kMaxOctetNesting; ++i) deep = tlv(0x24, deep);
  EXPECT_EQ(read(signed_data(tlv(0xA0, deep))).status, Status::Malformed);
  // An eContentType longer than its encapContentInfo says.
  std::string encap = "\x30\x05" + kDataOid;
  std::string bad = tlv(0x30, kSignedOid + tlv(0xA0, tlv(0x30, tlv(0x02, "\x01") + tlv(0x31, "") + encap)));
  EXPECT_EQ(read(bad).status, Status::Malformed);
  // An OID that is too long to be signedData.
  EXPECT_EQ(read(tlv(0x30, tlv(0x06, std::string(40, '\x01')))).status, Status::NotSigned);
}

std::string walk(const std::string& msg, Limits lim = {}, size_t chunk = 0) {
  RecordingSink sink;
  Walker w(lim, sink);
  feed_message(w, msg, chunk);
  return sink.log();
}

TEST(SmimeWalker, OpaqueSignedContentIsReadAsANestedPart) {
  for (std::string name : {"smime-signed.p7m", "smime-signed-stream.p7m"}) {
    SCOPED_TRACE(name);
    std::string msg = test::message_with_attachment("application/pkcs7-mime; smime-type=signed-data", "smime.p7m",
                                                    fixture(name), true);
    std::string log = walk(msg);
    EXPECT_EQ(log.find("uninspected"), std::string::npos) << log;
    EXPECT_NE(log.find("begin 2 application/pkcs7-mime\nfile 2: smime.p7m\nend 2\n"), std::string::npos) << log;
    EXPECT_NE(log.find("body 2.1: Lab results attached."), std::string::npos) << log;
    EXPECT_NE(log.find("file 2.2: labs.csv\nbody 2.2: name,dob,mrn,dx\r\nJane Doe,03/14/1962,00482913,E11.9"),
              std::string::npos)
        << log;
    for (size_t chunk : {1, 3, 76}) EXPECT_EQ(walk(msg, {}, chunk), log);
    // As octet-stream named .p7m, and under the old x- type.
    for (std::string type : {"application/octet-stream", "application/x-pkcs7-mime"}) {
      std::string other = walk(test::message_with_attachment(type, "smime.p7m", fixture(name), true));
      EXPECT_EQ(other.find("uninspected"), std::string::npos) << other;
      EXPECT_NE(other.find("body 2.2: name,dob,mrn,dx"), std::string::npos) << other;
    }
  }
}

TEST(SmimeWalker, BadBase64InReadContentIsAnError) {
  std::string msg = test::message_with_attachment("application/pkcs7-mime", "smime.p7m", fixture("smime-signed.p7m"), true);
  RecordingSink sink;
  Walker w(Limits{}, sink);
  EXPECT_FALSE(feed_message(w, msg));
  std::string bad = msg;
  // A character base64 does not have, at the start of the S/MIME part's base64 (skipped by the decoder).
  bad.insert(bad.rfind("Content-Transfer-Encoding: base64\r\n\r\n") + 37, "*");
  RecordingSink sink2;
  Walker w2(Limits{}, sink2);
  EXPECT_TRUE(feed_message(w2, bad));
  EXPECT_NE(sink2.log().find("Jane Doe,03/14/1962"), std::string::npos) << sink2.log();
}

TEST(SmimeWalker, AWholeOpaqueSignedMessage) {
  // As `openssl smime -sign -nodetach` and mail clients send it: the message's own body is the S/MIME part.
  std::string msg = "From: a@b.example\r\nSubject: results\r\nMIME-Version: 1.0\r\n"
                    "Content-Type: application/x-pkcs7-mime; smime-type=signed-data; name=\"smime.p7m\"\r\n"
                    "Content-Transfer-Encoding: base64\r\n\r\n" + test::base64_lines(fixture("smime-signed.p7m"));
  std::string log = walk(msg);
  EXPECT_EQ(log.find("uninspected"), std::string::npos) << log;
  EXPECT_NE(log.find("subject 0: results"), std::string::npos) << log;
  EXPECT_NE(log.find("Jane Doe,03/14/1962,00482913,E11.9"), std::string::npos) << log;
}

TEST(SmimeWalker, EnvelopedDamagedAndDeepParts) {
  std::string log = walk(test::message_with_attachment("application/pkcs7-mime; smime-type=enveloped-data",
                                                       "smime.p7m", fixture("smime-enveloped.p7m"), true));
  EXPECT_NE(log.find("uninspected 2 application/pkcs7-mime: encrypted"), std::string::npos) << log;
  // Cut in the middle of the content: what came is read, the part is reported.
  std::string cut = fixture("smime-signed.p7m").substr(0, 200);
  log = walk(test::message_with_attachment("application/pkcs7-mime", "smime.p7m", cut, true));
  EXPECT_NE(log.find("uninspected 2 application/pkcs7-mime: binary"), std::string::npos) << log;
  EXPECT_NE(log.find("Lab results attached."), std::string::npos) << log;
  // Not BER at all, or cut before its content type: what it claims to be, as before.
  log = walk(test::message_with_attachment("application/pkcs7-mime", "smime.p7m", "hello", true));
  EXPECT_NE(log.find("uninspected 2 application/pkcs7-mime: encrypted"), std::string::npos) << log;
  std::string head = fixture("smime-signed.p7m").substr(0, 8);
  log = walk(test::message_with_attachment("application/pkcs7-mime", "smime.p7m", head, true));
  EXPECT_NE(log.find("uninspected 2 application/pkcs7-mime: encrypted"), std::string::npos) << log;
  // A detached signature in a .p7m: nothing to read, nothing to report.
  log = walk(test::message_with_attachment("application/pkcs7-mime", "smime.p7m", fixture("smime-detached.p7s"), true));
  EXPECT_EQ(log.find("uninspected"), std::string::npos) << log;
  // A text part named .p7m is text.
  log = walk(test::message_with_attachment("text/plain", "notes.p7m", "Jane Doe", true));
  EXPECT_NE(log.find("body 2: Jane Doe"), std::string::npos) << log;
  // At the depth limit the part is not opened.
  Limits lim;
  lim.max_depth = 1;
  log = walk(test::message_with_attachment("application/pkcs7-mime", "smime.p7m", fixture("smime-signed.p7m"), true),
             lim);
  EXPECT_NE(log.find("uninspected 2 application/pkcs7-mime: depth-limit"), std::string::npos) << log;
  EXPECT_EQ(log.find("Jane Doe"), std::string::npos) << log;
}

}  // namespace
}  // namespace phi::mime
