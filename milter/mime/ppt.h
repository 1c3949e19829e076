// NAME
//   ppt - the text of a PowerPoint 97-2003 presentation's "PowerPoint Document" stream
// SYNOPSIS
//   std::string stream;   // OleFile::read("PowerPoint Document", ...)
//   PptText r = ppt_text(stream, [](std::string_view utf8) { ... }, [](std::string_view body, bool compressed) {...});
//   ppt_object(body, compressed, max, [](std::string_view compound_file_bytes) { ... });
//   if (r.encrypted) ...
// DESCRIPTION
//   The stream is a sequence of records (MS-PPT 2.3.1): an 8-byte header
//   -- recVer and recInstance (16 bits), recType (16), recLen (32) -- and
//   recLen bytes; a record whose recVer is 0xF is a container, whose
//   children are the records of its body. Every record is visited in
//   order, in containers at any depth: the text of slides and notes is in
//   TextCharsAtom (0x0FA0, UTF-16LE) and TextBytesAtom (0x0FA8, one byte
//   per character, the low byte of UTF-16) records, whether in the
//   SlideListWithText that PowerPoint writes or in the drawing's text
//   boxes (OfficeArtClientTextbox) where LibreOffice and others put it;
//   CString records (0x0FBA, UTF-16LE) hold names, comments and titles.
//   Each text goes to `out` as UTF-8 and ends with a line break;
//   paragraph and line breaks inside it (CR, VT) become line breaks.
//   An object embedded in a slide (an Excel sheet) is an ExOleObjStg
//   record (0x1011): the object's storage as a compound file of its own,
//   zlib-compressed after a 4-byte size when recInstance is 1; each
//   record's body goes to `objects`, and ppt_object() gives the file.
//   A CryptSession10Container (0x2F14) means the presentation is
//   encrypted: reading stops, `encrypted` is set. A record longer than
//   what is left of the stream stops reading and sets `damaged`.
// INPUT
//   Hostile; one pass, no recursion (a container's children are simply
//   the records that follow its header), the output no longer than twice
//   the stream; an object's file is inflated in 64 KB pieces, at most
//   its size.
// THREADS
//   Pure; any thread.
#ifndef PHI_MIME_PPT_H
#define PHI_MIME_PPT_H

#include <cstdint>
#include <functional>
#include <string_view>

namespace phi::mime {

struct PptText {
  uint64_t characters = 0;  // characters of text other than white space
  bool encrypted = false;
  bool damaged = false;
};

PptText ppt_text(std::string_view stream, const std::function<void(std::string_view utf8)>& out,
                 const std::function<void(std::string_view body, bool compressed)>& objects = {});

// The compound file an ExOleObjStg record's `body` holds, to `out` in
// pieces; false when it is damaged, or larger than its size says or than
// max_bytes (what was given stays given).
bool ppt_object(std::string_view body, bool compressed, uint64_t max_bytes,
                const std::function<void(std::string_view)>& out);

}  // namespace phi::mime

#endif
