#!/bin/sh
# 010_load - the load test of bench/e2e at CI size: 200 messages over 10
# sessions (PHI and business mail, PHI in the Subject, to a mandatory-TLS and
# an opportunistic domain) while phimilter is reloaded twice with SIGUSR1;
# every message must be delivered, escrowed, held or refused with a code the
# client saw, and the audit chain must verify when phimilter writes one.
# The full size (2,000 messages, 50 sessions) is `bench/e2e --load`.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
export top_srcdir top_builddir
E2E_LOAD_TIMEOUT=240 exec timeout -k 10 420 "${SHELL:-/bin/sh}" "$top_srcdir/bench/e2e" --load \
  --messages 200 --sessions 10 --reloads 2
