// Tests for Session::enforce: policy decisions carried out as MTA requests (RecordingMta).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "milter/recording_mta.h"
#include "milter/report.h"
#include "milter/session.h"
#include "milter/testmode.h"
#include "tests/unit/support/config_text.h"

namespace phi {
namespace {

// A scratch directory with a TLS policy map and site policies.
class Scratch {
 public:
  Scratch() {
    char tmpl[] = "/tmp/phi-enforce.XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    write("tls_policy",
          "secure.example encrypt\n"
          ".partner.example verify\n"
          "opportunistic.example may\n"
          "webmail.example secure\n");
  }
  ~Scratch() { std::system(("rm -rf '" + dir_ + "'").c_str()); }
  std::string write(const std::string& name, const std::string& text, bool exec = false) {
    auto p = dir_ + "/" + name;
    std::ofstream(p) << text;
    if (exec) ::chmod(p.c_str(), 0755);
    return p;
  }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

std::shared_ptr<const Config> config_with(const Scratch& t, const std::string& extra) {
  std::string text = "AuthservID mx.example.org\nTLSPolicyMap texthash:" + t.dir() +
                     "/tls_policy\nNeverSecureDomains webmail.example\n" + extra;
  return config_from_text(text);
}

std::string read_file(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::string& phi_message() {  // a referral: name, DOB, MRN, ICD-10, diagnosis
  static const std::string m = read_file(std::string(PHI_SRCDIR) + "/tests/integration/phi-referral.eml");
  return m;
}

const std::string kCleanMessage = "Subject: lunch\r\nFrom: a@b.example\r\n\r\nSandwiches at noon.\r\n";

struct Outcome {
  Status status;
  RecordingMta mta;
  MessageReport report;
};

// One message from `addr` to `rcpts`, with `extra` header fields first.
Outcome run(std::shared_ptr<const Config> cfg, const std::string& addr, const std::vector<std::string>& rcpts,
        const std::string& raw = phi_message(), const std::vector<std::pair<std::string, std::string>>& extra = {},
        const std::vector<std::pair<std::string, std::string>>& macros = {}) {
  Outcome r{Status::Continue, {}, {}};
  r.mta.macros["i"] = "QID1";
  for (const auto& [n, v] : macros) r.mta.macros[n] = v;
  Session s(cfg, [] { return std::time_t{0}; });
  s.on_connect(r.mta, "client.example", addr);
  s.on_helo(r.mta, "client.example");
  s.on_envfrom(r.mta, "<alice@clinic.example>");
  for (const auto& rc : rcpts) s.on_envrcpt(r.mta, rc);
  auto pm = split_message(raw);
  for (const auto& [n, v] : extra) s.on_header(r.mta, n, v);
  for (const auto& [n, v] : pm.headers) s.on_header(r.mta, n, v);
  s.on_eoh(r.mta);
  s.on_body(r.mta, pm.body);
  r.status = s.on_eom(r.mta);
  r.report = s.report();
  return r;
}

// The MTA requests other than the two provenance headers, as "kind name=value" lines.
std::vector<std::string> policy_edits(const RecordingMta& m) {
  std::vector<std::string> out;
  for (const auto& e : m.edits) {
    if (e.kind == "insert_header" && (e.name == "TLS-Provenance" || e.name == "TLS-Path")) continue;
    std::string line = e.kind + (e.name.empty() ? "" : " " + e.name);
    if (e.kind == "delete_header") line += " #" + std::to_string(e.index);
    else if (!e.value.empty()) line += "=" + e.value;
    out.push_back(line);
  }
  return out;
}

std::string decisions(const MessageReport& r) {
  std::string s;
  for (const auto& d : r.decisions)
    s += (s.empty() ? "" : " ") + d.recipient + ":" + d.action + ":" + d.rule + (d.enforced ? "" : ":monitor");
  return s;
}

constexpr const char* kInternal = "127.0.0.1";
constexpr const char* kOutside = "192.0.2.4";

TEST(Enforce, TheVerdictOfTheSampleIsPhi) {
  Scratch t;
  auto r = run(config_with(t, ""), kOutside, {"<a@secure.example>"});
  ASSERT_TRUE(r.report.has_verdict);
  EXPECT_TRUE(r.report.verdict.phi);
  EXPECT_FALSE(r.report.verdict.phi_in_subject);
}

TEST(Enforce, DefaultPolicyActions) {
  struct Row {
    const char* label;
    const char* addr;
    std::vector<std::string> rcpts;
    std::string raw;
    Status status;
    std::string decisions;
    std::vector<std::string> edits;
  };
  const std::string subject_phi = "Subject: Diego Lopez DOB 2001-10-08 MRN MR42693171 heart failure I50.9\r\n\r\nSee the subject.\r\n";
  const std::vector<Row> rows = {
      {"outbound PHI to mandatory TLS: route-tls", kInternal, {"<a@secure.example>", "<b@x.partner.example>"},
       phi_message(), Status::Continue,
       "<a@secure.example>:route-tls:phi-tls <b@x.partner.example>:route-tls:phi-tls",
       {"add_header X-PHI-Route=mandatory-tls"}},
      // Until escrow is configured (EscrowKeyFile), an escrow decision answers the internal-error action.
      {"outbound PHI to opportunistic TLS: escrow (tempfail without an escrow store)", kInternal,
       {"<a@opportunistic.example>"}, phi_message(), Status::Tempfail,
       "<a@opportunistic.example>:escrow:phi-insecure", {"set_reply 451"}},
      {"outbound PHI in the Subject: reject", kInternal, {"<a@secure.example>"}, subject_phi, Status::Reject,
       "<a@secure.example>:reject:phi-in-subject", {"set_reply 550"}},
      {"outbound clean mail: accept, nothing added", kInternal, {"<a@opportunistic.example>"}, kCleanMessage,
       Status::Continue, "<a@opportunistic.example>:accept:default", {}},
      {"inbound PHI: tag only", kOutside, {"<a@opportunistic.example>"}, phi_message(), Status::Continue,
       "<a@opportunistic.example>:tag:inbound",
       {"add_header X-PHI-Classification=mx.example.org; phi=yes; pii=yes; score="}},
  };
  Scratch t;
  auto cfg = config_with(t, "");
  for (const auto& row : rows) {
    SCOPED_TRACE(row.label);
    auto r = run(cfg, row.addr, row.rcpts, row.raw);
    EXPECT_EQ(r.status, row.status);
    EXPECT_EQ(decisions(r.report), row.decisions);
    auto got = policy_edits(r.mta);
    ASSERT_EQ(got.size(), row.edits.size());
    for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].substr(0, row.edits[i].size()), row.edits[i]);
  }
}

// A client listed in InternalNetworks by name is outbound only while the
// MTA vouches for the name: Sendmail passes a PTR name whose forward lookup
// failed with {client_resolve} FORGED (or FAIL, TEMP); Postfix, without that
// macro, passes "unknown" instead.
TEST(Enforce, AnUnverifiedClientNameDoesNotMakeMailOutbound) {
  Scratch t;
  auto cfg = config_with(t, "InternalNetworks 127.0.0.1, client.example\n");
  struct Row { const char* label; std::vector<std::pair<std::string, std::string>> macros; const char* decisions; };
  const Row rows[] = {
      {"Postfix: no {client_resolve}", {}, "<a@secure.example>:route-tls:phi-tls"},
      {"Sendmail: OK", {{"{client_resolve}", "OK"}}, "<a@secure.example>:route-tls:phi-tls"},
      {"Sendmail: FORGED", {{"{client_resolve}", "FORGED"}}, "<a@secure.example>:tag:inbound"},
      {"Sendmail: FAIL", {{"{client_resolve}", "FAIL"}}, "<a@secure.example>:tag:inbound"},
      {"Sendmail: TEMP", {{"{client_resolve}", "TEMP"}}, "<a@secure.example>:tag:inbound"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.label);
    auto r = run(cfg, kOutside, {"<a@secure.example>"}, phi_message(), {}, row.macros);
    EXPECT_EQ(decisions(r.report), row.decisions);
  }
}

TEST(Enforce, RejectCarriesTheRulesTextToTheSender) {
  Scratch t;
  auto r = run(config_with(t, ""), kInternal, {"<a@secure.example>", "<b@opportunistic.example>"},
               "Subject: Diego Lopez DOB 2001-10-08 MRN MR42693171 heart failure I50.9\r\n\r\nx\r\n");
  EXPECT_EQ(r.status, Status::Reject);
  ASSERT_EQ(r.mta.edits.back().kind, "set_reply");
  EXPECT_EQ(r.mta.edits.back().name, "550 5.7.1");
  EXPECT_NE(r.mta.edits.back().value.find("move it into the message body"), std::string::npos);
  EXPECT_EQ(r.report.direction, "outbound");
  EXPECT_NE(r.report.reply.find("550 5.7.1 "), std::string::npos);
}

// A site policy that uses every action the daemon carries out itself.
std::string site_policy(Scratch& t) {
  return "PolicyFile " + t.write("site.policy",
                                 "rule tls if outbound and phi and tls-mandatory then route-tls\n"
                                 "rule webmail if outbound and phi and never-secure then quarantine \"PHI to webmail\"\n"
                                 "rule opp if outbound and phi then accept and tag\n"
                                 "rule stop if outbound and category ssn then reject 554 5.7.9 \"no SSNs\"\n"
                                 "rule later if recipient-domain later.example then tempfail\n"
                                 "rule in if inbound then tag\n") +
         "\n";
}

TEST(Enforce, MixedRecipientsAreDecidedOneByOne) {
  Scratch t;
  auto cfg = config_with(t, site_policy(t) + "TagShowCategories yes\n");
  auto r = run(cfg, kInternal, {"<a@secure.example>", "<b@opportunistic.example>", "<c@webmail.example>"});
  EXPECT_EQ(r.status, Status::Continue);
  EXPECT_EQ(decisions(r.report),
            "<a@secure.example>:route-tls:tls <b@opportunistic.example>:accept:opp <c@webmail.example>:quarantine:webmail");
  auto got = policy_edits(r.mta);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], "quarantine=PHI to webmail");
  EXPECT_EQ(got[1], "add_header X-PHI-Route=mandatory-tls");
  EXPECT_EQ(got[2].rfind("add_header X-PHI-Classification=mx.example.org; phi=yes; pii=yes; score=", 0), 0u);
  EXPECT_NE(got[2].find("; categories="), std::string::npos);
  EXPECT_NE(got[2].find("mrn"), std::string::npos);
  EXPECT_EQ(r.report.quarantine, "PHI to webmail");
  for (const auto& e : r.mta.edits) EXPECT_NE(e.kind, "del_rcpt");
}

TEST(Enforce, OneRefusingRecipientRefusesTheWholeMessage) {
  Scratch t;
  auto cfg = config_with(t, site_policy(t));
  auto r = run(cfg, kInternal, {"<a@secure.example>", "<b@later.example>"}, kCleanMessage);
  EXPECT_EQ(r.status, Status::Tempfail);
  EXPECT_EQ(decisions(r.report), "<a@secure.example>:accept: <b@later.example>:tempfail:later");
  EXPECT_EQ(policy_edits(r.mta), (std::vector<std::string>{"set_reply 451 4.7.1=" +
                                                           std::string(policy::kDefaultTempfailText)}));
  EXPECT_EQ(r.report.reply.substr(0, 10), "451 4.7.1 ");
}

TEST(Enforce, MonitorModeChangesNothingButTheTag) {
  Scratch t;
  for (const auto& policy : {std::string(), site_policy(t)}) {
    SCOPED_TRACE(policy.empty() ? "default policy" : "site policy");
    auto cfg = config_with(t, policy + "Mode monitor\n");
    auto r = run(cfg, kInternal, {"<a@secure.example>", "<b@opportunistic.example>", "<c@webmail.example>"});
    EXPECT_EQ(r.status, Status::Continue);
    auto got = policy_edits(r.mta);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].rfind("add_header X-PHI-Classification=mx.example.org; phi=yes;", 0), 0u);
    EXPECT_NE(got[0].find("; mode=monitor; actions="), std::string::npos);
    ASSERT_EQ(r.report.decisions.size(), 3u);
    for (const auto& d : r.report.decisions) EXPECT_FALSE(d.enforced);
    EXPECT_EQ(r.report.mode, "monitor");
    EXPECT_TRUE(r.report.reply.empty());
  }
  auto r = run(config_with(t, "Mode monitor\n"), kInternal, {"<a@opportunistic.example>"});
  EXPECT_EQ(decisions(r.report), "<a@opportunistic.example>:escrow:phi-insecure:monitor");
}

// Recipients beyond kMaxRecipients are not kept, so the policy cannot
// decide for them: in Mode enforce the message is refused as a whole rather
// than delivered to them undecided; at the limit it is decided as usual.
TEST(Enforce, MoreRecipientsThanTheLimitRefuseTheMessage) {
  Scratch t;
  std::vector<std::string> rcpts;
  for (size_t i = 0; i < kMaxRecipients; ++i) rcpts.push_back("<r" + std::to_string(i) + "@secure.example>");
  {
    auto r = run(config_with(t, ""), kInternal, rcpts);
    EXPECT_EQ(r.status, Status::Continue) << "at the limit";
    EXPECT_EQ(r.report.decisions.size(), kMaxRecipients);
  }
  rcpts.push_back("<last@opportunistic.example>");
  {
    auto r = run(config_with(t, ""), kInternal, rcpts);
    EXPECT_EQ(r.status, Status::Reject);
    ASSERT_FALSE(r.mta.edits.empty());
    EXPECT_EQ(r.mta.edits.back().kind, "set_reply");
    EXPECT_EQ(r.mta.edits.back().name, "550 5.5.3");
    EXPECT_EQ(r.report.reply.rfind("550 5.5.3 ", 0), 0u);
    ASSERT_EQ(r.report.decisions.size(), kMaxRecipients);
    EXPECT_EQ(r.report.decisions.front().action, "reject");
  }
  {
    auto r = run(config_with(t, "Mode monitor\n"), kInternal, rcpts);
    EXPECT_EQ(r.status, Status::Continue) << "monitor mode refuses nothing";
    EXPECT_EQ(r.report.decisions.size(), kMaxRecipients);
  }
}

TEST(Enforce, TagHeaderNameIsConfigurable) {
  Scratch t;
  auto r = run(config_with(t, "TagHeader X-Site-Tag\n"), kOutside, {"<a@secure.example>"});
  auto got = policy_edits(r.mta);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].rfind("add_header X-Site-Tag=mx.example.org; phi=yes", 0), 0u);
}

TEST(Enforce, ForgedTagHeadersAreRemovedOthersKept) {
  Scratch t;
  auto r = run(config_with(t, ""), kOutside, {"<a@secure.example>"}, phi_message(),
               {{"X-PHI-Classification", "other.example; phi=no"},
                {"X-PHI-Classification", "mx.example.org; phi=no; pii=no; score=0.00"},
                {"x-phi-classification", " MX.EXAMPLE.ORG ; phi=no"}});
  auto got = policy_edits(r.mta);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], "delete_header X-PHI-Classification #3");
  EXPECT_EQ(got[1], "delete_header X-PHI-Classification #2");
  EXPECT_EQ(got[2].rfind("add_header X-PHI-Classification=mx.example.org; phi=yes", 0), 0u);
  EXPECT_EQ(r.report.removed_forged, 2u);
}

// The tag header starts with the authserv-id as a token, as the provenance
// headers do, and a forged one in that form is still recognised.
TEST(Enforce, TagHeaderAuthservIdIsAToken) {
  Scratch t;
  auto s = parse_settings("AuthservID mx;odd \"id\"\nTLSPolicyMap texthash:" + t.dir() + "/tls_policy\n", "test.conf");
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto cfg = build_config(*s, "test.conf");
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  auto r = run(*cfg, kOutside, {"<a@secure.example>"}, phi_message(), {{"X-PHI-Classification", "mx_odd__id_; phi=no"}});
  auto got = policy_edits(r.mta);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], "delete_header X-PHI-Classification #1");
  EXPECT_EQ(got[1].rfind("add_header X-PHI-Classification=mx_odd__id_; phi=yes", 0), 0u) << got[1];
}

TEST(Enforce, PostureLookupErrorAnswersTempfail) {
  Scratch t;
  // postmap stand-in: "not found" (exit 1) for everything but fail.example, which errors.
  auto postmap = t.write("postmap",
                         "#!/bin/sh\nfor a; do case \"$a\" in *fail.example*) echo boom >&2; exit 2;; esac; done\nexit 1\n",
                         true);
  std::string text = "AuthservID mx.example.org\nTLSPolicyMap hash:" + t.dir() + "/tls_policy\nPostmapCommand " +
                     postmap + "\n";
  auto s = parse_settings(text, "test.conf");
  ASSERT_TRUE(s.ok());
  auto c = build_config(*s, "test.conf");
  ASSERT_TRUE(c.ok()) << c.error().message;
  auto r = run(*c, kInternal, {"<a@ok.example>", "<b@fail.example>"});
  EXPECT_EQ(r.status, Status::Tempfail);
  EXPECT_TRUE(r.report.decisions.empty());
  EXPECT_EQ(policy_edits(r.mta), (std::vector<std::string>{"set_reply 451 4.3.0=phimilter: internal error, please try again later"}));
  auto ok = run(*c, kInternal, {"<a@ok.example>"});
  EXPECT_EQ(decisions(ok.report), "<a@ok.example>:escrow:phi-insecure");  // default level may: not mandatory
}

TEST(Enforce, AnMtaErrorAnswersTheInternalErrorAction) {
  Scratch t;
  struct Row { const char* label; const char* fail; std::string extra; const char* addr; };
  const std::vector<Row> rows = {
      {"add_header fails", "add_header", "", kInternal},
      {"quarantine fails", "quarantine", site_policy(t), kInternal},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.label);
    Outcome r{Status::Continue, {}, {}};
    Session s(config_with(t, row.extra));
    r.mta.fail.insert(row.fail);
    s.on_connect(r.mta, "c", row.addr);
    s.on_envfrom(r.mta, "<a@clinic.example>");
    s.on_envrcpt(r.mta, row.extra.empty() ? "<a@secure.example>" : "<c@webmail.example>");
    auto pm = split_message(phi_message());
    for (const auto& [n, v] : pm.headers) s.on_header(r.mta, n, v);
    s.on_eoh(r.mta);
    s.on_body(r.mta, pm.body);
    EXPECT_EQ(s.on_eom(r.mta), Status::Tempfail);
  }
}

// Under OnInternalError accept the message goes through as it is, and
// nothing of it is used afterwards (its state is gone with the error).
TEST(Enforce, AnMtaErrorUnderAcceptLetsTheMessageThrough) {
  Scratch t;
  for (const char* fail : {"add_header", "insert_header"}) {
    SCOPED_TRACE(fail);
    RecordingMta m;
    Session s(config_with(t, "OnInternalError accept\n"));
    m.fail.insert(fail);
    s.on_connect(m, "c", kInternal);
    s.on_envfrom(m, "<a@clinic.example>");
    s.on_envrcpt(m, "<a@secure.example>");
    auto pm = split_message(phi_message());
    for (const auto& [n, v] : pm.headers) s.on_header(m, n, v);
    s.on_eoh(m);
    s.on_body(m, pm.body);
    EXPECT_EQ(s.on_eom(m), Status::Accept) << "answered at once, not carried on with the message's freed state";
    for (const auto& e : m.edits) EXPECT_NE(e.kind, "set_reply") << "no refusal";
  }
}

// One message from `addr`; each recipient with the {rcpt_mailer} the MTA
// passes at its RCPT stage (nullopt: the MTA passes no such macro).
using MailerRcpt = std::pair<std::string, std::optional<std::string>>;
Outcome run_mailers(std::shared_ptr<const Config> cfg, const std::string& addr, const std::vector<MailerRcpt>& rcpts,
                    const std::string& raw = phi_message()) {
  Outcome r{Status::Continue, {}, {}};
  r.mta.macros["i"] = "QID1";
  Session s(cfg, [] { return std::time_t{0}; });
  s.on_connect(r.mta, "client.example", addr);
  s.on_helo(r.mta, "client.example");
  s.on_envfrom(r.mta, "<alice@clinic.example>");
  for (const auto& [rc, mailer] : rcpts) {
    if (mailer) r.mta.macros["{rcpt_mailer}"] = *mailer;
    else r.mta.macros.erase("{rcpt_mailer}");
    s.on_envrcpt(r.mta, rc);
  }
  r.mta.macros.erase("{rcpt_mailer}");  // RCPT macros belong to their stage
  auto pm = split_message(raw);
  for (const auto& [n, v] : pm.headers) s.on_header(r.mta, n, v);
  s.on_eoh(r.mta);
  s.on_body(r.mta, pm.body);
  r.status = s.on_eom(r.mta);
  r.report = s.report();
  return r;
}

// Only the MTA's {rcpt_mailer} macro, naming one of LocalTransports, makes
// a recipient local; then the shipped policy delivers its PHI and tags it.
// (Without an escrow store an escrow decision answers tempfail: that is
// how "escrowed" shows here.)
TEST(Enforce, LocalDeliveryComesFromTheRcptMailerMacro) {
  Scratch t;
  const std::string tag = "add_header X-PHI-Classification=mx.example.org; phi=yes; pii=yes; score=";
  struct Row {
    const char* label;
    std::string extra;
    const char* addr;
    std::string rcpt;
    std::optional<std::string> mailer;
    Status status;
    std::string decisions;
    std::vector<std::string> edits;
  };
  const std::vector<Row> rows = {
      {"local(8)", "", kInternal, "<a@opportunistic.example>", "local", Status::Continue,
       "<a@opportunistic.example>:accept:phi-local", {tag}},
      {"virtual(8)", "", kInternal, "<a@opportunistic.example>", "virtual", Status::Continue,
       "<a@opportunistic.example>:accept:phi-local", {tag}},
      {"local, domain with mandatory TLS: no route-tls", "", kInternal, "<a@secure.example>", "local",
       Status::Continue, "<a@secure.example>:accept:phi-local", {tag}},
      {"smtp", "", kInternal, "<a@opportunistic.example>", "smtp", Status::Tempfail,
       "<a@opportunistic.example>:escrow:phi-insecure", {"set_reply 451"}},
      {"relay", "", kInternal, "<a@opportunistic.example>", "relay", Status::Tempfail,
       "<a@opportunistic.example>:escrow:phi-insecure", {"set_reply 451"}},
      {"no macro: not local", "", kInternal, "<a@localhost>", std::nullopt, Status::Tempfail,
       "<a@localhost>:escrow:phi-insecure", {"set_reply 451"}},
      {"empty macro: not local", "", kInternal, "<a@opportunistic.example>", "", Status::Tempfail,
       "<a@opportunistic.example>:escrow:phi-insecure", {"set_reply 451"}},
      {"lmtp is not local by default", "", kInternal, "<a@opportunistic.example>", "lmtp", Status::Tempfail,
       "<a@opportunistic.example>:escrow:phi-insecure", {"set_reply 451"}},
      {"lmtp when listed", "LocalTransports local virtual lmtp\n", kInternal, "<a@opportunistic.example>", "lmtp",
       Status::Continue, "<a@opportunistic.example>:accept:phi-local", {tag}},
      {"LocalTransports empty: nothing is local", "LocalTransports\n", kInternal, "<a@opportunistic.example>",
       "local", Status::Tempfail, "<a@opportunistic.example>:escrow:phi-insecure", {"set_reply 451"}},
      {"overlong macro: not local", "LocalTransports " + std::string(64, 'l') + "\n", kInternal,
       "<a@opportunistic.example>", std::string(65, 'l'), Status::Tempfail,
       "<a@opportunistic.example>:escrow:phi-insecure", {"set_reply 451"}},
      {"inbound to a local mailbox: tag as before", "", kOutside, "<a@opportunistic.example>", "local",
       Status::Continue, "<a@opportunistic.example>:tag:inbound", {tag}},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.label);
    auto r = run_mailers(config_with(t, row.extra), row.addr, {{row.rcpt, row.mailer}});
    EXPECT_EQ(r.status, row.status);
    EXPECT_EQ(decisions(r.report), row.decisions);
    auto got = policy_edits(r.mta);
    ASSERT_EQ(got.size(), row.edits.size());
    for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].substr(0, row.edits[i].size()), row.edits[i]);
  }
}

// Each recipient keeps the macro of its own RCPT stage.
TEST(Enforce, LocalDeliveryIsPerRecipient) {
  Scratch t;
  auto r = run_mailers(config_with(t, "Mode monitor\n"), kInternal,
                       {{"<a@opportunistic.example>", "smtp"}, {"<b@hospital.example>", "local"},
                        {"<c@opportunistic.example>", std::nullopt}, {"<d@hospital.example>", "virtual"}});
  EXPECT_EQ(r.status, Status::Continue);
  EXPECT_EQ(decisions(r.report),
            "<a@opportunistic.example>:escrow:phi-insecure:monitor <b@hospital.example>:accept:phi-local:monitor "
            "<c@opportunistic.example>:escrow:phi-insecure:monitor <d@hospital.example>:accept:phi-local:monitor");
  auto got = policy_edits(r.mta);
  ASSERT_EQ(got.size(), 1u) << "monitor mode: only the tag";
  EXPECT_NE(got[0].find("; mode=monitor; actions=escrow,accept"), std::string::npos) << got[0];
}

// A local recipient on a message that another recipient's route-tls sends
// through the mandatory-TLS transport is escrowed, not looped through SMTP.
TEST(Enforce, ALocalRecipientOfARoutedMessageIsEscrowed) {
  Scratch t;
  auto r = run_mailers(config_with(t, ""), kInternal, {{"<a@secure.example>", "smtp"}, {"<b@hospital.example>", "local"}});
  EXPECT_EQ(decisions(r.report), "<a@secure.example>:route-tls:phi-tls <b@hospital.example>:escrow:phi-local");
  EXPECT_EQ(r.status, Status::Tempfail) << "no escrow store in this test";
}

TEST(Enforce, TestModeIsInboundWithoutAClient) {
  Scratch t;
  auto cfg = config_with(t, "");
  auto path = t.write("m.eml", phi_message());
  for (bool with_client : {false, true}) {
    SCOPED_TRACE(with_client ? "-D client_addr=127.0.0.1" : "no -D");
    TestModeOptions opt;
    opt.recipients = {"<a@secure.example>"};
    if (with_client) opt.macros["client_addr"] = "127.0.0.1";
    std::ostringstream out, err;
    EXPECT_EQ(run_test_mode(cfg, {path}, opt, out, err), 0) << err.str();
    const std::string want = with_client
        ? R"("direction":"outbound","mode":"enforce","decisions":[{"recipient":"<a@secure.example>","action":"route-tls","rule":"phi-tls","enforced":true}],"reply":null,"quarantine":null)"
        : R"("direction":"inbound","mode":"enforce","decisions":[{"recipient":"<a@secure.example>","action":"tag","rule":"inbound","enforced":true}],"reply":null)";
    EXPECT_NE(out.str().find(want), std::string::npos) << out.str();
  }
}

}  // namespace
}  // namespace phi
