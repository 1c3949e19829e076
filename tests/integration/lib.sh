# lib.sh - shared set-up for the integration scenarios tests/integration/NNN_*.sh
#
# SYNOPSIS
#   . "$(dirname "$0")/lib.sh"          # checks prerequisites, makes $PHI_DIR
#   phi_start_sink                      # capture sink on a free loopback port
#   phi_start_milter 'LogLevel debug'   # phimilter on $PHI_DIR/milter.sock
#   phi_start_postfix "$(phi_tls_maincf)" 'some_param = value'
#   phi_send --h-Subject hello          # swaks through our Postfix
#   phi_wait_delivered 1 30
#   f=$(phi_delivered_files | head -1); phi_header "$f" TLS-Provenance
#
# DESCRIPTION
#   Every scenario runs its own Postfix on 127.0.0.1 in a temporary directory
#   ($PHI_DIR): own config_directory, queue_directory and data_directory,
#   nothing chrooted, non-default ports picked at random, the log in
#   $PHI_DIR/maillog (postlogd). The system's Postfix (/etc/postfix, port 25)
#   is never touched. Postfix relays every message to smtp-sink, which dumps
#   each one (headers and body) to a file under $PHI_DIR/sink-NAME/. phimilter
#   runs in the foreground from a generated configuration ($PHI_DIR/phimilter.conf),
#   listening on a unix socket in $PHI_DIR, logging to $PHI_DIR/milter.log.
#   An EXIT trap stops everything that was started (by process id) and removes
#   $PHI_DIR (kept when PHI_KEEP=1); on failure it first prints the logs.
#   Every wait is bounded.
#
#   Skips (exit 77) when not root or a tool is missing; with
#   PHI_REQUIRE_INTEGRATION=1 such a skip is a hard error (exit 99).
#
# ENVIRONMENT
#   PHIMILTER (default $top_builddir/phimilter), top_builddir, top_srcdir,
#   PHI_REQUIRE_INTEGRATION, PHI_KEEP, PHI_TMPDIR (default /tmp; unix socket
#   paths must stay short), PHI_QUIET (no "ok" lines), PHI_MILTER_DEFAULTS,
#   PHI_MILTER_INET=1 (phimilter listens on inet:PORT@127.0.0.1, a free port,
#   and Postfix connects there, instead of the unix socket).
#
# VARIABLES SET
#   PHI_DIR PHI_CONF (Postfix config dir) PHI_SMTP_PORT PHI_SINK_PORT
#   PHI_MILTER_SOCK PHI_MILTER_PORT (with PHI_MILTER_INET=1) PHI_MILTER_SPEC
#   (Postfix's smtpd_milters value) PHI_MILTER_PID PHI_AUTHSERV_ID PHI_HOSTNAME PHI_MAILLOG
#   PHI_MILTER_LOG PHI_SWAKS_LOG (the last phi_send transcript)
#
# Written for POSIX sh (dash): make check runs scenarios with $(SHELL).

PHI_HOSTNAME=mx.phi-test.example
PHI_AUTHSERV_ID=$PHI_HOSTNAME
PHI_SENDER=alice@client.phi-test.example
PHI_RECIPIENT=bob@dest.phi-test.example
: "${top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PHIMILTER:=$top_builddir/phimilter}"
PATH=$PATH:/usr/sbin:/sbin
export PATH

PHI_DIR=
PHI_MILTER_PID=
PHI_SINK_PIDS=
PHI_POSTFIX_STARTED=
PHI_SEND_COUNT=0
PHI_FAILED=

# --- reporting ---------------------------------------------------------------

phi_say() { printf '%s: %s\n' "$(basename "$0" .sh)" "$*"; }

# phi_skip REASON: exit 77, or 99 when integration tests are required.
phi_skip() {
  if [ "${PHI_REQUIRE_INTEGRATION:-0}" = 1 ]; then
    phi_say "ERROR: cannot run: $* (PHI_REQUIRE_INTEGRATION=1, so this is not a skip)" >&2
    exit 99
  fi
  phi_say "SKIP: $*"
  exit 77
}

# phi_fail MESSAGE: print it and exit 1 (the EXIT trap dumps the logs).
phi_fail() {
  phi_say "FAIL: $*" >&2
  PHI_FAILED=1
  exit 1
}

phi_ok() { [ -n "${PHI_QUIET:-}" ] || phi_say "ok - $*"; }

# phi_assert_match LABEL TEXT ERE: TEXT must match the extended regex.
phi_assert_match() {
  if printf '%s\n' "$2" | grep -Eq -- "$3"; then
    phi_ok "$1"
  else
    phi_fail "$1: got [$2], want a match for /$3/"
  fi
}

# phi_assert_no_match LABEL TEXT ERE: TEXT must not match.
phi_assert_no_match() {
  if printf '%s\n' "$2" | grep -Eq -- "$3"; then
    phi_fail "$1: got [$2], want no match for /$3/"
  else
    phi_ok "$1"
  fi
}

# phi_assert_tempfailed LABEL ERE: the last phi_send was refused with a reply
# matching ERE (a 4xx), never a 5xx, and the message was not queued.
phi_assert_tempfailed() {
  _phi_err=$(grep -E '^<\*\* ' "$PHI_SWAKS_LOG")
  phi_assert_match "$1" "$_phi_err" "$2"
  phi_assert_no_match "and never 5xx" "$_phi_err" '^<\*\* +5'
  phi_assert_no_match "the message was not queued" "$(cat "$PHI_SWAKS_LOG")" 'Ok: queued'
}

# phi_assert_eq LABEL GOT WANT
phi_assert_eq() {
  if [ "$2" = "$3" ]; then phi_ok "$1"; else phi_fail "$1: got [$2], want [$3]"; fi
}

phi_dump_file() {
  [ -f "$1" ] || return 0
  echo "----- $1 (last ${2:-80} lines) -----"
  tail -n "${2:-80}" "$1"
}

phi_dump_logs() {
  echo "===== logs from $PHI_DIR ====="
  phi_dump_file "$PHI_DIR/maillog" 120
  phi_dump_file "$PHI_DIR/milter.log" 80
  phi_dump_file "$PHI_DIR/milter.stderr" 40
  phi_dump_file "$PHI_DIR/postfix.start.log" 40
  for f in "$PHI_DIR"/swaks.*.log "$PHI_DIR"/sink-*.stderr; do phi_dump_file "$f" 60; done
  echo "----- delivered files -----"
  phi_delivered_files 2>/dev/null || true
  echo "----- queue -----"
  [ -n "$PHI_POSTFIX_STARTED" ] && timeout 10 postqueue -c "$PHI_CONF" -p 2>&1 | head -40
  echo "===== end of logs ====="
}

# --- processes -----------------------------------------------------------------

# phi_alive PID: true while PID runs (a zombie counts as gone).
phi_alive() {
  kill -0 "$1" 2>/dev/null || return 1
  case "$(ps -o stat= -p "$1" 2>/dev/null)" in
    Z* | "") return 1 ;;
  esac
  return 0
}

# phi_kill PID [SECONDS]: SIGTERM, wait up to SECONDS (default 10), then SIGKILL.
phi_kill() {
  [ -n "$1" ] || return 0
  phi_alive "$1" || { wait "$1" 2>/dev/null; return 0; }
  kill -TERM "$1" 2>/dev/null
  phi_wait_for "${2:-10}" phi_dead "$1" || kill -KILL "$1" 2>/dev/null
  wait "$1" 2>/dev/null
  return 0
}

phi_dead() { ! phi_alive "$1"; }

# phi_wait_for SECONDS COMMAND...: poll COMMAND every 0.2 s until it succeeds
# or SECONDS pass; returns COMMAND's last status.
phi_wait_for() {
  _phi_limit=$(( $1 * 5 )); shift
  _phi_i=0
  while ! "$@"; do
    _phi_i=$((_phi_i + 1))
    [ "$_phi_i" -ge "$_phi_limit" ] && return 1
    sleep 0.2
  done
  return 0
}

phi_port_listening() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q LISTEN; }

# phi_free_port: print a TCP port no socket uses, random in 20000 up to
# the kernel's ephemeral range (ip_local_port_range): a port in that range
# can be taken between this check and the bind by any outgoing connection
# (Postfix's own to a sink), which made a sink fail with "Address already
# in use" now and then.
phi_free_port() {
  _phi_tries=0
  _phi_top=$(awk '{print $1 - 1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32767)
  [ "${_phi_top:-0}" -gt 21000 ] 2>/dev/null || _phi_top=32767
  while [ "$_phi_tries" -lt 100 ]; do
    _phi_port=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % (_phi_top - 20000 + 1) ))
    if ! ss -Htan "sport = :$_phi_port" 2>/dev/null | grep -q . && ! grep -qx "$_phi_port" "$PHI_DIR/ports" 2>/dev/null; then
      echo "$_phi_port" >>"$PHI_DIR/ports"
      echo "$_phi_port"
      return 0
    fi
    _phi_tries=$((_phi_tries + 1))
  done
  phi_fail "no free loopback port found"
}

# --- start-up ------------------------------------------------------------------

phi_check_prerequisites() {
  [ "$(id -u)" = 0 ] || phi_skip "needs root (Postfix's master runs as root)"
  for _phi_tool in postfix postconf postqueue postcat smtp-sink swaks openssl timeout ss; do
    command -v "$_phi_tool" >/dev/null 2>&1 || phi_skip "$_phi_tool not installed (scripts/setup installs it)"
  done
  id postfix >/dev/null 2>&1 || phi_skip "no postfix user (install the postfix package)"
  [ -x "$PHIMILTER" ] || phi_skip "$PHIMILTER not built"
}

phi_cleanup() {
  _phi_rc=$?
  # A caller's own cleanup may have run commands first: a phi_fail still fails.
  if [ -n "$PHI_FAILED" ] && [ "$_phi_rc" -eq 0 ]; then _phi_rc=1; fi
  trap - EXIT INT TERM HUP
  if [ -n "$PHI_DIR" ]; then
    if [ "$_phi_rc" -ne 0 ] && [ "$_phi_rc" -ne 77 ]; then phi_dump_logs >&2; fi
    phi_stop_all
    if [ "${PHI_KEEP:-0}" = 1 ]; then
      phi_say "kept $PHI_DIR"
    else
      rm -rf "$PHI_DIR"
    fi
  fi
  exit "$_phi_rc"
}

# phi_stop_all: stop Postfix, phimilter and the sinks (by process id).
phi_stop_all() {
  phi_stop_postfix
  phi_stop_milter
  for _phi_pid in $PHI_SINK_PIDS; do phi_kill "$_phi_pid" 5; done
  PHI_SINK_PIDS=
}

phi_init() {
  phi_check_prerequisites
  PHI_DIR=$(mktemp -d "${PHI_TMPDIR:-/tmp}/phi-it.XXXXXX") || phi_fail "mktemp failed"
  trap phi_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM HUP
  chmod 755 "$PHI_DIR"
  PHI_CONF=$PHI_DIR/postfix
  PHI_MAILLOG=$PHI_DIR/maillog
  PHI_MILTER_LOG=$PHI_DIR/milter.log
  PHI_MILTER_SOCK=$PHI_DIR/milter.sock
  PHI_MILTER_PORT=
  PHI_MILTER_SPEC=unix:$PHI_MILTER_SOCK
  mkdir -p "$PHI_CONF" "$PHI_DIR/queue" "$PHI_DIR/data"
  chown postfix "$PHI_DIR/data"
  : >"$PHI_CONF/transport"
  : >"$PHI_CONF/main.cf.extra"
  : >"$PHI_CONF/master.cf.extra"
  : >"$PHI_DIR/ports"
}

# phi_start_sink [NAME [SMTP-SINK-OPTIONS...]]: start a capture sink (default
# NAME "default") that dumps each message into $PHI_DIR/sink-NAME/. Sets
# PHI_SINK_PORT for the default sink; the port is also in $PHI_DIR/sink-NAME.port.
phi_start_sink() {
  _phi_name=${1:-default}
  [ $# -gt 0 ] && shift
  _phi_dir=$PHI_DIR/sink-$_phi_name
  _phi_sport=$(phi_free_port)
  mkdir -p "$_phi_dir"
  chown postfix "$_phi_dir"
  smtp-sink -u postfix -h "sink-$_phi_name.phi-test.example" -d "$_phi_dir/%Y%m%d%H%M%S." "$@" \
    "127.0.0.1:$_phi_sport" 64 >"$PHI_DIR/sink-$_phi_name.stderr" 2>&1 &
  PHI_SINK_PIDS="$PHI_SINK_PIDS $!"
  echo "$_phi_sport" >"$PHI_DIR/sink-$_phi_name.port"
  phi_wait_for 10 phi_port_listening "$_phi_sport" || phi_fail "smtp-sink $_phi_name did not listen on 127.0.0.1:$_phi_sport"
  [ "$_phi_name" = default ] && PHI_SINK_PORT=$_phi_sport
  return 0
}

# phi_milter_conf [EXTRA-LINES...]: write $PHI_DIR/phimilter.conf: the
# socket, log file and umask this set-up needs, AuthservID $PHI_AUTHSERV_ID
# and LogLevel debug (both left at their defaults when PHI_MILTER_DEFAULTS=1),
# then the extra lines.
phi_milter_conf() {
  {
    echo "# generated by tests/integration/lib.sh"
    if [ -n "$PHI_MILTER_PORT" ]; then echo "Socket inet:$PHI_MILTER_PORT@127.0.0.1"; else echo "Socket unix:$PHI_MILTER_SOCK"; fi
    echo "LogTarget $PHI_MILTER_LOG"
    echo "UMask 000"
    if [ "${PHI_MILTER_DEFAULTS:-0}" != 1 ]; then
      echo "LogLevel debug"
      echo "AuthservID $PHI_AUTHSERV_ID"
    fi
    for _phi_line in "$@"; do printf '%s\n' "$_phi_line"; done
  } >"$PHI_DIR/phimilter.conf"
}

# phi_escrow_setup ESCROW-DIR: an escrow key in $PHI_DIR/escrow.keys and a
# policy that escrows outbound PHI and accepts the rest; sets PHI_ESCROW_CONF
# to the phimilter.conf lines for them (notices go through this test's Postfix).
phi_escrow_setup() {
  mkdir -p "$1"
  "${PHIMILTERCTL:-$top_builddir/phimilterctl}" escrow genkey "$PHI_DIR/escrow.keys" >/dev/null || phi_fail "escrow genkey"
  printf 'rule phi-insecure if outbound and phi then escrow\nrule default then accept\n' >"$PHI_DIR/test.policy"
  PHI_ESCROW_CONF="EscrowKeyFile $PHI_DIR/escrow.keys
EscrowDirectory $1
PolicyFile $PHI_DIR/test.policy
NoticeSendmail /usr/sbin/sendmail -C $PHI_CONF"
}

# phi_start_milter [EXTRA-CONF-LINES...]: generate the configuration and run
# phimilter -f in the background until its socket exists.
phi_start_milter() {
  if [ "${PHI_MILTER_INET:-0}" = 1 ] && [ -z "$PHI_MILTER_PORT" ]; then
    PHI_MILTER_PORT=$(phi_free_port)
    PHI_MILTER_SPEC=inet:127.0.0.1:$PHI_MILTER_PORT
  fi
  phi_milter_conf "$@"
  "$PHIMILTER" -n -c "$PHI_DIR/phimilter.conf" >"$PHI_DIR/milter.check" 2>&1 ||
    { cat "$PHI_DIR/milter.check" >&2; phi_fail "phimilter -n rejected the generated configuration"; }
  rm -f "$PHI_MILTER_SOCK"
  # PHI_MILTER_NICE: a nice value for phimilter and its threads (nice execs it: $! is phimilter).
  ${PHI_MILTER_NICE:+nice -n "$PHI_MILTER_NICE"} "$PHIMILTER" -f -c "$PHI_DIR/phimilter.conf" >"$PHI_DIR/milter.stderr" 2>&1 &
  PHI_MILTER_PID=$!
  if [ -n "$PHI_MILTER_PORT" ]; then
    phi_wait_for 15 phi_port_listening "$PHI_MILTER_PORT" || phi_fail "phimilter does not listen on 127.0.0.1:$PHI_MILTER_PORT"
  else
    phi_wait_for 15 test -S "$PHI_MILTER_SOCK" || phi_fail "phimilter did not create $PHI_MILTER_SOCK"
  fi
  phi_alive "$PHI_MILTER_PID" || phi_fail "phimilter exited at start-up"
}

phi_stop_milter() {
  [ -n "$PHI_MILTER_PID" ] || return 0
  phi_kill "$PHI_MILTER_PID" 15
  PHI_MILTER_PID=
}

# phi_route DOMAIN [NEXTHOP]: mail for DOMAIN goes to NEXTHOP (a transport(5)
# value, default the sink NAME=DOMAIN's port when such a sink exists, else the
# default sink). Call before phi_start_postfix.
phi_route() {
  _phi_next=$2
  if [ -z "$_phi_next" ]; then
    if [ -f "$PHI_DIR/sink-$1.port" ]; then
      _phi_next="smtp:[127.0.0.1]:$(cat "$PHI_DIR/sink-$1.port")"
    else
      _phi_next="smtp:[127.0.0.1]:$PHI_SINK_PORT"
    fi
  fi
  printf '%s %s\n' "$1" "$_phi_next" >>"$PHI_CONF/transport"
}

# phi_make_cert [CN]: a self-signed certificate in $PHI_DIR/tls/.
phi_make_cert() {
  mkdir -p "$PHI_DIR/tls"
  [ -f "$PHI_DIR/tls/cert.pem" ] && return 0
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=${1:-$PHI_HOSTNAME}" \
    -keyout "$PHI_DIR/tls/key.pem" -out "$PHI_DIR/tls/cert.pem" >"$PHI_DIR/tls/openssl.log" 2>&1 ||
    { cat "$PHI_DIR/tls/openssl.log" >&2; phi_fail "openssl could not make a certificate"; }
  chmod 600 "$PHI_DIR/tls/key.pem"
}

# phi_tls_maincf: make a certificate and print the main.cf lines that offer STARTTLS.
phi_tls_maincf() {
  phi_make_cert
  cat <<EOF
smtpd_tls_cert_file = $PHI_DIR/tls/cert.pem
smtpd_tls_key_file = $PHI_DIR/tls/key.pem
smtpd_tls_security_level = may
smtpd_tls_loglevel = 1
EOF
}

phi_write_main_cf() {
  cat >"$PHI_CONF/main.cf" <<EOF
# generated by tests/integration/lib.sh: a private Postfix on 127.0.0.1
compatibility_level = 3.6
queue_directory = $PHI_DIR/queue
data_directory = $PHI_DIR/data
mail_owner = postfix
setgid_group = postdrop
myhostname = $PHI_HOSTNAME
mydomain = phi-test.example
myorigin = \$myhostname
mydestination =
local_recipient_maps =
local_transport = error:5.1.1 no local delivery in the phimilter test instance
alias_maps =
alias_database =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
smtp_bind_address = 127.0.0.1
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
relayhost = [127.0.0.1]:$PHI_SINK_PORT
transport_maps = texthash:$PHI_CONF/transport
maillog_file = $PHI_MAILLOG
maillog_file_prefixes = $PHI_DIR
smtpd_banner = \$myhostname ESMTP phimilter-test
biff = no
append_dot_mydomain = no
delay_warning_time = 0
smtpd_milters = $PHI_MILTER_SPEC
non_smtpd_milters = \$smtpd_milters
milter_default_action = tempfail
milter_protocol = 6
milter_connect_timeout = 10s
milter_command_timeout = 30s
EOF
  cat "$PHI_CONF/main.cf.extra" >>"$PHI_CONF/main.cf"
}

phi_write_master_cf() {
  cat >"$PHI_CONF/master.cf" <<EOF
# generated by tests/integration/lib.sh: nothing chrooted
127.0.0.1:$PHI_SMTP_PORT inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
  cat "$PHI_CONF/master.cf.extra" >>"$PHI_CONF/master.cf"
}

# phi_start_postfix [MAIN.CF-LINES...]: write main.cf/master.cf (each argument
# may hold several lines; later lines override the defaults) and start the
# instance; sets PHI_SMTP_PORT. Starts the default sink first if none runs.
phi_start_postfix() {
  [ -n "${PHI_SINK_PORT:-}" ] || phi_start_sink
  for _phi_line in "$@"; do printf '%s\n' "$_phi_line" >>"$PHI_CONF/main.cf.extra"; done
  PHI_SMTP_PORT=$(phi_free_port)
  phi_write_main_cf
  phi_write_master_cf
  : >"$PHI_MAILLOG"
  timeout 60 postfix -c "$PHI_CONF" check >"$PHI_DIR/postfix.start.log" 2>&1 ||
    phi_fail "postfix check failed (see postfix.start.log)"
  PHI_POSTFIX_STARTED=1
  timeout 60 postfix -c "$PHI_CONF" start >>"$PHI_DIR/postfix.start.log" 2>&1 ||
    phi_fail "postfix start failed (see postfix.start.log)"
  phi_wait_for 20 phi_port_listening "$PHI_SMTP_PORT" || phi_fail "Postfix did not listen on 127.0.0.1:$PHI_SMTP_PORT"
}

phi_master_pid() { sed -n '1s/ //gp' "$PHI_DIR/queue/pid/master.pid" 2>/dev/null; }

phi_stop_postfix() {
  [ -n "$PHI_POSTFIX_STARTED" ] || return 0
  PHI_POSTFIX_STARTED=
  _phi_mpid=$(phi_master_pid)
  timeout 30 postfix -c "$PHI_CONF" stop >>"$PHI_DIR/postfix.start.log" 2>&1
  if [ -n "$_phi_mpid" ] && ! phi_wait_for 15 phi_dead "$_phi_mpid"; then
    kill -KILL "$_phi_mpid" 2>/dev/null
  fi
  return 0
}

# --- mail ------------------------------------------------------------------------

# phi_send [SWAKS-OPTIONS...]: one SMTP transaction through our Postfix, with
# defaults for server, sender, recipient and HELO that later options override.
# The transcript is in $PHI_SWAKS_LOG; returns swaks's status.
phi_send() {
  PHI_SEND_COUNT=$((PHI_SEND_COUNT + 1))
  PHI_SWAKS_LOG=$PHI_DIR/swaks.$PHI_SEND_COUNT.log
  timeout 120 swaks --server 127.0.0.1 --port "$PHI_SMTP_PORT" --timeout 30 \
    --helo client.phi-test.example --from "$PHI_SENDER" --to "$PHI_RECIPIENT" \
    "$@" >"$PHI_SWAKS_LOG" 2>&1
}

# phi_sent_count: deliveries Postfix logged as sent.
phi_sent_count() { grep -c ' status=sent ' "$PHI_MAILLOG" 2>/dev/null || true; }

_phi_sent_at_least() { [ "$(phi_sent_count)" -ge "$1" ]; }

# phi_wait_delivered N [SECONDS]: wait until N deliveries are logged as sent.
phi_wait_delivered() {
  phi_wait_for "${2:-30}" _phi_sent_at_least "$1" ||
    phi_fail "$(phi_sent_count) of $1 message(s) delivered within ${2:-30}s"
}

# phi_wait_log FILE ERE [SECONDS]: wait until FILE has a line matching ERE.
phi_wait_log() {
  phi_wait_for "${3:-30}" grep -Eq -- "$2" "$1" || phi_fail "no line /$2/ in $1 within ${3:-30}s"
}

# phi_delivered_files [SINK-NAME]: the captured messages, oldest first.
phi_delivered_files() {
  _phi_d=$PHI_DIR/sink-${1:-default}
  [ -d "$_phi_d" ] || return 0
  ls -tr "$_phi_d" | sed "s|^|$_phi_d/|"
}

phi_delivered_count() { phi_delivered_files "$@" | wc -l | tr -d ' '; }

# phi_find_delivered ERE [SINK-NAME]: the captured message whose text matches ERE.
phi_find_delivered() {
  for _phi_f in $(phi_delivered_files "${2:-default}"); do
    if grep -Eq -- "$1" "$_phi_f"; then echo "$_phi_f"; return 0; fi
  done
  return 1
}

# phi_headers FILE: the message header of FILE, unfolded, without smtp-sink's
# own X-Client-*/X-Helo-*/X-Mail-*/X-Rcpt-* lines.
phi_headers() {
  tr -d '\r' <"$1" | awk '
    /^$/ { exit }
    /^[ \t]/ { line = line " " substr($0, match($0, /[^ \t]/)); next }
    { if (line != "") print line; line = $0 }
    END { if (line != "") print line }' |
    grep -Ev '^X-(Client-Addr|Client-Proto|Helo-Args|Mail-Args|Rcpt-Args):'
}

# phi_header FILE NAME: the value of each NAME field in FILE, one per line.
phi_header() {
  phi_headers "$1" | awk -v n="$2" '
    { i = index($0, ":"); if (i && tolower(substr($0, 1, i - 1)) == tolower(n)) {
        v = substr($0, i + 1); sub(/^[ \t]+/, "", v); print v } }'
}

# phi_queue_ids [QUEUE]: ids of messages in Postfix's queue (all, or e.g. hold).
phi_queue_ids() {
  timeout 20 postqueue -c "$PHI_CONF" -j 2>/dev/null |
    { if [ -n "${1:-}" ]; then grep "\"queue_name\": *\"$1\""; else cat; fi; } |
    sed -n 's/.*"queue_id": *"\([^"]*\)".*/\1/p'
}

# phi_postcat QUEUE-ID: the queued message (envelope and content).
phi_postcat() { timeout 20 postcat -c "$PHI_CONF" -q "$1"; }

phi_init
