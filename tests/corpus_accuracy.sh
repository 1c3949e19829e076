#!/bin/sh
# corpus_accuracy - phi/pii precision, recall and F1 of `phimilter -t` on the
# labelled corpus tests/corpus/messages (labels.tsv); fails below 0.95/0.95.
#   corpus_accuracy.sh              run "$PHIMILTER -c /dev/null -t" once over every .eml
#   corpus_accuracy.sh --json FILE  score an existing JSON-lines file instead
# Exit 0 pass, 1 below threshold or unusable output (no "phi"), 99 setup error.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
corpus=$srcdir/tests/corpus/messages
PY=${PYTHON3:-python3}
export PYTHONDONTWRITEBYTECODE=1
command -v "$PY" >/dev/null 2>&1 || { echo "corpus_accuracy: python3 not found (Debian package python3)"; exit 99; }
[ -f "$corpus/labels.tsv" ] || { echo "corpus_accuracy: $corpus/labels.tsv missing"; exit 99; }

if [ "${1:-}" = "--json" ]; then
  [ -r "${2:-}" ] || { echo "corpus_accuracy: --json needs a readable file"; exit 99; }
  exec "$PY" "$srcdir/tests/corpus/accuracy.py" --labels "$corpus/labels.tsv" --json "$2"
fi

[ -x "${PHIMILTER:-}" ] || { echo "corpus_accuracy: PHIMILTER not set to the built binary"; exit 99; }
out=$(mktemp) || exit 99
trap 'rm -f "$out" "$out.err"' EXIT
# Built-in defaults (-c /dev/null): the result must not depend on an installed config.
"$PHIMILTER" -c /dev/null -t "$corpus"/*.eml >"$out" 2>"$out.err"
rc=$?
if [ $rc -ne 0 ]; then
  echo "corpus_accuracy: phimilter -t exited $rc:"
  head -n 20 "$out.err"
fi
"$PY" "$srcdir/tests/corpus/accuracy.py" --labels "$corpus/labels.tsv" --json "$out"
score=$?
[ $rc -eq 0 ] || exit 1
exit $score
