// rules_domains - Postfix-style domain lists (see rules_domains.h).
#include "policy/rules_domains.h"

#include "milter/util/strings.h"

namespace phi::policy {

bool valid_domain(std::string_view d) {
  if (d.empty() || d.size() > kMaxDomainBytes || d.front() == '.' || d.front() == '-') return false;
  for (char c : d) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return d.find("..") == std::string_view::npos;
}

std::string domain_of(std::string_view address) {
  address = trim(address);
  if (address.size() >= 2 && address.front() == '<' && address.back() == '>') address = address.substr(1, address.size() - 2);
  auto at = address.rfind('@');
  if (at == std::string_view::npos) return "";
  std::string d = to_lower(address.substr(at + 1));
  if (!d.empty() && d.back() == '.') d.pop_back();
  return d;
}

Result<DomainList> DomainList::parse(const std::vector<std::string>& items) {
  DomainList l;
  for (const auto& raw : items) {
    std::string_view item = trim(raw);
    bool suffix = !item.empty() && item.front() == '.';
    std::string_view name = suffix ? item.substr(1) : item;
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    if (!valid_domain(name)) return Error{"\"" + std::string(item.substr(0, 64)) + "\" is not a domain name"};
    if (suffix) l.suffixes_.push_back("." + to_lower(name));
    else l.exact_.push_back(to_lower(name));
  }
  return l;
}

bool DomainList::contains(std::string_view domain) const {
  if (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);
  if (domain.empty()) return false;
  for (const auto& e : exact_)
    if (iequals(e, domain)) return true;
  for (const auto& s : suffixes_)
    if (domain.size() > s.size() && iequals(domain.substr(domain.size() - s.size()), s)) return true;
  return false;
}

}  // namespace phi::policy
