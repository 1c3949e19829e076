// NAME
//   archive_tar - 7z and RAR attachments as a tar stream, from bsdtar(1) in a child process
// SYNOPSIS
//   ArchiveOptions o; o.program = "/usr/bin/bsdtar";
//   Converters docs(pdf, ocr, office, std::make_shared<ArchiveToTar>(o));
//   mime::Walker w(limits, sink, &docs);   // each file in a .7z or .rar is a part
// DESCRIPTION
//   A mime::DocumentReader for "archive": the Walker hands it parts whose
//   first bytes are a 7z or RAR signature and that are declared or sniffed
//   as archives (application/x-7z-compressed, x-rar, .7z, .rar, or an
//   unlabelled binary). A 7z archive keeps its directory at its end, so the
//   archive is first kept in a memory file (memfd: no file system, freed
//   with the Document; at most the Walker's max_part_bytes); open() takes
//   one of `processes` slots of a pool of its own (with `in_caller_slot`,
//   for files attached to a PDF or an Outlook .msg, none: the archive is
//   read in the PDF's or .msg's slot, and the files in it by its readers).
//   At finish() libarchive's bsdtar, started as a ConverterRun
//   (milter/converter.h: sandbox, limits, timeouts) with the memory file as
//   its standard input,
//     program -c -f - --format pax @-
//   writes the archive's files again as a pax archive, which is passed on
//   unconverted (raw): the Walker reads it as it reads a tar attachment,
//   each file a part of its own (milter/mime/entity.h, PackedReader).
//   Reasons finish() returns: "" for exit status 0; "archive" for any other
//   status (a damaged archive, an encrypted one, a format bsdtar cannot
//   read: bsdtar says which on its standard error, which is not kept), a
//   crash, a limit hit or a timeout after at least half of it on the CPU;
//   "size-limit" after max_text bytes of output (the child is killed; the
//   files before are read); "time-limit" and "unavailable" as for every
//   ConverterRun, "unavailable" too when the memory file cannot be written.
//   Logs ("archive") name the program, the exit status and the reason,
//   never a byte of the archive or a file name in it.
// INPUT
//   The archive is hostile: it is parsed and decompressed in the child,
//   under the limits above, as the daemon's user. Its output is hostile
//   too: the daemon's own tar reader (milter/mime/tar.h) parses it.
// THREADS
//   open() from any thread; each Document is used by one thread at a time.
#ifndef PHI_MILTER_ARCHIVE_TAR_H
#define PHI_MILTER_ARCHIVE_TAR_H

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "milter/converter.h"
#include "milter/mime/walker.h"

namespace phi {

struct ArchiveOptions : ConverterLimits {  // processes: archives held and converted at a time
  ArchiveOptions() : ConverterLimits{std::chrono::seconds(30), 256ull << 20, 32ull << 20, 2} {}
  std::string program;  // absolute path of bsdtar
  // Archives opened by another reader in a slot of its own (a file
  // attached to a PDF or a .msg, in its slot): open() takes none of
  // `processes` and so never waits for one.
  bool in_caller_slot = false;
};

class ArchiveToTar : public ConverterReader {
 public:
  explicit ArchiveToTar(ArchiveOptions o) : o_(std::move(o)) {}
  bool reads(std::string_view kind) const override { return kind == "archive"; }
  const ArchiveOptions& options() const { return o_; }

 private:
  std::unique_ptr<mime::Document> start(std::string_view kind,
                                        std::optional<std::chrono::steady_clock::time_point> deadline) const override;
  ArchiveOptions o_;
};

}  // namespace phi

#endif
