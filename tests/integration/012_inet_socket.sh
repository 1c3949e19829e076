#!/bin/sh
# 012_inet_socket - phimilter on an inet socket (inet:PORT@127.0.0.1) behind
# the real Postfix: it finds the MTA connection's TCP socket (immediate ACKs
# on, the DATA stage asked for), and the whole message still reaches the
# classifier and the policy: a 200 KB message whose only PHI is in its last
# lines (several TCP segments, two milter body chunks) is escrowed for an
# opportunistic-TLS domain (its pickup notice, every end-of-message action,
# arrives whole), a clean one is delivered with its
# TLS-Provenance stamp, and PHI in the Subject is refused with 5.7.1.
PHI_MILTER_INET=1
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/policy_lib.sh"

phi_start_sink
phi_policy_setup
CTL=${PHIMILTERCTL:-$top_builddir/phimilterctl}
mkdir -p "$PHI_DIR/escrow"
"$CTL" escrow genkey "$PHI_DIR/escrow.keys" >/dev/null || phi_fail "phimilterctl escrow genkey failed"
phi_start_milter "$(phi_policy_milter_conf)" "EscrowKeyFile $PHI_DIR/escrow.keys" \
  "EscrowDirectory $PHI_DIR/escrow" "NoticeSendmail /usr/sbin/sendmail -C $PHI_CONF"
phi_start_postfix "$(phi_policy_maincf)"
phi_assert_match "Postfix talks to the inet socket" "$(grep '^smtpd_milters' "$PHI_CONF/main.cf")" "= inet:127\.0\.0\.1:$PHI_MILTER_PORT$"

# --- a clean message: delivered and stamped ----------------------------------------
phi_send --to "a@$PHI_OPP_DOMAIN" --h-Subject "012 clean" --body "Lunch on Friday? The usual place." ||
  phi_fail "swaks (clean) failed, see $PHI_SWAKS_LOG"
phi_wait_delivered 1 60
clean=$(phi_find_delivered '^Subject: 012 clean') || phi_fail "clean message not delivered"
phi_assert_match "clean: stamped" "$(phi_header "$clean" TLS-Provenance)" "^$PHI_AUTHSERV_ID; tls=plaintext;"
phi_wait_log "$PHI_MILTER_LOG" "MTA connection over TCP: immediate ACKs on" 10
phi_ok "phimilter found the MTA connection's TCP socket"
phi_assert_no_match "no warning about the socket" "$(cat "$PHI_MILTER_LOG")" "cannot find the MTA connection's TCP socket"

# --- 200 KB, PHI only at the end: escrowed ---------------------------------------------
big=$PHI_DIR/big.eml
{
  sed '/^$/q' "$PHI_PHI_MESSAGE" | sed 's/^Subject: .*/Subject: 012 quarterly minutes/'
  i=0
  while [ $i -lt 2600 ]; do
    echo "Item $i: the facilities team will review the parking schedule and report back next week."
    i=$((i + 1))
  done
  sed '1,/^$/d' "$PHI_PHI_MESSAGE"
} >"$big"
[ "$(wc -c <"$big")" -gt 200000 ] || phi_fail "the generated message is smaller than 200 KB"
phi_send --to "b@$PHI_OPP_DOMAIN" --data "$big" || phi_fail "swaks (200 KB) failed, see $PHI_SWAKS_LOG"
qid=$(phi_queue_id_of "$PHI_SWAKS_LOG")
[ -n "$qid" ] || phi_fail "no queue id in $PHI_SWAKS_LOG"
phi_wait_log "$PHI_MILTER_LOG" "$qid: policy: direction=" 20
phi_assert_match "200 KB: the PHI at the end was seen and escrowed" "$(phi_policy_log "$qid")" \
  "direction=outbound mode=enforce rcpt=1 escrow=1 rules=phi-insecure"
n=$("$CTL" escrow -c "$PHI_DIR/phimilter.conf" list | awk 'NR > 1' | grep -c .)
phi_assert_eq "escrow: one entry" "$n" 1
# The notice is the end-of-message actions (header deletions and additions,
# the new body), sent together over the TCP connection: all of them arrive.
phi_wait_delivered 2 60
notice=$(phi_find_delivered '^X-PHImilter-Notice:') || phi_fail "200 KB: no pickup notice delivered"
phi_assert_eq "notice: subject" "$(phi_header "$notice" Subject)" "Secure message waiting for you"
phi_assert_eq "notice: stamped" "$(phi_header "$notice" TLS-Provenance | grep -c .)" 1
grep -q '/phimilter/pickup/' "$notice" || phi_fail "notice: no pickup link"
if grep -q 'parking schedule' "$notice"; then phi_fail "notice: the original body is still there"; fi
phi_ok "the pickup notice arrived whole"

# --- PHI in the Subject: refused -----------------------------------------------------
phi_send --to "a@$PHI_SECURE_DOMAIN" --h-Subject "Diego Lopez DOB 2001-10-08 MRN MR42693171 heart failure I50.9" \
  --body "See the subject." && phi_fail "PHI in the Subject was accepted"
phi_assert_match "subject: 550 5.7.1" "$(cat "$PHI_SWAKS_LOG")" "<\*\* +550 5\.7\.1 "
