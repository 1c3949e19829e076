#!/bin/sh
# 002_milter_down - with milter_default_action = tempfail, a message sent while
# phimilter is not running gets a 4xx and nothing reaches the sink (or the
# queue) unstamped; while phimilter runs, the same set-up delivers stamped.
. "$(dirname "$0")/lib.sh"

phi_start_sink
phi_start_milter
phi_start_postfix "milter_default_action = tempfail"

phi_send --h-Subject "002 milter up" || phi_fail "swaks failed while phimilter runs, see $PHI_SWAKS_LOG"
phi_wait_delivered 1 30
up=$(phi_find_delivered '^Subject: 002 milter up') || phi_fail "message sent while phimilter runs not captured"
phi_assert_match "while up: stamped" "$(phi_header "$up" TLS-Provenance)" "^$PHI_AUTHSERV_ID; tls=plaintext;"

phi_stop_milter
phi_ok "phimilter stopped"

rc=0
phi_send --h-Subject "002 milter down" || rc=$?
[ "$rc" -ne 0 ] || phi_fail "swaks succeeded although phimilter is down"
phi_ok "swaks reports failure (status $rc)"
# swaks marks the replies it treats as errors with "<**".
errors=$(grep -E '^<\*\* ' "$PHI_SWAKS_LOG")
phi_assert_match "the server answered 4xx" "$errors" '^<\*\* +4[0-9]{2} 4\.[0-9]+\.[0-9]+ '
phi_assert_no_match "and never 5xx" "$errors" '^<\*\* +5'
phi_assert_no_match "the message was not queued" "$(cat "$PHI_SWAKS_LOG")" 'Ok: queued'

phi_wait_log "$PHI_MAILLOG" "connect to Milter service unix:$PHI_MILTER_SOCK" 10
phi_ok "Postfix logged that it could not reach the milter"
# Give a wrongly accepted message the time to reach the sink before counting.
sleep 2
phi_assert_eq "nothing more delivered" "$(phi_delivered_count)" 1
phi_assert_eq "nothing more logged as sent" "$(phi_sent_count)" 1
phi_assert_eq "nothing queued" "$(phi_queue_ids | grep -c .)" 0
if phi_find_delivered '^Subject: 002 milter down' >/dev/null; then phi_fail "the refused message reached the sink"; fi
phi_ok "the refused message is not in the sink"
