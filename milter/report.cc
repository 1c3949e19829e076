// report - test-mode JSON for one message (see report.h).
#include "milter/report.h"

#include "milter/config.h"
#include "milter/util/json.h"

namespace phi {
namespace {

void write_opt_string(JsonWriter& w, std::string_view key, std::string_view v) {
  w.key(key);
  if (v.empty()) w.null(); else w.string(v);
}

void write_hop(JsonWriter& w, const provenance::Hop& h) {
  w.begin_object();
  w.key("by").string(h.by);
  w.key("from").string(h.from);
  write_opt_string(w, "addr", h.addr);
  w.key("tls").string(provenance::tls_state_name(h.tls));
  write_opt_string(w, "version", h.version);
  write_opt_string(w, "cipher", h.cipher);
  w.key("bits");
  if (h.bits > 0) w.number(int64_t{h.bits}); else w.null();
  write_opt_string(w, "verify", h.verify);
  w.key("authenticated").boolean(h.authenticated);
  write_opt_string(w, "with", h.with);
  w.key("source").string(h.source == provenance::HopSource::Macros ? "macros"
                         : h.source == provenance::HopSource::OurHeader ? "header" : "received");
  w.end_object();
}

void write_summary(JsonWriter& w, const provenance::PathSummary& s) {
  w.begin_object();
  w.key("hops").number(static_cast<int64_t>(s.hops));
  w.key("encrypted").number(static_cast<int64_t>(s.encrypted));
  w.key("plaintext").number(static_cast<int64_t>(s.plaintext));
  w.key("unknown").number(static_cast<int64_t>(s.unknown));
  w.key("internal").number(static_cast<int64_t>(s.internal));
  w.key("weakest").string(provenance::tls_state_name(s.weakest));
  write_opt_string(w, "first_plaintext_by", s.first_plaintext_by);
  write_opt_string(w, "lowest_version", s.lowest_version);
  w.key("dkim").begin_object();
  w.key("result").string(provenance::dkim_result_name(s.dkim.result));
  write_opt_string(w, "domain", s.dkim.domain);
  w.end_object();
  w.end_object();
}

const char* field_name(policy::TextField f) {
  switch (f) {
    case policy::TextField::Subject: return "subject";
    case policy::TextField::Filename: return "filename";
    case policy::TextField::DisplayName: return "display_name";
    case policy::TextField::Body: break;
  }
  return "body";
}

// "phi", "pii", "score", "categories", "findings", "uninspected" (DESIGN.md).
void write_verdict(JsonWriter& w, const policy::Verdict& v) {
  w.key("phi").boolean(v.phi);
  w.key("pii").boolean(v.pii);
  w.key("score").number(v.score);
  w.key("phi_in_subject").boolean(v.phi_in_subject);
  w.key("categories").begin_object();
  for (const auto& [name, n] : v.categories) w.key(name).number(static_cast<int64_t>(n));
  w.end_object();
  w.key("findings").begin_array();
  for (const auto& f : v.findings) {
    w.begin_object();
    w.key("type").string(f.type);
    w.key("part").string(f.part);
    w.key("field").string(field_name(f.field));
    w.key("offset").number(static_cast<int64_t>(f.offset));
    w.key("length").number(static_cast<int64_t>(f.length));
    w.key("excerpt").string(f.excerpt);
    w.end_object();
  }
  w.end_array();
  w.key("findings_truncated").boolean(v.findings_truncated);
  w.key("uninspected").begin_array();
  for (const auto& [part, reason] : v.uninspected)
    w.begin_object().key("part").string(part).key("reason").string(reason).end_object();
  w.end_array();
}

// "direction", "mode", "decisions" (DESIGN.md), "reply", "quarantine".
void write_policy(JsonWriter& w, const MessageReport& r) {
  write_opt_string(w, "direction", r.direction);
  write_opt_string(w, "mode", r.mode);
  w.key("decisions").begin_array();
  for (const auto& d : r.decisions) {
    w.begin_object();
    w.key("recipient").string(d.recipient);
    w.key("action").string(d.action);
    w.key("rule").string(d.rule);
    w.key("enforced").boolean(d.enforced);
    w.end_object();
  }
  w.end_array();
  write_opt_string(w, "reply", r.reply);
  write_opt_string(w, "quarantine", r.quarantine);
}

// "escrow": null, or what was escrowed and the entry id (null when not written).
void write_escrow(JsonWriter& w, const MessageReport& r) {
  w.key("escrow");
  if (r.escrow_rule.empty() && r.escrow_id.empty()) { w.null(); return; }
  w.begin_object();
  write_opt_string(w, "id", r.escrow_id);
  w.key("rule").string(r.escrow_rule);
  w.key("recipients").begin_array();
  for (const auto& rc : r.escrow_recipients) w.string(rc);
  w.end_array();
  w.end_object();
}

}  // namespace

std::string format_report_json(std::string_view file, const MessageReport& r, const Config& cfg) {
  JsonWriter w;
  w.begin_object();
  w.key("file").string(file);
  if (r.has_verdict) write_verdict(w, r.verdict);
  w.key("provenance").begin_object();
  w.key("hops").begin_array();
  for (const auto& h : r.hops) write_hop(w, h);
  w.end_array();
  w.key("summary");
  write_summary(w, r.has_summary ? r.summary : provenance::summarize(r.hops));
  w.end_object();
  w.key("stamped").begin_array();
  for (const auto& [name, value] : r.stamped) {
    w.begin_object().key("name").string(name).key("value").string(value).end_object();
  }
  w.end_array();
  w.key("removed_forged").number(static_cast<int64_t>(r.removed_forged));
  write_policy(w, r);
  write_escrow(w, r);
  w.key("config").begin_object();
  write_opt_string(w, "source", cfg.source);
  w.key("authserv_id").string(cfg.authserv_id);
  w.key("non_default").begin_object();
  for (const auto& [k, v] : non_default_settings(cfg.settings)) w.key(k).string(v);
  w.end_object();
  w.end_object();
  w.end_object();
  return w.str();
}

}  // namespace phi
