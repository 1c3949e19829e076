// archive_reader - gzip, bzip2, xz and zstd files, tar, 7z and RAR archives: each file inside as a part of its own, for the Sink (see entity.h).
#include <algorithm>

#include "milter/mime/entity.h"
#include "milter/util/strings.h"

namespace phi::mime::detail {
std::string clean_name(std::string_view name) {
  std::string out(name);
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  return out;
}

namespace {

// `name` without the first of `plain` it ends with, or with the first of
// `tar` it ends with made ".tar"; "" when it ends with none (or is only the suffix).
std::string strip_suffix(std::string_view name, std::initializer_list<std::string_view> plain,
                         std::initializer_list<std::string_view> tar) {
  for (std::string_view ext : plain)
    if (name.size() > ext.size() && iends_with(name, ext)) return std::string(name.substr(0, name.size() - ext.size()));
  for (std::string_view ext : tar)
    if (name.size() > ext.size() && iends_with(name, ext))
      return std::string(name.substr(0, name.size() - ext.size())) + ".tar";
  return {};
}

// What the command-line tool would name the unpacked file: "labs.txt.gz"
// -> "labs.txt", "x.tgz" -> "x.tar"; "" for other names.
std::string unpacked_name(std::string_view name, Compression format) {
  switch (format) {
    case Compression::Gzip: return strip_suffix(name, {".gz", ".gzip", ".z"}, {".tgz", ".taz"});
    case Compression::Bzip2: return strip_suffix(name, {".bz2", ".bz"}, {".tbz", ".tbz2", ".tb2"});
    case Compression::Xz: return strip_suffix(name, {".xz"}, {".txz"});
    case Compression::Zstd: return strip_suffix(name, {".zst", ".zstd"}, {".tzst"});
    case Compression::Zlib: return {};  // never a file of its own (compression_of does not tell it)
  }
  return {};
}

}  // namespace

DecompressReader::DecompressReader(WalkState& ws, const PartInfo& info, bool& open, Compression format)
    : ContainerReader(ws, info, open, ws.archive_depth), dec_(format) {
  if (is_large_decoder(format)) ws_.large_decoder_open = true;
}

DecompressReader::~DecompressReader() {
  child_.reset();  // before the flag: a child's own readers are gone first
  if (is_large_decoder(dec_.format())) ws_.large_decoder_open = false;
}

void DecompressReader::feed(std::string_view bytes) {
  dec_.feed(bytes, [this](std::string_view out) { return output(out); });
}

// The unpacked file's part, once its name is known (with the first output).
void DecompressReader::start_child() {
  if (!take_part()) return;
  std::string derived = unpacked_name(info_.filename, dec_.format());
  std::string stored = clean_name(dec_.name());
  if (stored.empty() || stored == derived) begin_child(std::move(derived), false);  // classified as the part's name
  else begin_child(std::move(stored), true);
}

bool DecompressReader::output(std::string_view bytes) {
  if (!child_) start_child();
  if (!child_) return false;
  uint64_t room = std::min(ws_.lim.max_part_bytes - std::min(out_, ws_.lim.max_part_bytes),
                           ws_.lim.max_total_bytes - std::min(ws_.inflated, ws_.lim.max_total_bytes));
  bool over = bytes.size() > room;
  if (over) bytes = bytes.substr(0, static_cast<size_t>(room));
  out_ += bytes.size();
  ws_.inflated += bytes.size();
  if (!bytes.empty()) child_->feed(bytes);
  return !over;
}

void DecompressReader::finish() {
  dec_.finish([this](std::string_view out) { return output(out); });
  if (!child_ && dec_.status() == Decompressor::Status::Done && n_ == 0) start_child();  // empty: its name is still read
  end_child();
  switch (dec_.status()) {
    case Decompressor::Status::Done:
    case Decompressor::Status::Reading:
      break;
    case Decompressor::Status::Stopped:
      if (n_ > 0) {  // else part-limit was reported
        ws_.truncated = true;
        report_own("size-limit");
      }
      break;
    case Decompressor::Status::MemoryLimit:
      ws_.truncated = true;
      report_own("size-limit");
      break;
    case Decompressor::Status::Truncated:
    case Decompressor::Status::Malformed:
      report_own("archive");
      break;
  }
  if (dec_.had_errors()) ws_.errors = true;
}

TarReader::TarReader(WalkState& ws, const PartInfo& info, bool& open)
    : ContainerReader(ws, info, open, ws.archive_depth), tar_(*this, ws.lim.max_parts * 8) {}

bool TarReader::entry(const TarEntry& e) {
  if (!e.readable) {  // a directory's or a link's name is read as the archive's
    std::string name = clean_name(e.name);
    if (name.empty()) return false;
    if (names_ + name.size() > kMaxPackageNames) {
      ws_.truncated = true;
      report_own("size-limit");
      return false;
    }
    names_ += name.size();
    own();
    ws_.sink.text(info_, TextKind::Filename, name);
    return false;
  }
  if (!take_part()) return false;
  begin_child(clean_name(e.name));
  return true;
}

void TarReader::data(std::string_view bytes) {
  if (child_) child_->feed(bytes);
}

void TarReader::entry_end() { end_child(); }

void TarReader::finish() {
  tar_.finish();
  end_child();
  switch (tar_.status()) {
    case TarStream::Status::Done:
    case TarStream::Status::Reading:
      break;
    case TarStream::Status::EntryLimit:
      ws_.truncated = true;
      report_own("part-limit");
      break;
    case TarStream::Status::Truncated:
    case TarStream::Status::Malformed:
      report_own("archive");
      break;
  }
  if (tar_.had_errors()) ws_.errors = true;
}

PackedReader::PackedReader(WalkState& ws, const PartInfo& info, bool& open, std::unique_ptr<Document> doc)
    : TarReader(ws, info, open), doc_(std::move(doc)) {
  ws_.packed_open = true;
}

PackedReader::~PackedReader() {
  doc_.reset();  // the child is killed and its slot freed if finish() did not run
  ws_.packed_open = false;
}

void PackedReader::feed(std::string_view bytes) {
  if (!doc_) return;
  if (bytes.size() > ws_.lim.max_part_bytes - held_) {
    doc_.reset();  // an archive cut short cannot be read: finish() says why
    return;
  }
  held_ += bytes.size();
  doc_->feed(bytes);
}

// Output of the reader: a pax archive whose files count as unpacked bytes.
void PackedReader::unpacked(std::string_view bytes) {
  if (cut_) return;
  uint64_t room = ws_.lim.max_total_bytes - std::min(ws_.inflated, ws_.lim.max_total_bytes);
  if (bytes.size() > room) {
    bytes = bytes.substr(0, static_cast<size_t>(room));
    cut_ = true;
  }
  ws_.inflated += bytes.size();
  TarReader::feed(bytes);
}

void PackedReader::finish() {
  if (!doc_) {
    ws_.truncated = true;
    report_own("size-limit");
    return;
  }
  std::string reason = doc_->finish([this](std::string_view b) { unpacked(b); });
  doc_.reset();  // its slot is free before the files' own documents are finished
  if (cut_ || reason == "size-limit") {  // the stream stopped at a limit, not at a fault of its own
    end_child();  // the file being read is read as far as it came
    ws_.truncated = true;
    reason = "size-limit";
  } else {
    TarReader::finish();
  }
  if (!reason.empty()) report_own(reason);
}

}  // namespace phi::mime::detail
