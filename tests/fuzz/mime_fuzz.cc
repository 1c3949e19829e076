// mime_fuzz - the whole MIME walker on one message, body split into chunks derived from the data;
// the events must not depend on the split.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "milter/mime/walker.h"

namespace {

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

std::string run(std::string_view in, unsigned seed, bool split) {
  LogSink sink;
  phi::mime::Limits lim;
  lim.max_depth = 8;
  lim.max_parts = 64;
  lim.max_part_bytes = 1 << 16;
  phi::mime::Walker w(lim, sink);
  size_t end = in.find("\n\n");
  std::string_view head = end == std::string_view::npos ? in : in.substr(0, end);
  std::string_view body = end == std::string_view::npos ? std::string_view() : in.substr(end + 2);
  while (!head.empty()) {
    size_t nl = head.find('\n');
    std::string_view line = head.substr(0, nl);
    head = nl == std::string_view::npos ? std::string_view() : head.substr(nl + 1);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos) w.header(line.substr(0, colon), line.substr(colon + 1));
  }
  w.end_of_headers();
  while (!body.empty()) {
    seed = seed * 1103515245u + 12345u;
    size_t n = split ? 1 + (seed >> 16) % 97 : body.size();
    if (n > body.size()) n = body.size();
    w.body(body.substr(0, n));
    body.remove_prefix(n);
  }
  w.finish();
  return sink.log_ + (w.had_errors() ? "\n!" : "\n.");
}

}  // namespace

// Input: header lines up to the first blank line (fed one field at a time, as
// libmilter does), then the body, whole and in chunks whose sizes come from the first byte.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  unsigned seed = in.empty() ? 7u : static_cast<unsigned char>(in[0]);
  if (run(in, seed, false) != run(in, seed, true)) std::abort();
  return 0;
}
