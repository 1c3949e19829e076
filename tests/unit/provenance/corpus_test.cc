// Corpus test: every Received field and every path in tests/corpus/received/
// must classify as its entry expects; prints the share classified correctly.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "milter/provenance/hop_classify.h"
#include "milter/provenance/path_collector.h"
#include "milter/provenance/path_summary.h"
#include "milter/provenance/received_parser.h"

namespace phi::provenance {
namespace {

namespace fs = std::filesystem;

fs::path corpus_dir() {
  const char* env = std::getenv("PHI_CORPUS_DIR");
  return env ? fs::path(env) : fs::path(PHI_SRCDIR) / "tests/corpus/received";
}

const HostList& corpus_internal_hosts() {
  static const HostList l =
      *HostList::parse({"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", ".internal", ".corp.example"});
  return l;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// "k=v k=v with spaces k=v": a word without '=' continues the previous value.
std::map<std::string, std::string> parse_expect(std::string_view s) {
  std::map<std::string, std::string> out;
  std::string last;
  std::istringstream in{std::string(s)};
  std::string w;
  while (in >> w) {
    auto eq = w.find('=');
    if (eq == std::string::npos || eq == 0) {
      if (!last.empty()) out[last] += " " + w;
      continue;
    }
    last = w.substr(0, eq);
    out[last] = w.substr(eq + 1);
  }
  for (auto& [k, v] : out)
    if (v == "-") v.clear();
  return out;
}

std::string hop_value(const Hop& h, const std::string& key) {
  if (key == "tls") return std::string(tls_state_name(h.tls));
  if (key == "version") return h.version;
  if (key == "cipher") return h.cipher;
  if (key == "bits") return h.bits ? std::to_string(h.bits) : "";
  if (key == "verify") return h.verify;
  if (key == "by") return h.by;
  if (key == "from") return h.from;
  if (key == "addr") return h.addr;
  if (key == "auth") return h.authenticated ? "yes" : "no";
  if (key == "with") return h.with;
  if (key == "id") return h.id;
  return "<unknown key " + key + ">";
}

struct Entry {
  std::string file, label, received, expect, note;
  bool lf = false;
};

std::vector<Entry> load_entries() {
  std::vector<Entry> out;
  for (const auto& de : fs::directory_iterator(corpus_dir())) {
    if (de.path().extension() != ".txt") continue;
    std::istringstream in(read_file(de.path()));
    std::string line;
    Entry e;
    bool in_received = false;
    auto flush = [&] {
      if (!e.label.empty()) out.push_back(e);
      e = Entry{};
      e.file = de.path().filename().string();
      in_received = false;
    };
    e.file = de.path().filename().string();
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) { flush(); continue; }
      if (line[0] == '#') continue;
      if (in_received && (line[0] == ' ' || line[0] == '\t')) {
        e.received += (e.lf ? "\n" : "\r\n") + line;
        continue;
      }
      in_received = false;
      auto colon = line.find(':');
      std::string key = line.substr(0, colon), value = colon == std::string::npos ? "" : line.substr(colon + 1);
      if (!value.empty() && value[0] == ' ') value.erase(0, 1);
      if (key == "label") e.label = value;
      else if (key == "received") { e.received = value; in_received = true; }
      else if (key == "expect") e.expect = value;
      else if (key == "note") e.note = value;
      else if (key == "fold") e.lf = value == "lf";
    }
    flush();
  }
  return out;
}

TEST(ReceivedCorpus, EveryEntryClassifiesAsExpected) {
  auto entries = load_entries();
  ASSERT_GE(entries.size(), 150u) << "corpus in " << corpus_dir();
  std::map<std::string, int> formats;
  size_t good = 0, ambiguous = 0;
  for (const auto& e : entries) {
    SCOPED_TRACE(e.file + ": " + e.label);
    ++formats[e.file];
    if (e.note.rfind("ambiguous", 0) == 0) ++ambiguous;
    auto want = parse_expect(e.expect);
    ASSERT_TRUE(want.count("tls")) << "every entry names its tls state";
    auto parts = parse_received(e.received);
    Hop h;
    if (parts) h = hop_from_received(*parts, HopContext{&corpus_internal_hosts()});
    bool ok = true;
    for (const auto& [k, v] : want) {
      auto got = hop_value(h, k);
      EXPECT_EQ(got, v) << "key " << k;
      ok = ok && got == v;
    }
    good += ok;
  }
  EXPECT_GE(formats.size(), 20u);
  std::printf("received corpus: %zu/%zu entries classified correctly (%.1f%%) across %zu formats; %zu marked ambiguous\n",
              good, entries.size(), 100.0 * double(good) / double(entries.size()), formats.size(), ambiguous);
}

TEST(ReceivedCorpus, EveryPathSummarisesAsExpected) {
  size_t n = 0, good = 0;
  for (const auto& de : fs::directory_iterator(corpus_dir() / "paths")) {
    if (de.path().extension() != ".eml") continue;
    SCOPED_TRACE(de.path().filename().string());
    ++n;
    std::string raw = read_file(de.path());
    PathCollector c({"mx.example.org", "TLS-Provenance", "TLS-Path", &corpus_internal_hosts(), false});
    std::string expect;
    // Header fields up to the blank line; continuation lines folded back in.
    std::vector<std::pair<std::string, std::string>> fields;
    std::istringstream in(raw);
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) break;
      if ((line[0] == ' ' || line[0] == '\t') && !fields.empty()) { fields.back().second += "\r\n" + line; continue; }
      auto colon = line.find(':');
      std::string v = line.substr(colon + 1);
      if (!v.empty() && v[0] == ' ') v.erase(0, 1);
      fields.emplace_back(line.substr(0, colon), v);
    }
    for (const auto& [k, v] : fields) {
      if (k == "X-Corpus-Expect") expect = v;
      c.add_header(k, v);
    }
    auto s = summarize(c.hops(nullptr));
    auto want = parse_expect(expect);
    ASSERT_EQ(want.size(), 8u) << "X-Corpus-Expect lists all eight summary fields";
    std::map<std::string, std::string> got = {
        {"hops", std::to_string(s.hops)},         {"encrypted", std::to_string(s.encrypted)},
        {"plaintext", std::to_string(s.plaintext)}, {"unknown", std::to_string(s.unknown)},
        {"internal", std::to_string(s.internal)}, {"weakest", std::string(tls_state_name(s.weakest))},
        {"first_plaintext_by", s.first_plaintext_by}, {"lowest_version", s.lowest_version}};
    bool ok = true;
    for (const auto& [k, v] : want) {
      EXPECT_EQ(got[k], v) << "key " << k;
      ok = ok && got[k] == v;
    }
    good += ok;
  }
  EXPECT_GE(n, 20u);
  std::printf("path corpus: %zu/%zu paths summarised correctly (%.1f%%)\n", good, n, n ? 100.0 * double(good) / double(n) : 0.0);
}

}  // namespace
}  // namespace phi::provenance
