// NAME
//   log - operational logging through Boost.Log (syslog, stderr or a file)
// SYNOPSIS
//   Result<void> log_setup(const Settings&);      // once at start, again on reload
//   void log_line(LogLevel, std::string_view qid, std::string_view module,
//                 std::string_view text);
// DESCRIPTION
//   Every line reads "<queue-id>: <module>: <what>[: <why>]" ("NOQUEUE" when
//   no queue id is known yet), so an operator can grep one message's story.
//   Callers never pass message content: categories, counts and offsets only.
//   The text is passed through sanitize_log_text() (no CR/LF, bounded).
// THREADS
//   Any thread; Boost.Log serialises the sinks.
#ifndef PHI_MILTER_LOG_H
#define PHI_MILTER_LOG_H

#include <string_view>

#include "milter/config.h"
#include "milter/util/result.h"

namespace phi {

enum class LogLevel { Error = 0, Warning, Notice, Info, Debug };

Result<void> log_setup(const Settings& s);
// Logs to stderr at the given level until log_setup() is called.
void log_setup_stderr(LogLevel min_level);
void log_line(LogLevel level, std::string_view qid, std::string_view module, std::string_view text);

}  // namespace phi

#endif
