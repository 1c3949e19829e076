// legacy_office - Word and Excel 97-2003 text through catdoc(1), PowerPoint's read here (see legacy_office.h).
#include "milter/legacy_office.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "milter/log.h"
#include "milter/mime/msg.h"
#include "milter/mime/ole.h"
#include "milter/mime/ppt.h"
#include "milter/util/c_ptr.h"
#include "milter/util/files.h"

namespace phi {
namespace {

// Documents held and converted, daemon-wide (a reload's new reader shares the count).
ConverterPool& pool() {
  static ConverterPool p;
  return p;
}

// catdoc's and xls2csv's exit status for an encrypted file.
constexpr int kEncryptedStatus = 69;

ConverterSpec office_spec(const LegacyOfficeOptions& o) {
  ConverterSpec s(o, pool(), "office", "LegacyOfficeProcesses", "office");
  s.program = o.word;  // chosen at finish() by the file's streams
  s.env = {"PATH=/usr/bin:/bin", "LC_ALL=C.UTF-8"};
  return s;
}

class OfficeRun : public ConverterRun {
 public:
  OfficeRun(const LegacyOfficeOptions& o, UniqueFd file) : ConverterRun(office_spec(o)), o_(o), file_(std::move(file)) {}
  using ConverterRun::reserve;

  void feed(std::string_view bytes) override {
    if (!file_) return;
    if (!write_all(file_.get(), bytes)) {
      log_line(LogLevel::Error, "", "office", std::string("memory file: ") + std::strerror(errno));
      file_.reset();  // "unavailable": the message is retried
      return;
    }
    size_ += bytes.size();
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
      set_command(o_.word, {o_.word, "-d", "utf-8", "-w"});
    } else if (listing.has("PowerPoint Document")) {
      return presentation(ole, listing, text);
    } else if ((listing.has("Workbook") || listing.has("Book")) && !o_.excel.empty()) {
      set_command(o_.excel, {o_.excel, "-d", "utf-8", "-q", "0", "/dev/stdin"});
    } else {
      log_line(LogLevel::Debug, "", "office",
               "an OLE2 file with no Word, Excel, PowerPoint or Outlook message stream that is read (a drawing, "
               "or catdoc missing?): reported uninspected");
      return "office";
    }
    if (!spawn(fd)) return "unavailable";
    file_.reset();  // the child holds it
    return ConverterRun::finish(text);
  }

 private:
  bool read_at(uint64_t offset, std::span<char> out) const {
    return ::pread(file_.get(), out.data(), out.size(), off_t(offset)) == ssize_t(out.size());
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
    mime::PptText r = mime::ppt_text(stream, text);
    if (r.encrypted) return "encrypted";
    if (r.damaged) {
      log_line(LogLevel::Info, "", "office", "a PowerPoint file damaged after " + std::to_string(r.characters) +
                                                 " characters of text: reported uninspected");
      return "office";
    }
    if (r.characters < kConverterMinText) {
      log_line(LogLevel::Info, "", "office", "a PowerPoint file with no text: reported uninspected");
      return "office";
    }
    return "";
  }

  // An Outlook message file (a message forwarded as an attachment): its
  // subject and body are read here (milter/mime/msg.h); the attachments
  // inside it are not, so a message with any is reported uninspected.
  std::string message(mime::OleFile& ole, const std::function<void(std::string_view)>& text) {
    mime::MsgText m = mime::msg_text(ole, size_, text);
    if (m.damaged) {
      log_line(LogLevel::Info, "", "office", "an Outlook message whose text cannot be read to its end: reported uninspected");
      return "office";
    }
    if (m.attachments > 0) {
      log_line(LogLevel::Info, "", "office",
               "an Outlook message with " + std::to_string(m.attachments) +
                   " attachment(s): its subject and body are read, its attachments are not: reported uninspected");
      return "office";
    }
    return "";
  }

  std::string on_exit(int status) override {
    const std::string& program = spec().program;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      if (text_chars() >= kConverterMinText) return "";
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
};

}  // namespace

std::unique_ptr<mime::Document> LegacyOffice::open(std::string_view kind) const { return start(kind, std::nullopt); }

std::unique_ptr<mime::Document> LegacyOffice::open_until(std::string_view kind,
                                                         std::chrono::steady_clock::time_point deadline) const {
  return start(kind, deadline);
}

std::unique_ptr<mime::Document> LegacyOffice::start(std::string_view kind,
                                                    std::optional<std::chrono::steady_clock::time_point> deadline) const {
  if (!reads(kind)) return nullptr;
  int fd = ::memfd_create("phimilter-office", MFD_CLOEXEC);
  if (fd < 0) {
    log_line(LogLevel::Error, "", "office", std::string("memfd_create: ") + std::strerror(errno));
    return nullptr;
  }
  auto run = std::make_unique<OfficeRun>(o_, UniqueFd(fd));
  run->set_deadline(deadline);
  if (!run->reserve()) return nullptr;
  return run;
}

}  // namespace phi
