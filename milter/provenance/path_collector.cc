// path_collector - Received fields and our own headers -> hops (see path_collector.h).
#include "milter/provenance/path_collector.h"

#include "milter/provenance/hop_header.h"
#include "milter/provenance/received_parser.h"
#include "milter/util/strings.h"

namespace phi::provenance {

bool is_trusted_relay(std::string_view addr, const HostList* internal) {
  // Only InternalHosts decides (its default lists loopback), so a site
  // whose loopback carries untrusted traffic can take it out.
  return internal && internal->contains_addr(addr);
}

bool PathCollector::names_us(std::string_view value) const {
  auto id = trim(value.substr(0, value.find(';')));
  return iequals(id, opt_.authserv_id);
}

void PathCollector::add_item(Hop h, bool ours) {
  if (items_.size() >= kMaxPathHops) { ++dropped_; return; }
  items_.push_back(Item{std::move(h), ours});
}

void PathCollector::add_header(std::string_view name, std::string_view value) {
  if (iequals(name, "Received")) {
    auto parts = parse_received(value);
    Hop h;
    if (parts) h = hop_from_received(*parts, HopContext{opt_.internal_hosts});
    add_item(std::move(h), false);
    return;
  }
  if (iequals(name, opt_.hop_header)) {
    ++hop_header_count_;
    if (!names_us(value)) return;
    if (!opt_.trusted_relay) { forged_hop_.push_back(hop_header_count_); return; }
    if (auto p = parse_hop_header(value)) add_item(std::move(p->hop), true);
    return;
  }
  if (iequals(name, opt_.summary_header)) {
    ++summary_header_count_;
    if (names_us(value) && !opt_.trusted_relay) forged_summary_.push_back(summary_header_count_);
  }
}

std::vector<Hop> PathCollector::hops(const Hop* current) const {
  std::vector<bool> skip(items_.size(), false);
  // One of our earlier hop headers and the Received field of the same hop.
  for (size_t i = 0; i < items_.size(); ++i) {
    if (!items_[i].ours) continue;
    for (size_t j : {i + 1, i - 1}) {  // below first, then above (i - 1 wraps when i == 0)
      if (j >= items_.size() || items_[j].ours || skip[j]) continue;
      if (iequals(items_[j].hop.by, opt_.authserv_id)) { skip[j] = true; break; }
    }
  }
  std::vector<Hop> out;
  out.reserve(items_.size() + 1);
  if (current) {
    out.push_back(*current);
    // The MTA's own Received field for this hop, when it is visible to us.
    if (!items_.empty() && !items_[0].ours && !current->addr.empty() && items_[0].hop.addr == current->addr &&
        (iequals(items_[0].hop.by, current->by) || iequals(items_[0].hop.by, opt_.authserv_id)))
      skip[0] = true;
  }
  for (size_t i = 0; i < items_.size(); ++i)
    if (!skip[i]) out.push_back(items_[i].hop);
  return out;
}

}  // namespace phi::provenance
