// pdf_pictures_fuzz - pdfimages -list's output read by picture_pages: the pages come ascending, once each, within bounds, with their area.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "milter/mime/pdf_pictures.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto pages = phi::mime::picture_pages(in);
  size_t lines = 1;
  for (char c : in) lines += c == '\n';
  if (pages.size() > lines) std::abort();
  for (size_t i = 0; i < pages.size(); ++i) {
    if (pages[i].page == 0 || pages[i].page > phi::mime::kMaxPicturePage) std::abort();
    if (i > 0 && pages[i].page <= pages[i - 1].page) std::abort();
    if (!(pages[i].area >= phi::mime::kMinPictureArea)) std::abort();  // NaN too
  }
  // A heading line before the table changes nothing.
  if (phi::mime::picture_pages("page num type width height\n" + std::string(in)) != pages) std::abort();
  return 0;
}
