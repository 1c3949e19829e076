// reload - install a reloaded configuration only when its log opens (see reload.h).
#include "milter/reload.h"

#include "milter/log.h"

namespace phi {

Result<std::vector<std::string>> install_reload(ConfigHolder& holder, const Settings& started,
                                                std::shared_ptr<const Config> next) {
  if (auto r = log_setup(next->settings); !r) return r.error();
  std::vector<std::string> warnings;
  for (const auto& key : changed_start_only_keys(started, next->settings))
    warnings.push_back(key + " changed: takes effect at the next restart");
  holder.store(std::move(next));
  return warnings;
}

}  // namespace phi
