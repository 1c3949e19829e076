// audit_glue - one hash-chained audit record per message.
#include "milter/session.h"

namespace phi {

// To be built (issue 7).
Status Session::audit(Mta& mta, Message& m) {
  (void)mta;
  (void)m;
  return Status::Continue;
}

}  // namespace phi
