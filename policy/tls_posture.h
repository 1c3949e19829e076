// NAME
//   tls_posture - how Postfix would deliver to a recipient domain: TLS level
// SYNOPSIS
//   std::optional<TlsLevel> parse_tls_level(std::string_view);
//   bool is_mandatory(TlsLevel);
//   Result<std::shared_ptr<const TlsPolicyTable>> load_tls_policy_table(spec, postmap);
//   Result<TextTlsPolicyTable> TextTlsPolicyTable::parse(text, file_name);
//   TlsPostureResolver r(table, default_level, never_secure);
//   Result<Posture> r.resolve("example.org");
//   PostureCache cache(r); Result<Posture> p = cache.get(domain);  // per message
// DESCRIPTION
//   Reads the table Postfix's smtp_tls_policy_maps names, in Postfix
//   syntax: "key level [name=value ...]", '#' comment lines, lines starting
//   with white space continue the previous entry. A spec "texthash:/path"
//   or a plain "/path" is read into memory once (errors name file:line);
//   "hash:", "btree:", "lmdb:", "cdb:", "dbm:" and "sdbm:" tables are read
//   through postmap and read again when their file changes
//   (PostmapTlsPolicyTable).
//
//   A recipient domain a.b.example.org is looked up as Postfix does for a
//   next-hop domain: "a.b.example.org", then ".b.example.org",
//   ".example.org", ".org"; the first hit wins, else the default level
//   (TLSDefaultLevel, like smtp_tls_security_level). Keys in brackets
//   ("[relay.example]:587") name next hops that are not recipient domains
//   and never match. Levels at encrypt, dane-only, fingerprint, verify and
//   secure are mandatory TLS. "dane" is NOT mandatory: Postfix falls back to
//   opportunistic TLS when the domain publishes no TLSA records. A domain in
//   NeverSecureDomains is never mandatory, whatever the table says.
//
//   Caveat: this is the posture for the recipient domain as next hop.
//   transport_maps, a relayhost or sender-dependent relays change the next
//   hop and therefore the policy-map entry Postfix really applies; route
//   such PHI with the route-tls action (contrib/postfix/README.route-tls).
// INPUT
//   Table files are trusted configuration but bounded (kMaxTableBytes);
//   recipient domains are untrusted: an invalid one is never passed to
//   postmap and gets the default level.
// THREADS
//   Tables and resolvers are immutable and shared; a PostureCache belongs
//   to one message. PostmapTlsPolicyTable::lookup may run postmap (at the
//   first lookup, after the table's file changed, or for every key where it
//   cannot list the table) and then blocks up to its timeout; lookups on
//   other threads wait for a listing in progress.
#ifndef PHI_POLICY_TLS_POSTURE_H
#define PHI_POLICY_TLS_POSTURE_H

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "milter/util/result.h"
#include "policy/rules_domains.h"

namespace phi::policy {

inline constexpr size_t kMaxTableBytes = 16 << 20;  // a larger text table is refused
inline constexpr size_t kMaxPostmapOutput = 4096;   // larger postmap output is an error
inline constexpr std::chrono::milliseconds kPostmapTimeout{30000};  // a postmap run past this is killed
// A database file changed this close to (or after) the moment it was listed
// may change again within the same tick of the file-time clock without any
// stat(2) field changing; such a listing is used until the file has been
// this old, then listed once more (as git treats a "racily clean" index).
inline constexpr std::chrono::milliseconds kPostmapSettleTime{100};

enum class TlsLevel { None, May, Encrypt, Dane, DaneOnly, Fingerprint, Verify, Secure };

std::optional<TlsLevel> parse_tls_level(std::string_view s);  // "dane-only" etc, case-insensitive
const char* format_tls_level(TlsLevel l);
bool is_mandatory(TlsLevel l);

struct Posture {
  TlsLevel level = TlsLevel::May;
  bool mandatory = false;     // is_mandatory(level) && !never_secure
  bool never_secure = false;  // the domain is in NeverSecureDomains
  std::string matched;        // table key that gave the level; "" = default level
};

// A table in smtp_tls_policy_maps format. The seam for unit tests.
class TlsPolicyTable {
 public:
  virtual ~TlsPolicyTable() = default;
  // The value stored under `key` (lower case), nullopt when absent.
  virtual Result<std::optional<std::string>> lookup(const std::string& key) const = 0;
};

class TextTlsPolicyTable : public TlsPolicyTable {
 public:
  static Result<TextTlsPolicyTable> parse(std::string_view text, const std::string& file_name);
  Result<std::optional<std::string>> lookup(const std::string& key) const override;
  size_t size() const { return entries_.size(); }

 private:
  std::map<std::string, std::string> entries_;
};

// An indexed table (hash:, btree:, lmdb:, cdb:, dbm:, sdbm:) read through
// postmap(1). The whole table is listed with `postmap -s TABLE` and kept in
// memory; before each lookup the table's database file (TABLE.db for hash
// and btree, .lmdb, .cdb, .pag for dbm and sdbm) is checked with stat(2),
// and a file changed since (rebuilt by postmap) is listed again, as
// Postfix's own daemons notice a rebuilt table; a file changed less than
// kPostmapSettleTime before its listing is listed again once it is that old,
// so a second rebuild within the same clock tick is seen too. Where postmap cannot list
// the table or its file cannot be found, each key is asked with `postmap -q
// KEY TABLE` instead. Every postmap run is killed after `timeout`, which is
// then an error; so is a listing larger than kMaxTableBytes or a value
// larger than kMaxPostmapOutput.
class PostmapTlsPolicyTable : public TlsPolicyTable {
 public:
  // table: "hash:/etc/postfix/tls_policy"; postmap: path of the postmap
  // binary; config_dir: passed as "postmap -c DIR" when not empty (postmap
  // reads main.cf from there, /etc/postfix otherwise).
  PostmapTlsPolicyTable(std::string table, std::string postmap, std::string config_dir = "",
                        std::chrono::milliseconds timeout = kPostmapTimeout);
  Result<std::optional<std::string>> lookup(const std::string& key) const override;
  // Every entry of the table's listing has a TLS level phimilter knows (as
  // a text table's are checked when read); a table that cannot be listed
  // passes, its entries are checked when looked up.
  Result<void> check_entries() const;

  // The identity of a database file's contents: a rebuilt file differs.
  struct FileVersion {
    uint64_t dev = 0, ino = 0, size = 0;
    int64_t mtime_ns = 0, ctime_ns = 0;
    bool operator==(const FileVersion&) const = default;
  };

 private:
  struct Listing {
    FileVersion version;
    int64_t settled_ns = 0;  // list again after this time (CLOCK_REALTIME); 0: settled at listing
    std::map<std::string, std::string> entries;  // lower-case key -> value
  };
  std::shared_ptr<const Listing> listing() const;  // nullptr: ask postmap -q
  Result<std::optional<std::string>> query(const std::string& key) const;
  std::vector<std::string> command(std::initializer_list<std::string> args) const;

  std::string table_;
  std::string postmap_;
  std::string config_dir_;
  std::string db_file_;
  std::chrono::milliseconds timeout_;
  mutable std::mutex mu_;  // guards the two below; held while postmap -s runs
  mutable std::shared_ptr<const Listing> listing_;
  mutable std::optional<FileVersion> unlistable_;  // the version postmap -s failed on
};

inline constexpr const char* kDefaultPostmap = "/usr/sbin/postmap";

// Opens the table named by spec ("" = no table: returns nullptr). Text
// tables are read now; indexed tables are probed once with postmap so that
// a missing table is reported at configuration time.
Result<std::shared_ptr<const TlsPolicyTable>> load_tls_policy_table(std::string_view spec,
                                                                    const std::string& postmap = kDefaultPostmap,
                                                                    const std::string& postfix_config_dir = "");

// Checks one table value ("verify match=hostname"): the level it names.
Result<TlsLevel> parse_tls_policy_value(std::string_view value);

class TlsPostureResolver {
 public:
  TlsPostureResolver(std::shared_ptr<const TlsPolicyTable> table, TlsLevel default_level, DomainList never_secure)
      : table_(std::move(table)), default_level_(default_level), never_secure_(std::move(never_secure)) {}
  // Error only when an indexed-table lookup fails or the table holds a bad level.
  Result<Posture> resolve(std::string_view domain) const;
  TlsLevel default_level() const { return default_level_; }

 private:
  std::shared_ptr<const TlsPolicyTable> table_;
  TlsLevel default_level_;
  DomainList never_secure_;
};

// Remembers each domain's posture for one message (one postmap run per domain).
class PostureCache {
 public:
  explicit PostureCache(const TlsPostureResolver& r) : resolver_(r) {}
  Result<Posture> get(std::string_view domain);

 private:
  const TlsPostureResolver& resolver_;
  std::map<std::string, Result<Posture>, std::less<>> cache_;
};

}  // namespace phi::policy

#endif
