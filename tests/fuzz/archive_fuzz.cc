// archive_fuzz - an attachment read as a gzip, bzip2, xz or zstd file, a tar archive or (a tar stream behind
// a 7z or RAR signature, EchoReader standing in for bsdtar) a 7z or RAR archive (Decompressor, TarStream,
// the archive readers) through the Walker; the events must not depend on how the body is split.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "milter/mime/walker.h"
#include "tests/fuzz/walker_log_sink.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  phi::mime::fuzz::check_attachment_split(in, "application/x-tar");
  return 0;
}
