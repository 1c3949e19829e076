// token - pickup token generation, hashing and checking (see token.h).
#include "milter/escrow/token.h"

namespace phi::escrow {

Result<PickupToken> make_pickup_token(int64_t expires) {
  auto raw = random_bytes(kTokenBytes);
  if (!raw) return raw.error();
  SecretBytes secret(std::move(*raw));
  return PickupToken{base64url_encode(secret.str()), TokenHash{hex_encode(sha256(secret.str())), expires}};
}

std::string token_hash_hex(std::string_view token_text) {
  if (token_text.size() != kTokenTextBytes) return "";
  auto raw = base64url_decode(token_text);
  if (!raw || raw->size() != kTokenBytes) return "";
  return hex_encode(sha256(*raw));
}

std::string format_pickup_link(std::string_view portal_url, std::string_view token_text) {
  std::string link(portal_url);
  link.append(token_text);
  return link;
}

Result<size_t> check_pickup_token(const EntryHeader& h, std::string_view token_text, int64_t now) {
  std::string hash = token_hash_hex(token_text);
  if (hash.empty()) return Error{"malformed pickup token"};
  size_t found = h.tokens.size();
  for (size_t i = 0; i < h.tokens.size(); ++i)  // no early exit: time does not depend on the position
    if (equal_constant_time(hash, h.tokens[i].sha256_hex) && found == h.tokens.size()) found = i;
  if (found == h.tokens.size()) return Error{"pickup token does not belong to this entry"};
  if (now >= h.tokens[found].expires) return Error{"pickup token expired"};
  return found;
}

}  // namespace phi::escrow
