// audit/record - serialise, seal, parse and describe audit records.
#include "milter/util/files.h"
#include "milter/audit/record.h"

#include <openssl/crypto.h>

#include <cstdio>
#include <ctime>

#include "milter/util/sanitize.h"

namespace phi::audit {
namespace {

constexpr std::string_view kHmacPrefix = ",\"hmac\":\"";
constexpr size_t kSealBytes = kHmacPrefix.size() + kDigestHexLen + 2;  // ,"hmac":"<64>"}

std::string clip(std::string_view s) { return sanitize_header_text(s, kMaxFieldBytes); }

void field(JsonWriter& w, std::string_view k, std::string_view v) { w.key(k).string(clip(v)); }

void write_tls(JsonWriter& w, const HopTls& t) {
  w.key("tls");
  if (t.version.empty()) { w.null(); return; }
  w.begin_object();
  field(w, "version", t.version);
  field(w, "cipher", t.cipher);
  w.key("bits").number(t.bits);
  field(w, "verify", t.verify);
  w.end_object();
}

void write_path(JsonWriter& w, const PathCounts& p) {
  w.key("path").begin_object();
  w.key("hops").number(p.hops).key("encrypted").number(p.encrypted).key("plaintext").number(p.plaintext);
  w.key("unknown").number(p.unknown).key("internal").number(p.internal);
  field(w, "weakest", p.weakest);
  w.end_object();
}

// "escrow" -> "escrowed": policy actions read as what happened.
std::string past_tense(std::string_view action) {
  static const std::pair<std::string_view, std::string_view> forms[] = {
      {"accept", "accepted"}, {"tag", "tagged"}, {"quarantine", "quarantined"}, {"reject", "rejected"},
      {"escrow", "escrowed"}, {"discard", "discarded"}, {"tempfail", "tempfailed"}, {"encrypt", "encrypted"}};
  for (const auto& [a, p] : forms)
    if (a == action) return std::string(p);
  return action.empty() ? std::string("?") : std::string(action);
}

std::string plural(int64_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// "2 recipients escrowed, rule phi-insecure; 1 recipient accepted"
std::string describe_recipients(const JsonValue* list) {
  if (!list || !list->is_array() || list->items.empty()) return "no recipients";
  std::vector<std::pair<std::pair<std::string, std::string>, int64_t>> groups;
  for (const auto& r : list->items) {
    std::pair<std::string, std::string> key{std::string(r.get_string("action")), std::string(r.get_string("rule"))};
    bool found = false;
    for (auto& g : groups)
      if (g.first == key) { ++g.second; found = true; break; }
    if (!found && groups.size() < 16) groups.push_back({key, 1});
  }
  std::string out;
  for (const auto& [k, n] : groups) {
    if (!out.empty()) out += "; ";
    out += plural(n, "recipient") + " " + past_tense(k.first);
    if (!k.second.empty()) out += ", rule " + k.second;
  }
  return out;
}

std::string readable_time(std::string_view iso) {
  std::string t(iso);
  if (t.size() == 20 && t[10] == 'T' && t[19] == 'Z') return t.substr(0, 10) + " " + t.substr(11, 8) + " UTC";
  return t;
}

std::string describe_message(const JsonValue& r) {
  std::string out = "received " + readable_time(r.get_string("time"));
  const JsonValue* c = r.get("client");
  if (c) out += " from " + std::string(c->get_string("name")) + " [" + std::string(c->get_string("addr")) + "]";
  const JsonValue* tls = r.get("tls");
  if (tls && tls->is_object()) out += " over " + std::string(tls->get_string("version")) + " " + std::string(tls->get_string("cipher"));
  else out += " over plaintext";
  out += ", " + describe_recipients(r.get("recipients"));
  out += "\n  queue id " + std::string(r.get_string("queue_id")) + ", Message-ID " + std::string(r.get_string("message_id")) +
         ", sender <" + std::string(r.get_string("sender")) + ">";
  if (const JsonValue* list = r.get("recipients"); list && list->is_array())
    for (const auto& x : list->items)
      out += "\n  to <" + std::string(x.get_string("address")) + ">: " + std::string(x.get_string("action")) +
             (x.get_string("rule").empty() ? "" : " (rule " + std::string(x.get_string("rule")) + ")");
  if (const JsonValue* p = r.get("path"))
    out += "\n  path " + plural(p->get_int("hops"), "hop") + ", " + std::to_string(p->get_int("encrypted")) + " encrypted, " +
           std::to_string(p->get_int("plaintext")) + " plaintext, weakest " + std::string(p->get_string("weakest"));
  out += "; DKIM " + std::string(r.get_string("dkim").empty() ? "none" : r.get_string("dkim"));
  if (const JsonValue* cats = r.get("categories"); cats && !cats->members.empty()) {
    out += "; categories";
    for (const auto& [name, n] : cats->members) out += " " + name + "=" + std::to_string(n.num_int);
  }
  if (!r.get_string("escrow_id").empty()) out += "; escrow " + std::string(r.get_string("escrow_id"));
  return out;
}

}  // namespace

std::string_view record_kind_name(RecordKind k) {
  switch (k) {
    case RecordKind::Start: return "start";
    case RecordKind::Message: return "message";
    case RecordKind::Release: return "release";
    case RecordKind::Purge: return "purge";
    case RecordKind::Checkpoint: return "checkpoint";
  }
  return "message";
}

Result<std::string> seal_record(const AuditKey& key, const ChainLink& link, RecordKind kind,
                                const std::function<void(JsonWriter&)>& body) {
  JsonWriter w;
  w.begin_object();
  w.key("v").number(int64_t{kFormatVersion});
  w.key("seq").number(static_cast<int64_t>(link.seq));
  w.key("prev").string(link.prev);
  w.key("kind").string(record_kind_name(kind));
  w.key("time").string(format_utc_time(link.time));
  body(w);
  std::string unsealed = w.str() + "}";
  auto mac = hmac_sha256_hex(key, unsealed);
  if (!mac) return mac.error();
  unsealed.pop_back();
  std::string line = std::move(unsealed);
  line += kHmacPrefix;
  line += *mac;
  line += "\"}";
  if (line.size() > kMaxRecordBytes) return Error{"audit record larger than " + std::to_string(kMaxRecordBytes) + " bytes"};
  return line;
}

void write_message_body(JsonWriter& w, const MessageEvent& e) {
  field(w, "queue_id", e.queue_id);
  field(w, "message_id", e.message_id);
  field(w, "sender", e.sender);
  w.key("recipients").begin_array();
  for (size_t i = 0; i < e.recipients.size() && i < kMaxRecipients; ++i) {
    const auto& r = e.recipients[i];
    w.begin_object();
    field(w, "address", r.address);
    field(w, "action", r.action);
    field(w, "rule", r.rule);
    if (!r.enforced) w.key("enforced").boolean(false);
    w.end_object();
  }
  w.end_array();
  if (e.recipients.size() > kMaxRecipients)
    w.key("recipients_not_listed").number(static_cast<int64_t>(e.recipients.size() - kMaxRecipients));
  w.key("client").begin_object();
  field(w, "name", e.client_name);
  field(w, "addr", e.client_addr);
  w.end_object();
  write_tls(w, e.tls);
  write_path(w, e.path);
  field(w, "dkim", e.dkim);
  w.key("categories").begin_object();
  for (const auto& [name, n] : e.categories) w.key(clip(name)).number(n);
  w.end_object();
  field(w, "escrow_id", e.escrow_id);
}

void write_admin_body(JsonWriter& w, const AdminEvent& e) {
  field(w, "escrow_id", e.escrow_id);
  field(w, "message_id", e.message_id);
  field(w, "actor", e.actor);
  field(w, "reason", e.reason);
  w.key("recipients").begin_array();
  for (size_t i = 0; i < e.recipients.size() && i < kMaxRecipients; ++i) w.string(clip(e.recipients[i]));
  w.end_array();
}

void write_start_body(JsonWriter& w, const std::optional<ChainHead>& previous, std::string_view reason) {
  w.key("previous");
  if (!previous) w.null();
  else w.begin_object().key("seq").number(static_cast<int64_t>(previous->seq)).key("head").string(previous->hash).end_object();
  field(w, "reason", reason);
}

void write_checkpoint_body(JsonWriter& w, const ChainHead& before) {
  w.key("count").number(static_cast<int64_t>(before.seq));
  w.key("head").string(before.hash);
}

Result<ParsedRecord> parse_record(std::string_view line) {
  if (line.size() > kMaxRecordBytes) return Error{"record too long"};
  if (line.size() < kSealBytes || line.substr(line.size() - kSealBytes, kHmacPrefix.size()) != kHmacPrefix ||
      line.substr(line.size() - 2) != "\"}")
    return Error{"record does not end with its hmac"};
  JsonLimits lim;
  lim.max_bytes = kMaxRecordBytes;
  auto doc = parse_json(line, lim);
  if (!doc) return doc.error();
  if (!doc->is_object()) return Error{"record is not an object"};
  ParsedRecord r;
  if (doc->get_int("v", -1) != kFormatVersion) return Error{"unknown record version"};
  int64_t seq = doc->get_int("seq", -1);
  if (seq < 1) return Error{"bad seq"};
  r.seq = static_cast<uint64_t>(seq);
  r.prev = doc->get_string("prev");
  r.kind = doc->get_string("kind");
  r.hmac = doc->get_string("hmac");
  if (!is_digest_hex(r.prev) || !is_digest_hex(r.hmac)) return Error{"bad prev or hmac"};
  if (r.kind != "start" && r.kind != "message" && r.kind != "release" && r.kind != "purge" && r.kind != "checkpoint")
    return Error{"unknown record kind"};
  auto t = parse_utc_time(doc->get_string("time"));
  if (!t) return Error{"bad time"};
  r.time = *t;
  r.doc = std::move(*doc);
  return r;
}

bool check_record_hmac(const AuditKey& key, std::string_view line) {
  if (line.size() < kSealBytes || line.substr(line.size() - kSealBytes, kHmacPrefix.size()) != kHmacPrefix) return false;
  std::string unsealed(line.substr(0, line.size() - kSealBytes));
  unsealed += "}";
  auto mac = hmac_sha256_hex(key, unsealed);
  if (!mac) return false;
  std::string_view given = line.substr(line.size() - kDigestHexLen - 2, kDigestHexLen);
  return CRYPTO_memcmp(mac->data(), given.data(), kDigestHexLen) == 0;
}

std::string format_readable(const JsonValue& r) {
  std::string head = "seq " + std::to_string(r.get_int("seq")) + ": ";
  std::string_view kind = r.get_string("kind");
  std::string when = readable_time(r.get_string("time"));
  if (kind == "message") return head + describe_message(r);
  if (kind == "release" || kind == "purge")
    return head + (kind == "release" ? "released " : "purged ") + when + " escrow entry " +
           std::string(r.get_string("escrow_id")) + " (Message-ID " + std::string(r.get_string("message_id")) + ") by " +
           std::string(r.get_string("actor"));
  if (kind == "checkpoint")
    return head + "checkpoint " + when + " after seq " + std::to_string(r.get_int("count")) + ", head " +
           std::string(r.get_string("head"));
  const JsonValue* prev = r.get("previous");
  return head + "log started " + when + " (" + std::string(r.get_string("reason")) + "), " +
         (prev && prev->is_object() ? "continuing from seq " + std::to_string(prev->get_int("seq")) : "new chain");
}

std::string format_utc_time(int64_t t) { return format_utc(static_cast<std::time_t>(t)); }

Result<int64_t> parse_utc_time(std::string_view s) {
  if (s.size() > 32) return Error{"time too long"};
  std::tm tm {};
  int n = 0;
  std::string text(s);
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  char sep = 0;
  int got = std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &se, &n);
  if (got == 7 && (sep == 'T' || sep == ' ') && (text.size() == size_t(n) || text.substr(size_t(n)) == "Z")) {
  } else if (got == 6 && (sep == 'T' || sep == ' ') && std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &n) == 6 &&
             size_t(n) == text.size()) {
    se = 0;
  } else if (std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && size_t(n) == text.size()) {
    h = mi = se = 0;
  } else {
    return Error{"expected YYYY-MM-DD[ HH:MM[:SS]] (UTC), got \"" + text + "\""};
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60 || y < 1970) return Error{"time out of range"};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = se;
  return static_cast<int64_t>(timegm(&tm));
}

}  // namespace phi::audit
