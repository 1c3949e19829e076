#!/bin/sh
# 005_audit - every message through the real Postfix gets exactly one audit
# record that `phimilterctl audit find --message-id` retrieves with this hop's
# TLS details (TLSv1.3 and the cipher Postfix negotiated for the STARTTLS
# message, tls null for the plaintext one) and categories but never the
# identifier; `phimilterctl audit verify` passes, also against the checkpoint
# kept in AuditCheckpointFile; altering any byte of a record makes verify
# fail naming that record; and an audit log that cannot be written gives the
# sender 4xx with nothing delivered.
. "$(dirname "$0")/lib.sh"

: "${PHIMILTERCTL:=$top_builddir/phimilterctl}"
[ -x "$PHIMILTERCTL" ] || phi_skip "$PHIMILTERCTL not built"

SSN=536-22-1234
AUDIT_DIR=$PHI_DIR/audit
AUDIT_LOG=$AUDIT_DIR/audit.log
AUDIT_KEY=$PHI_DIR/audit.key
AUDIT_CP=$AUDIT_DIR/checkpoints
mkdir -p "$AUDIT_DIR"
head -c 32 /dev/urandom >"$AUDIT_KEY"
chmod 600 "$AUDIT_KEY"

ctl() { "$PHIMILTERCTL" audit -k "$AUDIT_KEY" "$@"; }

# find_one MSGID: the one JSON record for MSGID (fails when not exactly one).
find_one() {
  _out=$(ctl find --json --message-id "$1" "$AUDIT_LOG") || phi_fail "audit find --message-id $1 found nothing"
  [ "$(printf '%s\n' "$_out" | grep -c .)" = 1 ] || phi_fail "audit find --message-id $1: not exactly one record: $_out"
  printf '%s\n' "$_out"
}

phi_start_sink
# The shipped policy escrows outbound PHI for an opportunistic-TLS domain (the
# test client on loopback is internal, so its mail is outbound): give escrow a
# key and a directory so the PHI message is escrowed and audited as such.
mkdir -p "$PHI_DIR/escrow"
"$PHIMILTERCTL" escrow genkey "$PHI_DIR/escrow.keys" >/dev/null || phi_fail "phimilterctl escrow genkey failed"
phi_start_milter "AuditLog $AUDIT_LOG" "AuditKeyFile $AUDIT_KEY" "AuditCheckpointFile $AUDIT_CP" \
  "EscrowKeyFile $PHI_DIR/escrow.keys" "EscrowDirectory $PHI_DIR/escrow"
phi_start_postfix "$(phi_tls_maincf)"

phi_send --header "Message-Id: <005-plain@client.phi-test.example>" --h-Subject "005 plaintext" ||
  phi_fail "swaks (plaintext) failed, see $PHI_SWAKS_LOG"
phi_send --tls --header "Message-Id: <005-tls@client.phi-test.example>" --h-Subject "005 starttls" ||
  phi_fail "swaks (STARTTLS) failed, see $PHI_SWAKS_LOG"
grep -q 'TLS started' "$PHI_SWAKS_LOG" || phi_fail "swaks did not negotiate TLS"
phi_send --header "Message-Id: <005-phi@client.phi-test.example>" --h-Subject "005 lab results" \
  --body "Patient SSN $SSN, diagnosis E11.9 type 2 diabetes mellitus, metformin prescribed." ||
  phi_fail "swaks (PHI) failed, see $PHI_SWAKS_LOG"
sent=3
phi_wait_delivered $sent 60

# --- one record per message, retrievable by Message-ID ------------------------
phi_assert_eq "exactly one message record per message sent" \
  "$(grep -c '"kind":"message"' "$AUDIT_LOG")" $sent

rec=$(find_one "<005-plain@client.phi-test.example>")
phi_assert_match "plaintext: tls null" "$rec" '"tls":null'
phi_assert_match "plaintext: sender and recipient" "$rec" \
  "\"sender\":\"$PHI_SENDER\",\"recipients\":\[\{\"address\":\"$PHI_RECIPIENT\",\"action\":\"accept\""
phi_assert_match "plaintext: client address" "$rec" '"client":\{"name":"[^"]*","addr":"127\.0\.0\.1"\}'
phi_assert_match "plaintext: Postfix queue id" "$rec" '"queue_id":"[0-9A-Za-z]{6,}"'
qid=$(printf '%s\n' "$rec" | sed -n 's/.*"queue_id":"\([^"]*\)".*/\1/p')
grep -q "$qid: .*message-id=<005-plain@client.phi-test.example>" "$PHI_MAILLOG" ||
  phi_fail "queue id $qid is not the one Postfix logged for the plaintext message"
phi_ok "plaintext: the queue id is Postfix's"

rec=$(find_one "005-tls@client.phi-test.example")
cipher=$(sed -n 's/.*TLS connection established from .*: TLSv1\.3 with cipher \([A-Z0-9_-]*\) (\([0-9]*\)\/.*/\1 \2/p' "$PHI_MAILLOG" | head -1)
[ -n "$cipher" ] || phi_fail "Postfix did not log a TLSv1.3 connection"
phi_assert_match "STARTTLS: TLSv1.3, the cipher and bits Postfix negotiated" "$rec" \
  "\"tls\":\{\"version\":\"TLSv1\.3\",\"cipher\":\"${cipher% *}\",\"bits\":${cipher#* },"
readable=$(ctl find --message-id "<005-tls@client.phi-test.example>" "$AUDIT_LOG")
phi_assert_match "STARTTLS: readable form" "$readable" "over TLSv1\.3 ${cipher% *}"

rec=$(find_one "<005-phi@client.phi-test.example>")
phi_assert_match "PHI: categories with counts" "$rec" '"categories":\{[^}]*"ssn":1'
phi_assert_match "PHI: escrowed by the shipped rule phi-insecure" "$rec" \
  "\"address\":\"$PHI_RECIPIENT\",\"action\":\"escrow\",\"rule\":\"phi-insecure\""
phi_assert_match "PHI: the escrow entry is named" "$rec" '"escrow_id":"[0-9a-f]{16,}"'
if grep -q -- "$SSN" "$AUDIT_LOG" || grep -q "22-1234" "$AUDIT_LOG"; then phi_fail "the SSN is in the audit log"; fi
phi_ok "PHI: no identifier anywhere in the audit log"

# --- verify: the whole chain, and against the kept checkpoint at exit ------------
out=$(ctl verify "$AUDIT_LOG") || phi_fail "audit verify failed on the live log: $out"
phi_assert_match "verify passes" "$out" '^OK: [0-9]+ records'
phi_stop_milter
[ -s "$AUDIT_CP" ] || phi_fail "no checkpoint line in $AUDIT_CP after exit"
out=$(ctl verify --checkpoint "$AUDIT_CP" "$AUDIT_LOG") || phi_fail "audit verify --checkpoint failed: $out"
phi_assert_match "verify matches the closing checkpoint" "$out" 'checkpoint seq [0-9]+ matches'
phi_assert_match "the last record is the closing checkpoint" "$(tail -n 1 "$AUDIT_LOG")" '"kind":"checkpoint"'

# --- tampering: any byte of a record, and one digit --------------------------------
# expect_named COPY LINE WHAT: verify COPY must fail naming LINE.
expect_named() {
  if _v=$(ctl verify "$1" 2>&1); then phi_fail "$3: verify passed: $_v"; fi
  printf '%s\n' "$_v" | grep -q "^$1:$2: seq " || phi_fail "$3: verify did not name line $2: $_v"
}
copy=$PHI_DIR/tampered.log
line=$(grep -n '005-tls@' "$AUDIT_LOG" | cut -d: -f1)
start=$(head -n $((line - 1)) "$AUDIT_LOG" | wc -c | tr -d ' ')
len=$(sed -n "${line}p" "$AUDIT_LOG" | wc -c | tr -d ' ')   # with its newline
# Every 23rd byte of the line and its last three (the end of the HMAC, the
# closing brace, the newline): each phimilterctl run costs a process start,
# and tests/unit/audit/verify_test.cc changes every byte of a log in process.
offsets=$(awk -v s="$start" -v n="$len" 'BEGIN { for (i = 0; i < n - 3; i += 23) print s + i; for (i = n - 3; i < n; i++) print s + i }')
tried=0
for off in $offsets; do
  cp "$AUDIT_LOG" "$copy"
  byte=$(dd if="$AUDIT_LOG" bs=1 skip="$off" count=1 2>/dev/null)
  if [ "$byte" = x ]; then new=y; else new=x; fi
  printf '%s' "$new" | dd of="$copy" bs=1 seek="$off" conv=notrunc 2>/dev/null
  expect_named "$copy" "$line" "byte $((off - start)) of line $line changed"
  tried=$((tried + 1))
done
phi_ok "changing any one of $tried bytes spread over the $len of record line $line fails verify naming it"

# One digit of each line: the last digit of the year in its "time".
n=$(wc -l <"$AUDIT_LOG" | tr -d ' ')
l=1
while [ "$l" -le "$n" ]; do
  awk -v L="$l" 'NR == L { i = index($0, "\"time\":\"") + 11; d = substr($0, i, 1);
                           $0 = substr($0, 1, i - 1) ((d + 1) % 10) substr($0, i + 1) } { print }' \
    "$AUDIT_LOG" >"$copy"
  cmp -s "$AUDIT_LOG" "$copy" && phi_fail "line $l: no digit changed"
  expect_named "$copy" "$l" "a digit of line $l changed"
  l=$((l + 1))
done
phi_ok "changing one digit of any of the $n lines fails verify naming it"

# --- an audit log that cannot be written: 4xx, nothing delivered -----------------
# Root ignores permissions, so make the path impossible: its parent is a file.
: >"$PHI_DIR/not-a-dir"
phi_start_milter "AuditLog $PHI_DIR/not-a-dir/audit.log" "AuditKeyFile $AUDIT_KEY"
delivered=$(phi_delivered_count)
rc=0
phi_send --header "Message-Id: <005-unaudited@client.phi-test.example>" --h-Subject "005 unaudited" || rc=$?
[ "$rc" -ne 0 ] || phi_fail "swaks succeeded although the audit log cannot be written"
phi_assert_tempfailed "unwritable audit log: the sender gets 451 4.3.0" '^<\*\* +451 4\.3\.0 '
phi_wait_log "$PHI_MILTER_LOG" "audit: cannot write the audit record: .*answering tempfail" 10
phi_ok "phimilter logged why"
phi_assert_eq "nothing more delivered" "$(phi_delivered_count)" "$delivered"
phi_assert_eq "nothing queued" "$(phi_queue_ids | grep -c .)" 0
