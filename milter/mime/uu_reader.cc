// uu_reader - uuencoded files in a text part, each read as a part of its own (see entity.h).
#include "milter/mime/entity.h"

namespace phi::mime::detail {

UuReader::UuReader(WalkState& ws, const PartInfo& info, bool& open, std::function<void(std::string_view)> text)
    : ContainerReader(ws, info, open, ws.uu_depth), text_(std::move(text)), nested_ok_(ws.uu_depth <= kMaxUuDepth) {}

void UuReader::finish() {
  uu_.finish(*this);
  if (uu_.had_errors()) ws_.errors = true;
}

void UuReader::text(std::string_view bytes) {
  if (bytes.empty()) return;
  own();
  text_(bytes);
}

void UuReader::begin(std::string_view name) {
  skip_ = true;
  if (!nested_ok_) {
    ws_.truncated = true;
    report_own("depth-limit");
    return;
  }
  if (!take_part()) return;
  skip_ = false;
  begin_child(std::string(name));
}

void UuReader::data(std::string_view bytes) {
  if (!skip_) child_->feed(bytes);
}

void UuReader::end(bool) {
  end_child();
  skip_ = false;
}

}  // namespace phi::mime::detail
