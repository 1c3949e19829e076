#!/bin/sh
# 011_escrow_kill - kill -9 of phimilter in the middle of an escrow write
# leaves no half entry that list (or a portal, which reads the same directory)
# would see, and loses nothing. Through a real Postfix with
# milter_default_action = tempfail, a 6 MB PHI message to an opportunistic-TLS
# recipient is escrowed, and phimilter is killed:
#  1. while it writes the message's encrypted spool. Afterwards the client
#     got a 4xx, Postfix queued and delivered nothing, `phimilterctl escrow
#     list` shows no entry, `verify` finds nothing damaged, the directory
#     holds exactly what it held before (nothing) and no byte of it is the
#     SSN in clear. phimilter is started again and the client sends again:
#     exactly one entry, byte-identical to the message, and one notice.
#  2. while it writes the entry file at end of message. The same: the entry
#     is written to a file without a name (O_TMPFILE) that gets its name only
#     after its fsync, so the kill leaves nothing behind, no ".tmp-" file and
#     no entry (doc/escrow-format.md).
#
# HOW THE KILL IS PLACED. The spool (milter/escrow/spool.cc) keeps the first
# 128 KiB of a message in memory and spills the rest, encrypted, to a file
# ".tmp-spool-<hex>" unlinked right after it is created, so while phimilter
# writes it /proc/PID/fd shows a link to "<dir>/.tmp-spool-<hex> (deleted)"
# whose size (stat through the link) grows with every body chunk; at end of
# message the spool is copied into the entry file, opened with O_TMPFILE (its
# link reads "<dir>/#<inode> (deleted)") and linked as "<id>.esc" after its
# fsync. freeze_mid_write.py polls /proc/PID/fd without
# starting a process per scan (the entry write lasts only milliseconds); when
# the file of the phase under test is open with more than one 64 KiB chunk
# and less than half the message written, it stops phimilter (SIGSTOP),
# waits until every thread is stopped and prints what the stopped process
# holds open (a thread may finish a long write before it stops, hence the
# half). The test checks that state again (size below the message's size)
# and only then sends SIGKILL: the state the kill hits is observed, not
# guessed. Nothing in phimilter knows about the test. An attempt where the
# state is anything else is a miss: what it left is removed and the attempt
# repeated; after 8 misses the test fails. phimilter runs at nice 19 and the
# poller at -10: on an idle machine that changes nothing, but when other work
# keeps both CPUs busy (a build beside the test), phimilter's write window
# stretches and the poller still gets a CPU in it, where at equal priority
# it missed five times in a row.
. "$(dirname "$0")/lib.sh"

SSN=536-22-8174
CTL=${PHIMILTERCTL:-$top_builddir/phimilterctl}
INSECURE=carol@dest.phi-test.example
ESCROW=$PHI_DIR/escrow
SPOOL_PREFIX=.tmp-spool-
FILLER_LINES=80000   # x 78 bytes: about 6 MB, below Postfix's message_size_limit
MAX_ATTEMPTS=8
MIN_BYTES=65536      # kill only once a whole I/O chunk (kIoChunkBytes) is on disk
PY=${PYTHON3:-python3}
FREEZER=$(dirname "$0")/freeze_mid_write.py
command -v "$PY" >/dev/null 2>&1 || phi_skip "python3 not found (Debian package python3)"

phi_escrow_setup "$ESCROW"
ESCROW_CONF=$PHI_ESCROW_CONF

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

# size_of KIND STATE: the size of the first KIND (spool or entry) file in STATE.
size_of() { printf '%s\n' "$2" | awk -v k="$1" '$1 == k { print $2; exit }'; }

# mid_write KIND STATE: true when STATE shows KIND's file open with MIN_BYTES
# < size < MSG_BYTES, and, for the spool, no entry file started yet.
mid_write() {
  [ "$1" = spool ] && printf '%s\n' "$2" | grep -q '^entry ' && return 1
  size=$(size_of "$1" "$2")
  case $size in '' | *[!0-9]*) return 1 ;; esac
  [ "$size" -gt "$MIN_BYTES" ] && [ "$size" -lt "$MSG_BYTES" ]
}

# store_files: every name in the escrow directory with its type (dot files too).
store_files() { find "$ESCROW" -mindepth 1 -printf '%y %P\n' | sort; }

# restore_store: after a missed attempt, remove what it added to the escrow
# directory and wait for Postfix to finish with it.
restore_store() {
  find "$ESCROW" -mindepth 1 -printf '%P\n' | while read -r name; do
    grep -qxF "f $name" "$PHI_DIR/store.before" || rm -f "$ESCROW/$name"
  done
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

# kill_mid_write KIND: up to MAX_ATTEMPTS times, start phimilter, send the
# message and kill -9 phimilter while it writes KIND's file (see the top).
# Leaves the frozen state in $frozen, swaks's status in $PHI_DIR/swaks.rc and
# the notices captured before the landed attempt in $notices_before (a missed
# attempt may have escrowed the message and delivered its notice); fails when
# no attempt landed.
kill_mid_write() {
  attempt=0
  landed=
  while [ "$attempt" -lt "$MAX_ATTEMPTS" ] && [ -z "$landed" ]; do
    attempt=$((attempt + 1))
    PHI_MILTER_NICE=19
    phi_start_milter "$ESCROW_CONF"
    PHI_MILTER_NICE=
    store_files >"$PHI_DIR/store.before"
    notices_before=$(notice_count)
    pid=$PHI_MILTER_PID
    PHI_SEND_COUNT=$((PHI_SEND_COUNT + 1))
    PHI_SWAKS_LOG=$PHI_DIR/swaks.$PHI_SEND_COUNT.log
    rm -f "$PHI_DIR/swaks.rc" "$PHI_DIR/freezer.ready" "$PHI_DIR/frozen"
    # Raised priority (the test runs as root): on a busy machine the poller
    # must get a CPU during the milliseconds the entry write lasts.
    nice -n -10 "$PY" "$FREEZER" "$pid" "$ESCROW" "$1" "$MIN_BYTES" "$((MSG_BYTES / 2))" "$PHI_DIR/freezer.ready" "$PHI_DIR/swaks.rc" 150 \
      >"$PHI_DIR/frozen" 2>"$PHI_DIR/freezer.stderr" &
    freezer_pid=$!
    phi_wait_for 30 test -f "$PHI_DIR/freezer.ready" || { kill "$freezer_pid"; phi_fail "$FREEZER did not start"; }
    (
      timeout 120 swaks --server 127.0.0.1 --port "$PHI_SMTP_PORT" --timeout 60 \
        --helo client.phi-test.example --from "$PHI_SENDER" --to "$INSECURE" \
        --data "$PHI_DIR/big.eml" >"$PHI_SWAKS_LOG" 2>&1
      echo $? >"$PHI_DIR/swaks.rc.tmp" && mv "$PHI_DIR/swaks.rc.tmp" "$PHI_DIR/swaks.rc"
    ) &
    swaks_pid=$!
    # Bounded: the freezer gives up when swaks ends (timeout 120) or after 150 s.
    wait "$freezer_pid"
    frozen=$(cat "$PHI_DIR/frozen")
    if [ -n "$frozen" ] && mid_write "$1" "$frozen"; then landed=1; fi
    kill -KILL "$pid" 2>/dev/null
    [ -n "$frozen" ] && kill -CONT "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    PHI_MILTER_PID=
    wait "$swaks_pid"
    printf '%s\n' "$frozen" >"$PHI_DIR/kill-state.$1.$attempt"
    if [ -n "$landed" ]; then
      phi_say "$1 attempt $attempt: kill -9 landed mid-write: $1 file open with $(size_of "$1" "$frozen") bytes" \
        "(message $MSG_BYTES bytes); open escrow files: $(printf '%s\n' "$frozen" | awk '{ printf "%s%s", s, $1; s = "," }')"
    else
      phi_say "$1 attempt $attempt: missed (state when frozen: [${frozen:-not frozen, swaks status $(cat "$PHI_DIR/swaks.rc")}])"
      restore_store
    fi
  done
  [ -n "$landed" ] || phi_fail "in $MAX_ATTEMPTS attempts the kill never landed while the $1 file was written"
  phi_ok "kill -9 landed while the $1 file was written (attempt $attempt)"
}

# assert_refused: the killed transaction got a 4xx and Postfix kept nothing.
assert_refused() {
  rc=$(cat "$PHI_DIR/swaks.rc")
  [ "$rc" -ne 0 ] || phi_fail "swaks succeeded although phimilter died during the message"
  phi_assert_tempfailed "the client got a 4xx" '^<\*\* +4[0-9]{2} '
  phi_assert_eq "nothing in Postfix's queue" "$(phi_queue_ids | grep -c .)" 0
}

# === 1. kill -9 while the spool is written ========================================
kill_mid_write spool
# --- after the crash: nothing half-written, nothing lost ---------------------------
assert_refused
phi_assert_eq "list shows no entry" "$(ctl list | tail -n +2)" ""
verify=$(ctl verify) || phi_fail "verify failed: $verify"
phi_assert_eq "verify finds nothing damaged" "$verify" "0 entries checked, 0 damaged"
phi_assert_eq "the escrow directory holds what it held before the message" \
  "$(store_files | tr '\n' ' ')" "$(tr '\n' ' ' <"$PHI_DIR/store.before")"
phi_assert_eq "no regular file in the escrow directory" "$(find "$ESCROW" -type f | wc -l | tr -d ' ')" 0
if grep -rqa -- "$SSN" "$ESCROW"; then phi_fail "SSN in clear in the escrow directory"; fi
phi_ok "no SSN in clear in the escrow directory"

sleep 2  # time for a wrongly accepted message to reach the sink
phi_assert_eq "no notice for the killed transaction" "$(notice_count)" "$notices_before"
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

# === 2. kill -9 while the entry file is written ===================================
# At end of message the spool is copied into an unnamed file (O_TMPFILE) that
# is linked as "<id>.esc" only after its fsync (doc/escrow-format.md). A crash
# before the link leaves nothing: the file had no name, the kernel frees it.
phi_stop_milter
kill_mid_write entry
# The kill hit an entry written without a name (a ".tmp-<id>" here would mean
# the store fell back to its named file: no O_TMPFILE on this filesystem).
target=$(printf '%s\n' "$frozen" | awk '$1 == "entry" { sub(/^entry [0-9]+ /, ""); print; exit }')
phi_assert_match "the entry being written had no name (O_TMPFILE)" "${target#"$ESCROW/"}" '^#[0-9]+ \(deleted\)$'
assert_refused
phi_assert_eq "list still shows only the first entry" "$(ctl list | awk 'NR > 1 { print $1 }')" "$id"
verify=$(ctl verify) || phi_fail "verify failed: $verify"
phi_assert_match "verify finds nothing damaged" "$verify" '1 entry checked, 0 damaged'
phi_assert_eq "the escrow directory holds what it held before the message (no .tmp- file, no entry)" \
  "$(store_files | tr '\n' ' ')" "$(tr '\n' ' ' <"$PHI_DIR/store.before")"
phi_assert_eq "only the first entry in the escrow directory" "$(store_files | tr '\n' ' ')" "f $id.esc "
ctl purge --expired >/dev/null || phi_fail "purge --expired failed"
phi_assert_eq "purge --expired finds nothing to remove" "$(store_files | tr '\n' ' ')" "f $id.esc "
if grep -rqa -- "$SSN" "$ESCROW"; then phi_fail "SSN in clear in the escrow directory"; fi
phi_ok "no SSN in clear in the escrow directory"
sleep 2
phi_assert_eq "no notice for the killed transaction" "$(notice_count)" "$notices_before"
if grep -lq -- "$SSN" $(phi_delivered_files) /dev/null; then phi_fail "the original reached the sink"; fi
sent_before=$(phi_sent_count)

phi_start_milter "$ESCROW_CONF"
phi_send --to "$INSECURE" --data "$PHI_DIR/big.eml" || phi_fail "swaks failed after the restart, see $PHI_SWAKS_LOG"
phi_wait_delivered $((sent_before + 1)) 90
sleep 2
phi_assert_eq "exactly one more notice" "$(notice_count)" $((notices_before + 1))
phi_assert_eq "exactly one more entry" "$(ctl list | tail -n +2 | grep -c .)" 2
verify=$(ctl verify) || phi_fail "verify failed: $verify"
phi_assert_match "verify: both entries whole" "$verify" '2 entries checked, 0 damaged'
