## milter/provenance: hop model, per-hop header, Received parser, path summary, DKIM.
libphi_a_SOURCES += \
	milter/provenance/hop.h \
	milter/provenance/hop_header.h milter/provenance/hop_header.cc \
	milter/provenance/received_parser.h milter/provenance/received_parser.cc \
	milter/provenance/hop_classify.h milter/provenance/hop_classify.cc \
	milter/provenance/path_summary.h milter/provenance/path_summary.cc \
	milter/provenance/path_collector.h milter/provenance/path_collector.cc \
	milter/provenance/dkim.h milter/provenance/dkim.cc

## One test binary for the module; the corpus test reads tests/corpus/received/.
UNIT_TESTS += tests/unit/provenance/provenance_test
tests_unit_provenance_provenance_test_SOURCES = \
	tests/unit/provenance/hop_header_test.cc \
	tests/unit/provenance/received_parser_test.cc \
	tests/unit/provenance/hop_classify_test.cc \
	tests/unit/provenance/path_test.cc \
	tests/unit/provenance/dkim_test.cc \
	tests/unit/provenance/corpus_test.cc
tests_unit_provenance_provenance_test_LDADD = $(GTEST_LDADD)

FUZZ_REPLAY += tests/fuzz/received_fuzz
tests_fuzz_received_fuzz_SOURCES = tests/fuzz/received_fuzz.cc $(FUZZ_DRIVER)
tests_fuzz_received_fuzz_LDADD = libphid.a libphi.a $(PHI_SYSLIBS)
