#!/bin/sh
# 006_reload - SIGUSR1 reloads phimilter.conf atomically: a good new file takes
# effect for the next connection; a bad one is refused with file:line in the
# log while the running configuration keeps working; SIGTERM stops cleanly.
. "$(dirname "$0")/lib.sh"

phi_start_sink
phi_start_milter "HopHeader X-Before-Reload"
phi_start_postfix

phi_send --h-Subject "006 before" || phi_fail "swaks (before) failed, see $PHI_SWAKS_LOG"
phi_wait_delivered 1 30
f=$(phi_find_delivered '^Subject: 006 before') || phi_fail "first message not captured"
phi_assert_match "before reload: the configured header name" "$(phi_header "$f" X-Before-Reload)" "^$PHI_AUTHSERV_ID; tls=plaintext;"

# A good new file: the next connection uses it.
phi_milter_conf "HopHeader X-After-Reload"
kill -USR1 "$PHI_MILTER_PID"
phi_wait_log "$PHI_MILTER_LOG" "config: reloaded $PHI_DIR/phimilter.conf" 10
phi_ok "reload logged"
phi_send --h-Subject "006 after" || phi_fail "swaks (after) failed, see $PHI_SWAKS_LOG"
phi_wait_delivered 2 30
f=$(phi_find_delivered '^Subject: 006 after') || phi_fail "second message not captured"
phi_assert_match "after reload: the new header name" "$(phi_header "$f" X-After-Reload)" "^$PHI_AUTHSERV_ID; tls=plaintext;"
phi_assert_eq "after reload: the old name is gone" "$(phi_header "$f" X-Before-Reload | grep -c .)" 0

# A bad file: refused with file:line, the running configuration stays.
phi_milter_conf "HopHeader X-After-Reload" "OnInternalError sometimes"
kill -USR1 "$PHI_MILTER_PID"
phi_wait_log "$PHI_MILTER_LOG" "reload failed, keeping the running configuration: $PHI_DIR/phimilter.conf:[0-9]*: OnInternalError" 10
phi_ok "bad file refused with file:line"
phi_alive "$PHI_MILTER_PID" || phi_fail "phimilter died on a bad reload"
phi_send --h-Subject "006 bad" || phi_fail "swaks (after a bad reload) failed, see $PHI_SWAKS_LOG"
phi_wait_delivered 3 30
f=$(phi_find_delivered '^Subject: 006 bad') || phi_fail "third message not captured"
phi_assert_match "after a bad reload: still stamped as before" "$(phi_header "$f" X-After-Reload)" "^$PHI_AUTHSERV_ID; tls=plaintext;"

# SIGTERM: libmilter stops gracefully and phimilter logs it.
kill -TERM "$PHI_MILTER_PID"
phi_wait_for 15 phi_dead "$PHI_MILTER_PID" || phi_fail "phimilter did not stop on SIGTERM"
PHI_MILTER_PID=
phi_wait_log "$PHI_MILTER_LOG" "milter: stopped" 5
phi_ok "SIGTERM stops phimilter and it logs so"
