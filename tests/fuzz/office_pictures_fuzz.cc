// office_pictures_fuzz - BLIP records found by BlipScanner, and an Excel workbook's drawing group by DrawingGroup: the pictures and their bytes must not depend on how the stream is split, and no picture holds more bytes than the stream.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "milter/mime/office_pictures.h"

namespace {

struct Log : phi::mime::OfficePictureSink {
  void begin() override { log += "["; }
  void bytes(std::string_view b) override {
    log += b;
    n += b.size();
  }
  void end() override { log += "]"; }
  void other() override { log += "<other>"; }
  std::string log;
  size_t n = 0;
};

std::string scan(std::string_view in, size_t step, size_t* bytes) {
  Log l;
  phi::mime::BlipScanner s(l);
  for (size_t i = 0; i < in.size(); i += step) s.feed(in.substr(i, step));
  s.finish();
  *bytes = l.n;
  return l.log;
}

std::string group(std::string_view in, size_t step) {
  phi::mime::DrawingGroup g;
  std::string out;
  for (size_t i = 0; i < in.size(); i += step) g.feed(in.substr(i, step), [&](std::string_view d) { out += d; });
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t whole_n = 0, split_n = 0;
  std::string whole = scan(in, size + 1, &whole_n);
  if (scan(in, 1 + size % 97, &split_n) != whole || split_n != whole_n || whole_n > size) std::abort();
  std::string g = group(in, size + 1);
  if (group(in, 1 + size % 5) != g || g.size() > size) std::abort();
  return 0;
}
