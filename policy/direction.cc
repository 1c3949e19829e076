// direction - classify a message as inbound or outbound from its SMTP client.
#include "policy/direction.h"

#include "milter/util/strings.h"

namespace phi::policy {

Direction decide_direction(const HostList& internal, const ClientInfo& client) {
  if (!trim(client.auth_authen).empty()) return Direction::Outbound;
  if (!client.addr.empty() && internal.contains_addr(client.addr)) return Direction::Outbound;
  std::string_view name = trim(client.name);
  if (!name.empty() && name != "unknown" && name.front() != '[' && internal.contains_name(name))
    return Direction::Outbound;
  return Direction::Inbound;
}

const char* format_direction(Direction d) { return d == Direction::Outbound ? "outbound" : "inbound"; }

std::optional<Direction> parse_direction(std::string_view s) {
  if (iequals(s, "outbound")) return Direction::Outbound;
  if (iequals(s, "inbound")) return Direction::Inbound;
  return std::nullopt;
}

}  // namespace phi::policy
