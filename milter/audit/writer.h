// NAME
//   audit/writer - append chained, HMAC-sealed records to the audit log
// SYNOPSIS
//   Result<AuditOptions> make_audit_options(path, key_file, checkpoint_interval,
//                                           checkpoint_file, sync);
//   Result<std::unique_ptr<AuditLog>> AuditLog::open(AuditOptions, CheckpointSink = {}, Clock = {},
//                                                    ProblemSink = {});
//   Result<void> log->append_message(const MessageEvent&);   // once per message
//   Result<void> log->append_admin(const AdminEvent&);       // release, purge
//   Result<void> log->reopen();                  // SIGUSR1 / rotation
//   Result<void> log->reconfigure(AuditOptions); // reload with new settings
//   Result<void> log->checkpoint();              // force a checkpoint now
//   ChainHead log->head() const;
// DESCRIPTION
//   Records go through Boost.Log: each AuditLog adds its own synchronous
//   sink whose filter accepts only records carrying its "AuditSink"
//   attribute (the operational sinks in milter/log.cc reject every record
//   that carries it), and whose backend write()s the line. With AuditSync
//   yes append_*() returns only once the record is fsynced; the fsync is a
//   group commit: one fsync covers every record written before it, so
//   messages that finish together share one (with no, fsync only at
//   checkpoints, reopen and close). A failed fsync is an error for every
//   record it was to cover (their lines stay in the file). The
//   backend records the outcome of each write, and append_*() returns it:
//   an error whenever the line did not reach the file, even if a Boost.Log
//   exception handler swallowed the exception. A failed write is cut off
//   again (ftruncate) and the chain head does not advance, so the next
//   record links to the last one really written. The daemon answers
//   tempfail on an error (OnAuditError).
//   open() reads the tail of an existing file (about two records' worth
//   from the end) to continue its chain; for an empty file the last
//   checkpoint in AuditCheckpointFile, if any, supplies the previous head.
//   AuditCheckpointFile must be a regular file or not exist: anything else
//   (a FIFO) is refused by make_audit_options() (the configuration, with
//   a path whose directory does not exist), by open() and by each
//   checkpoint, never waited on.
//   A file whose last line is not a record (a writer stopped mid-record,
//   and perhaps again while recovering) gets that line ended, and the next
//   record written is a start record continuing from the last whole record,
//   which verify takes as the recovery from those torn lines.
//   Every open and reopen starts with a "start" record naming the previous
//   head. reopen() opens the path afresh when the open file was moved or
//   removed (inode or device changed) and otherwise keeps it.
//   A checkpoint record is written every checkpoint_records records and/or
//   after checkpoint_seconds, on reopen and on close; its "seq=N head=H"
//   line is also appended to AuditCheckpointFile or, without one, given to
//   the CheckpointSink (the daemon passes syslog). A checkpoint that
//   fails when it falls due or on close (the checkpoint file cannot be
//   written, or became a FIFO) does not fail the record that triggered it:
//   the ProblemSink (the daemon: a warning in syslog) hears of the first
//   failure of a run, naming the cause, and of the next checkpoint that
//   succeeds again; the next due checkpoint is the retry.
//   Several processes may append to one file (the daemon and
//   phimilterctl's release/purge records): each record is written under an
//   exclusive flock(2), and a writer that finds the file grown since its own
//   last record takes the chain head from the file's last record first.
// THREADS
//   All members are safe to call from any thread; one mutex serialises
//   the writing of records, so their order is total. The group commit's
//   fsync runs outside it: other threads write their records meanwhile and
//   the next fsync covers them all.
#ifndef PHI_AUDIT_WRITER_H
#define PHI_AUDIT_WRITER_H

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "milter/audit/crypto.h"
#include "milter/audit/record.h"
#include "milter/util/result.h"

namespace phi::audit {

struct AuditOptions {
  std::string path;                 // AuditLog
  AuditKey key;                     // from AuditKeyFile
  uint64_t checkpoint_records = 0;  // 0: not by count
  uint64_t checkpoint_seconds = 0;  // 0: not by time
  std::string checkpoint_file;      // AuditCheckpointFile, "" = CheckpointSink
  bool sync_each = true;            // AuditSync
};

// Parses AuditCheckpointInterval: "N" (records), "Ns|Nm|Nh|Nd" (time), "0" (off).
Result<void> parse_checkpoint_interval(std::string_view text, AuditOptions& out);
// Builds options from the configuration values; loads and checks the key
// (which key_owner or root must own; see load_audit_key()).
Result<AuditOptions> make_audit_options(const std::string& path, const std::string& key_file,
                                        std::string_view checkpoint_interval, const std::string& checkpoint_file,
                                        bool sync, uid_t key_owner);

// Reads the last checkpoint ("seq=N head=H" anywhere in a line, or "N:H")
// from text such as a checkpoint file or a syslog extract.
std::optional<ChainHead> parse_last_checkpoint(std::string_view text);
// The line written to AuditCheckpointFile / the sink for a checkpoint.
std::string format_checkpoint_line(const ChainHead& head, int64_t time, std::string_view log_path);

class AuditLog {
 public:
  using CheckpointSink = std::function<void(std::string_view line)>;
  using Clock = std::function<int64_t()>;
  using ProblemSink = std::function<void(std::string_view message)>;

  static Result<std::unique_ptr<AuditLog>> open(AuditOptions opts, CheckpointSink sink = {}, Clock clock = {},
                                                ProblemSink problems = {});
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  Result<void> append_message(const MessageEvent& e);
  Result<void> append_admin(const AdminEvent& e);
  Result<void> reopen();
  Result<void> reconfigure(AuditOptions opts);
  Result<void> checkpoint();
  ChainHead head() const;

  struct Impl;

 private:
  explicit AuditLog(std::unique_ptr<Impl> impl);
  Result<void> append(RecordKind kind, const std::function<void(JsonWriter&)>& body, int64_t time);
  std::unique_ptr<Impl> impl_;
};

}  // namespace phi::audit

#endif
