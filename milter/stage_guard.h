// NAME
//   stage_guard - what a milter callback answers when its stage fails
// SYNOPSIS
//   Status st = guard_stage(session, mta, "helo", [&](Session& s, Mta& m) { return s.on_helo(m, h); });
//   std::optional<Status> a = guard_quiet_stage(session, mta, "header", kHeaderBit, f);  // nullopt: no reply
//   Status st = guard_end_of_message(session, mta);
// DESCRIPTION
//   The libmilter glue (milter.cc) runs every Session stage through these,
//   so that the rules below hold without libmilter and are unit-tested.
//   guard_stage: an exception from the stage becomes Session::internal_error()
//   (logged without message content, answered OnInternalError).
//   guard_quiet_stage: `stage` is the stage's bit in the mask of stages the
//   MTA was asked not to wait for (Session::quiet_stages()). Without that
//   bit, as guard_stage. With it there is nobody to answer: the first
//   failure of the message (an exception, or a stage that does not
//   continue) is kept in the Session, later quiet stages of the message are
//   not run, and nullopt is returned (the glue sends no reply).
//   guard_end_of_message answers a kept failure with internal_error()
//   instead of running on_eom, so a message whose inspection broke off is
//   never delivered as if it had been inspected. guard_new_message (MAIL
//   FROM) and the abort callback forget a failure kept for an earlier message.
// THREADS
//   As Session: the thread that runs the connection's callbacks.
#ifndef PHI_MILTER_STAGE_GUARD_H
#define PHI_MILTER_STAGE_GUARD_H

#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "milter/mta.h"
#include "milter/session.h"

namespace phi {

template <class F>
Status guard_stage(Session& s, Mta& m, std::string_view where, F&& f) {
  try {
    return std::forward<F>(f)(s, m);
  } catch (const std::exception& e) {
    return s.internal_error(m, where, std::string("exception: ") + e.what());
  } catch (...) {
    return s.internal_error(m, where, "unknown exception");
  }
}

template <class F>
std::optional<Status> guard_quiet_stage(Session& s, Mta& m, std::string_view where, unsigned long stage, F&& f) {
  if (!(s.quiet_stages() & stage)) return guard_stage(s, m, where, std::forward<F>(f));
  if (s.quiet_failure()) return std::nullopt;
  std::string why;
  try {
    if (std::forward<F>(f)(s, m) == Status::Continue) return std::nullopt;
    why = "the stage did not continue";
  } catch (const std::exception& e) {
    why = std::string("exception: ") + e.what();
  } catch (...) {
    why = "unknown exception";
  }
  s.quiet_failure() = Session::QuietFailure{std::string(where), std::move(why)};
  return std::nullopt;
}

inline Status guard_end_of_message(Session& s, Mta& m) {
  return guard_stage(s, m, "eom", [](Session& s, Mta& m) {
    if (auto f = std::exchange(s.quiet_failure(), std::nullopt)) return s.internal_error(m, f->where, f->why);
    return s.on_eom(m);
  });
}

inline Status guard_abort(Session& s, Mta& m) {
  return guard_stage(s, m, "abort", [](Session& s, Mta& m) {
    s.quiet_failure().reset();
    return s.on_abort(m);
  });
}

// MAIL FROM begins a message: nothing is kept from one that ended without
// end of message or abort.
inline void guard_new_message(Session& s) { s.quiet_failure().reset(); }

}  // namespace phi

#endif
