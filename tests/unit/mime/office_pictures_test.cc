// Tests for the pictures of Office 97-2003 files: BLIP records of every kind found in any bytes, split anywhere;
// look-alikes refused; a cut record; an Excel workbook's drawing group joined across Continue records.
#include "milter/mime/office_pictures.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/mime/ole_builder.h"

namespace phi::mime {
namespace {

using test::ole_put16;
using test::ole_put32;
using test::office_blip;

// Records what the scanner gives: "[" + a read picture's bytes + "]", "<other>".
struct Recorder : OfficePictureSink {
  void begin() override { log += "["; }
  void bytes(std::string_view b) override { log += b; }
  void end() override { log += "]"; }
  void other() override { log += "<other>"; }
  std::string log;
};

const std::string kPng = std::string("\x89PNG\r\n\x1A\n", 8) + std::string(200, 'p');
const std::string kJpeg = "\xFF\xD8\xFF\xE0" + std::string(150, 'j');
const std::string kTiff = std::string("II*\0", 4) + std::string(90, 't');

std::string scan(const std::string& in, size_t step) {
  Recorder r;
  BlipScanner s(r);
  if (step == 0) step = in.size() + 1;
  for (size_t i = 0; i < in.size(); i += step) s.feed(std::string_view(in).substr(i, step));
  s.finish();
  return r.log;
}

TEST(BlipScanner, PicturesAreFoundAmongOtherBytesSplitAnywhere) {
  std::string dib = std::string("\x28\0\0\0", 4) + std::string(60, 'd');
  std::string in = std::string(37, '\xF0') + office_blip(0xF01E, 0x6E0, kPng) + "filler \xF0\xF0" + office_blip(0xF01D, 0x46B, kJpeg) +
                   office_blip(0xF01A, 0x3D4, std::string(50, 'e'), true) + office_blip(0xF029, 0x6E4, kTiff) +
                   office_blip(0xF01F, 0x7A8, dib) + office_blip(0xF02A, 0x6E2, kJpeg) + std::string(100, '\0');
  std::string want = "[" + kPng + "][" + kJpeg + "]<other>[" + kTiff + "]<other>[" + kJpeg + "]";
  for (size_t step : {size_t(0), size_t(1), size_t(2), size_t(7), size_t(79), size_t(80), size_t(81), size_t(512)})
    EXPECT_EQ(scan(in, step), want) << step;
}

// A BITMAPINFOHEADER (40 bytes) of `bits` per pixel, `compression`, `used` palette colours.
std::string dib_header(uint16_t bits, uint32_t compression = 0, uint32_t used = 0) {
  std::string h(40, '\0');
  ole_put32(h, 0, 40);
  ole_put32(h, 4, 100);  // width
  ole_put32(h, 8, 20);   // height
  ole_put16(h, 12, 1);   // planes
  ole_put16(h, 14, bits);
  ole_put32(h, 16, compression);
  ole_put32(h, 32, used);
  return h;
}

// A bitmap Office stores as a DIB (a screenshot kept as a bitmap) is given
// as the .bmp file it would be: a 14-byte file header ("BM", the file's
// size, the pixels' offset) before its bytes; one whose header makes no
// sense is other().
TEST(BlipScanner, ABitmapIsGivenAsABmpFile) {
  auto file_header = [](uint32_t size, uint32_t offset) {
    std::string h = "BM" + std::string(12, '\0');
    ole_put32(h, 2, size);
    ole_put32(h, 10, offset);
    return h;
  };
  const std::string dib = dib_header(24) + std::string(6000, 'x');
  std::string in = "filler" + office_blip(0xF01F, 0x7A8, dib) + office_blip(0xF01E, 0x6E0, kPng);
  for (size_t step : {size_t(0), size_t(1), size_t(7), size_t(80)})
    EXPECT_EQ(scan(in, step), "[" + file_header(14 + 6040, 14 + 40) + dib + "][" + kPng + "]") << step;
  // The pixels' offset: after the header, the masks and the palette.
  struct {
    std::string head;
    uint32_t offset;  // from the file's start; 0: no bitmap header
  } rows[] = {
      {dib_header(24), 54},
      {dib_header(8), 14 + 40 + 256 * 4},       // a full palette
      {dib_header(8, 0, 16), 14 + 40 + 16 * 4},  // the colours used
      {dib_header(1), 14 + 40 + 2 * 4},
      {dib_header(16, 3), 14 + 40 + 12},        // BI_BITFIELDS: three masks
      {dib_header(32, 6), 14 + 40 + 16},        // BI_ALPHABITFIELDS: four
      {std::string("\x0C\0\0\0\x64\0\x14\0\x01\0\x04\0", 12) + std::string(40, 'c'), 14 + 12 + 16 * 3},  // a core header
      {dib_header(0), 0},
      {dib_header(33), 0},
      {dib_header(8, 0, 5000), 0},  // a palette larger than the bitmap
      {std::string("\x29\0\0\0", 4) + std::string(60, 'd'), 0},
      {dib_header(24).substr(0, 30), 0},  // too short to tell
  };
  for (size_t k = 0; k < std::size(rows); ++k) {
    std::string h = bmp_file_header(rows[k].head, 10000);
    EXPECT_EQ(h, rows[k].offset ? file_header(14 + 10000, rows[k].offset) : "") << k;
  }
}

// A DIB's size by its header: header, masks, palette and its rows (each
// padded to 4 bytes), or a compressed one's image size; 0 when unknown.
TEST(BlipScanner, ADibsSizeByItsHeader) {
  std::string rle = dib_header(8, 1);  // BI_RLE8
  EXPECT_EQ(dib_size(dib_header(24)), 40u + 300u * 20u);  // 100 pixels of 3 bytes a row
  EXPECT_EQ(dib_size(dib_header(8)), 40u + 1024u + 100u * 20u);
  EXPECT_EQ(dib_size(dib_header(1)), 40u + 8u + 16u * 20u);  // 100 bits: 13 bytes, padded to 16
  EXPECT_EQ(dib_size(rle), 0u);                               // compressed, no image size
  ole_put32(rle, 20, 500);
  EXPECT_EQ(dib_size(rle), 40u + 1024u + 500u);
  std::string top_down = dib_header(24);
  ole_put32(top_down, 8, uint32_t(-20));
  EXPECT_EQ(dib_size(top_down), 40u + 300u * 20u);
  std::string wide = dib_header(24);
  ole_put32(wide, 4, (1u << 20) + 1);
  EXPECT_EQ(dib_size(wide), 0u);
  EXPECT_EQ(dib_size(dib_header(24).substr(0, 30)), 0u);
}

// A record's bytes are not searched again: a PNG record inside a metafile
// record's data is the metafile's.
TEST(BlipScanner, ARecordsBytesAreNotSearchedAgain) {
  std::string inner = office_blip(0xF01E, 0x6E0, kPng);
  EXPECT_EQ(scan(office_blip(0xF01B, 0x216, inner, true), 3), "<other>");
  EXPECT_EQ(scan(office_blip(0xF01E, 0x6E0, kPng + inner), 5), "[" + kPng + inner + "]");
}

// A sink that asks for metafiles gets an EMF's or WMF's bytes after its
// 34-byte header, and whether they are compressed; a PICT is still other().
TEST(BlipScanner, MetafilesAreGivenToASinkThatAsksForThem) {
  struct Metafiles : Recorder {
    bool metafile(bool compressed) override {
      log += compressed ? "{z:" : "{";
      return true;
    }
  };
  std::string emf = std::string(20, 'e'), wmf = std::string(30, 'w');
  std::string compressed = office_blip(0xF01A, 0x3D4, emf, true);  // compression 0: DEFLATE
  std::string plain = office_blip(0xF01B, 0x217, wmf, true);
  plain[8 + 32 + 32] = '\xFE';  // compression 0xFE: none (two identifiers: an odd instance)
  std::string in = compressed + plain + office_blip(0xF01C, 0x542, "pict", true) + office_blip(0xF01E, 0x6E0, kPng);
  for (size_t step : {size_t(0), size_t(1), size_t(9), size_t(100)}) {
    Metafiles m;
    BlipScanner s(m);
    if (step == 0) step = in.size() + 1;
    for (size_t i = 0; i < in.size(); i += step) s.feed(std::string_view(in).substr(i, step));
    s.finish();
    EXPECT_EQ(m.log, "{z:" + emf + "]{" + wmf + "]<other>[" + kPng + "]") << step;
  }
}

// Headers whose kind, version, instance, length or first bytes are wrong
// are not records: nothing is given.
TEST(BlipScanner, LookAlikesAreRefused) {
  std::string png = office_blip(0xF01E, 0x6E0, kPng);
  std::vector<std::string> bad;
  bad.push_back(office_blip(0xF01E, 0x46A, kPng));   // a JPEG's instance
  bad.push_back(office_blip(0xF01D, 0x46A, kPng));   // a JPEG record holding a PNG
  bad.push_back(office_blip(0xF01E, 0x6E0, "GIF89a" + std::string(50, 'g')));
  bad.push_back(office_blip(0xF00B, 0x6E0, kPng));   // another OfficeArt record
  std::string v = png;
  v[0] = '\x01';                               // recVer 1
  bad.push_back(v);
  std::string shortlen = png;
  ole_put32(shortlen, 4, 16 + 1 + 7);          // too short to hold the signature
  bad.push_back(shortlen);
  bad.push_back(office_blip(0xF01A, 0x3D4, std::string(50, 'e'), false));  // a metafile without its header's filter
  for (size_t k = 0; k < bad.size(); ++k) EXPECT_EQ(scan(bad[k], 1), "") << k;
}

// A record cut by the end of the stream gives what there is; a header
// too close to the end to be checked is not a record.
TEST(BlipScanner, ACutRecordEndsWithTheStream) {
  std::string png = office_blip(0xF01E, 0x6E0, kPng);
  for (size_t step : {size_t(0), size_t(1), size_t(13)}) {
    EXPECT_EQ(scan(png.substr(0, png.size() - 100), step), "[" + kPng.substr(0, kPng.size() - 100) + "]");
    EXPECT_EQ(scan(png.substr(0, 8 + 16 + 1 + 7), step), "");
  }
}

// BIFF records: type, length, data. The drawing group's record and the
// Continue records after it, joined; others, and a Continue after them, skipped.
std::string biff(uint16_t type, const std::string& data) {
  std::string r(4, '\0');
  ole_put16(r, 0, type);
  ole_put16(r, 2, static_cast<uint16_t>(data.size()));
  return r + data;
}

TEST(DrawingGroup, ItsRecordAndTheContinueRecordsAfterItAreJoined) {
  std::string group = std::string("\x0F\0\0\xF0", 4) + std::string(30, 'g') + office_blip(0xF01E, 0x6E0, kPng);
  std::string in = biff(0x0809, "bof") + biff(0x003C, "not after the group") + biff(0x00EB, group.substr(0, 100)) +
                   biff(0x003C, group.substr(100, 50)) + biff(0x003C, group.substr(150)) + biff(0x0000, "") +
                   biff(0x00FC, "sst") + biff(0x003C, "after the sst");
  for (size_t step : {size_t(1), size_t(3), size_t(4096)}) {
    DrawingGroup g;
    std::string out;
    for (size_t i = 0; i < in.size(); i += step)
      g.feed(std::string_view(in).substr(i, step), [&](std::string_view d) { out += d; });
    EXPECT_EQ(out, group) << step;
    Recorder r;
    BlipScanner s(r);
    s.feed(out);
    s.finish();
    EXPECT_EQ(r.log, "[" + kPng + "]");
  }
}

}  // namespace
}  // namespace phi::mime
