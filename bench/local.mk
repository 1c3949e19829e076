## bench: benchmarks (not run by make check; see README "Performance").
## bench/noop_milter is the no-op libmilter baseline for bench/e2e.
EXTRA_PROGRAMS = bench/noop_milter
bench_noop_milter_SOURCES = bench/noop_milter.c
bench_noop_milter_LDADD = $(MILTER_LIBS) $(PTHREAD_LIBS)
CLEANFILES += bench/noop_milter
bench: bench/noop_milter
.PHONY: bench
