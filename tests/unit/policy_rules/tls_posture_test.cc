// Tests for recipient TLS posture: levels, Postfix table syntax, parent-domain lookup, NeverSecureDomains, postmap.
#include "policy/tls_posture.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "milter/util/strings.h"

namespace phi::policy {
namespace {

TEST(TlsLevel, ParseFormatAndMandatory) {
  struct { const char* text; TlsLevel level; bool mandatory; } rows[] = {
      {"none", TlsLevel::None, false},         {"may", TlsLevel::May, false},
      {"encrypt", TlsLevel::Encrypt, true},    {"dane", TlsLevel::Dane, false},
      {"dane-only", TlsLevel::DaneOnly, true}, {"fingerprint", TlsLevel::Fingerprint, true},
      {"verify", TlsLevel::Verify, true},      {"SECURE", TlsLevel::Secure, true},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.text);
    auto l = parse_tls_level(r.text);
    ASSERT_TRUE(l.has_value());
    EXPECT_EQ(*l, r.level);
    EXPECT_EQ(is_mandatory(*l), r.mandatory);
    EXPECT_TRUE(phi::iequals(format_tls_level(*l), r.text));
  }
  EXPECT_FALSE(parse_tls_level("must").has_value());
  EXPECT_FALSE(parse_tls_level("").has_value());
}

TEST(TlsPolicyValue, LevelAndAttributes) {
  EXPECT_EQ(*parse_tls_policy_value("verify match=hostname:nexthop"), TlsLevel::Verify);
  EXPECT_EQ(*parse_tls_policy_value("  secure   match=.example.org protocols=!SSLv2,!SSLv3 "), TlsLevel::Secure);
  EXPECT_EQ(parse_tls_policy_value("MUST").error().message, "unknown TLS security level \"MUST\"");
  EXPECT_EQ(parse_tls_policy_value("encrypt strict").error().message, "attribute \"strict\" is not name=value");
}

constexpr const char* kTable =
    "# smtp_tls_policy_maps\n"
    "partner.example      encrypt\n"
    ".partner.example     verify\n"
    "    match=hostname\n"
    "Bank.Example         secure match=.bank.example\n"
    ".example             none\n"
    "gmail.com            dane\n"
    "[relay.example]:587  encrypt\n"
    "optout.example       may\n";

TEST(TextTable, ParsesPostfixSyntax) {
  auto t = TextTlsPolicyTable::parse(kTable, "tls_policy");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->size(), 7u);
  EXPECT_EQ(**t->lookup(".partner.example"), "verify match=hostname");
  EXPECT_EQ(**t->lookup("bank.example"), "secure match=.bank.example");  // keys fold to lower case
  EXPECT_FALSE(t->lookup("nothing.example")->has_value());
}

TEST(TextTable, ErrorsNameFileAndLine) {
  struct { const char* label; const char* text; const char* want; } rows[] = {
      {"bad level", "a.example encrypt\nb.example must\n", "tls_policy:2: unknown TLS security level \"must\""},
      {"no value", "a.example\n", "tls_policy:1: \"a.example\" has no value"},
      {"bad attribute", "a.example verify\n   strict\n", "tls_policy:1: attribute \"strict\" is not name=value"},
      {"leading continuation", "  verify\n", "tls_policy:1: continuation line without an entry"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    auto got = TextTlsPolicyTable::parse(r.text, "tls_policy");
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().message, r.want);
  }
}

TEST(Resolver, ExactThenParentDomainsThenDefault) {
  auto t = TextTlsPolicyTable::parse(kTable, "tls_policy");
  ASSERT_TRUE(t.ok());
  auto table = std::make_shared<TextTlsPolicyTable>(std::move(*t));
  auto never = DomainList::parse({"optout.example", ".webmail.example"});
  ASSERT_TRUE(never.ok());
  TlsPostureResolver r(table, TlsLevel::May, *never);
  struct { const char* label; const char* domain; TlsLevel level; bool mandatory; bool never; const char* matched; } rows[] = {
      {"exact entry", "partner.example", TlsLevel::Encrypt, true, false, "partner.example"},
      {"subdomain via .parent", "mx.partner.example", TlsLevel::Verify, true, false, ".partner.example"},
      {"deep subdomain", "a.b.partner.example", TlsLevel::Verify, true, false, ".partner.example"},
      {"case and trailing dot", "PARTNER.Example.", TlsLevel::Encrypt, true, false, "partner.example"},
      {"top-level .example entry", "other.example", TlsLevel::None, false, false, ".example"},
      {"exact beats parent", "bank.example", TlsLevel::Secure, true, false, "bank.example"},
      {"dane is opportunistic", "gmail.com", TlsLevel::Dane, false, false, "gmail.com"},
      {"default level", "unlisted.org", TlsLevel::May, false, false, ""},
      {"never secure exact", "optout.example", TlsLevel::May, false, true, "optout.example"},
      {"never secure suffix overrides mandatory", "x.webmail.example", TlsLevel::None, false, true, ".example"},
      {"bracket keys never match a domain", "relay.example", TlsLevel::None, false, false, ".example"},
      {"invalid domain gets the default", "[192.0.2.1]", TlsLevel::May, false, false, ""},
      {"empty domain gets the default", "", TlsLevel::May, false, false, ""},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.label);
    auto p = r.resolve(row.domain);
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->level, row.level);
    EXPECT_EQ(p->mandatory, row.mandatory);
    EXPECT_EQ(p->never_secure, row.never);
    EXPECT_EQ(p->matched, row.matched);
  }
}

TEST(Resolver, DefaultLevelAppliesWithoutTable) {
  TlsPostureResolver r(nullptr, TlsLevel::Encrypt, *DomainList::parse({"gmail.com"}));
  EXPECT_TRUE(r.resolve("any.example")->mandatory);
  EXPECT_FALSE(r.resolve("gmail.com")->mandatory);
  EXPECT_TRUE(r.resolve("gmail.com")->never_secure);
}

class CountingTable : public TlsPolicyTable {
 public:
  Result<std::optional<std::string>> lookup(const std::string& key) const override {
    ++calls;
    if (key == "broken.example") return Error{"backend down"};
    if (key == "bad.example") return std::optional<std::string>{"sometimes"};
    return std::optional<std::string>{};
  }
  mutable int calls = 0;
};

TEST(Resolver, LookupErrorsAndBadLevelsAreErrorsNotDefaults) {
  auto table = std::make_shared<CountingTable>();
  TlsPostureResolver r(table, TlsLevel::May, {});
  auto broken = r.resolve("broken.example");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().message, "TLS policy lookup of \"broken.example\": backend down");
  auto bad = r.resolve("bad.example");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "TLS policy entry \"bad.example\": unknown TLS security level \"sometimes\"");
}

TEST(PostureCache, LooksUpEachDomainOncePerMessage) {
  auto table = std::make_shared<CountingTable>();
  TlsPostureResolver r(table, TlsLevel::May, {});
  PostureCache cache(r);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(cache.get("a.b.example").ok());
  EXPECT_EQ(table->calls, 3);  // a.b.example, .b.example, .example - once
  EXPECT_FALSE(cache.get("broken.example").ok());
  EXPECT_FALSE(cache.get("broken.example").ok());
  EXPECT_EQ(table->calls, 3 + 1);
}

TEST(Resolver, TenThousandLabelDomainIsBounded) {
  auto table = std::make_shared<CountingTable>();
  TlsPostureResolver r(table, TlsLevel::May, {});
  std::string hostile;
  for (int i = 0; i < 10000; ++i) hostile += "a.";
  hostile += "example";
  auto p = r.resolve(hostile);  // longer than a domain may be: not looked up at all
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(table->calls, 0);
  EXPECT_EQ(p->level, TlsLevel::May);
}

TEST(LoadTable, SpecsAndErrors) {
  std::string dir = ::testing::TempDir();
  std::string path = dir + "/policy_rules_tls_policy";
  {
    std::ofstream out(path);
    out << kTable;
  }
  for (const std::string& spec : {path, "texthash:" + path}) {
    SCOPED_TRACE(spec);
    auto t = load_tls_policy_table(spec);
    ASSERT_TRUE(t.ok()) << t.error().message;
    ASSERT_NE(*t, nullptr);
    EXPECT_EQ(**(*t)->lookup("partner.example"), "encrypt");
  }
  EXPECT_EQ(*load_tls_policy_table(""), nullptr);
  struct { const char* label; std::string spec; std::string want; } rows[] = {
      {"relative path", "texthash:tls_policy", "\"texthash:tls_policy\": the table needs an absolute path"},
      {"unsupported type", "pcre:/etc/postfix/tls.pcre", "unsupported table type \"pcre\""},
      {"missing text file", "/nonexistent/tls_policy", "/nonexistent/tls_policy: cannot open"},
      {"missing postmap", "hash:" + path, "cannot run /nonexistent/postmap"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    auto got = load_tls_policy_table(r.spec, "/nonexistent/postmap");
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().message.rfind(r.want, 0), 0u) << "got: " << got.error().message;
  }
  std::remove(path.c_str());
}

// A stand-in postmap(1): logs each run's arguments to DIR/calls and answers
// from DIR/data ("key value" lines): -s lists it, -q KEY looks KEY up. The
// file DIR/unlistable makes -s fail as postmap does for a type it cannot
// list; DIR/hang makes every run hang.
class FakePostmap {
 public:
  FakePostmap() {
    static int n = 0;
    dir_ = ::testing::TempDir() + "/fake_postmap." + std::to_string(::getpid()) + "." + std::to_string(++n);
    EXPECT_EQ(std::system(("rm -rf '" + dir_ + "' && mkdir -p '" + dir_ + "'").c_str()), 0);
    write("postmap",
          "#!/bin/sh\n"
          "d='" + dir_ + "'\n"
          "echo \"$*\" >>\"$d/calls\"\n"
          "[ \"$1\" = -c ] && shift 2\n"
          "[ -f \"$d/hang\" ] && exec sleep 60\n"
          "case $1 in\n"
          "  -s) if [ -f \"$d/unlistable\" ]; then\n"
          "        echo \"postmap: fatal: sequence operation is not supported\" >&2; exit 1\n"
          "      fi\n"
          "      awk '{ k = $1; $1 = \"\"; sub(/^ /, \"\"); print k \"\\t\" $0 }' \"$d/data\" ;;\n"
          "  -q) awk -v k=\"$2\" '$1 == k { $1 = \"\"; sub(/^ /, \"\"); print; f = 1 } END { exit !f }' \"$d/data\" ;;\n"
          "esac\n");
    EXPECT_EQ(::chmod((dir_ + "/postmap").c_str(), 0755), 0);
  }
  ~FakePostmap() { (void)std::system(("rm -rf '" + dir_ + "'").c_str()); }
  std::string postmap() const { return dir_ + "/postmap"; }
  std::string table() const { return "hash:" + dir_ + "/tls_policy"; }
  // Writes the table and its "database" (which postmap would rebuild).
  void set_table(const std::string& text) {
    write("data", text);
    write("tls_policy.db", text);
  }
  // The same, then waits until the file is older than kPostmapSettleTime:
  // a file listed younger than that is listed once more when it has aged.
  void set_settled_table(const std::string& text) {
    set_table(text);
    std::this_thread::sleep_for(kPostmapSettleTime + std::chrono::milliseconds(50));
  }
  void touch(const char* name) { write(name, ""); }
  std::vector<std::string> calls() const {
    std::ifstream in(dir_ + "/calls");
    std::vector<std::string> v;
    for (std::string line; std::getline(in, line);) v.push_back(line);
    return v;
  }
  size_t count(const std::string& prefix) const {
    auto c = calls();
    return size_t(std::count_if(c.begin(), c.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; }));
  }

 private:
  void write(const std::string& name, const std::string& text) {
    std::ofstream out(dir_ + "/" + name, std::ios::trunc);
    out << text;
  }
  std::string dir_;
};

TEST(PostmapTable, ListedOnceAndAnsweredFromMemory) {
  FakePostmap f;
  f.set_settled_table("partner.example encrypt\n.bank.example secure match=.bank.example\n");
  auto t = load_tls_policy_table(f.table(), f.postmap());
  ASSERT_TRUE(t.ok()) << t.error().message;
  TlsPostureResolver r(*t, TlsLevel::May, {});
  for (int message = 0; message < 50; ++message) {
    EXPECT_EQ(r.resolve("partner.example")->level, TlsLevel::Encrypt);
    EXPECT_EQ(r.resolve("mx.bank.example")->level, TlsLevel::Secure);
    EXPECT_EQ(r.resolve("a.b.unlisted.org")->level, TlsLevel::May);
  }
  EXPECT_EQ(f.calls(), std::vector<std::string>{"-s " + f.table()}) << "one listing, at load, and no query";
}

TEST(PostmapTable, ARebuiltTableIsListedAgain) {
  FakePostmap f;
  f.set_settled_table("partner.example encrypt\n");
  PostmapTlsPolicyTable t(f.table(), f.postmap());
  TlsPostureResolver r(std::shared_ptr<const TlsPolicyTable>(&t, [](const TlsPolicyTable*) {}), TlsLevel::May, {});
  EXPECT_EQ(r.resolve("partner.example")->level, TlsLevel::Encrypt);
  f.set_settled_table("partner.example may\nnew.example verify\n");  // as `postmap hash:...` after an edit
  EXPECT_EQ(r.resolve("partner.example")->level, TlsLevel::May);
  EXPECT_EQ(r.resolve("new.example")->level, TlsLevel::Verify);
  EXPECT_EQ(f.count("-s "), 2u);
  EXPECT_EQ(f.count("-q "), 0u);
}

// Two rebuilds in a row, the second of the same size and inode, may fall
// in one tick of the file-time clock, so that stat(2) tells them apart by
// nothing. A listing of a file that young is used only until the file has
// aged past kPostmapSettleTime, then the file is listed once more.
TEST(PostmapTable, AYoungTableIsListedOnceMoreWhenSettled) {
  FakePostmap f;
  f.set_table("partner.example secure\n");
  PostmapTlsPolicyTable t(f.table(), f.postmap());
  EXPECT_EQ(**t.lookup("partner.example"), "secure");
  EXPECT_EQ(f.count("-s "), 1u);
  std::this_thread::sleep_for(kPostmapSettleTime + std::chrono::milliseconds(50));
  EXPECT_EQ(**t.lookup("partner.example"), "secure");
  EXPECT_EQ(f.count("-s "), 2u) << "listed again once the file had aged";
  EXPECT_EQ(**t.lookup("partner.example"), "secure");
  EXPECT_EQ(f.count("-s "), 2u) << "a settled listing is kept";
  // A same-size rebuild right after a listing: seen at the latest once settled.
  f.set_table("partner.example verify\n");
  (void)t.lookup("partner.example");  // either answer, depending on the clock tick
  std::this_thread::sleep_for(kPostmapSettleTime + std::chrono::milliseconds(50));
  EXPECT_EQ(**t.lookup("partner.example"), "verify");
  EXPECT_EQ(f.count("-q "), 0u);
}

// An indexed table's levels are checked at load (and so by phimilter -n and
// at reload), as a text table's are, instead of tempfailing every message
// to the domain with the bad entry.
TEST(PostmapTable, AnUnknownLevelIsRefusedAtLoad) {
  FakePostmap f;
  f.set_table("partner.example encrypt\nbad.example mandatory\n");
  auto t = load_tls_policy_table(f.table(), f.postmap());
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find(f.table() + ": entry \"bad.example\": "), std::string::npos) << t.error().message;
  EXPECT_NE(t.error().message.find("mandatory"), std::string::npos) << t.error().message;
  f.set_table("partner.example encrypt\nbad.example encrypt protocols=!SSLv2\n");
  EXPECT_TRUE(load_tls_policy_table(f.table(), f.postmap()).ok());
}

TEST(PostmapTable, ATableThatCannotBeListedIsQueriedPerKey) {
  FakePostmap f;
  f.set_table("partner.example encrypt\n");
  f.touch("unlistable");
  PostmapTlsPolicyTable t(f.table(), f.postmap(), "/etc/postfix-out");
  EXPECT_EQ(**t.lookup("partner.example"), "encrypt");
  EXPECT_FALSE(t.lookup("other.example")->has_value());
  EXPECT_EQ(f.calls(), (std::vector<std::string>{"-c /etc/postfix-out -s " + f.table(),
                                                 "-c /etc/postfix-out -q partner.example " + f.table(),
                                                 "-c /etc/postfix-out -q other.example " + f.table()}))
      << "the listing is tried once per version of the table";
  f.set_table("partner.example may\n");
  EXPECT_EQ(**t.lookup("partner.example"), "may");
  EXPECT_EQ(f.count("-c /etc/postfix-out -s "), 2u) << "and again once the table was rebuilt";
}

TEST(PostmapTable, WithoutItsDatabaseFileTheTableIsQueried) {
  FakePostmap f;
  f.set_table("partner.example encrypt\n");
  PostmapTlsPolicyTable t("btree:" + f.table().substr(5) + ".gone", f.postmap());  // no .gone.db
  EXPECT_EQ(**t.lookup("partner.example"), "encrypt");  // (the stand-in answers whatever the table)
  EXPECT_EQ(f.count("-s "), 0u);
  EXPECT_EQ(f.count("-q "), 1u);
}

TEST(PostmapTable, APostmapThatHangsIsKilledAndAnError) {
  FakePostmap f;
  f.set_table("partner.example encrypt\n");
  f.touch("hang");
  PostmapTlsPolicyTable t(f.table(), f.postmap(), "", std::chrono::milliseconds(300));
  auto v = t.lookup("partner.example");  // the listing times out, then the query
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("no answer within 300 ms; killed"), std::string::npos) << v.error().message;
}

// A real postmap on a temporary hash: table, when Postfix is installed.
TEST(PostmapTable, RealPostmapOnHashTable) {
  if (::access(kDefaultPostmap, X_OK) != 0) GTEST_SKIP() << "postmap not installed";
  std::string dir = ::testing::TempDir() + "/policy_rules_postmap." + std::to_string(::getpid());
  ASSERT_EQ(std::system(("mkdir -p '" + dir + "'").c_str()), 0);
  std::string path = dir + "/tls_policy";
  {
    std::ofstream out(path);
    out << kTable;
  }
  {
    std::ofstream main_cf(dir + "/main.cf");  // postmap insists on a main.cf
    main_cf << "compatibility_level = 3.6\n";
  }
  ASSERT_EQ(std::system((std::string(kDefaultPostmap) + " -c '" + dir + "' hash:" + path).c_str()), 0);
  auto t = load_tls_policy_table("hash:" + path, kDefaultPostmap, dir);
  ASSERT_TRUE(t.ok()) << t.error().message;
  TlsPostureResolver r(*t, TlsLevel::May, {});
  auto p = r.resolve("mx.partner.example");
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->level, TlsLevel::Verify);
  EXPECT_EQ(p->matched, ".partner.example");
  EXPECT_EQ(r.resolve("unlisted.org")->level, TlsLevel::May);
  EXPECT_EQ(r.resolve("bank.example")->level, TlsLevel::Secure);
  // Edited and rebuilt, as an operator does: seen without a reload, at
  // the latest once the rebuilt file is kPostmapSettleTime old (the rebuild
  // may fall in the same clock tick as the first build).
  {
    std::ofstream out(path, std::ios::trunc);
    out << "partner.example may\n";
  }
  ASSERT_EQ(std::system((std::string(kDefaultPostmap) + " -c '" + dir + "' hash:" + path).c_str()), 0);
  std::this_thread::sleep_for(kPostmapSettleTime + std::chrono::milliseconds(50));
  EXPECT_EQ(r.resolve("partner.example")->level, TlsLevel::May);
  EXPECT_EQ(r.resolve("bank.example")->level, TlsLevel::May) << "gone from the rebuilt table";
  auto missing = load_tls_policy_table("hash:" + dir + "/no_such_table", kDefaultPostmap, dir);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("postmap -q on hash:" + dir + "/no_such_table failed"), std::string::npos)
      << missing.error().message;
  auto no_main_cf = load_tls_policy_table("hash:" + path, kDefaultPostmap, dir + "/nonexistent");
  ASSERT_FALSE(no_main_cf.ok());
  ASSERT_EQ(std::system(("rm -rf '" + dir + "'").c_str()), 0);
}

}  // namespace
}  // namespace phi::policy
