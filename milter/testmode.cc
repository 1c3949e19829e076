// testmode - drive a Session over .eml files and print JSON (see testmode.h).
#include "milter/testmode.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "milter/recording_mta.h"
#include "milter/report.h"
#include "milter/session.h"
#include "milter/util/strings.h"

namespace phi {

namespace {
constexpr size_t kMaxTestFileBytes = 256u * 1024 * 1024;
constexpr size_t kBodyChunk = 65536;  // what libmilter hands over per body callback
constexpr size_t kMaxHeaderRecipients = 1000;
}  // namespace

ParsedMessage split_message(std::string_view raw) {
  ParsedMessage m;
  size_t pos = 0;
  while (pos < raw.size()) {
    auto nl = raw.find('\n', pos);
    size_t end = nl == std::string_view::npos ? raw.size() : nl;
    std::string_view line = raw.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t next = nl == std::string_view::npos ? raw.size() : nl + 1;
    if (line.empty()) { pos = next; break; }
    if ((line[0] == ' ' || line[0] == '\t') && !m.headers.empty()) {
      m.headers.back().second += "\r\n";
      m.headers.back().second += line;
      pos = next;
      continue;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) break;  // not a header: body starts here
    std::string_view name = trim(line.substr(0, colon));
    std::string_view value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.remove_prefix(1);  // libmilter drops one leading space
    m.headers.emplace_back(std::string(name), std::string(value));
    pos = next;
  }
  m.body = raw.substr(std::min(pos, raw.size()));
  return m;
}

std::vector<std::string> header_recipients(const ParsedMessage& m) {
  std::vector<std::string> out;
  for (const auto& [name, value] : m.headers) {
    if (!iequals(name, "To") && !iequals(name, "Cc")) continue;
    std::string_view v = value;
    size_t i = 0;
    while (i < v.size() && out.size() < kMaxHeaderRecipients) {
      auto at = v.find('@', i);
      if (at == std::string_view::npos) break;
      size_t s = at, e = at;
      auto stop = [](char c) { return c == '<' || c == '>' || c == ',' || c == ';' || c == '"' || is_space(c) || c == '(' || c == ')'; };
      while (s > i && !stop(v[s - 1])) --s;
      while (e < v.size() && !stop(v[e])) ++e;
      if (at > s && e > at + 1) out.emplace_back(v.substr(s, e - s));
      i = e + 1;
    }
  }
  return out;
}

int run_test_mode(std::shared_ptr<const Config> cfg, const std::vector<std::string>& files,
                  const TestModeOptions& opt, std::ostream& out, std::ostream& err) {
  int rc = 0;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) { err << "phimilter: " << file << ": cannot open\n"; rc = 1; continue; }
    std::string raw;
    {
      std::ostringstream ss;
      ss << in.rdbuf();
      raw = ss.str();
    }
    if (raw.size() > kMaxTestFileBytes) { err << "phimilter: " << file << ": larger than 256 MiB\n"; rc = 1; continue; }
    ParsedMessage pm = split_message(raw);

    RecordingMta mta;
    for (const auto& [k, v] : opt.macros) mta.macros[k] = v;
    SessionOptions so;
    so.escrow_writes = opt.escrow_writes;
    Session s(cfg, nullptr, so);
    bool live = !opt.macros.empty();
    auto get = [&](const char* k) { auto it = opt.macros.find(k); return it == opt.macros.end() ? std::string() : it->second; };
    Status st = Status::Continue;
    auto step = [&](Status x) { if (st == Status::Continue) st = x; };
    if (live) {
      step(s.on_connect(mta, get("client_name"), get("client_addr")));
      step(s.on_helo(mta, get("helo")));
    }
    step(s.on_envfrom(mta, opt.sender.empty() ? "<>" : opt.sender));
    auto rcpts = opt.recipients.empty() ? header_recipients(pm) : opt.recipients;
    for (const auto& r : rcpts) step(s.on_envrcpt(mta, r));
    for (const auto& [n, v] : pm.headers) step(s.on_header(mta, n, v));
    step(s.on_eoh(mta));
    for (size_t i = 0; i < pm.body.size(); i += kBodyChunk) step(s.on_body(mta, pm.body.substr(i, kBodyChunk)));
    if (st == Status::Continue) st = s.on_eom(mta);
    out << format_report_json(file, s.report(), *cfg) << "\n";
    // A tempfail the policy decided is a result ("reply" in the JSON); any other is an internal error.
    if (st == Status::Tempfail && s.report().reply.empty()) {
      err << "phimilter: " << file << ": internal error (tempfail)\n";
      rc = 1;
    }
  }
  return rc;
}

}  // namespace phi
