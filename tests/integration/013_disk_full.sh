#!/bin/sh
# 013_disk_full - a full disk loses no mail and breaks no audit chain.
# Through a real Postfix, with the escrow directory and the audit log each on
# a small tmpfs of its own that the test fills to the last page:
#  1. the escrow filesystem full: a PHI message for an opportunistic-TLS
#     recipient is answered 4xx, Postfix queues nothing and no entry or
#     temporary file is left; a message that needs no escrow is delivered,
#     also one large enough to spill its spool to the full disk; a large PHI
#     message is answered 4xx. Once space is freed, the sender's retry is
#     escrowed and its notice delivered.
#  2. the audit log's filesystem full: with OnAuditError tempfail (the
#     default) a message is answered 4xx and not delivered, and a PHI
#     message's entry, already committed, is withdrawn. Once space is freed
#     mail is delivered again and `phimilterctl audit verify` passes: the
#     record that ENOSPC cut short left no torn line in the chain.
# The filesystems are tmpfs mounts under $PHI_DIR, made by this script (it
# runs as root, as every scenario does) and unmounted by its EXIT trap.
. "$(dirname "$0")/lib.sh"

SSN=536-22-8174
CTL=${PHIMILTERCTL:-$top_builddir/phimilterctl}
INSECURE=carol@dest.phi-test.example
ESCROW_FS=$PHI_DIR/escrowfs
AUDIT_FS=$PHI_DIR/auditfs
ESCROW=$ESCROW_FS/escrow
AUDIT_LOG=$AUDIT_FS/audit.log
AUDIT_KEY=$PHI_DIR/audit.key

unmount_all() {
  for _fs in "$ESCROW_FS" "$AUDIT_FS"; do
    mountpoint -q "$_fs" 2>/dev/null && umount -l "$_fs"
  done
  return 0
}
trap '_df_rc=$?; unmount_all; (exit $_df_rc); phi_cleanup' EXIT
command -v mountpoint >/dev/null 2>&1 || phi_skip "mountpoint not found (Debian package util-linux)"
for _fs in "$ESCROW_FS" "$AUDIT_FS"; do
  mkdir -p "$_fs"
  mount -t tmpfs -o size=2m,mode=0755 phi-test "$_fs" 2>"$PHI_DIR/mount.err" ||
    phi_skip "cannot mount a tmpfs: $(cat "$PHI_DIR/mount.err")"
done

# fill FS: write zeros until the filesystem has no page left. (A file that
# exists may still grow into the unused end of its last page.)
fill() {
  dd if=/dev/zero of="$1/fill" bs=4096 >/dev/null 2>&1
  [ "$(df -P "$1" | awk 'NR == 2 { print $4 }')" = 0 ] || phi_fail "$1 still has room: $(df -P "$1" | tail -1)"
}
unfill() { rm -f "$1/fill"; }

phi_escrow_setup "$ESCROW"
head -c 32 /dev/urandom >"$AUDIT_KEY"
chmod 600 "$AUDIT_KEY"
CONF="$PHI_ESCROW_CONF
AuditLog $AUDIT_LOG
AuditKeyFile $AUDIT_KEY"

# msg KIND FILLER-LINES: a PHI (phi) or business (biz) message, CRLF line ends,
# with FILLER-LINES lines of 64 bytes after its first line.
msg() {
  printf 'From: Clinic <%s>\r\nTo: %s\r\nSubject: follow-up\r\nDate: Tue, 01 Dec 2026 10:00:00 +0000\r\nMessage-ID: <%s@client.phi-test.example>\r\n\r\n' \
    "$PHI_SENDER" "$INSECURE" "$1.$2.$$"
  if [ "$1" = phi ]; then
    printf 'Patient: John Smith, DOB 03/14/1962, SSN %s\r\nDiagnosis: type 2 diabetes mellitus (E11.9).\r\n' "$SSN"
  else
    printf 'The quarterly review moves to Thursday afternoon; agenda to follow.\r\n'
  fi
  awk -v n="$2" 'BEGIN { for (i = 0; i < n; i++) printf "line %06d of the minutes, nothing to add on this point today.\r\n", i }'
}
msg phi 0 >"$PHI_DIR/phi.eml"
msg biz 0 >"$PHI_DIR/biz.eml"
msg phi 5000 >"$PHI_DIR/bigphi.eml"  # about 320 KB: past the spool's 128 KiB in memory
msg biz 5000 >"$PHI_DIR/bigbiz.eml"

phi_start_sink
phi_start_milter "$CONF"
phi_start_postfix "milter_default_action = tempfail"
ctl() { "$CTL" escrow -c "$PHI_DIR/phimilter.conf" "$@"; }
entries() { ctl list | awk 'NR > 1' | grep -c . ; }
sent=0

# delivered LABEL FILE: the message is accepted and delivered.
delivered() {
  phi_send --to "$INSECURE" --data "$2" || phi_fail "$1: not accepted, see $PHI_SWAKS_LOG"
  sent=$((sent + 1))
  phi_wait_delivered "$sent" 60
  phi_ok "$1: delivered"
}

# refused LABEL FILE MILTER-LOG-ERE: the client gets a 4xx, Postfix keeps
# nothing, and phimilter's log says why.
refused() {
  phi_send --to "$INSECURE" --data "$2" && phi_fail "$1: accepted"
  phi_assert_tempfailed "$1: 4xx" '^<\*\* +4[0-9][0-9] '
  phi_assert_eq "$1: nothing queued by Postfix" "$(phi_queue_ids | wc -l | tr -d ' ')" 0
  phi_wait_log "$PHI_MILTER_LOG" "$3" 10
}

# --- 1. the escrow filesystem is full ----------------------------------------
fill "$ESCROW_FS"
refused "PHI, escrow disk full" "$PHI_DIR/phi.eml" \
  "escrow: cannot (start|write|commit) (an|the) entry: .*No space left on device; answering tempfail"
phi_assert_eq "no entry and no temporary file" "$(ls -A "$ESCROW")" ""
delivered "business mail, escrow disk full" "$PHI_DIR/biz.eml"
delivered "large business mail (its spool cannot spill), escrow disk full" "$PHI_DIR/bigbiz.eml"
refused "large PHI, escrow disk full" "$PHI_DIR/bigphi.eml" \
  "escrow: message not kept for escrow: .*No space left on device; answering tempfail"
phi_assert_eq "still no entry and no temporary file" "$(ls -A "$ESCROW")" ""
phi_assert_eq "nothing delivered holds the SSN" "$(grep -l "$SSN" $(phi_delivered_files) | wc -l | tr -d ' ')" 0

unfill "$ESCROW_FS"
delivered "PHI retried with room again: the notice" "$PHI_DIR/phi.eml"
phi_find_delivered "X-PHImilter-Notice: $PHI_AUTHSERV_ID" >/dev/null || phi_fail "the delivery is not the notice"
phi_assert_eq "one entry" "$(entries)" 1
ctl verify >/dev/null || phi_fail "escrow verify: $(ctl verify 2>&1)"
phi_ok "escrow verify"

# --- 2. the audit log's filesystem is full -----------------------------------
# The log's last page may still hold a record or two: each kind of message is
# sent until one is refused (a record cut short there is the torn write the
# writer must take back), at most 12 times.
escrowed=1
until_refused() {
  _n=0
  while phi_send --to "$INSECURE" --data "$2"; do
    _n=$((_n + 1))
    [ "$_n" -lt 12 ] || phi_fail "$1: still accepted after $_n messages"
  done
  sent=$((sent + _n))
  [ "$_n" = 0 ] || phi_wait_delivered "$sent" 60
  phi_assert_tempfailed "$1: 4xx (after $_n accepted)" '^<\*\* +4[0-9][0-9] '
  phi_assert_eq "$1: nothing queued by Postfix" "$(phi_queue_ids | wc -l | tr -d ' ')" 0
  phi_wait_log "$PHI_MILTER_LOG" "$3" 10
}
fill "$AUDIT_FS"
until_refused "business mail, audit disk full" "$PHI_DIR/biz.eml" \
  "audit: cannot write the audit record: .*; answering tempfail"
until_refused "PHI, audit disk full" "$PHI_DIR/phi.eml" "escrow: entry [^ ]+ withdrawn"
escrowed=$((escrowed + _n))
phi_assert_eq "the withdrawn entry is gone: $escrowed entries" "$(entries)" "$escrowed"
unfill "$AUDIT_FS"
delivered "business mail with room again" "$PHI_DIR/biz.eml"
out=$("$CTL" audit -k "$AUDIT_KEY" verify "$AUDIT_LOG") || phi_fail "audit verify after the full disk: $out"
phi_ok "audit chain verifies: $out"
phi_assert_eq "SSN nowhere in the audit log or phimilter's log" "$(cat "$AUDIT_LOG" "$PHI_MILTER_LOG" | grep -c "$SSN")" 0
