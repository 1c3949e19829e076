// NAME
//   msg - the text of an Outlook message file (.msg, MS-OXMSG): subject and body
// SYNOPSIS
//   OleFile f(read_at, size);
//   if (is_msg(f.listing())) { MsgText m = msg_text(f, max_bytes, out); ... }
// DESCRIPTION
//   A .msg file (Outlook's "Save as", or a message dragged into another as
//   an attachment) is a compound file whose top-level streams hold the
//   message's MAPI properties, one stream per variable-length property,
//   named __substg1.0_TTTTPPPP (property tag and type, in hex). Read:
//   PR_SUBJECT (0x0037) and then the body: PR_BODY (0x1000), or, when the
//   message has none, PR_BODY_HTML (0x1013) as its visible text
//   (HtmlToText), or else PR_RTF_COMPRESSED (0x1009: LZFu, then RtfToText);
//   Unicode (001F) first, else 8-bit (001E) read as Windows-1252. Each goes
//   to `out` as UTF-8 text ending in a line break. Attachments are
//   storages __attach_version1.0_#N: they are counted, not read (their
//   content would have to be walked as parts of their own), and so are
//   embedded messages.
//   is_msg() is true for a compound file with a __properties_version1.0
//   stream and at least one __substg1.0_ stream.
//   MsgText: `characters` of text other than white space; `attachments`;
//   `damaged` when a property stream or the compressed RTF could not be
//   read to its end (what was read is passed on).
// INPUT
//   Hostile: the streams are read through OleFile (bounded), each at most
//   max_bytes; text converters are the MIME walker's.
// THREADS
//   Pure; any thread.
#ifndef PHI_MIME_MSG_H
#define PHI_MIME_MSG_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

#include "milter/mime/ole.h"

namespace phi::mime {

struct MsgText {
  uint64_t characters = 0;
  size_t attachments = 0;
  bool damaged = false;
};

bool is_msg(const OleListing& top);
MsgText msg_text(OleFile& file, uint64_t max_bytes, const std::function<void(std::string_view utf8)>& out);

}  // namespace phi::mime

#endif
