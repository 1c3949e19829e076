// Tests for picture_pages: which pages of pdfimages -list's table show pictures large enough to hold text.
#include "milter/mime/pdf_pictures.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace phi::mime {
namespace {

const std::string kHead =
    "page   num  type   width height color comp bpc  enc interp  object ID x-ppi y-ppi size ratio\n"
    "--------------------------------------------------------------------------------------------\n";

// One row as pdfimages writes it; `object` 0: a new object, not drawn before.
std::string row(int page, const std::string& type, int width, int height, int xppi, int yppi, int object = 0) {
  static int next = 100;
  return "   " + std::to_string(page) + "     0 " + type + "  " + std::to_string(width) + "  " +
         std::to_string(height) + "  gray    1   8  image  no  " + std::to_string(object ? object : next++) + "  0  " +
         std::to_string(xppi) + "  " + std::to_string(yppi) + " 1551B 0.2%\n";
}

using Pages = std::vector<size_t>;

Pages pages_of(std::string_view list) {
  Pages pages;
  for (const PagePictures& p : picture_pages(list)) pages.push_back(p.page);
  return pages;
}

TEST(PdfPictures, APageIsListedWhenItsPicturesCoverFourSquareInches) {
  // A scan drawn over a letter page (8.5 by 11 inches), as pdfimages printed it for the tests' scan.
  EXPECT_EQ(pages_of(kHead + row(1, "image", 850, 1100, 100, 100)), Pages{1});
  // A screenshot 6 by 4 inches on page 2; a logo 2 by 1 inches on pages 1 and 3.
  EXPECT_EQ(pages_of(kHead + row(1, "image", 600, 300, 300, 300) + row(2, "image", 1200, 800, 200, 200) +
                          row(3, "image", 600, 300, 300, 300)),
            Pages{2});
  // Just under and just at the area: 1.99 by 2 inches, 2 by 2.
  EXPECT_EQ(pages_of(kHead + row(1, "image", 199, 200, 100, 100)), Pages{});
  EXPECT_EQ(pages_of(kHead + row(1, "image", 200, 200, 100, 100)), Pages{1});
  // Two pictures of 2 square inches each on one page add up.
  EXPECT_EQ(pages_of(kHead + row(4, "image", 200, 100, 100, 100) + row(4, "image", 200, 100, 100, 100)),
            Pages{4});
  EXPECT_EQ(pages_of(kHead), Pages{});
  EXPECT_EQ(pages_of(""), Pages{});
}

TEST(PdfPictures, EachPageComesWithTheAreaItsPicturesCover) {
  // A scan of a letter page at 300 dpi; a screenshot of 6 by 4 and a card of 3.5 by 2 inches on one page.
  EXPECT_EQ(picture_pages(kHead + row(1, "image", 2550, 3300, 300, 300) + row(2, "image", 1200, 800, 200, 200) +
                          row(2, "image", 700, 400, 200, 200)),
            (std::vector<PagePictures>{{1, 8.5 * 11}, {2, 24 + 7}}));
}

// A letterhead drawn on every page is read with the first page only; a new picture on a later page is read there.
TEST(PdfPictures, AnImageDrawnAgainCountsWhereItWasFirstDrawn) {
  std::string letterhead;
  for (int page = 1; page <= 20; ++page) letterhead += row(page, "image", 2250, 450, 300, 300, 7);  // 7.5 by 1.5 inches
  EXPECT_EQ(pages_of(kHead + letterhead), Pages{1});
  EXPECT_EQ(pages_of(kHead + letterhead + row(12, "image", 1200, 800, 200, 200)), (Pages{1, 12}));
  // The same number in another generation is another object.
  EXPECT_EQ(pages_of(kHead + row(1, "image", 850, 1100, 100, 100, 9) +
                          "   2     0 image  850  1100  gray    1   8  image  no         9  1  100  100 1551B 0.2%\n"),
            (Pages{1, 2}));
  // An object number that is not one (pdfimages never prints such) does not join images.
  std::string unnumbered = "   3     0 image  850  1100  gray    1   8  image  no         -  0  100  100 1551B 0.2%\n";
  EXPECT_EQ(pages_of(kHead + unnumbered + row(4, "image", 850, 1100, 100, 100) +
                          "   5" + unnumbered.substr(4)),
            (Pages{3, 4, 5}));
}

TEST(PdfPictures, MasksAndTinyImagesAreNotPictures) {
  // A soft mask or stencil only shapes another image; a 1-pixel-high rule stretched across a page holds no text.
  EXPECT_EQ(pages_of(kHead + row(1, "smask", 850, 1100, 100, 100) + row(2, "mask", 850, 1100, 100, 100) +
                          row(3, "stencil", 850, 1100, 100, 100) + row(4, "image", 2000, 1, 1, 1) +
                          row(5, "image", 63, 64, 1, 1)),
            Pages{});
  EXPECT_EQ(pages_of(kHead + row(5, "image", 64, 64, 1, 1)), Pages{5});  // kMinPicturePixels
}

TEST(PdfPictures, AResolutionOfZeroIsAPictureDrawnLarge) {
  // pdfimages prints 0 for an image drawn at more than twice its pixels' size.
  EXPECT_EQ(pages_of(kHead + row(2, "image", 100, 100, 0, 0)), Pages{2});
  EXPECT_EQ(pages_of(kHead + row(2, "image", 100, 100, 0, 300)), Pages{2});
}

TEST(PdfPictures, PagesComeAscendingAndOnceEach) {
  EXPECT_EQ(pages_of(kHead + row(9, "image", 850, 1100, 100, 100) + row(3, "image", 850, 1100, 100, 100) +
                          row(9, "image", 850, 1100, 100, 100)),
            (Pages{3, 9}));
}

TEST(PdfPictures, DamagedLinesAreSkipped) {
  std::string good = row(7, "image", 850, 1100, 100, 100);
  for (std::string bad : {
           "   0     0 image  850  1100  gray    1   8  image  no         5  0  100  100 1551B 0.2%\n",  // page 0
           "   1     0 image  850  1100  gray    1   8  image  no         5  0  100\n",                  // cut
           "   x     0 image  850  1100  gray    1   8  image  no         5  0  100  100 1551B 0.2%\n",
           "   1     0 image  -85  1100  gray    1   8  image  no         5  0  100  100 1551B 0.2%\n",
           "   1     0 image  850  1100  gray    1   8  image  no         5  0  1e3  100 1551B 0.2%\n",
           "   99999999999999999999 0 image 850 1100 gray 1 8 image no 5 0 100 100 1B 0%\n",
           "   1000001     0 image  850  1100  gray    1   8  image  no         5  0  100  100 1551B 0.2%\n",
           "   1     0 image  99999999999  99999999999  gray  1  8  image  no  5  0  1  1 1B 0%\n",
           "Syntax Error: something pdfimages said\n",
       })
    EXPECT_EQ(pages_of(kHead + bad + good), Pages{7}) << bad;
  // CR LF line ends, tabs, no line end at the very end.
  EXPECT_EQ(pages_of("1\t0 image 850 1100 gray 1 8 image no 5 0 100 100 1551B 0.2%\r\n2 0 image 850 1100 gray 1 8 "
                          "image no 6 0 100 100 1B 0%"),
            (Pages{1, 2}));
}

}  // namespace
}  // namespace phi::mime
