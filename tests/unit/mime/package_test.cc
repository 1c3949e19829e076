// Tests for attachments read as ZIP packages through the Walker: docx, xlsx, odt, .zip, limits, damage.
#include <gtest/gtest.h>

#include "milter/mime/walker.h"
#include "tests/unit/mime/fake_documents.h"
#include "tests/unit/mime/metafile_builder.h"
#include "tests/unit/mime/recording_sink.h"
#include "tests/unit/mime/zip_builder.h"

namespace phi::mime {
namespace {

using test::base64_lines;
using test::feed_message;
using test::make_zip;
using test::RecordingSink;
using test::ZipItem;

std::string with_attachment(const std::string& type, const std::string& filename, const std::string& bytes) {
  return test::message_with_attachment(type, filename, bytes, true);
}

// All the Body text of part 2 (uninspected reports between entries split it into several events).
std::string body_of_2(const RecordingSink& sink) {
  std::string out;
  for (const auto& e : sink.events)
    if (e.rfind("body 2: ", 0) == 0) out += e.substr(8);
  return out;
}

const std::string kDocxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

// A docx as Word writes it: sizes in the headers, a paragraph split into runs.
std::string docx() {
  return make_zip({
      {"[Content_Types].xml", "<?xml version=\"1.0\"?><Types><Default Extension=\"xml\"/></Types>"},
      {"_rels/.rels", "<Relationships><Relationship Target=\"word/document.xml\"/></Relationships>"},
      {"word/document.xml",
       "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
       "<w:document xmlns:w=\"x\"><w:body>"
       "<w:p><w:r><w:t>Patient: Jane Doe</w:t></w:r></w:p>"
       "<w:p><w:r><w:t xml:space=\"preserve\">SSN 078-05-</w:t></w:r><w:proofErr w:type=\"gramStart\"/>"
       "<w:r><w:rPr><w:b/></w:rPr><w:t>1121</w:t></w:r></w:p>"
       "<w:p><w:r><w:t>Dx E11.9 type 2 diabetes</w:t></w:r></w:p>"
       "</w:body></w:document>"},
      {"word/_rels/document.xml.rels", "<Relationships/>"},
      {"word/styles.xml", "<w:styles><w:style w:styleId=\"Normal\"/></w:styles>"},
      {"docProps/core.xml", "<cp:coreProperties><dc:title>Referral</dc:title><dc:creator>Dr Smith</dc:creator>"
                            "</cp:coreProperties>"},
  });
}

TEST(Package, DocxTextIsReadWithRunsJoined) {
  RecordingSink sink;
  Walker w(Limits{}, sink);
  bool err = feed_message(w, with_attachment(kDocxType, "referral.docx", docx()));
  std::string body = body_of_2(sink);
  EXPECT_NE(body.find("Patient: Jane Doe\n"), std::string::npos) << body;
  EXPECT_NE(body.find("SSN 078-05-1121\n"), std::string::npos) << body;
  EXPECT_NE(body.find("Dx E11.9 type 2 diabetes"), std::string::npos) << body;
  EXPECT_NE(body.find("\nReferral\nDr Smith\n"), std::string::npos) << body;  // metadata elements apart
  EXPECT_EQ(body.find("Relationship"), std::string::npos) << body;            // no markup, no .rels
  EXPECT_TRUE(sink.reasons.empty()) << sink.log();
  EXPECT_FALSE(err) << sink.log();
  EXPECT_FALSE(w.truncated());
  EXPECT_EQ(w.uninspected_parts(), 0u);
  // The entry names, one Filename value at the end of the part, after the attachment's own name.
  EXPECT_NE(sink.log().find("file 2: referral.docx\n"), std::string::npos);
  EXPECT_NE(sink.log().find("file 2: [Content_Types].xml\n_rels/.rels\nword/document.xml\n"), std::string::npos)
      << sink.log();
}

TEST(Package, SameEventsForEveryChunkSize) {
  std::string msg = with_attachment(kDocxType, "referral.docx", docx());
  RecordingSink whole;
  Walker w(Limits{}, whole);
  feed_message(w, msg);
  for (size_t chunk = 1; chunk < 80; ++chunk) {
    RecordingSink sink;
    Walker w2(Limits{}, sink);
    feed_message(w2, msg, chunk);
    ASSERT_EQ(sink.log(), whole.log()) << "chunk " << chunk;
  }
}

TEST(Package, XlsxSharedStringsAndCells) {
  std::string xlsx = make_zip({
      {"xl/sharedStrings.xml", "<sst><si><t>Jane Doe</t></si><si><r><t>E11</t></r><r><t>.9</t></r></si></sst>"},
      {"xl/worksheets/sheet1.xml",
       "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\"><v>078051121</v></c>"
       "</row></sheetData></worksheet>"},
      {"xl/printerSettings/printerSettings1.bin", std::string("\x01\x02\x03", 3)},
  });
  RecordingSink sink;
  Walker w(Limits{}, sink);
  feed_message(w, with_attachment("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "labs.xlsx", xlsx));
  std::string body = body_of_2(sink);
  EXPECT_NE(body.find("\nJane Doe\nE11.9\n"), std::string::npos) << body;
  EXPECT_NE(body.find("\n078051121\n"), std::string::npos) << body;
  EXPECT_TRUE(sink.reasons.empty()) << sink.log();  // printer settings are not content
}

TEST(Package, OdtAsLibreOfficeWritesIt) {
  ZipItem mimetype{"mimetype", "application/vnd.oasis.opendocument.text", ZipItem::Stored};
  ZipItem content{"content.xml",
                  "<office:document-content><office:body><office:text>"
                  "<text:p>MRN<text:s/>4471-<text:span>22</text:span></text:p></office:text></office:body>"
                  "</office:document-content>",
                  ZipItem::Deflated, true};
  ZipItem thumb{"Thumbnails/thumbnail.png", "\x89PNG not really", ZipItem::Deflated, true};
  ZipItem picture{"Pictures/scan.png", "\x89PNG not really", ZipItem::Deflated, true};
  ZipItem meta{"meta.xml", "<office:meta><meta:initial-creator>Jane Doe</meta:initial-creator></office:meta>",
               ZipItem::Deflated, true};
  RecordingSink sink;
  Walker w(Limits{}, sink);
  bool err = feed_message(w, with_attachment("application/vnd.oasis.opendocument.text", "note.odt",
                                             make_zip({mimetype, content, thumb, picture, meta})));
  std::string body = body_of_2(sink);
  EXPECT_NE(body.find("\nMRN 4471-22\n"), std::string::npos) << body;
  EXPECT_NE(body.find("\nJane Doe\n"), std::string::npos) << body;
  EXPECT_EQ(body.find("opendocument"), std::string::npos) << body;  // mimetype is not content
  // The embedded picture is not read, and says so; the thumbnail is a picture of the page.
  EXPECT_EQ(sink.reasons, std::vector<std::string>{"image"}) << sink.log();
  EXPECT_FALSE(err);
}

TEST(Package, PlainZipTextEntriesAndNames) {
  ZipItem csv{"export/patients Jane Doe.csv", "name,ssn\nJane Doe,078-05-1121\n", ZipItem::Deflated, true, false};
  ZipItem pdf{"export/scan.pdf", "%PDF-1.7", ZipItem::Stored};
  ZipItem html{"export/note.html", "<p>SSN 078-<b>05</b>-1121</p>"};
  RecordingSink sink;
  Walker w(Limits{}, sink);
  feed_message(w, with_attachment("application/zip", "export.zip", make_zip({csv, pdf, html})));
  std::string body = body_of_2(sink);
  EXPECT_NE(body.find("Jane Doe,078-05-1121\n"), std::string::npos) << body;
  EXPECT_NE(body.find("SSN 078-05-1121"), std::string::npos) << body;
  EXPECT_EQ(sink.reasons, std::vector<std::string>{"pdf"}) << sink.log();
  EXPECT_NE(sink.log().find("file 2: export/patients Jane Doe.csv\nexport/scan.pdf\n"), std::string::npos)
      << sink.log();
}

TEST(Package, AZipSentAsOctetStreamIsSniffedAndRead) {
  RecordingSink sink;
  Walker w(Limits{}, sink);
  feed_message(w, with_attachment("application/octet-stream", "attachment.bin", docx()));
  EXPECT_NE(body_of_2(sink).find("SSN 078-05-1121"), std::string::npos) << sink.log();
  EXPECT_TRUE(sink.reasons.empty()) << sink.log();
}

// A range of cells pasted into a DOCX or PPTX as a picture is a media
// entry .emf (or .wmf): the text it draws is read, rows kept; one that
// draws none (a logo) is "image".
TEST(Package, AMetafileEntryIsReadByTheTextItDraws) {
  std::string table = test::make_emf({{100, "Maria Gonzalez"}, {100, "4471823"}, {200, "Diego Lopez"}});
  std::string doc = make_zip({{"[Content_Types].xml", "<Types/>"},
                              {"word/document.xml", "<w:document><w:body><w:p><w:r><w:t>See the list.</w:t></w:r></w:p>"
                                                    "</w:body></w:document>"},
                              {"word/media/image1.emf", table},
                              {"word/media/image2.wmf", test::make_wmf({{7, "MRN 5582934"}}, true)}});
  for (size_t chunk : {size_t(0), size_t(13)}) {
    RecordingSink sink;
    Walker w(Limits{}, sink);
    feed_message(w, with_attachment(kDocxType, "list.docx", doc), chunk);
    std::string body = body_of_2(sink);
    EXPECT_NE(body.find("Maria Gonzalez\t4471823\nDiego Lopez\n"), std::string::npos) << body;
    EXPECT_NE(body.find("MRN 5582934"), std::string::npos) << body;
    EXPECT_TRUE(sink.reasons.empty()) << sink.log();
  }
  RecordingSink sink;
  Walker w(Limits{}, sink);
  feed_message(w, with_attachment(kDocxType, "logo.docx", make_zip({{"[Content_Types].xml", "<Types/>"},
                                                                    {"word/media/image1.emf", test::make_emf({})}})));
  EXPECT_EQ(sink.reasons, std::vector<std::string>{"image"}) << sink.log();
}

// A screenshot pasted as a metafile is a bitmap the .emf entry draws: it
// goes to the image reader (OCR) as an image entry does, its text after
// the metafile's; under the reader's minimum, or with none, "image".
TEST(Package, AMetafileEntrysBitmapGoesToTheImageReader) {
  const std::string dib = test::make_dib(64, 16);
  const std::string bmp = test::bmp_of(dib.substr(0, 40), dib.substr(40));
  const std::string emf =
      test::make_emf({{100, "Chart"}}, false, {test::emf_bitmap(0x51, dib.substr(0, 40), dib.substr(40))});
  const std::string doc = make_zip({{"[Content_Types].xml", "<Types/>"},
                                    {"word/document.xml", "<w:document><w:body><w:p><w:r><w:t>See below.</w:t></w:r>"
                                                          "</w:p></w:body></w:document>"},
                                    {"word/media/image1.emf", emf}});
  for (size_t chunk : {size_t(0), size_t(13)}) {
    test::PdfReader r;
    r.images = true;
    r.line = "Patient: Maria Gonzalez MRN 4471823\n";
    RecordingSink sink;
    Walker w(Limits{}, sink, &r);
    feed_message(w, with_attachment(kDocxType, "shot.docx", doc), chunk);
    EXPECT_EQ(r.bytes, bmp) << chunk;
    EXPECT_NE(body_of_2(sink).find("Chart\n" + r.line), std::string::npos) << body_of_2(sink);
    EXPECT_TRUE(sink.reasons.empty()) << sink.log();
    test::PdfReader big;
    big.images = true;
    big.min = bmp.size() + 1;
    RecordingSink small;
    Walker ws(Limits{}, small, &big);
    feed_message(ws, with_attachment(kDocxType, "shot.docx", doc), chunk);
    EXPECT_EQ(small.reasons, std::vector<std::string>{"image"}) << small.log();
  }
  RecordingSink plain;
  Walker w(Limits{}, plain);
  feed_message(w, with_attachment(kDocxType, "shot.docx", doc));
  EXPECT_EQ(plain.reasons, std::vector<std::string>{"image"}) << plain.log();
}

TEST(Package, WhatCannotBeReadIsReported) {
  ZipItem enc{"word/document.xml", "ciphertext", ZipItem::Stored};
  enc.encrypted = true;
  ZipItem readable{"docProps/core.xml", "<dc:title>x</dc:title>"};
  ZipItem nested{"word/embeddings/sheet.xlsx", "PK..."};
  struct Case {
    const char* label;
    std::string type, name, bytes;
    std::vector<std::string> reasons;
    bool truncated;
  };
  const Case cases[] = {
      {"an encrypted entry", kDocxType, "a.docx", make_zip({readable, enc}), {"encrypted"}, false},
      {"an embedded document", kDocxType, "a.docx", make_zip({readable, nested}), {"office"}, false},
      {"not a zip after all (OLE .doc)", "application/msword", "a.doc",
       std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(100, '\0'), {"office"}, false},
      {"a cut archive", kDocxType, "a.docx", docx().substr(0, 300), {"office"}, false},
      {"a zip named pdf is still a pdf", "application/pdf", "a.pdf", docx(), {"pdf"}, false},
      {"a zip bomb", "application/zip", "a.zip",
       make_zip({{"a.txt", std::string(5 << 20, '0'), ZipItem::Deflated, true}}), {"size-limit"}, true},
  };
  for (const Case& c : cases) {
    Limits lim;
    lim.max_part_bytes = 1 << 20;
    RecordingSink sink;
    Walker w(lim, sink);
    feed_message(w, with_attachment(c.type, c.name, c.bytes));
    EXPECT_EQ(sink.reasons, c.reasons) << c.label << "\n" << sink.log();
    EXPECT_EQ(w.truncated(), c.truncated) << c.label;
  }
}

TEST(Package, TheTextBeforeALimitIsStillRead) {
  Limits lim;
  lim.max_part_bytes = 1 << 20;
  std::string filler(2 << 20, 'x');
  std::string zip = make_zip({{"a.txt", "SSN 078-05-1121\n"}, {"b.txt", filler}});
  RecordingSink sink;
  Walker w(lim, sink);
  feed_message(w, with_attachment("application/zip", "a.zip", zip));
  EXPECT_EQ(body_of_2(sink).rfind("SSN 078-05-1121\n", 0), 0u);
  EXPECT_EQ(sink.reasons, std::vector<std::string>{"size-limit"});
  EXPECT_TRUE(w.truncated());
}

TEST(Package, InflatedTextIsBoundedPerMessage) {
  // Three archives of 1 MB of text each (a few KB on the wire) under a 2.5 MB
  // message budget: the third is cut where the budget ends.
  Limits lim;
  lim.max_total_bytes = 5 << 19;
  std::string zip = make_zip({{"a.txt", std::string(1 << 20, '0')}});
  std::string msg = "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n";
  for (int i = 0; i < 3; ++i)
    msg += "--b\r\nContent-Type: application/zip\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64_lines(zip);
  msg += "--b--\r\n";
  RecordingSink sink;
  Walker w(lim, sink);
  feed_message(w, msg);
  EXPECT_EQ(sink.reasons, std::vector<std::string>{"size-limit"}) << sink.log().substr(0, 300);
  EXPECT_TRUE(w.truncated());
  size_t text = 0;
  for (const auto& e : sink.events)
    if (e.rfind("body ", 0) == 0) text += e.size() - e.find(": ") - 2;
  EXPECT_EQ(text, 5u << 19);  // 1 MB + 1 MB + the 0.5 MB left
}

TEST(Package, DocumentsInsideArchivesAreRead) {
  std::string letter = docx();
  std::string inner_zip = make_zip({{"notes.txt", "MRN 4471-22"}, {"referral.docx", letter, ZipItem::Stored}});
  std::string outer = make_zip({{"cover.txt", "see inside"}, {"batch/inner.zip", inner_zip},
                                {"old.doc", std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + "xxxx"}});
  RecordingSink sink;
  Walker w(Limits{}, sink);
  bool err = feed_message(w, with_attachment("application/zip", "outer.zip", outer));
  std::string body = body_of_2(sink);
  EXPECT_NE(body.find("see inside\nMRN 4471-22\n"), std::string::npos) << body;
  EXPECT_NE(body.find("SSN 078-05-1121"), std::string::npos) << body;
  EXPECT_EQ(sink.reasons, std::vector<std::string>{"office"}) << sink.log();  // the OLE .doc only
  EXPECT_NE(sink.log().find("file 2: cover.txt\nbatch/inner.zip\nbatch/inner.zip/notes.txt\n"
                            "batch/inner.zip/referral.docx\nbatch/inner.zip/referral.docx/[Content_Types].xml\n"),
            std::string::npos)
      << sink.log();
  EXPECT_FALSE(err);
  std::string msg = with_attachment("application/zip", "outer.zip", outer);
  for (size_t chunk = 1; chunk < 60; ++chunk) {
    RecordingSink split;
    Walker w3(Limits{}, split);
    feed_message(w3, msg, chunk);
    ASSERT_EQ(split.log(), sink.log()) << "chunk " << chunk;
  }

  // Three archives deep: the innermost is not opened, and says so.
  std::string deeper = make_zip({{"level1.zip", make_zip({{"level2.zip", make_zip({{"level3.zip", inner_zip}})}})}});
  RecordingSink sink2;
  Walker w2(Limits{}, sink2);
  feed_message(w2, with_attachment("application/zip", "deep.zip", deeper));
  EXPECT_EQ(sink2.reasons, std::vector<std::string>{"depth-limit"}) << sink2.log();
}

// RTF (rtf.h) as an attachment, as text/rtf, as a .doc Word saved as RTF, and inside a .zip.
TEST(Package, RtfAttachmentsAreRead) {
  const std::string rtf = "{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0 Calibri;}}\\f0 Patient Jos\\'e9 Doe\\par "
                          "SSN 078-05-{\\b 1121}\\par}";
  const std::string want = "Patient Jos\xC3\xA9 Doe\nSSN 078-05-1121\n";
  struct Case {
    const char* label;
    std::string type, name, bytes;
  };
  const Case cases[] = {
      {"application/rtf", "application/rtf", "letter.rtf", rtf},
      {"text/rtf", "text/rtf", "letter", rtf},
      {"octet-stream named .rtf", "application/octet-stream", "letter.rtf", rtf},
      {"a .doc that is RTF (sniffed)", "application/msword", "letter.doc", rtf},
      {"an RTF entry in a .zip", "application/zip", "letters.zip", make_zip({{"letter.rtf", rtf}})},
  };
  for (const Case& c : cases) {
    RecordingSink sink;
    Walker w(Limits{}, sink);
    bool err = feed_message(w, with_attachment(c.type, c.name, c.bytes));
    EXPECT_EQ(body_of_2(sink), want) << c.label << "\n" << sink.log();
    EXPECT_TRUE(sink.reasons.empty()) << c.label << "\n" << sink.log();
    EXPECT_FALSE(err) << c.label;
  }
  // Split anywhere, the same text.
  std::string msg = with_attachment("application/rtf", "letter.rtf", rtf);
  for (size_t chunk = 1; chunk < 40; ++chunk) {
    RecordingSink sink;
    Walker w(Limits{}, sink);
    feed_message(w, msg, chunk);
    ASSERT_EQ(body_of_2(sink), want) << "chunk " << chunk;
  }
}

}  // namespace
}  // namespace phi::mime
