## milter/provenance: hop model, per-hop header, Received parser, path summary.
libphi_a_SOURCES += \
	milter/provenance/hop.h \
	milter/provenance/hop_header.h milter/provenance/hop_header.cc

UNIT_TESTS += tests/unit/provenance/hop_header_test
tests_unit_provenance_hop_header_test_SOURCES = tests/unit/provenance/hop_header_test.cc
tests_unit_provenance_hop_header_test_LDADD = $(GTEST_LDADD)
