// hl7_fuzz - HL7 v2 as labelled text (Hl7Text, and Hl7Lines finding it in any text) whole and split, a buffer
// per call, and an HL7 attachment through the Walker; output and events must not depend on the split.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "milter/mime/hl7.h"
#include "tests/fuzz/walker_log_sink.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  phi::mime::Hl7Text whole;
  std::string w;
  whole.feed(in, w);
  whole.finish(w);
  phi::mime::Hl7Text split;
  std::string s, piece;
  size_t step = 1 + (size % 13);
  for (size_t i = 0; i < in.size(); i += step) {
    piece.clear();
    split.feed(in.substr(i, step), piece);
    s += piece;
  }
  piece.clear();
  split.finish(piece);
  s += piece;
  if (s != w || split.had_errors() != whole.had_errors()) std::abort();
  phi::mime::Hl7Lines lines_whole, lines_split;
  std::string lw, ls;
  lines_whole.feed(in, lw);
  lines_whole.finish(lw);
  for (size_t i = 0; i < in.size(); i += step) {
    piece.clear();
    lines_split.feed(in.substr(i, step), piece);
    ls += piece;
  }
  piece.clear();
  lines_split.finish(piece);
  ls += piece;
  if (ls != lw) std::abort();
  phi::mime::fuzz::check_attachment_split(in, "application/hl7-v2");
  return 0;
}
