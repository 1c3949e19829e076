// Tests for audit records: sealing, parsing, HMAC, key checks, readable form, find filters.
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <type_traits>

#include "milter/audit/crypto.h"
#include "milter/audit/find.h"
#include "milter/audit/record.h"
#include "tests/unit/audit/audit_test_util.h"

namespace phi::audit {
namespace {

using namespace phi::audit::testing;

std::string sealed_message(const MessageEvent& e, uint64_t seq = 1) {
  ChainLink link;
  link.seq = seq;
  link.time = e.time;
  auto line = seal_record(test_key(), link, RecordKind::Message, [&](JsonWriter& w) { write_message_body(w, e); });
  EXPECT_TRUE(line);
  return line ? *line : std::string();
}

TEST(Crypto, DigestsMatchKnownValues) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2.
  auto mac = hmac_sha256_hex(AuditKey{"Jefe"}, "what do ya want for nothing?");
  ASSERT_TRUE(mac);
  EXPECT_EQ(*mac, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// Same rule as EscrowKeyFile (tests/unit/escrow/key_ring_test.cc): owned
// by the expected user or by root, nobody else.
TEST(Crypto, KeyFileOfAnotherOwnerIsRefused) {
  TempDir d;
  std::string p = write_key_file(d, 32, 0600, "k");
  uid_t expect = ::geteuid();
  uid_t actual = expect;
  if (::geteuid() == 0) {
    ASSERT_EQ(::chown(p.c_str(), 12345, static_cast<gid_t>(-1)), 0);  // as root: give the file away
    actual = 12345;
  } else {
    expect = ::geteuid() + 1;  // as a user: demand someone else
  }
  auto r = load_audit_key(p, expect);
  ASSERT_FALSE(r.ok());
  const std::string& m = r.error().message;
  EXPECT_EQ(m.rfind("AuditKeyFile " + p + ": owned by uid " + std::to_string(actual), 0), 0u) << m;
  EXPECT_NE(m.find(", expected uid " + std::to_string(expect) + " or root"), std::string::npos) << m;
  if (::geteuid() == 0) {
    // Root expected: the error says what to do; uid 12345 has no name to give.
    ASSERT_EQ(::getpwuid(12345), nullptr);
    EXPECT_EQ(m.substr(m.find(" or root")), " or root; phimilter runs as root when UserID is not set: set UserID to the "
                                            "file's owner, or chown root");
    ASSERT_EQ(::chown(p.c_str(), 0, static_cast<gid_t>(-1)), 0);
    EXPECT_TRUE(load_audit_key(p, 12345).ok()) << "root may own it";
    ASSERT_EQ(::chown(p.c_str(), 12345, static_cast<gid_t>(-1)), 0);
    EXPECT_TRUE(load_audit_key(p, 12345).ok()) << "the expected owner";
    EXPECT_FALSE(load_audit_key(p).ok()) << "the one-argument form expects geteuid()";
  }
}

// The key lives in the wiping type the escrow keys use, so that each copy
// (options, configuration, service, log) is cleansed when it goes.
static_assert(std::is_same_v<decltype(AuditKey::bytes), escrow::SecretBytes>);

TEST(Crypto, KeyFileChecks) {
  TempDir d;
  struct { const char* label; size_t bytes; mode_t mode; bool ok; const char* why; } rows[] = {
      {"0600 and 32 bytes", 32, 0600, true, ""},
      {"0400 is stricter", 64, 0400, true, ""},
      {"group readable", 32, 0640, false, "group or others"},
      {"world readable", 32, 0604, false, "group or others"},
      {"too short", 31, 0600, false, "shorter than 32"},
      {"too long", kMaxAuditKeyBytes + 1, 0600, false, "longer than"},
  };
  int i = 0;
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    auto k = load_audit_key(write_key_file(d, r.bytes, r.mode, "k" + std::to_string(i++)));
    EXPECT_EQ(k.ok(), r.ok);
    if (!k.ok()) {
      EXPECT_NE(k.error().message.find(r.why), std::string::npos) << k.error().message;
    }
  }
  EXPECT_FALSE(load_audit_key(d.file("missing")));
  EXPECT_FALSE(load_audit_key(""));
  EXPECT_FALSE(load_audit_key(d.path()));  // a directory
  ::symlink(d.file("k0").c_str(), d.file("link").c_str());
  EXPECT_FALSE(load_audit_key(d.file("link")));
  ASSERT_EQ(::mkfifo(d.file("fifo").c_str(), 0600), 0);
  ::alarm(30);  // a FIFO must be refused, not waited on: fail instead of hanging
  auto fifo = load_audit_key(d.file("fifo"));
  ::alarm(0);
  ASSERT_FALSE(fifo.ok());
  EXPECT_NE(fifo.error().message.find("not a regular file"), std::string::npos) << fifo.error().message;
}

TEST(Record, SealedLineParsesAndVerifies) {
  std::string line = sealed_message(sample_message(1));
  ASSERT_EQ(line.find('\n'), std::string::npos);
  auto r = parse_record(line);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->seq, 1u);
  EXPECT_EQ(r->kind, "message");
  EXPECT_EQ(r->prev, kGenesisPrev);
  EXPECT_EQ(r->time, 1795390903);
  EXPECT_EQ(r->doc.get_string("time"), "2026-11-22T23:41:43Z");
  EXPECT_EQ(r->doc.get("tls")->get_int("bits"), 256);
  EXPECT_EQ(r->doc.get("categories")->get_int("icd10"), 2);
  EXPECT_EQ(r->doc.members.back().name, "hmac");
  EXPECT_TRUE(check_record_hmac(test_key(), line));
  EXPECT_FALSE(check_record_hmac(AuditKey{std::string(32, 'x')}, line));
}

TEST(Record, HostileFieldsStayOnOneLineAndBounded) {
  MessageEvent e = sample_message(1);
  e.sender = "evil\r\nX-Injected: 1@example.net";
  e.message_id = std::string(10000, 'm');
  e.recipients.assign(kMaxRecipients + 5, RecipientOutcome{"a@b", "accept", ""});
  std::string line = sealed_message(e);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.find('\r'), std::string::npos);
  auto r = parse_record(line);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_LE(r->doc.get_string("message_id").size(), kMaxFieldBytes);
  EXPECT_EQ(r->doc.get("recipients")->items.size(), kMaxRecipients);
  EXPECT_EQ(r->doc.get_int("recipients_not_listed"), 5);
  EXPECT_TRUE(check_record_hmac(test_key(), line));
}

TEST(Record, ParseRejectsBrokenEnvelopes) {
  std::string good = sealed_message(sample_message(1));
  struct { const char* label; std::string line; } rows[] = {
      {"empty", ""},
      {"no hmac at the end", good.substr(0, good.size() - 80) + "}"},
      {"not json", std::string(200, 'x') + good.substr(good.size() - 75)},
      {"seq zero", [&] { auto s = good; s.replace(s.find("\"seq\":1"), 7, "\"seq\":0"); return s; }()},
      {"unknown kind", [&] { auto s = good; s.replace(s.find("message"), 7, "massage"); return s; }()},
      {"too long", std::string(kMaxRecordBytes + 1, ' ')},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    EXPECT_FALSE(parse_record(r.line));
  }
  // 10,000 repeats of a hostile prefix: rejected, linear.
  std::string hostile;
  for (int i = 0; i < 10000; ++i) hostile += "{\"a\":";
  EXPECT_FALSE(parse_record(hostile + good.substr(good.size() - 75)));
}

TEST(Record, ReadableFormSaysWhatHappened) {
  auto r = parse_record(sealed_message(sample_message(1)));
  ASSERT_TRUE(r);
  std::string text = format_readable(r->doc);
  EXPECT_NE(text.find("received 2026-11-22 23:41:43 UTC from mail.example.net [192.0.2.4] over TLSv1.3 "
                      "TLS_AES_256_GCM_SHA384, 2 recipients escrowed, rule phi-insecure"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("categories ssn=1 icd10=2"), std::string::npos) << text;
  MessageEvent plain = sample_message(2);
  plain.tls = HopTls{};
  plain.recipients = {{"x@y", "accept", ""}};
  auto p = parse_record(sealed_message(plain));
  ASSERT_TRUE(p);
  EXPECT_NE(format_readable(p->doc).find("over plaintext, 1 recipient accepted"), std::string::npos) << format_readable(p->doc);
}

TEST(Time, ParsesTheAcceptedForms) {
  struct { const char* label; const char* in; int64_t want; } rows[] = {
      {"iso with Z", "2026-11-22T23:41:43Z", 1795390903},
      {"space, seconds", "2026-11-22 23:41:43", 1795390903},
      {"minutes", "2026-11-22 23:41", 1795390860},
      {"date", "2026-11-22", 1795305600},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    auto t = parse_utc_time(r.in);
    ASSERT_TRUE(t) << t.error().message;
    EXPECT_EQ(*t, r.want);
  }
  for (const char* bad : {"", "yesterday", "2026-13-01", "2026-11-22X", "2026-11-22 25:00"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(parse_utc_time(bad));
  }
  EXPECT_EQ(format_utc_time(1795390903), "2026-11-22T23:41:43Z");
}

TEST(Find, FiltersByEachCriterion) {
  auto rec = parse_record(sealed_message(sample_message(7)));
  ASSERT_TRUE(rec);
  auto q = [](auto set) { FindQuery f; set(f); return f; };
  struct { const char* label; FindQuery q; bool want; } rows[] = {
      {"no criteria", FindQuery{}, true},
      {"message-id with brackets", q([](FindQuery& f) { f.message_id = "<m7@example.net>"; }), true},
      {"message-id without brackets", q([](FindQuery& f) { f.message_id = "m7@example.net"; }), true},
      {"other message-id", q([](FindQuery& f) { f.message_id = "m8@example.net"; }), false},
      {"sender, other case", q([](FindQuery& f) { f.sender = "Alice@Example.NET"; }), true},
      {"other sender", q([](FindQuery& f) { f.sender = "mallory@example.net"; }), false},
      {"recipient", q([](FindQuery& f) { f.recipient = "carol@example.org"; }), true},
      {"other recipient", q([](FindQuery& f) { f.recipient = "dave@example.org"; }), false},
      {"since before", q([](FindQuery& f) { f.since = 1795390903; }), true},
      {"since after", q([](FindQuery& f) { f.since = 1795390904; }), false},
      {"until after", q([](FindQuery& f) { f.until = 1795390903; }), true},
      {"until before", q([](FindQuery& f) { f.until = 1795390902; }), false},
      {"all together", q([](FindQuery& f) {
         f.message_id = "m7@example.net"; f.sender = "alice@example.net"; f.recipient = "bob@example.org";
         f.since = 0; f.until = 1795390903;
       }), true},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    EXPECT_EQ(record_matches(*rec, r.q), r.want);
  }
}

}  // namespace
}  // namespace phi::audit
