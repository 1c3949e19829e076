// pdf_pictures - the pages with large pictures, from pdfimages -list (see pdf_pictures.h).
#include "milter/mime/pdf_pictures.h"

#include <charconv>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <utility>

namespace phi::mime {
namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// The line's white-space separated columns, at most `max`.
std::vector<std::string_view> columns(std::string_view line, size_t max) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (out.size() < max) {
    while (i < line.size() && blank(line[i])) ++i;
    if (i == line.size()) break;
    size_t start = i;
    while (i < line.size() && !blank(line[i])) ++i;
    out.push_back(line.substr(start, i - start));
  }
  return out;
}

bool number(std::string_view s, uint64_t& v) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size();
}

// An image's drawn size in inches along one side: `pixels` at `ppi`; a
// resolution of 0 (drawn at more than twice its pixels) counts as large.
double inches(uint64_t pixels, uint64_t ppi) {
  return ppi == 0 ? std::numeric_limits<double>::infinity() : double(pixels) / double(ppi);
}

}  // namespace

std::vector<PagePictures> picture_pages(std::string_view list) {
  std::map<size_t, double> area;                // page: square inches of pictures on it
  std::set<std::pair<uint64_t, uint64_t>> drawn;  // the images' objects: number, generation
  while (!list.empty()) {
    size_t end = list.find('\n');
    std::string_view line = list.substr(0, end);
    list = end == std::string_view::npos ? std::string_view() : list.substr(end + 1);
    // page num type width height color comp bpc enc interp object ID x-ppi y-ppi
    auto c = columns(line, 14);
    uint64_t page = 0, width = 0, height = 0, xppi = 0, yppi = 0, object = 0, generation = 0;
    if (c.size() < 14 || c[2] != "image" || !number(c[0], page) || page == 0 || page > kMaxPicturePage ||
        !number(c[3], width) || !number(c[4], height) || !number(c[12], xppi) || !number(c[13], yppi))
      continue;
    if (width > std::numeric_limits<uint32_t>::max() || height > std::numeric_limits<uint32_t>::max() ||
        width * height < kMinPicturePixels)
      continue;
    // Drawn before (a letterhead on every page): read with the page that drew it first.
    if (number(c[10], object) && number(c[11], generation) && object > 0 && !drawn.emplace(object, generation).second)
      continue;
    area[size_t(page)] += inches(width, xppi) * inches(height, yppi);
  }
  std::vector<PagePictures> pages;
  for (const auto& [page, inches2] : area)
    if (inches2 >= kMinPictureArea) pages.push_back({page, inches2});
  return pages;
}

}  // namespace phi::mime
