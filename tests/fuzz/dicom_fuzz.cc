// dicom_fuzz - DICOM data elements as text (DicomText, an encapsulated PDF counted) whole and split, a buffer per
// call, and an application/dicom attachment through the Walker; output, errors, what is unread and the end of
// reading must not depend on the split.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "milter/mime/dicom.h"
#include "tests/fuzz/counting_document.h"
#include "tests/fuzz/split_feed.h"
#include "tests/fuzz/walker_log_sink.h"

using phi::mime::fuzz::CountingDocument;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  CountingDocument whole_doc, split_doc;
  phi::mime::DicomText whole(&whole_doc), split(&split_doc);
  if (phi::mime::fuzz::feed_split(split, in) != phi::mime::fuzz::feed_whole(whole, in) ||
      split.had_errors() != whole.had_errors() || split.pixels() != whole.pixels() || split.done() != whole.done() ||
      split.unread() != whole.unread())
    std::abort();
  phi::mime::fuzz::check_attachment_split(in, "application/dicom");
  return 0;
}
