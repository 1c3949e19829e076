// xml_fuzz - XML-to-text (XmlToText, Runs, Elements and Data modes, the first byte picks one) whole and split,
// and an application/xml attachment through the Walker; output and events must not depend on the split.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "milter/mime/xml_text.h"
#include "tests/fuzz/split_feed.h"
#include "tests/fuzz/walker_log_sink.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  using Mode = phi::mime::XmlToText::Mode;
  Mode mode = in.empty() ? Mode::Data : in[0] % 3 == 0 ? Mode::Runs : in[0] % 3 == 1 ? Mode::Elements : Mode::Data;
  std::string whole = phi::mime::xml_to_text(in, mode, nullptr);
  phi::mime::XmlToText x(mode);
  if (phi::mime::fuzz::feed_split(x, in) != whole) std::abort();
  phi::mime::fuzz::check_attachment_split(in, "application/xml");
  return 0;
}
