// NAME
//   recording_sink - a test Sink that records the Walker's calls as one string
// SYNOPSIS
//   RecordingSink s; Walker w(Limits{}, s); ...; s.log; s.body("1"); s.reasons
// DESCRIPTION
//   log lists events as "begin 1 text/plain", "body 1: ...", "subject 0: ...",
//   "name 0: ...", "file 1: ...", "uninspected 2 application/pdf: pdf",
//   "end 1"; consecutive body texts of a part are joined so that the log
//   does not depend on chunking. feed_message() splits a raw message into
//   header fields and body and feeds the body in the given chunk sizes.
// THREADS
//   Test only.
#ifndef PHI_TESTS_MIME_RECORDING_SINK_H
#define PHI_TESTS_MIME_RECORDING_SINK_H

#include <string>
#include <string_view>
#include <vector>

#include "milter/mime/walker.h"

namespace phi::mime::test {

class RecordingSink : public Sink {
 public:
  void part_begin(const PartInfo& p) override { add("begin " + p.id + " " + p.content_type); }
  void text(const PartInfo& p, TextKind k, std::string_view t) override {
    static const char* kinds[] = {"body", "subject", "file", "name"};
    std::string head = std::string(kinds[static_cast<int>(k)]) + " " + p.id + ": ";
    if (k == TextKind::Body && !events.empty() && events.back().rfind(head, 0) == 0) {
      events.back().append(t);
      return;
    }
    add(head + std::string(t));
  }
  void part_end(const PartInfo& p) override { add("end " + p.id); }
  void uninspected(const PartInfo& p, std::string_view reason) override {
    add("uninspected " + p.id + " " + p.content_type + ": " + std::string(reason));
    reasons.emplace_back(reason);
  }
  // The body text of part `id` ("" if none).
  std::string body(const std::string& id) const {
    for (const auto& e : events)
      if (e.rfind("body " + id + ": ", 0) == 0) return e.substr(7 + id.size());
    return {};
  }
  std::string log() const {
    std::string out;
    for (const auto& e : events) out += e + "\n";
    return out;
  }
  std::vector<std::string> events;
  std::vector<std::string> reasons;

 private:
  void add(std::string e) { events.push_back(std::move(e)); }
};

// Feeds a raw message (LF or CRLF lines): header fields one by one, then the
// body in chunks of `chunk` bytes (0: all at once). Returns the Walker's error flag.
inline bool feed_message(Walker& w, std::string_view msg, size_t chunk = 0) {
  size_t end = msg.find("\r\n\r\n");
  size_t skip = 4;
  if (end == std::string_view::npos || msg.find("\n\n") < end) { end = msg.find("\n\n"); skip = 2; }
  std::string_view head = msg.substr(0, end);
  std::string_view body = end == std::string_view::npos ? std::string_view() : msg.substr(end + skip);
  std::string field;
  auto flush = [&] {
    size_t c = field.find(':');
    if (c != std::string::npos) w.header(std::string_view(field).substr(0, c), std::string_view(field).substr(c + 1));
    field.clear();
  };
  while (!head.empty()) {
    size_t nl = head.find('\n');
    std::string_view line = head.substr(0, nl);
    head = nl == std::string_view::npos ? std::string_view() : head.substr(nl + 1);
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) { field += "\r\n"; field += line; continue; }
    flush();
    field = std::string(line);
    if (!field.empty() && field.back() == '\r') field.pop_back();
  }
  flush();
  w.end_of_headers();
  if (chunk == 0) chunk = body.size() + 1;
  for (size_t i = 0; i < body.size(); i += chunk) w.body(body.substr(i, chunk));
  w.finish();
  return w.had_errors();
}

}  // namespace phi::mime::test

#endif
