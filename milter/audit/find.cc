// audit/find - match parsed audit records against search criteria.
#include "milter/audit/find.h"

#include "milter/util/strings.h"

namespace phi::audit {
namespace {

std::string_view strip_angles(std::string_view s) {
  s = trim(s);
  if (s.size() >= 2 && s.front() == '<' && s.back() == '>') s = s.substr(1, s.size() - 2);
  return s;
}

bool has_recipient(const JsonValue& doc, std::string_view want) {
  const JsonValue* list = doc.get("recipients");
  if (!list || !list->is_array()) return false;
  for (const auto& r : list->items) {
    std::string_view a = r.is_string() ? std::string_view(r.str) : r.get_string("address");
    if (iequals(strip_angles(a), want)) return true;
  }
  return false;
}

}  // namespace

bool record_matches(const ParsedRecord& r, const FindQuery& q) {
  if (q.since && r.time < *q.since) return false;
  if (q.until && r.time > *q.until) return false;
  if (!q.message_id.empty() && strip_angles(r.doc.get_string("message_id")) != strip_angles(q.message_id)) return false;
  if (!q.sender.empty() && !iequals(strip_angles(r.doc.get_string("sender")), strip_angles(q.sender))) return false;
  if (!q.recipient.empty() && !has_recipient(r.doc, strip_angles(q.recipient))) return false;
  return true;
}

}  // namespace phi::audit
