## tests: script tests (docs and layering checks, integration against a real
## Postfix, miltertest). Unit tests live beside their module's local.mk.
SCRIPT_TESTS += \
	tests/check_manpage_keys.sh \
	tests/check_layers.sh \
	tests/corpus_selftest.sh \
	tests/integration/001_stamp_plaintext_tls.sh \
	tests/integration/002_milter_down.sh \
	tests/integration/003_policy.sh \
	tests/integration/007_policy_default.sh \
	tests/integration/008_policy_monitor.sh \
	tests/integration/006_reload.sh \
	tests/integration/009_path_summary.sh \
	tests/integration/004_escrow.sh \
	tests/integration/010_load.sh \
	tests/integration/005_audit.sh \
	tests/integration/011_escrow_kill.sh \
	tests/integration/013_disk_full.sh \
	tests/integration/012_inet_socket.sh \
	tests/integration/014_local_delivery.sh \
	tests/miltertest/run.sh
## The classifier must keep phi precision and recall >= 0.95 on the labelled corpus.
SCRIPT_TESTS += tests/corpus_accuracy.sh

EXTRA_DIST += tests/check_manpage_keys.sh tests/check_layers.sh \
	tests/corpus_selftest.sh tests/corpus_accuracy.sh tests/unit tests/integration tests/corpus tests/fuzz tests/miltertest tests/package

## Fuzz targets. Add yours in your module's local.mk:
##   FUZZ_REPLAY += tests/fuzz/received_fuzz
##   tests_fuzz_received_fuzz_SOURCES = tests/fuzz/received_fuzz.cc $(FUZZ_DRIVER)
##   tests_fuzz_received_fuzz_LDADD = libphid.a libphi.a $(PHI_SYSLIBS)
## with the corpus in tests/fuzz/received_corpus/ (replayed by make check
## through FUZZ_LOG_FLAGS; with --enable-fuzzing the binary is a real
## libFuzzer target: tests/fuzz/received_fuzz tests/fuzz/received_corpus).
if FUZZING
FUZZ_DRIVER =
AM_CXXFLAGS += -fsanitize=fuzzer-no-link
AM_LDFLAGS += -fsanitize=fuzzer
else
FUZZ_DRIVER = tests/fuzz/replay_main.cc
endif
## Each fuzz binary gets its corpus directory as argument when run by make check.
LOG_COMPILER = $(top_srcdir)/tests/fuzz/run_target.sh

## make check-sanitizers: the whole suite in an ASan+UBSan build of a copy
## of the distributed tree (build-sanitizers/src; a VPATH build would refuse
## a source tree configured in place, as this one usually is).
check-sanitizers:
	rm -rf build-sanitizers && mkdir build-sanitizers
	$(MAKE) $(AM_MAKEFLAGS) distdir distdir=build-sanitizers/src
	cd build-sanitizers/src && ./configure --enable-sanitizers --enable-werror && \
	  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(MAKE) $(AM_MAKEFLAGS) check
.PHONY: check-sanitizers

## make check-fuzz: every fuzz target as a real libFuzzer binary (clang,
## ASan+UBSan) in a copy of the distributed tree (build-fuzz/src), each
## run for FUZZ_SECONDS from a scratch copy of its corpus. A crash fails
## it; the input is left in build-fuzz/artifacts/. Not part of make check
## (it needs clang and minutes); .ci/run runs it with a shorter budget.
FUZZ_SECONDS = 60
check-fuzz:
	rm -rf build-fuzz && mkdir build-fuzz build-fuzz/artifacts
	$(MAKE) $(AM_MAKEFLAGS) distdir distdir=build-fuzz/src
	cd build-fuzz/src && ./configure --enable-fuzzing --enable-sanitizers CC=clang CXX=clang++ && \
	  $(MAKE) $(AM_MAKEFLAGS) $(FUZZ_REPLAY)
	@failed=0; for t in $(FUZZ_REPLAY); do \
	  name=`basename $$t _fuzz`; mkdir -p build-fuzz/corpus/$$name; \
	  cp $(srcdir)/tests/fuzz/$${name}_corpus/* build-fuzz/corpus/$$name/; \
	  echo "check-fuzz: $$name for $(FUZZ_SECONDS) s"; \
	  if (cd build-fuzz/src && ./$$t ../corpus/$$name -max_total_time=$(FUZZ_SECONDS) -max_len=8192 \
	        -timeout=20 -rss_limit_mb=2048 -artifact_prefix=../artifacts/$${name}- \
	        -print_final_stats=1) > build-fuzz/$$name.log 2>&1; then \
	    grep -E '^stat::number_of_executed_units' build-fuzz/$$name.log | sed "s/^/  $$name: /"; \
	  else echo "check-fuzz: FAIL: $$name (build-fuzz/$$name.log, build-fuzz/artifacts/)"; tail -40 build-fuzz/$$name.log; failed=1; fi; \
	done; exit $$failed
.PHONY: check-fuzz

## The directories above are copied whole; an in-tree build leaves objects,
## test binaries and logs in them, which must not reach the tarball (a VPATH
## build would take them for up-to-date and fail to link).
dist-hook:
	cd $(distdir) && find tests \( -name .deps -o -name .dirstamp -o -name '*.o' \
	  -o -name '*.log' -o -name '*.trs' -o -name '*_test' -o -name '*_fuzz' \) -prune \
	  -exec rm -rf {} +
