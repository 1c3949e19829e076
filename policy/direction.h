// NAME
//   direction - is a message inbound or outbound?
// SYNOPSIS
//   enum class Direction { Inbound, Outbound };
//   Direction decide_direction(const HostList& internal, const ClientInfo& c);
//   const char* format_direction(Direction);
//   std::optional<Direction> parse_direction(std::string_view);
// DESCRIPTION
//   A message is outbound when the SMTP client is one of ours: its address
//   or its host name is in `internal` (the InternalHosts and
//   InternalNetworks lists, built by the caller), or the client
//   authenticated with SMTP AUTH (a non-empty {auth_authen}). Everything
//   else is inbound. The host name is only used when the MTA verified it
//   (Postfix passes "unknown" or a bracketed address otherwise); callers
//   should pass an empty name when it was not verified.
// INPUT
//   Untrusted client address and name; matching is linear.
// THREADS
//   Pure; any thread.
#ifndef PHI_POLICY_DIRECTION_H
#define PHI_POLICY_DIRECTION_H

#include <optional>
#include <string>
#include <string_view>

#include "milter/util/netmatch.h"

namespace phi::policy {

enum class Direction { Inbound, Outbound };

struct ClientInfo {
  std::string addr;         // {client_addr} / connect address, "" when none
  std::string name;         // verified client host name, "" when unknown
  std::string auth_authen;  // {auth_authen}, "" when not authenticated
};

Direction decide_direction(const HostList& internal, const ClientInfo& client);

const char* format_direction(Direction d);                   // "inbound" / "outbound"
std::optional<Direction> parse_direction(std::string_view s);  // case-insensitive

}  // namespace phi::policy

#endif
