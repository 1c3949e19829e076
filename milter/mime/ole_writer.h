// NAME
//   ole_writer - an OLE2 compound file of given streams, written front to back
// SYNOPSIS
//   OleWriter w({{"WordDocument", 5000}, {"1Table", 1600}}, out);
//   if (!w.ok()) ...                          // too many or too large
//   for (size_t i : w.order()) { w.data(bytes of stream i ...); w.end_stream(); }
//   w.finish();
// DESCRIPTION
//   Writes to `out`, in order and never going back, a compound file
//   (MS-CFB version 3: 512-byte sectors, the only size catdoc and xls2csv
//   read; past 7 MB the FAT's sectors are listed in DIFAT sectors) whose
//   root storage holds the
//   given streams, so that a program that reads a whole Word, Excel or
//   PowerPoint file (catdoc, xls2csv) can read one that is stored as a
//   storage inside another file (an Excel sheet embedded in a Word
//   letter). The header, the allocation tables and the directory are
//   written by the constructor from the streams' lengths; then each
//   stream's bytes are given in order(): the streams under 4096 bytes
//   first (they share the mini stream, in 64-byte mini sectors), then the
//   others, each in sectors of its own. Bytes past a stream's length are
//   dropped; a stream given fewer is padded with zeros (end_stream()
//   returns false). The directory's tree is balanced by the format's
//   order (length, then upper-cased name). Names are ASCII ('?' stands for
//   a character OleFile could not give).
//   ok() is false (and nothing is written) for more than kMaxOleStreams
//   streams or more than kMaxOleBytes in all.
// INPUT
//   The names and lengths come from a hostile file: bounded above; the
//   bytes are passed through. Memory: the tables (a few KB per MB).
// THREADS
//   One object per file.
#ifndef PHI_MIME_OLE_WRITER_H
#define PHI_MIME_OLE_WRITER_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace phi::mime {

inline constexpr size_t kMaxOleStreams = 256;
inline constexpr uint64_t kMaxOleBytes = uint64_t(64) << 20;  // its FAT: 512 KB

class OleWriter {
 public:
  struct Stream {
    std::string name;
    uint64_t length;
  };
  OleWriter(std::vector<Stream> streams, std::function<void(std::string_view)> out);
  bool ok() const { return ok_; }
  // The order the streams' bytes are given in (indices into the streams given).
  const std::vector<size_t>& order() const { return order_; }
  void data(std::string_view bytes);
  bool end_stream();
  void finish();

 private:
  void zeros(uint64_t n);

  std::vector<Stream> streams_;
  std::function<void(std::string_view)> out_;
  std::vector<size_t> order_;
  bool ok_ = false;
  size_t next_ = 0;        // the stream being given (an index into order_)
  uint64_t given_ = 0;     // its bytes so far
  size_t small_ = 0;       // order_'s first small_ streams are in the mini stream
  uint64_t mini_tail_ = 0; // zeros after the last mini sector, to the end of its sector
};

}  // namespace phi::mime

#endif
