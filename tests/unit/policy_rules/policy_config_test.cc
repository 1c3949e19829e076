// Tests for the policy part of build_config: the snapshot holds rules, posture and internal networks.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "milter/config.h"
#include "tests/unit/support/config_text.h"

namespace phi {
namespace {

TEST(PolicyConfig, DefaultsUseTheShippedPolicy) {
  auto cfg = build_config(default_settings(), "");
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  const Config& c = **cfg;
  ASSERT_NE(c.rules, nullptr);
  EXPECT_EQ(c.rules->rules.front().name, "phi-in-subject");
  EXPECT_EQ(c.rules->mode, policy::Mode::Enforce);
  EXPECT_FALSE(c.rules->tag_show_categories);
  EXPECT_EQ(c.rules->route_tls_header, "X-PHI-Route");
  ASSERT_NE(c.tls_posture, nullptr);
  EXPECT_EQ(c.tls_posture->default_level(), policy::TlsLevel::May);
  ASSERT_NE(c.internal_networks, nullptr);
  EXPECT_TRUE(c.internal_networks->contains_addr("127.0.0.1"));
  EXPECT_TRUE(c.internal_networks->contains_addr("::1"));
  EXPECT_FALSE(c.internal_networks->contains_addr("192.0.2.1"));
}

TEST(PolicyConfig, SettingsReachTheSnapshot) {
  std::string dir = ::testing::TempDir();
  std::string rules = dir + "/policy_config_test.policy", table = dir + "/policy_config_test.tls";
  std::ofstream(rules) << "rule all then escrow\n";
  std::ofstream(table) << "partner.example secure\n";
  auto s = parse_settings("PolicyFile " + rules + "\nMode monitor\nTagShowCategories yes\nRouteTLSHeader X-Route\n"
                          "TLSPolicyMap texthash:" + table + "\nTLSDefaultLevel encrypt\nNeverSecureDomains gmail.com\n"
                          "InternalNetworks 10.0.0.0/8\n",
                          "t.conf");
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto cfg = build_config(*s, "t.conf");
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  const Config& c = **cfg;
  EXPECT_EQ(c.rules->rules.front().name, "all");
  EXPECT_EQ(c.rules->mode, policy::Mode::Monitor);
  EXPECT_TRUE(c.rules->tag_show_categories);
  EXPECT_EQ(c.rules->route_tls_header, "X-Route");
  EXPECT_EQ(c.tls_posture->resolve("partner.example")->level, policy::TlsLevel::Secure);
  EXPECT_TRUE(c.tls_posture->resolve("other.example")->mandatory);
  EXPECT_TRUE(c.tls_posture->resolve("gmail.com")->never_secure);
  EXPECT_TRUE(c.internal_networks->contains_addr("10.2.3.4"));
  EXPECT_FALSE(c.internal_networks->contains_addr("127.0.0.1"));
  std::remove(rules.c_str());
  std::remove(table.c_str());
}

// Rule categories are checked against the classifier the configuration
// builds: the built-in ones and the CustomDetectors names.
TEST(PolicyConfig, RuleCategoriesMustExist) {
  const std::string dir = ::testing::TempDir();
  const std::string rules = dir + "/policy_config_categories.policy", detectors = dir + "/policy_config_categories.detectors";
  std::ofstream(detectors) << "site_mrn identifier 0.9 \\bKP[0-9]{8}\\b\n";
  struct { const char* label; std::string policy; std::string conf; std::string want; } rows[] = {
      {"built-in names and *", "rule a if category ssn, icd10 or category * then reject\nrule b then accept\n", "", ""},
      {"misspelt", "rule b then accept\nrule a if category snn then reject\n", "",
       "t.conf:1: PolicyFile: " + rules + ":2: unknown category \"snn\" (known: account_number, "},
      {"site detector without CustomDetectors", "rule a if category site_mrn then reject\n", "",
       "t.conf:1: PolicyFile: " + rules + ":1: unknown category \"site_mrn\""},
      {"site detector", "rule a if category site_mrn then reject\n", "CustomDetectors " + detectors + "\n", ""},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    std::ofstream(rules) << r.policy;
    expect_build_outcome("PolicyFile " + rules + "\n" + r.conf, "t.conf", r.want);
  }
  std::remove(rules.c_str());
  std::remove(detectors.c_str());
}

// phimilter.conf(5) lists the built-in categories where it documents the
// category condition: the same names as the classifier has.
TEST(PolicyConfig, TheManualListsTheBuiltInCategories) {
  auto cfg = build_config(default_settings(), "");
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  std::ifstream man(PHI_SRCDIR "/man/phimilter.conf.5");
  ASSERT_TRUE(man);
  const std::string marker = "Built-in categories: ";
  std::string line;
  std::vector<std::string> listed;
  while (std::getline(man, line)) {
    if (line.rfind(marker, 0) != 0) continue;
    std::string rest = line.substr(marker.size());
    if (!rest.empty() && rest.back() == '.') rest.pop_back();
    for (size_t pos = 0; pos <= rest.size();) {
      size_t comma = rest.find(", ", pos);
      listed.push_back(rest.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
      if (comma == std::string::npos) break;
      pos = comma + 2;
    }
  }
  EXPECT_EQ(listed, (*cfg)->classifier->category_names());
}

TEST(PolicyConfig, ErrorsNameTheLineAndKey) {
  std::string bad = ::testing::TempDir() + "/policy_config_bad.policy";
  std::ofstream(bad) << "rule a then accept\nrule b then explode\n";
  struct { const char* label; std::string conf; std::string want; } rows[] = {
      {"bad rules file", "PolicyFile " + bad + "\n", "t.conf:1: PolicyFile: " + bad + ":2: unknown action \"explode\""},
      {"missing rules file", "PolicyFile /nonexistent/x.policy\n", "t.conf:1: PolicyFile: /nonexistent/x.policy: cannot open"},
      {"bad never-secure", "NeverSecureDomains gmail.com, bad/domain\n", "t.conf:1: NeverSecureDomains: \"bad/domain\" is not a domain name"},
      {"bad tls map", "TLSPolicyMap regexp:/etc/postfix/tls\n", "t.conf:1: TLSPolicyMap: unsupported table type \"regexp\""},
      {"missing tls map", "TLSPolicyMap /nonexistent/tls\n", "t.conf:1: TLSPolicyMap: /nonexistent/tls: cannot open"},
      {"bad internal network", "InternalNetworks 10.0.0.0/99\n", "t.conf:1: InternalNetworks: "},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    auto s = parse_settings(r.conf, "t.conf");
    ASSERT_TRUE(s.ok()) << s.error().message;
    auto cfg = build_config(*s, "t.conf");
    ASSERT_FALSE(cfg.ok());
    EXPECT_EQ(cfg.error().message.rfind(r.want, 0), 0u) << "got: " << cfg.error().message;
  }
  auto level = parse_settings("TLSDefaultLevel must\n", "t.conf");
  ASSERT_FALSE(level.ok());
  EXPECT_EQ(level.error().message.rfind("t.conf:1: TLSDefaultLevel: \"must\" is not one of none|may|encrypt", 0), 0u);
  std::remove(bad.c_str());
}

}  // namespace
}  // namespace phi
