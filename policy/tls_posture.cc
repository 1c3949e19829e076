// tls_posture - recipient-domain TLS level from smtp_tls_policy_maps (see tls_posture.h).
#include "milter/util/files.h"
#include "policy/tls_posture.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "milter/util/strings.h"

namespace phi::policy {
namespace {

struct LevelName { TlsLevel level; const char* name; };
constexpr LevelName kLevels[] = {
    {TlsLevel::None, "none"},         {TlsLevel::May, "may"},       {TlsLevel::Encrypt, "encrypt"},
    {TlsLevel::Dane, "dane"},         {TlsLevel::DaneOnly, "dane-only"},
    {TlsLevel::Fingerprint, "fingerprint"}, {TlsLevel::Verify, "verify"}, {TlsLevel::Secure, "secure"},
};

// Adds one logical entry (key + value) to the map; errors are unqualified.
Result<void> add_entry(std::map<std::string, std::string>& entries, std::string_view entry) {
  size_t k = 0;
  while (k < entry.size() && !is_space(entry[k])) ++k;
  std::string key = to_lower(entry.substr(0, k));
  std::string_view value = trim(entry.substr(k));
  if (value.empty()) return Error{"\"" + key.substr(0, 64) + "\" has no value"};
  auto level = parse_tls_policy_value(value);
  if (!level) return level.error();
  entries.insert_or_assign(std::move(key), std::string(value));  // later entries win, like postmap
  return Ok();
}

Result<std::string> read_file(const std::string& path) {
  return load_file(path, kMaxTableBytes);
}

bool is_indexed_type(std::string_view type) {
  for (const char* t : {"hash", "btree", "lmdb", "cdb", "dbm", "sdbm"})
    if (type == t) return true;
  return false;
}

}  // namespace

std::optional<TlsLevel> parse_tls_level(std::string_view s) {
  for (const auto& l : kLevels)
    if (iequals(s, l.name)) return l.level;
  return std::nullopt;
}

const char* format_tls_level(TlsLevel level) {
  for (const auto& l : kLevels)
    if (l.level == level) return l.name;
  return "may";
}

bool is_mandatory(TlsLevel l) { return l != TlsLevel::None && l != TlsLevel::May && l != TlsLevel::Dane; }

Result<TlsLevel> parse_tls_policy_value(std::string_view value) {
  value = trim(value);
  size_t k = 0;
  while (k < value.size() && !is_space(value[k])) ++k;
  auto word = value.substr(0, k);
  auto level = parse_tls_level(word);
  if (!level) return Error{"unknown TLS security level \"" + std::string(word.substr(0, 32)) + "\""};
  std::string_view rest = value.substr(k);
  while (!(rest = trim(rest)).empty()) {  // attributes are blank-separated; values may hold commas
    size_t e = 0;
    while (e < rest.size() && !is_space(rest[e])) ++e;
    auto attr = rest.substr(0, e);
    if (attr.find('=') == std::string_view::npos || attr.front() == '=')
      return Error{"attribute \"" + std::string(attr.substr(0, 32)) + "\" is not name=value"};
    rest.remove_prefix(e);
  }
  return *level;
}

Result<TextTlsPolicyTable> TextTlsPolicyTable::parse(std::string_view text, const std::string& file_name) {
  TextTlsPolicyTable t;
  std::string entry;
  size_t entry_line = 0;
  auto flush = [&]() -> Result<void> {
    if (entry.empty()) return Ok();
    auto r = add_entry(t.entries_, entry);
    entry.clear();
    if (!r) return r.error().context(file_name + ":" + std::to_string(entry_line));
    return Ok();
  };
  Lines lines(text);
  std::string_view line;
  while (lines.next(line)) {
    const size_t line_no = lines.number();
    std::string_view body = trim(line);
    if (body.empty() || body.front() == '#') continue;
    if (is_space(line.front())) {  // continuation of the previous entry
      if (entry.empty()) return Error{file_name + ":" + std::to_string(line_no) + ": continuation line without an entry"};
      entry += ' ';
      entry += body;
      continue;
    }
    if (auto r = flush(); !r) return r.error();
    entry = std::string(body);
    entry_line = line_no;
  }
  if (auto r = flush(); !r) return r.error();
  return t;
}

Result<std::optional<std::string>> TextTlsPolicyTable::lookup(const std::string& key) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::optional<std::string>{};
  return std::optional<std::string>{it->second};
}

Result<std::shared_ptr<const TlsPolicyTable>> load_tls_policy_table(std::string_view spec, const std::string& postmap,
                                                                    const std::string& postfix_config_dir) {
  spec = trim(spec);
  if (spec.empty()) return std::shared_ptr<const TlsPolicyTable>{};
  auto colon = spec.find(':');
  std::string_view type = spec.front() == '/' || colon == std::string_view::npos ? "" : spec.substr(0, colon);
  std::string path(type.empty() ? spec : spec.substr(colon + 1));
  if (path.empty() || path.front() != '/') return Error{"\"" + std::string(spec) + "\": the table needs an absolute path"};
  if (type.empty() || type == "texthash") {
    auto text = read_file(path);
    if (!text) return text.error();
    auto t = TextTlsPolicyTable::parse(*text, path);
    if (!t) return t.error();
    return std::shared_ptr<const TlsPolicyTable>(std::make_shared<TextTlsPolicyTable>(std::move(*t)));
  }
  if (!is_indexed_type(type))
    return Error{"unsupported table type \"" + std::string(type) + "\" (use texthash:, hash:, btree:, lmdb:, cdb:, dbm:, sdbm: or a plain path)"};
  auto t = std::make_shared<PostmapTlsPolicyTable>(std::string(spec), postmap, postfix_config_dir);
  auto probe = t->lookup("phimilter-probe.invalid");
  if (!probe) return probe.error();
  if (auto r = t->check_entries(); !r) return r.error();
  return std::shared_ptr<const TlsPolicyTable>(std::move(t));
}

Result<Posture> TlsPostureResolver::resolve(std::string_view domain_in) const {
  std::string domain = to_lower(trim(domain_in));
  if (!domain.empty() && domain.back() == '.') domain.pop_back();
  Posture p;
  p.level = default_level_;
  p.never_secure = never_secure_.contains(domain);
  if (table_ && valid_domain(domain)) {
    std::string key = domain;
    size_t next = 0;  // where the next parent starts
    while (true) {
      auto v = table_->lookup(key);
      if (!v) return v.error().context("TLS policy lookup of \"" + key + "\"");
      if (v->has_value()) {
        auto level = parse_tls_policy_value(**v);
        if (!level) return level.error().context("TLS policy entry \"" + key + "\"");
        p.level = *level;
        p.matched = key;
        break;
      }
      auto dot = domain.find('.', next);
      if (dot == std::string::npos) break;
      key = domain.substr(dot);  // ".parent"
      next = dot + 1;
    }
  }
  p.mandatory = is_mandatory(p.level) && !p.never_secure;
  return p;
}

Result<Posture> PostureCache::get(std::string_view domain) {
  auto it = cache_.find(domain);
  if (it == cache_.end()) it = cache_.emplace(std::string(domain), resolver_.resolve(domain)).first;
  return it->second;
}

}  // namespace phi::policy
