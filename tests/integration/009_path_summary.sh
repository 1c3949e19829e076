#!/bin/sh
# 009_path_summary - mail with a multi-hop history relayed through the real
# Postfix gets a TLS-Path summary over every Received field plus this hop:
# counts per state, the weakest link, the first plaintext hop's receiver and
# the lowest TLS version.
. "$(dirname "$0")/lib.sh"

phi_start_sink
phi_start_milter
phi_start_postfix

# Three earlier hops (Exim TLS, Sendmail plaintext, Postfix TLS), newest first.
msg=$PHI_DIR/multihop.eml
sed '/^X-Corpus-Expect:/d' "$top_srcdir/tests/corpus/received/paths/plaintext-middle.eml" |
  sed 's/^Subject:.*/Subject: 009 multi-hop/' >"$msg"
grep -q '^Subject: 009 multi-hop' "$msg" || printf 'Subject: 009 multi-hop\n' | cat - "$msg" >"$msg.new"
[ -f "$msg.new" ] && mv "$msg.new" "$msg"
phi_send --data "$msg" || phi_fail "swaks (multi-hop) failed, see $PHI_SWAKS_LOG"
phi_wait_delivered 1 30
f=$(phi_find_delivered '^Subject: 009 multi-hop') || phi_fail "multi-hop message not captured"
path=$(phi_header "$f" TLS-Path)
phi_assert_eq "exactly one TLS-Path" "$(printf '%s\n' "$path" | grep -c .)" 1
phi_assert_match "summary: authserv-id and 4 hops, 2 of them encrypted" "$path" "^$PHI_AUTHSERV_ID; hops=4; encrypted=2; "
phi_assert_match "summary: weakest link plaintext" "$path" "; weakest=plaintext; "
phi_assert_match "summary: first plaintext hop's receiver" "$path" "; first-plaintext-by=relay\.example\.net; "
phi_assert_match "summary: lowest TLS version" "$path" "; lowest-version=TLSv1\.3; "
phi_assert_match "summary: DKIM result recorded" "$path" "; dkim=none; "
hop=$(phi_header "$f" TLS-Provenance)
phi_assert_match "this hop stamped beside it" "$hop" "^$PHI_AUTHSERV_ID; tls=plaintext; "
