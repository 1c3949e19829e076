// log - Boost.Log sinks for syslog, stderr and files; one line format.
#include "milter/log.h"

#include <unistd.h>

#include <atomic>
#include <ctime>
#include <boost/log/core.hpp>
#include <boost/log/expressions.hpp>
#include <boost/log/sinks/sync_frontend.hpp>
#include <boost/log/sinks/syslog_backend.hpp>
#include <boost/log/sinks/text_ostream_backend.hpp>
#include <boost/log/sources/severity_logger.hpp>
#include <boost/core/null_deleter.hpp>
#include <boost/make_shared.hpp>
#include <fstream>
#include <iostream>
#include <mutex>
#include <vector>

#include "milter/util/log_record.h"
#include "milter/util/files.h"
#include "milter/util/sanitize.h"

namespace phi {
namespace {

namespace blog = boost::log;
namespace sinks = boost::log::sinks;

constexpr size_t kMaxLogLineBytes = 2000;
std::atomic<int> g_min_level{static_cast<int>(LogLevel::Info)};
std::mutex g_setup_mutex;

LogLevel level_from_name(const std::string& n) {
  if (n == "error") return LogLevel::Error;
  if (n == "warning") return LogLevel::Warning;
  if (n == "notice") return LogLevel::Notice;
  if (n == "debug") return LogLevel::Debug;
  return LogLevel::Info;
}

const char* level_name(LogLevel l) {
  switch (l) {
    case LogLevel::Error: return "error";
    case LogLevel::Warning: return "warning";
    case LogLevel::Notice: return "notice";
    case LogLevel::Info: return "info";
    case LogLevel::Debug: return "debug";
  }
  return "info";
}

sinks::syslog::facility facility_from_name(const std::string& n) {
  if (n == "daemon") return sinks::syslog::daemon;
  if (n.size() == 6 && n.rfind("local", 0) == 0) {
    static const sinks::syslog::facility locals[] = {
        sinks::syslog::local0, sinks::syslog::local1, sinks::syslog::local2, sinks::syslog::local3,
        sinks::syslog::local4, sinks::syslog::local5, sinks::syslog::local6, sinks::syslog::local7};
    int i = n[5] - '0';
    if (i >= 0 && i < 8) return locals[i];
  }
  return sinks::syslog::mail;
}

// Operational sinks (guarded by g_setup_mutex). Reloads replace only these:
// the audit log's own sinks (milter/audit/writer.cc) stay attached, and
// records carrying its "AuditSink" attribute never reach an operational sink.
std::vector<boost::shared_ptr<sinks::sink>> g_sinks;

void add_operational_sink(boost::shared_ptr<sinks::basic_sink_frontend> sink) {
  sink->set_filter(!blog::expressions::has_attr<unsigned>("AuditSink"));
  blog::core::get()->add_sink(sink);
  g_sinks.push_back(sink);
}

void remove_operational_sinks() {
  for (auto& s : g_sinks) blog::core::get()->remove_sink(s);
  g_sinks.clear();
}

// A file sink prefixes each line like syslog does ("2026-12-02T05:00:00Z
// phimilter[123]: "), so a LogTarget file can be read without syslog.
void add_stream_sink(boost::shared_ptr<std::ostream> stream, bool stamped) {
  using Sink = sinks::synchronous_sink<sinks::text_ostream_backend>;
  auto backend = boost::make_shared<sinks::text_ostream_backend>();
  backend->add_stream(stream);
  backend->auto_flush(true);
  auto sink = boost::make_shared<Sink>(backend);
  if (stamped) {
    sink->set_formatter([](const blog::record_view& rec, blog::formatting_ostream& out) {
      out << format_utc(std::time(nullptr)) << " phimilter[" << ::getpid() << "]: " << rec[blog::expressions::smessage];
    });
  }
  add_operational_sink(sink);
}

blog::sources::severity_logger_mt<int>& logger() {
  static blog::sources::severity_logger_mt<int> lg;
  return lg;
}

}  // namespace

void log_setup_stderr(LogLevel min_level) {
  std::lock_guard lock(g_setup_mutex);
  remove_operational_sinks();
  add_stream_sink(boost::shared_ptr<std::ostream>(&std::clog, boost::null_deleter()), false);
  g_min_level = static_cast<int>(min_level);
}

Result<void> log_setup(const Settings& s) {
  std::lock_guard lock(g_setup_mutex);
  boost::shared_ptr<std::ostream> file;
  if (s.LogTarget != "syslog" && s.LogTarget != "stderr") {
    auto f = boost::make_shared<std::ofstream>(s.LogTarget, std::ios::app);
    if (!*f) return Error{"LogTarget " + s.LogTarget + ": cannot open for appending"};
    file = f;
  }
  remove_operational_sinks();
  if (s.LogTarget == "syslog") {
    using Sink = sinks::synchronous_sink<sinks::syslog_backend>;
    auto backend = boost::make_shared<sinks::syslog_backend>(
        blog::keywords::facility = facility_from_name(s.SyslogFacility),
        blog::keywords::use_impl = sinks::syslog::native, blog::keywords::ident = "phimilter");
    sinks::syslog::custom_severity_mapping<int> mapping("Severity");
    mapping[static_cast<int>(LogLevel::Error)] = sinks::syslog::error;
    mapping[static_cast<int>(LogLevel::Warning)] = sinks::syslog::warning;
    mapping[static_cast<int>(LogLevel::Notice)] = sinks::syslog::notice;
    mapping[static_cast<int>(LogLevel::Info)] = sinks::syslog::info;
    mapping[static_cast<int>(LogLevel::Debug)] = sinks::syslog::debug;
    backend->set_severity_mapper(mapping);
    add_operational_sink(boost::make_shared<Sink>(backend));
  } else if (s.LogTarget == "stderr") {
    add_stream_sink(boost::shared_ptr<std::ostream>(&std::clog, boost::null_deleter()), false);
  } else {
    add_stream_sink(file, true);
  }
  g_min_level = static_cast<int>(level_from_name(s.LogLevel));
  return Ok();
}

namespace {
thread_local const std::string* t_scope_qid = nullptr;  // the innermost LogScope's, if any
}  // namespace

LogScope::LogScope(std::string_view qid) : qid_(qid), previous_(t_scope_qid) { t_scope_qid = &qid_; }
LogScope::~LogScope() { t_scope_qid = previous_; }

void log_line(LogLevel level, std::string_view qid, std::string_view module, std::string_view text) {
  if (static_cast<int>(level) > g_min_level.load(std::memory_order_relaxed)) return;
  if (qid.empty() && t_scope_qid) qid = *t_scope_qid;
  std::string line;
  line.reserve(qid.size() + module.size() + text.size() + 8);
  line += qid.empty() ? std::string_view("NOQUEUE") : qid;
  line += ": ";
  line += module;
  line += ": ";
  line += text;
  line = sanitize_log_text(line, kMaxLogLineBytes);
  auto& lg = logger();
  if (auto rec = lg.open_record(blog::keywords::severity = static_cast<int>(level))) {
    if (level <= LogLevel::Warning) line.insert(0, std::string(level_name(level)) + ": ");
    set_record_message(rec, std::move(line));
    lg.push_record(std::move(rec));
  }
}

}  // namespace phi
