#!/bin/sh
# 008_policy_monitor - Mode monitor through a real Postfix: the shipped
# policy's decisions (route-tls, escrow, reject) are computed and logged,
# the message is delivered unchanged except for the classification tag, and
# nothing is enforced (no refusal, no route-tls header, no escrow).
#
# Postfix here does not read the TLS policy map (only phimilter does), so
# that smtp-sink can receive the mail for the "mandatory-TLS" domain too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/policy_lib.sh"

phi_start_sink
phi_policy_setup
phi_start_milter "$(phi_policy_milter_conf)" "Mode monitor"
phi_start_postfix "$(phi_route_tls_maincf)"

phi_send_phi --to "a@$PHI_SECURE_DOMAIN,b@$PHI_OPP_DOMAIN" || phi_fail "swaks (PHI) failed, see $PHI_SWAKS_LOG"
qid=$(phi_queue_id_of "$PHI_SWAKS_LOG")
phi_send --to "a@$PHI_SECURE_DOMAIN" --h-Subject "Diego Lopez DOB 2001-10-08 MRN MR42693171 heart failure I50.9" \
  --body "See the subject." || phi_fail "monitor mode refused PHI in the Subject, see $PHI_SWAKS_LOG"
phi_wait_delivered 3 60

phi_assert_match "monitor: decisions logged, not enforced" "$(phi_policy_log "$qid")" \
  "direction=outbound mode=monitor rcpt=2 route-tls=1 escrow=1 rules=phi-tls,phi-insecure"
phi_assert_match "monitor: the Subject refusal is only logged" "$(cat "$PHI_MILTER_LOG")" \
  "policy: direction=outbound mode=monitor rcpt=1 reject=1 rules=phi-in-subject"

f=$(phi_find_delivered '^Subject: Referral$') || phi_fail "PHI message not delivered"
phi_assert_match "monitor: tagged with what would have happened" "$(phi_header "$f" X-PHI-Classification)" \
  "^$PHI_AUTHSERV_ID; phi=yes; pii=yes; score=[0-9.]+; mode=monitor; actions=route-tls,escrow$"
phi_assert_eq "monitor: no route-tls header" "$(phi_header "$f" X-PHI-Route)" ""
phi_assert_no_match "monitor: no smtp-tls transport used" "$(cat "$PHI_MAILLOG")" "postfix/smtp-tls"
# The body arrives as sent (smtp-sink's dump adds blank lines at the end).
_body() { tr -d '\r' <"$1" | sed '1,/^$/d' | sed -e ':a' -e '/^\n*$/{$d;N;ba' -e '}'; }
_body "$f" >"$PHI_DIR/got.body"
_body "$PHI_PHI_MESSAGE" >"$PHI_DIR/want.body"
diff "$PHI_DIR/want.body" "$PHI_DIR/got.body" >&2 || phi_fail "monitor: the body changed"
phi_ok "monitor: body unchanged"
s=$(phi_find_delivered '^Subject: Diego Lopez DOB') || phi_fail "Subject-PHI message not delivered in monitor mode"
phi_assert_match "monitor: the Subject message is tagged too" "$(phi_header "$s" X-PHI-Classification)" "mode=monitor; actions=reject$"
