// NAME
//   audit/record - audit records: the events, their JSON line, the chain seal
// SYNOPSIS
//   Result<std::string> seal_record(const AuditKey&, const ChainLink&, RecordKind,
//                                   const std::function<void(JsonWriter&)>& body);
//   void write_message_body(JsonWriter&, const MessageEvent&);
//   void write_admin_body(JsonWriter&, const AdminEvent&);
//   void write_start_body(JsonWriter&, const std::optional<ChainHead>& previous, std::string_view reason);
//   void write_checkpoint_body(JsonWriter&, const ChainHead& before);
//   Result<ParsedRecord> parse_record(std::string_view line);
//   bool check_record_hmac(const AuditKey&, std::string_view line);
//   std::string format_readable(const JsonValue& record);
//   std::string format_utc_time(int64_t unix_seconds);   // 2026-11-22T23:41:43Z
//   Result<int64_t> parse_utc_time(std::string_view);     // that, or "YYYY-MM-DD[ HH:MM[:SS]]"
// DESCRIPTION
//   One record is one line of compact JSON (format in doc/audit-format.md):
//     {"v":1,"seq":N,"prev":"<sha256 of previous line>","kind":K,"time":T,
//      ...members of the kind...,"hmac":"<hmac-sha256>"}
//   The HMAC covers the exact bytes of the line with its final ,"hmac":"..."
//   member removed (the line up to that member, followed by "}"), so the
//   verifier never re-serialises. prev of the first record of a chain is
//   64 zeros. Strings are cut to kMaxFieldBytes and stripped of control
//   characters; records never carry identifiers found in the content, only
//   category names and counts.
// INPUT
//   parse_record() takes untrusted lines of at most kMaxRecordBytes.
// THREADS
//   Pure; any thread.
#ifndef PHI_AUDIT_RECORD_H
#define PHI_AUDIT_RECORD_H

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "milter/audit/crypto.h"
#include "milter/util/json.h"
#include "milter/util/json_read.h"
#include "milter/util/result.h"

namespace phi::audit {

inline constexpr int kFormatVersion = 1;
inline constexpr size_t kMaxRecordBytes = 1 << 20;  // one line, newline excluded
inline constexpr size_t kMaxFieldBytes = 998;       // each string member
inline constexpr size_t kMaxRecipients = 5000;      // more are counted, not listed
inline constexpr std::string_view kGenesisPrev =
    "0000000000000000000000000000000000000000000000000000000000000000";

enum class RecordKind { Start, Message, Release, Purge, Checkpoint };
std::string_view record_kind_name(RecordKind k);

struct RecipientOutcome {
  std::string address;
  std::string action;  // accept, tag, quarantine, reject, escrow, ...
  std::string rule;    // the policy rule that decided, "" for the default
  bool enforced = true;  // false: decided but not carried out (Mode monitor)
};

struct HopTls {
  std::string version;  // "" when this hop did not use TLS
  std::string cipher;
  int64_t bits = 0;
  std::string verify;   // certificate verification as the MTA reports it
};

struct PathCounts {
  int64_t hops = 0, encrypted = 0, plaintext = 0, unknown = 0, internal = 0;
  std::string weakest;
};

// What the daemon knows about one message at the end of it.
struct MessageEvent {
  int64_t time = 0;  // unix seconds; 0 = now
  std::string queue_id, message_id, sender;
  std::vector<RecipientOutcome> recipients;
  std::string client_name, client_addr;
  HopTls tls;
  PathCounts path;
  std::string dkim;  // pass, fail, none, ...
  std::vector<std::pair<std::string, int64_t>> categories;  // name, count
  std::string escrow_id;  // "" when not escrowed
};

// A release or purge of an escrow entry by an administrator.
struct AdminEvent {
  RecordKind kind = RecordKind::Release;  // Release or Purge
  int64_t time = 0;
  std::string escrow_id, message_id, actor, reason;
  std::vector<std::string> recipients;
};

// The last record of a chain: its seq and the SHA-256 of its line.
struct ChainHead {
  uint64_t seq = 0;
  std::string hash;
  bool operator==(const ChainHead&) const = default;
};

struct ChainLink {
  uint64_t seq = 1;
  std::string prev{kGenesisPrev};
  int64_t time = 0;
};

Result<std::string> seal_record(const AuditKey& key, const ChainLink& link, RecordKind kind,
                                const std::function<void(JsonWriter&)>& body);
void write_message_body(JsonWriter& w, const MessageEvent& e);
void write_admin_body(JsonWriter& w, const AdminEvent& e);
void write_start_body(JsonWriter& w, const std::optional<ChainHead>& previous, std::string_view reason);
void write_checkpoint_body(JsonWriter& w, const ChainHead& before);

struct ParsedRecord {
  JsonValue doc;
  uint64_t seq = 0;
  std::string prev, kind, hmac;
  int64_t time = 0;
};

// Checks the envelope (v, seq, prev, kind, time, hmac last); not the HMAC.
Result<ParsedRecord> parse_record(std::string_view line);
bool check_record_hmac(const AuditKey& key, std::string_view line);

std::string format_readable(const JsonValue& record);
std::string format_utc_time(int64_t unix_seconds);
Result<int64_t> parse_utc_time(std::string_view text);

}  // namespace phi::audit

#endif
