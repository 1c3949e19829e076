# e2e_lib.sh - the functions of bench/e2e (sourced after tests/integration/lib.sh)
#
# Milters: e2e_start_all_milters, e2e_start_phimilter SOCKETKIND. Postfix:
# e2e_start_discard_sink, e2e_listeners. Measurements: e2e_throughput,
# e2e_latency, e2e_print_rss, e2e_memory, e2e_load. Files live in $PHI_DIR;
# ports in $PHI_DIR/listeners ("name port milter-spec" per line).

# --- helpers -------------------------------------------------------------------

e2e_now() { date +%s.%N; }

# e2e_cpu_ticks: "busy idle" clock ticks of the whole machine so far (/proc/stat):
# busy is user + nice + system + irq + softirq, idle is idle + iowait; steal
# (time the hypervisor gave to someone else) is neither.
e2e_cpu_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8, $5 + $6; exit }' /proc/stat; }
E2E_CLK_TCK=$(getconf CLK_TCK 2>/dev/null) || E2E_CLK_TCK=100

# e2e_unix_sock NAME: a short socket path (sun_path is 108 bytes).
e2e_unix_sock() { echo "$PHI_DIR/$1.sock"; }

e2e_wait_socket() {  # SPEC PID WHAT
  case $1 in
    unix:*) phi_wait_for 30 test -S "${1#unix:}" ;;
    inet:*) phi_wait_for 30 phi_port_listening "${1##*:}" ;;
  esac || phi_fail "$3 did not open $1"
  phi_alive "$2" || phi_fail "$3 exited at start-up"
}

# e2e_libmilter_conn SPEC: Postfix "inet:127.0.0.1:P" -> libmilter "inet:P@127.0.0.1".
e2e_libmilter_conn() {
  case $1 in
    inet:*) echo "inet:${1##*:}@127.0.0.1" ;;
    *) echo "$1" ;;
  esac
}

e2e_spec() {  # KIND NAME: a milter address of that kind for Postfix
  if [ "$1" = unix ]; then echo "unix:$(e2e_unix_sock "$2")"; else echo "inet:127.0.0.1:$(phi_free_port)"; fi
}

e2e_vmhwm_kb() { sed -n 's/^VmHWM:[ \t]*\([0-9]*\) kB/\1/p' "/proc/$1/status" 2>/dev/null; }
e2e_vmrss_kb() { sed -n 's/^VmRSS:[ \t]*\([0-9]*\) kB/\1/p' "/proc/$1/status" 2>/dev/null; }

# e2e_queue_busy: true while messages wait in incoming, active or maildrop.
e2e_queue_busy() {
  [ -n "$(find "$PHI_DIR/queue/incoming" "$PHI_DIR/queue/active" "$PHI_DIR/queue/maildrop" -type f 2>/dev/null | head -1)" ]
}
e2e_queue_idle() { ! e2e_queue_busy; }
e2e_drain() { phi_wait_for "${1:-120}" e2e_queue_idle || phi_say "warning: queue not drained within ${1:-120}s"; }

# --- messages ------------------------------------------------------------------

# e2e_make_message KIND BYTES FILE [SUBJECT]: clinical text with PHI (KIND
# phi) or business text without (KIND biz), at least BYTES long.
e2e_make_message() {
  awk -v kind="$1" -v size="$2" -v subj="${4:-}" -v id="$(basename "$3" .eml)" '
    BEGIN {
      srand(7)
      if (subj == "") subj = (kind == "phi") ? "Discharge summary and follow-up" : "Quarterly review notes"
      h = "From: \"Bench Sender\" <bench@client.phi-test.example>\n"
      h = h "To: <rcpt@bench.phi-test.example>\nSubject: " subj "\n"
      h = h "Date: Mon, 09 Mar 2026 12:10:00 -0500\nMessage-ID: <" id "@client.phi-test.example>\n"
      h = h "MIME-Version: 1.0\nContent-Type: text/plain; charset=\"us-ascii\"\n\n"
      printf "%s", h; n = length(h)
      split("Sarah Hill|Robert Baker|Maria Lopez|James Carter|Linda Nguyen|David Brooks", names, "|")
      for (i = 0; n < size; i++) {
        if (kind == "phi") {
          nm = names[i % 6 + 1]
          p = sprintf("DISCHARGE SUMMARY %d\nName: %s   SSN: %03d-%02d-%04d   MRN: %07d\n", i, nm, 201 + i % 600, 10 + i % 89, 1000 + (i * 37) % 8999, 4400000 + i)
          p = p sprintf("Date of birth: 19%02d-%02d-%02d\n", 40 + i % 59, 1 + i % 12, 1 + i % 28)
          p = p "Principal diagnosis: type 2 diabetes mellitus (E11.9); essential hypertension (I10).\n"
          p = p "Discharge medications: metformin 500 mg twice daily, lisinopril 10 mg, aspirin 81 mg.\n"
          p = p "Follow up with endocrinology in two weeks; repeat HbA1c and basic metabolic panel.\n\n"
        } else {
          p = sprintf("Section %d. The regional team reviewed the pipeline for the coming quarter and\n", i)
          p = p "agreed to move the vendor onboarding meeting to Thursday afternoon. Marketing will\n"
          p = p "share the revised brochure drafts with the design group before the offsite, and the\n"
          p = p "facilities office confirmed that the new conference room booking system goes live\n"
          p = p "next month. Please send comments on the travel policy update by Friday.\n\n"
        }
        printf "%s", p; n += length(p)
      }
    }' >"$3"
}

e2e_make_messages() {
  E2E_MSG=$PHI_DIR/msg
  mkdir -p "$E2E_MSG"
  for _k in 1 10 100; do
    e2e_make_message phi $((_k * 1024)) "$E2E_MSG/phi-${_k}k.eml"
    e2e_make_message biz $((_k * 1024)) "$E2E_MSG/biz-${_k}k.eml"
  done
  e2e_make_message phi 10240 "$E2E_MSG/phisubj-10k.eml" "Follow-up for Sarah Hill SSN 707-67-3245 diabetes"
  # Sanity: phimilter's test mode must see PHI in the one kind and none in
  # the other, and PHI in the Subject of phisubj only: the shipped policy
  # refuses such mail rather than escrowing it, so no run would measure the
  # escrow path if the others' Subject counted.
  "$PHIMILTER" -t "$E2E_MSG"/*.eml >"$PHI_DIR/msg.json" 2>/dev/null
  for _f in "$E2E_MSG"/*.eml; do
    _want=false _subj=false
    case $(basename "$_f") in phisubj*) _want=true _subj=true ;; phi*) _want=true ;; esac
    _v=$(grep -F "\"file\":\"$_f\"" "$PHI_DIR/msg.json")
    [ -n "$_v" ] || { phi_say "warning: $(basename "$_f"): phimilter -t gave no verdict"; continue; }
    case $_v in *"\"phi\":$_want"*) ;; *) phi_say "warning: $(basename "$_f"): phimilter -t does not say phi=$_want" ;; esac
    case $_v in *"\"phi_in_subject\":$_subj"*) ;; *) phi_fail "$(basename "$_f"): phimilter -t does not say phi_in_subject=$_subj" ;; esac
  done
}

# --- milters -------------------------------------------------------------------

# e2e_key_lines NAME: escrow and audit settings for phimilter instance NAME,
# each group only when this phimilter accepts it (the keys exist).
e2e_key_lines() {
  if [ ! -f "$PHI_DIR/escrow.key" ]; then
    (umask 077; printf 'bench1 %s\n' "$(openssl rand -hex 32)" >"$PHI_DIR/escrow.key"
     openssl rand -hex 32 >"$PHI_DIR/audit.key")
  fi
  mkdir -p "$E2E_ESCROW_ROOT/escrow-$1" && chmod 700 "$E2E_ESCROW_ROOT/escrow-$1"
  _esc="EscrowKeyFile $PHI_DIR/escrow.key
EscrowDirectory $E2E_ESCROW_ROOT/escrow-$1
PortalURL https://pickup.phi-test.example/p/"
  _aud="AuditLog $PHI_DIR/audit-$1.log
AuditKeyFile $PHI_DIR/audit.key
AuditCheckpointFile $PHI_DIR/audit-$1.checkpoints"
  case " ${E2E_PHIMILTER_OMIT:-} " in *" escrow "*) _esc= ;; esac
  case " ${E2E_PHIMILTER_OMIT:-} " in *" audit "*) _aud= ;; esac
  for _grp in "$_esc" "$_aud"; do
    [ -n "$_grp" ] || continue
    printf 'Socket unix:%s/probe.sock\n%s\n' "$PHI_DIR" "$_grp" >"$PHI_DIR/probe.conf"
    if "$PHIMILTER" -n -c "$PHI_DIR/probe.conf" >/dev/null 2>&1; then printf '%s\n' "$_grp"; fi
  done
}

# e2e_phimilter_conf NAME SPEC [EXTRA-LINES]: write $PHI_DIR/phimilter-NAME.conf.
e2e_phimilter_conf() {
  if [ ! -f "$PHI_DIR/tls_policy" ]; then
    printf 'secure.phi-test.example encrypt\n' >"$PHI_DIR/tls_policy"
    if [ "${E2E_TLS_TABLE:-texthash}" = hash ]; then  # postmap wants a main.cf; Postfix's own comes later
      mkdir -p "$PHI_DIR/postmap-cf"
      echo "compatibility_level = 3.6" >"$PHI_DIR/postmap-cf/main.cf"
      postmap -c "$PHI_DIR/postmap-cf" "hash:$PHI_DIR/tls_policy" || phi_fail "postmap hash:$PHI_DIR/tls_policy"
    fi
  fi
  {
    echo "# generated by bench/e2e: default policy"
    echo "Socket $(e2e_libmilter_conn "$2")"
    echo "LogTarget $PHI_DIR/milter-$1.log"
    echo "UMask 000"
    echo "TLSPolicyMap ${E2E_TLS_TABLE:-texthash}:$PHI_DIR/tls_policy"
    [ "${E2E_TLS_TABLE:-texthash}" != hash ] || echo "PostfixConfigDir $PHI_DIR/postmap-cf"
    e2e_key_lines "$1"
    [ -z "${E2E_PHIMILTER_CONF:-}" ] || printf '%s\n' "$E2E_PHIMILTER_CONF"
    [ -z "${3:-}" ] || printf '%s\n' "$3"
  } >"$PHI_DIR/phimilter-$1.conf.new"
  mv "$PHI_DIR/phimilter-$1.conf.new" "$PHI_DIR/phimilter-$1.conf"
}

# e2e_start_phimilter KIND: phimilter on a unix or inet socket; sets
# E2E_PHI_PID_<KIND>, E2E_PHI_SPEC_<KIND>. The unix one uses $PHI_MILTER_SOCK,
# which is what the main listener's smtpd_milters names.
e2e_start_phimilter() {
  if [ "$1" = unix ]; then _spec="unix:$PHI_MILTER_SOCK"; else _spec=$(e2e_spec inet phi); fi
  e2e_phimilter_conf "$1" "$_spec"
  "$PHIMILTER" -n -c "$PHI_DIR/phimilter-$1.conf" >"$PHI_DIR/milter-$1.check" 2>&1 ||
    { cat "$PHI_DIR/milter-$1.check" >&2; phi_fail "phimilter -n rejected phimilter-$1.conf"; }
  "$PHIMILTER" -f -c "$PHI_DIR/phimilter-$1.conf" >"$PHI_DIR/milter-$1.stderr" 2>&1 &
  _pid=$!
  E2E_PIDS="$E2E_PIDS $_pid"
  eval "E2E_PHI_PID_$1=$_pid E2E_PHI_SPEC_$1=\$_spec"
  e2e_wait_socket "$_spec" "$_pid" "phimilter ($1)"
}

e2e_start_noop() {  # KIND
  [ -x "$NOOP_MILTER" ] || phi_skip "$NOOP_MILTER not built (make bench)"
  _spec=$(e2e_spec "$1" noop)
  (umask 000; exec "$NOOP_MILTER" "$(e2e_libmilter_conn "$_spec")") >"$PHI_DIR/noop-$1.log" 2>&1 &
  E2E_PIDS="$E2E_PIDS $!"
  eval "E2E_NOOP_SPEC_$1=\$_spec"
  e2e_wait_socket "$_spec" "$!" "noop_milter ($1)"
}

e2e_start_opendkim() {  # KIND
  command -v opendkim >/dev/null 2>&1 || phi_skip "opendkim not installed (package opendkim)"
  _spec=$(e2e_spec "$1" dkim)
  cat >"$PHI_DIR/opendkim-$1.conf" <<EOF
# generated by bench/e2e: verify only, no keys
Mode v
Socket $(e2e_libmilter_conn "$_spec")
Syslog no
Background no
UMask 000
AuthservID $PHI_HOSTNAME
PidFile $PHI_DIR/opendkim-$1.pid
EOF
  opendkim -f -x "$PHI_DIR/opendkim-$1.conf" >"$PHI_DIR/opendkim-$1.log" 2>&1 &
  E2E_PIDS="$E2E_PIDS $!"
  eval "E2E_DKIM_SPEC_$1=\$_spec"
  e2e_wait_socket "$_spec" "$!" "opendkim ($1)"
}

e2e_start_all_milters() {
  for _kind in unix inet; do
    e2e_start_noop "$_kind"
    e2e_start_opendkim "$_kind"
    e2e_start_phimilter "$_kind"
  done
}

# --- Postfix -------------------------------------------------------------------

# e2e_start_discard_sink: smtp-sink that keeps nothing; becomes the default sink.
e2e_start_discard_sink() {
  PHI_SINK_PORT=$(phi_free_port)
  echo "$PHI_SINK_PORT" >"$PHI_DIR/sink-default.port"
  smtp-sink -u postfix -h sink.phi-test.example "127.0.0.1:$PHI_SINK_PORT" 256 >"$PHI_DIR/sink.stderr" 2>&1 &
  PHI_SINK_PIDS="$PHI_SINK_PIDS $!"
  phi_wait_for 10 phi_port_listening "$PHI_SINK_PORT" || phi_fail "smtp-sink did not listen"
}

e2e_listener() {  # NAME MILTER-SPEC (empty: none)
  _port=$(phi_free_port)
  printf '%s %s %s\n' "$1" "$_port" "${2:--}" >>"$PHI_DIR/listeners"
  printf '127.0.0.1:%s inet n - n - - smtpd -o smtpd_milters=%s\n' "$_port" "$2" >>"$PHI_CONF/master.cf.extra"
}

# e2e_listeners all|phimilter: the extra smtpd listeners (the main one runs phimilter/unix).
e2e_listeners() {
  : >"$PHI_DIR/listeners"
  [ "$1" = all ] || return 0
  e2e_listener none ""
  for _kind in unix inet; do
    eval "e2e_listener noop-$_kind \$E2E_NOOP_SPEC_$_kind"
    eval "e2e_listener opendkim-$_kind \$E2E_DKIM_SPEC_$_kind"
    eval "e2e_listener phimilter-$_kind \$E2E_PHI_SPEC_$_kind"
  done
}

e2e_port() { awk -v n="$1" '$1 == n { print $2 }' "$PHI_DIR/listeners"; }

# --- throughput ----------------------------------------------------------------

# e2e_send PORT FILE COUNT SESSIONS RCPT OUT [SENDER]: smtp-source, bounded.
e2e_send() {
  timeout "${E2E_SEND_TIMEOUT:-600}" smtp-source -A -s "$4" -m "$3" -F "$2" -f "${7:-$SENDER}" -t "$5" \
    -M client.phi-test.example "127.0.0.1:$1" >"$6" 2>&1
}

# e2e_run NAME SIZE COUNT: one throughput cell; appends "SIZE NAME rate cpu idle"
# to results: msgs/s, the machine's busy CPU per message in ms and its idle
# share in percent, both over smtp-source's wall time.
e2e_run() {
  _port=$(e2e_port "$1")
  e2e_drain
  _half=$(($3 / 2))
  _c0=$(e2e_cpu_ticks)
  _t0=$(e2e_now)
  e2e_send "$_port" "$E2E_MSG/phi-$2.eml" "$_half" 5 "${E2E_RCPT:-rcpt@insecure.phi-test.example}" "$PHI_DIR/src.phi.out" &
  _p1=$!
  e2e_send "$_port" "$E2E_MSG/biz-$2.eml" "$_half" 5 "${E2E_RCPT:-rcpt@insecure.phi-test.example}" "$PHI_DIR/src.biz.out" &
  _p2=$!
  wait "$_p1"; _r1=$?
  wait "$_p2"; _r2=$?
  _t1=$(e2e_now)
  _c1=$(e2e_cpu_ticks)
  [ "$_r1" = 0 ] && [ "$_r2" = 0 ] || phi_fail "smtp-source failed for $1 $2 ($_r1/$_r2): $(cat "$PHI_DIR"/src.*.out | head -3)"
  # A refused message would make a milter look fast: every one must be accepted.
  ! grep -q 'rejected:' "$PHI_DIR/src.phi.out" "$PHI_DIR/src.biz.out" ||
    phi_fail "$1 $2: Postfix refused messages: $(grep -h 'rejected:' "$PHI_DIR"/src.*.out | head -2)"
  awk -v n=$((_half * 2)) -v a="$_t0" -v b="$_t1" -v c0="$_c0" -v c1="$_c1" -v hz="$E2E_CLK_TCK" -v cell="$2 $1" 'BEGIN {
    split(c0, x, " "); split(c1, y, " "); busy = y[1] - x[1]; idle = y[2] - x[2]
    printf "%s %.0f %.2f %.0f\n", cell, n / (b - a), busy * 1000 / hz / n, (busy + idle > 0 ? 100 * idle / (busy + idle) : 0)
  }' >>"$PHI_DIR/results"
}

# e2e_best SIZE NAME [FIELD]: of that cell's rounds, the best (highest msgs/s)
# one's msgs/s, or its FIELD (4: CPU ms per message, 5: idle %); 0 if none ran.
e2e_best() {
  awk -v s="$1" -v n="$2" -v f="${3:-3}" '$1 == s && $2 == n && $3 > m { m = $3; v = $f } END { print (v == "" ? 0 : v) }' "$PHI_DIR/results"
}

# A rate in the table: "-" for a configuration E2E_CONFIGS left out.
e2e_shown() { if [ "$1" = 0 ]; then echo -; else echo "$1"; fi; }

e2e_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

# The configurations the throughput and latency runs measure, in this order.
: "${E2E_CONFIGS:=none noop-unix opendkim-unix phimilter-unix noop-inet opendkim-inet phimilter-inet}"

e2e_throughput() {
  if [ -n "${E2E_CELLS:-}" ]; then
    set -- $E2E_CELLS
  elif [ "$QUICK" = 1 ]; then
    set -- 1k:200 10k:200 100k:60
  else
    set -- 1k:1000 10k:1000 100k:300
  fi
  : >"$PHI_DIR/results"
  phi_say "throughput: $ROUNDS round(s); 10 sessions (5 PHI + 5 business), one message per connection"
  _round=1
  while [ "$_round" -le "$ROUNDS" ]; do
    for _cell in "$@"; do
      for _name in $E2E_CONFIGS; do
        e2e_run "$_name" "${_cell%%:*}" "${_cell##*:}"
      done
    done
    _round=$((_round + 1))
  done
  e2e_drain
  e2e_print_table "$@"
  e2e_print_cpu "$@"
}

e2e_print_table() {
  printf '\n%-5s %-5s %9s %7s %9s %9s %9s %9s\n' size sock no-milter no-op opendkim phimilter phi/noop phi/none
  for _cell in "$@"; do
    _s=${_cell%%:*}
    _none=$(e2e_best "$_s" none)
    for _kind in unix inet; do
      _noop=$(e2e_best "$_s" "noop-$_kind")
      _dkim=$(e2e_best "$_s" "opendkim-$_kind")
      _phi=$(e2e_best "$_s" "phimilter-$_kind")
      printf '%-5s %-5s %9s %7s %9s %9s %9s %9s\n' "$_s" "$_kind" "$(e2e_shown "$_none")" "$(e2e_shown "$_noop")" \
        "$(e2e_shown "$_dkim")" "$(e2e_shown "$_phi")" \
        "$(e2e_ratio "$_phi" "$_noop")" "$(e2e_ratio "$_phi" "$_none")"
    done
    printf '%-11s phimilter inet/unix %s\n' "$_s" "$(e2e_ratio "$(e2e_best "$_s" phimilter-inet)" "$(e2e_best "$_s" phimilter-unix)")"
  done
  echo "(msgs/s, best of $ROUNDS; ratios are phimilter / no-op milter and phimilter / no milter)"
  [ "$ROUNDS" -ge 2 ] || return 0
  echo "phimilter / no-op round by round, median [lowest-highest] of $ROUNDS:"
  for _cell in "$@"; do
    printf '%-5s unix %-18s inet %s\n' "${_cell%%:*}" "$(e2e_paired "${_cell%%:*}" unix)" "$(e2e_paired "${_cell%%:*}" inet)"
  done
}

# e2e_paired SIZE KIND: "median [lowest-highest]" of phimilter / no-op over
# the rounds, each round's two runs taken within seconds of each other (-
# if none ran). The best-of table compares each one's least disturbed run;
# this shows how far the pairs spread on a shared machine.
e2e_paired() {
  awk -v s="$1" -v a="noop-$2" -v b="phimilter-$2" '
    $1 == s && $2 == a { x[++i] = $3 }
    $1 == s && $2 == b { y[++j] = $3 }
    END {
      for (k = 1; k <= i && k <= j; k++) if (x[k] > 0) r[++n] = y[k] / x[k]
      if (n == 0) { printf "-"; exit }
      for (p = 2; p <= n; p++) { v = r[p]; for (q = p - 1; q >= 1 && r[q] > v; q--) r[q + 1] = r[q]; r[q + 1] = v }
      printf "%.2f [%.2f-%.2f]", (n % 2) ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2, r[1], r[n]
    }' "$PHI_DIR/results"
}

# The machine's CPU in the runs the table shows: busy ms per message (every
# process: Postfix, smtp-source, the sink, the milter, the kernel) and the
# idle share. Equal CPU per message with a lower rate means the milter's
# sessions wait (for the disk, say) rather than compute.
e2e_print_cpu() {
  printf '\n%-5s %-5s %13s %13s %13s %13s\n' size sock no-milter no-op opendkim phimilter
  for _cell in "$@"; do
    _s=${_cell%%:*}
    for _kind in unix inet; do
      printf '%-5s %-5s' "$_s" "$_kind"
      for _name in none "noop-$_kind" "opendkim-$_kind" "phimilter-$_kind"; do
        if [ "$(e2e_best "$_s" "$_name")" = 0 ]; then
          printf ' %13s' -
        else
          printf ' %6s ms %2s%%' "$(e2e_best "$_s" "$_name" 4)" "$(e2e_best "$_s" "$_name" 5)"
        fi
      done
      echo
    done
  done
  echo "(the machine's busy CPU per message, all processes, and its idle share, in the runs above)"
}

# --- latency and memory ---------------------------------------------------------

e2e_latency() {
  command -v python3 >/dev/null 2>&1 || { phi_say "latency: skipped (no python3)"; return 0; }
  _n=300
  [ "$QUICK" = 1 ] && _n=60
  echo
  _size=${E2E_LATENCY_SIZE:-10k}
  echo "latency, one session at a time, $_size (PHI and business alternating), $_n messages each:"
  for _name in $E2E_CONFIGS; do
    e2e_drain
    python3 "$e2e_dir/smtp_latency.py" 127.0.0.1 "$(e2e_port "$_name")" "$_n" \
      "$E2E_MSG/phi-$_size.eml" "$E2E_MSG/biz-$_size.eml" >"$PHI_DIR/lat-$_name" ||
      phi_fail "smtp_latency.py failed against $_name"
    printf '  %-15s p50 %6s ms  p99 %6s ms\n' "$_name" $(cat "$PHI_DIR/lat-$_name")
  done
  # The difference needs both runs (E2E_CONFIGS may leave one out).
  [ -s "$PHI_DIR/lat-none" ] && [ -s "$PHI_DIR/lat-phimilter-unix" ] || return 0
  set -- $(cat "$PHI_DIR/lat-none") $(cat "$PHI_DIR/lat-phimilter-unix")
  awk -v a="$1" -v b="$2" -v c="$3" -v d="$4" \
    'BEGIN { printf "  phimilter (unix) added latency per message: p50 %.2f ms, p99 %.2f ms (over no milter)\n", c - a, d - b }'
}

e2e_print_rss() {
  echo
  for _kind in unix inet; do
    eval "_pid=\${E2E_PHI_PID_$_kind:-}"
    [ -n "$_pid" ] && printf 'phimilter (%s) peak RSS (VmHWM): %s MB\n' "$_kind" \
      "$(awk -v k="$(e2e_vmhwm_kb "$_pid")" 'BEGIN { printf "%.1f", k / 1024 }')"
  done
}

e2e_memory() {
  _pid=$E2E_PHI_PID_unix
  _f=$PHI_DIR/msg/big-50m.eml
  mkdir -p "$PHI_DIR/msg"
  e2e_make_message phi 50000000 "$_f"
  e2e_drain
  _esc0=$(du -sk "$E2E_ESCROW_ROOT/escrow-unix" | cut -f1)
  _rss0=$(e2e_vmrss_kb "$_pid")
  echo 5 >"/proc/$_pid/clear_refs" || phi_fail "cannot reset VmHWM"
  _t0=$(e2e_now)
  E2E_SEND_TIMEOUT=300 e2e_send "$PHI_SMTP_PORT" "$_f" 1 1 rcpt@insecure.phi-test.example "$PHI_DIR/src.big.out" ||
    phi_fail "the 50 MB message was not accepted: $(head -3 "$PHI_DIR/src.big.out")"
  _t1=$(e2e_now)
  _hwm=$(e2e_vmhwm_kb "$_pid")
  e2e_drain 300
  _esc1=$(du -sk "$E2E_ESCROW_ROOT/escrow-unix" | cut -f1)
  echo
  awk -v r="$_rss0" -v h="$_hwm" -v e0="$_esc0" -v e1="$_esc1" -v a="$_t0" -v b="$_t1" -v sz="$(wc -c <"$_f")" 'BEGIN {
    printf "50 MB message (%d bytes, PHI): accepted in %.1f s\n", sz, b - a
    printf "  phimilter RSS before %.1f MB, peak during %.1f MB: +%.1f MB; escrow spool +%.1f MB\n",
      r / 1024, h / 1024, (h - r) / 1024, (e1 - e0) / 1024 }'
  rm -f "$_f"
}

# --- load test -----------------------------------------------------------------

e2e_reloaded_count() { grep -c 'reloaded' "$PHI_DIR/milter-unix.log" 2>/dev/null || true; }
_e2e_reloaded_at_least() { [ "$(e2e_reloaded_count)" -ge "$1" ]; }

e2e_any_alive() { for _p in "$@"; do phi_alive "$_p" && return 0; done; return 1; }

# e2e_load N SESSIONS RELOADS
. "$e2e_dir/e2e_load.sh"
