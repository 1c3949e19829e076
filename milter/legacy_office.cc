// legacy_office - Word and Excel 97-2003 text through catdoc(1), PowerPoint's read here (see legacy_office.h).
#include "milter/legacy_office.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "milter/inner_file.h"
#include "milter/log.h"
#include "milter/mime/metafile.h"
#include "milter/mime/msg.h"
#include "milter/mime/office_pictures.h"
#include "milter/mime/ole.h"
#include "milter/mime/ole_native.h"
#include "milter/mime/ole_writer.h"
#include "milter/mime/ppt.h"
#include "milter/util/c_ptr.h"

namespace phi {
namespace {

// Documents held and converted, daemon-wide (a reload's new reader shares the count).
ConverterPool& pool() {
  static ConverterPool p;
  return p;
}

// catdoc's and xls2csv's exit status for an encrypted file.
constexpr int kEncryptedStatus = 69;
// Attachments of one Outlook message that are read; more: "part-limit".
constexpr size_t kMaxMsgAttachments = 64;

// Pictures of one Word, Excel or PowerPoint file that are read; more: "part-limit".
constexpr size_t kMaxOfficePictures = 20;

// Objects embedded in one Word, Excel or PowerPoint file that are read; more: "part-limit".
constexpr size_t kMaxOfficeObjects = 16;

// Office and .msg files attached to a .msg, and objects embedded in an
// Office file, are read, and those one level further down (depth 2: a
// message forwarded three times); deeper: "office".
constexpr unsigned kMaxMsgDepth = 2;

// The readers of documents inside a .msg's attachments, within the .msg's
// own deadline: PDFs, images and 7z and RAR archives through
// `attachments` (an archive in the .msg's slot); Word, Excel, PowerPoint
// and .msg files by another OfficeRun at depth + 1 that uses the slot the
// .msg holds (the .msg runs no program of its own, and its attachments
// are read one after another), so no second office slot is ever waited
// for.
class AttachmentReader : public mime::DocumentReader {
 public:
  AttachmentReader(const LegacyOfficeOptions& o, unsigned depth,
                   std::optional<std::chrono::steady_clock::time_point> deadline)
      : o_(o), depth_(depth), deadline_(deadline) {}
  std::unique_ptr<mime::Document> open(std::string_view kind) const override;
  bool reads(std::string_view kind) const override {
    if (kind == "office") return depth_ < kMaxMsgDepth;
    return o_.attachments && o_.attachments->reads(kind);
  }
  uint64_t min_bytes(std::string_view kind) const override {
    return kind != "office" && o_.attachments ? o_.attachments->min_bytes(kind) : 0;
  }

 private:
  const LegacyOfficeOptions& o_;
  const unsigned depth_;
  const std::optional<std::chrono::steady_clock::time_point> deadline_;
};

// The pictures of a Word, Excel or PowerPoint file (mime::BlipScanner):
// each PNG, JPEG, TIFF or DIB (given as a .bmp file) one is read as an
// image attachment would be, through an InnerFile with the readers `docs`
// (OCR; under OcrMinBytes or with OCR off it is "image"), its text to
// `text`; an EMF or WMF one by the text it draws (one that draws none:
// "image") and the bitmaps it draws (a screenshot pasted as a metafile:
// each a picture of its own, as a DIB is); a PICT is not read ("image");
// past kMaxOfficePictures, or
// past the deadline, the rest are not read ("part-limit", "time-limit").
// reason() is the weightiest of theirs.
class PictureFiles : public mime::OfficePictureSink {
 public:
  PictureFiles(const InnerFile::Text& text, const mime::DocumentReader* docs, std::function<bool()> past_deadline)
      : text_(text), docs_(docs), past_deadline_(std::move(past_deadline)) {}
  void begin() override {
    ++found_;
    ++to_ocr_;
    if (to_ocr_ > kMaxOfficePictures || past_deadline_()) {
      reason_ = weightier(reason_, to_ocr_ > kMaxOfficePictures ? "part-limit" : "time-limit");
      return;
    }
    file_.emplace(text_, docs_, "application/octet-stream", "");
  }
  // An EMF or WMF picture (a table or chart pasted as a picture): the text
  // it draws (mime::MetafileText) is the file's text, read here, no
  // process; one that draws no text (a logo, a drawing) is not read: "image".
  bool metafile(bool compressed) override {
    ++found_;
    said_ = false;
    meta_.emplace(
        [this](std::string_view t) {
          if (!said_) text_("\n");
          said_ = true;
          text_(t);
        },
        compressed, [this](std::string_view b, bool end) { bitmap(b, end); });
    return true;
  }
  // A bitmap the metafile draws, as a .bmp file: a picture of its own,
  // read (and counted) as a DIB picture is.
  void bitmap(std::string_view b, bool end) {
    if (end) {
      bitmap_open_ = false;
      finish_file();
      return;
    }
    if (!bitmap_open_) {
      bitmap_open_ = true;
      begin();
    }
    if (file_) file_->feed(b);
  }
  void bytes(std::string_view b) override {
    if (meta_) meta_->feed(b);
    else if (file_) file_->feed(b);
  }
  void end() override {
    if (meta_) {
      meta_->finish();
      if (meta_->characters() > 0) ++drawn_;
      reason_ = weightier(reason_, meta_->unread());  // no text drawn, a bitmap not read
      meta_.reset();
      return;
    }
    finish_file();
  }
  void other() override {
    ++found_;
    reason_ = weightier(reason_, "image");
  }
  void finish_file() {
    if (!file_) return;
    std::string why = file_->finish();
    file_.reset();
    if (why.empty()) ++read_;
    reason_ = weightier(reason_, why);
  }
  size_t found() const { return found_; }
  size_t read() const { return read_ + drawn_; }
  size_t read_by_ocr() const { return read_; }
  size_t read_as_drawn() const { return drawn_; }
  const std::string& reason() const { return reason_; }

 private:
  const InnerFile::Text& text_;
  const mime::DocumentReader* docs_;
  std::function<bool()> past_deadline_;
  std::optional<InnerFile> file_;
  std::optional<mime::MetafileText> meta_;
  bool said_ = false;  // meta_ has given text
  bool bitmap_open_ = false;  // meta_ is giving a bitmap
  size_t found_ = 0, read_ = 0;  // pictures found; read by OCR
  size_t to_ocr_ = 0, drawn_ = 0;  // given to OCR (or past its cap); metafiles whose text was read
  std::string reason_;
};

ConverterSpec office_spec(const LegacyOfficeOptions& o) {
  ConverterSpec s(o, pool(), "office", "LegacyOfficeProcesses", "office");
  s.program = o.word;  // chosen at finish() by the file's streams
  s.env = {"PATH=/usr/bin:/bin", "LC_ALL=C.UTF-8"};
  return s;
}

class OfficeRun : public ConverterRun {
 public:
  // depth: 0 for an attachment of the mail (it takes a slot: reserve()),
  // more for a file attached to a .msg (it uses the .msg's slot).
  OfficeRun(const LegacyOfficeOptions& o, UniqueFd file, unsigned depth = 0)
      : ConverterRun(office_spec(o)), o_(o), file_(std::move(file)), depth_(depth) {}
  using ConverterRun::reserve;

  void feed(std::string_view bytes) override {
    if (file_ && append_memory_file(file_, bytes, "office")) size_ += bytes.size();  // else "unavailable"
  }

  std::string finish(const std::function<void(std::string_view)>& text) override {
    if (!file_) return "unavailable";
    int fd = file_.get();
    mime::OleFile ole([this](uint64_t o, std::span<char> b) { return read_at(o, b); }, size_);
    auto listing = ole.listing();
    if (!listing.valid) {
      log_line(LogLevel::Info, "", "office", "an OLE2 file whose directory cannot be read: reported uninspected");
      return "office";
    }
    if (listing.has("EncryptedPackage")) return "encrypted";
    if (mime::is_msg(listing)) return message(ole, text);
    if (listing.has("WordDocument") && !o_.word.empty()) {
      pictures(ole, listing, text);
      objects(ole, listing, text);
      set_command(o_.word, {o_.word, "-d", "utf-8", "-w"});
    } else if (listing.has("PowerPoint Document")) {
      return presentation(ole, listing, text);
    } else if ((listing.has("Workbook") || listing.has("Book")) && !o_.excel.empty()) {
      pictures(ole, listing, text);
      objects(ole, listing, text);
      set_command(o_.excel, {o_.excel, "-d", "utf-8", "-q", "0", "/dev/stdin"});
    } else if (!listing.has("WordDocument") && !listing.has("Workbook") && !listing.has("Book") &&
               (listing.has("Package") || listing.has("CONTENTS") || listing.has(mime::kOle10Native))) {
      // A presentation's object of those kinds: its storage is this file.
      AttachmentReader docs(o_, depth_, budget());
      uint64_t left = size_;
      return object(ole, "", docs, left, text);
    } else {
      log_line(LogLevel::Debug, "", "office",
               "an OLE2 file with no Word, Excel, PowerPoint or Outlook message stream that is read (a drawing, "
               "or catdoc missing?): reported uninspected");
      return "office";
    }
    if (!spawn(fd)) return "unavailable";
    file_.reset();  // the child holds it
    std::string reason = ConverterRun::finish(text);
    return std::string(weightier(weightier(reason, pictures_reason_), objects_reason_));
  }

 private:
  bool read_at(uint64_t offset, std::span<char> out) const {
    return ::pread(file_.get(), out.data(), out.size(), off_t(offset)) == ssize_t(out.size());
  }

  // The pictures the file stores, read before its text (PictureFiles):
  // Word's in its "Data" stream (inline pictures), its table and
  // "WordDocument" streams (floating ones), PowerPoint's in "Pictures",
  // Excel's in the workbook's drawing group. Sets pictures_read_ and
  // pictures_reason_ (also "office" when one of those streams cannot be
  // read to its end: a damaged file, whose pictures may be unread).
  void pictures(mime::OleFile& ole, const mime::OleListing& listing, const std::function<void(std::string_view)>& text) {
    AttachmentReader docs(o_, depth_, budget());
    PictureFiles files(text, &docs, [this] { return past_deadline(); });
    bool damaged = false;
    for (const char* name : {"Data", "1Table", "0Table", "WordDocument", "Pictures", "Workbook", "Book"}) {
      if (!listing.has(name)) continue;
      bool workbook = std::string_view(name) == "Workbook" || std::string_view(name) == "Book";
      mime::BlipScanner scanner(files);
      mime::DrawingGroup group;
      auto st = ole.read(name, size_, [&](std::string_view b) {
        if (workbook) group.feed(b, [&](std::string_view d) { scanner.feed(d); });
        else scanner.feed(b);
      });
      scanner.finish();
      damaged = damaged || st != mime::OleStream::Read;
    }
    pictures_read_ = files.read();
    pictures_reason_ = weightier(files.reason(), damaged ? "office" : "");
    if (files.found() > 0)
      log_line(LogLevel::Info, "", "office",
               "an Office 97-2003 file with " + std::to_string(files.found()) + " picture(s): " +
                   std::to_string(files.read_by_ocr()) + " read by OCR" +
                   (files.read_as_drawn() ? ", " + std::to_string(files.read_as_drawn()) + " by the text they draw" : "") +
                   (pictures_reason_.empty() ? "" : "; the file is reported uninspected " + pictures_reason_));
  }

  // The objects embedded in a Word or Excel file (Word keeps them in
  // storages under "ObjectPool", Excel in top-level storages "MBD..."),
  // read before its text, each as a file attached to it would be, through
  // an InnerFile: an Office 2007 document ("Package": a DOCX, an XLSX), a
  // PDF ("CONTENTS", as Acrobat stores one), a file the Object Packager
  // holds ("\1Ole10Native": a CSV, a text file, a PDF, by its name), and
  // a Word, Excel or PowerPoint 97-2003 document (its storage's streams
  // written out as a compound file of its own, mime::OleWriter, for the
  // OfficeRun one level down). An object of another kind (an equation, a
  // drawing, a chart of another program) is not read: "office"; objects
  // inside an object are not written out with it: "depth-limit". Together
  // the objects read at most the file's size; past kMaxOfficeObjects:
  // "part-limit". Sets objects_read_ and objects_reason_.
  void objects(mime::OleFile& ole, const mime::OleListing& listing, const std::function<void(std::string_view)>& text) {
    std::vector<std::string> paths;
    bool damaged = false;
    if (listing.has("ObjectPool")) {
      mime::OleListing pool = ole.listing("ObjectPool");
      damaged = !pool.valid;
      for (const auto& item : pool.items)
        if (!item.stream) paths.push_back("ObjectPool/" + item.name);
    }
    for (const auto& item : listing.items)
      if (!item.stream && item.name.starts_with("MBD")) paths.push_back(item.name);
    AttachmentReader docs(o_, depth_, budget());
    uint64_t left = size_;
    read_objects(paths.size(), damaged ? "office" : "",
                 [&](size_t i) { return object(ole, paths[i], docs, left, text); });
  }

  // A presentation's objects (ExOleObjStg records: each a compound file,
  // mime::ppt_object), each read as objects() reads an embedded Word or
  // Excel document, at most kMaxOfficeObjects.
  void slide_objects(const std::vector<std::pair<std::string_view, bool>>& objects,
                     const std::function<void(std::string_view)>& text) {
    AttachmentReader docs(o_, depth_, budget());
    uint64_t left = size_;  // what the objects inflate to, together: at most the file's size
    read_objects(objects.size(), "", [&](size_t i) {
      InnerFile file(text, &docs, "application/octet-stream", "");
      bool whole = mime::ppt_object(objects[i].first, objects[i].second, left, [&](std::string_view b) {
        left -= std::min<uint64_t>(left, b.size());
        file.feed(b);
      });
      std::string why = file.finish();
      return std::string(weightier(whole ? "" : "office", why));
    });
  }

  // `count` objects read one after another by `one` ("" read, else why
  // not), at most kMaxOfficeObjects and within the deadline; `reason`:
  // why the file's objects could not all be found. Sets objects_read_ and
  // objects_reason_, and logs what was read when there was anything.
  void read_objects(size_t count, std::string reason, const std::function<std::string(size_t)>& one) {
    for (size_t i = 0; i < count; ++i) {
      if (i == kMaxOfficeObjects || past_deadline()) {
        reason = weightier(reason, i == kMaxOfficeObjects ? "part-limit" : "time-limit");
        break;
      }
      std::string why = one(i);
      if (why.empty()) ++objects_read_;
      reason = weightier(reason, why);
    }
    objects_reason_ = reason;
    if (count == 0 && reason.empty()) return;
    log_line(LogLevel::Info, "", "office",
             "an Office 97-2003 file with " + std::to_string(count) + " embedded object(s): " +
                 std::to_string(objects_read_) + " read" +
                 (objects_reason_.empty() ? "" : "; the file is reported uninspected " + objects_reason_));
  }

  // One embedded object (objects()): "" when read, else why not. `path`
  // "": the root storage (a presentation's object is a file of its own).
  std::string object(mime::OleFile& ole, const std::string& path, const AttachmentReader& docs, uint64_t& left,
                     const std::function<void(std::string_view)>& text) {
    mime::OleListing l = path.empty() ? ole.listing() : ole.listing(path);
    if (!l.valid) return "office";
    auto take = [&left](std::string_view b) { left -= std::min<uint64_t>(left, b.size()); };
    auto read = [&](std::string_view name, const std::function<void(std::string_view)>& fn) {
      return path.empty() ? ole.read(name, left, fn) : ole.read(path, name, left, fn);
    };
    for (const char* name : {"Package", "CONTENTS"}) {
      if (!l.has(name)) continue;
      InnerFile file(text, &docs, "application/octet-stream", "");
      auto st = read(name, [&](std::string_view b) {
        take(b);
        file.feed(b);
      });
      std::string why = file.finish();
      return std::string(weightier(st == mime::OleStream::Read ? "" : "office", why));
    }
    if (l.has(mime::kOle10Native)) {
      std::optional<InnerFile> file;
      mime::OleNative native([&](std::string_view name) { file.emplace(text, &docs, "application/octet-stream", name); },
                             [&](std::string_view b) { file->feed(b); });
      auto st = read(mime::kOle10Native, [&](std::string_view b) {
        take(b);
        native.feed(b);
      });
      native.finish();
      std::string why = file ? file->finish() : "";
      return std::string(weightier(st == mime::OleStream::Read && !native.damaged() ? "" : "office", why));
    }
    if (!l.has("WordDocument") && !l.has("Workbook") && !l.has("Book") && !l.has("PowerPoint Document")) {
      log_line(LogLevel::Debug, "", "office", "an embedded object of a kind not read (no document stream): uninspected");
      return "office";
    }
    std::vector<mime::OleWriter::Stream> streams;
    uint64_t total = 0;
    bool inner_objects = false;  // objects in this object: storages, which are not written out
    for (const auto& item : l.items) {
      if (!item.stream) inner_objects = inner_objects || item.name == "ObjectPool" || item.name.starts_with("MBD");
      if (item.stream && std::none_of(streams.begin(), streams.end(), [&](const auto& s) { return s.name == item.name; })) {
        streams.push_back({item.name, item.length});
        total += item.length;
      }
    }
    if (total > left) return "office";  // more than the file holds: a damaged directory
    InnerFile file(text, &docs, "application/octet-stream", "");
    mime::OleWriter writer(streams, [&](std::string_view b) { file.feed(b); });
    bool whole = writer.ok();
    for (size_t i : writer.order()) {
      auto st = read(streams[i].name, [&](std::string_view b) {
        take(b);
        writer.data(b);
      });
      whole = writer.end_stream() && st == mime::OleStream::Read && whole;
    }
    writer.finish();
    std::string why = file.finish();
    return std::string(weightier(weightier(whole ? "" : "office", why), inner_objects ? "depth-limit" : ""));
  }

  // A presentation's text is read here (milter/mime/ppt.h), not by a
  // program: catppt misses the text boxes many writers put it in.
  std::string presentation(mime::OleFile& ole, const mime::OleListing& listing,
                           const std::function<void(std::string_view)>& text) {
    if (listing.has("EncryptedSummary")) return "encrypted";
    std::string stream;
    auto st = ole.read("PowerPoint Document", size_, stream);
    if (st != mime::OleStream::Read) {
      log_line(LogLevel::Info, "", "office", "a PowerPoint file whose document stream cannot be read: reported uninspected");
      return "office";
    }
    std::vector<std::pair<std::string_view, bool>> objects;  // ExOleObjStg records' bodies, in `stream`
    mime::PptText r = mime::ppt_text(stream, text, [&](std::string_view body, bool compressed) {
      objects.emplace_back(body, compressed);
    });
    if (r.encrypted) return "encrypted";
    pictures(ole, listing, text);
    slide_objects(objects, text);
    std::string unread(weightier(pictures_reason_, objects_reason_));
    if (r.damaged) {
      log_line(LogLevel::Info, "", "office", "a PowerPoint file damaged after " + std::to_string(r.characters) +
                                                 " characters of text: reported uninspected");
      return std::string(weightier("office", unread));
    }
    if (r.characters < kConverterMinText && pictures_read_ == 0 && objects_read_ == 0) {
      log_line(LogLevel::Info, "", "office", "a PowerPoint file with no text: reported uninspected");
      return std::string(weightier("office", unread));
    }
    return unread;
  }

  // An Outlook message file (a message forwarded as an attachment): its
  // subject and body are read here (milter/mime/msg.h), and each attached
  // file is walked as a part of its own (attachments()).
  // Its formatted body (HTML or RTF: read when there is no plain body, or
  // beside it when it holds pictures or objects) is read as an attachment
  // of that type would be, its pictures and objects with it (body()).
  // A message embedded in it (an attached Outlook item) is read the same
  // way from its storage `root`, one level further down (`level`); all of
  // them read no more than the file's bytes together (`left`).
  std::string message(mime::OleFile& ole, const std::function<void(std::string_view)>& text) {
    uint64_t left = size_;
    return message(ole, "", 0, left, text);
  }
  std::string message(mime::OleFile& ole, const std::string& root, unsigned level, uint64_t& left,
                      const std::function<void(std::string_view)>& text) {
    std::string reason;
    mime::MsgText m = mime::msg_text(
        ole, left, text, [&](std::string_view type, std::string_view bytes) { reason = body(type, bytes, level, text); },
        root);
    left -= std::min(left, m.read);
    if (m.attachments) reason = weightier(reason, attachments(ole, root, level, m.attachments, left, text));
    if (m.damaged) {
      log_line(LogLevel::Info, "", "office", "an Outlook message whose text cannot be read to its end: reported uninspected");
      return std::string(weightier(reason, "office"));
    }
    return reason;
  }

  std::string body(std::string_view type, std::string_view bytes, unsigned level,
                   const std::function<void(std::string_view)>& text) {
    if (past_deadline()) return "time-limit";
    AttachmentReader docs(o_, depth_ + level, budget());
    InnerFile file(text, &docs, type, "");
    file.feed(bytes);
    std::string why = file.finish();
    if (!why.empty())
      log_line(LogLevel::Info, "", "office",
               "an Outlook message whose " + std::string(type.starts_with("text/html") ? "HTML" : "RTF") +
                   " body holds a picture or object not read: reported uninspected " + why);
    return why;
  }

  // Each file attached to the .msg goes through a Walker of its own, as a
  // MIME attachment of that name and type would: text, HTML, RTF, ZIP
  // packages (.docx, .xlsx), PDFs, images, 7z and RAR archives through
  // o_.attachments, and Office 97-2003 and .msg files by an OfficeRun one
  // level down (AttachmentReader); an OLE object attached (as Outlook
  // attaches a document to an RTF message) as one embedded in a Word file
  // is (object()); an embedded message (an attached Outlook item) by
  // message() one level down. Not read: a .msg or an embedded message
  // deeper than kMaxMsgDepth ("office", "depth-limit"). The reason is the
  // weightiest of the parts'. The files are distinct bytes of the .msg:
  // together no larger than it (`left`); a hostile one that points many
  // attachments at one stream is cut there.
  std::string attachments(mime::OleFile& ole, const std::string& root, unsigned level, size_t count, uint64_t& left,
                          const std::function<void(std::string_view)>& text) {
    auto list = mime::msg_attachments(ole, kMaxMsgAttachments, root);
    std::string reason = count > list.size() ? "part-limit" : "";
    size_t read = 0;
    AttachmentReader docs(o_, depth_ + level, budget());
    for (const auto& a : list) {
      if (past_deadline()) return std::string(weightier(reason, "time-limit"));
      // The Walker below gives the name of a file it reads (Content-Disposition).
      if (!a.data && !a.filename.empty()) text(a.filename + "\n");
      if (a.damaged || (!a.data && !a.object)) {
        reason = weightier(reason, a.damaged ? "office" : "");
        continue;
      }
      if (!a.data) {  // an embedded message or OLE object (an Office document in an RTF mail)
        std::string path = a.storage + "/" + std::string(mime::kMsgAttachObject);
        mime::OleListing l = ole.listing(path);
        std::string why;
        if (!l.valid) why = "office";
        else if (!l.has("__properties_version1.0")) why = object(ole, path, docs, left, text);
        else if (depth_ + level >= kMaxMsgDepth) why = "depth-limit";  // as a .msg attached there would be
        else why = message(ole, path, level + 1, left, text);
        if (why.empty()) ++read;
        reason = weightier(reason, why);
        continue;
      }
      InnerFile file(text, &docs, a.mime_type, a.filename);
      auto st = ole.read(a.storage, mime::kMsgAttachData, left, [&](std::string_view b) {
        left -= std::min<uint64_t>(left, b.size());
        file.feed(b);
      });
      std::string why = file.finish();
      if (st != mime::OleStream::Read) reason = weightier(reason, "office");
      reason = weightier(reason, why);
      if (st == mime::OleStream::Read && why.empty()) ++read;
    }
    log_line(LogLevel::Info, "", "office",
             "an Outlook message with " + std::to_string(count) + " attachment(s), " + std::to_string(read) +
                 " read to the end" + (reason.empty() ? "" : "; the message is reported uninspected " + reason));
    return reason;
  }

  std::string on_exit(int status) override {
    const std::string& program = spec().program;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      // A scan pasted into a letter, a sheet embedded in it, is its text.
      if (text_chars() >= kConverterMinText || pictures_read_ > 0 || objects_read_ > 0) return "";
      log_line(LogLevel::Info, "", "office", program + " found no text: the document is reported uninspected");
      return "office";
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == kEncryptedStatus) {
      log_line(LogLevel::Debug, "", "office", program + ": an encrypted document, reported uninspected");
      return "encrypted";
    }
    if (WIFEXITED(status))
      log_line(LogLevel::Info, "", "office", program + " exited with status " + std::to_string(WEXITSTATUS(status)) +
                                                 ": a damaged document, reported uninspected");
    else
      log_line(LogLevel::Warning, "", "office",
               program + " killed by signal " + std::to_string(WIFSIGNALED(status) ? WTERMSIG(status) : 0) +
                   " (LegacyOfficeMemoryLimit or LegacyOfficeTimeout reached, or it crashed); the document is "
                   "reported uninspected");
    return "office";
  }

  const LegacyOfficeOptions o_;
  UniqueFd file_;      // the document, for the program to seek in
  uint64_t size_ = 0;  // bytes in file_
  const unsigned depth_;
  size_t pictures_read_ = 0;     // pictures() read by OCR
  std::string pictures_reason_;  // why pictures() left some unread
  size_t objects_read_ = 0;      // objects() read
  std::string objects_reason_;   // why objects() left some unread
};

std::unique_ptr<mime::Document> AttachmentReader::open(std::string_view kind) const {
  if (kind == "office") {
    if (depth_ >= kMaxMsgDepth) return nullptr;
    UniqueFd fd = memory_file("office");  // an attachment, or a file of a .msg
    if (!fd) return nullptr;
    auto run = std::make_unique<OfficeRun>(o_, std::move(fd), depth_ + 1);
    run->set_deadline(deadline_);
    return run;
  }
  if (!o_.attachments) return nullptr;
  return o_.attachments->open_within(kind, deadline_);
}

}  // namespace

std::unique_ptr<mime::Document> LegacyOffice::start(std::string_view kind,
                                                    std::optional<std::chrono::steady_clock::time_point> deadline) const {
  if (!reads(kind)) return nullptr;
  UniqueFd fd = memory_file("office");  // an attachment, or a file of a .msg
  if (!fd) return nullptr;
  auto run = std::make_unique<OfficeRun>(o_, std::move(fd));
  run->set_deadline(deadline);
  if (!o_.in_caller_slot && !run->reserve()) return nullptr;  // in_caller_slot: a PDF's
  return run;
}

}  // namespace phi
