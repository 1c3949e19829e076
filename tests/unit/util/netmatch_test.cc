// Tests for HostList: CIDR v4/v6, mapped addresses, names and suffixes.
#include "milter/util/netmatch.h"

#include <gtest/gtest.h>

namespace phi {
namespace {

TEST(HostList, MatchesAddressesAndNames) {
  auto l = HostList::parse({"10.0.0.0/8", "192.0.2.7", "2001:db8::/32", "mx.example.org", ".corp.example"});
  ASSERT_TRUE(l.ok()) << l.error().message;
  struct { const char* label; const char* in; bool addr; bool want; } rows[] = {
      {"in v4 block", "10.1.2.3", true, true},
      {"outside v4 block", "11.0.0.1", true, false},
      {"single v4", "[192.0.2.7]", true, true},
      {"mapped v4", "::ffff:10.9.9.9", true, true},
      {"v6 block", "IPv6:2001:db8::5", true, true},
      {"v6 outside", "2001:db9::5", true, false},
      {"garbage addr", "not-an-ip", true, false},
      {"exact name any case", "MX.Example.Org.", false, true},
      {"suffix below", "a.b.corp.example", false, true},
      {"suffix itself not", "corp.example", false, false},
      {"other name", "example.org", false, false},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    EXPECT_EQ(r.addr ? l->contains_addr(r.in) : l->contains_name(r.in), r.want);
  }
}

// A name entry written with its trailing dot is the same host.
TEST(HostList, TrailingDotOnANameEntry) {
  auto l = HostList::parse({"relay.hospital.example.", ".corp.example."});
  ASSERT_TRUE(l.ok()) << l.error().message;
  EXPECT_TRUE(l->contains_name("relay.hospital.example"));
  EXPECT_TRUE(l->contains_name("Relay.Hospital.Example."));
  EXPECT_TRUE(l->contains_name("a.corp.example"));
  EXPECT_FALSE(l->contains_name("corp.example"));
}

// Entries that would be taken as host names but can never match one:
// Postfix-style partial addresses, zero-padded addresses, empty labels.
TEST(HostList, RejectsBadItems) {
  for (const char* bad : {"10.0.0.0/33", "2001:db8::/129", "10.0.0.0/x", "a b", "host/8", "ex!ample", "192.0.2",
                          "10", "192.000.002.009", "gmail..com", ".", "..", ".corp..example", "a.b.3"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(HostList::parse({bad}).ok());
  }
}

TEST(ParseIp, Loopback) {
  EXPECT_TRUE(is_loopback(*parse_ip("127.0.0.1")));
  EXPECT_TRUE(is_loopback(*parse_ip("127.5.5.5")));
  EXPECT_TRUE(is_loopback(*parse_ip("::1")));
  EXPECT_FALSE(is_loopback(*parse_ip("192.0.2.1")));
  EXPECT_FALSE(parse_ip("").has_value());
  EXPECT_FALSE(parse_ip(std::string(100, '1')).has_value());
}

}  // namespace
}  // namespace phi
