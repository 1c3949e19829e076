#!/bin/sh
# sd_notify_test - phimilter -f under a stand-in for systemd's notify socket
# (Type=notify): READY=1 arrives only once the milter socket exists, STATUS=
# carries the configuration summary, a rejected reload shows in STATUS=,
# and SIGTERM sends STOPPING=1 before the process exits.
set -u
: "${top_builddir:=.}" "${PHIMILTER:=$top_builddir/phimilter}"
tmp=$(mktemp -d) || exit 99
pid=
listener=
cleanup() {
  [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
  [ -n "$listener" ] && kill "$listener" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$tmp/notes" ] && cat "$tmp/notes"; [ -f "$tmp/log" ] && tail -20 "$tmp/log"; exit 1; }
# wait_for SECONDS COMMAND...: poll every 0.1 s, bounded.
wait_for() {
  _n=$(($1 * 10)); shift
  while [ "$_n" -gt 0 ]; do "$@" && return 0; sleep 0.1; _n=$((_n - 1)); done
  return 1
}

# The service manager's end: each datagram appended to notes, READY=1
# stamped with whether the milter socket existed when it arrived.
cat >"$tmp/listen.py" <<'EOP'
import os, socket, sys
path, notes, milter_sock = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
open(path + ".bound", "w").close()
while True:
    lines = s.recv(65536).decode("utf-8", "replace").split("\n")
    if "READY=1" in lines:
        lines.append("SOCKET_EXISTED=%d" % os.path.exists(milter_sock))
    with open(notes, "a") as f:
        f.write("\n".join(lines) + "\n")
    if "STOPPING=1" in lines:
        break
EOP
: >"$tmp/notes"
python3 "$tmp/listen.py" "$tmp/notify" "$tmp/notes" "$tmp/milter.sock" &
listener=$!
wait_for 10 test -e "$tmp/notify.bound" || fail "the stand-in listener did not start"

cat >"$tmp/conf" <<EOC
Socket unix:$tmp/milter.sock
LogTarget $tmp/log
EscrowKeyFile
DKIMVerify no
EOC
NOTIFY_SOCKET=$tmp/notify "$PHIMILTER" -f -c "$tmp/conf" >"$tmp/stderr" 2>&1 &
pid=$!
wait_for 30 grep -q '^READY=1$' "$tmp/notes" || fail "no READY=1 (stderr: $(cat "$tmp/stderr"))"
grep -q '^SOCKET_EXISTED=1$' "$tmp/notes" || fail "READY=1 came before the milter socket existed"
grep -q "^STATUS=config $tmp/conf; mode enforce; policy .*; escrow off (EscrowKeyFile is empty); audit off" "$tmp/notes" ||
  fail "no STATUS= line with the configuration summary"

echo "Frobnicate yes" >>"$tmp/conf"
kill -USR1 "$pid"
wait_for 30 grep -q "^STATUS=reload failed, running the previous configuration: $tmp/conf:5: unknown key" "$tmp/notes" ||
  fail "a rejected reload does not show in STATUS="

kill -TERM "$pid"
wait_for 30 grep -q '^STOPPING=1$' "$tmp/notes" || fail "no STOPPING=1 on SIGTERM"
wait "$pid"
pid=
echo "ok - READY=1 after the socket, STATUS= summary and reload failure, STOPPING=1"
