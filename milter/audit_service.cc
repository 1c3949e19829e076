// audit_service - owns the process's audit log across reloads and rotations (see audit_service.h).
#include "milter/audit_service.h"

#include <string>

#include "milter/log.h"

namespace phi {
namespace {

void checkpoint_to_log(std::string_view line) { log_line(LogLevel::Notice, "", "audit", line); }
void problem_to_log(std::string_view message) { log_line(LogLevel::Warning, "", "audit", message); }

}  // namespace

AuditService::~AuditService() { close(); }

Result<void> AuditService::configure(const Config& cfg) {
  std::lock_guard lock(mu_);
  if (!cfg.audit) {
    log_.reset();  // ~AuditLog writes the closing checkpoint
    opts_.reset();
    needs_reopen_ = false;
    return Ok();
  }
  opts_ = *cfg.audit;
  if (!log_) return ensure_open_locked();
  auto r = log_->reconfigure(*opts_);
  needs_reopen_ = !r;
  return r;
}

Result<void> AuditService::reopen() {
  std::lock_guard lock(mu_);
  if (!opts_) return Ok();
  if (!log_) return ensure_open_locked();
  auto r = log_->reopen();
  needs_reopen_ = !r;
  return r;
}

bool AuditService::enabled() const {
  std::lock_guard lock(mu_);
  return opts_.has_value();
}

Result<void> AuditService::ensure_open_locked() {
  if (!log_) {
    auto l = audit::AuditLog::open(*opts_, checkpoint_to_log, {}, problem_to_log);
    if (!l) return l.error();
    log_ = std::move(*l);
    needs_reopen_ = false;
    return Ok();
  }
  if (needs_reopen_) {
    if (auto r = log_->reopen(); !r) return r;
    needs_reopen_ = false;
  }
  return Ok();
}

Result<void> AuditService::append(const audit::MessageEvent& e) {
  std::shared_ptr<audit::AuditLog> log;
  {
    std::lock_guard lock(mu_);
    if (!opts_) return Error{"audit log not configured"};
    if (auto r = ensure_open_locked(); !r) return r;
    log = log_;
    ++appending_;
  }
  struct Done {  // drops the reference first, so that close() finds the log unshared
    AuditService& svc;
    std::shared_ptr<audit::AuditLog>& log;
    ~Done() {
      log.reset();
      std::lock_guard lock(svc.mu_);
      if (--svc.appending_ == 0) svc.idle_.notify_all();
    }
  } done{*this, log};
  return log->append_message(e);
}

void AuditService::close() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [this] { return appending_ == 0; });
  log_.reset();
  opts_.reset();
  needs_reopen_ = false;
}

}  // namespace phi
