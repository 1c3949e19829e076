#!/bin/sh
# check_layers - dependencies point one way: util <- pure modules <- daemon.
#   * only milter/milter.cc includes <libmilter/mfapi.h>;
#   * milter/util/ includes nothing else of ours;
#   * pure modules (milter/mime, provenance, escrow, audit, policy/) include
#     no daemon header (milter/*.h directly under milter/).
set -u
cd "${top_srcdir:-.}" || exit 99
fail=0
bad=$(grep -rlE --include='*.cc' --include='*.h' '#include *<libmilter/' milter policy tools 2>/dev/null | grep -v '^milter/milter.cc$')
if [ -n "$bad" ]; then echo "FAIL: libmilter included outside milter/milter.cc: $bad"; fail=1; fi
bad=$(grep -rn '#include "' milter/util | grep -v '#include "milter/util/')
if [ -n "$bad" ]; then echo "FAIL: milter/util includes project headers:"; echo "$bad"; fail=1; fi
for d in milter/mime milter/provenance milter/escrow milter/audit policy; do
  [ -d "$d" ] || continue
  bad=$(grep -rn '#include "milter/[a-z_]*\.h"' "$d" || true)
  if [ -n "$bad" ]; then echo "FAIL: $d includes daemon headers:"; echo "$bad"; fail=1; fi
done
[ $fail -eq 0 ] && echo "layers OK"
exit $fail
