#!/bin/sh
# installed - the installed Debian package behind a real Postfix: what its
# maintainer scripts set up (user, groups, keys, directories and their
# modes), the unit's ExecStartPre and ExecStart run as systemd would run
# them on the installed configuration, the daemon as the phimilter user on
# the packaged socket path, reachable by Postfix's smtpd through the group
# the postinst gives it, stamping a message and escrowing PHI into the
# packaged escrow directory with the key the postinst generated.
#
# Only the log goes elsewhere: the configuration is /etc/phimilter's copy
# with LogTarget pointed at a file (there is no syslog daemon on a CI
# machine). Run by scripts/check-package after it installs the package;
# not part of make check (it needs the package installed).
PHIMILTER=/usr/sbin/phimilter
. "$(dirname "$0")/../integration/lib.sh"

CTL=/usr/sbin/phimilterctl
CONF=/etc/phimilter/phimilter.conf
UNIT=/lib/systemd/system/phimilter.service
SOCK=/var/spool/postfix/phimilter/phimilter.sock
[ -x "$CTL" ] && [ -f "$CONF" ] && [ -f "$UNIT" ] || phi_fail "the phimilter package is not installed"

# --- what the maintainer scripts set up ------------------------------------
id phimilter >/dev/null 2>&1 || phi_fail "the postinst made no phimilter user"
id -nG postfix | tr ' ' '\n' | grep -qx phimilter || phi_fail "postfix is not in the phimilter group"
phi_assert_eq "escrow key file" "$(stat -c '%U %a' /etc/phimilter/escrow.keys)" "phimilter 600"
phi_assert_eq "audit key file" "$(stat -c '%U %a %s' /etc/phimilter/audit.key)" "phimilter 600 32"
phi_assert_eq "audit log directory" "$(stat -c '%U %a' /var/log/phimilter)" "phimilter 750"
phi_assert_eq "escrow directory" "$(stat -c '%U %a' /var/lib/phimilter/escrow)" "phimilter 700"
phi_assert_eq "socket directory" "$(stat -c '%U %G %a' /var/spool/postfix/phimilter)" "phimilter phimilter 750"
phi_ok "postinst: user, group membership, escrow and audit keys, directories"

# --- the unit's commands on the installed configuration --------------------
# unit_lines KEY: the unit's KEY= command lines, run on the copied
# configuration and with $MAINPID the daemon started below.
unit_lines() {
  sed -n "s/^$1=//p" "$UNIT" | sed "s|$CONF|$PHI_DIR/installed.conf|; s|\$MAINPID|${PHI_MILTER_PID:-}|"
}
pre=$(unit_lines ExecStartPre)
start=$(unit_lines ExecStart)
[ -n "$pre" ] && [ -n "$start" ] || phi_fail "no ExecStartPre/ExecStart in $UNIT"
sed "s|^LogTarget .*|LogTarget $PHI_MILTER_LOG|" "$CONF" >"$PHI_DIR/installed.conf"
grep -q "^LogTarget $PHI_MILTER_LOG\$" "$PHI_DIR/installed.conf" || phi_fail "$CONF sets no LogTarget to redirect"
: >"$PHI_MILTER_LOG"
chown phimilter "$PHI_MILTER_LOG"
# shellcheck disable=SC2086 # the unit's command lines, split on blanks as systemd does
set -- $pre
"$@" >"$PHI_DIR/milter.check" 2>&1 || { cat "$PHI_DIR/milter.check" >&2; phi_fail "ExecStartPre ($pre) failed"; }
phi_ok "ExecStartPre accepts the installed configuration"

rm -f "$SOCK"
# shellcheck disable=SC2086
set -- $start
"$@" >"$PHI_DIR/milter.stderr" 2>&1 &
PHI_MILTER_PID=$!
phi_wait_for 15 test -S "$SOCK" || phi_fail "the daemon did not create $SOCK"
phi_alive "$PHI_MILTER_PID" || phi_fail "the daemon exited at start-up"
phi_assert_eq "daemon user" "$(ps -o user= -p "$PHI_MILTER_PID" | tr -d ' ')" phimilter
phi_assert_eq "socket owner and mode" "$(stat -c '%U %G %a' "$SOCK")" "phimilter phimilter 770"
phi_ok "ExecStart: the daemon runs as phimilter on $SOCK (0770)"
phi_wait_for 15 grep -q "config: config " "$PHI_MILTER_LOG" || phi_fail "no configuration summary logged at start"
phi_assert_match "start-up summary" "$(grep "config: config " "$PHI_MILTER_LOG")" \
  "mode enforce; policy /usr/share/phimilter/default.policy \([0-9]+ rules\); escrow on \(/var/lib/phimilter/escrow\); audit on \(/var/log/phimilter/audit.log\); DKIM verify on"
phi_assert_match "7z and RAR read through the package's bsdtar" "$(grep "config: config " "$PHI_MILTER_LOG")" \
  "; 7z/RAR on \(/usr/bin/bsdtar\)"
# The HEIF decoder the package installs is the built-in OcrHeifProgram
# (tesseract, only recommended by the package, is installed by scripts/setup).
[ -x /usr/bin/tesseract ] || phi_fail "tesseract missing: scripts/setup installs tesseract-ocr"
phi_assert_match "HEIF photos decoded by the package's phimilter-heif" "$(grep "config: config " "$PHI_MILTER_LOG")" \
  "OCR on \(/usr/bin/tesseract -l eng, pages turned upright, HEIF by /usr/libexec/phimilter/phimilter-heif\)"
phi_assert_no_match "no escrow rule without escrow" "$(cat "$PHI_MILTER_LOG")" "config: rule .* escrows, but escrow is off"
# The shipped file leaves TLSPolicyMap to the site: until it is set, the log
# says that the policy's tls-mandatory rules can never apply.
phi_assert_match "the unset TLSPolicyMap is pointed out" "$(grep "config: rule " "$PHI_MILTER_LOG")" \
  "rule phi-tls .* no TLSPolicyMap is set and TLSDefaultLevel is may"

# --- mail through a real Postfix whose smtpd reaches the socket as postfix --
PHI_MILTER_SPEC=unix:$SOCK
phi_start_sink
phi_start_postfix
phi_send --h-Subject "quarterly review" --body "The meeting moves to Thursday." || phi_fail "swaks failed, see $PHI_SWAKS_LOG"
phi_wait_delivered 1 60
f=$(phi_find_delivered "^Subject: quarterly review") || phi_fail "the plain message was not delivered"
phi_header "$f" TLS-Provenance | grep -q "tls=plaintext" || phi_fail "no TLS-Provenance stamp on the delivered message"
phi_ok "a plain message is delivered with its TLS-Provenance stamp"

SSN=536-22-8174
printf 'From: Clinic <%s>\r\nTo: %s\r\nSubject: lab results\r\nMessage-ID: <pkg.%s@client.phi-test.example>\r\n\r\nPatient: John Smith, DOB 03/14/1962, SSN %s\r\nDiagnosis: type 2 diabetes mellitus (E11.9).\r\n' \
  "$PHI_SENDER" "$PHI_RECIPIENT" "$$" "$SSN" >"$PHI_DIR/phi.eml"
phi_send --data "$PHI_DIR/phi.eml" || phi_fail "swaks failed, see $PHI_SWAKS_LOG"
phi_wait_delivered 2 60
f=$(phi_find_delivered "^Subject: Secure message waiting for you") || phi_fail "no pickup notice delivered"
grep -q "$SSN" "$f" && phi_fail "the SSN was delivered"
entries=$("$CTL" escrow -c "$CONF" list | awk 'NR > 1' | wc -l)
phi_assert_eq "escrow entries" "$entries" 1
phi_assert_eq "entry owner" "$(stat -c %U /var/lib/phimilter/escrow/* | sort -u)" phimilter
phi_ok "PHI to an opportunistic-TLS domain is escrowed with the generated key; the recipient gets the notice"

# PHI only inside a 7z attachment: bsdtar, run by the daemon as phimilter in its sandbox, unpacks it.
mkdir -p "$PHI_DIR/7z"
printf 'Patient: John Smith, DOB 03/14/1962, SSN %s\nDiagnosis: type 2 diabetes mellitus (E11.9).\n' "$SSN" \
  >"$PHI_DIR/7z/labs.txt"
bsdtar --format 7zip -cf "$PHI_DIR/labs.7z" -C "$PHI_DIR/7z" labs.txt || phi_fail "could not write the 7z archive"
phi_send --h-Subject "files" --body "See attached." --attach-type application/x-7z-compressed \
  --attach-name labs.7z --attach @"$PHI_DIR/labs.7z" || phi_fail "swaks failed, see $PHI_SWAKS_LOG"
phi_wait_delivered 3 60
entries=$("$CTL" escrow -c "$CONF" list | awk 'NR > 1' | wc -l)
phi_assert_eq "escrow entries after the 7z" "$entries" 2
phi_ok "PHI only inside a 7z attachment is escrowed by the installed daemon"

# PHI only in a phone's photo of a referral (HEIC): phimilter-heif and
# tesseract, run by the daemon as phimilter in their sandbox, where no
# thread may start (RLIMIT_NPROC 0 binds this user), read it.
phi_send --h-Subject "photo" --body "Photo attached." --attach-type image/heic \
  --attach-name IMG_0412.HEIC --attach @"$(dirname "$0")/../unit/milter/data/referral.heic" ||
  phi_fail "swaks failed, see $PHI_SWAKS_LOG"
phi_wait_delivered 4 60
entries=$("$CTL" escrow -c "$CONF" list | awk 'NR > 1' | wc -l)
phi_assert_eq "escrow entries after the HEIC photo" "$entries" 3
phi_ok "PHI only in a HEIC photo is escrowed by the installed daemon"

# --- the unit's ExecReload: the configuration reread and the audit log
# reopened by the daemon, which runs as phimilter by now ---------------------
reloads=$(unit_lines ExecReload)
[ "$(printf '%s\n' "$reloads" | grep -c .)" -eq 2 ] || phi_fail "expected two ExecReload lines in $UNIT"
_ifs=$IFS
IFS='
'
for line in $reloads; do
  IFS=$_ifs
  # shellcheck disable=SC2086
  set -- $line
  "$@" >"$PHI_DIR/reload.out" 2>&1 || { cat "$PHI_DIR/reload.out" >&2; phi_fail "ExecReload ($line) failed"; }
done
IFS=$_ifs
phi_wait_for 15 grep -q "config: reloaded" "$PHI_MILTER_LOG" || phi_fail "no reload logged after ExecReload"
phi_assert_no_match "no reload errors" "$(cat "$PHI_MILTER_LOG")" "reload failed|reload: "
phi_send --h-Subject "after reload" --body "Agenda attached." || phi_fail "swaks failed, see $PHI_SWAKS_LOG"
phi_wait_delivered 5 60
phi_ok "ExecReload rereads the configuration and mail still flows"

# --- the audit log the shipped configuration turns on ----------------------
"$CTL" audit verify /var/log/phimilter/audit.log >"$PHI_DIR/verify.out" 2>&1 ||
  { cat "$PHI_DIR/verify.out" >&2; phi_fail "phimilterctl audit verify failed"; }
phi_assert_eq "audit log owner" "$(stat -c %U /var/log/phimilter/audit.log)" phimilter
n=$(grep -c '"kind":"message"' /var/log/phimilter/audit.log)
phi_assert_eq "audited messages" "$n" 5
grep -q "$SSN" /var/log/phimilter/audit.log && phi_fail "the SSN is in the audit log"
phi_ok "the audit log records the 5 messages, verifies with the generated key and holds no PHI"

# --- the daily purge: the timer's service removes expired entries only -----
PURGE=/lib/systemd/system/phimilter-purge.service
TIMER=/lib/systemd/system/phimilter-purge.timer
[ -f "$PURGE" ] && [ -f "$TIMER" ] || phi_fail "the purge service and timer are not installed"
grep -q '^OnCalendar=' "$TIMER" || phi_fail "$TIMER has no OnCalendar="
user=$(sed -n 's/^User=//p' "$PURGE")
purge=$(sed -n 's/^ExecStart=//p' "$PURGE")
[ "$user" = phimilter ] && [ -n "$purge" ] || phi_fail "$PURGE: expected User=phimilter and an ExecStart="
as_user() { setpriv --reuid="$user" --regid="$user" --init-groups "$@"; }
# An entry that expires in a second, escrowed by test mode (not audited) as
# the daemon's user with the installed key; the three from above expire in
# 30 days.
{ sed '/^AuditLog/d' "$PHI_DIR/installed.conf"; echo "EscrowRetention 1s"; } >"$PHI_DIR/short.conf"
chmod 644 "$PHI_DIR/short.conf" "$PHI_DIR/phi.eml"
as_user "$PHIMILTER" -t -E -c "$PHI_DIR/short.conf" -s "$PHI_SENDER" -r "$PHI_RECIPIENT" -D client_addr=127.0.0.1 \
  "$PHI_DIR/phi.eml" >"$PHI_DIR/short.json" 2>&1 || { cat "$PHI_DIR/short.json" >&2; phi_fail "test mode escrow failed"; }
phi_assert_eq "entries before the purge" "$(ls /var/lib/phimilter/escrow | wc -l)" 4
sleep 2
# shellcheck disable=SC2086
as_user $purge >"$PHI_DIR/purge.out" 2>&1 || { cat "$PHI_DIR/purge.out" >&2; phi_fail "the purge service's command failed"; }
phi_assert_match "purge output" "$(cat "$PHI_DIR/purge.out")" "^1 expired entry removed"
phi_assert_eq "entries after the purge" "$("$CTL" escrow -c "$CONF" list | awk 'NR > 1' | wc -l)" 3
phi_ok "the purge timer's service, as phimilter, removes the expired entry and keeps the others"
