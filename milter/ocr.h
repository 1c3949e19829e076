// NAME
//   ocr - the text of image attachments (scans, photos of documents), from tesseract(1) in a child process
// SYNOPSIS
//   OcrOptions o; o.program = "/usr/bin/tesseract";
//   ImageOcr ocr(o);
//   Converters docs(pdf, std::make_shared<ImageOcr>(o));
//   mime::Walker w(limits, sink, &docs);   // images of min_bytes or more come as Body text
// DESCRIPTION
//   A mime::DocumentReader for "image": open() starts
//     program stdin stdout -l language [--psm 1 -c min_orientation_margin=2] tsv
//   as a ConverterRun (milter/converter.h: the sandbox, the limits -- address
//   space `memory_limit`, CPU time `timeout` --, the slots, the timeouts,
//   the text read and checked as UTF-8) with the environment PATH and
//   OMP_THREAD_LIMIT=1 (one thread per process: `processes`, OcrProcesses,
//   is the daemon's whole OCR concurrency), in a pool of its own. The
//   Walker hands it only parts whose first bytes are a PNG, JPEG, TIFF, GIF,
//   WebP, BMP, JPEG 2000 or HEIF signature (mime::is_image): tesseract's
//   image library reads the others from memory, and nothing else reaches it
//   (given input it does not recognise, tesseract would take it for a list
//   of file names). open() takes the slot; the child starts once the first
//   12 bytes are in. A HEIF or AVIF image (an iPhone photo; mime::is_heif)
//   goes first to `heif_program` (phimilter-heif, tools/phimilter_heif.cc)
//   as a ConverterRun of its own (the same limits, no OMP variable, a
//   pool as large whose slots are only taken by a run holding an OCR slot,
//   output raw, at most a 4096 by 4096 grey PGM), and tesseract is given
//   that picture as it comes; the decoder's failure (exit status not 0, a
//   signal, a limit) is that reason ("image", "size-limit", ...), and with
//   `heif_program` empty a HEIF image is "image" and nothing is started.
//   With `orientation` (OcrOrientation, the default) tesseract first finds
//   which way up the text is (its osd model) and reads the page turned
//   upright: a fax fed upside down or a page scanned or photographed
//   sideways, which page segmentation alone (--psm 3) reads as garbage or
//   not at all. The margin, 2 instead of tesseract's 7, turns a page of
//   one or two lines too (no upright page tried was turned by it).
//   Parts smaller than `min_bytes` are not read (min_bytes()).
//   tesseract writes its words as TSV with a confidence each (0 to 100);
//   mime::OcrTsv passes their text on laid out as tesseract's plain text.
//   Reasons finish() returns: "" for exit status 0 with at least 32
//   characters other than white space in the words (text was recognised)
//   and a mean confidence of kOcrMinConfidence or more; "image" for
//   status 0 with fewer characters (a photograph, or writing OCR could not
//   see) or less confidence (garbage: a page too sparse to turn upright
//   read upside down, noise, handwriting; clean print reads above 90, such
//   garbage around 20), the words passed on either way; for any other status, a crash, a
//   limit hit, or no answer within `timeout` after at least half of it on
//   the CPU; "size-limit" and "unavailable" as for every ConverterRun.
//   Logs ("ocr") name the program (tesseract's or the decoder's), the exit
//   status and the reason, never a byte of the image or its text.
// INPUT
//   The image is hostile: Leptonica and tesseract (and for HEIF libheif)
//   decode it in the children, under the limits above, as the daemon's user. The child's output is
//   read as untrusted text, bounded by max_text.
// THREADS
//   open() from any thread; each Document is used by one thread at a time.
#ifndef PHI_MILTER_OCR_H
#define PHI_MILTER_OCR_H

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "milter/converter.h"
#include "milter/mime/walker.h"

namespace phi {

// The least mean confidence (tesseract's, 0 to 100) of an image's words
// for the image to count as read.
inline constexpr double kOcrMinConfidence = 50;

struct OcrOptions : ConverterLimits {  // timeout: the whole recognition
  OcrOptions() : ConverterLimits{std::chrono::seconds(60), 1024ull << 20, 32ull << 20, 2} {}
  std::string program;                        // absolute path of tesseract
  std::string language = "eng";               // tesseract -l: "eng", "eng+spa"
  std::string heif_program;                   // absolute path of phimilter-heif; empty: HEIF images are not read
  uint64_t min_bytes = 32 * 1024;             // smaller images are not read
  bool orientation = true;                    // turn a sideways or upside-down page upright first (--psm 1)
};

class ImageOcr : public ConverterReader {
 public:
  explicit ImageOcr(OcrOptions o) : o_(std::move(o)) {}
  bool reads(std::string_view kind) const override { return kind == "image" && !o_.program.empty(); }
  uint64_t min_bytes(std::string_view) const override { return o_.min_bytes; }
  const OcrOptions& options() const { return o_; }

 private:
  std::unique_ptr<mime::Document> start(std::string_view kind,
                                        std::optional<std::chrono::steady_clock::time_point> deadline) const override;
  OcrOptions o_;
};

// Whether `language` is a tesseract language list: names of letters, digits
// and '_' joined by '+' (nothing a shell or tesseract would read otherwise).
bool valid_ocr_language(std::string_view language);

}  // namespace phi

#endif
