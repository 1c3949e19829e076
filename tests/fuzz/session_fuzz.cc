// session_fuzz - libFuzzer target: one whole message through Session, with MTA requests that fail.
//
// Input: byte 0 names the MTA requests that fail (bit i: kFailKinds[i]);
// byte 1 picks OnInternalError (bits 0-1), an internal client (bit 2), TLS
// macros (bit 3) and 1-8 recipients from kRecipients (bits 4-6); byte 2 the
// body chunk size; the rest is the message, split into header fields and
// body as test mode splits a file (split_message in milter/testmode.h).
// The configuration escrows into a temporary directory, writes the audit
// log (a fresh one every kAuditRecords messages) and uses every policy
// action; bit 7 of byte 1 keeps findings (test mode) instead of skipping
// them (the daemon). Besides memory errors (ASan in check-sanitizers), it
// traps when a header field phimilter adds or inserts could end the field
// (CR or LF not followed by a blank: a header injection) or when a
// refused message leaves an escrow entry that no submitted notice needs
// (a message with one escrowed recipient submits none).
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "milter/audit_service.h"
#include "milter/config.h"
#include "milter/log.h"
#include "milter/recording_mta.h"
#include "milter/session.h"
#include "milter/testmode.h"

namespace {

using namespace phi;

constexpr const char* kFailKinds[] = {"insert_header", "add_header", "delete_header", "del_rcpt",
                                      "replace_body",  "quarantine", "set_reply",     "add_rcpt"};
constexpr const char* kRecipients[] = {"<b@insecure.example>", "<a@secure.example>", "<c@webmail.example>",
                                       "<d@later.example>",  "<e@insecure.example>", "<f@secure.example>",
                                       "<g@stop.example>",   "<h@insecure.example>"};
constexpr const char* kActions[] = {"tempfail", "accept", "reject", "tempfail"};
constexpr size_t kAuditRecords = 2000;

struct World {
  std::string dir, queue;
  std::shared_ptr<const Config> cfg[4];

  World() {
    char tmpl[] = "/tmp/phi-session-fuzz.XXXXXX";
    if (!mkdtemp(tmpl)) __builtin_trap();
    dir = tmpl;
    queue = dir + "/queue";
    if (mkdir(queue.c_str(), 0700) != 0) __builtin_trap();
    write(dir + "/keys", "k1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");
    chmod((dir + "/keys").c_str(), 0600);
    write(dir + "/audit.key", std::string(32, 'k'));
    chmod((dir + "/audit.key").c_str(), 0600);
    write(dir + "/site.policy",
          "rule stop if recipient-domain stop.example then reject 554 5.7.9 \"no\"\n"
          "rule later if recipient-domain later.example then tempfail\n"
          "rule webmail if outbound and phi and recipient-domain webmail.example then quarantine \"PHI to webmail\"\n"
          "rule secure if outbound and phi and recipient-domain secure.example then route-tls\n"
          "rule escrow if outbound and phi then escrow\n"
          "rule pii if pii then accept and tag\n"
          "rule in if inbound then tag\n");
    for (int i = 0; i < 4; ++i) {
      std::string text = "AuthservID mx.example.org\nEscrowKeyFile " + dir + "/keys\nEscrowDirectory " + queue +
                         "\nNoticeSendmail /bin/true\nLogTarget /dev/null\nLogLevel error\nPolicyFile " + dir + "/site.policy\nOnInternalError " +
                         kActions[i] + "\nInternalHosts 127.0.0.1\nAuditLog " + dir + "/audit.log\nAuditKeyFile " + dir +
                         "/audit.key\nAuditSync no\n"
                         // No pdftotext, tesseract or catdoc child per PDF-, image- or
                         // .doc-looking input: deterministic and fast (those paths have their
                         // own tests: tests/unit/milter/pdftext_test.cc, ocr_test.cc and
                         // legacy_office_test.cc).
                         "PdfToText\nOcrProgram\nLegacyOfficeToText\nArchiveToTar\n";
      auto s = parse_settings(text, "fuzz.conf");
      if (!s) __builtin_trap();
      if (i == 0 && !log_setup(*s)) __builtin_trap();  // quiet: a fuzzer runs millions of messages
      auto c = build_config(*s, "fuzz.conf");
      if (!c) __builtin_trap();
      cfg[i] = *c;
    }
  }
  // At exit (a replay, or libFuzzer's time limit): the directory goes too.
  ~World() {
    svc.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  static void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

  // The audit service for the next message: a new log now and then, so
  // that a long run does not fill the disk.
  AuditService* audit() {
    if (!svc || ++records > kAuditRecords) {
      svc.reset();
      unlink((dir + "/audit.log").c_str());
      svc = std::make_unique<AuditService>();
      if (!svc->configure(*cfg[0])) __builtin_trap();
      records = 1;
    }
    return svc.get();
  }
  std::unique_ptr<AuditService> svc;
  size_t records = 0;

  // Removes the entries of the last message; returns how many there were.
  size_t clear_queue() const {
    size_t n = 0;
    if (DIR* d = opendir(queue.c_str())) {
      while (dirent* e = readdir(d)) {
        std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        if (name.size() > 4 && name.compare(name.size() - 4, 4, ".esc") == 0) ++n;
        unlink((queue + "/" + name).c_str());
      }
      closedir(d);
    }
    return n;
  }
};

// A header value the MTA would accept from us: CR or LF only as folding.
bool injects(std::string_view v) {
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '\r' && v[i] != '\n') continue;
    size_t j = i;
    if (v[j] == '\r') {
      if (j + 1 >= v.size() || v[j + 1] != '\n') return true;  // bare CR
      ++j;
    }
    if (j + 1 >= v.size() || (v[j + 1] != ' ' && v[j + 1] != '\t')) return true;
    i = j;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World world;
  if (size < 3) return 0;
  const uint8_t fail = data[0], opts = data[1];
  const size_t chunk = 1 + data[2] * 64u;
  std::string_view msg(reinterpret_cast<const char*>(data + 3), size - 3);

  RecordingMta m;
  for (int i = 0; i < 8; ++i)
    if (fail & (1u << i)) m.fail.insert(kFailKinds[i]);
  m.macros["i"] = "4FUZZ";
  m.macros["j"] = "mx.example.org";
  if (opts & 8) {
    m.macros["{tls_version}"] = "TLSv1.3";
    m.macros["{cipher}"] = "TLS_AES_256_GCM_SHA384";
    m.macros["{cipher_bits}"] = "256";
    m.macros["{verify}"] = "OK";
  }
  const size_t nrcpt = 1 + ((opts >> 4) & 7);

  Status st = Status::Continue;
  {
    SessionOptions so;
    so.findings = (opts & 128) ? policy::Findings::Keep : policy::Findings::Skip;
    Session s(world.cfg[opts & 3], nullptr, so, SessionServices{world.audit()});
    s.on_connect(m, "client.example.net", (opts & 4) ? "127.0.0.1" : "192.0.2.4");
    s.on_helo(m, "client.example.net");
    s.on_envfrom(m, "<alice@clinic.example>");
    for (size_t i = 0; i < nrcpt; ++i) s.on_envrcpt(m, kRecipients[i]);
    // Header fields and body as test mode splits a file (split_message).
    const ParsedMessage pm = split_message(msg);
    for (const auto& [name, value] : pm.headers) s.on_header(m, name, value);
    s.on_eoh(m);
    for (std::string_view body = pm.body; !body.empty(); body.remove_prefix(std::min(chunk, body.size())))
      s.on_body(m, body.substr(0, chunk));
    st = s.on_eom(m);
  }
  for (const auto& e : m.edits)
    if ((e.kind == "insert_header" || e.kind == "add_header") && (injects(e.name) || injects(e.value)))
      __builtin_trap();
  const size_t entries = world.clear_queue();
  // One recipient: an escrowed message submits no notice, so a refused one keeps no entry.
  if (nrcpt == 1 && (st == Status::Tempfail || st == Status::Reject) && entries != 0) __builtin_trap();
  return 0;
}
