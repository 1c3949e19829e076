// ctl_audit - "phimilterctl audit verify|find": check and search the audit log.
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "milter/audit/find.h"
#include "milter/audit/verify.h"
#include "milter/audit/writer.h"
#include "milter/config.h"
#include "tools/command.h"

namespace phi::tools {
namespace {

constexpr size_t kMaxCheckpointFileBytes = 16 << 20;  // a checkpoint file or syslog extract

int usage() {
  std::cerr << "usage: phimilterctl audit [-c CONF] [-k KEYFILE] verify [--checkpoint FILE|SEQ:HASH] FILE...\n"
               "       phimilterctl audit find [--message-id ID] [--sender S] [--recipient R]\n"
               "                               [--since TIME] [--until TIME] [--json] FILE...\n";
  return 2;
}

std::string read_bounded(const std::string& path, size_t max, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  ok = static_cast<bool>(in);
  std::string text(max, '\0');
  in.read(text.data(), static_cast<std::streamsize>(max));
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

// AuditKeyFile of the configuration, and the uid that must own it (or root),
// as phimilter checks it: the UserID user when we run as root.
Result<std::pair<std::string, uid_t>> key_file_from_config(const std::string& conf) {
  bool ok = false;
  std::string text = read_bounded(conf, 1 << 20, ok);
  if (!ok) return Error{conf + ": cannot open; give the key with -k KEYFILE"};
  auto s = parse_settings(text, conf);
  if (!s) return s.error();
  auto owner = key_file_owner(*s);
  if (!owner) return owner.error();
  return std::make_pair(s->AuditKeyFile, *owner);
}

Result<audit::ChainHead> load_checkpoint(const std::string& arg) {
  if (auto v = audit::parse_last_checkpoint(arg)) return *v;
  bool ok = false;
  std::string text = read_bounded(arg, kMaxCheckpointFileBytes, ok);
  if (!ok) return Error{arg + ": neither SEQ:HASH nor a readable file"};
  if (auto v = audit::parse_last_checkpoint(text)) return *v;
  return Error{arg + ": no \"seq=N head=H\" checkpoint line in it"};
}

int verify_main(const std::string& key_file, uid_t key_owner, std::vector<std::string> args) {
  std::optional<audit::ChainHead> cp;
  if (args.size() >= 2 && args[0] == "--checkpoint") {
    auto c = load_checkpoint(args[1]);
    if (!c) { std::cerr << "phimilterctl audit: " << c.error().message << "\n"; return 2; }
    cp = *c;
    args.erase(args.begin(), args.begin() + 2);
  }
  if (args.empty()) return usage();
  auto key = audit::load_audit_key(key_file, key_owner);
  if (!key) { std::cerr << "phimilterctl audit: " << key.error().message << "\n"; return 1; }
  auto rep = audit::verify_files(args, *key, cp);
  if (!rep) { std::cerr << "phimilterctl audit: " << rep.error().message << "\n"; return 1; }
  for (const auto& n : rep->notes) std::cout << "note: " << n << "\n";
  if (rep->problem) {
    const auto& p = *rep->problem;
    std::cout << p.file << ":" << p.line << ": seq " << p.seq << ": " << p.kind << ": " << p.detail << "\n";
    return 1;
  }
  std::cout << "OK: " << rep->records << " records";
  if (rep->first && rep->last) std::cout << ", seq " << rep->first->seq << ".." << rep->last->seq << ", head " << rep->last->hash;
  if (cp) std::cout << ", checkpoint seq " << cp->seq << " matches";
  std::cout << "\n";
  return 0;
}

int find_main(std::vector<std::string> args) {
  audit::FindQuery q;
  bool json = false;
  std::vector<std::string> files;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string& out) { if (i + 1 >= args.size()) return false; out = args[++i]; return true; };
    std::string v;
    if (a == "--json") json = true;
    else if (a == "--message-id") { if (!value(q.message_id)) return usage(); }
    else if (a == "--sender") { if (!value(q.sender)) return usage(); }
    else if (a == "--recipient") { if (!value(q.recipient)) return usage(); }
    else if (a == "--since" || a == "--until") {
      if (!value(v)) return usage();
      auto t = audit::parse_utc_time(v);
      if (!t) { std::cerr << "phimilterctl audit: " << a << ": " << t.error().message << "\n"; return 2; }
      (a == "--since" ? q.since : q.until) = *t;
    } else if (!a.empty() && a[0] == '-') return usage();
    else files.push_back(a);
  }
  if (files.empty()) return usage();
  audit::RecordReader reader(files);
  audit::Line line;
  size_t matched = 0, unreadable = 0;
  for (;;) {
    auto more = reader.next(line);
    if (!more) { std::cerr << "phimilterctl audit: " << more.error().message << "\n"; return 1; }
    if (!*more) break;
    auto rec = audit::parse_record(line.text);
    if (!rec) { ++unreadable; continue; }
    if (!audit::record_matches(*rec, q)) continue;
    ++matched;
    if (json) std::cout << line.text << "\n";
    else std::cout << files[line.file] << ":" << line.number << ": " << audit::format_readable(rec->doc) << "\n";
  }
  if (unreadable) std::cerr << "phimilterctl audit: " << unreadable << " unreadable lines skipped (run verify)\n";
  return matched ? 0 : 1;
}

int audit_main(int argc, char** argv) {
  std::string conf = kDefaultConfigPath, key_file;
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; ++i) {
    if (!std::strcmp(argv[i], "-c") && i + 1 < argc) conf = argv[++i];
    else if (!std::strcmp(argv[i], "-k") && i + 1 < argc) key_file = argv[++i];
    else return usage();
  }
  if (i >= argc) return usage();
  std::string cmd = argv[i];
  std::vector<std::string> rest(argv + i + 1, argv + argc);
  if (cmd == "find") return find_main(rest);
  if (cmd != "verify") return usage();
  uid_t key_owner = ::geteuid();  // -k KEYFILE: ours (or root's)
  if (key_file.empty()) {
    auto k = key_file_from_config(conf);
    if (!k) { std::cerr << "phimilterctl audit: " << k.error().message << "\n"; return 1; }
    std::tie(key_file, key_owner) = *k;
  }
  return verify_main(key_file, key_owner, rest);
}

const bool registered = register_command("audit", "verify and search the tamper-evident audit log", &audit_main);

}  // namespace
}  // namespace phi::tools
