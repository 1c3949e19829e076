// NAME
//   token - pickup tokens: one per escrowed recipient, stored only as a hash
// SYNOPSIS
//   Result<PickupToken> make_pickup_token(int64_t expires);
//   std::string token_hash_hex(std::string_view token_text);   // "" if malformed
//   std::string format_pickup_link(std::string_view portal_url, std::string_view token_text);
//   Result<size_t> check_pickup_token(const EntryHeader&, std::string_view token_text, int64_t now);
// DESCRIPTION
//   A token is kTokenBytes (32) bytes from the OpenSSL RNG, shown to the
//   recipient as unpadded base64url (43 characters) and stored in the entry
//   header only as the hex SHA-256 of the 32 raw bytes. The link is
//   PortalURL followed directly by the token text. check_pickup_token()
//   returns the index of the recipient the token belongs to, or an error
//   when it is malformed, unknown to the entry, or expired (now >= expires).
//   Hashes are compared in constant time.
// INPUT
//   token_text is untrusted (it comes from a URL); only a well-formed
//   43-character base64url token is hashed.
// THREADS
//   Pure apart from the RNG; any thread.
#ifndef PHI_ESCROW_TOKEN_H
#define PHI_ESCROW_TOKEN_H

#include <cstdint>
#include <string>
#include <string_view>

#include "milter/escrow/entry_format.h"
#include "milter/util/result.h"

namespace phi::escrow {

inline constexpr size_t kTokenBytes = 32;
inline constexpr size_t kTokenTextBytes = 43;

struct PickupToken {
  std::string text;  // base64url; give it to the recipient, never store it
  TokenHash hash;    // what the entry keeps
};

Result<PickupToken> make_pickup_token(int64_t expires);
std::string token_hash_hex(std::string_view token_text);
std::string format_pickup_link(std::string_view portal_url, std::string_view token_text);
Result<size_t> check_pickup_token(const EntryHeader& h, std::string_view token_text, int64_t now);

}  // namespace phi::escrow

#endif
