// container_reader - the flat-part bookkeeping TNEF, gzip and tar readers share (see entity.h).
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

bool ContainerReader::take_part() {
  if (ws_.parts >= ws_.lim.max_parts) {
    ws_.truncated = true;
    report_own("part-limit");
    return false;
  }
  ++ws_.parts;
  ++n_;
  return true;
}

void ContainerReader::begin_child(std::string name, bool classify_name) {
  end_child();
  if (open_) {
    ws_.sink.part_end(info_);
    open_ = false;
  }
  PartInfo ci;
  ci.id = info_.id + "." + std::to_string(n_);
  ci.content_type = "application/octet-stream";
  ci.filename = std::move(name);
  ci.disposition = "attachment";
  LeafPlan plan = plan_leaf("application", "octet-stream", ci.filename);
  child_ = std::make_unique<LeafBody>(ws_, std::move(ci), TransferEncoding::Identity, std::move(plan), classify_name);
}

void ContainerReader::end_child() {
  if (!child_) return;
  child_->finish();
  child_.reset();
}

}  // namespace phi::mime::detail
