# e2e_load.sh - bench/e2e's load test (sourced by e2e_lib.sh): mail under
# SIGUSR1 reloads, then every message accounted for.

E2E_LOAD_SENDER=load@client.phi-test.example

# The five kinds of mail: "file recipient outcome", the outcome the shipped
# policy gives it (PHI to a mandatory-TLS domain is routed over TLS and
# delivered, to an opportunistic one escrowed; PHI in the Subject refused).
e2e_load_classes() {
  cat <<EOF
phi-10k.eml lt-phi-sec@secure.phi-test.example delivered
phi-1k.eml lt-phi-ins@insecure.phi-test.example escrowed
biz-10k.eml lt-biz-sec@secure.phi-test.example delivered
biz-1k.eml lt-biz-ins@insecure.phi-test.example delivered
phisubj-10k.eml lt-subj@insecure.phi-test.example refused
EOF
}

# e2e_refused OUTFILE: messages smtp-source -A reported as refused (a 4xx or
# 5xx reply to MAIL, RCPT, DATA or the end of data; one line per message).
e2e_refused() {
  # smtp-source -A says e.g. "warning: end of data rejected: 550 5.7.1 ..."
  grep -Ec 'warning: (sender|recipient|data|end of data) rejected: [45][0-9][0-9]' "$1" 2>/dev/null || true
}

# e2e_delivered: "ORIGINALS NOTICES": deliveries to the sink of messages from
# the load sender, split into originals and escrow pickup notices (a message
# phimilter rewrote into its notice keeps its queue id; phimilter's log names
# it on the "escrow: entry ... rewritten into the notice" line).
e2e_delivered() {
  awk -v s="from=<$E2E_LOAD_SENDER>," '
    FNR == 1 { file++ }
    file == 1 && /: escrow: entry .*rewritten into the notice/ { split($0, f, ": "); notice[f[2]] = 1; next }
    file == 2 && index($0, s) { split($0, f, ": "); ids[f[2]] = 1 }
    file == 2 && / status=sent / && / to=<lt-/ { split($0, f, ": "); if (f[2] in ids) { if (f[2] in notice) nc++; else oc++ } }
    END { print oc + 0, nc + 0 }' "$PHI_DIR/milter-unix.log" "$PHI_MAILLOG"
}

e2e_queued() {  # hold|deferred|active|incoming: load-sender messages in that queue
  timeout 20 postqueue -c "$PHI_CONF" -j 2>/dev/null | grep "\"queue_name\": *\"$1\"" |
    grep -c "\"sender\": *\"$E2E_LOAD_SENDER\"" || true
}

e2e_escrow_count() {
  [ -d "$E2E_ESCROW_ROOT/escrow-unix" ] || { echo 0; return 0; }
  "$PHIMILTERCTL" escrow -c "$PHI_DIR/phimilter-unix.conf" list 2>/dev/null | awk 'NR > 1 && !/^ / { c++ } END { print c + 0 }'
}

# e2e_reload I: toggle a setting, SIGUSR1, wait (bounded) for the I-th reload.
e2e_reload() {
  if [ $(($1 % 2)) = 1 ]; then _x="TagShowCategories yes"; else _x="TagShowCategories no"; fi
  e2e_phimilter_conf unix "unix:$PHI_MILTER_SOCK" "$_x"
  kill -USR1 "$E2E_PHI_PID_unix"
  phi_wait_for 60 _e2e_reloaded_at_least "$(($1 + E2E_RELOADS0))" || phi_fail "reload $1 not logged within 60s"
}

e2e_load() {
  _n=$1 _s=$2 _r=$3
  _classes=$(e2e_load_classes | wc -l)
  _per=$((_n / _classes)) _spc=$((_s / _classes))
  [ "$_spc" -ge 1 ] || _spc=1
  e2e_drain
  E2E_RELOADS0=$(e2e_reloaded_count)
  _esc0=$(e2e_escrow_count)
  # (not _aud: e2e_key_lines, run by every reload, uses that name)
  _audlog=$PHI_DIR/audit-unix.log
  _aud0=0
  [ -f "$_audlog" ] && _aud0=$(wc -l <"$_audlog")
  echo
  phi_say "load test: $_n messages, $_s sessions, $_r reloads (SIGUSR1)"
  _t0=$(e2e_now)
  _pids= _i=0 _sent=0
  e2e_load_classes >"$PHI_DIR/load.classes"
  _want_delivered=0 _want_escrowed=0 _want_refused=0
  while read -r _file _rcpt _outcome; do
    _i=$((_i + 1))
    _m=$_per
    [ "$_i" = 1 ] && _m=$((_n - _per * (_classes - 1)))
    _sent=$((_sent + _m))
    case $_outcome in
      delivered) _want_delivered=$((_want_delivered + _m)) ;;
      escrowed) _want_escrowed=$((_want_escrowed + _m)) ;;
      refused) _want_refused=$((_want_refused + _m)) ;;
    esac
    E2E_SEND_TIMEOUT=${E2E_LOAD_TIMEOUT:-600} e2e_send "$PHI_SMTP_PORT" "$E2E_MSG/$_file" "$_m" "$_spc" "$_rcpt" \
      "$PHI_DIR/load.$_i.out" "$E2E_LOAD_SENDER" &
    _pids="$_pids $!"
  done <"$PHI_DIR/load.classes"
  _during=0 _k=1
  while [ "$_k" -le "$_r" ]; do
    e2e_any_alive $_pids && _during=$((_during + 1))
    e2e_reload "$_k"
    _k=$((_k + 1))
  done
  _fail=0
  for _p in $_pids; do wait "$_p" || _fail=$((_fail + 1)); done
  _t1=$(e2e_now)
  phi_alive "$E2E_PHI_PID_unix" || phi_fail "phimilter died during the load test"
  [ "$_fail" = 0 ] || phi_say "warning: $_fail smtp-source run(s) exited non-zero (see load.*.out)"
  e2e_drain 180
  _refused=0
  for _o in "$PHI_DIR"/load.*.out; do _refused=$((_refused + $(e2e_refused "$_o"))); done
  _dn=$(e2e_delivered)
  _delivered=${_dn% *} _notices=${_dn#* }
  _escrowed=$(($(e2e_escrow_count) - _esc0))
  _held=$(e2e_queued hold)
  _deferred=$(e2e_queued deferred)
  _sum=$((_delivered + _escrowed + _held + _refused))
  awk -v n="$_sent" -v a="$_t0" -v b="$_t1" 'BEGIN { printf "  sent %d in %.1f s (%.0f msgs/s)\n", n, b - a, n / (b - a) }'
  echo "  reloads: $_r ($_during started while mail was flowing), phimilter logged $(($(e2e_reloaded_count) - E2E_RELOADS0))"
  echo "  delivered $_delivered + escrowed $_escrowed + held $_held + refused $_refused = $_sum (deferred: $_deferred)"
  echo "  pickup notices delivered for the escrowed messages: $_notices"
  if [ -f "$_audlog" ]; then
    echo "  audit: $(($(wc -l <"$_audlog") - _aud0)) new lines; verify: $("$PHIMILTERCTL" audit -k "$PHI_DIR/audit.key" verify "$_audlog" 2>&1 | tail -1)"
    "$PHIMILTERCTL" audit -k "$PHI_DIR/audit.key" verify "$_audlog" >/dev/null 2>&1 || phi_fail "the audit chain does not verify"
  else
    echo "  audit: no audit log written (this phimilter does not audit yet)"
  fi
  [ "$_sum" = "$_sent" ] || phi_fail "load test: $_sent sent but $_sum accounted for"
  [ "$_notices" = "$_escrowed" ] || phi_fail "load test: $_escrowed escrowed but $_notices pickup notices delivered"
  # Each kind of mail had the outcome the policy gives it: a change that
  # refuses the PHI mail (or escrows nothing) is not "accounted for".
  [ "$_delivered $_escrowed $_refused" = "$_want_delivered $_want_escrowed $_want_refused" ] ||
    phi_fail "load test: expected delivered $_want_delivered, escrowed $_want_escrowed, refused $_want_refused" \
      "(the policy's outcome for each kind of mail), got $_delivered, $_escrowed, $_refused"
  [ "$(($(e2e_reloaded_count) - E2E_RELOADS0))" -ge "$_r" ] || phi_fail "fewer reloads logged than sent"
  phi_say "load test: every message accounted for"
}
