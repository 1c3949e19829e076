// escrow_glue - spool the original message encrypted while it streams, and
// escrow recipients at end of message.
#include "milter/session.h"

namespace phi {

// To be built (issue 6).
void Session::escrow_spool_header(Message& m, std::string_view name, std::string_view value) {
  (void)m;
  (void)name;
  (void)value;
}

void Session::escrow_spool_body(Message& m, std::string_view chunk) {
  (void)m;
  (void)chunk;
}

Status Session::escrow(Mta& mta, Message& m, const std::vector<size_t>& recipients, const std::string& rule) {
  (void)m;
  (void)recipients;
  (void)rule;
  return internal_error(mta, "escrow", "escrow is not available in this build");
}

}  // namespace phi
