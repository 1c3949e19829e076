#!/bin/sh
# ctl_escrow_audit_test - with AuditLog set, "phimilterctl escrow release" and
# "purge ID" append release/purge records to the audit chain, after records
# another writer (standing in for the daemon) already wrote, and the whole
# log verifies.
set -u
: "${top_builddir:=.}" "${PHIMILTERCTL:=$top_builddir/phimilterctl}"
PUT="$top_builddir/tests/unit/escrow/escrow_put"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; [ -f "$tmp/audit.log" ] && cat "$tmp/audit.log"; exit 1; }
mkdir "$tmp/q"
printf 'k1 %s\n' "$(openssl rand -hex 32)" > "$tmp/keys"
head -c 32 /dev/urandom > "$tmp/audit.key"
chmod 600 "$tmp/keys" "$tmp/audit.key"
cat > "$tmp/conf" <<EOC
EscrowKeyFile $tmp/keys
EscrowDirectory $tmp/q
PortalURL https://pickup.example.org/t/
AuditLog $tmp/audit.log
AuditKeyFile $tmp/audit.key
AuditCheckpointFile $tmp/checkpoints
EOC
ctl() { "$PHIMILTERCTL" escrow -c "$tmp/conf" "$@"; }
printf 'Subject: results\r\n\r\nSSN 078-05-1120\r\n' > "$tmp/msg"
"$PUT" "$tmp/conf" '<clinic@example.org>' '<a@insecure.example>' < "$tmp/msg" > "$tmp/put" || fail "escrow_put"
id=$(head -1 "$tmp/put")
"$PUT" "$tmp/conf" '<>' 'c@x.example' < "$tmp/msg" > "$tmp/put2" || fail "escrow_put 2"
id2=$(head -1 "$tmp/put2")
printf '#!/bin/sh\ncat >/dev/null\n' > "$tmp/sendmail"
chmod +x "$tmp/sendmail"

ctl release --sendmail "$tmp/sendmail" "$id" > /dev/null || fail "release"
ctl purge "$id2" > /dev/null || fail "purge by id"
grep -c '"kind":"release"' "$tmp/audit.log" | grep -qx 1 || fail "no single release record"
grep -q "\"kind\":\"release\".*\"escrow_id\":\"$id\".*\"recipients\":\[\"a@insecure.example\"\]" "$tmp/audit.log" ||
  fail "release record lacks the id or the recipient"
grep -q "\"kind\":\"purge\".*\"escrow_id\":\"$id2\".*\"recipients\":\[\"c@x.example\"\]" "$tmp/audit.log" ||
  fail "purge record lacks the id or the recipient"
grep -q 078-05 "$tmp/audit.log" && fail "content in the audit log"
"$PHIMILTERCTL" audit -k "$tmp/audit.key" verify --checkpoint "$tmp/checkpoints" "$tmp/audit.log" > "$tmp/verify" ||
  { cat "$tmp/verify"; fail "the log with the admin records does not verify"; }
"$PHIMILTERCTL" audit find --recipient a@insecure.example "$tmp/audit.log" | grep -q "released .* escrow entry $id" ||
  fail "find does not show the release"

# A FIFO at AuditCheckpointFile is refused with its name, not waited on
# (timeout: a regression fails instead of hanging).
"$PUT" "$tmp/conf" '<>' 'e@x.example' < "$tmp/msg" > "$tmp/put4" || fail "escrow_put 4"
id4=$(head -1 "$tmp/put4")
mkfifo "$tmp/fifo" || exit 99
sed -i "s|^AuditCheckpointFile .*|AuditCheckpointFile $tmp/fifo|" "$tmp/conf"
timeout 20 "$PHIMILTERCTL" escrow -c "$tmp/conf" purge "$id4" > "$tmp/out" 2> "$tmp/err"
rc=$?; [ $rc -eq 124 ] && fail "purge hangs on a FIFO at AuditCheckpointFile"
[ $rc -eq 1 ] || { cat "$tmp/err"; fail "purge with a FIFO at AuditCheckpointFile: status $rc"; }
grep -q "AuditCheckpointFile $tmp/fifo: not a regular file" "$tmp/err" || { cat "$tmp/err"; fail "the FIFO is not named"; }
sed -i "s|^AuditCheckpointFile .*|AuditCheckpointFile $tmp/checkpoints|" "$tmp/conf"

# An unwritable audit log: the action stands, the failure is reported (exit 1).
"$PUT" "$tmp/conf" '<>' 'd@x.example' < "$tmp/msg" > "$tmp/put3" || fail "escrow_put 3"
id3=$(head -1 "$tmp/put3")
: > "$tmp/file"
sed -i "s|^AuditLog .*|AuditLog $tmp/file/audit.log|" "$tmp/conf"
ctl purge "$id3" > "$tmp/out" 2> "$tmp/err" && fail "purge with an unwritable audit log reported success"
grep -q "^$id3 removed$" "$tmp/out" || fail "purge did not happen"
grep -q "no audit record written" "$tmp/err" || { cat "$tmp/err"; fail "no reason printed"; }
echo "ctl_escrow_audit OK"
