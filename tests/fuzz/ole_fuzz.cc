// ole_fuzz - an OLE2 compound file's directory read by OleFile, its PowerPoint stream by
// OleFile::read and ppt_text (and the input as PowerPoint records, their objects inflated by
// ppt_object), an Outlook message's text by msg_text (with and without a reader for the
// formatted body), its attachments' storages by msg_attachments and OleFile::read one level
// down (an embedded message's two), the storages of embedded objects two levels down
// ("ObjectPool/..."), each written out again by OleWriter and read back stream for stream, packaged files by OleNative (whole and split, and the
// input itself), and the same bytes as a .doc attachment through the Walker (sniffed, handed to the
// document reader); the events must not depend on how the body is split.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "milter/mime/msg.h"
#include "milter/mime/ole.h"
#include "milter/mime/ole_native.h"
#include "milter/mime/ole_writer.h"
#include "milter/mime/ppt.h"
#include "tests/fuzz/walker_log_sink.h"

namespace {

// A packaged file, whole and split in two: the same name and bytes, no more than the stream holds.
void native(std::string_view stream) {
  std::string names[2], bytes[2];
  bool damaged[2];
  for (int split = 0; split < 2; ++split) {
    phi::mime::OleNative n([&](std::string_view name) { names[split] += std::string(name) + "|"; },
                           [&](std::string_view b) { bytes[split].append(b); });
    size_t cut = split ? stream.size() / 3 : stream.size();
    n.feed(stream.substr(0, cut));
    n.feed(stream.substr(cut));
    n.finish();
    damaged[split] = n.damaged();
    if (names[split].find_first_of("\r\n") != std::string::npos || names[split].size() > 3 * stream.size() + 1) std::abort();
  }
  if (names[0] != names[1] || bytes[0] != bytes[1] || damaged[0] != damaged[1]) std::abort();
  if (bytes[0].size() > stream.size()) std::abort();
}

// The storage at `path` written out as a compound file of its own: it
// reads back with the same streams, byte for byte where they were read.
void rewrite(phi::mime::OleFile& file, const std::string& path, uint64_t max) {
  phi::mime::OleListing l = file.listing(path);
  std::vector<phi::mime::OleWriter::Stream> streams;
  std::vector<std::string> data;
  std::vector<bool> read;
  uint64_t total = 0;
  for (const auto& item : l.items) {
    if (!item.stream) continue;
    bool seen = false;
    for (const auto& s : streams) seen = seen || s.name == item.name;
    if (seen) continue;
    std::string b;
    auto st = file.read(path, item.name, max, [&](std::string_view piece) { b.append(piece); });
    if (st == phi::mime::OleStream::Read && b.size() != item.length) std::abort();
    if (item.name == phi::mime::kOle10Native) native(b);
    streams.push_back({item.name, item.length});
    read.push_back(st == phi::mime::OleStream::Read);
    data.push_back(std::move(b));
    total += item.length;
  }
  if (total > max) return;  // lengths a damaged directory claims
  std::string out;
  phi::mime::OleWriter w(streams, [&](std::string_view b) { out.append(b); });
  for (size_t i : w.order()) {
    w.data(data[i]);
    if (w.end_stream() != (data[i].size() == streams[i].length)) std::abort();
  }
  w.finish();
  if (!w.ok()) return;
  auto read_out = [&](uint64_t off, std::span<char> o) {
    if (off > out.size() || out.size() - off < o.size()) return false;
    std::memcpy(o.data(), out.data() + off, o.size());
    return true;
  };
  phi::mime::OleFile again(read_out, out.size());
  if (again.listing().names.size() != streams.size()) std::abort();
  for (size_t i = 0; i < streams.size(); ++i) {
    std::string b;
    if (again.read(streams[i].name, max, b) != phi::mime::OleStream::Read) std::abort();
    bool first = true;  // a name given twice reads the first
    for (size_t j = 0; j < i; ++j) first = first && streams[j].name != streams[i].name;
    if (first && read[i] && b != data[i]) std::abort();
  }
}

}  // namespace

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
    phi::mime::ppt_text(records, [&](std::string_view t) { out += t.size(); }, [&](std::string_view body, bool compressed) {
      // An embedded object's compound file: at most its size, never past the bound given.
      uint64_t bytes = 0;
      phi::mime::ppt_object(body, compressed, 1 << 20, [&](std::string_view b) { bytes += b.size(); });
      if (bytes > (1u << 20)) std::abort();
    });
    if (out > 2 * records.size()) std::abort();
  }
  // An Outlook message's subject and body, through the same OleFile.
  if (phi::mime::is_msg(l)) {
    size_t out = 0;
    phi::mime::msg_text(file, 1 << 20, [&](std::string_view t) { out += t.size(); });
    if (out > (8u << 20)) std::abort();  // at most a few streams of max_bytes, converted
    // With a reader for the formatted body: given at most once, at most max_bytes of it.
    size_t given = 0, bodies = 0;
    phi::mime::msg_text(file, 1 << 20, [](std::string_view) {}, [&](std::string_view, std::string_view b) {
      given += b.size();
      ++bodies;
    });
    if (bodies > 1 || given > (4u << 20)) std::abort();  // HTML as UTF-8: at most 3 bytes a byte
  }
  // Its attachments: each storage's tree, names and file, read one level
  // down; an embedded message's text and attachments, two levels down.
  auto attachments = [&](const std::string& root) {
    for (const auto& a : phi::mime::msg_attachments(file, 64, root)) {
      if (a.filename.find('\n') != std::string::npos || a.mime_type.find('\r') != std::string::npos) std::abort();
      uint64_t bytes = 0;
      file.read(a.storage, phi::mime::kMsgAttachData, 1 << 20, [&](std::string_view b) { bytes += b.size(); });
      if (bytes > in.size()) std::abort();
    }
  };
  attachments("");
  size_t embedded = 0;
  for (const auto& a : phi::mime::msg_attachments(file, 64)) {
    std::string root = a.storage + "/" + std::string(phi::mime::kMsgAttachObject);
    if (!a.object || !phi::mime::is_msg(file.listing(root)) || ++embedded > 4) continue;
    phi::mime::MsgText m = phi::mime::msg_text(file, 1 << 20, [](std::string_view) {}, {}, root);
    if (m.read > (4u << 20)) std::abort();  // a few streams of max_bytes
    attachments(root);
  }
  // Embedded objects: each storage under ObjectPool and at the top, listed, read, written out again.
  std::vector<std::string> paths;
  for (const auto& item : file.listing("ObjectPool").items)
    if (!item.stream) paths.push_back("ObjectPool/" + item.name);
  for (const auto& item : l.items)
    if (!item.stream) paths.push_back(item.name);
  for (size_t p = 0; p < paths.size() && p < 8; ++p) rewrite(file, paths[p], in.size());
  native(in);
  phi::mime::fuzz::check_attachment_split(in, "application/msword; name=letter.doc");
  return 0;
}
