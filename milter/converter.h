// NAME
//   converter - a document's text from a sandboxed child process (pdftotext, tesseract, catdoc)
// SYNOPSIS
//   class MyRun : public ConverterRun {            // pdftext.cc, ocr.cc
//     void on_input(std::string_view bytes) override;  // sees the document
//     void on_text(std::string_view raw) override;     // sees the raw output
//     std::string on_exit(int status) override;        // the reason
//   };
//   auto run = std::make_unique<MyRun>(ConverterSpec{...});
//   if (!run->start()) ...                           // nullptr: "unavailable"
//   run->feed(bytes); ...  run->finish(text_fn);      // a mime::Document
//   Converters docs(pdf, ocr, office, archive);       // the readers by kind
//   DocumentBudget b(docs, 240s);                     // per message: the Walker's DocumentReader
// DESCRIPTION
//   ConverterRun is the mechanics shared by the document readers: it takes
//   one of `processes` slots of its pool (process-wide, so that a reload's
//   new reader shares the count; open() waits up to `timeout` for one, then
//   gives up: a warning, and the part is uninspected "unavailable";
//   open_until() also gives up at its deadline, the message's budget),
//   starts
//     program argv...
//   through spawn_sandboxed() (milter/util/sandbox.h) with `env`, address
//   space `memory_limit`, CPU time `timeout` (rounded up to a second), no
//   file written, no core file, no process started (RLIMIT_NPROC 0, which
//   root is not held to), at most 64 descriptors. The part's decoded
//   bytes go to its standard input (a socket, written with MSG_NOSIGNAL);
//   finish() ends that input and reads its standard output in 64 KiB
//   pieces, at most `max_text` bytes (then the child is killed and the
//   reason is "size-limit"), checks it as UTF-8 (invalid bytes become
//   U+FFFD), turns form feeds into line breaks and hands it on (with
//   `raw`, a program whose output is an image or an archive, unchanged).
//   The reason finish() returns, when nothing above decided it, is
//   on_exit(status) of the reaped child. Out of time (no answer within
//   `timeout` of the end of input, the time the caller's text function
//   takes not counted, or input not read within `timeout`):
//   the child is killed, and the reason is "unavailable" when it had less
//   than half the time on the CPU (slowed by a busy machine: the message is
//   retried), else `reason` (the document's own fault); a warning is
//   logged either way. A child that cannot be started or waited for is
//   logged (an error) and is "unavailable" too.
//   A converter that seeks in its input (catdoc) gets the whole document
//   first: reserve() takes the slot when the document is opened, spawn()
//   starts the child at finish() with a memory file as its standard input.
//   Converters is the DocumentReader a Walker gets: "pdf" parts go to
//   the PDF reader, "image" parts to the OCR reader, "office" parts (OLE2
//   compound files) to the legacy Office reader, "archive" parts (7z,
//   RAR) to the archive reader (milter/archive_tar.h); any may be absent;
//   min_bytes() is the reader's of that kind.
//   Log lines carry `log_tag` ("pdf", "ocr") and name the program, exit
//   statuses and reasons, never a byte of the document or its text.
// INPUT
//   The document is hostile: it is parsed in the child, under the limits
//   above, as the daemon's user. The child's output is untrusted text,
//   bounded by max_text.
// THREADS
//   open() from any thread; each run is used by one thread at a time.
#ifndef PHI_MILTER_CONVERTER_H
#define PHI_MILTER_CONVERTER_H

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "milter/mime/walker.h"
#include "milter/util/c_ptr.h"

namespace phi {

// Children running at a time for one kind of converter, daemon-wide.
struct ConverterPool {
  std::mutex m;
  std::condition_variable cv;
  unsigned busy = 0;
};

// The limits a converter's keys set (XxxTimeout, XxxMemoryLimit,
// XxxProcesses; max_text follows MaxMessageBytes): the readers' options
// (PdfOptions, OcrOptions, LegacyOfficeOptions) and ConverterSpec share them.
struct ConverterLimits {
  std::chrono::milliseconds timeout{30'000};  // the run, and the wait for a slot
  uint64_t memory_limit = 512ull << 20;       // RLIMIT_AS of the child
  uint64_t max_text = 32ull << 20;            // output read from one document
  unsigned processes = 4;                     // children at a time, daemon-wide (slots of the pool)
};

struct ConverterSpec : ConverterLimits {
  ConverterSpec() = default;
  // A reader's runs: its limits, its pool, and the names its log lines and
  // its reason use; program, argv and env are the run's own.
  ConverterSpec(const ConverterLimits& limits, ConverterPool& pool, std::string log_tag, std::string processes_key,
                std::string reason);
  std::string program;                        // absolute path
  std::vector<std::string> argv;              // argv[0] included
  std::vector<std::string> env;               // the child's whole environment
  ConverterPool* pool = nullptr;
  std::string log_tag;                        // "pdf", "ocr"
  std::string processes_key;                  // "PdfProcesses", for the log
  std::string reason;                         // "pdf", "image": the document could not be read
  bool raw = false;                           // output is bytes (a rendered page), passed on unconverted
};

class ConverterRun : public mime::Document {
 public:
  explicit ConverterRun(ConverterSpec s) : s_(std::move(s)) {}
  ~ConverterRun() override;

  // Takes a slot and starts the child; false (logged) when it cannot. The
  // wait for a slot ends at `timeout` or at the deadline, if one is set.
  bool start() { return reserve() && spawn(-1); }
  void feed(std::string_view bytes) override;
  std::string finish(const std::function<void(std::string_view)>& text) override;
  // The message's budget (DocumentBudget): feed() and finish() stop at
  // the earlier of it and `timeout`; stopped by it, the reason is "time-limit".
  void set_deadline(std::chrono::steady_clock::time_point deadline) override { budget_ = deadline; }
  void set_deadline(const std::optional<std::chrono::steady_clock::time_point>& deadline) { budget_ = deadline; }
  // The deadline set has passed: a run that could not start for want of a
  // slot is "time-limit" rather than "unavailable".
  bool past_deadline() const { return budget_ && std::chrono::steady_clock::now() >= *budget_; }

 protected:
  // start() in two steps, for a converter that must see the whole document
  // before it runs (a file it seeks in): reserve() takes the slot; spawn()
  // starts `program argv` with `input` (a seekable file, read from its
  // start: feed() is then not used) or, when -1, the socket feed() writes.
  bool reserve();
  bool spawn(int input);
  // The program and argv spawn() runs, chosen after the document was seen.
  void set_command(std::string program, std::vector<std::string> argv) {
    s_.program = std::move(program);
    s_.argv = std::move(argv);
  }
  // Every byte of the document, before it goes to the child.
  virtual void on_input(std::string_view) {}
  // Every byte of output read, before conversion.
  virtual void on_text(std::string_view) {}
  // The reason for a child that exited or was killed by a signal on its own.
  virtual std::string on_exit(int wait_status) = 0;
  const ConverterSpec& spec() const { return s_; }
  // Characters of output read so far other than white space (converter_blank).
  uint64_t text_chars() const { return text_chars_; }
  // The deadline of a wait that may take `timeout`, cut to the budget's.
  std::chrono::steady_clock::time_point until(std::chrono::steady_clock::time_point own) const {
    return budget_ && *budget_ < own ? *budget_ : own;
  }
  // The message's budget, if one was set.
  const std::optional<std::chrono::steady_clock::time_point>& budget() const { return budget_; }

 private:
  double kill_child();  // kills and reaps; the CPU seconds it used
  void time_out(std::string_view what);
  std::string failure() const;  // the reason once failed_

  ConverterSpec s_;
  bool slot_ = false;
  pid_t pid_ = -1;
  UniqueFd in_, out_;  // the child's standard input (a socket) and output (a pipe)
  bool failed_ = false;
  bool busy_ = false;  // timed out while the machine, not the document, kept it slow
  std::optional<std::chrono::steady_clock::time_point> budget_;
  bool over_budget_ = false;  // stopped by the message's budget
  uint64_t text_chars_ = 0;
};

// A memory file (memfd: no file system, freed when closed) for a document
// a converter seeks in, named after `log_tag` ("office", "archive");
// invalid, with an error logged under that tag, when none can be made.
UniqueFd memory_file(const std::string& log_tag);
// Appends `bytes` to such a file; on failure logs an error and closes it
// (the document is then "unavailable": the message is retried) and is false.
bool append_memory_file(UniqueFd& file, std::string_view bytes, const std::string& log_tag);

// White space in a converter's text.
inline bool converter_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

// Fewer characters than this other than white space (a page number, a fax
// header, a stray mark, an empty template) is no reading of a page, an
// image or a document.
inline constexpr size_t kConverterMinText = 32;

// A reader whose documents are ConverterRuns (PdfToText, ImageOcr,
// LegacyOffice): open() and open_until() are start() without and with the
// deadline the run's wait for a slot and its calls are bound by.
class ConverterReader : public mime::DocumentReader {
 public:
  std::unique_ptr<mime::Document> open(std::string_view kind) const final { return start(kind, std::nullopt); }
  std::unique_ptr<mime::Document> open_until(std::string_view kind,
                                             std::chrono::steady_clock::time_point deadline) const final {
    return start(kind, deadline);
  }

 protected:
  virtual std::unique_ptr<mime::Document> start(std::string_view kind,
                                                std::optional<std::chrono::steady_clock::time_point> deadline) const = 0;
};

// One message's documents, read through `inner` within `budget` in all
// (DocumentTimeBudget): the time spent in open(), feed() and finish() of
// each is counted, and each is given what is left as its deadline before
// every call. Once nothing is left, a document is not opened: its part is
// uninspected "time-limit" (a warning is logged once per message). Time
// spent waiting for the MTA between calls is not counted. A wait for a
// free process in open() ends at the reader's own timeout or when the
// budget runs out, whichever comes first (then: "time-limit").
class DocumentBudget : public mime::DocumentReader {
 public:
  DocumentBudget(const mime::DocumentReader& inner, std::chrono::milliseconds budget)
      : inner_(inner), budget_(budget), left_(budget) {}
  std::unique_ptr<mime::Document> open(std::string_view kind) const override;
  bool reads(std::string_view kind) const override { return inner_.reads(kind); }
  uint64_t min_bytes(std::string_view kind) const override { return inner_.min_bytes(kind); }
  // Time left (at most the budget, at least 0).
  std::chrono::steady_clock::duration left() const { return left_; }

 private:
  class Budgeted;
  void spend(std::chrono::steady_clock::duration d) const;
  void spent_all() const;  // the warning, once

  const mime::DocumentReader& inner_;
  const std::chrono::milliseconds budget_;
  mutable std::chrono::steady_clock::duration left_;
  mutable bool warned_ = false;
};

// Whether a child that ran out of `timeout` (wall clock) after using
// `cpu_seconds` of CPU was slowed by the machine (less than half its time
// on the CPU: "unavailable", retried) rather than by the document.
bool slowed_by_machine(double cpu_seconds, std::chrono::milliseconds timeout);

// The Walker's DocumentReader: PDFs to `pdf`, images to `ocr`, Word, Excel
// and PowerPoint 97-2003 files ("office") to `office`, 7z and RAR archives
// ("archive") to `archive` (each may be null).
class Converters : public mime::DocumentReader {
 public:
  Converters(std::shared_ptr<const mime::DocumentReader> pdf, std::shared_ptr<const mime::DocumentReader> ocr,
             std::shared_ptr<const mime::DocumentReader> office = nullptr,
             std::shared_ptr<const mime::DocumentReader> archive = nullptr)
      : pdf_(std::move(pdf)), ocr_(std::move(ocr)), office_(std::move(office)), archive_(std::move(archive)) {}
  std::unique_ptr<mime::Document> open(std::string_view kind) const override;
  std::unique_ptr<mime::Document> open_until(std::string_view kind,
                                             std::chrono::steady_clock::time_point deadline) const override;
  bool reads(std::string_view kind) const override;
  uint64_t min_bytes(std::string_view kind) const override;

 private:
  const mime::DocumentReader* reader(std::string_view kind) const;
  std::shared_ptr<const mime::DocumentReader> pdf_, ocr_, office_, archive_;
};

}  // namespace phi

#endif
