// office_pictures_fuzz - BLIP records found by BlipScanner (metafiles asked for), an Excel workbook's drawing group by
// DrawingGroup, and the text and bitmaps a metafile draws by MetafileText (the input as a metafile, plain and as a zlib
// stream): none may depend on how the stream is split; no picture holds more bytes than the stream (a metafile's
// bitmap: than it and a file header), every bitmap begun ends, at most kMaxMetafilePictures; no text more than three times it;
// the input as a DIB given a .bmp file header (bmp_file_header) only when that header fits it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "milter/mime/metafile.h"
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
  bool metafile(bool compressed) override {
    log += compressed ? "{z" : "{";
    return size_t(compressed) + log.size() % 3 != 0;  // some asked for, some not
  }
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

// The text, then each bitmap given between brackets; `kind` its kind and unread().
std::string drawn(std::string_view in, size_t step, bool zlib, std::string* kind) {
  std::string out, pictures, picture;
  bool open = false;
  size_t given = 0;
  phi::mime::MetafileText m([&](std::string_view t) { out += t; }, zlib, [&](std::string_view b, bool end) {
    if (!open) ++given;
    if (end && (!open || !b.empty())) std::abort();  // an end only after bytes, and without bytes
    open = !end;
    picture += b;
    if (!zlib && picture.size() > in.size() + 14) std::abort();
    if (end) {
      pictures += "[" + picture + "]";
      picture.clear();
    }
  });
  for (size_t i = 0; i < in.size(); i += step) m.feed(in.substr(i, step));
  m.finish();
  if (open || given != m.given() || given > phi::mime::kMaxMetafilePictures || m.given() > m.pictures()) std::abort();
  *kind = std::string(m.kind()) + "/" + std::string(m.unread());
  return out + pictures;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t whole_n = 0, split_n = 0;
  std::string whole = scan(in, size + 1, &whole_n);
  if (scan(in, 1 + size % 97, &split_n) != whole || split_n != whole_n || whole_n > size) std::abort();
  std::string g = group(in, size + 1);
  if (group(in, 1 + size % 5) != g || g.size() > size) std::abort();
  for (bool zlib : {false, true}) {
    std::string k1, k2;
    std::string t = drawn(in, size + 1, zlib, &k1);
    if (drawn(in, 1 + size % 13, zlib, &k2) != t || k1 != k2) std::abort();
    if (!zlib && t.size() > 3 * size + 1 + 21 * (size + 16)) std::abort();
  }
  // The input as a DIB: a file header only for a bitmap header, with its
  // size and a pixels' offset within the file.
  std::string h = phi::mime::bmp_file_header(in, size);
  if (!h.empty()) {
    auto le32 = [&](size_t at) {
      return uint32_t(uint8_t(h[at])) | uint32_t(uint8_t(h[at + 1])) << 8 | uint32_t(uint8_t(h[at + 2])) << 16 |
             uint32_t(uint8_t(h[at + 3])) << 24;
    };
    if (h.size() != 14 || h.substr(0, 2) != "BM" || le32(2) != 14 + size || le32(10) > 14 + size || le32(10) < 14 + 12)
      std::abort();
  }
  return 0;
}
