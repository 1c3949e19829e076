// NAME
//   document_builders - test documents for the converter tests: PDFs, and images rendered from them
// SYNOPSIS
//   std::string pdf = test::make_pdf({"page one text", ""});
//   std::string png = test::render(pdf, "png");   // poppler's pdftoppm
//   std::string scan = test::make_scanned_pdf("text only in pixels");
//   std::string letter = test::make_pdf_with_pictures({{"typed", "in pixels", 432, 288}});
//   test::Outcome o = test::extract(reader, "pdf", pdf, chunk);
// DESCRIPTION
//   make_pdf() writes a small valid PDF (Helvetica text, deflated content
//   streams, optionally an /Encrypt dictionary and document information). render() turns its first
//   page into a PNG, JPEG or TIFF through pdftoppm at `dpi` ("" when
//   pdftoppm fails). make_scanned_pdf() makes a PDF whose page is such an
//   image and nothing else (a scan), make_pdf_with_pictures() pages of
//   typed text with such a picture drawn beside it at a given size (a
//   pasted screenshot, a photographed card). make_pdf_with_attached_file() makes
//   a PDF with a file attached to it, make_pdf_with_comment() one with a
//   sticky note. gray_page() renders a page's pixels, turned() turns them
//   by quarter turns, bmp_of() and make_bmp() write them as a .bmp file.
//   extract() feeds a DocumentReader's Document and
//   collects its text and reason. OnlyProcessHeld holds the only process
//   of a converter's pool, for the tests of files read in their caller's
//   slot (a file attached to a PDF or a .msg).
// THREADS
//   Test helpers: one thread.
#ifndef PHI_TESTS_UNIT_MILTER_DOCUMENT_BUILDERS_H
#define PHI_TESTS_UNIT_MILTER_DOCUMENT_BUILDERS_H

#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "milter/mime/walker.h"
#include "tests/unit/escrow/test_util.h"

namespace phi::test {

inline std::string deflate(const std::string& data) {
  uLongf n = compressBound(data.size());
  std::string z(n, '\0');
  compress(reinterpret_cast<Bytef*>(z.data()), &n, reinterpret_cast<const Bytef*>(data.data()), data.size());
  z.resize(n);
  return z;
}

// A PDF file of objects 1..n (1 the catalog), its cross-reference table
// and a trailer with `trailer_extra` ("/Encrypt ...") added.
inline std::string assemble_pdf(const std::vector<std::string>& objs, const std::string& trailer_extra = "") {
  std::string out = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objs.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objs[i] + "\nendobj\n";
  }
  size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objs.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t o : offsets) {
    char line[32];
    snprintf(line, sizeof line, "%010zu 00000 n \n", o);
    out += line;
  }
  out += "trailer\n<< /Size " + std::to_string(objs.size() + 1) + " /Root 1 0 R" + trailer_extra + " >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  return out;
}

// A PDF with one page per item of `pages`, each showing its text in
// Helvetica (an empty item: a page with only a drawn box, as a scan's
// picture would be), content streams deflated; with `encrypt`, an
// /Encrypt dictionary whose user password is not empty; with `info`
// ("/Title (...) /Author (...)"), a document information dictionary.
inline std::string make_pdf(const std::vector<std::string>& pages, bool encrypt = false, const std::string& info = "") {
  // Objects: 1 catalog, 2 pages, 3 font, then per page its page and content stream.
  std::vector<std::string> objs = {"<< /Type /Catalog /Pages 2 0 R >>", "",
                                   "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"};
  std::string kids;
  for (const auto& text : pages) {
    std::string content = text.empty() ? "0.5 g 72 72 468 648 re f" : "BT /F1 12 Tf 72 720 Td (" + text + ") Tj ET";
    std::string z = deflate(content);
    size_t page = objs.size() + 1;
    kids += std::to_string(page) + " 0 R ";
    objs.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents " + std::to_string(page + 1) +
                   " 0 R /Resources << /Font << /F1 3 0 R >> >> >>");
    objs.push_back("<< /Length " + std::to_string(z.size()) + " /Filter /FlateDecode >>\nstream\n" + z + "\nendstream");
  }
  objs[1] = "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages.size()) + " >>";
  if (encrypt)
    objs.push_back("<< /Filter /Standard /V 1 /R 2 /O <" + std::string(64, '1') + "> /U <" + std::string(64, '2') +
                   "> /P -4 >>");
  std::string id = "<0123456789abcdef0123456789abcdef>";
  std::string trailer = encrypt ? " /Encrypt " + std::to_string(objs.size()) + " 0 R /ID [" + id + " " + id + "]" : "";
  if (!info.empty()) {
    objs.push_back("<< " + info + " >>");
    trailer += " /Info " + std::to_string(objs.size()) + " 0 R";
  }
  return assemble_pdf(objs, trailer);
}

// A one-page PDF showing `page` with a file (`name`, a PDF literal
// string's text, and `file` deflated; the file specification's /Desc
// `desc` when not empty) attached to it as a PDF writer attaches one: listed in the
// catalog's EmbeddedFiles name tree (Acrobat's "Attach File", a
// portfolio) or, with `annotation`, held by a FileAttachment annotation
// on the page (a paper-clip icon). poppler's pdfdetach lists it.
inline std::string make_pdf_with_attached_file(const std::string& page, const std::string& file, bool annotation,
                                              const std::string& name = "attached.csv",
                                              const std::string& desc = "") {
  std::string content = deflate("BT /F1 12 Tf 72 720 Td (" + page + ") Tj ET"), data = deflate(file);
  // 1 catalog, 2 pages, 3 font, 4 page, 5 content, 6 file specification, 7 the file's stream, 8 annotation
  std::vector<std::string> objs = {
      annotation ? "<< /Type /Catalog /Pages 2 0 R >>"
                 : "<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(" + name + ") 6 0 R] >> >> >>",
      "<< /Type /Pages /Kids [4 0 R] /Count 1 >>", "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
      std::string("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R ") +
          (annotation ? "/Annots [8 0 R] " : "") + "/Resources << /Font << /F1 3 0 R >> >> >>",
      "<< /Length " + std::to_string(content.size()) + " /Filter /FlateDecode >>\nstream\n" + content + "\nendstream",
      "<< /Type /Filespec /F (" + name + ") /UF (" + name + ")" + (desc.empty() ? "" : " /Desc (" + desc + ")") +
          " /EF << /F 7 0 R >> >>",
      "<< /Type /EmbeddedFile /Subtype /text#2Fcsv /Length " + std::to_string(data.size()) +
          " /Filter /FlateDecode /Params << /Size " + std::to_string(file.size()) + " >> >>\nstream\n" + data +
          "\nendstream"};
  if (annotation)
    objs.push_back("<< /Type /Annot /Subtype /FileAttachment /Rect [72 600 92 620] /FS 6 0 R /Name /PushPin >>");
  return assemble_pdf(objs);
}

// A one-page PDF showing `page` with a comment on it: a sticky note
// (a /Text annotation) whose /Contents is `note`, a PDF literal string
// ("(...)", escapes as PDF writes them) or hex string ("<FEFF...>").
inline std::string make_pdf_with_comment(const std::string& page, const std::string& note) {
  std::string content = deflate("BT /F1 12 Tf 72 720 Td (" + page + ") Tj ET");
  return assemble_pdf(
      {"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
       "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
       "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R /Annots [6 0 R] "
       "/Resources << /Font << /F1 3 0 R >> >> >>",
       "<< /Length " + std::to_string(content.size()) + " /Filter /FlateDecode >>\nstream\n" + content + "\nendstream",
       "<< /Type /Annot /Subtype /Text /Rect [72 600 92 620] /T (Dr Smith) /Contents " + note + " >>"});
}

struct Outcome {
  std::string text;
  std::string reason;
  bool opened = false;
};

// Runs `doc` through a reader of `kind` fed in `chunk`-byte pieces.
inline Outcome extract(const mime::DocumentReader& reader, std::string_view kind, const std::string& doc,
                       size_t chunk = 4096) {
  Outcome o;
  auto d = reader.open(kind);
  if (!d) return o;
  o.opened = true;
  for (size_t i = 0; i < doc.size(); i += chunk) d->feed(std::string_view(doc).substr(i, chunk));
  o.reason = d->finish([&](std::string_view t) { o.text.append(t); });
  return o;
}

// A converter's options `one` with one process, waited for 1 s, that one
// held by a document of another reader (`elsewhere`: the pool is
// daemon-wide) while this lives (`held`, null if it could not be had),
// and `in_caller`, the same options for a reader of files inside another
// document, which run in that one's slot (in_caller_slot).
template <class Reader, class Options>
struct OnlyProcessHeld {
  OnlyProcessHeld(Options o, std::string_view kind)
      : one(one_process(std::move(o))), in_caller(in_caller_slot(one)), elsewhere(one), held(elsewhere.open(kind)) {}
  static Options one_process(Options o) {
    o.processes = 1;
    o.timeout = std::chrono::seconds(1);
    return o;
  }
  static Options in_caller_slot(Options o) {
    o.in_caller_slot = true;
    return o;
  }
  const Options one, in_caller;
  const Reader elsewhere;
  const std::unique_ptr<mime::Document> held;
};

// The first page of `pdf` as an image: format "png", "jpeg" or "tiff"
// (written to a file: pdftoppm cannot write a TIFF to a pipe).
inline std::string render(const std::string& pdf, const std::string& format, int dpi = 150) {
  escrow::testing::TempDir dir;
  std::string in = dir.write("page.pdf", pdf, 0600);
  std::string out = dir.path() + "/page";
  std::string cmd = "pdftoppm -singlefile -r " + std::to_string(dpi) + " -" + format + " " + in + " " + out;
  if (std::system(cmd.c_str()) != 0) return {};
  const char* ext = format == "jpeg" ? ".jpg" : format == "tiff" ? ".tif" : ".png";
  std::ifstream f(out + ext, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// make_pdf's page of `text` rendered grey at 150 dpi by pdftoppm: its
// size and its pixels (one byte each, rows top down); empty on failure.
struct GrayPage {
  size_t width = 0, height = 0;
  std::string pixels;
};
inline GrayPage gray_page(const std::string& text) {
  escrow::testing::TempDir dir;
  std::string in = dir.write("page.pdf", make_pdf({text}), 0600);
  std::string out = dir.path() + "/page";
  if (std::system(("pdftoppm -singlefile -r 150 -gray " + in + " " + out).c_str()) != 0) return {};
  std::ifstream f(out + ".pgm", std::ios::binary);
  std::string pgm((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  // "P5\n<w> <h>\n255\n" then the pixels.
  size_t a = pgm.find('\n'), b = pgm.find('\n', a + 1), c = pgm.find('\n', b + 1);
  if (pgm.rfind("P5", 0) != 0 || c == std::string::npos) return {};
  std::string size = pgm.substr(a + 1, b - a - 1);
  GrayPage page{std::stoul(size.substr(0, size.find(' '))), std::stoul(size.substr(size.find(' ') + 1)),
                pgm.substr(c + 1)};
  if (page.pixels.size() < page.width * page.height) return {};
  return page;
}

// The same as an image XObject's dictionary entries and data (deflated
// DeviceGray pixels); empty on failure.
struct GrayPicture {
  std::string dictionary, data;
};
inline GrayPicture gray_picture(const std::string& text) {
  GrayPage page = gray_page(text);
  if (page.pixels.empty()) return {};
  std::string z = deflate(page.pixels);
  return {"/Type /XObject /Subtype /Image /Width " + std::to_string(page.width) + " /Height " +
              std::to_string(page.height) + " /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length " +
              std::to_string(z.size()),
          z};
}

// `page` turned clockwise by `quarters` quarter turns: a page scanned or
// photographed sideways (1, 3) or a fax fed upside down (2).
inline GrayPage turned(const GrayPage& page, int quarters) {
  GrayPage t = page;
  for (int q = 0; q < (quarters % 4 + 4) % 4; ++q) {
    GrayPage r{t.height, t.width, std::string(t.pixels.size(), '\0')};
    for (size_t y = 0; y < t.height; ++y)  // (x, y) goes to (height-1-y, x)
      for (size_t x = 0; x < t.width; ++x) r.pixels[x * r.width + (t.height - 1 - y)] = t.pixels[y * t.width + x];
    t = std::move(r);
  }
  return t;
}

// The same as a .bmp file (8 bits a pixel, a grey palette, rows bottom
// up, each padded to 4 bytes), as Paint saves a screenshot; with `strip`,
// only the rows with ink and 12 rows around them (a one-line text: about
// 50 KB). "" on failure. Its bytes after the first 14 (the file header)
// are the DIB Office keeps.
inline std::string bmp_of(GrayPage page, bool strip = false) {
  if (page.pixels.empty()) return {};
  const size_t w = page.width;
  size_t h = page.height;
  std::string pixels = std::move(page.pixels);
  if (strip) {
    size_t first = h, last = 0;
    for (size_t y = 0; y < h; ++y)
      for (size_t x = 0; x < w; ++x)
        if (static_cast<unsigned char>(pixels[y * w + x]) < 128) {
          first = std::min(first, y);
          last = y;
        }
    if (first > last) return {};
    first = first > 12 ? first - 12 : 0;
    last = std::min(h - 1, last + 12);
    pixels = pixels.substr(first * w, (last - first + 1) * w);
    h = last - first + 1;
  }
  auto le = [](uint32_t v, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s.push_back(char((v >> (8 * i)) & 0xFF));
    return s;
  };
  const size_t row = (w + 3) / 4 * 4;
  std::string palette;
  for (int g = 0; g < 256; ++g) palette += std::string{char(g), char(g), char(g), '\0'};
  std::string data;
  for (size_t y = h; y-- > 0;) data += pixels.substr(y * w, w) + std::string(row - w, '\0');
  std::string info = le(40, 4) + le(uint32_t(w), 4) + le(uint32_t(h), 4) + le(1, 2) + le(8, 2) + le(0, 4) +
                     le(uint32_t(data.size()), 4) + le(5906, 4) + le(5906, 4) + le(256, 4) + le(0, 4);
  uint32_t offset = uint32_t(14 + info.size() + palette.size());
  return "BM" + le(uint32_t(offset + data.size()), 4) + le(0, 4) + le(offset, 4) + info + palette + data;
}
inline std::string make_bmp(const std::string& text, bool strip = false) { return bmp_of(gray_page(text), strip); }

// A dynamic XML (XFA) form as Adobe LiveCycle Designer saves one: its page
// says "Please wait..." (what a reader without XFA shows), and the data
// typed into it is the "datasets" packet, one stream of the /XFA array
// (or, with `one_stream`, the whole XDP document in one stream).
inline std::string make_xfa_pdf(const std::string& datasets, bool one_stream = false) {
  auto stream = [](const std::string& d) {
    return "<< /Length " + std::to_string(d.size()) + " >>\nstream\n" + d + "\nendstream";
  };
  const std::string page =
      "BT /F1 12 Tf 72 720 Td (Please wait... If this message is not eventually replaced by the proper contents of "
      "the document, your PDF viewer may not be able to display this type of document.) Tj ET";
  const std::string preamble = "<xdp:xdp xmlns:xdp=\"http://ns.adobe.com/xdp/\">",
                    tmpl = "<template xmlns=\"http://www.xfa.org/schema/xfa-template/3.3/\"><subform name=\"form1\">"
                           "<field name=\"PatientName\"/></subform></template>",
                    postamble = "</xdp:xdp>";
  std::vector<std::string> objs = {
      one_stream ? "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] /XFA 6 0 R >> /NeedsRendering true >>"
                 : "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] /XFA [(preamble) 6 0 R (template) 7 0 R "
                   "(datasets) 8 0 R (postamble) 9 0 R] >> /NeedsRendering true >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R /Resources << /Font << /F1 4 0 R >> >> >>",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
      stream(page)};
  if (one_stream) {
    objs.push_back(stream(preamble + tmpl + datasets + postamble));
  } else {
    for (const std::string* packet : {&preamble, &tmpl, &datasets, &postamble}) objs.push_back(stream(*packet));
  }
  return assemble_pdf(objs);
}

// A PDF whose one page is only a picture of `text` (as a scanner or a fax
// makes it): make_pdf's page rendered grey at 150 dpi, embedded as a
// deflated DeviceGray image; pdftotext finds no text in it. "" on failure.
inline std::string make_scanned_pdf(const std::string& text) {
  GrayPicture picture = gray_picture(text);
  if (picture.data.empty()) return {};
  std::string content = "q 612 0 0 792 0 0 cm /Im1 Do Q";
  std::vector<std::string> objs = {
      "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /XObject << /Im1 5 0 R >> >> >>",
      "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream",
      "<< " + picture.dictionary + " >>\nstream\n" + picture.data + "\nendstream"};
  return assemble_pdf(objs);
}

// A PDF of letter-size pages, each showing its `text` in Helvetica at the
// top (a line break starts a line below) and, when `picture` is not
// empty, a picture of that text (a page of it rendered as gray_picture
// does: the words at its top, white below) drawn `width` by `height`
// points (72 to the inch) at the page's lower left margin, as a pasted
// screenshot or a photographed card is in a typed letter. "" on failure.
struct PageWithPicture {
  std::string text, picture;
  int width = 0, height = 0;
};
inline std::string make_pdf_with_pictures(const std::vector<PageWithPicture>& pages) {
  // Objects: 1 catalog, 2 pages, 3 font, then per page its page, content stream and picture.
  std::vector<std::string> objs = {"<< /Type /Catalog /Pages 2 0 R >>", "",
                                   "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"};
  std::string kids;
  for (const auto& p : pages) {
    size_t page = objs.size() + 1;
    kids += std::to_string(page) + " 0 R ";
    std::string content = "BT /F1 12 Tf 72 740 Td 14 TL (";
    for (char c : p.text) content += c == '\n' ? std::string(") Tj T* (") : std::string(1, c);
    content += ") Tj ET";
    std::string resources = "/Font << /F1 3 0 R >>";
    GrayPicture picture;
    if (!p.picture.empty()) {
      picture = gray_picture(p.picture);
      if (picture.data.empty()) return {};
      content += " q " + std::to_string(p.width) + " 0 0 " + std::to_string(p.height) + " 72 72 cm /Im1 Do Q";
      resources += " /XObject << /Im1 " + std::to_string(page + 2) + " 0 R >>";
    }
    std::string z = deflate(content);
    objs.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents " + std::to_string(page + 1) +
                   " 0 R /Resources << " + resources + " >> >>");
    objs.push_back("<< /Length " + std::to_string(z.size()) + " /Filter /FlateDecode >>\nstream\n" + z + "\nendstream");
    if (!picture.data.empty()) objs.push_back("<< " + picture.dictionary + " >>\nstream\n" + picture.data + "\nendstream");
  }
  objs[1] = "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages.size()) + " >>";
  return assemble_pdf(objs);
}

}  // namespace phi::test

#endif
