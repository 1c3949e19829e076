// NAME
//   ole - the streams at the top of an OLE2 compound file (Word, Excel and PowerPoint 97-2003)
// SYNOPSIS
//   bool is_ole(first_bytes);
//   OleFile f(read_at, size);               // reads the header and directory
//   OleListing l = f.listing();
//   if (l.valid && l.has("WordDocument")) ...
//   std::string s; f.read("PowerPoint Document", max, s) == OleStream::Read
//   f.listing("__attach_version1.0_#00000000"); f.read(storage, name, max, piece_fn);
//   f.listing("ObjectPool/_1234"); l.items[i].stream, .length
// DESCRIPTION
//   An OLE2 compound file (MS-CFB) is a small file system: a header, a
//   file allocation table (FAT) of sector chains, and a directory whose
//   entries form one red-black tree per storage. Word 97-2003 keeps its
//   text in a top-level stream "WordDocument", Excel in "Workbook" (BIFF8)
//   or "Book" (BIFF5), PowerPoint in "PowerPoint Document"; a password
//   protected Office Open XML document is a compound file holding
//   "EncryptedPackage"; Outlook .msg, Visio and others have other names.
//   The same names can appear deeper (an Excel sheet embedded in a Word
//   letter is a storage of the letter holding "Workbook"), which is why
//   only the root storage's own children are listed: the directory chain
//   is followed through the FAT and the root's tree walked.
//   OleFile reads through `read_at(offset, buffer)` (false when the
//   bytes cannot be read) a file of `size` bytes, once: listing() gives
//   the names of the root's children (UTF-16 code units above 0x7F become
//   '?'), or valid == false when the file is no compound file or its
//   header, FAT or directory cannot be read. read() reads the root's
//   stream `name` into `out`, through the FAT, or, for a stream under the
//   header's cutoff (4096 bytes), from the mini stream (the root entry's
//   own chain, read once) through the mini FAT in 64-byte mini sectors
//   (PowerPoint's text and an Outlook message's properties are read by
//   phimilter itself: milter/mime/ppt.h, msg.h). The directory is kept,
//   so that the storages below can be listed and read too (an Outlook
//   message's attachments, the objects embedded in a document), each
//   storage's tree walked when first asked for (the last one is kept).
// INPUT
//   Hostile: every sector number, chain and tree link is checked against
//   the file's size; a chain that comes back to a sector, or a tree to an
//   entry, is refused, so the work is linear in the
//   file's size and the memory in its directory's (and the stream read,
//   at most max_bytes).
// THREADS
//   An OleFile is used by one thread at a time (it keeps the mini stream
//   and the last storage's tree once read); is_ole is pure.
#ifndef PHI_MIME_OLE_H
#define PHI_MIME_OLE_H

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace phi::mime {

bool is_ole(std::string_view first_bytes);

struct OleListing {
  struct Item {
    std::string name;
    bool stream;      // else a storage
    uint64_t length;  // a stream's, as its entry says (0 for a storage)
  };
  bool valid = false;
  std::vector<std::string> names;  // the storage's children
  std::vector<Item> items;         // the same, with what each is
  bool has(std::string_view name) const;
  void add(std::string name, bool stream, uint64_t length);
};

enum class OleStream {
  Read,        // `out` holds the stream
  Missing,     // the root storage has no stream of that name
  TooLarge,    // longer than max_bytes, or than the file
  Unreadable,  // no compound file, or its directory or the stream's chain cannot be read
};
class OleFile {
 public:
  OleFile(std::function<bool(uint64_t offset, std::span<char> out)> read_at, uint64_t size);
  ~OleFile();
  OleFile(const OleFile&) = delete;
  OleFile& operator=(const OleFile&) = delete;
  bool valid() const;
  OleListing listing() const;
  OleStream read(std::string_view name, uint64_t max_bytes, std::string& out);
  // The same given to `out` in pieces of at most a sector (the pieces
  // given before a failure stay given).
  OleStream read(std::string_view name, uint64_t max_bytes, const std::function<void(std::string_view)>& out);
  // The same in the storage `storage`: a top-level one (an Outlook
  // message's attachment) or a path of storages' names with '/' between
  // them ("ObjectPool/_1234": an object embedded in a Word document):
  // its children (valid false when there is no such storage or a tree on
  // the way cannot be read), and a stream of it given to `out` in pieces
  // of at most a sector (Unreadable also when there is no such storage).
  OleListing listing(std::string_view storage) const;
  OleStream read(std::string_view storage, std::string_view name, uint64_t max_bytes,
                 const std::function<void(std::string_view)>& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> p_;
};

}  // namespace phi::mime

#endif
