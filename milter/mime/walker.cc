// walker - the MIME entity tree: header blocks, multipart splitting, nested messages, signed S/MIME content.
#include "milter/mime/walker.h"

#include <cstring>

#include "milter/mime/boundary.h"
#include "milter/mime/entity.h"
#include "milter/mime/header.h"
#include "milter/mime/smime.h"
#include "milter/util/strings.h"

namespace phi::mime {
namespace detail {
namespace {

std::string join_id(const std::string& prefix, std::string_view tail) {
  return prefix.empty() ? std::string(tail) : prefix + "." + std::string(tail);
}

// A multipart body: one child Entity at a time, preamble and epilogue as text.
class MultipartBody : public Body, private BoundarySplitter::Events {
 public:
  MultipartBody(WalkState& ws, std::string_view boundary, std::string prefix, size_t depth, bool digest)
      : ws_(ws), splitter_(boundary, *this), prefix_(std::move(prefix)), depth_(depth), digest_(digest) {}
  void feed(std::string_view raw) override { splitter_.feed(raw); }
  void finish() override {
    splitter_.finish();
    end_child();
    if (outside_) outside_->finish();
    outside_.reset();
    if (!closed_ && !ws_.truncated) ws_.errors = true;  // unterminated multipart
  }

 private:
  void content(std::string_view bytes) override {
    if (child_) { child_->feed(bytes); return; }
    if (skipping_) return;
    if (!outside_) {  // preamble or epilogue: inspected as plain text
      PartInfo info;
      info.id = join_id(prefix_, closed_ ? "epilogue" : "preamble");
      info.content_type = "text/plain";
      outside_ = std::make_unique<LeafBody>(ws_, std::move(info), TransferEncoding::Identity, LeafPlan{});
    }
    outside_->feed(bytes);
  }
  void delimiter(bool close) override {
    if (closed_) return;  // delimiters in the epilogue are epilogue
    end_child();
    if (outside_) { outside_->finish(); outside_.reset(); }
    if (close) { closed_ = true; skipping_ = false; return; }
    if (skipping_) return;
    std::string id = join_id(prefix_, std::to_string(++n_));
    if (ws_.parts >= ws_.lim.max_parts) {
      PartInfo info;
      info.id = id;
      ws_.truncated = true;
      ws_.sink.part_begin(info);
      ws_.report(info, "part-limit");
      ws_.sink.part_end(info);
      skipping_ = true;
      return;
    }
    child_ = std::make_unique<Entity>(ws_, std::move(id), depth_ + 1, false, digest_);
  }
  void end_child() {
    if (child_) child_->finish();
    child_.reset();
  }

  WalkState& ws_;
  BoundarySplitter splitter_;
  std::string prefix_;
  size_t depth_;
  bool digest_;
  size_t n_ = 0;
  bool closed_ = false, skipping_ = false;
  std::unique_ptr<Entity> child_;
  std::unique_ptr<LeafBody> outside_;
};

// A message/rfc822 body: transfer decoding (normally identity), then a
// nested message. A forwarded message's file name ("Jane Doe labs.eml")
// and field comments are classified as any attachment's: the part is begun
// and ended for them before the message's own fields.
class MessageBody : public Body {
 public:
  MessageBody(WalkState& ws, TransferEncoding cte, const PartInfo& info, size_t depth)
      : cte_(cte), child_(ws, info.id, depth, true) {
    if (info.filename.empty() && info.field_comments.empty()) return;
    begin_part(ws, info);
    ws.sink.part_end(info);
  }
  void feed(std::string_view raw) override { child_.feed(cte_.decode(raw, scratch_)); }
  void finish() override {
    child_.feed(cte_.finish(scratch_));
    child_.finish();
  }

 private:
  TransferDecoder cte_;
  std::string scratch_;
  Entity child_;
};

// An S/MIME part (application/pkcs7-mime, a .p7m file): the content of
// opaque-signed data is a MIME entity in the clear, read as a nested part
// one level down (SignedContentStream); enveloped (encrypted) data is
// reported "encrypted" as before, and so is a part cut or damaged before
// its content type is known; a damaged or cut signed one "binary". The part
// itself is begun for its file name and ended before its content.
class SmimeBody : public Body {
 public:
  SmimeBody(WalkState& ws, PartInfo info, TransferEncoding cte, size_t depth)
      : ws_(ws), info_(std::move(info)), cte_(cte), depth_(depth), stream_([this](std::string_view b) { content(b); }) {
    begin_part(ws_, info_);
  }
  // Every byte is transfer-decoded, also after the content (certificates,
  // signatures): whether bad base64 is seen must not depend on where the
  // MTA's chunks end.
  void feed(std::string_view raw) override {
    std::string_view decoded = cte_.decode(raw, scratch_);
    if (stream_.status() == SignedContentStream::Status::Reading) stream_.feed(decoded);
  }
  void finish() override {
    std::string_view decoded = cte_.finish(scratch_);
    if (stream_.status() == SignedContentStream::Status::Reading) stream_.feed(decoded);
    stream_.finish();
    if (child_) child_->finish();
    if (stream_.is_signed() && cte_.had_errors()) ws_.errors = true;  // its content was read: bad base64 counts
    switch (stream_.status()) {
      case SignedContentStream::Status::Done:
      case SignedContentStream::Status::NoContent: break;
      default:  // NotSigned; Truncated, Malformed: a signed one's content before the damage was read
        ws_.report(info_, stream_.is_signed() ? "binary" : "encrypted");
        break;
    }
    end_part();
  }

 private:
  void content(std::string_view bytes) {
    if (!child_) {
      end_part();
      child_ = std::make_unique<Entity>(ws_, info_.id, depth_ + 1, false);
    }
    child_->feed(bytes);
  }
  void end_part() {
    if (open_) ws_.sink.part_end(info_);
    open_ = false;
  }

  WalkState& ws_;
  PartInfo info_;
  TransferDecoder cte_;
  size_t depth_;
  std::string scratch_;
  bool open_ = true;
  std::unique_ptr<Entity> child_;
  SignedContentStream stream_;
};

bool is_smime(std::string_view type, std::string_view sub, std::string_view filename) {
  return (type == "application" && one_of(sub, {"pkcs7-mime", "x-pkcs7-mime"})) ||
         (type != "text" && file_extension(filename) == "p7m");
}

}  // namespace

Entity::Entity(WalkState& ws, std::string id, size_t depth, bool is_message, bool digest_child)
    : ws_(ws), id_(std::move(id)), depth_(depth), is_message_(is_message), digest_child_(digest_child) {
  ++ws_.parts;
}

Entity::~Entity() = default;

std::string Entity::leaf_id() const { return is_message_ ? join_id(id_, "1") : id_; }

PartInfo Entity::header_info() const {
  PartInfo info;
  info.id = id_.empty() ? "0" : id_;
  info.content_type = "text/rfc822-headers";
  return info;
}

void Entity::header_field(std::string_view name, std::string_view value) {
  if (headers_done_) return;
  header_bytes_ += name.size() + value.size() + 2;
  if (over_budget_ || header_bytes_ > ws_.lim.max_header_bytes) {
    over_budget_ = true;
    ws_.errors = true;
    return;
  }
  std::string v = unfold_header(value);
  if (iequals(name, "Content-Type")) { if (!content_type_) content_type_ = v; return; }
  if (iequals(name, "Content-Transfer-Encoding")) { if (!cte_) cte_ = v; return; }
  if (iequals(name, "Content-Disposition")) { if (!disposition_) disposition_ = v; return; }
  if (is_message_) message_field(name, v);
}

// Subject and address display names of a message header.
void Entity::message_field(std::string_view name, std::string_view value) {
  PartInfo info = header_info();
  if (iequals(name, "Subject")) {
    std::string s = decode_encoded_words(trim(value), &ws_.errors);
    if (!s.empty()) ws_.sink.text(info, TextKind::Subject, s);
    return;
  }
  for (const char* f : {"From", "To", "Cc", "Bcc", "Reply-To", "Sender"}) {
    if (!iequals(name, f)) continue;
    for (const auto& n : decode_display_names(value, &ws_.errors)) ws_.sink.text(info, TextKind::DisplayName, n);
    return;
  }
}

void Entity::make_leaf(PartInfo info, TransferEncoding cte, LeafPlan plan) {
  body_ = std::make_unique<LeafBody>(ws_, std::move(info), cte, std::move(plan));
}

void Entity::end_headers() {
  if (headers_done_) return;
  headers_done_ = true;
  FieldValue ct = decode_field_value(content_type_.value_or(digest_child_ ? "message/rfc822" : "text/plain"));
  size_t slash = ct.token.find('/');
  std::string type(trim(std::string_view(ct.token).substr(0, slash)));
  std::string sub = slash == std::string::npos ? "" : std::string(trim(std::string_view(ct.token).substr(slash + 1)));
  if (type.empty() || sub.empty() || ct.malformed) {
    if (content_type_) ws_.errors = true;
    if (type.empty() || sub.empty()) { type = "text"; sub = "plain"; }
  }
  FieldValue disp = decode_field_value(disposition_.value_or(""));
  bool unknown_cte = false, readable_cte = true;
  TransferEncoding cte = parse_transfer_encoding(cte_.value_or(""), &unknown_cte, &readable_cte);
  if (unknown_cte || disp.malformed) ws_.errors = true;

  PartInfo info;
  info.id = leaf_id();
  info.content_type = type + "/" + sub;
  info.charset = ct.param("charset");
  info.disposition = disp.token;
  std::string fname = disp.has_param("filename") ? disp.param("filename") : ct.param("name");
  info.filename = decode_encoded_words(fname, &ws_.errors);
  info.field_comments = decode_encoded_words(ct.comments + disp.comments, &ws_.errors);

  bool smime = is_smime(type, sub, fname);
  bool container = (type == "multipart" && sub != "encrypted") ||
                   (type == "message" && (sub == "rfc822" || sub == "global")) || smime;
  if (container && depth_ >= ws_.lim.max_depth) {
    ws_.truncated = true;
    make_leaf(std::move(info), cte, LeafPlan{LeafMode::Uninspected, "depth-limit"});
    return;
  }
  if (type == "multipart" && sub != "encrypted") {
    std::string b = ct.param("boundary");
    if (!b.empty() && b.size() <= ws_.lim.max_boundary_len) {
      if (cte != TransferEncoding::Identity) ws_.errors = true;
      body_ = std::make_unique<MultipartBody>(ws_, b, id_, depth_, sub == "digest");
      return;
    }
    ws_.errors = true;  // no usable boundary: read the body as plain text
    info.content_type = "text/plain";
    make_leaf(std::move(info), cte, LeafPlan{});
    return;
  }
  if (smime) {
    body_ = std::make_unique<SmimeBody>(ws_, std::move(info), cte, depth_);
    return;
  }
  if (container) {
    body_ = std::make_unique<MessageBody>(ws_, cte, info, depth_ + 1);
    return;
  }
  if (type == "multipart") {  // multipart/encrypted
    make_leaf(std::move(info), cte, LeafPlan{LeafMode::Uninspected, "encrypted"});
    return;
  }
  make_leaf(std::move(info), cte, plan_leaf(type, sub, fname));
  // An encoding not decoded: the bytes are read as they are, but what they encode may not be.
  if (!readable_cte) ws_.report(static_cast<const LeafBody&>(*body_).info(), "binary");
}

void Entity::feed(std::string_view raw) {
  while (!headers_done_ && !raw.empty()) {
    const void* nl = std::memchr(raw.data(), '\n', raw.size());
    size_t n = nl ? static_cast<size_t>(static_cast<const char*>(nl) - raw.data()) + 1 : raw.size();
    if (line_.size() < ws_.lim.max_header_bytes)
      line_.append(raw.data(), std::min(n, ws_.lim.max_header_bytes - line_.size()));
    raw.remove_prefix(n);
    if (!nl) return;
    std::string line;
    line.swap(line_);
    header_line(line);
  }
  if (!raw.empty()) feed_body(raw);
}

void Entity::feed_body(std::string_view raw) {
  if (!headers_done_) end_headers();
  if (body_) body_->feed(raw);
}

// One raw header line (with its line end) of a nested entity.
void Entity::header_line(std::string_view raw) {
  std::string_view line = raw;
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  bool first = !any_line_;
  any_line_ = true;
  if (line.empty()) {
    flush_field();
    end_headers();
    return;
  }
  if (line[0] == ' ' || line[0] == '\t') {
    if (field_.size() + line.size() <= ws_.lim.max_header_bytes) field_.append(line);
    else { over_budget_ = true; ws_.errors = true; }
    return;
  }
  flush_field();
  if (first && line.find(':') == std::string_view::npos) {
    ws_.errors = true;  // no header block at all: the body starts here
    end_headers();
    feed_body(raw);
    return;
  }
  field_.assign(line);
}

void Entity::flush_field() {
  if (field_.empty()) return;
  std::string f;
  f.swap(field_);
  size_t colon = f.find(':');
  std::string_view name = colon == std::string::npos ? std::string_view() : trim(std::string_view(f).substr(0, colon));
  if (!valid_field_name(name)) { ws_.errors = true; return; }
  header_field(name, std::string_view(f).substr(colon + 1));
}

void Entity::finish() {
  if (!headers_done_) {
    if (!line_.empty()) {
      std::string line;
      line.swap(line_);
      header_line(line);
    }
    flush_field();
    end_headers();
  }
  if (body_) body_->finish();
  body_.reset();
}

}  // namespace detail

Walker::Walker(const Limits& limits, Sink& sink, const DocumentReader* documents)
    : ws_(std::make_unique<detail::WalkState>(detail::WalkState{limits, sink, documents})),
      root_(std::make_unique<detail::Entity>(*ws_, "", 0, true)) {}

Walker::~Walker() = default;

void Walker::header(std::string_view name, std::string_view value) {
  if (!headers_done_) root_->header_field(name, value);
}

void Walker::end_of_headers() {
  if (headers_done_) return;
  headers_done_ = true;
  root_->end_headers();
}

void Walker::body(std::string_view chunk) {
  if (finished_) return;
  end_of_headers();
  if (ws_->truncated && body_bytes_ >= ws_->lim.max_total_bytes) return;
  uint64_t room = ws_->lim.max_total_bytes - body_bytes_;
  bool over = chunk.size() > room;
  if (over) chunk = chunk.substr(0, static_cast<size_t>(room));
  body_bytes_ += chunk.size();
  while (!chunk.empty()) {
    size_t n = std::min(chunk.size(), kMaxSlice);
    root_->feed(chunk.substr(0, n));
    chunk.remove_prefix(n);
  }
  if (over) {
    ws_->truncated = true;
    PartInfo info;
    info.id = "0";
    info.content_type = "message/rfc822";
    ws_->report(info, "size-limit");
  }
}

void Walker::finish() {
  if (finished_) return;
  end_of_headers();
  finished_ = true;
  root_->finish();
}

bool Walker::had_errors() const { return ws_->errors; }
size_t Walker::parts() const { return ws_->parts; }
bool Walker::truncated() const { return ws_->truncated; }
size_t Walker::uninspected_parts() const { return ws_->uninspected; }

}  // namespace phi::mime
