// NAME
//   path_collector - gather a message's path from its header, newest first
// SYNOPSIS
//   PathCollector c({authserv_id, hop_header, summary_header, &internal_hosts,
//                    trusted_relay});
//   c.add_header(name, value);            // every header, in order
//   c.forged_hop_headers();               // 1-based indexes to delete
//   c.forged_summary_headers();
//   std::vector<Hop> hops = c.hops(current_hop_or_nullptr);
// DESCRIPTION
//   Reads Received: fields and our own provenance headers as they arrive.
//   A header of ours (HopHeader or SummaryHeader) that names our
//   authserv-id is trusted only when the message reaches us over a trusted
//   relay (the client is a loopback address or in InternalHosts): then an
//   earlier hop header is parsed and counted as a hop, and it replaces the
//   Received field next to it whose `by` is our authserv-id (the same hop,
//   told twice). From anywhere else such a header is forged: its index
//   among the fields of that name is recorded for deletion (the caller
//   deletes from the highest index down) and it is not counted. Headers
//   naming another authserv-id are left alone and not counted.
//
//   hops() returns the current hop (when given) followed by the hops of the
//   header, newest first. The MTA's own Received field for the current
//   hop, when the MTA shows it to us (its `by` is the current hop's `by`
//   and its address the client's), is not counted twice. A Received field
//   that does not parse is an `unknown` hop.
// INPUT
//   Untrusted header values. At most kMaxPathHops hops are kept; further
//   fields are counted in `dropped()`.
// THREADS
//   One message, one thread at a time.
#ifndef PHI_PROVENANCE_PATH_COLLECTOR_H
#define PHI_PROVENANCE_PATH_COLLECTOR_H

#include <string>
#include <string_view>
#include <vector>

#include "milter/provenance/hop.h"
#include "milter/provenance/hop_classify.h"
#include "milter/util/netmatch.h"

namespace phi::provenance {

inline constexpr size_t kMaxPathHops = 200;

struct PathOptions {
  std::string authserv_id;
  std::string hop_header;      // e.g. TLS-Provenance
  std::string summary_header;  // e.g. TLS-Path
  const HostList* internal_hosts = nullptr;
  bool trusted_relay = false;  // the client is loopback or in InternalHosts
};

class PathCollector {
 public:
  explicit PathCollector(PathOptions opt) : opt_(std::move(opt)) {}

  void add_header(std::string_view name, std::string_view value);

  const std::vector<size_t>& forged_hop_headers() const { return forged_hop_; }
  const std::vector<size_t>& forged_summary_headers() const { return forged_summary_; }
  size_t dropped() const { return dropped_; }

  std::vector<Hop> hops(const Hop* current) const;

 private:
  struct Item {
    Hop hop;
    bool ours = false;
  };
  void add_item(Hop h, bool ours);
  bool names_us(std::string_view value) const;

  PathOptions opt_;
  std::vector<Item> items_;  // header order: newest first
  std::vector<size_t> forged_hop_, forged_summary_;
  size_t hop_header_count_ = 0, summary_header_count_ = 0;
  size_t dropped_ = 0;
};

// True when addr is listed in `internal` (InternalHosts; its default lists loopback).
bool is_trusted_relay(std::string_view addr, const HostList* internal);

}  // namespace phi::provenance

#endif
