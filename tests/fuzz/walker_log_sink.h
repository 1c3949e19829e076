// NAME
//   walker_log_sink - a Sink for the Walker's fuzz targets that logs every event as one string
// SYNOPSIS
//   phi::mime::fuzz::LogSink sink; phi::mime::Walker w(lim, sink); ...; sink.log_
// DESCRIPTION
//   Part begins, texts, ends and uninspected reports in order; consecutive
//   Body texts of a part are joined, so that the log does not depend on how
//   the input was split. Two runs of one input compare their logs:
//   check_attachment_split(in, content_type) walks `in` as the bytes of an
//   attachment of that type (no transfer encoding) whole and in chunks of
//   1 to 97 bytes, and aborts when the two logs differ.
// THREADS
//   Fuzz targets only.
#ifndef PHI_TESTS_FUZZ_WALKER_LOG_SINK_H
#define PHI_TESTS_FUZZ_WALKER_LOG_SINK_H

#include <cstdlib>
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

// The Walker's log for `in` as one attachment of `content_type`, fed whole
// or (split) in pseudo-random chunks drawn from `seed`.
inline std::string walk_attachment(std::string_view in, const char* content_type, unsigned seed, bool split) {
  LogSink sink;
  phi::mime::Limits lim;
  lim.max_parts = 64;
  lim.max_part_bytes = 1 << 18;
  phi::mime::Walker w(lim, sink);
  w.header("Content-Type", content_type);
  w.header("Content-Transfer-Encoding", "binary");
  w.end_of_headers();
  while (!in.empty()) {
    seed = seed * 1103515245u + 12345u;
    size_t n = split ? 1 + (seed >> 16) % 97 : in.size();
    if (n > in.size()) n = in.size();
    w.body(in.substr(0, n));
    in.remove_prefix(n);
  }
  w.finish();
  return sink.log_ + (w.had_errors() ? "\n!" : "\n.") + (w.truncated() ? "t" : "");
}

inline void check_attachment_split(std::string_view in, const char* content_type) {
  unsigned seed = in.empty() ? 7u : static_cast<unsigned char>(in[in.size() / 2]);
  if (walk_attachment(in, content_type, seed, false) != walk_attachment(in, content_type, seed, true)) std::abort();
}

}  // namespace phi::mime::fuzz

#endif
