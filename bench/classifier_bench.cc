// classifier_bench - MB/s per core of the classifier, a memchr pass and a naive PCRE2-JIT baseline.
//
// Usage: bench/classifier_bench [--only-classifier] [MB]   (default 16 MB of each text)
//        bench/classifier_bench --message FILE...          (bench/e2e's messages, say)
// Generates two texts in-process: dense synthetic PHI (about 7% of words are
// entities) and sparse business mail; prints, in one run and on one core,
// the classifier's throughput, a memchr pass over the same bytes (memory
// bandwidth ceiling) and PCRE2-JIT running the same detector regexes one
// pattern at a time (dictionaries as one alternation per category), with
// the ratios. Every rate but memchr's is the best of three runs. Not run
// by make check: `make bench/classifier_bench`.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "policy/classifier.h"
#include "policy/classifier_internal.h"

using namespace phi::policy;

namespace {

const char* kWords[] = {"the", "meeting", "project", "please", "review", "attached", "schedule", "report", "team",
                        "update", "quarter", "budget", "thanks", "regards", "tomorrow", "invoice", "customer",
                        "follow", "with", "and", "for", "about", "we", "will", "send", "call", "next", "week"};
const char* kEntities[] = {"SSN 536-22-1234", "MRN: 00482913", "Dx: E11.9", "metformin 500 mg", "atrial fibrillation",
                           "Patient: Maria Gonzalez", "DOB: 03/14/1962", "(415) 555-0123", "jane.doe@example.org",
                           "colonoscopy", "HbA1c 8.2", "Member ID: XJH482913057", "Michael Anderson", "hypertension",
                           "NPI 1234567893", "1EG4-TE5-MK73"};

// Words of `text`: runs of non-blank bytes.
size_t count_words(const char* text) {
  size_t n = 0;
  for (const char* p = text; *p; ++p)
    if (*p != ' ' && (p == text || p[-1] == ' ')) ++n;
  return n;
}

// Mail-like text in which `entity_words` of the words belong to entities
// (an entity such as "Patient: Maria Gonzalez" is three words). Sets
// *share to the share actually generated.
std::string generate(size_t bytes, double entity_words, unsigned seed, double* share) {
  constexpr size_t kEntityCount = sizeof kEntities / sizeof *kEntities;
  double mean = 0;
  for (const char* e : kEntities) mean += double(count_words(e)) / kEntityCount;
  // A slot holds an entity with probability q: q*mean / (q*mean + 1 - q) = entity_words.
  double q = entity_words / (mean * (1 - entity_words) + entity_words);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::string s;
  s.reserve(bytes + 64);
  size_t words = 0, in_entities = 0, slots = 0;
  while (s.size() < bytes) {
    if (u(rng) < q) {
      const char* e = kEntities[rng() % kEntityCount];
      s += e;
      size_t n = count_words(e);
      words += n, in_entities += n;
    } else {
      s += kWords[rng() % (sizeof kWords / sizeof *kWords)];
      ++words;
    }
    s += (++slots % 12 == 0) ? ".\n" : " ";
  }
  *share = double(in_entities) / double(words);
  return s;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// The text is cut into messages of kMessageBytes (bench/e2e's largest
// size), each classified by its own Scan in chunks of kChunk (Postfix hands
// a milter the body in pieces of up to 64 KB), as the daemon does: verdict
// and categories without findings (Findings::Keep, as phimilter -t, is
// measured too).
double bench_classifier(const Classifier& c, const std::string& text, size_t* findings, Findings keep = Findings::Skip) {
  constexpr size_t kMessageBytes = 100 * 1024, kChunk = 64 * 1024;
  *findings = 0;
  auto t = std::chrono::steady_clock::now();
  for (size_t m = 0; m < text.size(); m += kMessageBytes) {
    std::string_view msg = std::string_view(text).substr(m, kMessageBytes);
    auto scan = c.start(keep);
    for (size_t i = 0; i < msg.size(); i += kChunk) scan->text("1", TextField::Body, msg.substr(i, kChunk));
    Verdict v = scan->finish();
    for (auto& [k, n] : v.categories) *findings += size_t(n);
  }
  return text.size() / seconds_since(t) / 1e6;
}

// Hyperscan alone: the same database with a callback that only counts.
double bench_raw_scan(const ClassifierData& d, const std::string& text, size_t* hits) {
  ScratchLease lease(d);
  *hits = 0;
  auto count = [](unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) -> int {
    ++*static_cast<size_t*>(ctx);
    return 0;
  };
  auto t = std::chrono::steady_clock::now();
  constexpr size_t kChunk = 64 * 1024;
  for (size_t i = 0; i < text.size(); i += kChunk)
    hs_scan(d.db.get(), text.data() + i, unsigned(std::min(kChunk, text.size() - i)), 0, lease.get(), count, hits);
  return text.size() / seconds_since(t) / 1e6;
}

double bench_memchr(const std::string& text) {
  auto t = std::chrono::steady_clock::now();
  const void* p = std::memchr(text.data(), '\x01', text.size());
  double secs = seconds_since(t);
  if (p) std::puts("");
  return text.size() / secs / 1e6;
}

// Naive baseline: each detector regex (and each dictionary category as one
// alternation) compiled with PCRE2-JIT and run over the whole text in turn.
double bench_pcre(const ClassifierData& d, const std::string& text) {
  // Dictionary terms: one alternation per run of one type. Label and
  // address terms carry the one regex they stand for, which runs once.
  std::vector<std::pair<std::string, uint32_t>> patterns;
  std::string dict_type, alt, last_group;
  auto flush = [&] {
    if (!alt.empty()) patterns.emplace_back("(?:" + alt + ")", PCRE2_CASELESS);
    alt.clear();
  };
  for (const auto& det : d.detectors) {
    uint32_t flags = (det.flags & HS_FLAG_CASELESS) ? PCRE2_CASELESS : 0;
    if (!det.dict) { patterns.emplace_back(det.regex, flags); continue; }
    if (det.regex != term_regex(det.term)) {
      flush();
      if (det.regex != last_group) patterns.emplace_back(det.regex, flags);
      last_group = det.regex;
      continue;
    }
    if (det.type != dict_type) flush();
    dict_type = det.type;
    alt += (alt.empty() ? "" : "|") + det.regex;
  }
  flush();
  auto t = std::chrono::steady_clock::now();
  size_t hits = 0;
  for (const auto& [re, flags] : patterns) {
    int err = 0;
    PCRE2_SIZE off = 0;
    pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(re.c_str()), re.size(), flags, &err, &off, nullptr);
    if (!code) continue;
    pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
    pcre2_match_data* md = pcre2_match_data_create_from_pattern(code, nullptr);
    PCRE2_SIZE pos = 0;
    while (pos < text.size() && pcre2_jit_match(code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), pos, 0, md, nullptr) > 0) {
      PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
      ++hits;
      pos = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
    }
    pcre2_match_data_free(md);
    pcre2_code_free(code);
  }
  double secs = seconds_since(t);
  std::fprintf(stderr, "  (pcre2: %zu patterns, %zu raw matches)\n", patterns.size(), hits);
  return text.size() / secs / 1e6;
}

void run(const char* label, const Classifier& c, const std::string& text, const std::string& small) {
  size_t findings = 0;
  bench_classifier(c, small, &findings);  // warm up
  // Best of three, interleaved: this machine is shared and its speed drifts.
  double cls = 0, keep = 0, raw = 0;
  size_t kept = 0, hits = 0;
  for (int round = 0; round < 3; ++round) {
    cls = std::max(cls, bench_classifier(c, text, &findings));
    keep = std::max(keep, bench_classifier(c, text, &kept, Findings::Keep));
    raw = std::max(raw, bench_raw_scan(c.data(), text, &hits));
  }
  double mem = bench_memchr(text);
  double pcre = 0;
  for (int round = 0; round < 3; ++round) pcre = std::max(pcre, bench_pcre(c.data(), small));
  std::printf("%-7s %6.1f MB text: classifier %8.1f MB/s (%zu findings) | memchr %8.1f MB/s | pcre2-jit naive %6.2f MB/s"
              " | classifier/pcre %6.1fx | classifier/memchr %5.3f\n"
              "        keeping findings (phimilter -t) %8.1f MB/s\n"
              "        hyperscan alone (no validators) %8.1f MB/s, %zu raw hits\n",
              label, text.size() / 1e6, cls, findings, mem, pcre, cls / pcre, cls / mem, keep, raw, hits);
}

}  // namespace

// The body of each mail FILE (the bytes after its first empty line, not
// MIME-decoded: meant for bench/e2e's plain-text messages) classified as
// phimilter's daemon does, 200 times each in three rounds: the best
// round's time per message.
int bench_messages(const Classifier& c, int n, char** files) {
  for (int i = 0; i < n; ++i) {
    FILE* f = std::fopen(files[i], "rb");
    if (!f) { std::perror(files[i]); return 1; }
    std::string msg;
    char buf[65536];
    for (size_t k; (k = std::fread(buf, 1, sizeof buf, f)) > 0;) msg.append(buf, k);
    std::fclose(f);
    size_t at = msg.find("\n\n");
    std::string body = at == std::string::npos ? msg : msg.substr(at + 2);
    constexpr size_t kChunk = 64 * 1024;
    constexpr int kTimes = 200;
    double best = 1e9;
    size_t findings = 0;
    for (int round = 0; round < 3; ++round) {
      auto t = std::chrono::steady_clock::now();
      for (int k = 0; k < kTimes; ++k) {
        auto scan = c.start(Findings::Skip);
        for (size_t j = 0; j < body.size(); j += kChunk) scan->text("1", TextField::Body, std::string_view(body).substr(j, kChunk));
        Verdict v = scan->finish();
        findings = 0;
        for (auto& [cat, count] : v.categories) findings += size_t(count);
      }
      best = std::min(best, seconds_since(t) / kTimes);
    }
    std::printf("%s: %zu body bytes, %zu findings, %.3f ms per message (%.1f MB/s)\n", files[i], body.size(), findings,
                best * 1e3, body.size() / best / 1e6);
  }
  return 0;
}

int main(int argc, char** argv) {
  // --only-classifier: the classifier alone over the dense text, 8 times, for a profiler.
  bool only = argc > 1 && std::strcmp(argv[1], "--only-classifier") == 0;
  if (only) --argc, ++argv;
  bool messages = argc > 2 && std::strcmp(argv[1], "--message") == 0;
  long mb = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 16;
  if (!messages && (argc > 2 || mb < 1 || mb > 4096)) {
    std::fprintf(stderr, "usage: bench/classifier_bench [--only-classifier] [MB (1-4096, default 16)]\n");
    return 2;
  }
  ClassifierOptions o;
  o.data_dir = PHI_SRCDIR "/policy/data";
  auto t = std::chrono::steady_clock::now();
  auto c = Classifier::build(o);
  if (!c) {
    std::fprintf(stderr, "%s\n", c.error().message.c_str());
    return 1;
  }
  std::printf("build: %zu detectors (patterns in one Hyperscan database, dictionary terms in a hash index), %.2f s;"
              " one thread\n", (*c)->pattern_count(), seconds_since(t));
  if (messages) return bench_messages(**c, argc - 2, argv + 2);
  double dense_share = 0, sparse_share = 0;
  std::string dense = generate(size_t(mb) << 20, 0.07, 1, &dense_share), sparse = generate(size_t(mb) << 20, 0.002, 2, &sparse_share);
  if (only) {
    for (int round = 0; round < 8; ++round) {
      size_t findings = 0;
      double rate = bench_classifier(**c, dense, &findings);
      std::printf("dense: classifier %.1f MB/s (%zu findings)\n", rate, findings);
    }
    return 0;
  }
  std::printf("dense: %.1f%% of words belong to entities; sparse: %.2f%%\n", 100 * dense_share, 100 * sparse_share);
  run("dense", **c, dense, dense.substr(0, 2 << 20));
  run("sparse", **c, sparse, sparse.substr(0, 2 << 20));
  return 0;
}
