// phimilter-heif - a HEIF or AVIF image (an iPhone photo) on standard input, as a grey PGM for OCR on standard output.
//
// tesseract's image library reads no HEIF, so the daemon's OCR reader
// (milter/ocr.h) runs this first, sandboxed as tesseract is, and gives
// tesseract what it writes. The input is hostile: libheif (libde265, dav1d
// or libaom underneath) decodes it here, in a child under the daemon's
// limits, never in the daemon. Reads at most kMaxInput bytes; decodes the
// primary image with its rotation and mirroring applied, in one thread:
// the sandbox lets no thread start (RLIMIT_NPROC 0), and libde265, told by
// libheif to start a worker, would wait for it forever, so this program
// defines de265_start_worker_threads() as starting none (the decoder then
// works in the calling thread), and AV1 goes to libaom, not to dav1d
// (whose own threads cannot start); writes it as an 8-bit grey PGM, shrunk by a
// whole factor (the mean of each square, the last ones cut at the
// picture's edge) until neither side exceeds kMaxSide. Exit status: 0 written, 1 not an image libheif decodes (or
// damaged), 2 input over kMaxInput, 3 no memory or a write error. Messages
// on standard error (the daemon discards them) name no byte of the image.
#include <unistd.h>

#include <libheif/heif.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <new>
#include <string>
#include <vector>

namespace {

constexpr size_t kMaxInput = 32u << 20;  // a part's most (MaxPartBytes' ceiling)
constexpr int kMaxSide = 4096;           // enough for OCR; a 48-megapixel photo is halved

// Calls from libheif resolve here first: this program is linked with the
// symbol exported (tools/local.mk). A decoder context with no worker thread
// decodes in the calling thread. 0 is DE265_OK.
extern "C" __attribute__((visibility("default"))) int de265_start_worker_threads(void*, int) { return 0; }

int fail(int status, const char* what) {
  std::fprintf(stderr, "phimilter-heif: %s\n", what);
  return status;
}

bool write_all(const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(1, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

int run() {
  std::string in;
  char buf[65536];
  for (;;) {
    ssize_t r = ::read(0, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return fail(1, "cannot read standard input");
    if (r == 0) break;
    if (in.size() + static_cast<size_t>(r) > kMaxInput) return fail(2, "input larger than 32 MB");
    in.append(buf, static_cast<size_t>(r));
  }

  heif_context* ctx = heif_context_alloc();
  heif_decoding_options* options = heif_decoding_options_alloc();
  if (!ctx || !options) return fail(3, "no memory");
  heif_context_set_max_decoding_threads(ctx, 0);  // tiles one after another, no thread started
  heif_image_handle* handle = nullptr;
  heif_image* image = nullptr;
  options->decoder_id = "aom";  // AV1 only; HEVC, with no decoder of that name, goes to libde265
  int status = 0;
  auto decode = [&](const heif_decoding_options* o) {
    return heif_decode_image(handle, &image, heif_colorspace_RGB, heif_chroma_interleaved_RGB, o).code == heif_error_Ok;
  };
  if (heif_context_read_from_memory_without_copy(ctx, in.data(), in.size(), nullptr).code != heif_error_Ok ||
      heif_context_get_primary_image_handle(ctx, &handle).code != heif_error_Ok || !(decode(options) || decode(nullptr))) {
    status = fail(1, "not a HEIF or AVIF image libheif decodes");
  } else {
    const int w = heif_image_get_width(image, heif_channel_interleaved);
    const int h = heif_image_get_height(image, heif_channel_interleaved);
    int stride = 0;
    const uint8_t* rgb = heif_image_get_plane_readonly(image, heif_channel_interleaved, &stride);
    if (!rgb || w <= 0 || h <= 0 || stride < 3 * w) {
      status = fail(1, "no pixels decoded");
    } else {
      const int f = (std::max(w, h) + kMaxSide - 1) / kMaxSide;  // the whole factor
      const int ow = (w + f - 1) / f, oh = (h + f - 1) / f;      // the last square may be cut
      std::string out = "P5\n" + std::to_string(ow) + " " + std::to_string(oh) + "\n255\n";
      const size_t head = out.size();
      try {
        out.resize(head + static_cast<size_t>(ow) * static_cast<size_t>(oh));
        std::vector<uint32_t> row(static_cast<size_t>(ow));
        for (int oy = 0; oy < oh; ++oy) {
          std::fill(row.begin(), row.end(), 0);
          const int y0 = oy * f, y1 = std::min(h, y0 + f);
          for (int y = y0; y < y1; ++y) {
            const uint8_t* line = rgb + static_cast<size_t>(y) * static_cast<size_t>(stride);
            for (int x = 0; x < w; ++x) {
              const uint8_t* px = line + 3 * static_cast<size_t>(x);
              row[static_cast<size_t>(x / f)] += (77u * px[0] + 150u * px[1] + 29u * px[2]) >> 8;  // luma, BT.601
            }
          }
          for (int ox = 0; ox < ow; ++ox) {
            const int cols = std::min(w, ox * f + f) - ox * f;
            out[head + static_cast<size_t>(oy) * static_cast<size_t>(ow) + static_cast<size_t>(ox)] =
                static_cast<char>(row[static_cast<size_t>(ox)] / static_cast<uint32_t>(cols * (y1 - y0)));
          }
        }
        if (!write_all(out.data(), out.size())) status = fail(3, "cannot write standard output");
      } catch (const std::bad_alloc&) {
        status = fail(3, "no memory");
      }
    }
  }
  if (image) heif_image_release(image);
  if (handle) heif_image_handle_release(handle);
  heif_decoding_options_free(options);
  heif_context_free(ctx);
  return status;
}

}  // namespace

int main() { return run(); }
