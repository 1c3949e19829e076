// NAME
//   milter - the libmilter glue: callbacks, socket, reload, run
// SYNOPSIS
//   Result<void> milter_setup(ConfigHolder& cfg, AuditService* audit); // register + smfi_setconn
//   Result<void> milter_open_socket();              // after dropping privileges
//   int milter_run(const std::string& config_path); // smfi_main; SIGUSR1 reloads
// DESCRIPTION
//   The only code that includes <libmilter/mfapi.h>. Each xxfi_* callback is
//   a few lines inside guarded(), which finds the connection's Session
//   (smfi_getpriv), catches every exception and answers OnInternalError, so
//   that no exception reaches C. A Session is created in xxfi_connect with
//   the configuration snapshot of that moment and freed in xxfi_close.
//   SIGUSR1 builds a whole new Config from the file and swaps it in only
//   when it is valid; otherwise the old one keeps running and the reason is
//   logged. Either way it then hands the audit service the configuration
//   (reopening a rotated audit log). Sessions get the audit service through
//   SessionServices. SIGTERM and SIGHUP stop libmilter gracefully.
// THREADS
//   libmilter runs callbacks on a pool of threads; a connection's callbacks
//   never run at the same time.
#ifndef PHI_MILTER_MILTER_H
#define PHI_MILTER_MILTER_H

#include <string>

#include "milter/audit_service.h"
#include "milter/config.h"
#include "milter/util/result.h"

namespace phi {

// `audit` (may be null) must outlive milter_run(); the caller opens it.
Result<void> milter_setup(ConfigHolder& holder, AuditService* audit = nullptr);
Result<void> milter_open_socket();
int milter_run(const std::string& config_path, bool missing_ok);

}  // namespace phi

#endif
