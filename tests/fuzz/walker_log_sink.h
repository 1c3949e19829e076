// NAME
//   walker_log_sink - a Sink for the Walker's fuzz targets that logs every event as one string
// SYNOPSIS
//   phi::mime::fuzz::LogSink sink; phi::mime::Walker w(lim, sink); ...; sink.log_
// DESCRIPTION
//   Part begins, texts, ends and uninspected reports in order; consecutive
//   Body texts of a part are joined, so that the log does not depend on how
//   the input was split. Two runs of one input compare their logs.
// THREADS
//   Fuzz targets only.
#ifndef PHI_TESTS_FUZZ_WALKER_LOG_SINK_H
#define PHI_TESTS_FUZZ_WALKER_LOG_SINK_H

#include <string>
#include <string_view>

#include "milter/mime/walker.h"

namespace phi::mime::fuzz {

// Records events; consecutive Body texts of a part are joined.
class LogSink : public phi::mime::Sink {
 public:
  void part_begin(const phi::mime::PartInfo& p) override { log_ += "\nB" + p.id + p.content_type + p.filename; }
  void text(const phi::mime::PartInfo& p, phi::mime::TextKind k, std::string_view t) override {
    std::string head = "\nT" + p.id + std::to_string(static_cast<int>(k)) + ":";
    if (k != phi::mime::TextKind::Body || last_ != head) log_ += head;
    log_.append(t);
    last_ = head;
  }
  void part_end(const phi::mime::PartInfo& p) override { log_ += "\nE" + p.id; last_.clear(); }
  void uninspected(const phi::mime::PartInfo& p, std::string_view r) override {
    log_ += "\nU" + p.id + std::string(r);
    last_.clear();
  }
  std::string log_, last_;
};

}  // namespace phi::mime::fuzz

#endif
