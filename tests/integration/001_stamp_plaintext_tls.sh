#!/bin/sh
# 001_stamp_plaintext_tls - a real Postfix on 127.0.0.1 with phimilter attached
# stamps TLS-Provenance: tls=plaintext for a plain SMTP message, tls=encrypted
# version=TLSv1.3 with the cipher for a STARTTLS message, and removes a forged
# copy that claims our authserv-id.
. "$(dirname "$0")/lib.sh"

phi_start_sink
# The test client connects from loopback, which the default InternalHosts
# trusts as an internal relay; take it out so the forged copy below is seen
# as arriving from outside, as it would from a real client.
phi_start_milter "InternalHosts 192.0.2.250"
phi_start_postfix "$(phi_tls_maincf)"

phi_send --h-Subject "001 plaintext" || phi_fail "swaks (plaintext) failed, see $PHI_SWAKS_LOG"
phi_send --tls --h-Subject "001 starttls" || phi_fail "swaks (STARTTLS) failed, see $PHI_SWAKS_LOG"
grep -q 'TLS started' "$PHI_SWAKS_LOG" || phi_fail "swaks did not negotiate TLS"
# An earlier hop's header (kept) before a forged one (removed): the delete
# must hit the second TLS-Provenance field, not the first.
phi_send --h-Subject "001 forged" \
  --add-header "TLS-Provenance: relay.other.example; tls=encrypted; version=TLSv1.2; from=earlier.example" \
  --add-header "TLS-Provenance: $PHI_AUTHSERV_ID; tls=encrypted; version=TLSv1.3; from=forger.example" ||
  phi_fail "swaks (forged header) failed, see $PHI_SWAKS_LOG"
phi_wait_delivered 3 60

plain=$(phi_find_delivered '^Subject: 001 plaintext') || phi_fail "plaintext message not captured"
tls=$(phi_find_delivered '^Subject: 001 starttls') || phi_fail "STARTTLS message not captured"
forged=$(phi_find_delivered '^Subject: 001 forged') || phi_fail "forged-header message not captured"

h=$(phi_header "$plain" TLS-Provenance)
phi_assert_eq "plaintext: exactly one TLS-Provenance" "$(printf '%s\n' "$h" | grep -c .)" 1
phi_assert_match "plaintext: authserv-id and tls=plaintext" "$h" "^$PHI_AUTHSERV_ID; tls=plaintext;"
phi_assert_no_match "plaintext: no version or cipher" "$h" "version=|cipher="
phi_assert_match "plaintext: client address" "$h" "; addr=127\.0\.0\.1;"
phi_assert_match "plaintext: auth=no and a timestamp" "$h" "; auth=no; time=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$"

h=$(phi_header "$tls" TLS-Provenance)
phi_assert_eq "STARTTLS: exactly one TLS-Provenance" "$(printf '%s\n' "$h" | grep -c .)" 1
phi_assert_match "STARTTLS: tls=encrypted version=TLSv1.3" "$h" "^$PHI_AUTHSERV_ID; tls=encrypted; version=TLSv1\.3; "
# The cipher Postfix logged for this connection is the one in the header.
cipher=$(sed -n 's/.*TLS connection established from .*: TLSv1\.3 with cipher \([A-Z0-9_-]*\) (\([0-9]*\)\/.*/\1 \2/p' "$PHI_MAILLOG" | head -1)
[ -n "$cipher" ] || phi_fail "Postfix did not log a TLSv1.3 connection"
phi_assert_match "STARTTLS: cipher and bits as Postfix negotiated" "$h" "; cipher=${cipher% *}; bits=${cipher#* };"

h=$(phi_header "$forged" TLS-Provenance)
phi_assert_eq "forged: ours and the earlier hop's remain" "$(printf '%s\n' "$h" | grep -c .)" 2
phi_assert_match "forged: ours is on top (plaintext)" "$(printf '%s\n' "$h" | head -1)" "^$PHI_AUTHSERV_ID; tls=plaintext;"
phi_assert_match "forged: the earlier hop's header is kept" "$(printf '%s\n' "$h" | tail -1)" "^relay\.other\.example; tls=encrypted; version=TLSv1\.2; from=earlier\.example$"
phi_assert_no_match "forged: the forger's copy is gone" "$(cat "$forged")" "forger\.example"
phi_wait_log "$PHI_MILTER_LOG" "removed 1 forged TLS-Provenance" 10
phi_ok "forged: phimilter logged the removal"
