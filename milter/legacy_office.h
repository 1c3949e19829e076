// NAME
//   legacy_office - the text of Word, Excel and PowerPoint 97-2003 attachments (catdoc(1) in a child process)
// SYNOPSIS
//   LegacyOfficeOptions o; o.word = "/usr/bin/catdoc"; o.excel = "/usr/bin/xls2csv";
//   Converters docs(pdf, ocr, std::make_shared<LegacyOffice>(o));
//   mime::Walker w(limits, sink, &docs);   // .doc, .xls, .ppt parts come as Body text
// DESCRIPTION
//   A mime::DocumentReader for "office": the Walker hands it parts whose
//   first bytes are an OLE2 compound file signature (mime::is_ole) and that
//   are declared or sniffed as office documents (application/msword,
//   vnd.ms-excel, .doc, .xls, .ppt, ... or an unlabelled binary), and such
//   entries of ZIP archives. catdoc's programs seek in their input, so the
//   document is first kept in a memory file (memfd: no file system, freed
//   with the document; one per slot, each at most the Walker's
//   max_part_bytes); open() takes one of `processes` slots of a pool of its
//   own (with `in_caller_slot`, for files attached to a PDF, none: the
//   document runs in the PDF's slot). At finish() the top-level streams of
//   the compound file (mime::OleFile) choose the reader; a program is
//   started as a ConverterRun (milter/converter.h: sandbox, limits,
//   timeouts, UTF-8 text) with the memory file as its standard input:
//     WordDocument            word -d utf-8 -w               (catdoc)
//     PowerPoint Document     read here: mime::OleFile, mime::ppt_text
//     Workbook or Book        excel -d utf-8 -q 0 /dev/stdin (xls2csv)
//     __properties_version1.0 read here: an Outlook .msg, mime::msg_text
//                             (subject and body; an HTML or RTF body,
//                             and one beside the plain body that holds
//                             pictures or objects, through a mime::Walker
//                             as an attachment of that type, below), and
//                             each attached file
//                             through a mime::Walker of its own, as a
//                             MIME attachment of its name and type would
//                             be (PDFs, images, 7z and RAR archives by
//                             `attachments`; Office 97-2003 and .msg files
//                             by this reader, in the slot the .msg holds,
//                             three .msg levels deep; an OLE object
//                             attached is read as one embedded in a Word
//                             file (below); an embedded message (an
//                             attached Outlook item) as a .msg attached
//                             there, from its storage, mime::msg_text)
//   (a program left empty reads no file of its kind; catdoc's catppt is
//   not used: it misses the text boxes LibreOffice and others write).
//   Before a Word, Excel or PowerPoint file's text, its pictures
//   (mime::BlipScanner over Word's "Data", table and "WordDocument"
//   streams, PowerPoint's "Pictures", Excel's drawing group through
//   mime::DrawingGroup) are read: an EMF or WMF by the text it draws
//   (mime::MetafileText, here), the others (a DIB as a BMP file) as
//   image attachments, each through an InnerFile with `attachments`
//   (OCR), at most
//   kMaxOfficePictures (20) of those a file. Then the objects embedded in
//   a Word, Excel or PowerPoint file (storages under Word's "ObjectPool",
//   Excel's top-level "MBD..." storages; a presentation's ExOleObjStg
//   records, each a compound file of its own, mime::ppt_object) are read,
//   each through an InnerFile, at most kMaxOfficeObjects (16) a file: an
//   Office 2007 document ("Package"), a PDF ("CONTENTS"), a file the
//   Object Packager holds ("\1Ole10Native", mime::OleNative), and a Word,
//   Excel or PowerPoint 97-2003 object, whose storage's streams are
//   written out as a compound file of its own (mime::OleWriter) and read
//   by this reader one level down (as a .msg's attachments are, two levels
//   at most). A file whose program or presentation finds no text but whose
//   pictures or objects were read counts as read.
//   Reasons finish() returns: "" for exit status 0 (or a presentation read
//   to its end) with at least 32 characters other than white space;
//   "image" (or the weightiest reason of its pictures': "part-limit"
//   past 20, "time-limit") when a picture is not read (a PICT, a
//   metafile that draws no text, one under OcrMinBytes, OCR off), unless
//   the text gives a reason;
//   "office" for an embedded object of another kind (an equation, a
//   drawing) or one that cannot be read to its end, "part-limit" past 16
//   objects, or the reason of what an object's reader left unread;
//   "encrypted" for a password-protected Office Open XML file (an
//   "EncryptedPackage" stream), exit status 69 (catdoc's and xls2csv's
//   "file is encrypted") or an encrypted presentation; "office" for a file
//   that is no compound file that can be read, has none of the streams
//   above (a Visio drawing) or no program for it, less text than that (not
//   for a .msg: its short text is all there is), a damaged presentation or
//   .msg, any other status, a crash, a
//   limit hit or a timeout (after at least half of it on the CPU);
//   "time-limit", "size-limit" and "unavailable" as for every
//   ConverterRun; for a .msg, the weightiest reason of its attachments'
//   unread parts ("unavailable", then "time-limit", then the first:
//   "office", "pdf", "depth-limit" for an embedded message below the
//   third .msg level, "part-limit"
//   beyond 64 attachments...); "unavailable" too when the memory file cannot be
//   written or the program cannot be started.
//   Logs ("office") name the program, the exit status and the reason,
//   never a byte of the document or its text.
// INPUT
//   The document is hostile: its directory, a presentation's records and
//   a message's properties are read here by bounded parsers
//   (milter/mime/ole.h, ppt.h, msg.h); Word and
//   Excel files are parsed in the child, under the limits above, as the
//   daemon's user. The child's output is read as
//   untrusted text, bounded by max_text.
// THREADS
//   open() from any thread; each Document is used by one thread at a time.
#ifndef PHI_MILTER_LEGACY_OFFICE_H
#define PHI_MILTER_LEGACY_OFFICE_H

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "milter/converter.h"
#include "milter/mime/walker.h"

namespace phi {

struct LegacyOfficeOptions : ConverterLimits {  // processes: documents held and converted at a time
  LegacyOfficeOptions() : ConverterLimits{std::chrono::seconds(30), 256ull << 20, 32ull << 20, 2} {}
  std::string word;   // absolute path of catdoc ("" reads no Word file)
  std::string excel;  // xls2csv ("" reads no Excel file)
  // PDFs, images and 7z and RAR archives attached to a .msg: the
  // Converters of PdfToText, OcrProgram and an ArchiveToTar with
  // `in_caller_slot` (none: they are uninspected). Never this reader
  // itself: Office files attached to a .msg are read in the .msg's own
  // slot.
  std::shared_ptr<const mime::DocumentReader> attachments;
  // Documents opened by another reader in a slot of its own (a file
  // attached to a PDF, in the PDF's slot): open() takes none of
  // `processes` and so never waits for one. `attachments` must then hold
  // no reader whose slot the caller may hold (for a PDF's: no PDF reader),
  // so that nothing waits for a second slot of a pool while holding one.
  bool in_caller_slot = false;
};

class LegacyOffice : public ConverterReader {
 public:
  explicit LegacyOffice(LegacyOfficeOptions o) : o_(std::move(o)) {}
  bool reads(std::string_view kind) const override {
    return kind == "office";  // PowerPoint files need no program
  }
  const LegacyOfficeOptions& options() const { return o_; }

 private:
  std::unique_ptr<mime::Document> start(std::string_view kind,
                                        std::optional<std::chrono::steady_clock::time_point> deadline) const override;
  LegacyOfficeOptions o_;
};

}  // namespace phi

#endif
