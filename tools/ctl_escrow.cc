// ctl_escrow - "phimilterctl escrow": list, show, release, purge and verify escrowed mail.
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <iostream>
#include <string>
#include <vector>

#include "milter/util/files.h"
#include "milter/audit/writer.h"
#include "milter/config.h"
#include "milter/escrow/crypto.h"
#include "milter/escrow/notice.h"
#include "milter/escrow/store.h"
#include "milter/util/sanitize.h"
#include "milter/util/strings.h"
#include "tools/command.h"

namespace phi::tools {
namespace {

using escrow::Store;

constexpr const char* kDefaultSendmail = "/usr/sbin/sendmail";

struct Options {
  std::string config = kDefaultConfigPath;
  bool config_given = false;
  bool show_recipients = false;
  bool expired = false;
  bool force = false;
  bool envelope = false;
  bool rotate = false;
  std::string sendmail = kDefaultSendmail;
  std::string action;
  std::vector<std::string> args;
};

int usage(std::ostream& o, int code) {
  o << "usage: phimilterctl escrow [-c CONF] list [--show-recipients]\n"
       "       phimilterctl escrow [-c CONF] show [--envelope] ID\n"
       "       phimilterctl escrow [-c CONF] release [--sendmail CMD] [--force] ID\n"
       "       phimilterctl escrow [-c CONF] purge --expired | ID...\n"
       "       phimilterctl escrow [-c CONF] verify [ID...]\n"
       "       phimilterctl escrow [-c CONF] genkey [--rotate] [FILE]\n"
       "See phimilterctl-escrow(8).\n";
  return code;
}

std::string iso_time(int64_t t) { return format_utc(static_cast<std::time_t>(t)); }

// Recipient or sender text, or an error about an entry, safe for a terminal line.
std::string shown(std::string_view s) { return sanitize_log_text(s, 320); }

// Envelope address without angle brackets, as sendmail(1) wants it.
std::string bare_address(std::string_view a) {
  a = trim(a);
  if (a.size() >= 2 && a.front() == '<' && a.back() == '>') a = a.substr(1, a.size() - 2);
  return std::string(a);
}

// --- audit records for release and purge (kept apart from the actions) ---

std::string admin_actor() {
  if (const char* s = std::getenv("SUDO_USER"); s && *s) return std::string("sudo:") + s;
  if (const struct passwd* pw = ::getpwuid(::getuid())) return pw->pw_name;
  return "uid:" + std::to_string(::getuid());
}

// Appends a release or purge record to AuditLog when the configuration sets
// one (only the audit keys are read, not the whole configuration). Returns
// false, after saying why, when the record could not be written.
bool audit_admin(const Options& o, audit::RecordKind kind, const std::string& id,
                 const std::vector<std::string>& recipients) {
  std::ifstream in(o.config, std::ios::binary);
  if (!in) return true;  // built-in defaults: AuditLog is empty
  std::stringstream text;
  text << in.rdbuf();
  auto s = parse_settings(text.str(), o.config);
  if (!s || s->AuditLog.empty()) return true;  // a bad file was already reported by load_config
  auto owner = key_file_owner(*s);
  auto opts = owner ? audit::make_audit_options(s->AuditLog, s->AuditKeyFile, s->AuditCheckpointInterval,
                                                s->AuditCheckpointFile, s->AuditSync, *owner)
                    : Result<audit::AuditOptions>(owner.error());
  Result<void> r = opts ? Result<void>(Ok()) : Result<void>(opts.error());
  if (opts) {
    auto log = audit::AuditLog::open(std::move(*opts), [](std::string_view line) {
      std::cerr << "phimilterctl escrow: " << line << "\n";
    });
    audit::AdminEvent e;
    e.kind = kind;
    e.escrow_id = id;
    e.actor = admin_actor();
    e.reason = kind == audit::RecordKind::Release ? "phimilterctl escrow release" : "phimilterctl escrow purge";
    for (const auto& a : recipients) e.recipients.push_back(bare_address(a));
    r = log ? (*log)->append_admin(e) : Result<void>(log.error());
  }
  if (r) return true;
  std::cerr << "phimilterctl escrow: " << shown(id) << ": no audit record written: " << r.error().message << "\n";
  return false;
}

int list(const Store& store, const Options& o) {
  auto entries = store.list();
  if (!entries) { std::cerr << "phimilterctl escrow: " << entries.error().message << "\n"; return 1; }
  std::cout << "ID                               CREATED              EXPIRES              SIZE       RCPTS STATE\n";
  for (const auto& e : *entries) {
    char line[160];
    std::snprintf(line, sizeof line, "%-32s %-20s %-20s %-10llu %-5zu ", e.id.c_str(), iso_time(e.created).c_str(),
                  iso_time(e.expires).c_str(), static_cast<unsigned long long>(e.body_bytes), e.recipients);
    std::cout << line << (!e.damage.empty() ? "damaged: " + shown(e.damage) : e.released ? "released" : "held") << "\n";
    if (!o.show_recipients || !e.damage.empty()) continue;
    auto rd = store.open(e.id);
    if (!rd) { std::cout << "    (cannot open: " << shown(rd.error().message) << ")\n"; continue; }
    for (const auto& r : (*rd)->meta().recipients) std::cout << "    " << shown(r) << "\n";
  }
  return 0;
}

int show(const Store& store, const Options& o) {
  if (o.args.size() != 1) return usage(std::cerr, 2);
  auto rd = store.open(o.args[0]);
  if (!rd) { std::cerr << "phimilterctl escrow: " << rd.error().message << "\n"; return 1; }
  if (o.envelope) {
    const auto& m = (*rd)->meta();
    std::cout << "sender " << shown(m.sender) << "\n";
    for (const auto& r : m.recipients) std::cout << "recipient " << shown(r) << "\n";
    std::cout << "rule " << shown(m.rule) << "\nqueue-id " << shown(m.queue_id) << "\nprovenance " << shown(m.provenance) << "\n";
    for (const auto& [name, count] : m.categories) std::cout << "category " << shown(name) << " " << count << "\n";
    return 0;
  }
  auto r = (*rd)->copy_body(std::cout);
  std::cout.flush();
  if (!r) { std::cerr << "phimilterctl escrow: " << r.error().message << "\n"; return 1; }
  return 0;
}

// Runs argv with the message on its standard input; returns its exit status.
Result<int> pipe_to(const std::vector<std::string>& argv, const escrow::EntryReader& rd, std::string_view prefix) {
  int fds[2];
  if (::pipe(fds) != 0) return Error{std::string("pipe: ") + std::strerror(errno)};
  pid_t pid = ::fork();
  if (pid < 0) return Error{std::string("fork: ") + std::strerror(errno)};
  if (pid == 0) {
    ::dup2(fds[0], 0);
    ::close(fds[0]);
    ::close(fds[1]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    std::fprintf(stderr, "phimilterctl escrow: %s: %s\n", args[0], std::strerror(errno));
    ::_exit(127);
  }
  ::close(fds[0]);
  UniqueFd out(fds[1]);
  bool first = true;
  auto copied = rd.copy_body([&](std::string_view b) -> Result<void> {
    if (first) {  // the marker goes in front of the first message byte only
      first = false;
      std::string p(prefix);
      for (std::string_view rest = p; !rest.empty();) {
        ssize_t n = ::write(out.get(), rest.data(), rest.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return Error{std::string("writing to the mail submission command: ") + std::strerror(errno)};
        rest.remove_prefix(static_cast<size_t>(n));
      }
    }
    while (!b.empty()) {
      ssize_t n = ::write(out.get(), b.data(), b.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Error{std::string("writing to the mail submission command: ") + std::strerror(errno)};
      b.remove_prefix(static_cast<size_t>(n));
    }
    return Ok();
  });
  if (!copied) ::kill(pid, SIGTERM);  // before EOF: nothing half-written gets submitted
  out.reset();
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (!copied) return copied.error();
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

// The released message carries phimilter's marker so that phimilter, which
// sees it again through the local MTA, delivers it instead of escrowing it
// again (the marker only counts over a trusted path; see phimilter.conf(5)).
int release(const Store& store, const Options& o, const Config& cfg) {
  if (o.args.size() != 1) return usage(std::cerr, 2);
  const std::string& id = o.args[0];
  auto rd = store.open(id);
  if (!rd) { std::cerr << "phimilterctl escrow: " << rd.error().message << "\n"; return 1; }
  if (auto v = (*rd)->verify_body(); !v) { std::cerr << "phimilterctl escrow: " << v.error().message << "\n"; return 1; }
  auto entries = store.list();
  for (const auto& e : entries ? *entries : std::vector<escrow::EntryInfo>{})
    if (e.id == id && e.released && !o.force) {
      std::cerr << "phimilterctl escrow: entry " << id << " was already released; use --force to send it again\n";
      return 1;
    }
  std::vector<std::string> argv;
  for (auto w : split_list(o.sendmail)) argv.emplace_back(w);
  if (argv.empty()) return usage(std::cerr, 2);
  const auto& m = (*rd)->meta();
  std::string sender = bare_address(m.sender);
  argv.insert(argv.end(), {"-i", "-f", sender.empty() ? "<>" : sender, "--"});
  for (const auto& r : m.recipients) argv.push_back(bare_address(r));
  auto status = pipe_to(argv, **rd, std::string(escrow::kDefaultMarkerHeader) + ": " + cfg.authserv_id + "\r\n");
  if (!status) { std::cerr << "phimilterctl escrow: " << status.error().message << "\n"; return 1; }
  if (*status != 0) {
    std::cerr << "phimilterctl escrow: " << argv[0] << " exited with status " << *status << "; entry not marked released\n";
    return 1;
  }
  if (auto r = store.mark_released(id, std::time(nullptr)); !r) {
    std::cerr << "phimilterctl escrow: sent, but cannot mark entry released: " << r.error().message << "\n";
    return 1;
  }
  std::cout << id << " released to " << m.recipients.size() << " recipient(s)\n";
  return audit_admin(o, audit::RecordKind::Release, id, m.recipients) ? 0 : 1;
}

int purge(const Store& store, const Options& o) {
  if (o.expired == !o.args.empty()) return usage(std::cerr, 2);
  if (o.expired) {
    const int64_t now = std::time(nullptr);
    auto n = store.purge_expired(now);
    if (!n) { std::cerr << "phimilterctl escrow: " << n.error().message << "\n"; return 1; }
    auto t = store.clean_temp_files(now, escrow::kStaleTempSeconds);
    std::cout << *n << " expired entr" << (*n == 1 ? "y" : "ies") << " removed";
    if (t && *t) std::cout << ", " << *t << " stale temporary file(s) removed";
    std::cout << "\n";
    return 0;
  }
  int rc = 0;
  for (const auto& id : o.args) {
    std::vector<std::string> recipients;
    if (auto rd = store.open(id)) recipients = (*rd)->meta().recipients;
    if (auto r = store.remove(id); !r) {
      std::cerr << "phimilterctl escrow: " << id.substr(0, 64) << ": " << r.error().message << "\n";
      rc = 1;
    } else {
      std::cout << id << " removed\n";
      if (!audit_admin(o, audit::RecordKind::Purge, id, recipients)) rc = 1;
    }
  }
  return rc;
}

int verify(const Store& store, const Options& o) {
  std::vector<std::string> ids = o.args;
  if (ids.empty()) {
    auto entries = store.list();
    if (!entries) { std::cerr << "phimilterctl escrow: " << entries.error().message << "\n"; return 1; }
    for (const auto& e : *entries) ids.push_back(e.id);
  }
  size_t damaged = 0;
  for (const auto& id : ids) {
    auto r = store.verify(id);
    if (r) std::cout << id << " ok\n";
    else { std::cout << shown(id) << " DAMAGED: " << shown(r.error().message) << "\n"; ++damaged; }
  }
  std::cout << ids.size() << " entr" << (ids.size() == 1 ? "y" : "ies") << " checked, " << damaged << " damaged\n";
  return damaged ? 1 : 0;
}

// EscrowKeyFile of the configuration (only parsed, not built: the key file
// may not exist yet), or "" with a message on stderr.
std::string configured_key_file(const Options& o) {
  std::ifstream in(o.config, std::ios::binary);
  if (!in) {
    if (!o.config_given) return default_settings().EscrowKeyFile;
    std::cerr << "phimilterctl escrow: " << o.config << ": cannot open\n";
    return "";
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto s = parse_settings(text.str(), o.config);
  if (!s) { std::cerr << "phimilterctl escrow: " << s.error().message << "\n"; return ""; }
  if (s->EscrowKeyFile.empty()) std::cerr << "phimilterctl escrow: EscrowKeyFile is empty in " << o.config << "\n";
  return s->EscrowKeyFile;
}

// "k20261202-1a2b <64 hex digits>\n", from the OpenSSL RNG.
Result<std::string> new_key_line() {
  auto key = escrow::random_bytes(escrow::kKeyBytes);
  auto tag = escrow::random_bytes(2);
  if (!key || !tag) return Error{"the OpenSSL random generator failed"};
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char day[16];
  std::strftime(day, sizeof day, "%Y%m%d", &tm);
  escrow::SecretBytes hex(escrow::hex_encode(*key));
  OPENSSL_cleanse(key->data(), key->size());
  return std::string("k") + day + "-" + escrow::hex_encode(*tag) + " " + hex.str() + "\n";
}

// Creates a key file (mode 0600, never over an existing file), or with
// --rotate appends a new newest key to an existing one.
int genkey(const Options& o) {
  if (o.args.size() > 1) return usage(std::cerr, 2);
  const std::string file = o.args.empty() ? configured_key_file(o) : o.args[0];
  if (file.empty()) return 1;
  auto line = new_key_line();
  if (!line) { std::cerr << "phimilterctl escrow: " << line.error().message << "\n"; return 1; }
  escrow::SecretBytes text(std::move(*line));
  const int flags = o.rotate ? (O_RDWR | O_APPEND) : (O_WRONLY | O_CREAT | O_EXCL);
  UniqueFd fd(::open(file.c_str(), flags | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd) {
    std::cerr << "phimilterctl escrow: " << file << ": " << std::strerror(errno)
              << (errno == EEXIST ? " (use --rotate to add a new key to it)" : "") << "\n";
    return 1;
  }
  std::string out = text.str();
  if (o.rotate) {  // keep the last line intact when the file does not end in a newline
    char last = '\n';
    if (::pread(fd.get(), &last, 1, ::lseek(fd.get(), 0, SEEK_END) - 1) == 1 && last != '\n') out.insert(0, "\n");
  }
  bool ok = ::write(fd.get(), out.data(), out.size()) == static_cast<ssize_t>(out.size()) && ::fsync(fd.get()) == 0;
  OPENSSL_cleanse(out.data(), out.size());
  if (!ok) { std::cerr << "phimilterctl escrow: " << file << ": write: " << std::strerror(errno) << "\n"; return 1; }
  std::cout << file << ": " << (o.rotate ? "added" : "created with") << " key " << text.str().substr(0, text.str().find(' ')) << "\n";
  return 0;
}

// Parses options around the action; returns false on a usage error.
bool parse_args(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string& dst) { if (i + 1 >= argc) return false; dst = argv[++i]; return true; };
    if (a == "-c") { if (!value(o.config)) return false; o.config_given = true; }
    else if (a == "--show-recipients") o.show_recipients = true;
    else if (a == "--expired") o.expired = true;
    else if (a == "--force") o.force = true;
    else if (a == "--envelope") o.envelope = true;
    else if (a == "--rotate") o.rotate = true;
    else if (a == "--sendmail") { if (!value(o.sendmail)) return false; }
    else if (a.size() > 1 && a[0] == '-') return false;
    else if (o.action.empty()) o.action = a;
    else o.args.push_back(a);
  }
  return !o.action.empty();
}

int escrow_main(int argc, char** argv) {
  Options o;
  if (argc == 2 && (!std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "--help"))) return usage(std::cout, 0);
  if (!parse_args(argc, argv, o)) return usage(std::cerr, 2);
  ::signal(SIGPIPE, SIG_IGN);
  if (o.action == "genkey") return genkey(o);
  auto cfg = load_config(o.config, !o.config_given);
  if (!cfg) { std::cerr << "phimilterctl escrow: " << cfg.error().message << "\n"; return 1; }
  if (!(*cfg)->escrow) {
    std::cerr << "phimilterctl escrow: escrow is not configured (" << (*cfg)->escrow_unavailable << " in "
              << ((*cfg)->source.empty() ? "the built-in defaults" : (*cfg)->source) << ")\n";
    return 1;
  }
  const Store& store = *(*cfg)->escrow;
  if (o.action == "list") return list(store, o);
  if (o.action == "show") return show(store, o);
  if (o.action == "release") return release(store, o, **cfg);
  if (o.action == "purge") return purge(store, o);
  if (o.action == "verify") return verify(store, o);
  std::cerr << "phimilterctl escrow: unknown action \"" << shown(o.action) << "\"\n";
  return usage(std::cerr, 2);
}

const bool registered = register_command("escrow", "list, show, release, purge and verify escrowed mail; make keys", &escrow_main);

}  // namespace
}  // namespace phi::tools
