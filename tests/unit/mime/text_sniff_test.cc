// Tests for text found where the label says nothing: octet-stream text (HL7, X12), UTF-16 with a byte order mark or
// without, messages saved as .eml files.
#include <gtest/gtest.h>

#include "milter/mime/entity.h"
#include "milter/mime/walker.h"
#include "tests/unit/mime/recording_sink.h"
#include "tests/unit/mime/tar_builder.h"
#include "tests/unit/mime/zip_builder.h"

namespace phi::mime {
namespace {

using test::feed_message;
using test::RecordingSink;
using detail::unmarked_utf16;

std::string walk(const std::string& msg, size_t chunk = 0) {
  RecordingSink sink;
  Walker w(Limits{}, sink);
  feed_message(w, msg, chunk);
  return sink.log();
}

std::string attach(const std::string& type, const std::string& name, const std::string& bytes) {
  return test::message_with_attachment(type, name, bytes, true);
}

// An HL7 v2 lab result: segments end in CR.
const std::string kHl7 =
    "MSH|^~\\&|LAB|HOSP|EHR|CLINIC|202601011200||ORU^R01|123|P|2.5\r"
    "PID|1||00482913^^^HOSP^MR||DOE^JANE||19620314|F\r"
    "OBX|1|NM|2345-7^GLUCOSE||182|mg/dL\r";
// As it is read: its segments as labelled lines (hl7.h).
const std::string kHl7Text =
    "MSH LAB HOSP EHR CLINIC 202601011200  ORU R01 123 P 2.5\nPID 1 F\nMRN: 00482913\nPatient name: Jane Doe\n"
    "Date of birth: 1962-03-14\nOBX 1 NM\nResult: 2345-7 GLUCOSE 182 mg/dL\n";

TEST(TextSniff, TextUnderAnOctetStreamLabelIsRead) {
  for (std::string name : {"lab.hl7", "claim.837", "dump.sql", "README", ""}) {
    SCOPED_TRACE(name);
    std::string log = walk(attach("application/octet-stream", name, kHl7));
    EXPECT_NE(log.find("body 2: " + kHl7Text), std::string::npos) << log;
    EXPECT_EQ(log.find("uninspected"), std::string::npos) << log;
    for (size_t chunk : {1, 5, 100}) EXPECT_EQ(walk(attach("application/octet-stream", name, kHl7), chunk), log);
  }
  // Windows-1252 text: 8-bit bytes are text too.
  std::string log = walk(attach("application/octet-stream", "notes.dat", "Patient Jos\xE9 Mu\xF1oz\r\n"));
  EXPECT_NE(log.find("body 2: Patient Jos\xC3\xA9 Mu\xC3\xB1oz"), std::string::npos) << log;
}

TEST(TextSniff, BinaryStaysBinary) {
  for (const std::string& bytes : {std::string("\x00\x01\x02\x03 data", 9), std::string("ELF\x7f\x02\x01", 6),
                                   std::string("abc\x01" "def"), std::string()}) {
    std::string log = walk(attach("application/octet-stream", "blob.bin", bytes));
    EXPECT_NE(log.find("uninspected 2 application/octet-stream: binary"), std::string::npos) << log;
    EXPECT_EQ(log.find("body 2"), std::string::npos) << log;
  }
  // A control byte after the first 512 bytes does not undo the decision: the text is read, the byte with it.
  std::string late = std::string(600, 'a') + "\x01" + "Jane";
  std::string log = walk(attach("application/octet-stream", "x.bin", late));
  EXPECT_NE(log.find("Jane"), std::string::npos) << log;
  // Other labels keep their meaning: an image or a PDF is not read as text.
  log = walk(attach("image/png", "scan.png", "not really a png"));
  EXPECT_NE(log.find("uninspected 2 image/png: image"), std::string::npos) << log;
}

TEST(TextSniff, FilesInArchivesWithoutATextNameAreRead) {
  std::string t = test::tar_entry("export/PATIENTS", kHl7) + test::tar_end();
  std::string log = walk(attach("application/x-tar", "export.tar", t));
  EXPECT_NE(log.find("file 2.1: export/PATIENTS\nbody 2.1: " + kHl7Text), std::string::npos) << log;
  // A gzip file with no name inside and none to derive: its text is read all the same.
  log = walk(attach("application/octet-stream", "", test::gzip_bytes(kHl7)));
  EXPECT_NE(log.find("begin 2.1 application/octet-stream\nbody 2.1: " + kHl7Text), std::string::npos) << log;
}

TEST(TextSniff, ZipEntriesWithoutATextNameAreReadWhenTheyAreText) {
  std::string zip = test::make_zip({{"results/lab.hl7", kHl7}, {"results/blob.bin", std::string("\x00\x01\x02", 3)},
                                    {"results/README", "Jane Doe's results"}});
  std::string log = walk(attach("application/zip", "results.zip", zip));
  EXPECT_NE(log.find(kHl7Text), std::string::npos) << log;
  EXPECT_NE(log.find("Jane Doe's results"), std::string::npos) << log;
  EXPECT_NE(log.find("uninspected 2 application/zip: binary"), std::string::npos) << log;  // blob.bin
  for (size_t chunk : {1, 7, 300}) EXPECT_EQ(walk(attach("application/zip", "results.zip", zip), chunk), log);
}

std::string utf16le(const std::string& ascii, bool bom = true) {
  std::string out = bom ? "\xFF\xFE" : "";
  for (char c : ascii) out += std::string{c, '\0'};
  return out;
}

std::string utf16be(const std::string& ascii, bool bom = true) {
  std::string out = bom ? "\xFE\xFF" : "";
  for (char c : ascii) out += std::string{'\0', c};
  return out;
}

TEST(TextSniff, Utf16WithAByteOrderMarkIsDecoded) {
  const std::string text = "Name\tDOB\tMRN\nJane Doe\t03/14/1962\t00482913\n";
  // Excel's "Unicode Text" export: a .txt, labelled text/plain without a charset.
  for (const std::string& bytes : {utf16le(text), utf16be(text)}) {
    std::string log = walk(attach("text/plain", "list.txt", bytes));
    EXPECT_NE(log.find("body 2: " + text), std::string::npos) << log;
    for (size_t chunk : {1, 3, 64}) EXPECT_EQ(walk(attach("text/plain", "list.txt", bytes), chunk), log);
    // The same file as octet-stream, and under a wrong 8-bit label.
    EXPECT_NE(walk(attach("application/octet-stream", "list.dat", bytes)).find("body 2: " + text), std::string::npos);
    std::string latin1 = test::message_with_attachment("text/plain; charset=iso-8859-1", "list.txt", bytes, true);
    EXPECT_NE(walk(latin1).find("body 2: " + text), std::string::npos) << walk(latin1);
  }
  // A UTF-16 .txt inside a .zip.
  std::string zip = test::make_zip({{"list.txt", utf16le(text)}});
  std::string zlog = walk(attach("application/zip", "list.zip", zip));
  EXPECT_NE(zlog.find(text), std::string::npos) << zlog;
  EXPECT_EQ(walk(attach("application/zip", "list.zip", zip), 1), zlog);
  // UTF-32 with its mark, in a zip and as a part: the four bytes tell it from UTF-16.
  std::string utf32 = "\xFF\xFE" + std::string(2, '\0');
  for (char c : text) utf32 += std::string{c, '\0', '\0', '\0'};
  std::string zip32 = test::make_zip({{"list.txt", utf32}});
  EXPECT_NE(walk(attach("application/zip", "list.zip", zip32), 1).find(text), std::string::npos);
  EXPECT_NE(walk(attach("text/plain", "list.txt", utf32), 1).find("body 2: " + text), std::string::npos);
  // Labelled UTF-16 already: iconv reads the mark itself.
  std::string labelled = test::message_with_attachment("text/plain; charset=utf-16", "list.txt", utf16le(text), true);
  EXPECT_NE(walk(labelled).find("body 2: " + text), std::string::npos) << walk(labelled);
  // HTML saved as Unicode.
  std::string log = walk(attach("text/html", "page.htm", utf16le("<p>Jane Doe</p>")));
  EXPECT_NE(log.find("Jane Doe"), std::string::npos) << log;
  // Shorter than the four bytes looked at: read at the end.
  log = walk(attach("text/plain", "a.txt", "hi"));
  EXPECT_NE(log.find("body 2: hi"), std::string::npos) << log;
}

TEST(TextSniff, Utf16WithoutAByteOrderMarkIsDecoded) {
  // A program's UTF-16 export without the mark: before, the NUL bytes went to the classifier with the
  // text, nothing was found and nothing was reported uninspected.
  const std::string text = "Name\tDOB\tMRN\nJane Doe\t03/14/1962\t00482913\n";
  for (const std::string& bytes : {utf16le(text, false), utf16be(text, false)}) {
    std::string log = walk(attach("text/plain", "list.txt", bytes));
    EXPECT_NE(log.find("body 2: " + text), std::string::npos) << log;
    for (size_t chunk : {1, 3, 64, 65}) EXPECT_EQ(walk(attach("text/plain", "list.txt", bytes), chunk), log);
    for (std::string type : {"application/octet-stream", "text/plain; charset=iso-8859-1",
                             "text/plain; charset=utf-16", "text/plain; charset=us-ascii"}) {
      SCOPED_TRACE(type);
      std::string other = walk(test::message_with_attachment(type, "list.dat", bytes, true));
      EXPECT_NE(other.find("body 2: " + text), std::string::npos) << other;
      EXPECT_EQ(other.find("uninspected"), std::string::npos) << other;
    }
    // In a ZIP: a .txt entry, and an entry whose name says nothing.
    for (std::string name : {"list.txt", "LIST"}) {
      std::string zlog = walk(attach("application/zip", "list.zip", test::make_zip({{name, bytes}})));
      EXPECT_NE(zlog.find(text), std::string::npos) << zlog;
    }
  }
  // An explicit byte order is kept.
  std::string le = test::message_with_attachment("text/plain; charset=utf-16le", "a.txt", utf16le(text, false), true);
  EXPECT_NE(walk(le).find("body 2: " + text), std::string::npos) << walk(le);
  // HTML, and a text with a few characters outside Latin-1 (an en dash, a euro sign).
  std::string log = walk(attach("text/html", "page.htm", utf16le("<p>Jane Doe, MRN 00482913</p>", false)));
  EXPECT_NE(log.find("Jane Doe, MRN 00482913"), std::string::npos) << log;
  std::string dashes = utf16le("Jane Doe ", false) + "\x13\x20" + utf16le(" balance ", false) + "\xAC\x20" +
                       utf16le("12, MRN 00482913", false);
  log = walk(attach("text/plain", "a.txt", dashes));
  EXPECT_NE(log.find("body 2: Jane Doe \xE2\x80\x93 balance \xE2\x82\xAC" "12, MRN 00482913"), std::string::npos) << log;
}

TEST(TextSniff, WhatIsNotUnmarkedUtf16) {
  // Fewer than eight characters: too little to tell; the part is read as labelled.
  std::string log = walk(attach("text/plain", "a.txt", utf16le("Jane", false)));
  EXPECT_NE(log.find("body 2: " + utf16le("Jane", false)), std::string::npos) << log;
  // 16-bit numbers are not text: control characters once decoded.
  std::string numbers;
  for (int i = 0; i < 300; ++i) numbers += std::string{static_cast<char>(i % 32), '\0'};
  log = walk(attach("application/octet-stream", "table.bin", numbers));
  EXPECT_NE(log.find("uninspected 2 application/octet-stream: binary"), std::string::npos) << log;
  // Zeros in both halves of the units (32-bit numbers, UTF-32 without a mark): not UTF-16.
  std::string wide;
  for (char c : std::string("Jane Doe 00482913")) wide += std::string{c, '\0', '\0', '\0'};
  EXPECT_EQ(unmarked_utf16(wide), "");
  EXPECT_EQ(unmarked_utf16(utf16le("Jane Doe 00482913", false)), "UTF-16LE");
  EXPECT_EQ(unmarked_utf16(utf16be("Jane Doe 00482913", false)), "UTF-16BE");
  EXPECT_EQ(unmarked_utf16("Jane Doe 00482913 Jane Doe 00482913"), "");  // 8-bit text has no NUL
  log = walk(attach("application/octet-stream", "wide.bin", wide));
  EXPECT_NE(log.find("uninspected 2 application/octet-stream: binary"), std::string::npos) << log;
}


// A message saved to a file, with its note in a base64 attachment: as text, the note is base64 and nothing is found.
std::string saved_message(const std::string& subject = "notes") {
  return "Return-Path: <a@b.example>\r\nFrom: a@b.example\r\nTo: c@x.example\r\nSubject: " + subject +
         "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=inner\r\n\r\n"
         "--inner\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
         "--inner\r\nContent-Type: text/plain; name=note.txt\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
         test::base64_lines("Jane Doe, MRN 00482913\r\n") + "--inner--\r\n";
}

TEST(TextSniff, AMessageSavedAsAnEmlFileIsReadAsAMessage) {
  for (std::string name : {"fwd.eml", "", "message.dat"}) {
    SCOPED_TRACE(name);
    std::string msg = attach("application/octet-stream", name, saved_message());
    std::string log = walk(msg);
    EXPECT_NE(log.find("subject 2: notes"), std::string::npos) << log;
    EXPECT_NE(log.find("body 2.2: Jane Doe, MRN 00482913"), std::string::npos) << log;
    EXPECT_EQ(log.find("uninspected"), std::string::npos) << log;
    for (size_t chunk : {1, 7, 100}) EXPECT_EQ(walk(msg, chunk), log);
    if (!name.empty()) {
      EXPECT_NE(log.find("file 2: " + name + "\nend 2\n"), std::string::npos) << log;
    }
  }
  // Labelled text/plain, as some clients label an .eml file: read as a message too.
  std::string log = walk(attach("text/plain", "fwd.eml", saved_message()));
  EXPECT_NE(log.find("body 2.2: Jane Doe, MRN 00482913"), std::string::npos) << log;
  // Inside a tar archive.
  std::string t = test::tar_entry("mail/fwd.eml", saved_message()) + test::tar_end();
  log = walk(attach("application/x-tar", "mail.tar", t));
  EXPECT_NE(log.find("body 2.1.2: Jane Doe, MRN 00482913"), std::string::npos) << log;
  // Inside a ZIP its text is read as the archive's, its parts are not walked: reported.
  std::string zip = test::make_zip({{"mail/fwd.eml", saved_message()}, {"notes/visit", "Patient: Jane Doe\nDOB: x\n"}});
  log = walk(attach("application/zip", "mail.zip", zip));
  EXPECT_NE(log.find("Subject: notes"), std::string::npos) << log;
  EXPECT_NE(log.find("Patient: Jane Doe"), std::string::npos) << log;
  EXPECT_NE(log.find("uninspected 2 application/zip: depth-limit"), std::string::npos) << log;
  log = walk(attach("application/zip", "notes.zip", test::make_zip({{"notes/visit", "Patient: Jane Doe\nDOB: x\n"}})));
  EXPECT_EQ(log.find("uninspected"), std::string::npos) << log;
}

TEST(TextSniff, TextThatOnlyLooksLikeAHeaderStaysText) {
  // Labelled lines, but not a message's fields: read as the text they are.
  const std::string note = "Patient: Jane Doe\nDOB: 03/14/1962\nMRN: 00482913\n\nSeen today.\n";
  std::string log = walk(attach("application/octet-stream", "note.dat", note));
  EXPECT_NE(log.find("body 2: " + note), std::string::npos) << log;
  // Named .eml, but not a message at all, under either label; a text/plain one keeps its charset.
  log = walk(attach("application/octet-stream", "x.eml", "Jane Doe called about her results.\n"));
  EXPECT_NE(log.find("body 2: Jane Doe called"), std::string::npos) << log;
  log = walk(test::message_with_attachment("text/plain; charset=iso-8859-1", "x.eml", "Jos\xE9 Mu\xF1oz called.\n", true));
  EXPECT_NE(log.find("body 2: Jos\xC3\xA9 Mu\xC3\xB1oz called."), std::string::npos) << log;
  EXPECT_TRUE(detail::looks_like_message("From: a@b.example\r\nTo: c@x.example\r\n\r\nhi", false) == false);
  EXPECT_TRUE(detail::looks_like_message("From: a@b.example\r\nTo: c@x.example\r\nX-A: 1\r\n\r\nhi", false));
  EXPECT_TRUE(detail::looks_like_message("Subject: x\r\n\r\nhi", true));
  EXPECT_FALSE(detail::looks_like_message(" folded: x\r\nSubject: x\r\n\r\nhi", true));
  EXPECT_FALSE(detail::looks_like_message("Subject x\r\n\r\nhi", true));
}

TEST(TextSniff, MessagesInsideSavedMessagesAreBounded) {
  // A saved message holding a saved message holding a saved message: two are read, the third is reported.
  std::string inner = saved_message("third");
  std::string m2 = "From: a@b.example\r\nTo: c@x.example\r\nSubject: second\r\nMIME-Version: 1.0\r\n"
                   "Content-Type: multipart/mixed; boundary=m2\r\n\r\n--m2\r\n"
                   "Content-Type: application/octet-stream; name=third.eml\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
                   test::base64_lines(inner) + "--m2--\r\n";
  std::string log = walk(attach("application/octet-stream", "second.eml", m2));
  EXPECT_NE(log.find("subject 2: second"), std::string::npos) << log;
  EXPECT_NE(log.find("subject 2.1: third"), std::string::npos) << log;
  std::string m1 = "From: a@b.example\r\nTo: c@x.example\r\nSubject: first\r\nMIME-Version: 1.0\r\n"
                   "Content-Type: multipart/mixed; boundary=m1\r\n\r\n--m1\r\n"
                   "Content-Type: application/octet-stream; name=second.eml\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
                   test::base64_lines(m2) + "--m1--\r\n";
  log = walk(attach("application/octet-stream", "first.eml", m1));
  EXPECT_NE(log.find("subject 2.1: second"), std::string::npos) << log;
  EXPECT_NE(log.find("uninspected 2.1.1 application/octet-stream: depth-limit"), std::string::npos) << log;
  EXPECT_EQ(log.find("subject 2.1.1: third"), std::string::npos) << log;
}

TEST(TextSniff, ReportsExportedAsOfficeFilesThatAreHtmlOrText) {
  // An EHR's "Excel" export that is an HTML table, a tab-separated one, and Word's single-file web page (MHT).
  const std::string table =
      "<html><head><meta charset=\"utf-8\"></head><body><table><tr><td>Jane&nbsp;Doe</td><td>03/14/1962</td>"
      "<td>00482913</td></tr></table></body></html>\n";
  std::string log = walk(attach("application/vnd.ms-excel", "report.xls", table));
  EXPECT_NE(log.find("Jane Doe\n03/14/1962\n00482913"), std::string::npos) << log;  // entities decoded, tags gone
  EXPECT_EQ(log.find("<td>"), std::string::npos) << log;
  EXPECT_EQ(log.find("uninspected"), std::string::npos) << log;
  for (size_t chunk : {1, 9, 200}) EXPECT_EQ(walk(attach("application/vnd.ms-excel", "report.xls", table), chunk), log);
  const std::string tsv = "Name\tDOB\tMRN\r\nJane Doe\t03/14/1962\t00482913\r\n";
  log = walk(attach("application/vnd.ms-excel", "report.xls", tsv));
  EXPECT_NE(log.find("body 2: " + tsv), std::string::npos) << log;
  const std::string mht = "MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"----=_NextPart\"\r\n\r\n"
                          "------=_NextPart\r\nContent-Type: text/html; charset=\"utf-8\"\r\n"
                          "Content-Transfer-Encoding: quoted-printable\r\n\r\n<p>Referral for Jane Doe, MRN 0048=\r\n2913</p>\r\n"
                          "------=_NextPart--\r\n";
  log = walk(attach("application/msword", "referral.doc", mht));
  EXPECT_NE(log.find("Referral for Jane Doe, MRN 00482913"), std::string::npos) << log;
  EXPECT_EQ(log.find("uninspected"), std::string::npos) << log;
  // Too short to tell, or binary: still uninspected "office".
  log = walk(attach("application/msword", "x.doc", "Jane Doe"));
  EXPECT_NE(log.find("uninspected 2 application/msword: office"), std::string::npos) << log;
}

TEST(TextSniff, AMemoWithFieldsAMessageDoesNotHaveIsText) {
  // From, To and Subject, but also Patient and DOB: read as text, so that those lines are classified.
  const std::string memo = "From: Dr. Smith\nTo: Nurse Jones\nSubject: follow-up\nPatient: Jane Doe\nDOB: 03/14/1962\n\n"
                           "Please call her.\n";
  std::string log = walk(attach("application/octet-stream", "memo.dat", memo));
  EXPECT_NE(log.find("body 2: " + memo), std::string::npos) << log;
  EXPECT_TRUE(detail::looks_like_message("Received: x\r\nFrom: a\r\nX-Mailer: y\r\nDate: z\r\n\r\n", false));
  EXPECT_TRUE(detail::looks_like_message("MIME-Version: 1.0\r\nContent-Type: multipart/related\r\n\r\n", false));
  EXPECT_FALSE(detail::looks_like_message("Content-Type: text/plain\r\nMIME-Version: 1.0\r\n\r\n", false));
}

// A CCD (HL7 CDA): the patient's name split by tags, the birth date and the diagnosis in attributes.
const std::string kCcd =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ClinicalDocument xmlns=\"urn:hl7-org:v3\">\n<recordTarget><patientRole>"
    "<id extension=\"00482913\" root=\"2.16.840.1.113883.19.5\"/><patient><name><given>Jane</given><family>Doe</family>"
    "</name><birthTime value=\"19620314\"/></patient></patientRole></recordTarget>\n<value code=\"E11.9\" "
    "codeSystem=\"2.16.840.1.113883.6.90\" displayName=\"Type 2 diabetes mellitus\"/>\n</ClinicalDocument>\n";
const std::string kCcdText = "00482913 Jane Doe \ndate of birth 1962-03-14 \nE11.9 Type 2 diabetes mellitus ";

TEST(TextSniff, XmlFilesAreReadWithTheirAttributes) {
  for (const auto& [type, name] : std::vector<std::pair<std::string, std::string>>{
           {"application/xml", "ccd.xml"}, {"text/xml", ""}, {"text/plain", "ccd.xml"},
           {"application/hl7-cda+xml", "x"}, {"application/octet-stream", "ccd.dat"}}) {
    SCOPED_TRACE(type + " " + name);
    std::string log = walk(attach(type, name, kCcd));
    EXPECT_NE(log.find("body 2: " + kCcdText), std::string::npos) << log;
    for (size_t chunk : {1, 7, 100}) EXPECT_EQ(walk(attach(type, name, kCcd), chunk), log);
  }
  // Excel 2003 XML (SpreadsheetML) saved as .xls: XML, although it has a <Table>.
  const std::string sml =
      "<?xml version=\"1.0\"?>\n<Workbook xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\"><Table><Row>"
      "<Cell><Data ss:Type=\"String\">Jane Doe</Data></Cell><Cell><Data ss:Type=\"String\">03/14/1962</Data></Cell>"
      "</Row></Table></Workbook>\n";
  std::string xls = walk(attach("application/vnd.ms-excel", "list.xls", sml));
  EXPECT_NE(xls.find("body 2: Jane Doe \n03/14/1962 \n"), std::string::npos) << xls;
  // XHTML is HTML.
  std::string xhtml = walk(attach("application/octet-stream", "page.dat",
                                  "<?xml version=\"1.0\"?>\n<html><body><p>Jane Doe</p><p>MRN 00482913</p></body></html>"));
  EXPECT_NE(xhtml.find("body 2: \nJane Doe\nMRN 00482913\n"), std::string::npos) << xhtml;
  // A ZIP of them ("download my records"): the same text.
  std::string zip = test::make_zip({{"records/ccd.xml", kCcd}});
  std::string log = walk(attach("application/zip", "records.zip", zip));
  EXPECT_NE(log.find(kCcdText), std::string::npos) << log;
}

}  // namespace
}  // namespace phi::mime
