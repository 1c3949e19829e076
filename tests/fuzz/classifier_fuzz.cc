// classifier_fuzz - the classifier scan: the verdict must not depend on how the text is split into chunks.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "policy/classifier.h"

using namespace phi::policy;

namespace {

const Classifier& classifier() {
  static std::shared_ptr<const Classifier> c = [] {
    ClassifierOptions o;
    o.data_dir = PHI_SRCDIR "/policy/data";
    auto r = Classifier::build(o);
    if (!r) std::abort();
    return *r;
  }();
  return *c;
}

Verdict run(std::string_view in, size_t step) {
  auto s = classifier().start();
  s->text("subject", TextField::Subject, in.substr(0, 64));
  s->end_part("subject");
  for (size_t i = 0; i < in.size(); i += step) s->text("1", TextField::Body, in.substr(i, step));
  return s->finish();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Verdict whole = run(in, in.size() + 1), split = run(in, 1 + size % 13);
  if (whole.phi != split.phi || whole.pii != split.pii || whole.categories != split.categories) std::abort();
  if (whole.score < 0 || whole.score > 1 || whole.findings.size() > kMaxFindings) std::abort();
  for (const auto& f : whole.findings)
    if (f.excerpt.size() > f.length + 8) std::abort();  // excerpts are masked copies of the value
  return 0;
}
