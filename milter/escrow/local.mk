## milter/escrow: encrypted escrow store, pickup tokens, notices (pure +
## thin file I/O; see doc/escrow-format.md for the on-disk interface).
libphi_a_SOURCES += \
	milter/escrow/crypto.h milter/escrow/crypto.cc \
	milter/escrow/key_ring.h milter/escrow/key_ring.cc \
	milter/escrow/entry_format.h milter/escrow/entry_format.cc \
	milter/escrow/token.h milter/escrow/token.cc \
	milter/escrow/store.h milter/escrow/store.cc \
	milter/escrow/notice.h milter/escrow/notice.cc \
	milter/escrow/spool.h milter/escrow/spool.cc

UNIT_TESTS += tests/unit/escrow/escrow_test
tests_unit_escrow_escrow_test_SOURCES = \
	tests/unit/escrow/test_util.h \
	tests/unit/escrow/crypto_test.cc \
	tests/unit/escrow/key_ring_test.cc \
	tests/unit/escrow/entry_format_test.cc \
	tests/unit/escrow/spool_test.cc \
	tests/unit/escrow/store_test.cc \
	tests/unit/escrow/token_test.cc \
	tests/unit/escrow/notice_test.cc \
	tests/unit/escrow/config_test.cc
tests_unit_escrow_escrow_test_LDADD = $(GTEST_LDADD)

EXTRA_DIST += doc/escrow-format.md

## phimilterctl escrow, exercised on a real store built by a small helper.
check_PROGRAMS += tests/unit/escrow/escrow_put
tests_unit_escrow_escrow_put_SOURCES = tests/unit/escrow/escrow_put.cc
tests_unit_escrow_escrow_put_LDADD = libphid.a libphi.a $(PHI_SYSLIBS)
SCRIPT_TESTS += tests/unit/escrow/ctl_escrow_test.sh

FUZZ_REPLAY += tests/fuzz/escrow_entry_fuzz
tests_fuzz_escrow_entry_fuzz_SOURCES = tests/fuzz/escrow_entry_fuzz.cc $(FUZZ_DRIVER)
tests_fuzz_escrow_entry_fuzz_LDADD = libphid.a libphi.a $(PHI_SYSLIBS)
