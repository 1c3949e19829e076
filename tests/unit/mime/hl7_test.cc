// Tests for HL7 v2 messages as labelled text: an ADT and a lab result's segments, split anywhere, the header's
// separators and escapes, batch and MLLP framing, long segments, and HL7 files attached to a message or zipped.
#include "milter/mime/hl7.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "milter/mime/walker.h"
#include "tests/unit/mime/fake_documents.h"
#include "tests/unit/mime/recording_sink.h"
#include "tests/unit/mime/zip_builder.h"

namespace phi::mime {
namespace {

const std::string kAdt =
    "MSH|^~\\&|EPIC|HOSP|LAB|HOSP|20261201120000||ADT^A01|MSG00001|P|2.5\r"
    "PID|1||00482913^^^HOSP^MR~512448731^^^SSA^SS||DOE^JANE^Q^JR||19620314|F|||17 DAWS RD^APT 4^BLUE BELL^PA^19422||"
    "^PRN^PH^^1^215^5550134~^NET^Internet^jdoe@example.org|||||AC1002^^^HOSP^AN|512-44-8731\r"
    "NK1|1|DOE^JOHN|SPO^Spouse|17 DAWS RD^^BLUE BELL^PA^19422|(215)555-0199\r"
    "PV1|1|I|W^389^1^HOSP||||1234567893^PATEL^ANIL^^^DR^^^^^^^NPI|4455^WONG^MEI|||||||||||V778812^^^HOSP^VN|||||||||||||||||||||||||"
    "20261130|20261201\r"
    "DG1|1||E119^Type 2 diabetes mellitus without complications^I10||20261201|A\r"
    "IN1|1|PPO^Blue PPO|BC01|BLUE CROSS||||||||||||DOE^JANE|18|19620314||||||||||||||||||W123456789\r"
    "OBX|1|NM|4548-4^Hemoglobin A1c^LN||9.2|%^percent^UCUM|4.0-5.6|H|||F|||20261201\r"
    "NTE|1|L|Patient counselled on diet\\.br\\Follow up in 3 months\r";
const std::string kText =
    "MSH EPIC HOSP LAB HOSP 20261201120000  ADT A01 MSG00001 P 2.5\n"
    "PID 1 F\n"
    "MRN: 00482913\nSSN: 512448731\nPatient name: Jane Q Doe JR\nDate of birth: 1962-03-14\n"
    "Address: 17 Daws Rd, Apt 4, Blue Bell, PA 19422\nHome phone: (215) 555-0134\nHome phone: jdoe@example.org\n"
    "Account number: AC1002\nSSN: 512-44-8731\n"
    "NK1 1 SPO Spouse\nNext of kin name: John Doe\nAddress: 17 Daws Rd, Blue Bell, PA 19422\nPhone: (215)555-0199\n"
    "PV1 1 I W 389 1 HOSP\nAttending physician: Anil Patel\nNPI: 1234567893\nReferring physician: Mei Wong\n"
    "Provider ID: 4455\nEncounter number: V778812\nAdmission date: 2026-11-30\nDischarge date: 2026-12-01\n"
    "DG1 1 A\nDiagnosis: E11.9 Type 2 diabetes mellitus without complications\nDiagnosis date: 2026-12-01\n"
    "IN1 1 BC01 18\nInsurance plan: PPO Blue PPO\nInsurance company: BLUE CROSS\nInsured name: Jane Doe\n"
    "Insured date of birth: 1962-03-14\nMember ID: W123456789\n"
    "OBX 1 NM F\nResult: 4548-4 Hemoglobin A1c 9.2 % percent 4.0-5.6 H\nDate of service: 2026-12-01\n"
    "NTE 1 L Patient counselled on diet\nFollow up in 3 months\n";

// `in` through a fresh C in two calls cut at `cut`, a buffer per call as the walker gives them.
template <typename C>
std::string cut_in_two(std::string_view in, size_t cut) {
  C c;
  std::string out, piece;
  c.feed(in.substr(0, cut), piece);
  out += piece;
  piece.clear();
  c.feed(in.substr(cut), piece);
  out += piece;
  piece.clear();
  c.finish(piece);
  return out + piece;
}

std::string run(std::string_view in, size_t cut) { return cut_in_two<Hl7Text>(in, cut); }

TEST(Hl7Text, AdtSegmentsAreLabelledWholeAndSplitAtEveryPosition) {
  EXPECT_TRUE(Hl7Text::starts(kAdt));
  EXPECT_EQ(run(kAdt, kAdt.size()), kText);
  for (size_t cut = 0; cut <= kAdt.size(); ++cut) ASSERT_EQ(run(kAdt, cut), kText) << "cut at " << cut;
}

TEST(Hl7Text, LineEndsBatchesAndMllpFramesEndSegments) {
  std::string lf = kAdt, crlf;
  std::replace(lf.begin(), lf.end(), '\r', '\n');
  for (char c : kAdt) crlf += c == '\r' ? std::string("\r\n") : std::string(1, c);
  EXPECT_EQ(run(lf, 100), kText);
  EXPECT_EQ(run(crlf, 100), kText);
  std::string mllp = "\x0B" + kAdt + "\x1C\r";
  EXPECT_TRUE(Hl7Text::starts(mllp));
  EXPECT_EQ(run(mllp, 1), kText);
  std::string batch = "FHS|^~\\&|EPIC\rBHS|^~\\&|EPIC\r" + kAdt + "BTS|1\rFTS|1\r";
  EXPECT_TRUE(Hl7Text::starts(batch));
  EXPECT_EQ(run(batch, 7), "FHS EPIC\nBHS EPIC\n" + kText + "BTS 1\nFTS 1\n");
}

TEST(Hl7Text, TheHeaderNamesTheSeparatorsAndEscapesAreDecoded) {
  // Other separators, each header's own; a second message with the usual ones.
  std::string other = "MSH#$!?%#APP\rPID#1##77$$$$MR##SMITH$ANN##19700101\r";
  EXPECT_EQ(run(other, 0), "MSH APP\nPID 1\nMRN: 77\nPatient name: Ann Smith\nDate of birth: 1970-01-01\n");
  EXPECT_EQ(run(other + kAdt, 20), "MSH APP\nPID 1\nMRN: 77\nPatient name: Ann Smith\nDate of birth: 1970-01-01\n" + kText);
  // A header without encoding characters: fields only.
  EXPECT_EQ(run("MSH|||A\rPID|1||7^^^^MR|a^b\\F\\\r", 9), "MSH  A\nPID 1\nPatient ID: 7^^^^MR\nPatient ID: a^b\\F\\\n");
  // Escapes: separators, line breaks, hexadecimal ASCII, highlighting dropped, an unclosed one as a blank.
  std::string esc = "MSH|^~\\&|A\rNTE|1||A1c \\F\\ \\S\\ \\T\\ \\R\\ \\E\\ \\H\\HIGH\\N\\ \\X4A616E65\\ end\\.br\\next\\unclosed\r";
  EXPECT_EQ(run(esc, 30), "MSH A\nNTE 1 A1c | ^ & ~ \\ HIGH Jane end\nnext unclosed\n");
  // A coded value under OBX-2 CWE is read as a code; ICD-10 and CPT systems.
  std::string coded = "MSH|^~\\&|A\rOBX|1|CWE|11450-4^Problem^LN||I10^Essential hypertension^I10\rPR1|1||99214^Office visit^C4\r";
  EXPECT_EQ(run(coded, 0), "MSH A\nOBX 1 CWE\nResult: 11450-4 Problem I10 Essential hypertension\nPR1 1\nProcedure: CPT 99214 Office visit\n");
}

TEST(Hl7Text, StartsOnlyOnAHeaderSegment) {
  EXPECT_TRUE(Hl7Text::starts("MSH|^~\\&|"));
  EXPECT_TRUE(Hl7Text::starts("MSH|^~\\|A"));   // three encoding characters
  EXPECT_FALSE(Hl7Text::starts("MSH|^~\\&"));   // too short to tell
  EXPECT_FALSE(Hl7Text::starts("MSH is the segment that..."));
  EXPECT_FALSE(Hl7Text::starts("MSH|ab|cdefgh"));
  EXPECT_FALSE(Hl7Text::starts("PID|1||77|||"));
  EXPECT_FALSE(Hl7Text::starts("ISA*00*          *"));
}

TEST(Hl7Text, ALongSegmentIsWrittenAsItComes) {
  std::string big(kMaxHl7Segment + 10, 'a');
  std::string in = "MSH|^~\\&|A\rOBX|1|TX|Report^Narrative||" + big + "^x\rPID|1||77^^^^MR\r";
  std::string out = run(in, in.size() / 2);
  EXPECT_EQ(out, "MSH A\nOBX 1 TX Report Narrative  " + big + " x\nPID 1\nMRN: 77\n");
  // One of exactly kMaxHl7Segment bytes is still read as a segment.
  std::string exact = "NTE|1||" + std::string(kMaxHl7Segment - 7, 'b');
  EXPECT_EQ(run("MSH|^~\\&|A\r" + exact + "\r", 5), "MSH A\nNTE 1 " + std::string(kMaxHl7Segment - 7, 'b') + "\n");
}

const std::string kPathReport = "%PDF-1.4\n1 0 obj << >> endobj\n" + std::string(300, 'r') + "\n%%EOF\n";
const std::string kRtfNote = "{\\rtf1\\ansi Discharge summary\\par Dx: community-acquired pneumonia\\par}";
const std::string kCda = "<?xml version=\"1.0\"?><ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>Discharge</title>"
                         "<value code=\"J18.9\" displayName=\"Pneumonia\"/></ClinicalDocument>";
const std::string kJpeg = "\xFF\xD8\xFF\xE0 JFIF";
const std::string kBigJpeg = "\xFF\xD8\xFF" + std::string(kMaxHl7Segment, 'j');
const std::string kZip("PK\x03\x04\x14\0\0\0", 8);
const std::string kTextReport = "FINAL REPORT\r\nImpression: acute appendicitis.\r\n";
const std::string kBigReport = "%PDF-1.7\n" + std::string(kMaxHl7Segment, 's') + "\n%%EOF\n";

std::string hex(std::string_view b) {
  std::string out;
  for (unsigned char c : b) out += "0123456789ABCDEF"[c >> 4], out += "0123456789ABCDEF"[c & 15];
  return out;
}

// A file in an OBX of value type ED (a pathology report, a transcribed
// note, a scan): its data is decoded, not written, and a PDF, image, RTF,
// XML or text document goes to the EmbeddedDocument, its text after the
// segment's lines; anything else is skipped and unread() says so. The
// same for a segment held whole and one longer than kMaxHl7Segment, in
// any cut.
TEST(Hl7Text, AFileInAResultIsReadWhenItIsADocument) {
  struct Row {
    const char* label;
    std::string obx, got, unread, text;
    std::string refuse = "";
  };
  std::string b64 = test::base64(kPathReport), big = test::base64(kBigReport);
  Row rows[] = {
      {"a PDF", "OBX|1|ED|11526-1^Pathology study^LN||^AP^PDF^Base64^" + b64 + "||||||F", kPathReport, "",
       "OBX 1 ED F\nResult: 11526-1 Pathology study  AP PDF Base64 \n[" +
           std::to_string(kPathReport.size()) + " bytes]\n"},
      {"in hex", "OBX|1|ED|PDF||^AP^PDF^HEX^" + hex(kPathReport), kPathReport, "",
       "OBX 1 ED\nResult: PDF  AP PDF HEX \n[" + std::to_string(kPathReport.size()) + " bytes]\n"},
      {"longer than a segment", "OBX|1|ED|PDF^Report||^AP^PDF^Base64^" + big + "||||||F", kBigReport, "",
       "OBX 1 ED PDF Report   AP PDF Base64 \n[" + std::to_string(kBigReport.size()) + " bytes]\n      F\n"},
      {"an RTF note", "OBX|1|ED|NOTE||^TEXT^RTF^Base64^" + test::base64(kRtfNote), kRtfNote, "",
       "OBX 1 ED\nResult: NOTE  TEXT RTF Base64 \n[" + std::to_string(kRtfNote.size()) + " bytes]\n"},
      {"a CDA", "OBX|1|ED|CDA||^TEXT^XML^Base64^" + test::base64(kCda), kCda, "",
       "OBX 1 ED\nResult: CDA  TEXT XML Base64 \n[" + std::to_string(kCda.size()) + " bytes]\n"},
      {"a text report", "OBX|1|ED|RPT||^TEXT^PLAIN^Base64^" + test::base64(kTextReport), kTextReport, "",
       "OBX 1 ED\nResult: RPT  TEXT PLAIN Base64 \n[" + std::to_string(kTextReport.size()) + " bytes]\n"},
      {"refused", "OBX|1|ED|PDF||^AP^PDF^Base64^" + b64, "", "unavailable", "OBX 1 ED\nResult: PDF  AP PDF Base64 \n",
       "unavailable"},
      {"an image", "OBX|1|ED|IMG||^IM^JPEG^Base64^" + test::base64(kJpeg), kJpeg, "",
       "OBX 1 ED\nResult: IMG  IM JPEG Base64 \n[9 bytes]\n"},
      {"a long image", "OBX|1|ED|IMG||^IM^JPEG^Base64^" + test::base64(kBigJpeg), kBigJpeg, "", ""},
      {"a ZIP", "OBX|1|ED|DOC||^AP^ZIP^Base64^" + test::base64(kZip), kZip, "",
       "OBX 1 ED\nResult: DOC  AP ZIP Base64 \n[8 bytes]\n"},
      {"a gzip file", "OBX|1|ED|DOC||^AP^GZ^Base64^" + test::base64(std::string("\x1F\x8B\x08\0\0\0\0\0", 8)), "", "binary",
       "OBX 1 ED\nResult: DOC  AP GZ Base64 \n"},
      {"data after the head of a long segment", "OBX|1|ED|PDF^" + std::string(kEmbeddedHead, 'x') + "||^AP^PDF^Base64^" + big,
       "", "binary", ""},
      {"an encoding not known", "OBX|1|ED|PDF||^AP^PDF^B64^" + b64, "", "binary", ""},
      {"text (encoding A)", "OBX|1|ED|NOTE||^TEXT^PLAIN^A^Path report: benign", "", "",
       "OBX 1 ED\nResult: NOTE  TEXT PLAIN A Path report: benign\n"},
      {"ED without a value", "OBX|1|ED|PDF^Report||||||||F", "", "", "OBX 1 ED F\nResult: PDF Report\n"},
      {"ED without data", "OBX|1|ED|PDF||JVBERi0xLjQK", "", "binary", "OBX 1 ED\nResult: PDF JVBERi0xLjQK\n"},
      {"a number", "OBX|1|NM|4548-4^Hemoglobin A1c^LN||9.2|%", "", "",
       "OBX 1 NM\nResult: 4548-4 Hemoglobin A1c 9.2 %\n"},
      {"ED in another segment", "NTE|1|ED|x||y", "", "", "NTE 1 ED x y\n"},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.label);
    std::string in = "MSH|^~\\&|A\r" + r.obx + "\rPID|1||77^^^^MR\r";
    for (size_t chunk : {size_t(1), size_t(5), size_t(4096), in.size()}) {
      SCOPED_TRACE(chunk);
      test::FakeDocument doc;
      doc.refuse = r.refuse;
      Hl7Text h(&doc);
      std::string out;
      for (size_t i = 0; i < in.size(); i += chunk) h.feed(std::string_view(in).substr(i, chunk), out);
      h.finish(out);
      EXPECT_EQ(doc.got, r.got);
      EXPECT_EQ(h.unread(), r.unread);
      EXPECT_FALSE(h.had_errors());
      // Data decoded is not written; what is not decoded is text.
      bool written = r.unread == "binary" && r.obx.find("^GZ^") == std::string::npos;
      EXPECT_EQ(out.find("JVBERi0x") != std::string::npos, written);
      if (!r.text.empty()) {
        EXPECT_EQ(out, "MSH A\n" + r.text + "PID 1\nMRN: 77\n");
      }
      EXPECT_TRUE(out.size() > 15 && out.compare(out.size() - 15, 15, "\nPID 1\nMRN: 77\n") == 0) << out.substr(0, 300);
    }
  }
  // Cut inside the data: the PDF is ended, read as far as it came; cut
  // before its first five bytes, it is skipped.
  for (size_t keep : {size_t(4), size_t(100)}) {
    test::FakeDocument doc;
    Hl7Text h(&doc);
    std::string out;
    h.feed("MSH|^~\\&|A\rOBX|1|ED|PDF||^AP^PDF^Base64^" + b64.substr(0, keep), out);
    h.finish(out);
    EXPECT_EQ(doc.got, keep < 8 ? "" : kPathReport.substr(0, keep / 4 * 3));
    EXPECT_EQ(h.unread(), keep < 8 ? "binary" : "");
  }
  // Data that is not base64 is decoded best effort and counted as an error
  // (the log line's decode-errors), through the Walker too.
  Hl7Text bad;
  std::string bad_out;
  std::string bad_in = "MSH|^~\\&|A\rOBX|1|ED|PDF||^AP^PDF^Base64^JVBER*i0x\r";
  bad.feed(bad_in, bad_out);
  bad.finish(bad_out);
  EXPECT_TRUE(bad.had_errors());
  for (bool broken : {false, true}) {
    test::RecordingSink sink;
    Walker w(Limits{}, sink);
    test::feed_message(w, test::message_with_attachment("application/hl7-v2", "r.hl7", broken ? bad_in : "MSH|^~\\&|A\r" + rows[0].obx + "\r", true), 5);
    EXPECT_EQ(w.had_errors(), broken) << sink.log();
  }
  // Each begun as its kind.
  test::FakeDocument kinds;
  Hl7Text k(&kinds);
  std::string text;
  k.feed("MSH|^~\\&|A\r" + rows[0].obx + "\r" + rows[3].obx + "\r" + rows[4].obx + "\r" + rows[5].obx + "\r", text);
  k.finish(text);
  EXPECT_EQ(kinds.kinds, "pdf rtf xml text ");
  // Several files: each PDF read; a file skipped (six bytes of a PNG
  // signature, too few to be an image) outranks the reasons.
  test::FakeDocument doc;
  Hl7Text h(&doc);
  std::string out;
  h.feed("MSH|^~\\&|A\rOBX|1|ED|A||^AP^PDF^Base64^" + b64 + "\rOBX|2|ED|B||^IM^PNG^Base64^iVBORw0K\rOBX|3|ED|C||^AP^PDF^Base64^" + b64 + "\r", out);
  h.finish(out);
  EXPECT_EQ(doc.begun, 2);
  EXPECT_EQ(doc.got, kPathReport + kPathReport);
  EXPECT_EQ(h.unread(), "binary");
}

// Attached, pasted into a body or zipped, the report's text is part of the
// part's (or entry's), and nothing is reported; without a PDF reader the
// part says "pdf".
TEST(Hl7Text, AReportInAResultIsReadThroughTheWalker) {
  std::string hl7 = "MSH|^~\\&|A\rPID|1||00482913^^^^MR||DOE^JANE\rOBX|1|ED|11526-1^Pathology study^LN||^AP^PDF^Base64^" +
                    test::base64(kPathReport) + "||||||F\r";
  std::string pasted = "Subject: x\r\nContent-Type: text/plain\r\n\r\nSee:\r\n" + hl7 + "\r\nThanks\r\n";
  for (const std::string& msg : {test::message_with_attachment("application/hl7-v2", "path.hl7", hl7, true), pasted,
                                 test::message_with_attachment("application/zip", "results.zip",
                                                               test::make_zip({{"a/path.hl7", hl7}, {"c/adt.hl7", kAdt}}), true)}) {
    for (size_t chunk : {size_t(0), size_t(7)}) {
      test::PdfReader r;
      r.line = "Final diagnosis: invasive ductal carcinoma\n";
      test::RecordingSink sink;
      Walker w(Limits{}, sink, &r);
      test::feed_message(w, msg, chunk);
      EXPECT_EQ(r.bytes, kPathReport);
      EXPECT_TRUE(sink.reasons.empty()) << sink.log();
      std::string log = sink.log();
      size_t name = log.find("Patient name: Jane Doe\n"), report = log.find("Final diagnosis: invasive ductal carcinoma\n");
      EXPECT_NE(name, std::string::npos) << log;
      EXPECT_NE(report, std::string::npos) << log;
      EXPECT_LT(name, report) << log;
      EXPECT_EQ(log.find("JVBER"), std::string::npos) << log;
    }
  }
  test::RecordingSink none;
  Walker plain(Limits{}, none);
  test::feed_message(plain, test::message_with_attachment("application/hl7-v2", "path.hl7", hl7, true), 7);
  EXPECT_EQ(none.reasons, std::vector<std::string>{"pdf"}) << none.log();
  // `hl7` attached, in three chunk sizes: nothing reported, each of `wants` in the text.
  auto read_all = [](const std::string& hl7, std::initializer_list<std::string_view> wants) {
    for (size_t chunk : {size_t(0), size_t(1), size_t(7)}) {
      test::RecordingSink sink;
      Walker w(Limits{}, sink);
      test::feed_message(w, test::message_with_attachment("application/hl7-v2", "r.hl7", hl7, true), chunk);
      EXPECT_TRUE(sink.reasons.empty()) << sink.log();
      for (std::string_view want : wants) EXPECT_NE(sink.log().find(want), std::string::npos) << want << "\n" << sink.log();
    }
  };
  // A transcribed note (MDM, RTF), a CDA and a text report are read in the daemon itself.
  read_all("MSH|^~\\&|A\rTXA|1|DS|TX\rOBX|1|ED|NOTE||^TEXT^RTF^Base64^" + test::base64(kRtfNote) +
               "\rOBX|2|ED|CDA||^TEXT^XML^Base64^" + test::base64(kCda) +
               "\rOBX|3|ED|RPT||^TEXT^PLAIN^Base64^" + test::base64(kTextReport) + "\rPID|1||77^^^^MR\r",
           {"Discharge summary\nDx: community-acquired pneumonia\n", "J18.9 Pneumonia", "\nImpression: acute appendicitis.",
            "\nPID 1\nMRN: 77\n"});
  // A text report is read as a text attachment of its bytes would be: in
  // UTF-16 with or without a byte order mark, in Windows-1252, begun with
  // a printer's form feed and reset.
  auto utf16le = [](std::string_view ascii) {
    std::string u;
    for (char c : ascii) u += c, u += '\0';
    return u;
  };
  read_all("MSH|^~\\&|A\rOBX|1|ED|R1||^TEXT^PLAIN^Base64^" +
               test::base64("\xFF\xFE" + utf16le("Impression: lobar pneumonia\r\n")) +
               "\rOBX|2|ED|R2||^TEXT^PLAIN^Base64^" + test::base64(utf16le("Dx: congestive heart failure\r\n")) +
               "\rOBX|3|ED|R3||^TEXT^PLAIN^Base64^" + test::base64("Befund: Lungenentz\xFCndung\r\n") +
               "\rOBX|4|ED|R4||^TEXT^PLAIN^Base64^" + test::base64("\x0C\x1B" "EFINAL REPORT: sepsis\r\n") + "\r",
           {"Impression: lobar pneumonia", "Dx: congestive heart failure", "Befund: Lungenentz\xC3\xBCndung",
            "FINAL REPORT: sepsis"});
  // A scanned image in a result (a requisition) is read by OCR when it
  // reaches min_bytes, else reported "image" as an image part is, once for
  // an archive; a file of no kind read is "binary".
  std::string png = std::string("\x89PNG\r\n\x1A\n", 8) + std::string(100, 'p');
  std::string img = "MSH|^~\\&|A\rPID|1||77^^^^MR\rOBX|1|ED|IMG||^IM^PNG^Base64^" + test::base64(png) + "\r";
  for (uint64_t min : {uint64_t(50), uint64_t(200)}) {
    test::PdfReader ocr;
    ocr.images = true;
    ocr.min = min;
    ocr.line = "REQUISITION: chest pain\n";
    test::RecordingSink sink;
    Walker w(Limits{}, sink, &ocr);
    test::feed_message(w, test::message_with_attachment("application/hl7-v2", "req.hl7", img, true), 7);
    EXPECT_EQ(ocr.bytes, min < png.size() ? png : "");
    EXPECT_EQ(sink.reasons, min < png.size() ? std::vector<std::string>{} : std::vector<std::string>{"image"}) << sink.log();
    EXPECT_EQ(sink.log().find("REQUISITION: chest pain\n") != std::string::npos, min < png.size()) << sink.log();
  }
  std::string zip = test::make_zip({{"a/img.hl7", img}, {"b/img.hl7", img}, {"c/adt.hl7", kAdt}});
  test::RecordingSink sink;
  Walker w(Limits{}, sink);
  test::feed_message(w, test::message_with_attachment("application/zip", "results.zip", zip, true), 11);
  EXPECT_EQ(sink.reasons, std::vector<std::string>{"image"}) << sink.log();
  EXPECT_NE(sink.log().find("MRN: 00482913"), std::string::npos) << sink.log();
}

// A transcribed note sent as a Word document (an MDM whose OBX carries a
// DOCX), or a ZIP of documents, is read as a ZIP attachment of the part
// is: its text after the lines before it, its entry names among the
// part's Filename values; a package nested too deep is "depth-limit", a
// DOCX cut short "office" (as a cut DOCX attachment is), a Word 97-2003
// file goes to the reader of Office files ("office" without one), a file
// of no kind is "binary".
TEST(Hl7Text, ADocumentInAResultIsReadAsAPackage) {
  std::string docx = test::make_zip(
      {{"[Content_Types].xml", "<Types/>"},
       {"word/document.xml", "<w:document><w:body><w:p><w:r><w:t>Discharge summary. Dx: community-acquired "
                             "</w:t></w:r><w:r><w:t>pneumonia</w:t></w:r></w:p></w:body></w:document>"}});
  std::string mdm = "MSH|^~\\&|A\rPID|1||00482913^^^^MR||DOE^JANE\rTXA|1|DS|TX\rOBX|1|ED|NOTE||^application^msword^Base64^" +
                    test::base64(docx) + "||||||F\rNTE|1||signed\r";
  std::string pasted = "Subject: x\r\nContent-Type: text/plain\r\n\r\nSee:\r\n" + mdm + "\r\nThanks\r\n";
  std::string zipped = test::message_with_attachment("application/zip", "notes.zip", test::make_zip({{"a/note.hl7", mdm}}), true);
  for (const std::string& msg : {test::message_with_attachment("application/hl7-v2", "note.hl7", mdm, true), pasted, zipped}) {
    for (size_t chunk : {size_t(0), size_t(1), size_t(7)}) {
      test::RecordingSink sink;
      Walker w(Limits{}, sink);
      test::feed_message(w, msg, chunk);
      EXPECT_TRUE(sink.reasons.empty()) << sink.log();
      std::string log = sink.log();
      size_t name = log.find("Patient name: Jane Doe\n"), note = log.find("Dx: community-acquired pneumonia\n");
      EXPECT_NE(name, std::string::npos) << log;
      EXPECT_LT(name, note) << log;
      EXPECT_LT(note, log.find("signed")) << log;
      // Its entry names are Filename values, after the archive entry's name when the result is zipped.
      bool names = false;
      for (const std::string& e : sink.events)
        names = names || (e.rfind("file ", 0) == 0 &&
                          e.find(msg == zipped ? "\na/note.hl7/word/document.xml\n" : ": [Content_Types].xml\nword/document.xml\n") !=
                              std::string::npos);
      EXPECT_TRUE(names) << log;
      EXPECT_EQ(log.find("UEsDB"), std::string::npos) << log;  // the base64 is not text
      EXPECT_FALSE(w.truncated());
    }
  }
  auto reasons = [](const std::string& msg) {
    test::RecordingSink sink;
    Walker w(Limits{}, sink);
    test::feed_message(w, msg, 5);
    return sink.reasons;
  };
  auto ed = [](const std::string& file) {
    return test::message_with_attachment("application/hl7-v2", "r.hl7",
                                         "MSH|^~\\&|A\rOBX|1|ED|DOC||^AP^DOC^Base64^" + test::base64(file) + "\r", true);
  };
  EXPECT_EQ(reasons(ed(docx.substr(0, docx.size() / 2))), std::vector<std::string>{"office"});  // cut: what a cut DOCX is
  EXPECT_EQ(reasons(ed(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(600, '\0'))),
            std::vector<std::string>{"office"});
  EXPECT_EQ(reasons(ed(std::string("\x1F\x8B\x08\0\0\0\0\0", 8) + "gz")), std::vector<std::string>{"binary"});
  // Three ZIPs deep, the DOCX in the result would be a fourth package.
  std::string deep = test::make_zip({{"b.zip", test::make_zip({{"c.zip", test::make_zip({{"note.hl7", mdm}})}})}});
  test::RecordingSink sink;
  Walker w(Limits{}, sink);
  test::feed_message(w, test::message_with_attachment("application/zip", "deep.zip", deep, true), 0);
  EXPECT_EQ(sink.reasons, std::vector<std::string>{"depth-limit"}) << sink.log();
  EXPECT_TRUE(w.truncated());
  EXPECT_NE(sink.log().find("Patient name: Jane Doe"), std::string::npos) << sink.log();
}

TEST(Hl7Text, AMessageAttachedToAMessageIsReadLabelled) {
  for (const auto& [type, name] : std::vector<std::pair<std::string, std::string>>{
           {"application/hl7-v2", "adt.hl7"}, {"text/plain", "adt.txt"}, {"application/octet-stream", "export.dat"}}) {
    SCOPED_TRACE(type);
    for (size_t chunk : {0, 1, 7, 100}) {
      test::RecordingSink sink;
      Walker w(Limits{}, sink);
      test::feed_message(w, test::message_with_attachment(type, name, kAdt, true), chunk);
      EXPECT_EQ(sink.body("2"), kText) << sink.log();
    }
  }
  // MLLP-framed, labelled by its name: its frame bytes would make a sniffer call it binary.
  test::RecordingSink sink;
  Walker w(Limits{}, sink);
  test::feed_message(w, test::message_with_attachment("application/octet-stream", "feed.hl7", "\x0B" + kAdt + "\x1C\r", true), 7);
  EXPECT_EQ(sink.body("2"), kText) << sink.log();
}

TEST(Hl7Text, MessagesInAZipAreReadLabelled) {
  std::string zip = test::make_zip({{"export/adt.txt", kAdt}, {"export/adt.hl7", kAdt}});
  test::RecordingSink sink;
  Walker w(Limits{}, sink);
  test::feed_message(w, test::message_with_attachment("application/zip", "export.zip", zip, true), 7);
  std::string body = sink.body("2");
  size_t first = body.find(kText);
  ASSERT_NE(first, std::string::npos) << sink.log();
  EXPECT_NE(body.find(kText, first + 1), std::string::npos) << sink.log();
}

std::string lines(std::string_view in, size_t cut) { return cut_in_two<Hl7Lines>(in, cut); }

// A lab result pasted into a message, CRLF line ends, between lines of prose.
const std::string kPasted =
    "Hi team, this ORU failed in the interface engine:\r\n\r\n"
    "MSH|^~\\&|LAB|HOSP|EHR|CLINIC|202601011200||ORU^R01|123|P|2.5\r\n"
    "PID|1||00482913^^^HOSP^MR||DOE^JANE||19620314|F\r\n"
    "OBX|1|NM|2345-7^GLUCOSE||182|mg/dL\r\n"
    "\r\nCould you look at PID|3 before noon?\r\nThanks,\r\nSam\r\n";
const std::string kPastedText =
    "Hi team, this ORU failed in the interface engine:\r\n\r\n"
    "MSH LAB HOSP EHR CLINIC 202601011200  ORU R01 123 P 2.5\nPID 1 F\nMRN: 00482913\nPatient name: Jane Doe\n"
    "Date of birth: 1962-03-14\nOBX 1 NM\nResult: 2345-7 GLUCOSE 182 mg/dL\n"
    "\r\nCould you look at PID|3 before noon?\r\nThanks,\r\nSam\r\n";

TEST(Hl7Lines, MessagesPastedInTextAreLabelledTheProseKeptSplitAtEveryPosition) {
  for (size_t cut = 0; cut <= kPasted.size(); ++cut) ASSERT_EQ(lines(kPasted, cut), kPastedText) << "cut at " << cut;
  // A whole file, CR between segments, is one line; LF ends work too.
  EXPECT_EQ(lines(kAdt, 50), kText);
  std::string lf = kAdt;
  std::replace(lf.begin(), lf.end(), '\r', '\n');
  EXPECT_EQ(lines(lf, 50), kText);
}

TEST(Hl7Lines, QuotedWrappedAndLoneSegments) {
  // A reply quoting the message: the quote marks go, the segments are read.
  std::string quoted = "> MSH|^~\\&|A\n> PID|1||77^^^^MR||ROE^ANN\n>> more text\n";
  EXPECT_EQ(lines(quoted, 3), "MSH A\nPID 1\nMRN: 77\nPatient name: Ann Roe\n>> more text\n");
  // A segment a mail client wrapped: the wrapped part passes as text, the next segments are read.
  std::string wrapped = "MSH|^~\\&|A\nPID|1||77^^^^MR||ROE^ANN||\n19700101|F\nNK1|1|ROE^BOB\n";
  EXPECT_EQ(lines(wrapped, 0), "MSH A\nPID 1\nMRN: 77\nPatient name: Ann Roe\n19700101|F\nNK1 1\nNext of kin name: Bob Roe\n");
  // Segments without a header before them, and a header inside a line, are text.
  std::string lone = "PID|1||77^^^^MR||ROE^ANN\nsee MSH|^~\\&|A\n";
  EXPECT_EQ(lines(lone, 5), lone);
  // A short last line without its line end.
  EXPECT_EQ(lines("ok\nMSH|^~\\&|", 4), "ok\nMSH \n");
  EXPECT_EQ(lines("MSH", 1), "MSH");
}

TEST(Hl7Lines, PastedIntoAMessageBodyPlainOrHtmlIsReadLabelled) {
  for (size_t chunk : {0, 1, 7, 100}) {
    test::RecordingSink sink;
    Walker w(Limits{}, sink);
    test::feed_message(w, "Subject: failed\r\nContent-Type: text/plain\r\n\r\n" + kPasted, chunk);
    EXPECT_EQ(sink.body("1"), kPastedText) << sink.log();
  }
  // Outlook's HTML: a paragraph per segment.
  std::string html = "Subject: failed\r\nContent-Type: text/html\r\n\r\n<p>This failed:</p>"
                     "<p>MSH|^~\\&amp;|LAB|HOSP</p><p>PID|1||00482913^^^HOSP^MR||DOE^JANE||19620314|F</p><p>Thanks</p>\r\n";
  test::RecordingSink sink;
  Walker w(Limits{}, sink);
  test::feed_message(w, html, 9);
  std::string body = sink.body("1");
  EXPECT_NE(body.find("MRN: 00482913\nPatient name: Jane Doe\nDate of birth: 1962-03-14\n"), std::string::npos) << body;
  EXPECT_NE(body.find("This failed:"), std::string::npos) << body;
}

TEST(Hl7Lines, TenThousandHostileRepeats) {
  std::string in;
  for (int i = 0; i < 10000; ++i) in += ">>>>>>>>>>>>MSH|^~\\&|\n> MSH|^~\\&|A\nPID|1||7^^^^MR\n\x1C\n" + std::string(30, 'x') + "\n";
  std::string out = lines(in, in.size() / 2);
  // Per repeat: the header behind too many quote marks as text; MSH; PID and its MRN; the x line (the frame
  // byte's line is an empty segment: nothing).
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 10000 * 5) << out.substr(0, 300);
}

TEST(Hl7Text, TenThousandHostileRepeats) {
  std::string in = "MSH|^~\\&|A\r";
  for (int i = 0; i < 10000; ++i) in += "PID|1||\\X\\~\\~7^^^^MR|^^^^MR|\\.br\\A\r\n\x1C\x0B";
  std::string out = run(in, in.size() / 3);
  // MSH, then per repeat: "PID 1", "MRN: 7", and the name's escaped line break: "Patient name: " and "A".
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1 + 10000 * 4) << out.substr(0, 200);
  EXPECT_EQ(out.substr(0, 39), "MSH A\nPID 1\nMRN: 7\nPatient name: \nA\nPID");
  // Files in results: each ED segment is looked at once, nothing of it
  // kept; a PDF is begun and ended each time.
  std::string ed = "MSH|^~\\&|A\r";
  for (int i = 0; i < 10000; ++i) ed += "OBX|1|ED|||^AP^PDF^Base64^QUJD\rOBX|2|ED|||^AP^PDF^Base64^JVBERi0x\r";
  test::FakeDocument doc;
  Hl7Text h(&doc);
  std::string got;
  h.feed(ed, got);
  h.finish(got);
  EXPECT_EQ(h.unread(), "binary");
  EXPECT_EQ(doc.begun, 10000);
  EXPECT_EQ(doc.got.size(), 10000u * 6);
  // "OBX 1 ED", "Result: ..." twice, "[N bytes]"
  EXPECT_EQ(std::count(got.begin(), got.end(), '\n'), 1 + 10000 * 5);
  // Through the Walker, 10,000 DOCX notes in one result: a package opened
  // and finished for each, every note read, nothing reported.
  std::string docx = test::make_zip({{"[Content_Types].xml", "<Types/>"},
                                     {"word/document.xml", "<w:document><w:t>Dx: sepsis</w:t></w:document>"}});
  std::string notes = "MSH|^~\\&|A\r";
  std::string obx = "OBX|1|ED|NOTE||^application^msword^Base64^" + test::base64(docx) + "\r";
  for (int i = 0; i < 10000; ++i) notes += obx;
  test::RecordingSink sink;
  Walker w(Limits{}, sink);
  test::feed_message(w, test::message_with_attachment("application/hl7-v2", "notes.hl7", notes, true), 4096);
  EXPECT_TRUE(sink.reasons.empty()) << sink.log().substr(0, 300);
  size_t read = 0, names = 0;
  for (const std::string& e : sink.events) {
    read += e.rfind("body 2: ", 0) == 0 && e.find("Dx: sepsis") != std::string::npos;
    names += e == "file 2: [Content_Types].xml\nword/document.xml\n";
  }
  EXPECT_EQ(read, 10000u) << sink.log().substr(0, 600);
  EXPECT_EQ(names, 10000u);  // each package's entry names, as a ZIP attachment's
}

}  // namespace
}  // namespace phi::mime
