// hl7_fuzz - HL7 v2 as labelled text (Hl7Text, and Hl7Lines finding it in any text, also through filter()) whole
// and split, a buffer per call, a result's PDF counted, and an HL7 attachment through the Walker; output, what is
// unread, decoding errors and events must not depend on the split.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "milter/mime/hl7.h"
#include "tests/fuzz/counting_document.h"
#include "tests/fuzz/split_feed.h"
#include "tests/fuzz/walker_log_sink.h"

namespace {

// Hl7Lines::filter in pieces: what it hands on, the input itself or its buffer.
struct Filtered {
  phi::mime::fuzz::CountingDocument doc;
  phi::mime::Hl7Lines lines{&doc};
  std::string buf;
  void feed(std::string_view in, std::string& out) { out.append(lines.filter(in, buf)); }
  void finish(std::string& out) { lines.finish(out); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using phi::mime::fuzz::feed_split;
  using phi::mime::fuzz::feed_whole;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  phi::mime::fuzz::CountingDocument docs[4];
  phi::mime::Hl7Text whole(&docs[0]), split(&docs[1]);
  if (feed_split(split, in) != feed_whole(whole, in) || split.unread() != whole.unread() ||
      split.had_errors() != whole.had_errors())
    std::abort();
  phi::mime::Hl7Lines lines_whole(&docs[2]), lines_split(&docs[3]);
  Filtered filtered;
  std::string lines = feed_whole(lines_whole, in);
  if (feed_split(lines_split, in) != lines || feed_split(filtered, in) != lines) std::abort();
  if (lines_split.unread() != lines_whole.unread() || filtered.lines.unread() != lines_whole.unread() ||
      lines_split.had_errors() != lines_whole.had_errors())
    std::abort();
  phi::mime::fuzz::check_attachment_split(in, "application/hl7-v2");
  return 0;
}
