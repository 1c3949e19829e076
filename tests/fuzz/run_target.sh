#!/bin/sh
# run_target - how make check runs a test binary: fuzz targets
# (tests/fuzz/NAME_fuzz) get their corpus tests/fuzz/NAME_corpus/ as argument,
# everything else runs as it is.
prog=$1; shift
case "$prog" in
  *tests/fuzz/*_fuzz)
    name=$(basename "$prog" _fuzz)
    exec "$prog" "$@" "${top_srcdir:-.}/tests/fuzz/${name}_corpus" ;;
  *) exec "$prog" "$@" ;;
esac
