// NAME
//   entity - the Walker's internals: one MIME entity and its body handlers
// SYNOPSIS
//   detail::WalkState ws{limits, sink};
//   detail::Entity e(ws, "", 0, true);   // a message: header fields, then body
//   e.header_field(name, value); e.end_headers(); e.feed(bytes); e.finish();
//   LeafPlan plan_leaf(type, subtype, filename);
//   std::string sniff_reason(std::string_view first_bytes, std::string_view declared);
//   bool is_zip(first_bytes); std::string reason_for_name(filename);
// DESCRIPTION
//   An Entity parses its header block (from header_field() calls at the top
//   level, from raw lines below), then picks a Body: LeafBody (decode to
//   text (charset and HTML, or RTF), read it as a ZIP package through a
//   PackageReader, hand a PDF to the WalkState's DocumentReader, or report
//   it uninspected), MultipartBody (BoundarySplitter + one child
//   Entity at a time) or MessageBody (transfer decoding + nested message).
//   Not for use outside milter/mime; see walker.h for the behaviour.
// INPUT
//   Untrusted, bounded as described in walker.h.
// THREADS
//   Owned by one Walker.
#ifndef PHI_MIME_ENTITY_H
#define PHI_MIME_ENTITY_H

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "milter/mime/charset.h"
#include "milter/mime/html.h"
#include "milter/mime/rtf.h"
#include "milter/mime/transfer.h"
#include "milter/mime/walker.h"
#include "milter/mime/xml_text.h"
#include "milter/mime/zip.h"

namespace phi::mime::detail {

inline constexpr size_t kSniffBytes = 16;
inline constexpr size_t kMaxPackageNames = 64 * 1024;  // bytes of entry names classified per archive
inline constexpr size_t kMaxPackageDepth = 2;         // archives read inside an archive attachment

struct WalkState {
  const Limits lim;
  Sink& sink;
  const DocumentReader* documents = nullptr;  // PDF reader, if any
  bool errors = false;
  bool truncated = false;
  size_t parts = 0;
  size_t uninspected = 0;
  uint64_t inflated = 0;  // bytes inflated from ZIP packages so far: at most max_total_bytes per message
  size_t documents_opened = 0;  // at most max_documents per message
  void report(const PartInfo& info, std::string_view reason) {
    ++uninspected;
    sink.uninspected(info, reason);
  }
  // A Document for a part of this kind from `documents`, or the reason the
  // part is uninspected instead: `kind` (no reader), "unavailable" (the
  // reader cannot run one now) or "part-limit" (max_documents reached;
  // truncated is set).
  std::unique_ptr<Document> open_document(std::string_view kind, std::string& reason) {
    reason = kind;
    if (!documents) return nullptr;
    if (documents_opened >= lim.max_documents) {
      truncated = true;
      reason = "part-limit";
      return nullptr;
    }
    ++documents_opened;
    auto doc = documents->open(kind);
    if (!doc) reason = "unavailable";
    return doc;
  }
};

enum class LeafMode { Text, Html, Rtf, Skip, Uninspected };
struct LeafPlan {
  LeafMode mode = LeafMode::Text;
  std::string reason;  // for Uninspected
};

LeafPlan plan_leaf(std::string_view type, std::string_view subtype, std::string_view filename);
// The reason for an uninspected part given its first bytes ("" keeps `declared`).
std::string sniff_reason(std::string_view first_bytes, std::string_view declared);
// s is one of the list (type names, extensions).
inline bool one_of(std::string_view s, std::initializer_list<std::string_view> list) {
  for (std::string_view x : list)
    if (s == x) return true;
  return false;
}
// A ZIP archive's first local header signature.
bool is_zip(std::string_view first_bytes);
// The reason a file of this name would be uninspected ("pdf", "office",
// "archive", "encrypted", "binary"), from its extension alone.
std::string reason_for_name(std::string_view filename);
// The lower-cased extension of a file name ("" if none or longer than 8).
std::string file_extension(std::string_view filename);

// An attachment read as a ZIP archive: Office Open XML, OpenDocument or a
// plain .zip (package.cc). The text of its XML, text and HTML entries
// (RTF entries too, and PDF entries when the WalkState has a DocumentReader)
// becomes the part's Body text (a line break between entries); the entry
// names, one per line, a Filename value at the end; entries it cannot read
// (encrypted, embedded documents, images, other methods) and an archive
// it cannot read to the end are reported uninspected, each reason once.
// Inflated bytes count against max_part_bytes and, over all the packages of
// a message, against max_total_bytes; entries count against max_parts.
class PackageReader : public ZipStream::Handler {
 public:
  // whole_reason: what the part is reported as when the archive cannot be
  // read ("office", "archive"). A document or archive inside the package
  // (a docx in a .zip, a worksheet embedded in a docx) is read by a nested
  // reader, to kMaxPackageDepth levels: `root` gets its entry names (after
  // `prefix`, the entry's own name and a '/') and its reports.
  PackageReader(WalkState& ws, const PartInfo& info, std::string whole_reason, PackageReader* root = nullptr,
                size_t depth = 0, std::string prefix = {});
  ~PackageReader() override;
  void feed(std::string_view bytes) { zip_.feed(bytes); }
  void finish();

  bool entry(const ZipEntry& e) override;
  void data(std::string_view bytes) override;
  void entry_end() override;

 private:
  enum class Kind { Xml, Text, Html, Rtf, Nested, Document };
  void start_converting(std::string_view first);
  void emit(std::string_view text);
  void report_once(std::string_view reason);
  void add_name(std::string_view name);
  void nested_data(std::string_view bytes);

  WalkState& ws_;
  const PartInfo& info_;
  std::string whole_reason_;
  PackageReader* root_;
  size_t depth_;
  std::string prefix_;
  ZipStream zip_;
  std::string entry_name_;     // the current entry's name (UTF-8)
  std::string nested_reason_;  // Nested: what the entry is reported as if it cannot be read
  bool nested_skip_ = false;   // Nested: it is not a ZIP; the rest of its bytes are ignored
  std::unique_ptr<PackageReader> nested_;
  std::unique_ptr<Document> doc_;  // Document: a PDF entry, read by ws_.documents
  Kind kind_ = Kind::Text;
  XmlToText::Mode xml_mode_ = XmlToText::Mode::Elements;
  std::string head_;  // an XML entry's first bytes, until its byte order mark is known
  bool converting_ = false;
  std::optional<CharsetConverter> conv_;
  std::optional<XmlToText> xml_;
  std::optional<HtmlToText> html_;
  std::optional<RtfToText> rtf_;
  std::string s1_, s2_;
  std::string names_;  // entry names, one per line, bounded by kMaxPackageNames
  bool names_cut_ = false;
  bool any_text_ = false;
  std::string reported_;  // reasons already reported, each followed by '\n'
};

class Body {
 public:
  virtual ~Body() = default;
  virtual void feed(std::string_view raw) = 0;
  virtual void finish() = 0;
};

class LeafBody : public Body {
 public:
  LeafBody(WalkState& ws, PartInfo info, TransferEncoding cte, LeafPlan plan);
  void feed(std::string_view raw) override;
  void finish() override;

 private:
  void process(std::string_view decoded);
  void emit_text(std::string_view decoded);
  void sniff(std::string_view decoded);
  void sniffed();
  void flush_text();

  WalkState& ws_;
  PartInfo info_;
  TransferDecoder cte_;
  LeafPlan plan_;
  std::optional<CharsetConverter> conv_;
  std::optional<HtmlToText> html_;
  std::optional<RtfToText> rtf_;
  std::unique_ptr<PackageReader> package_;
  std::unique_ptr<Document> doc_;  // a PDF read by ws_.documents
  uint64_t decoded_ = 0;
  bool done_ = false;  // the rest of the part is ignored
  std::string sniff_, s1_, s2_, s3_;
};

class Entity {
 public:
  Entity(WalkState& ws, std::string id, size_t depth, bool is_message, bool digest_child = false);
  ~Entity();
  void header_field(std::string_view name, std::string_view value);
  void end_headers();
  void feed(std::string_view raw);  // header lines (until the blank line), then body
  void finish();

 private:
  void header_line(std::string_view line);
  void flush_field();
  void feed_body(std::string_view raw);
  void message_field(std::string_view name, std::string_view value);
  void make_leaf(PartInfo info, TransferEncoding cte, LeafPlan plan);
  std::string leaf_id() const;
  PartInfo header_info() const;

  WalkState& ws_;
  std::string id_;
  size_t depth_;
  bool is_message_;
  bool digest_child_;
  bool headers_done_ = false;
  bool over_budget_ = false;
  bool any_line_ = false;
  size_t header_bytes_ = 0;
  std::string line_, field_;
  std::optional<std::string> content_type_, cte_, disposition_;
  std::unique_ptr<Body> body_;
};

}  // namespace phi::mime::detail

#endif
