// NAME
//   ole - the streams at the top of an OLE2 compound file (Word, Excel and PowerPoint 97-2003)
// SYNOPSIS
//   bool is_ole(first_bytes);
//   OleListing l = ole_top_level(read_at, size);
//   if (l.valid && l.has("WordDocument")) ...
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
//   ole_top_level() reads through `read_at(offset, buffer)` (false when
//   the bytes cannot be read) a file of `size` bytes and returns the names
//   of the root's children (UTF-16 code units above 0x7F become '?'), or
//   valid == false when the file is no compound file or its header, FAT
//   or directory cannot be read.
// INPUT
//   Hostile: every sector number, chain and tree link is checked against
//   the file's size; chains and the tree walk are bounded by the number of
//   sectors and entries (a cycle ends them), so the work is linear in the
//   file's size and the memory in its directory's.
// THREADS
//   Pure; any thread.
#ifndef PHI_MIME_OLE_H
#define PHI_MIME_OLE_H

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace phi::mime {

bool is_ole(std::string_view first_bytes);

struct OleListing {
  bool valid = false;
  std::vector<std::string> names;  // the root storage's children
  bool has(std::string_view name) const;
};

OleListing ole_top_level(const std::function<bool(uint64_t offset, std::span<char> out)>& read_at, uint64_t size);

}  // namespace phi::mime

#endif
