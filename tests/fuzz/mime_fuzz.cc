// mime_fuzz - the whole MIME walker on one message, body split into chunks derived from the data;
// the events (and the bytes handed to the PDF and image reader) must not depend on the split.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "milter/mime/walker.h"
#include "tests/fuzz/walker_log_sink.h"

namespace {

using phi::mime::fuzz::LogSink;

std::string run(std::string_view in, unsigned seed, bool split) {
  LogSink sink;
  phi::mime::Limits lim;
  lim.max_depth = 8;
  lim.max_parts = 64;
  lim.max_part_bytes = 1 << 16;
  lim.max_documents = 5;
  phi::mime::fuzz::EchoReader documents;
  phi::mime::Walker w(lim, sink, &documents);
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
