// netmatch - CIDR and host-name lists (see netmatch.h).
#include "milter/util/netmatch.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

#include "milter/util/strings.h"

namespace phi {

std::optional<IpAddr> parse_ip(std::string_view t) {
  t = trim(t);
  if (t.size() >= 2 && t.front() == '[' && t.back() == ']') t = t.substr(1, t.size() - 2);
  if (istarts_with(t, "IPv6:")) t.remove_prefix(5);
  if (t.empty() || t.size() > 45) return std::nullopt;
  char buf[64];
  std::memcpy(buf, t.data(), t.size());
  buf[t.size()] = 0;
  IpAddr a;
  in_addr v4;
  in6_addr v6;
  if (inet_pton(AF_INET, buf, &v4) == 1) {
    a.v4 = true;
    a.bytes[10] = a.bytes[11] = 0xFF;
    std::memcpy(&a.bytes[12], &v4, 4);
    return a;
  }
  if (inet_pton(AF_INET6, buf, &v6) == 1) {
    std::memcpy(a.bytes.data(), &v6, 16);
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    a.v4 = std::memcmp(a.bytes.data(), mapped, 12) == 0;
    return a;
  }
  return std::nullopt;
}

bool is_loopback(const IpAddr& a) {
  if (a.v4) return a.bytes[12] == 127;
  for (int i = 0; i < 15; ++i)
    if (a.bytes[i] != 0) return false;
  return a.bytes[15] == 1;
}

namespace {

bool prefix_match(const IpAddr& a, const IpAddr& net, int prefix) {
  int full = prefix / 8, rest = prefix % 8;
  if (std::memcmp(a.bytes.data(), net.bytes.data(), static_cast<size_t>(full)) != 0) return false;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xFF << (8 - rest));
  return (a.bytes[full] & mask) == (net.bytes[full] & mask);
}

}  // namespace

Result<HostList> HostList::parse(const std::vector<std::string>& items) {
  HostList l;
  for (const auto& raw : items) {
    std::string_view item = trim(raw);
    if (item.empty()) continue;
    auto slash = item.find('/');
    auto ip = parse_ip(item.substr(0, slash));
    if (ip) {
      int max = ip->v4 ? 32 : 128;
      int prefix = max;
      if (slash != std::string_view::npos) {
        auto p = item.substr(slash + 1);
        auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
        if (ec != std::errc() || end != p.data() + p.size() || prefix < 0 || prefix > max)
          return Error{"\"" + std::string(item) + "\": bad prefix length"};
      }
      l.nets_.push_back({*ip, ip->v4 ? prefix + 96 : prefix});
      continue;
    }
    if (slash != std::string_view::npos) return Error{"\"" + std::string(item) + "\": not an address block"};
    for (char c : item)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_'))
        return Error{"\"" + std::string(item) + "\": not a host name, address or CIDR block"};
    // "name." is the same host as "name" (client names are compared without
    // the dot); a name must have no empty label, and a last label of digits
    // is an address written in a form this list does not take (Postfix's
    // "192.0.2" for a /24, leading zeros), which would never match.
    std::string_view name = item;
    while (name.size() > 1 && name.back() == '.') name.remove_suffix(1);
    std::string_view labels = name.front() == '.' ? name.substr(1) : name;
    if (labels.empty() || labels.find("..") != std::string_view::npos || labels.front() == '.' || labels.back() == '.')
      return Error{"\"" + std::string(item) + "\": empty label in host name"};
    std::string_view last = labels.substr(labels.rfind('.') + 1);
    if (std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return Error{"\"" + std::string(item) + "\": not an address phimilter reads (write a CIDR block, e.g. 192.0.2.0/24)"};
    l.names_.push_back(to_lower(name));
  }
  return l;
}

bool HostList::contains_addr(std::string_view addr) const {
  auto ip = parse_ip(addr);
  if (!ip) return false;
  for (const auto& n : nets_)
    if (prefix_match(*ip, n.addr, n.prefix)) return true;
  return false;
}

bool HostList::contains_name(std::string_view host) const {
  std::string h = to_lower(trim(host));
  while (!h.empty() && h.back() == '.') h.pop_back();
  if (h.empty()) return false;
  for (const auto& n : names_) {
    if (n[0] == '.') {
      if (h.size() > n.size() && h.compare(h.size() - n.size(), n.size(), n) == 0) return true;
    } else if (h == n) {
      return true;
    }
  }
  return false;
}

}  // namespace phi
