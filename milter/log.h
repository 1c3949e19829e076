// NAME
//   log - operational logging through Boost.Log (syslog, stderr or a file)
// SYNOPSIS
//   Result<void> log_setup(const Settings&);      // once at start, again on reload
//   LogScope scope(queue_id);                     // this thread works on that message
//   void log_line(LogLevel, std::string_view qid, std::string_view module,
//                 std::string_view text);
// DESCRIPTION
//   Every line reads "<queue-id>: <module>: <what>[: <why>]" ("NOQUEUE" when
//   no queue id is known yet), so an operator can grep one message's story.
//   Callers never pass message content: categories, counts and offsets only.
//   The text is passed through sanitize_log_text() (no CR/LF, bounded).
//   A LogScope names the message a thread is working on: while it lives,
//   lines logged on that thread with an empty qid get its queue id, so the
//   modules below the session (the PDF and OCR converters) need not know
//   which message they serve.
// THREADS
//   Any thread; Boost.Log serialises the sinks.
#ifndef PHI_MILTER_LOG_H
#define PHI_MILTER_LOG_H

#include <string>
#include <string_view>

#include "milter/config.h"
#include "milter/util/result.h"

namespace phi {

enum class LogLevel { Error = 0, Warning, Notice, Info, Debug };

Result<void> log_setup(const Settings& s);
// Logs to stderr at the given level until log_setup() is called.
void log_setup_stderr(LogLevel min_level);
void log_line(LogLevel level, std::string_view qid, std::string_view module, std::string_view text);

class LogScope {
 public:
  explicit LogScope(std::string_view qid);
  ~LogScope();
  LogScope(const LogScope&) = delete;
  LogScope& operator=(const LogScope&) = delete;

 private:
  std::string qid_;
  const std::string* previous_;
};

}  // namespace phi

#endif
