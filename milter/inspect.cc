// inspect - MIME walker to classifier adapter for one message (see inspect.h).
#include "milter/inspect.h"

#include <string>

namespace phi {

class Inspection::Adapter : public mime::Sink {
 public:
  explicit Adapter(policy::Scan& scan) : scan_(scan) {}

  void text(const mime::PartInfo& p, mime::TextKind kind, std::string_view utf8) override {
    switch (kind) {
      case mime::TextKind::Body:
        scan_.text(p.id, policy::TextField::Body, utf8);
        return;
      case mime::TextKind::Subject:
        // Only the top-level header (part "0") is the message's Subject; a
        // forwarded message's Subject is body content of the forward.
        one_value(p.id + "/subject", p.id == "0" ? policy::TextField::Subject : policy::TextField::Body, utf8);
        return;
      case mime::TextKind::Filename:
        one_value(p.id + "/filename", policy::TextField::Filename, utf8);
        return;
      case mime::TextKind::DisplayName:
        one_value(p.id + "/names", policy::TextField::DisplayName, utf8);
        return;
    }
  }
  void part_end(const mime::PartInfo& p) override { scan_.end_part(p.id); }
  void uninspected(const mime::PartInfo& p, std::string_view reason) override {
    if (reason == "unavailable") unavailable = true;
    std::string why(reason);
    if (!p.content_type.empty()) why += " (" + p.content_type + ")";
    scan_.uninspected(p.id, why);
  }

 private:
  // Header values arrive whole: each is its own scanned unit.
  void one_value(const std::string& part, policy::TextField field, std::string_view utf8) {
    scan_.text(part, field, utf8);
    scan_.end_part(part);
  }
  policy::Scan& scan_;

 public:
  bool unavailable = false;
};

Inspection::Inspection(const Config& cfg, policy::Findings findings, bool read_documents) {
  scan_ = cfg.classifier->start(findings);
  adapter_ = std::make_unique<Adapter>(*scan_);
  mime::Limits lim;
  lim.max_total_bytes = cfg.settings.MaxMessageBytes;
  if (lim.max_part_bytes > lim.max_total_bytes) lim.max_part_bytes = lim.max_total_bytes;
  if (cfg.documents && read_documents)
    documents_ = std::make_unique<DocumentBudget>(*cfg.documents, std::chrono::seconds(cfg.settings.DocumentTimeBudget));
  walker_ = std::make_unique<mime::Walker>(lim, *adapter_, documents_.get());
}

Inspection::~Inspection() = default;

void Inspection::header(std::string_view name, std::string_view value) { walker_->header(name, value); }
void Inspection::end_of_headers() { walker_->end_of_headers(); }
void Inspection::body(std::string_view chunk) { walker_->body(chunk); }
bool Inspection::had_decode_errors() const { return walker_->had_errors(); }
bool Inspection::reader_unavailable() const { return adapter_->unavailable; }

policy::Verdict Inspection::finish() {
  walker_->finish();
  return scan_->finish();
}

}  // namespace phi
