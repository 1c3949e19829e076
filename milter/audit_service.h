// NAME
//   audit_service - the daemon's one audit log, shared by all sessions
// SYNOPSIS
//   AuditService svc;                        // process-wide, outlives sessions
//   Result<void> svc.configure(const Config&);   // at start and on SIGUSR1
//   Result<void> svc.reopen();                   // SIGUSR1 with a bad new file
//   bool svc.enabled() const;
//   Result<void> svc.append(const audit::MessageEvent&);
//   void svc.close();                            // closing checkpoint
// DESCRIPTION
//   An audit::AuditLog holds an open file and the chain head, so it cannot
//   live in the immutable Config snapshot: this holder owns it for the life
//   of the process. configure() opens the log named by cfg.audit (AuditLog),
//   hands an existing log its new settings (AuditLog::reconfigure, which
//   also follows a rotated file and keeps the chain), or closes it when
//   AuditLog is no longer set. Checkpoint lines go to the operational log
//   (log_line, Notice, module "audit") unless AuditCheckpointFile is set;
//   a checkpoint that cannot be recorded is a warning there (the first of
//   a run, then "recorded again").
//   When the log cannot be opened (at start, after a rotation or a reload)
//   the service stays enabled but broken: every append() first tries to
//   open it again and fails until it can, so each message gets the
//   OnAuditError answer and the daemon recovers without a restart once the
//   cause is fixed.
// THREADS
//   All members are safe from any thread. One mutex serialises them, except
//   that append() holds it only to take the log: the record is written and
//   fsynced under the log's own locks, so messages of other threads write
//   theirs meanwhile and share the fsync (AuditLog's group commit). A log
//   that configure() drops while a record is being appended closes when that
//   append ends; close() waits for appends in progress.
#ifndef PHI_MILTER_AUDIT_SERVICE_H
#define PHI_MILTER_AUDIT_SERVICE_H

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>

#include "milter/audit/writer.h"
#include "milter/config.h"
#include "milter/util/result.h"

namespace phi {

class AuditService {
 public:
  AuditService() = default;
  ~AuditService();
  AuditService(const AuditService&) = delete;
  AuditService& operator=(const AuditService&) = delete;

  // Applies cfg.audit: open, reconfigure, or close. An error names the log;
  // the service then retries at the next append().
  Result<void> configure(const Config& cfg);
  // Follows a rotated file (SIGUSR1 when the new configuration is bad).
  Result<void> reopen();
  bool enabled() const;
  // One message record; an error when it did not reach the file.
  Result<void> append(const audit::MessageEvent& e);
  // Closes the log with a checkpoint; enabled() is false afterwards.
  void close();

 private:
  Result<void> ensure_open_locked();

  mutable std::mutex mu_;
  std::optional<audit::AuditOptions> opts_;  // set while AuditLog is configured
  std::shared_ptr<audit::AuditLog> log_;
  bool needs_reopen_ = false;  // the last reopen/reconfigure failed
  unsigned appending_ = 0;     // append() calls past taking log_
  std::condition_variable idle_;  // appending_ fell to 0
};

}  // namespace phi

#endif
