// Tests for inbound/outbound direction from the SMTP client.
#include "policy/direction.h"

#include <gtest/gtest.h>

namespace phi::policy {
namespace {

TEST(Direction, InternalClientsAndAuthenticatedUsersAreOutbound) {
  auto internal = HostList::parse({"10.0.0.0/8", "2001:db8::/32", "relay.hospital.example", ".corp.hospital.example"});
  ASSERT_TRUE(internal.ok());
  struct { const char* label; ClientInfo client; Direction want; } rows[] = {
      {"internal address", {"10.1.2.3", "", ""}, Direction::Outbound},
      {"internal ipv6 in brackets", {"[2001:db8::5]", "", ""}, Direction::Outbound},
      {"ipv4-mapped ipv6", {"::ffff:10.9.9.9", "", ""}, Direction::Outbound},
      {"internal host name", {"192.0.2.1", "RELAY.hospital.example", ""}, Direction::Outbound},
      {"internal subdomain", {"192.0.2.1", "ws1.corp.hospital.example", ""}, Direction::Outbound},
      {"authenticated outsider", {"198.51.100.7", "laptop.isp.example", "dr.smith"}, Direction::Outbound},
      {"outsider", {"198.51.100.7", "mx.partner.example", ""}, Direction::Inbound},
      {"blank auth is not auth", {"198.51.100.7", "", "  "}, Direction::Inbound},
      {"unverified name is ignored", {"198.51.100.7", "unknown", ""}, Direction::Inbound},
      {"bracketed name is ignored", {"198.51.100.7", "[10.1.2.3]", ""}, Direction::Inbound},
      {"parent of suffix is not internal", {"198.51.100.7", "corp.hospital.example", ""}, Direction::Inbound},
      {"nothing known", {"", "", ""}, Direction::Inbound},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    EXPECT_EQ(decide_direction(*internal, r.client), r.want);
  }
}

TEST(Direction, EmptyListMakesOnlyAuthOutbound) {
  HostList none;
  EXPECT_EQ(decide_direction(none, {"127.0.0.1", "localhost", ""}), Direction::Inbound);
  EXPECT_EQ(decide_direction(none, {"127.0.0.1", "localhost", "u"}), Direction::Outbound);
}

TEST(Direction, FormatAndParse) {
  EXPECT_STREQ(format_direction(Direction::Outbound), "outbound");
  EXPECT_STREQ(format_direction(Direction::Inbound), "inbound");
  EXPECT_EQ(parse_direction("Outbound"), Direction::Outbound);
  EXPECT_EQ(parse_direction("inbound"), Direction::Inbound);
  EXPECT_FALSE(parse_direction("both").has_value());
}

TEST(Direction, TenThousandLabelNameIsLinear) {
  auto internal = HostList::parse({".hospital.example"});
  ASSERT_TRUE(internal.ok());
  std::string name;
  for (int i = 0; i < 10000; ++i) name += "a.";
  EXPECT_EQ(decide_direction(*internal, {"", name + "hospital.example", ""}), Direction::Outbound);
  EXPECT_EQ(decide_direction(*internal, {"", name + "example", ""}), Direction::Inbound);
}

}  // namespace
}  // namespace phi::policy
