#!/bin/sh
# 014_local_delivery - the shipped policy through a real Postfix with a
# mailbox domain on this host (virtual(8): virtual_mailbox_domains, mailboxes
# under this scenario's own directory). Postfix passes {rcpt_mailer}
# "virtual" for its recipients, which the default LocalTransports lists:
# outbound PHI to a local mailbox is delivered into the mailbox, tagged, not
# escrowed (rule phi-local); with a recipient at an opportunistic-TLS domain
# on the same message, only that one is escrowed; with a mandatory-TLS
# recipient (route-tls), the local one is escrowed and gets the pickup
# notice in its mailbox, since the routed copy would go out through SMTP.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/policy_lib.sh"

LOCAL_DOMAIN=local.phi-test.example
DOC=doc@$LOCAL_DOMAIN
MBOX=$PHI_DIR/vmail/$LOCAL_DOMAIN/doc

phi_start_sink
phi_policy_setup
CTL=${PHIMILTERCTL:-$top_builddir/phimilterctl}
mkdir -p "$PHI_DIR/escrow" "$PHI_DIR/vmail/$LOCAL_DOMAIN"
chown -R postfix "$PHI_DIR/vmail"
printf '%s %s/doc\n' "$DOC" "$LOCAL_DOMAIN" >"$PHI_DIR/vmailbox"
"$CTL" escrow genkey "$PHI_DIR/escrow.keys" >/dev/null || phi_fail "phimilterctl escrow genkey failed"
echo "virtual    unix  -       n       n       -       -       virtual" >>"$PHI_CONF/master.cf.extra"
phi_start_milter "$(phi_policy_milter_conf)" "EscrowKeyFile $PHI_DIR/escrow.keys
EscrowDirectory $PHI_DIR/escrow
NoticeSendmail /usr/sbin/sendmail -C $PHI_CONF"
phi_start_postfix "$(phi_policy_maincf)" "virtual_mailbox_domains = $LOCAL_DOMAIN
virtual_mailbox_base = $PHI_DIR/vmail
virtual_mailbox_maps = texthash:$PHI_DIR/vmailbox
virtual_uid_maps = static:$(id -u postfix)
virtual_gid_maps = static:$(id -g postfix)
virtual_transport = virtual"

entries() { "$CTL" escrow -c "$PHI_DIR/phimilter.conf" list | awk 'NR > 1' | grep -c .; }
in_mbox() { [ -f "$MBOX" ] && [ "$(grep -c -- "$1" "$MBOX")" -ge "$2" ]; }

# --- PHI to the local mailbox only: delivered, tagged, no entry -------------------
phi_send_phi --to "$DOC" || phi_fail "local: not accepted, see $PHI_SWAKS_LOG"
qid=$(phi_queue_id_of "$PHI_SWAKS_LOG")
[ -n "$qid" ] || phi_fail "local: no queue id in $PHI_SWAKS_LOG"
phi_wait_log "$PHI_MILTER_LOG" "$qid: policy: direction=" 20
phi_assert_match "local: accepted by rule phi-local" "$(phi_policy_log "$qid")" \
  "direction=outbound mode=enforce rcpt=1 accept=1 rules=phi-local$"
phi_wait_log "$PHI_MAILLOG" "postfix/virtual\[[0-9]+\]: $qid: to=<$DOC>.*status=sent" 60
phi_ok "local: Postfix delivered it with virtual(8)"
phi_wait_for 10 in_mbox "MRN: MR42693171" 1 || phi_fail "local: the PHI is not in the mailbox $MBOX"
phi_ok "local: the message itself is in the mailbox"
phi_assert_match "local: the mailbox copy carries the classification tag" "$(cat "$MBOX")" \
  "X-PHI-Classification: $PHI_AUTHSERV_ID; phi=yes"
phi_assert_match "local: stamped as usual" "$(cat "$MBOX")" "TLS-Provenance: $PHI_AUTHSERV_ID;"
phi_assert_eq "local: no escrow entry" "$(entries)" 0

# --- local + opportunistic TLS: only the remote recipient is escrowed --------------
phi_send_phi --to "$DOC,b@$PHI_OPP_DOMAIN" || phi_fail "mixed: not accepted, see $PHI_SWAKS_LOG"
qid=$(phi_queue_id_of "$PHI_SWAKS_LOG")
phi_wait_log "$PHI_MILTER_LOG" "$qid: policy: direction=" 20
phi_assert_match "mixed: one accept, one escrow" "$(phi_policy_log "$qid")" \
  "rcpt=2 accept=1 escrow=1 rules=phi-local,phi-insecure$"
phi_wait_log "$PHI_MAILLOG" "postfix/virtual\[[0-9]+\]: $qid: to=<$DOC>.*status=sent" 60
phi_wait_for 10 in_mbox "MRN: MR42693171" 2 || phi_fail "mixed: the PHI is not in the mailbox"
phi_ok "mixed: the local recipient got the message"
phi_assert_no_match "mixed: the escrowed recipient is not in the delivered copy" "$(grep " $qid: to=" "$PHI_MAILLOG")" \
  "to=<b@$PHI_OPP_DOMAIN>"
phi_assert_eq "mixed: one escrow entry" "$(entries)" 1
phi_wait_for 30 phi_find_delivered "^To: <?b@$PHI_OPP_DOMAIN" >/dev/null || phi_fail "mixed: no notice for b@$PHI_OPP_DOMAIN"
f=$(phi_find_delivered "^To: <?b@$PHI_OPP_DOMAIN")
phi_assert_eq "mixed: the remote recipient got the notice" "$(phi_header "$f" Subject)" "Secure message waiting for you"
phi_assert_no_match "mixed: no PHI in the notice" "$(cat "$f")" "MR42693171"

# --- local + mandatory TLS: route-tls for the remote one, escrow for the local one ---
phi_send_phi --to "$DOC,a@$PHI_SECURE_DOMAIN" || phi_fail "routed: not accepted, see $PHI_SWAKS_LOG"
qid=$(phi_queue_id_of "$PHI_SWAKS_LOG")
phi_wait_log "$PHI_MILTER_LOG" "$qid: policy: direction=" 20
phi_assert_match "routed: local recipient escrowed" "$(phi_policy_log "$qid")" \
  "rcpt=2 accept=1 route-tls=1 rules=phi-local,phi-tls routed=mandatory-tls local-escrowed=1$"
phi_wait_log "$PHI_MAILLOG" "postfix/smtp-tls/smtp\[[0-9]+\]: $qid: to=<a@$PHI_SECURE_DOMAIN>.*TLS is required" 60
phi_assert_no_match "routed: the local recipient is not in the routed copy" "$(grep " $qid: to=" "$PHI_MAILLOG")" \
  "to=<$DOC>"
phi_assert_eq "routed: a second escrow entry" "$(entries)" 2
phi_wait_for 30 in_mbox "^Subject: Secure message waiting for you" 1 || phi_fail "routed: no notice in the mailbox"
phi_ok "routed: the local recipient got the pickup notice in its mailbox"
phi_assert_eq "routed: the PHI reached the mailbox only twice (the first two messages)" "$(grep -c "MRN: MR42693171" "$MBOX")" 2

phi_say "PASS"
