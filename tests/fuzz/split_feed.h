// NAME
//   split_feed - a streaming converter fed whole and fed in pieces, for the fuzz targets' split checks
// SYNOPSIS
//   std::string w = phi::mime::fuzz::feed_whole(a, in);
//   std::string s = phi::mime::fuzz::feed_split(b, in);   // then: if (s != w) std::abort();
// DESCRIPTION
//   A converter is anything with feed(std::string_view, std::string&) and
//   finish(std::string&). feed_split hands `in` over in pieces of
//   1 + in.size() % 13 bytes, each into an empty buffer as the Walker
//   does, and returns what came out, finish() included.
// THREADS
//   Fuzz targets only.
#ifndef PHI_TESTS_FUZZ_SPLIT_FEED_H
#define PHI_TESTS_FUZZ_SPLIT_FEED_H

#include <string>
#include <string_view>

namespace phi::mime::fuzz {

template <typename C>
std::string feed_whole(C& c, std::string_view in) {
  std::string out;
  c.feed(in, out);
  c.finish(out);
  return out;
}

template <typename C>
std::string feed_split(C& c, std::string_view in) {
  std::string out, piece;
  size_t step = 1 + (in.size() % 13);
  for (size_t i = 0; i < in.size(); i += step) {
    piece.clear();
    c.feed(in.substr(i, step), piece);
    out += piece;
  }
  piece.clear();
  c.finish(piece);
  return out + piece;
}

}  // namespace phi::mime::fuzz

#endif
