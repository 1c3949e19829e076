# policy_lib.sh - shared set-up of the policy scenarios (003, 007, 008), sourced after lib.sh.
#
# SYNOPSIS
#   . "$(dirname "$0")/lib.sh"; . "$(dirname "$0")/policy_lib.sh"
#   phi_policy_setup          # TLS policy map, route-tls snippets, domains routed to the sink
#   phi_start_milter "$(phi_policy_milter_conf)" 'Mode monitor'
#   phi_start_postfix "$(phi_policy_maincf)"
#   phi_send_phi --to a@$PHI_SECURE_DOMAIN
#
# DESCRIPTION
#   Three recipient domains: $PHI_SECURE_DOMAIN (encrypt in the TLS policy
#   map: mandatory TLS), $PHI_OPP_DOMAIN (may: opportunistic) and
#   $PHI_WEBMAIL_DOMAIN (secure in the map, but in NeverSecureDomains).
#   phimilter reads the same texthash: map Postfix's smtp_tls_policy_maps
#   names. The route-tls snippets of contrib/postfix/ are installed as they
#   ship (master.cf entry smtp-tls, milter_header_checks FILTER), with only
#   the table path changed. smtp-sink offers no STARTTLS, so a message routed
#   through smtp-tls defers with "TLS is required": that is the proof that
#   the mandatory-TLS transport was used.
#   The test client connects from 127.0.0.1, which the default
#   InternalNetworks lists: its mail is outbound.

PHI_SECURE_DOMAIN=secure.phi-test.example
PHI_OPP_DOMAIN=opp.phi-test.example
PHI_WEBMAIL_DOMAIN=webmail.phi-test.example
PHI_PHI_MESSAGE=$top_srcdir/tests/integration/phi-referral.eml

phi_policy_setup() {
  cat >"$PHI_DIR/tls_policy" <<EOT
$PHI_SECURE_DOMAIN encrypt
$PHI_OPP_DOMAIN may
$PHI_WEBMAIL_DOMAIN secure
EOT
  sed "s|/etc/postfix/phimilter_route_tls|$PHI_CONF/phimilter_route_tls|" \
    "$top_srcdir/contrib/postfix/route-tls.main.cf" >"$PHI_DIR/route-tls.main.cf"
  cp "$top_srcdir/contrib/postfix/route-tls.header_checks" "$PHI_CONF/phimilter_route_tls"
  cat "$top_srcdir/contrib/postfix/route-tls.master.cf" >>"$PHI_CONF/master.cf.extra"
  for _phi_d in $PHI_SECURE_DOMAIN $PHI_OPP_DOMAIN $PHI_WEBMAIL_DOMAIN; do phi_route "$_phi_d"; done
}

# The phimilter.conf lines that name the map and the never-secure domain.
phi_policy_milter_conf() {
  printf 'TLSPolicyMap texthash:%s\nNeverSecureDomains %s\n' "$PHI_DIR/tls_policy" "$PHI_WEBMAIL_DOMAIN"
}

# main.cf lines: Postfix uses the same TLS policy map, plus the route-tls snippet.
phi_policy_maincf() {
  echo "smtp_tls_policy_maps = texthash:$PHI_DIR/tls_policy"
  echo "smtp_tls_loglevel = 1"
  phi_route_tls_maincf
}

# The route-tls snippet's main.cf line, plus a test-only fallback relay:
# "FILTER smtp-tls:" (empty next hop) sends to the recipient domain itself,
# bypassing transport_maps and relayhost, and the test domains have no DNS;
# smtp_fallback_relay takes such mail to the sink (which offers no TLS).
phi_route_tls_maincf() {
  grep -v '^#' "$PHI_DIR/route-tls.main.cf"
  echo "smtp_fallback_relay = [127.0.0.1]:$PHI_SINK_PORT"
}

# phi_send_phi [SWAKS-OPTIONS...]: send the PHI sample (a referral letter with
# name, date of birth, MRN, ICD-10 code and diagnosis) as the DATA.
phi_send_phi() { phi_send --data "$PHI_PHI_MESSAGE" "$@"; }

# phi_policy_log QUEUE-ID: the milter's per-message policy line for it.
phi_policy_log() { grep "$1: policy: direction=" "$PHI_MILTER_LOG" | tail -1; }

# phi_queue_id_of SWAKS-LOG: the queue id Postfix answered to DATA with.
phi_queue_id_of() { sed -n 's/.*250 2\.0\.0 Ok: queued as \([0-9A-Za-z]*\).*/\1/p' "$1" | tail -1; }
