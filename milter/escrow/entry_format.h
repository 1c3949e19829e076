// NAME
//   entry_format - bytes of one escrow entry file (doc/escrow-format.md)
// SYNOPSIS
//   std::string format_prefix(const EntryHeader&);        // magic, length, header
//   Result<uint32_t> parse_prefix_length(std::string_view first12);
//   Result<EntryHeader> parse_header(std::string_view text);
//   std::string format_meta(const EntryMeta&);
//   Result<EntryMeta> parse_meta(std::string_view text);
//   std::string wrap_aad(const EntryHeader&);  std::string section_aad(prefix, "meta"|"body");
//   bool valid_entry_id(std::string_view);
// DESCRIPTION
//   An entry file is: the 8-byte magic "PHIESC1\n", a 4-byte big-endian
//   header length, the clear-text header (authenticated, never secret: ids,
//   times, key id, nonces, the wrapped data key, token hashes), then the
//   sealed metadata (envelope, rule, provenance and classification summary)
//   and the sealed message. Header and metadata are "name value" lines;
//   values in the metadata are percent-encoded so that any byte survives.
//   Unknown names are ignored so that later versions can add lines.
//   doc/escrow-format.md is the interface document for other readers.
// INPUT
//   parse_* take untrusted bytes: at most kMaxHeaderBytes / kMaxMetaBytes,
//   kMaxRecipients recipients and kMaxCategories categories; never throw.
// THREADS
//   Pure; any thread.
#ifndef PHI_ESCROW_ENTRY_FORMAT_H
#define PHI_ESCROW_ENTRY_FORMAT_H

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "milter/escrow/crypto.h"
#include "milter/util/result.h"

namespace phi::escrow {

inline constexpr std::string_view kMagic = "PHIESC1\n";
inline constexpr size_t kPrefixFixedBytes = 12;  // magic + 4-byte length
inline constexpr size_t kMaxHeaderBytes = 256 * 1024;
inline constexpr size_t kMaxMetaBytes = 1024 * 1024;
inline constexpr size_t kMaxRecipients = 1000;
inline constexpr size_t kMaxCategories = 256;
inline constexpr size_t kEntryIdHexBytes = 32;  // 128 random bits
inline constexpr std::string_view kEntrySuffix = ".esc";
inline constexpr std::string_view kTempPrefix = ".tmp-";
inline constexpr std::string_view kReleasedSuffix = ".released";

struct TokenHash {
  std::string sha256_hex;  // SHA-256 of the 32 raw token bytes
  int64_t expires = 0;     // unix seconds
};

struct EntryHeader {
  std::string id;
  int64_t created = 0;  // unix seconds
  int64_t expires = 0;
  std::string key_id;
  Bytes wrap_nonce;   // kNonceBytes
  Bytes wrapped_key;  // data key sealed with the master key: 32 + 16 bytes
  Bytes meta_nonce;
  uint64_t meta_length = 0;  // metadata ciphertext bytes (tag not counted)
  Bytes body_nonce;
  std::vector<TokenHash> tokens;  // one per recipient, in envelope order
};

struct EntryMeta {
  std::string sender;                   // envelope sender as the MTA gave it
  std::vector<std::string> recipients;  // escrowed envelope recipients
  std::string rule;                     // policy rule that chose escrow
  std::string queue_id;                 // MTA queue id, when known
  std::string provenance;               // one-line TLS path summary
  std::vector<std::pair<std::string, uint64_t>> categories;  // classification: name, count
};

bool valid_entry_id(std::string_view id);

std::string format_header(const EntryHeader& h);
Result<EntryHeader> parse_header(std::string_view text);
// Magic, 4-byte length and header: the bytes every section authenticates.
std::string format_prefix(const EntryHeader& h);
Result<uint32_t> parse_prefix_length(std::string_view first12);

std::string format_meta(const EntryMeta& m);
Result<EntryMeta> parse_meta(std::string_view text);

// Associated data binding a wrapped key to its entry and master key.
std::string wrap_aad(const EntryHeader& h);
// Associated data of a sealed section: the whole prefix, then its name.
std::string section_aad(std::string_view prefix, std::string_view section);

// Percent-encoding used for metadata values (bytes outside 0x21..0x7E and '%').
std::string percent_encode(std::string_view in);
Result<std::string> percent_decode(std::string_view in);

}  // namespace phi::escrow

#endif
