#!/bin/sh
# check_route_tls - the shipped route-tls snippets parse with the installed
# Postfix and map the route-tls header to the smtp-tls transport.
set -u
cd "${top_srcdir:-.}" || exit 99
command -v postmap >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
command -v postmap >/dev/null 2>&1 || { echo "SKIP: postmap not installed"; exit 77; }
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
echo "compatibility_level = 3.6" > "$tmp/main.cf"
cat contrib/postfix/route-tls.main.cf >> "$tmp/main.cf"
cp contrib/postfix/route-tls.master.cf "$tmp/master.cf"
fail=0
checks=regexp:contrib/postfix/route-tls.header_checks
got=$(postmap -c "$tmp" -q "X-PHI-Route: mandatory-tls" "$checks")
[ "$got" = "FILTER smtp-tls:" ] || { echo "FAIL: header maps to '$got'"; fail=1; }
got=$(postmap -c "$tmp" -q "x-phi-route:mandatory-tls " "$checks")
[ "$got" = "FILTER smtp-tls:" ] || { echo "FAIL: lower-case header maps to '$got'"; fail=1; }
for h in "X-PHI-Route: none" "X-PHI-Route: mandatory-tls-not" "Subject: X-PHI-Route: mandatory-tls"; do
  got=$(postmap -c "$tmp" -q "$h" "$checks")
  [ -z "$got" ] || { echo "FAIL: '$h' maps to '$got'"; fail=1; }
done
got=$(postconf -c "$tmp" -P smtp-tls/unix/smtp_tls_security_level 2>&1)
[ "$got" = "smtp-tls/unix/smtp_tls_security_level = encrypt" ] || { echo "FAIL: master.cf entry: $got"; fail=1; }
got=$(postconf -c "$tmp" -h milter_header_checks 2>&1)
[ "$got" = "regexp:/etc/postfix/phimilter_route_tls" ] || { echo "FAIL: main.cf: $got"; fail=1; }
[ $fail -eq 0 ] && echo "route-tls snippets OK"
exit $fail
