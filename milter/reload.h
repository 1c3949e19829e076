// NAME
//   reload - install a reloaded configuration, or keep the running one whole
// SYNOPSIS
//   Result<std::vector<std::string>> r = install_reload(holder, started, next);
// DESCRIPTION
//   SIGUSR1 builds a new Config (load_config); install_reload then re-opens
//   the operational log for it (log_setup) and only when that works stores
//   it in the holder. When log_setup fails nothing changes: the holder keeps
//   the running snapshot and the old log sinks stay, and the error says so.
//   On success it answers one warning per key that is read only at start
//   (start_only_keys) whose value differs from `started`, the settings the
//   daemon started with: "KEY changed: takes effect at the next restart".
// THREADS
//   The reload thread; the holder swap is atomic.
#ifndef PHI_MILTER_RELOAD_H
#define PHI_MILTER_RELOAD_H

#include <memory>
#include <string>
#include <vector>

#include "milter/config.h"
#include "milter/util/result.h"

namespace phi {

Result<std::vector<std::string>> install_reload(ConfigHolder& holder, const Settings& started,
                                                std::shared_ptr<const Config> next);

}  // namespace phi

#endif
