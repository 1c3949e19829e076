// archive_tar - 7z and RAR archives rewritten as pax by bsdtar(1) in a child process (see archive_tar.h).
#include "milter/archive_tar.h"

#include <sys/wait.h>

#include <string>
#include <utility>

#include "milter/log.h"
#include "milter/util/c_ptr.h"

namespace phi {
namespace {

// Archives held and converted, daemon-wide (a reload's new reader shares the count).
ConverterPool& pool() {
  static ConverterPool p;
  return p;
}

ConverterSpec archive_spec(const ArchiveOptions& o) {
  ConverterSpec s(o, pool(), "archive", "ArchiveProcesses", "archive");
  s.program = o.program;
  s.argv = {o.program, "-c", "-f", "-", "--format", "pax", "@-"};
  s.env = {"PATH=/usr/bin:/bin", "LC_ALL=C.UTF-8"};
  s.raw = true;  // a pax archive, read by the Walker's tar reader
  return s;
}

class ArchiveRun : public ConverterRun {
 public:
  ArchiveRun(const ArchiveOptions& o, UniqueFd file) : ConverterRun(archive_spec(o)), file_(std::move(file)) {}
  using ConverterRun::reserve;

  void feed(std::string_view bytes) override {
    if (file_) append_memory_file(file_, bytes, "archive");  // else "unavailable" at finish()
  }

  std::string finish(const std::function<void(std::string_view)>& text) override {
    if (!file_) return "unavailable";
    if (!spawn(file_.get())) return "unavailable";
    file_.reset();  // the child holds it
    return ConverterRun::finish(text);
  }

 private:
  std::string on_exit(int status) override {
    const std::string& program = spec().program;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
    if (WIFEXITED(status))
      log_line(LogLevel::Info, "", "archive",
               program + " exited with status " + std::to_string(WEXITSTATUS(status)) +
                   ": a damaged or encrypted archive, reported uninspected (the files before the fault are read)");
    else
      log_line(LogLevel::Warning, "", "archive",
               program + " killed by signal " + std::to_string(WIFSIGNALED(status) ? WTERMSIG(status) : 0) +
                   " (ArchiveMemoryLimit or ArchiveTimeout reached, or it crashed); the archive is reported "
                   "uninspected");
    return "archive";
  }

  UniqueFd file_;  // the archive, for bsdtar to seek in
};

}  // namespace

std::unique_ptr<mime::Document> ArchiveToTar::start(std::string_view kind,
                                                    std::optional<std::chrono::steady_clock::time_point> deadline) const {
  if (!reads(kind)) return nullptr;
  UniqueFd fd = memory_file("archive");
  if (!fd) return nullptr;
  auto run = std::make_unique<ArchiveRun>(o_, std::move(fd));
  run->set_deadline(deadline);
  if (!o_.in_caller_slot && !run->reserve()) return nullptr;  // in_caller_slot: a PDF's or .msg's
  return run;
}

}  // namespace phi
