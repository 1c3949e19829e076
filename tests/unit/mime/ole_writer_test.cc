// Tests for OleWriter: the compound files it writes are read back by OleFile, stream for stream.
#include "milter/mime/ole_writer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "milter/mime/ole.h"
#include "tests/unit/mime/ole_builder.h"

namespace phi::mime {
namespace {

std::string pattern(size_t n, char seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = char(seed + i * 7 + i / 251);
  return s;
}

// Writes `streams` (names and bytes), each given in pieces of `step` bytes.
std::string write(const std::vector<std::pair<std::string, std::string>>& streams, size_t step, bool* whole = nullptr) {
  std::vector<OleWriter::Stream> list;
  for (const auto& [name, bytes] : streams) list.push_back({name, bytes.size()});
  std::string out;
  OleWriter w(list, [&](std::string_view b) { out.append(b); });
  EXPECT_TRUE(w.ok());
  bool all = true;
  for (size_t i : w.order()) {
    const std::string& b = streams[i].second;
    for (size_t at = 0; at < b.size(); at += step) w.data(std::string_view(b).substr(at, step));
    all = w.end_stream() && all;
  }
  w.finish();
  if (whole) *whole = all;
  return out;
}

// Small streams (the mini stream), large ones (sectors of their own), an
// empty one, a name with a control character, and enough bytes for a
// second FAT sector: each read back as it was given, however it was given.
TEST(OleWriter, WhatItWritesIsReadBackStreamForStream) {
  std::vector<std::pair<std::string, std::string>> streams = {
      {"WordDocument", pattern(5000, 'a')}, {"1Table", pattern(1600, 'b')},  {"Data", ""},
      {"\x01" "CompObj", pattern(73, 'c')}, {"Exactly", pattern(4096, 'd')}, {"Mini", pattern(4095, 'e')},
      {"Big", pattern(8 * 1024 * 1024 + 7, 'f')}};  // past 109 FAT sectors: a DIFAT sector
  for (size_t step : {size_t(1000000000), size_t(1), size_t(333)}) {
    if (step == 1) streams.pop_back();  // byte by byte: the small ones only
    bool whole = false;
    std::string file = write(streams, step, &whole);
    EXPECT_TRUE(whole);
    EXPECT_EQ(file.size() % 512, 0u);
    OleFile f(test::bytes_of(file), file.size());
    OleListing l = f.listing();
    ASSERT_TRUE(l.valid) << step;
    EXPECT_EQ(l.names.size(), streams.size());
    for (const auto& [name, bytes] : streams) {
      SCOPED_TRACE(name);
      std::string got;
      EXPECT_EQ(f.read(name, 1 << 30, got), OleStream::Read);
      EXPECT_EQ(got, bytes);
    }
    for (const auto& item : l.items) EXPECT_TRUE(item.stream);
  }
}

// A stream given fewer bytes than its length is padded with zeros (and
// said to be short); bytes past its length are dropped; a stream not
// given at all is written as zeros by finish().
TEST(OleWriter, ShortStreamsArePaddedAndLongOnesCut) {
  std::vector<OleWriter::Stream> list = {{"A", 100}, {"B", 5000}, {"C", 10}};
  std::string out;
  OleWriter w(list, [&](std::string_view b) { out.append(b); });
  ASSERT_EQ(w.order(), (std::vector<size_t>{0, 2, 1}));  // the small ones first
  w.data(std::string(60, 'a'));
  EXPECT_FALSE(w.end_stream());
  w.data(std::string(30, 'c'));
  EXPECT_TRUE(w.end_stream());  // 10 of them taken, the rest dropped
  w.finish();  // B: zeros
  OleFile f(test::bytes_of(out), out.size());
  std::string a, b, c;
  EXPECT_EQ(f.read("A", 1 << 20, a), OleStream::Read);
  EXPECT_EQ(a, std::string(60, 'a') + std::string(40, '\0'));
  EXPECT_EQ(f.read("C", 1 << 20, c), OleStream::Read);
  EXPECT_EQ(c, std::string(10, 'c'));
  EXPECT_EQ(f.read("B", 1 << 20, b), OleStream::Read);
  EXPECT_EQ(b, std::string(5000, '\0'));
}

TEST(OleWriter, TooManyOrTooLargeWritesNothing) {
  std::string out;
  std::vector<OleWriter::Stream> many(kMaxOleStreams + 1, {"x", 1});
  OleWriter a(many, [&](std::string_view b) { out.append(b); });
  EXPECT_FALSE(a.ok());
  OleWriter b({{"x", kMaxOleBytes}, {"y", 1}}, [&](std::string_view b) { out.append(b); });
  EXPECT_FALSE(b.ok());
  OleWriter c({{"x", ~uint64_t(0)}, {"y", ~uint64_t(0)}}, [&](std::string_view b) { out.append(b); });
  EXPECT_FALSE(c.ok());
  b.data("abc");
  EXPECT_FALSE(b.end_stream());
  b.finish();
  EXPECT_EQ(out, "");
}

}  // namespace
}  // namespace phi::mime
