// NAME
//   picture_checks - shared checks of converters that give pictures inside a text (HTML data: URLs, RTF \pict) to a reader
// SYNOPSIS
//   std::string out = convert_with<HtmlToText>(html, &doc, step, &unread, &errors);
//   expect_picture_read_in_place({mail, zipped}, png, "Please see", "Thanks", "iVBOR");
// DESCRIPTION
//   convert_with runs a converter C constructed with an EmbeddedDocument
//   over `in` in pieces of `step` bytes (0: whole), each into a fresh
//   buffer as the walker gives them, and returns all it wrote (and its
//   unread() and had_errors()).
//   expect_picture_read_in_place walks each message, chunked three ways,
//   with an OCR stand-in (test::PdfReader reading images of at least
//   `min` bytes) at two minimum sizes around the picture's: over it the
//   picture is reported "image" and its text absent; under it the
//   picture's bytes are given whole, nothing is reported, and the
//   picture's text lies between `before` and `after`; `absent` (the
//   picture's encoded bytes) is never in the text.
// THREADS
//   Test only.
#ifndef PHI_TESTS_UNIT_MIME_PICTURE_CHECKS_H
#define PHI_TESTS_UNIT_MIME_PICTURE_CHECKS_H

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "milter/mime/embedded.h"
#include "milter/mime/walker.h"
#include "tests/unit/mime/fake_documents.h"
#include "tests/unit/mime/recording_sink.h"

namespace phi::mime::test {

template <typename C>
std::string convert_with(std::string_view in, EmbeddedDocument* doc, size_t step, std::string* unread = nullptr,
                         bool* errors = nullptr) {
  C c(doc);
  std::string out;
  if (step == 0) step = in.size() + 1;
  for (size_t i = 0; i < in.size(); i += step) {
    std::string piece;
    c.feed(in.substr(i, step), piece);
    out += piece;
  }
  std::string piece;
  c.finish(piece);
  if (unread) *unread = std::string(c.unread());
  if (errors) *errors = c.had_errors();
  return out + piece;
}

inline void expect_picture_read_in_place(std::initializer_list<std::string> messages, const std::string& picture,
                                         const std::string& before, const std::string& after, const std::string& absent) {
  const std::string ocr_text = "Patient: Jane Doe DOB 03/14/1962\n";
  for (const std::string& msg : messages) {
    for (uint64_t min : {uint64_t(picture.size() / 2), uint64_t(picture.size() * 2)}) {
      for (size_t chunk : {size_t(0), size_t(7), size_t(1000)}) {
        SCOPED_TRACE("min " + std::to_string(min) + ", chunk " + std::to_string(chunk));
        PdfReader ocr;
        ocr.images = true;
        ocr.min = min;
        ocr.line = ocr_text;
        RecordingSink sink;
        Walker w(Limits{}, sink, &ocr);
        feed_message(w, msg, chunk);
        bool read = min < picture.size();
        EXPECT_EQ(ocr.bytes, read ? picture : "");
        EXPECT_EQ(sink.reasons, read ? std::vector<std::string>{} : std::vector<std::string>{"image"}) << sink.log();
        std::string log = sink.log();
        size_t at_before = log.find(before), at_text = log.find(ocr_text), at_after = log.find(after);
        EXPECT_NE(at_before, std::string::npos) << log;
        EXPECT_EQ(at_text != std::string::npos, read) << log;
        if (read) {
          EXPECT_LT(at_before, at_text) << log;
          EXPECT_LT(at_text, at_after) << log;
        }
        EXPECT_EQ(log.find(absent), std::string::npos) << log;
      }
    }
  }
}

}  // namespace phi::mime::test

#endif
