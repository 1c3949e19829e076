#!/bin/sh
# 003_policy - a site policy enforced through a real Postfix: one PHI message
# to three recipients (mandatory-TLS, opportunistic and never-secure domains)
# gets one decision per recipient; a quarantine decision puts the message in
# Postfix's hold queue; released, the route-tls header makes Postfix send it
# through the shipped smtp-tls transport; PHI in the Subject is refused with
# the policy's 5.7.1 text; clean mail is delivered untouched. The same TLS
# policy map as a hash: table (postmap) gives the same decisions, and a
# rebuilt table changes them without a reload.
#
# Escrow is not wired into the daemon yet (milter/escrow_glue.cc), so this
# site policy stands in "accept and tag" for the opportunistic domain where
# the shipped policy escrows; 007_policy_default covers the shipped policy.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/policy_lib.sh"

phi_start_sink
phi_policy_setup
cat >"$PHI_DIR/site.policy" <<'EOT'
rule subject if outbound and phi-in-subject
    then reject 5.7.1 "PHI in the Subject line; move it into the message body"
rule phi-tls if outbound and phi and tls-mandatory then route-tls
rule phi-webmail if outbound and phi and never-secure then quarantine "PHI for a never-secure domain"
rule phi-opportunistic if outbound and phi then accept and tag
rule default then accept
EOT
phi_start_milter "$(phi_policy_milter_conf)" "PolicyFile $PHI_DIR/site.policy" "TagShowCategories yes"
phi_start_postfix "$(phi_policy_maincf)"

# --- one PHI message, three recipients ------------------------------------------
phi_send_phi --to "a@$PHI_SECURE_DOMAIN,b@$PHI_OPP_DOMAIN,c@$PHI_WEBMAIL_DOMAIN" ||
  phi_fail "swaks (three recipients) failed, see $PHI_SWAKS_LOG"
qid=$(phi_queue_id_of "$PHI_SWAKS_LOG")
[ -n "$qid" ] || phi_fail "no queue id in $PHI_SWAKS_LOG"
phi_wait_log "$PHI_MILTER_LOG" "$qid: policy: direction=" 20
phi_assert_match "three recipients: one line per message, each decision counted" "$(phi_policy_log "$qid")" \
  "direction=outbound mode=enforce rcpt=3 accept=1 route-tls=1 quarantine=1 rules=phi-tls,phi-opportunistic,phi-webmail"
log=$(grep "$qid: policy: recipient " "$PHI_MILTER_LOG")
phi_assert_match "mandatory-TLS domain: route-tls" "$log" "domain=$PHI_SECURE_DOMAIN tls=encrypt/mandatory action=route-tls rule=phi-tls"
phi_assert_match "opportunistic domain: the escrow stand-in" "$log" "domain=$PHI_OPP_DOMAIN tls=may action=accept rule=phi-opportunistic"
phi_assert_match "never-secure domain: quarantine" "$log" "domain=$PHI_WEBMAIL_DOMAIN tls=secure/never-secure action=quarantine rule=phi-webmail"
phi_assert_no_match "the log names no local part" "$(grep "$qid: policy" "$PHI_MILTER_LOG")" "a@|b@|c@"
phi_assert_match "quarantine reason logged" "$(grep "$qid: policy: quarantined" "$PHI_MILTER_LOG")" "PHI for a never-secure domain"

# The whole message (one queued copy) is held, with its three recipients.
_held() { phi_queue_ids hold | grep -qx "$qid"; }
phi_wait_for 20 _held || phi_fail "message $qid not in the hold queue"
phi_assert_match "quarantine: in Postfix's hold queue" "$(phi_queue_ids hold)" "^$qid\$"
held=$(phi_postcat "$qid")
phi_assert_match "held copy carries the route-tls header" "$held" "X-PHI-Route: mandatory-tls"
phi_assert_match "held copy carries the tag with categories" "$held" \
  "X-PHI-Classification: $PHI_AUTHSERV_ID; phi=yes; pii=yes; score=[0-9.]+; categories=[a-z0-9_,]*mrn"
phi_assert_eq "held copy keeps all three recipients" "$(printf '%s\n' "$held" | grep -c '^recipient: ')" 3

# Released, Postfix's milter_header_checks FILTER sends it through smtp-tls,
# which will not deliver without TLS (smtp-sink offers none): deferred.
timeout 20 postsuper -c "$PHI_CONF" -H "$qid" >/dev/null 2>&1 || phi_fail "postsuper -H $qid failed"
# Released mail goes to the deferred queue; ask for a delivery attempt now.
timeout 20 postqueue -c "$PHI_CONF" -i "$qid" >/dev/null 2>&1 || phi_fail "postqueue -i $qid failed"
phi_wait_log "$PHI_MAILLOG" "postfix/smtp-tls/smtp\[[0-9]+\]: $qid: .*status=deferred.*TLS is required" 60
phi_ok "route-tls: released message went through the mandatory-TLS transport and deferred"
phi_assert_eq "route-tls: nothing reached the sink in plaintext" "$(phi_delivered_count)" 0

# --- PHI in the Subject: refused with the policy's text ---------------------------
phi_send --to "a@$PHI_SECURE_DOMAIN" --h-Subject "Diego Lopez DOB 2001-10-08 MRN MR42693171 heart failure I50.9" \
  --body "See the subject." && phi_fail "PHI in the Subject was accepted"
phi_assert_match "reject: the sender sees 550 5.7.1 and the policy text" "$(cat "$PHI_SWAKS_LOG")" \
  "<\*\* +550 5\.7\.1 PHI in the Subject line; move it into the message body"

# --- clean mail: delivered, nothing added --------------------------------------------
phi_send --to "b@$PHI_OPP_DOMAIN" --h-Subject "003 lunch" --body "Sandwiches at noon." ||
  phi_fail "swaks (clean) failed, see $PHI_SWAKS_LOG"
phi_wait_delivered 1 60
clean=$(phi_find_delivered '^Subject: 003 lunch') || phi_fail "clean message not captured"
phi_assert_eq "clean: no tag" "$(phi_header "$clean" X-PHI-Classification)" ""
phi_assert_eq "clean: no route-tls header" "$(phi_header "$clean" X-PHI-Route)" ""
phi_assert_match "clean: provenance stamped as always" "$(phi_header "$clean" TLS-Provenance)" "^$PHI_AUTHSERV_ID; tls=plaintext;"

# --- the same map as a hash: table (most sites' smtp_tls_policy_maps) ---------------
# phimilter lists it with postmap at start and reads it again once postmap has
# rebuilt it: an edit takes effect without a reload.
postmap -c "$PHI_CONF" "hash:$PHI_DIR/tls_policy" || phi_fail "postmap hash:$PHI_DIR/tls_policy"
phi_stop_milter
phi_start_milter "TLSPolicyMap hash:$PHI_DIR/tls_policy" "PostfixConfigDir $PHI_CONF" \
  "NeverSecureDomains $PHI_WEBMAIL_DOMAIN" "PolicyFile $PHI_DIR/site.policy"
# phi_policy_decision LABEL RCPT ERE: a PHI message to RCPT; its recipient line matches ERE.
phi_policy_decision() {
  phi_send_phi --to "$2" || phi_fail "$1: swaks failed, see $PHI_SWAKS_LOG"
  _q=$(phi_queue_id_of "$PHI_SWAKS_LOG")
  phi_wait_log "$PHI_MILTER_LOG" "$_q: policy: recipient " 20
  phi_assert_match "$1" "$(grep "$_q: policy: recipient " "$PHI_MILTER_LOG")" "$3"
}
phi_policy_decision "hash: table: opportunistic domain" "b@$PHI_OPP_DOMAIN" "domain=$PHI_OPP_DOMAIN tls=may action=accept"
phi_policy_decision "hash: table: mandatory-TLS domain" "a@$PHI_SECURE_DOMAIN" \
  "domain=$PHI_SECURE_DOMAIN tls=encrypt/mandatory action=route-tls"
sed "s/^$PHI_OPP_DOMAIN may\$/$PHI_OPP_DOMAIN encrypt/" "$PHI_DIR/tls_policy" >"$PHI_DIR/tls_policy.new"
mv "$PHI_DIR/tls_policy.new" "$PHI_DIR/tls_policy"
postmap -c "$PHI_CONF" "hash:$PHI_DIR/tls_policy" || phi_fail "postmap (rebuild)"
phi_policy_decision "hash: table rebuilt: seen without a reload" "b@$PHI_OPP_DOMAIN" \
  "domain=$PHI_OPP_DOMAIN tls=encrypt/mandatory action=route-tls"
phi_assert_eq "no reload: phimilter started once since the switch" \
  "$(grep -c "phimilter .* starting" "$PHI_MILTER_LOG")" 2
