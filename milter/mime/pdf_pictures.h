// NAME
//   pdf_pictures - the pages of a PDF that show pictures large enough to hold text, from pdfimages -list
// SYNOPSIS
//   for (auto [page, area] : phi::mime::picture_pages(list_output)) ...
// DESCRIPTION
//   Reads the table poppler's `pdfimages -list` prints for a PDF: two
//   heading lines, then one line per image drawn on a page, in page order,
//   of white-space separated columns
//     page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
//   and returns, ascending and once each, the pages (with the square
//   inches their pictures cover) on which the images of
//   type "image" (not "mask", "smask" or "stencil": those only shape
//   another image) of at least kMinPicturePixels pixels cover together at
//   least kMinPictureArea square inches as drawn (width / x-ppi by height /
//   y-ppi inches). A picture that large can hold lines of text -- a pasted
//   screenshot of a chart, a photographed insurance card, a scanned lab
//   result in a typed letter -- which pdftotext, reading the page's text
//   alone, never sees; a logo or a signature is smaller. An image drawn
//   more than twice as large as its pixels (pdfimages prints its
//   resolution as 0) counts as that area. An image object drawn again
//   (the same object and generation: a letterhead or a watermark on every
//   page, a picture a writer stored once and drew twice) counts only where
//   it was first drawn, so a 20-page report on letterhead paper gives one
//   page to read, not 20. A line that is not such a row
//   (the headings, a damaged line, a page number of 0 or more than
//   kMaxPicturePage) is skipped.
// INPUT
//   A child's output, untrusted (pdfimages parsed a hostile PDF). Time:
//   O(n log n) in the lines. Memory: a number per page that has an image
//   and an object number per image, at most one each per line.
// THREADS
//   A pure function.
#ifndef PHI_MIME_PDF_PICTURES_H
#define PHI_MIME_PDF_PICTURES_H

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace phi::mime {

inline constexpr double kMinPictureArea = 4.0;           // square inches: 2 by 2, a card's photo is 7
inline constexpr uint64_t kMinPicturePixels = 64 * 64;   // fewer hold a word or two at most
inline constexpr size_t kMaxPicturePage = 1000000;       // beyond any PDF pdftotext prints

struct PagePictures {
  size_t page = 0;  // 1-based
  double area = 0;  // square inches, at least kMinPictureArea
  bool operator==(const PagePictures&) const = default;
};

std::vector<PagePictures> picture_pages(std::string_view list);

}  // namespace phi::mime

#endif
