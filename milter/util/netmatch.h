// NAME
//   netmatch - match hosts against a list of CIDR blocks and host names
// SYNOPSIS
//   Result<HostList> HostList::parse(const std::vector<std::string>& items);
//   bool list.contains_addr("192.0.2.7");
//   bool list.contains_name("mx1.example.org");
//   std::optional<IpAddr> parse_ip(std::string_view text);
// DESCRIPTION
//   Items are IPv4 or IPv6 addresses, CIDR blocks ("10.0.0.0/8",
//   "2001:db8::/32"), host names ("mx.example.org", matched without regard
//   to case) or domain suffixes (".example.org" matches every host below
//   example.org, not example.org itself). IPv4-mapped IPv6 addresses
//   (::ffff:192.0.2.1) match IPv4 blocks. Addresses may be written in
//   brackets and with an "IPv6:" prefix, as in Received fields.
// INPUT
//   Untrusted addresses and names; parsing is linear and bounded.
// THREADS
//   A HostList is immutable after parse(); any thread.
#ifndef PHI_UTIL_NETMATCH_H
#define PHI_UTIL_NETMATCH_H

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "milter/util/result.h"

namespace phi {

struct IpAddr {
  std::array<uint8_t, 16> bytes{};  // IPv4 stored as IPv4-mapped IPv6
  bool v4 = false;
};

// Parses "192.0.2.1", "2001:db8::1", "[192.0.2.1]", "IPv6:2001:db8::1".
std::optional<IpAddr> parse_ip(std::string_view text);

bool is_loopback(const IpAddr& a);

class HostList {
 public:
  static Result<HostList> parse(const std::vector<std::string>& items);
  bool contains_addr(std::string_view addr) const;
  bool contains_name(std::string_view host) const;
  bool empty() const { return nets_.empty() && names_.empty(); }

 private:
  struct Net { IpAddr addr; int prefix; };
  std::vector<Net> nets_;
  std::vector<std::string> names_;  // lower case; leading '.' = suffix match
};

}  // namespace phi

#endif
