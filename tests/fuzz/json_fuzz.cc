// json_fuzz - JSON-to-text (JsonText) whole and split, a buffer per call, and an application/json attachment
// through the Walker; output and events must not depend on the split.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "milter/mime/json_text.h"
#include "tests/fuzz/split_feed.h"
#include "tests/fuzz/walker_log_sink.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  phi::mime::JsonText whole, split;
  if (phi::mime::fuzz::feed_split(split, in) != phi::mime::fuzz::feed_whole(whole, in) ||
      split.had_errors() != whole.had_errors())
    std::abort();
  phi::mime::fuzz::check_attachment_split(in, "application/json");
  return 0;
}
