#!/bin/sh
# check_manpage_keys - every key in milter/config_keys.def has an entry in
# man/phimilter.conf.5 (a line ".BI Key ..."), and every entry is a key;
# and every man page renders without a groff warning (a stray backslash
# turns a regex example into groff escapes).
set -u
cd "${top_srcdir:-.}" || exit 99
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
sed -n 's/^PHI_KEY(\([A-Za-z0-9]*\),.*/\1/p' milter/config_keys.def | sort > "$tmp/keys"
sed -n 's/^\.BI \([A-Za-z0-9]*\) .*/\1/p' man/phimilter.conf.5 | sort > "$tmp/doc"
[ -s "$tmp/keys" ] || { echo "FAIL: no keys found in milter/config_keys.def"; exit 1; }
fail=0
undocumented=$(comm -23 "$tmp/keys" "$tmp/doc")
unknown=$(comm -13 "$tmp/keys" "$tmp/doc")
dups=$(uniq -d "$tmp/doc")
[ -z "$undocumented" ] || { echo "FAIL: keys without an entry in man/phimilter.conf.5:"; echo "$undocumented"; fail=1; }
[ -z "$unknown" ] || { echo "FAIL: man/phimilter.conf.5 documents keys that do not exist:"; echo "$unknown"; fail=1; }
[ -z "$dups" ] || { echo "FAIL: keys documented twice:"; echo "$dups"; fail=1; }
for page in man/*.[0-9]; do
  warnings=$(LC_ALL=C.UTF-8 groff -ww -z -man "$page" 2>&1)
  [ -z "$warnings" ] || { echo "FAIL: $page: groff warns:"; echo "$warnings"; fail=1; }
done
[ $fail -eq 0 ] && echo "$(wc -l < "$tmp/keys") keys, all documented; $(ls man/*.[0-9] | wc -l) pages render cleanly"
exit $fail
