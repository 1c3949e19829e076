// scan - per-message sliding-window scanning, finding merging and the PHI verdict.
#include <hs/hs.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <set>

#include "policy/classifier.h"
#include "policy/classifier_internal.h"
#include "policy/detectors_table.h"
#include "policy/validators.h"

namespace phi::policy {

namespace {

constexpr double kIdentifierThreshold = 0.6;  // identifier evidence needed for phi
constexpr double kHealthThreshold = 0.5;      // health evidence needed for phi
constexpr size_t kMaxSignals = 256;           // recent findings kept for the proximity test
constexpr uint64_t kNearBytes = 400;          // "in the same sentence or paragraph"
constexpr double kNearBoost = 1.4;            // identifiers that close to health information weigh this much more
constexpr size_t kMaxTableCells = 4096;       // table cells remembered per part (to drop pattern duplicates)
constexpr size_t kMaxWindowHits = 1 << 16;    // pattern hits sorted at once (more are handled in batches)

struct Hit {
  size_t to, from;
  unsigned id;
  bool operator<(const Hit& o) const { return to != o.to ? to < o.to : from < o.from; }
};

// One finding's evidence, split by role: the weight counts as identifier
// (wi) or health (wh) information, the other is 0.
struct Signal {
  uint64_t offset;
  double wi, wh;
};

// The recent signals, oldest first, in a fixed ring. Each is stored twice,
// at k and k + kMaxSignals, so the live ones are one contiguous run.
class SignalRing {
 public:
  bool empty() const { return n_ == 0; }
  size_t size() const { return n_; }
  const Signal& front() const { return s_[head_]; }
  const Signal* begin() const { return &s_[head_]; }
  const Signal* end() const { return &s_[head_ + n_]; }
  void pop_front() { head_ = head_ + 1 == kMaxSignals ? 0 : head_ + 1, --n_; }
  void push_back(const Signal& x) {  // callers keep n_ < kMaxSignals
    size_t k = head_ + n_++;
    if (k >= kMaxSignals) k -= kMaxSignals;
    s_[k] = s_[k + kMaxSignals] = x;
  }
  // The newest signal at `offset` whose identifier (ident) or health weight
  // is `from` takes weight `to`, in both of its copies; false if none is.
  bool raise(uint64_t offset, bool ident, double from, double to) {
    for (size_t j = n_; j-- > 0;) {
      size_t k = head_ + j;
      if (k >= kMaxSignals) k -= kMaxSignals;
      double& w = ident ? s_[k].wi : s_[k].wh;
      if (s_[k].offset != offset || w != from) continue;
      w = to;
      (ident ? s_[k + kMaxSignals].wi : s_[k + kMaxSignals].wh) = to;
      return true;
    }
    return false;
  }

 private:
  std::array<Signal, 2 * kMaxSignals> s_;
  size_t head_ = 0, n_ = 0;
};

struct Span {
  bool used = false;
  uint64_t from = 0, to = 0;
  size_t index = SIZE_MAX;  // into Verdict::findings, or SIZE_MAX when not stored
  double weight = 0;
};

struct PartScan {
  bool active = false;
  std::string name;
  TextField field = TextField::Body;
  std::string buf;    // window: carried tail + new text
  uint64_t base = 0;  // part offset of buf[0]
  uint64_t done = 0;  // hits ending at or before this part offset are handled
  std::vector<Span> last;  // last finding per type id, for merging overlaps
  SignalRing recent;
  bool side_signal = false;  // a subject/filename/display-name finding that counts
  // Delimited tables: the current line (only when it spans chunks) and its part offset.
  TableReader table;
  std::string line;
  bool line_overflow = false;
  uint64_t line_start = 0, fed = 0;
  std::set<std::pair<uint64_t, std::string_view>> table_cells;  // (offset, type) found by the table reader
  std::vector<TableCell> cells;                                 // scratch
};

// Combines several pieces of evidence: the strongest, plus half of the rest.
double combine(double max, double sum) { return max + 0.5 * (sum - max); }

}  // namespace

struct ScanState {
  ScanState(const ClassifierData& data, Findings f)
      : d(data), max_findings(f == Findings::Keep ? kMaxFindings : 0), counts(data.types.size()) {}
  const ClassifierData& d;
  const size_t max_findings;  // kMaxFindings, or 0 when the caller wants no findings
  PartScan cur;
  Verdict v;
  bool phi = false, strong_alone = false, subject_part_of_phi = false;
  double best_pair = 0;                 // (I + H) / 2 of the best window that made phi
  double best_any = 0;                  // same for windows that did not
  double max_i = 0, max_h = 0;          // strongest windows anywhere
  double side_i = 0, side_h = 0;        // strongest in subject/filename/display name
  std::vector<int> counts;              // findings per type id (Verdict::categories at the end)
  std::vector<Hit> hits;                // one window's Hyperscan hits, then its dictionary hits
  size_t hs_hits = 0;                   // hits[0, hs_hits) came from Hyperscan
  std::vector<Hit> merged;              // scratch: both in text order
  std::string_view hit_win;
  bool hit_final = false;
  bool subject_i = false, subject_h = false;

  void feed(std::string_view chunk);
  void table_feed(std::string_view chunk);
  void table_line(std::string_view line, bool delimiter);
  void scan_window(bool final);
  void end_part();
  void on_hit(unsigned id, size_t from, size_t to, std::string_view win, bool final);
  void collect(unsigned id, size_t from, size_t to);
  void flush_hits();
  void add(const Detector& det, unsigned type_id, uint64_t from, uint64_t to, std::string_view value, double weight);
  void signal(Role role, double weight, uint64_t offset);
  void raise(Role role, uint64_t at, double from_weight, double to_weight, uint64_t offset);
  void evaluate(uint64_t offset);
  Verdict finish();
};

namespace {

int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned, void* ctx) {
  static_cast<ScanState*>(ctx)->collect(id, size_t(from), size_t(to));
  return 0;
}

void on_term(void* ctx, unsigned id, size_t from, size_t to) { static_cast<ScanState*>(ctx)->collect(id, from, to); }

}  // namespace

// Splits body text into lines for the table reader; a line is copied only
// when it spans chunks (and never beyond kMaxTableLine).
void ScanState::table_feed(std::string_view chunk) {
  while (!chunk.empty()) {
    // Outside a table, a whole line without a delimiter changes nothing
    // (table_line returns at once): skip the lines before the first one.
    if (!cur.table.in_table() && cur.line.empty() && !cur.line_overflow) {
      size_t d = find_delimiter(chunk);
      size_t upto = d == std::string_view::npos ? chunk.size() : d;
      if (const void* nl = upto ? memrchr(chunk.data(), '\n', upto) : nullptr) {
        size_t skip = size_t(static_cast<const char*>(nl) - chunk.data()) + 1;
        cur.fed += skip;
        cur.line_start = cur.fed;
        chunk.remove_prefix(skip);
        if (chunk.empty()) return;
      }
    }
    bool delimiter = false;
    size_t nl = find_line_end(chunk, &delimiter);
    std::string_view piece = chunk.substr(0, nl);
    if (nl == std::string_view::npos) {
      if (!cur.line_overflow && cur.line.size() + piece.size() <= kMaxTableLine) cur.line.append(piece);
      else cur.line_overflow = true, cur.line.clear();
      cur.fed += chunk.size();
      return;
    }
    if (cur.line.empty() && !cur.line_overflow) {
      table_line(piece, delimiter);
    } else if (!cur.line_overflow && cur.line.size() + piece.size() <= kMaxTableLine) {
      cur.line.append(piece);
      table_line(cur.line, has_delimiter(cur.line));
    } else {
      table_line(std::string_view(), false);  // too long for a row: ends any table
    }
    cur.fed += nl + 1;
    cur.line.clear();
    cur.line_overflow = false;
    cur.line_start = cur.fed;
    chunk.remove_prefix(nl + 1);
  }
}

// `delimiter`: whether the line holds a table delimiter (has_delimiter).
void ScanState::table_line(std::string_view line, bool delimiter) {
  if (!cur.table.in_table() && !delimiter) return;
  cur.cells.clear();
  cur.table.line(d.lex, line, cur.cells);
  for (const auto& c : cur.cells) {
    uint64_t from = cur.line_start + c.from, to = cur.line_start + c.to;
    if (cur.table_cells.size() < kMaxTableCells) cur.table_cells.emplace(from, c.det->type);
    auto id = d.type_ids.find(c.det->type);
    if (id == d.type_ids.end()) continue;  // not a type of this classifier (the table's types are built-in)
    add(*c.det, id->second, from, to, line.substr(c.from, c.to - c.from), c.det->weight);
  }
}

void ScanState::feed(std::string_view chunk) {
  if (cur.field == TextField::Body) table_feed(chunk);
  constexpr size_t cap = kCarryBytes + kWindowBytes;
  while (!chunk.empty()) {
    size_t n = std::min(cap - cur.buf.size(), chunk.size());
    size_t at = cur.buf.size();
    // Header values and other small parts get 4 KB; a part that outgrows
    // that gets the whole window at once: growing by doubling copied it and,
    // past malloc's mmap threshold, mapped fresh pages for every large part.
    if (at + n > cur.buf.capacity()) cur.buf.reserve(at + n < 4096 ? 4096 : cap);
    cur.buf.append(chunk.substr(0, n));
    if (cur.field == TextField::Filename)  // "John_Smith_MRI.pdf" reads as words
      std::replace(cur.buf.begin() + long(at), cur.buf.end(), '_', ' ');
    chunk.remove_prefix(n);
    if (cur.buf.size() == cap) {
      scan_window(false);
      size_t drop = cur.buf.size() - kCarryBytes;
      cur.buf.erase(0, drop);
      cur.base += drop;
    }
  }
}

void ScanState::scan_window(bool final) {
  size_t len = cur.buf.size();
  if (len == 0 || (!final && len <= kRightContextBytes)) return;
  ScratchLease lease(d);
  hit_win = cur.buf;
  hit_final = final;
  if (lease.get()) {
    hs_scan(d.db.get(), cur.buf.data(), unsigned(len), 0, lease.get(), on_match, this);
  } else {
    v.uninspected.emplace_back(cur.name, "classifier out of memory");
  }
  hs_hits = hits.size();
  d.terms.scan(cur.buf, on_term, this);
  flush_hits();
  uint64_t upto = final ? cur.base + len : cur.base + len - kRightContextBytes;
  cur.done = std::max(cur.done, upto);
}

void ScanState::collect(unsigned id, size_t from, size_t to) {
  if (cur.base + to <= cur.done) return;  // handled in the previous window
  hits.push_back(Hit{to, from, id});
  if (hits.size() >= kMaxWindowHits) flush_hits();
}

// Findings are merged and paired in text order, whichever matcher found
// them. Each matcher reports in (nearly) that order already, so its run is
// sorted only when it is not, and the two runs are merged.
void ScanState::flush_hits() {
  auto mid = hits.begin() + long(std::min(hs_hits, hits.size()));
  if (!std::is_sorted(hits.begin(), mid)) std::sort(hits.begin(), mid);
  if (!std::is_sorted(mid, hits.end())) std::sort(mid, hits.end());
  merged.resize(hits.size());
  std::merge(hits.begin(), mid, mid, hits.end(), merged.begin());
  for (const auto& h : merged) on_hit(h.id, h.from, h.to, hit_win, hit_final);
  hits.clear();
  hs_hits = 0;
}

void ScanState::on_hit(unsigned id, size_t from, size_t to, std::string_view win, bool final) {
  if (cur.base + to <= cur.done) return;                           // handled in the previous window
  if (!final && to + kRightContextBytes > win.size()) return;      // wait for the text after it
  if (id >= d.detectors.size()) return;
  const Detector& det = d.detectors[id];
  if (det.also >= 0) on_hit(unsigned(det.also), from, to, win, final);  // a narrower pattern's match (ITIN in SSN)
  auto c = check_hit(det, d.lex, win, from, to);
  if (!c || c->weight <= 0) return;
  if (cur.field == TextField::DisplayName && (det.type == "name" || det.type == "email" || det.type == "phone")) return;
  if (!cur.table_cells.empty() && cur.table_cells.count({cur.base + c->from, det.type})) return;  // the table reader has it
  add(det, det.type_id, cur.base + c->from, cur.base + c->to, win.substr(c->from, c->to - c->from), c->weight);
}

void ScanState::add(const Detector& det, unsigned type_id, uint64_t from, uint64_t to, std::string_view value, double weight) {
  Span& s = cur.last[type_id];
  bool fresh = !s.used;
  if (!fresh && from < s.to && to > s.from) {  // overlaps the previous finding of this type: merge
    if (s.index != SIZE_MAX && from >= s.from && to > s.to) v.findings[s.index].length = uint32_t(to - s.from);
    if (s.index != SIZE_MAX && from == s.from && to > s.to) v.findings[s.index].excerpt = mask_excerpt(value);
    s.to = std::max(s.to, to);
    if (weight > s.weight) {
      raise(det.role, s.from, s.weight, weight, from);
      s.weight = weight;
      if (s.index != SIZE_MAX) v.findings[s.index].weight = weight;
    }
    return;
  }
  s = Span{true, from, to, SIZE_MAX, weight};
  ++counts[type_id];
  const auto& type = d.types[type_id];
  if (type.sensitive || det.role == Role::Pii || (det.role == Role::Identifier && det.check == Check::Custom && weight >= 0.6))
    v.pii = true;
  if (type.alone) strong_alone = true;
  // The Subject holds an identifier or health information (not only the
  // name of a care document: "Discharge summary" names what is attached).
  if (cur.field == TextField::Subject && !det.document) {
    if (det.role == Role::Identifier) subject_i = true;
    if (det.role == Role::Health) subject_h = true;
  }
  if (v.findings.size() < max_findings) {
    s.index = v.findings.size();
    v.findings.push_back(Finding{det.type, cur.name, from, uint32_t(to - from), mask_excerpt(value), cur.field, weight, det.role});
  } else if (max_findings > 0) {
    v.findings_truncated = true;
  }
  signal(det.role, weight, from);
}

void ScanState::signal(Role role, double weight, uint64_t offset) {
  if (role != Role::Identifier && role != Role::Health) return;
  // Saturated: the body already made phi with the highest pair score, and
  // a body signal changes nothing finish() reads once phi is set (max_i,
  // max_h and best_any only matter without phi; side and subject evidence
  // come from other fields). Dense clinical text gets here early.
  if (phi && best_pair >= 1.0 && cur.field == TextField::Body) return;
  auto& q = cur.recent;
  while (!q.empty() && (q.front().offset + kProximityBytes < offset || q.size() >= kMaxSignals)) q.pop_front();
  bool ident = role == Role::Identifier;
  q.push_back(Signal{offset, ident ? weight : 0.0, ident ? 0.0 : weight});
  evaluate(offset);
}

// A merged finding weighs more now (a longer dictionary term over a shorter
// one: "Hemoglobin A1c 9.2" after "Hemoglobin" without a value): its
// signal, at `at`, takes the new weight in place, as if it had come with
// it; a second signal for the difference would count for half (combine).
// Evicted already: the finding signals again at its full weight.
void ScanState::raise(Role role, uint64_t at, double from_weight, double to_weight, uint64_t offset) {
  if (role != Role::Identifier && role != Role::Health) return;
  if (phi && best_pair >= 1.0 && cur.field == TextField::Body) return;
  if (cur.recent.raise(at, role == Role::Identifier, from_weight, to_weight)) evaluate(offset);
  else signal(role, to_weight, offset);
}

// The window's signals as they stand after one at `offset`: phi, or the best pair so far.
void ScanState::evaluate(uint64_t offset) {
  auto& q = cur.recent;
  // One pass over the window. A signal of the other role adds 0.0, which
  // leaves every sum (weights are positive, sums start at +0) and maximum
  // bit for bit as skipping it would, in the same order.
  double imax = 0, isum = 0, hmax = 0, hsum = 0;
  for (const Signal& s : q) imax = std::max(imax, s.wi), isum += s.wi, hmax = std::max(hmax, s.wh), hsum += s.wh;
  double i = combine(imax, isum), h = combine(hmax, hsum);
  // An identifier in the same sentence or paragraph as health information
  // ("Quick update on Jane Roe: ... major depressive disorder") is about
  // that person far more often than one 3000 bytes away. Only needed (and
  // only read) when the whole window's identifiers fall short.
  if (i < kIdentifierThreshold) {
    double ni_max = 0, ni_sum = 0, nh_max = 0, nh_sum = 0;
    for (const Signal& s : q) {
      bool near = s.offset + kNearBytes >= offset;
      double ni = near ? s.wi : 0.0, nh = near ? s.wh : 0.0;
      ni_max = std::max(ni_max, ni), ni_sum += ni, nh_max = std::max(nh_max, nh), nh_sum += nh;
    }
    double near_i = kNearBoost * combine(ni_max, ni_sum), near_h = combine(nh_max, nh_sum);
    if (near_i >= kIdentifierThreshold && near_h >= kHealthThreshold) i = near_i;
  }
  double pair = (std::min(i, 1.0) + std::min(h, 1.0)) / 2;
  max_i = std::max(max_i, i);
  max_h = std::max(max_h, h);
  if (cur.field != TextField::Body) {
    side_i = std::max(side_i, i);
    side_h = std::max(side_h, h);
  }
  if (i >= kIdentifierThreshold && h >= kHealthThreshold) {
    phi = true;
    best_pair = std::max(best_pair, pair);
    if (cur.field == TextField::Subject) subject_part_of_phi = true;
  } else {
    best_any = std::max(best_any, pair);
  }
}

void ScanState::end_part() {
  if (!cur.active) return;
  if (!cur.line_overflow && !cur.line.empty()) table_line(cur.line, has_delimiter(cur.line));
  scan_window(true);
  cur = PartScan{};
}

Verdict ScanState::finish() {
  end_part();
  for (size_t t = 0; t < counts.size(); ++t)
    if (counts[t] > 0) v.categories[d.types[t].name] = counts[t];
  // Evidence split between a header field and the body still describes one message's person.
  bool side_pair = (side_i >= kIdentifierThreshold && max_h >= kHealthThreshold) ||
                   (side_h >= kHealthThreshold && max_i >= kIdentifierThreshold);
  if (side_pair && !phi) best_pair = (std::min(max_i, 1.0) + std::min(max_h, 1.0)) / 2;
  v.phi = phi || side_pair || strong_alone;
  if (v.phi) {
    double p = best_pair > 0 ? best_pair : 0.8;
    v.score = 0.5 + 0.5 * std::min(1.0, p);
    v.phi_in_subject = subject_part_of_phi || ((side_pair || phi) && (subject_i || subject_h));
  } else {
    v.score = 0.45 * std::min(1.0, best_any);
  }
  return std::move(v);
}

Scan::Scan(const Classifier& c, Findings findings) : st_(std::make_unique<ScanState>(c.data(), findings)) {}
Scan::~Scan() = default;

void Scan::text(std::string_view part, TextField field, std::string_view chunk) {
  if (part.size() > kMaxPartName) part = part.substr(0, kMaxPartName);
  auto& cur = st_->cur;
  if (cur.active && (cur.name != part || cur.field != field)) st_->end_part();
  if (!cur.active) {
    cur.active = true;
    cur.last.assign(st_->d.types.size(), Span{});
    cur.name = std::string(part);
    cur.field = field;
  }
  st_->feed(chunk);
}

void Scan::end_part(std::string_view part) {
  if (part.size() > kMaxPartName) part = part.substr(0, kMaxPartName);
  if (st_->cur.active && st_->cur.name == part) st_->end_part();
}

void Scan::uninspected(std::string_view part, std::string_view reason) {
  if (st_->v.uninspected.size() >= kMaxFindings) return;
  st_->v.uninspected.emplace_back(std::string(part.substr(0, kMaxPartName)), std::string(reason.substr(0, 128)));
}

Verdict Scan::finish() { return st_->finish(); }

Verdict classify_text(const Classifier& c, std::string_view text) {
  auto s = c.start();
  s->text("1", TextField::Body, text);
  return s->finish();
}

}  // namespace phi::policy
