// ole_fuzz - an OLE2 compound file's directory read by OleFile, its PowerPoint stream by
// OleFile::read and ppt_text (and the input as PowerPoint records), an Outlook message's text by
// msg_text, its attachments' storages by msg_attachments and OleFile::read one level down, and the same bytes as a .doc
// attachment through the Walker (sniffed, handed to the document reader); the events must not depend
// on how the body is split.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "milter/mime/msg.h"
#include "milter/mime/ole.h"
#include "milter/mime/ppt.h"
#include "tests/fuzz/walker_log_sink.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto read_at = [&](uint64_t off, std::span<char> out) {
    if (off > in.size() || in.size() - off < out.size()) return false;
    std::memcpy(out.data(), in.data() + off, out.size());
    return true;
  };
  phi::mime::OleFile file(read_at, in.size());
  auto l = file.listing();
  // Each name is one directory entry of 128 bytes: no more names than that.
  if (l.names.size() > in.size() / 128) std::abort();
  for (const auto& n : l.names)
    if (n.size() > 31) std::abort();
  // A presentation's text: its stream read through the FAT, and the input itself as a record stream.
  std::string stream;
  auto st = file.read("PowerPoint Document", 1 << 20, stream);
  if (st == phi::mime::OleStream::Read && stream.size() > in.size()) std::abort();
  for (std::string_view records : {std::string_view(stream), in}) {
    size_t out = 0;
    phi::mime::ppt_text(records, [&](std::string_view t) { out += t.size(); });
    if (out > 2 * records.size()) std::abort();
  }
  // An Outlook message's subject and body, through the same OleFile.
  if (phi::mime::is_msg(l)) {
    size_t out = 0;
    phi::mime::msg_text(file, 1 << 20, [&](std::string_view t) { out += t.size(); });
    if (out > (8u << 20)) std::abort();  // at most a few streams of max_bytes, converted
  }
  // Its attachments: each storage's tree, names and file, read one level down.
  for (const auto& a : phi::mime::msg_attachments(file, 64)) {
    if (a.filename.find('\n') != std::string::npos || a.mime_type.find('\r') != std::string::npos) std::abort();
    uint64_t bytes = 0;
    file.read(a.storage, phi::mime::kMsgAttachData, 1 << 20, [&](std::string_view b) { bytes += b.size(); });
    if (bytes > in.size()) std::abort();
  }
  phi::mime::fuzz::check_attachment_split(in, "application/msword; name=letter.doc");
  return 0;
}
