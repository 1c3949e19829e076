#!/bin/sh
# 011_escrow_kill - kill -9 of phimilter in the middle of an escrow write
# leaves no half entry that list (or a portal, which reads the same directory)
# would see, and loses nothing: through a real Postfix with
# milter_default_action = tempfail, a multi-megabyte PHI message to an
# opportunistic-TLS recipient is escrowed; phimilter is killed while it writes
# the message's encrypted spool in EscrowDirectory. Afterwards: the client got
# a 4xx, Postfix queued and delivered nothing, `phimilterctl escrow list` shows
# no entry, `verify` finds nothing damaged, the directory holds exactly what
# it held before (nothing), and no byte of it is the SSN in clear. Then
# phimilter is started again and the client sends again: exactly one entry,
# byte-identical to the message, and exactly one notice.
#
# HOW THE KILL IS PLACED. The spool (milter/escrow/spool.cc) is a file
# ".tmp-spool-<hex>" that is unlinked right after it is created, so while
# phimilter writes it, /proc/PID/fd shows a link to "<dir>/.tmp-spool-<hex>
# (deleted)" whose size (stat -L) grows with every body chunk; the entry file
# that follows at end of message is ".tmp-<id>" until its rename. The test
# polls /proc/PID/fd; when the spool is open, non-empty and no entry file has
# been started, it stops phimilter (SIGSTOP), looks again at the frozen
# process, and sends SIGKILL. The frozen state is what the kill hits, so
# "landed in the middle of the spool write" is observed, not guessed: spool
# open, 0 < size < the message's size, no entry file. Nothing in phimilter
# knows about the test. An attempt where the frozen state is anything else
# (the poll came too late) is a miss: the store is emptied and the attempt
# repeated; after 5 misses the test fails.
. "$(dirname "$0")/lib.sh"

SSN=536-22-8174
CTL=${PHIMILTERCTL:-$top_builddir/phimilterctl}
INSECURE=carol@dest.phi-test.example
ESCROW=$PHI_DIR/escrow
SPOOL_PREFIX=.tmp-spool-
FILLER_LINES=80000   # x 78 bytes: about 6 MB, below Postfix's message_size_limit
MAX_ATTEMPTS=5

mkdir -p "$ESCROW"
"$CTL" escrow genkey "$PHI_DIR/escrow.keys" >/dev/null || phi_fail "genkey"
cat >"$PHI_DIR/test.policy" <<EOF
rule phi-insecure if outbound and phi then escrow
rule default then accept
EOF
ESCROW_CONF="EscrowKeyFile $PHI_DIR/escrow.keys
EscrowDirectory $ESCROW
PolicyFile $PHI_DIR/test.policy
NoticeSendmail /usr/sbin/sendmail -C $PHI_CONF"

# The message: PHI at the top, then about 6 MB of clinical-looking filler,
# CRLF line ends, lines well under 998 bytes.
{
  printf 'From: Clinic <%s>\r\nTo: %s\r\nSubject: imaging archive\r\nDate: Tue, 01 Dec 2026 10:00:00 +0000\r\nMessage-ID: <%s@client.phi-test.example>\r\n\r\n' \
    "$PHI_SENDER" "$INSECURE" "$$.$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
  printf 'Patient: John Smith, DOB 03/14/1962, SSN %s\r\nDiagnosis: type 2 diabetes mellitus (E11.9), hypertension (I10).\r\n' "$SSN"
  awk -v n="$FILLER_LINES" 'BEGIN { for (i = 0; i < n; i++)
    printf "series %06d: follow-up imaging unremarkable, no acute findings noted.\r\n", i }'
} >"$PHI_DIR/big.eml"
MSG_BYTES=$(wc -c <"$PHI_DIR/big.eml" | tr -d ' ')

phi_milter_conf "$ESCROW_CONF"
"$PHIMILTER" -t -c "$PHI_DIR/phimilter.conf" -s "$PHI_SENDER" -r "$INSECURE" -D client_addr=127.0.0.1 \
  "$PHI_DIR/big.eml" >"$PHI_DIR/testmode.json" 2>&1
grep -q '"escrow":{' "$PHI_DIR/testmode.json" ||
  phi_skip "no escrow decision in test mode: needs the policy wiring (enforce.cc calling escrow())"
phi_ok "test mode escrows the $MSG_BYTES-byte message"

phi_start_sink
phi_start_postfix "milter_default_action = tempfail"
ctl() { "$CTL" escrow -c "$PHI_DIR/phimilter.conf" "$@"; }

# escrow_fds PID: one line "spool SIZE TARGET" or "entry SIZE TARGET" for each
# file of the escrow directory that PID holds open (SIZE from stat -L, which
# works on an unlinked file too).
escrow_fds() {
  find "/proc/$1/fd" -mindepth 1 -maxdepth 1 -lname "$ESCROW/.tmp-*" -printf '%p %l\n' 2>/dev/null |
    while read -r fd target; do
      size=$(stat -L -c %s "$fd" 2>/dev/null) || size=gone
      case $target in
        "$ESCROW/$SPOOL_PREFIX"*) echo "spool $size $target" ;;
        *) echo "entry $size $target" ;;
      esac
    done
}

# mid_spool STATE: true when STATE shows the spool open with 0 < size <
# MSG_BYTES and no entry file started.
mid_spool() {
  printf '%s\n' "$1" | grep -q '^entry ' && return 1
  size=$(printf '%s\n' "$1" | awk '$1 == "spool" { print $2; exit }')
  case $size in '' | *[!0-9]*) return 1 ;; esac
  [ "$size" -gt 0 ] && [ "$size" -lt "$MSG_BYTES" ]
}

# store_files: every name in the escrow directory with its type (dot files too).
store_files() { find "$ESCROW" -mindepth 1 -printf '%y %P\n' | sort; }

# empty_store: for a missed attempt, remove what it left and wait for Postfix
# to finish with it, so the next attempt starts from a clean store.
empty_store() {
  find "$ESCROW" -mindepth 1 -delete
  phi_wait_for 60 sh -c '[ -z "$(timeout 20 postqueue -c "$1" -j 2>/dev/null)" ]' sh "$PHI_CONF" ||
    phi_fail "Postfix still holds mail from a missed attempt"
}

# notice_count: captured notices for the opportunistic recipient.
notice_count() {
  n=0
  for f in $(phi_delivered_files); do
    if grep -q "^X-Rcpt-Args: <$INSECURE>" "$f" && [ -n "$(phi_header "$f" X-PHImilter-Notice)" ]; then
      n=$((n + 1))
    fi
  done
  echo "$n"
}

# --- attempts: kill -9 while the spool is being written ---------------------------
attempt=0
landed=
while [ "$attempt" -lt "$MAX_ATTEMPTS" ] && [ -z "$landed" ]; do
  attempt=$((attempt + 1))
  phi_start_milter "$ESCROW_CONF"
  store_files >"$PHI_DIR/store.before"
  pid=$PHI_MILTER_PID
  PHI_SEND_COUNT=$((PHI_SEND_COUNT + 1))
  PHI_SWAKS_LOG=$PHI_DIR/swaks.$PHI_SEND_COUNT.log
  rm -f "$PHI_DIR/swaks.rc"
  (
    timeout 120 swaks --server 127.0.0.1 --port "$PHI_SMTP_PORT" --timeout 60 \
      --helo client.phi-test.example --from "$PHI_SENDER" --to "$INSECURE" \
      --data "$PHI_DIR/big.eml" >"$PHI_SWAKS_LOG" 2>&1
    echo $? >"$PHI_DIR/swaks.rc.tmp" && mv "$PHI_DIR/swaks.rc.tmp" "$PHI_DIR/swaks.rc"
  ) &
  swaks_pid=$!
  # Bounded by swaks's own timeout: the loop ends when swaks does.
  frozen=
  while [ ! -f "$PHI_DIR/swaks.rc" ]; do
    state=$(escrow_fds "$pid")
    if mid_spool "$state"; then
      kill -STOP "$pid"
      frozen=$(escrow_fds "$pid")
      break
    fi
  done
  if [ -n "$frozen" ] && mid_spool "$frozen"; then landed=1; fi
  kill -KILL "$pid" 2>/dev/null
  [ -n "$frozen" ] && kill -CONT "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  PHI_MILTER_PID=
  wait "$swaks_pid"
  printf '%s\n' "$frozen" >"$PHI_DIR/kill-state.$attempt"
  if [ -n "$landed" ]; then
    spool_size=$(printf '%s\n' "$frozen" | awk '$1 == "spool" { print $2; exit }')
    phi_say "attempt $attempt: kill -9 landed mid-write: spool open with $spool_size of about $MSG_BYTES bytes written, no entry file started"
  else
    phi_say "attempt $attempt: missed (state when frozen: [${frozen:-not frozen, swaks status $(cat "$PHI_DIR/swaks.rc")}])"
    empty_store
  fi
done
[ -n "$landed" ] || phi_fail "in $MAX_ATTEMPTS attempts the kill never landed while the spool was being written"
phi_ok "kill -9 landed while the spool was written (attempt $attempt)"

# --- after the crash: nothing half-written, nothing lost ---------------------------
rc=$(cat "$PHI_DIR/swaks.rc")
[ "$rc" -ne 0 ] || phi_fail "swaks succeeded although phimilter died during the message"
errors=$(grep -E '^<\*\* ' "$PHI_SWAKS_LOG")
phi_assert_match "the client got a 4xx" "$errors" '^<\*\* +4[0-9]{2} '
phi_assert_no_match "and never 5xx" "$errors" '^<\*\* +5'
phi_assert_no_match "the message was not queued" "$(cat "$PHI_SWAKS_LOG")" 'Ok: queued'
phi_assert_eq "nothing in Postfix's queue" "$(phi_queue_ids | grep -c .)" 0

phi_assert_eq "list shows no entry" "$(ctl list | tail -n +2)" ""
verify=$(ctl verify) || phi_fail "verify failed: $verify"
phi_assert_eq "verify finds nothing damaged" "$verify" "0 entries checked, 0 damaged"
phi_assert_eq "the escrow directory holds what it held before the message" \
  "$(store_files | tr '\n' ' ')" "$(tr '\n' ' ' <"$PHI_DIR/store.before")"
phi_assert_eq "no regular file in the escrow directory" "$(find "$ESCROW" -type f | wc -l | tr -d ' ')" 0
if grep -rqa -- "$SSN" "$ESCROW"; then phi_fail "SSN in clear in the escrow directory"; fi
phi_ok "no SSN in clear in the escrow directory"

sleep 2  # time for a wrongly accepted message to reach the sink
notices_before=$(notice_count)
sent_before=$(phi_sent_count)
if grep -lq -- "$SSN" $(phi_delivered_files) /dev/null; then phi_fail "the original reached the sink"; fi
phi_ok "nothing of the killed transaction delivered"

# --- phimilter back, the client sends again: exactly one entry and one notice -----
phi_start_milter "$ESCROW_CONF"
phi_send --to "$INSECURE" --data "$PHI_DIR/big.eml" || phi_fail "swaks failed after the restart, see $PHI_SWAKS_LOG"
phi_wait_delivered $((sent_before + 1)) 90
sleep 2  # time for a duplicate to arrive
phi_assert_eq "exactly one notice for the recipient" "$(notice_count)" $((notices_before + 1))
if grep -lq -- "$SSN" $(phi_delivered_files) /dev/null; then phi_fail "the original reached the sink"; fi
phi_assert_match "list shows exactly one held entry" "$(ctl list | tail -n +2)" '^[0-9a-f]{32} .* 1 +held$'
phi_assert_eq "one line in the list" "$(ctl list | tail -n +2 | grep -c .)" 1
verify=$(ctl verify) || phi_fail "verify failed: $verify"
phi_assert_match "verify: the entry is whole" "$verify" '1 entry checked, 0 damaged'
id=$(ctl list | awk 'NR > 1 { print $1 }')
# As in 004: Postfix's own Received field is dropped, swaks adds one CRLF.
ctl show "$id" | awk 'skip == 0 && /^Received:/ { skip = 1; next } skip == 1 && /^[ \t]/ { next } { skip = 2; print }' \
  >"$PHI_DIR/shown"
{ cat "$PHI_DIR/big.eml"; printf '\r\n'; } | cmp -s - "$PHI_DIR/shown" || phi_fail "the entry is not the original message"
phi_ok "the entry holds the whole original ($MSG_BYTES bytes)"
phi_assert_eq "only the entry in the escrow directory" "$(store_files | tr '\n' ' ')" "f $id.esc "
