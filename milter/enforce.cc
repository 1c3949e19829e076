// enforce - per-recipient policy decisions and their actions at end of message.
#include "milter/session.h"

namespace phi {

// To be built (issue 5): facts from direction, verdict, recipient TLS
// posture and provenance; decide() per recipient; carry out the actions.
Status Session::enforce(Mta& mta, Message& m) {
  (void)mta;
  (void)m;
  return Status::Continue;
}

}  // namespace phi
