// container_reader - the flat-part bookkeeping TNEF, gzip and tar readers share, and the part a ZIP's archive entries get (see entity.h).
#include "milter/mime/entity.h"

namespace phi::mime::detail {

ContainerReader::ContainerReader(WalkState& ws, const PartInfo& info, bool& open, size_t& depth)
    : ws_(ws), info_(info), open_(open), depth_(depth) {
  ++depth_;
}

ContainerReader::~ContainerReader() {
  child_.reset();
  --depth_;
}

void ContainerReader::own() {
  if (open_) return;
  ws_.sink.part_begin(info_);
  open_ = true;
}

void ContainerReader::report_own(std::string_view reason) {
  std::string key = std::string(reason) + '\n';
  if (reported_.find(key) != std::string::npos) return;
  reported_ += key;
  if (child_) {  // never while a file's part is open: report on it instead
    ws_.report(child_->info(), reason);
    return;
  }
  own();
  ws_.report(info_, reason);
}

bool count_file_part(WalkState& ws) {
  if (ws.parts >= ws.lim.max_parts) {
    ws.truncated = true;
    return false;
  }
  ++ws.parts;
  return true;
}

std::unique_ptr<LeafBody> file_part(WalkState& ws, const PartInfo& parent, size_t n, std::string name,
                                    bool classify_name) {
  PartInfo ci;
  ci.id = parent.id + "." + std::to_string(n);
  ci.content_type = "application/octet-stream";
  ci.filename = std::move(name);
  ci.disposition = "attachment";
  LeafPlan plan = plan_leaf("application", "octet-stream", ci.filename);
  return std::make_unique<LeafBody>(ws, std::move(ci), TransferEncoding::Identity, std::move(plan), classify_name);
}

bool ContainerReader::take_part() {
  if (!count_file_part(ws_)) {
    report_own("part-limit");
    return false;
  }
  ++n_;
  return true;
}

void ContainerReader::begin_child(std::string name, bool classify_name) {
  end_child();
  if (open_) {
    ws_.sink.part_end(info_);
    open_ = false;
  }
  child_ = file_part(ws_, info_, n_, std::move(name), classify_name);
}

void ContainerReader::end_child() {
  if (!child_) return;
  child_->finish();
  child_.reset();
}

}  // namespace phi::mime::detail
