// NAME
//   counting_document - an EmbeddedDocument for the fuzzers: an embedded PDF's bytes counted, not read
// SYNOPSIS
//   CountingDocument doc; DicomText d(&doc); ...   // "[N]" written where the PDF's text would be
// DESCRIPTION
//   Lets a fuzzer drive the readers' embedded-document path (DICOM's
//   encapsulated PDF, an HL7 result's file) and compare the whole and
//   split runs by their output: each PDF's byte count is appended to the
//   text at its end.
// THREADS
//   Fuzzing only.
#ifndef PHI_TESTS_FUZZ_COUNTING_DOCUMENT_H
#define PHI_TESTS_FUZZ_COUNTING_DOCUMENT_H

#include <cstddef>
#include <string>
#include <string_view>

#include "milter/mime/embedded.h"

namespace phi::mime::fuzz {

struct CountingDocument : EmbeddedDocument {
  std::string begin(std::string_view) override { return ""; }
  void bytes(std::string_view b, std::string&) override { n += b.size(); }
  std::string end(std::string& text) override {
    text += "[" + std::to_string(n) + "]";
    n = 0;
    return "";
  }
  size_t n = 0;
};

}  // namespace phi::mime::fuzz

#endif
