#!/bin/sh
# corpus_selftest - the corpus and its scorer can be trusted:
#   * the committed .eml files and labels.tsv are exactly what make_corpus.py
#     builds (which validates every identifier it emits);
#   * corpus_accuracy.sh passes on output equal to the labels (1.0/1.0), and
#     fails on wrong verdicts and on output without a "phi" field.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
PY=${PYTHON3:-python3}
export PYTHONDONTWRITEBYTECODE=1
command -v "$PY" >/dev/null 2>&1 || { echo "corpus_selftest: python3 not found (Debian package python3)"; exit 99; }
acc="$srcdir/tests/corpus/accuracy.py"
labels="$srcdir/tests/corpus/messages/labels.tsv"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0

if ! "$PY" "$srcdir/tests/corpus/messages/make_corpus.py" --check --out "$srcdir/tests/corpus/messages"; then
  echo "FAIL: committed corpus differs from make_corpus.py (or an identifier failed validation)"; fail=1
fi

for mode in perfect wrong nophi; do
  "$PY" "$acc" --labels "$labels" --make-json $mode >"$tmp/$mode.jsonl" || exit 99
  sh "$srcdir/tests/corpus_accuracy.sh" --json "$tmp/$mode.jsonl" >"$tmp/$mode.out" 2>&1
  echo $? >"$tmp/$mode.rc"
done
if [ "$(cat "$tmp/perfect.rc")" != 0 ] || ! grep -q '^phi  *precision 1.000  recall 1.000  F1 1.000' "$tmp/perfect.out"; then
  echo "FAIL: perfect output did not score 1.0/1.0:"; cat "$tmp/perfect.out"; fail=1
fi
if [ "$(cat "$tmp/wrong.rc")" != 1 ] || ! grep -q 'phi false positive' "$tmp/wrong.out" || ! grep -q 'phi false negative' "$tmp/wrong.out"; then
  echo "FAIL: wrong verdicts were not rejected with their files listed:"; cat "$tmp/wrong.out"; fail=1
fi
if [ "$(cat "$tmp/nophi.rc")" != 1 ] || ! grep -q 'lacks a boolean "phi"' "$tmp/nophi.out"; then
  echo "FAIL: output without \"phi\" was not rejected:"; cat "$tmp/nophi.out"; fail=1
fi
# A file missing from the output fails too.
sed 1d "$tmp/perfect.jsonl" >"$tmp/short.jsonl"
if sh "$srcdir/tests/corpus_accuracy.sh" --json "$tmp/short.jsonl" >"$tmp/short.out" 2>&1; then
  echo "FAIL: output missing a labelled file passed"; fail=1
fi
[ $fail -eq 0 ] && echo "corpus self-test OK" && sed -n '2,3p' "$tmp/perfect.out"
exit $fail
