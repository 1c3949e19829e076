## bench: benchmarks (not run by make check; see README "Performance").
## bench/noop_milter is the no-op libmilter baseline for bench/e2e.
## bench/e2e (with e2e_lib.sh, e2e_load.sh, smtp_latency.py) is the end-to-end
## benchmark through a real Postfix; tests/integration/010_load.sh runs its
## load test at CI size.
EXTRA_DIST += bench/e2e bench/e2e_lib.sh bench/e2e_load.sh bench/smtp_latency.py
EXTRA_PROGRAMS = bench/noop_milter
bench_noop_milter_SOURCES = bench/noop_milter.c
bench_noop_milter_LDADD = $(MILTER_LIBS) $(PTHREAD_LIBS)
CLEANFILES += bench/noop_milter
bench: bench/noop_milter
.PHONY: bench

## bench/classifier_bench: classifier vs memchr vs naive PCRE2-JIT (one run, one core).
EXTRA_PROGRAMS += bench/classifier_bench
bench_classifier_bench_SOURCES = bench/classifier_bench.cc
bench_classifier_bench_LDADD = libphi.a $(PHI_SYSLIBS) $(PCRE2_LIBS)
CLEANFILES += bench/classifier_bench
bench: bench/classifier_bench
