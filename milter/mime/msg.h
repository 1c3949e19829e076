// NAME
//   msg - the text of an Outlook message file (.msg, MS-OXMSG): subject and body
// SYNOPSIS
//   OleFile f(read_at, size);
//   if (is_msg(f.listing())) { MsgText m = msg_text(f, max_bytes, out, body_file); ... }
//   for (const MsgAttachment& a : msg_attachments(f, 64)) f.read(a.storage, kMsgAttachData, max, fn);
//   msg_text(f, max_bytes, out, body_file, "__attach_version1.0_#00000000/__substg1.0_3701000D");
// DESCRIPTION
//   A .msg file (Outlook's "Save as", or a message dragged into another as
//   an attachment) is a compound file whose top-level streams hold the
//   message's MAPI properties, one stream per variable-length property,
//   named __substg1.0_TTTTPPPP (property tag and type, in hex). Read:
//   PR_SUBJECT (0x0037) and then the body: PR_BODY (0x1000), or, when the
//   message has none, the formatted body: PR_BODY_HTML (0x1013) as its
//   visible text (HtmlToText), or else PR_RTF_COMPRESSED (0x1009: LZFu,
//   then RtfToText); Unicode (001F) first, else 8-bit (001E) read as
//   Windows-1252. Each goes to `out` as UTF-8 text ending in a line break.
//   Given `body_file`, the formatted body is not converted here but handed
//   to it whole (its HTML as UTF-8, "text/html; charset=utf-8", or the
//   decompressed RTF, "text/rtf") for the caller to read as a file, with
//   the pictures and objects it holds (data: URLs, \pict, \objdata), which
//   the converters here skip; and it is handed over also beside a plain
//   body when it may hold such files (an HTML "data:" anywhere, an RTF
//   "\pict" or "\objdata"): its text then comes twice. Attachments are
//   storages __attach_version1.0_#N: msg_text counts them; msg_attachments
//   names each (file name, MIME type, whether it holds a file or an
//   embedded message or object), for the caller to read the file
//   (OleFile::read in the storage) as a part of its own.
//   A message embedded in the file (an attachment that is an Outlook item,
//   "Attach Item": the attachment's storage __substg1.0_3701000D holds the
//   same streams and storages as a .msg's top) is read the same way with
//   `root`, the path of that storage ("" for the file's own message);
//   msg_attachments' storage paths then start with it.
//   is_msg() is true for a compound file (or storage) with a
//   __properties_version1.0 stream and at least one __substg1.0_ stream.
//   MsgText: `characters` of text other than white space (a body given to
//   body_file not counted); `attachments`; `read`, the bytes of the
//   property streams read (a caller's bound); `damaged` when a property
//   stream or the compressed RTF could not be read to its end (what was
//   read is passed on), a formatted body beside a plain one included.
// INPUT
//   Hostile: the streams are read through OleFile (bounded), each at most
//   max_bytes (the decompressed RTF at most 8 times that, kMaxMsgRtf at
//   most); text converters are the MIME walker's.
// THREADS
//   Pure; any thread.
#ifndef PHI_MIME_MSG_H
#define PHI_MIME_MSG_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "milter/mime/ole.h"

namespace phi::mime {

struct MsgText {
  uint64_t characters = 0;
  size_t attachments = 0;
  bool damaged = false;
  uint64_t read = 0;  // bytes of property streams read
};

// One attachment of a .msg: a storage __attach_version1.0_#N.
struct MsgAttachment {
  std::string storage;    // its storage: OleFile::read(storage, kMsgAttachData, ...) reads the file
  std::string filename;   // UTF-8, one line: PR_ATTACH_LONG_FILENAME, else PR_ATTACH_FILENAME, else PR_DISPLAY_NAME
  std::string mime_type;  // PR_ATTACH_MIME_TAG, "" when none
  bool data = false;      // it holds a file (PR_ATTACH_DATA_BIN)
  bool object = false;    // it holds an embedded message or OLE object (PR_ATTACH_DATA_OBJ): the storage kMsgAttachObject
  bool damaged = false;   // its storage's tree cannot be read
};
inline constexpr std::string_view kMsgAttachData = "__substg1.0_37010102";
inline constexpr std::string_view kMsgAttachObject = "__substg1.0_3701000D";

bool is_msg(const OleListing& top);
// The first max_attachments attachments, in directory order; `storage`
// is the attachment's path from the file's top.
std::vector<MsgAttachment> msg_attachments(OleFile& file, size_t max_attachments, std::string_view root = {});
// The RTF body decompressed: at most 8 x max_bytes (LZFu makes no more of
// a stream of max_bytes), at most this.
inline constexpr uint64_t kMaxMsgRtf = 32ull << 20;
// A formatted body for the caller to read: its content type and bytes.
using MsgBodyFile = std::function<void(std::string_view content_type, std::string_view bytes)>;
MsgText msg_text(OleFile& file, uint64_t max_bytes, const std::function<void(std::string_view utf8)>& out,
                 const MsgBodyFile& body_file = {}, std::string_view root = {});

}  // namespace phi::mime

#endif
