// NAME
//   config - phimilter.conf: parse, check, and hold an immutable snapshot
// SYNOPSIS
//   Result<std::shared_ptr<const Config>> load_config(path, missing_ok);
//   Result<Settings> parse_settings(text, file_name);
//   const std::vector<KeyEntry>& config_keys();
//   std::vector<std::pair<std::string,std::string>> non_default_settings(const Settings&);
//   ConfigHolder holder; holder.store(cfg); auto snap = holder.load();
// DESCRIPTION
//   The file holds one "Key value" per line; blank lines and lines whose
//   first non-blank character is '#' are ignored. Keys are matched without
//   regard to case. An unknown key, a bad value or a key given twice is an
//   error naming "file:line", and so is a value that parses but cannot be
//   built (a bad network, a missing table): Settings remembers the line of
//   every key the file sets. Keys are declared once in config_keys.def.
//   A Config is built whole (settings plus every derived object such as a
//   compiled pattern database) and never changes afterwards; reload builds a
//   new one and swaps it into a ConfigHolder, so sessions keep the snapshot
//   they started with.
// THREADS
//   Config is immutable and shared across threads; ConfigHolder is atomic.
#ifndef PHI_MILTER_CONFIG_H
#define PHI_MILTER_CONFIG_H

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "milter/audit/writer.h"
#include "milter/util/result.h"
#include "milter/archive_tar.h"
#include "milter/legacy_office.h"
#include "milter/ocr.h"
#include "milter/pdftext.h"
#include "milter/util/netmatch.h"
#include "policy/rules.h"
#include "policy/tls_posture.h"
#include "milter/provenance/dkim.h"
#include "milter/escrow/store.h"
#include "policy/classifier.h"

namespace phi {

enum class KeyType {
  String,      // any text
  Path,        // a file system path (empty allowed where the default is empty)
  Bool,        // yes|no|true|false|on|off|1|0
  Int,         // non-negative decimal integer
  Octal,       // octal integer, e.g. 007
  Bytes,       // integer with optional k/M/G suffix (powers of 1024)
  Seconds,     // integer with s/m/h/d suffix (plain number = seconds)
  List,        // items separated by commas and/or blanks
  Choice,      // one of the values listed in "allowed"
  Socket,      // libmilter socket: unix:/p, local:/p, inet:port@host, inet6:port@host
  LogTarget,   // syslog, stderr, or an absolute path
  HeaderName,  // RFC 5322 field name
};

template <KeyType T> struct KeyValueType { using type = std::string; };
template <> struct KeyValueType<KeyType::Bool> { using type = bool; };
template <> struct KeyValueType<KeyType::Int> { using type = uint64_t; };
template <> struct KeyValueType<KeyType::Octal> { using type = uint64_t; };
template <> struct KeyValueType<KeyType::Bytes> { using type = uint64_t; };
template <> struct KeyValueType<KeyType::Seconds> { using type = uint64_t; };
template <> struct KeyValueType<KeyType::List> { using type = std::vector<std::string>; };

// Declared key name -> line of the configuration file that set it.
using KeyLines = std::map<std::string, size_t, std::less<>>;

// All settings, one field per key, named exactly as the key.
struct Settings {
#define PHI_KEY(name, kind, def, allowed, doc) KeyValueType<KeyType::kind>::type name{};
#include "milter/config_keys.def"
#undef PHI_KEY
  // Where each key was set: declared key name -> line in the file that
  // parse_settings read. A key at its built-in default has no entry.
  KeyLines key_lines;
};

struct KeyEntry {
  const char* name;
  KeyType type;
  const char* default_text;
  const char* allowed;
  const char* summary;
  std::function<Result<void>(Settings&, std::string_view)> set;
  std::function<std::string(const Settings&)> show;
};

// The table of all keys, in declaration order.
const std::vector<KeyEntry>& config_keys();

// Settings with every key at its built-in default.
const Settings& default_settings();

// Parses the text of a configuration file; errors name "file_name:line".
Result<Settings> parse_settings(std::string_view text, const std::string& file_name);

// Keys whose value differs from the default, as (key, shown value).
std::vector<std::pair<std::string, std::string>> non_default_settings(const Settings& s);

// The immutable snapshot every session works from.
struct Config {
  Settings settings;
  std::string source;       // file it was read from, or "" for built-in defaults
  std::string authserv_id;  // AuthservID, or the host name when that is empty
  // Audit settings with the loaded key; empty when AuditLog is not set.
  std::optional<audit::AuditOptions> audit;
  // policy: rules from PolicyFile (or the shipped default) with Mode,
  // TagShowCategories and RouteTLSHeader; recipient TLS posture from
  // TLSPolicyMap/TLSDefaultLevel/NeverSecureDomains; InternalNetworks.
  std::shared_ptr<const policy::RuleSet> rules;
  std::shared_ptr<const policy::TlsPostureResolver> tls_posture;
  std::shared_ptr<const HostList> internal_networks;
  HostList internal_hosts;  // InternalHosts, parsed
  std::shared_ptr<const provenance::DkimLibrary> dkim;  // null when DKIMVerify is no
  // The escrow queue with its loaded master keys; null when EscrowKeyFile is
  // empty or the default key file does not exist (escrow not configured).
  std::shared_ptr<const escrow::Store> escrow;
  std::string escrow_unavailable;  // why escrow is null, for the log line
  std::string escrow_notice_from;  // EscrowNoticeFrom, or postmaster@authserv_id
  std::string portal_url;          // PortalURL, or https://authserv_id/phimilter/pickup/
  std::shared_ptr<const policy::Classifier> classifier;  // compiled detectors and dictionaries
  // PDF text through PdfToText; null when that is empty or the built-in
  // default program is missing (PDF parts are then uninspected).
  std::shared_ptr<const PdfToText> pdf;
  std::string pdf_unavailable;  // why pdf is null, for the log line
  std::string pdf_scans;        // why scanned pages (or pictures beside text) are not read with OCR on ("" otherwise)
  std::string pdf_files;        // why PDFs' attached files and comments are not read ("" when read, or PdfObjects empty)
  // Image text through OcrProgram; null when that is empty or the built-in
  // default program is missing (images are then uninspected).
  std::shared_ptr<const ImageOcr> ocr;
  std::string ocr_unavailable;  // why ocr is null, for the log line
  std::string ocr_heif;         // why HEIF images are not read with OCR on ("" when they are), for the log line
  // Word, Excel and PowerPoint 97-2003 text through LegacyOfficeToText
  // (catdoc) and the xls2csv beside it; null as ocr.
  std::shared_ptr<const LegacyOffice> office;
  std::string office_unavailable;  // why office is null, for the log line
  std::string office_partial;      // xls2csv is missing ("" when not)
  // 7z and RAR archives unpacked through ArchiveToTar (bsdtar); null as ocr.
  std::shared_ptr<const ArchiveToTar> archive;
  std::string archive_unavailable;  // why archive is null, for the log line
  // The Walker's reader of all four (null when none is on).
  std::shared_ptr<const Converters> documents;
};

// The uid that must own EscrowKeyFile and AuditKeyFile (or root owns them):
// the UserID user when running as root with UserID set, otherwise geteuid().
Result<uid_t> key_file_owner(const Settings& s);

// Builds a checked snapshot from settings (compiles derived objects). An
// error about a key set in the file starts "source:line: Key: ", one about
// a key at its built-in default "Key: ".
Result<std::shared_ptr<const Config>> build_config(Settings settings, std::string source);

// Keys the daemon reads only at start (Socket, PidFile, UserID, UMask,
// MilterTimeout), and those of them whose value differs between the
// settings it started with and a reloaded configuration, in declaration
// order: a reload cannot apply them.
const std::vector<std::string>& start_only_keys();
std::vector<std::string> changed_start_only_keys(const Settings& running, const Settings& next);

// Reads and builds `path`. When the file does not exist and missing_ok is
// true, the built-in defaults are used.
Result<std::shared_ptr<const Config>> load_config(const std::string& path, bool missing_ok);

class ConfigHolder {
 public:
  std::shared_ptr<const Config> load() const { return cfg_.load(); }
  void store(std::shared_ptr<const Config> c) { cfg_.store(std::move(c)); }

 private:
  std::atomic<std::shared_ptr<const Config>> cfg_;
};

// One line saying what a loaded configuration will do, for the log at start
// and reload and for phimilter -n: "config FILE; mode enforce; policy FILE
// (N rules); escrow on (DIR) | escrow off (why); audit on (FILE) | audit
// off; DKIM verify on|off; N detectors". No message data.
std::string config_summary(const Config& cfg);

// What in a configuration that loads will still fail every message it
// applies to, or cannot work as written: a rule that escrows while escrow
// is not configured (Mode enforce); a rule that asks for tls-mandatory
// while no TLSPolicyMap is set and TLSDefaultLevel is not mandatory (no
// domain can ever have it). One sentence each, naming the rule and its
// file:line. Also LocalTransports naming a network transport (smtp,
// relay, ...): its recipients would count as delivered on this host.
std::vector<std::string> config_warnings(const Config& cfg);

inline constexpr const char* kDefaultConfigPath = "/etc/phimilter/phimilter.conf";

}  // namespace phi

#endif
