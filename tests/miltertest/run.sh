#!/bin/sh
# run - drive phimilter with miltertest (the MTA side with Sendmail's macro
# set, including {verify}) for every scenario tests/miltertest/*.lua except
# lib.lua. Each scenario gets its own configuration, socket and log in a
# temporary directory. Needs no root and no network.
# Skips (77) when miltertest is missing, unless PHI_REQUIRE_INTEGRATION=1 (99).
here=$(cd "$(dirname "$0")" && pwd)
: "${top_builddir:=$(cd "$here/../.." && pwd)}"
: "${PHIMILTER:=$top_builddir/phimilter}"

skip() {
  if [ "${PHI_REQUIRE_INTEGRATION:-0}" = 1 ]; then echo "miltertest: ERROR: $* (PHI_REQUIRE_INTEGRATION=1)" >&2; exit 99; fi
  echo "miltertest: SKIP: $*"; exit 77
}
command -v miltertest >/dev/null 2>&1 || skip "miltertest not installed (Debian package miltertest)"
[ -x "$PHIMILTER" ] || skip "$PHIMILTER not built"

dir=$(mktemp -d "${PHI_TMPDIR:-/tmp}/phi-mt.XXXXXX") || exit 99
cleanup() {
  # miltertest stops the filter it started; this catches one left behind
  # by a script that died early.
  for pidfile in "$dir"/*/phimilter.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
  done
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

authserv=mx.example.org
failed=0
for script in "$here"/*.lua; do
  name=$(basename "$script" .lua)
  [ "$name" = lib ] && continue
  d=$dir/$name
  mkdir -p "$d"
  cat >"$d/phimilter.conf" <<CONF
Socket unix:$d/milter.sock
LogTarget $d/milter.log
LogLevel debug
AuthservID $authserv
PidFile $d/phimilter.pid
CONF
  echo "=== $name"
  if timeout 120 miltertest -s "$script" -D "PHIMILTER=$PHIMILTER" -D "CONF=$d/phimilter.conf" \
      -D "SOCKET=unix:$d/milter.sock" -D "LOG=$d/milter.log" -D "AUTHSERV=$authserv" -D "LIBDIR=$here"; then
    echo "=== $name: PASS"
  else
    echo "=== $name: FAIL"
    echo "----- $d/milter.log -----"
    cat "$d/milter.log" 2>/dev/null
    failed=1
  fi
done
exit $failed
