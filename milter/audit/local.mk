## milter/audit: hash-chained, HMAC-sealed audit log (records, writer, verifier).
libphi_a_SOURCES += \
	milter/audit/crypto.h milter/audit/crypto.cc \
	milter/audit/record.h milter/audit/record.cc \
	milter/audit/writer.h milter/audit/writer.cc \
	milter/audit/verify.h milter/audit/verify.cc \
	milter/audit/find.h milter/audit/find.cc

UNIT_TESTS += tests/unit/audit/audit_test
tests_unit_audit_audit_test_SOURCES = \
	tests/unit/audit/audit_test_util.h \
	tests/unit/audit/record_test.cc \
	tests/unit/audit/writer_test.cc \
	tests/unit/audit/verify_test.cc \
	tests/unit/audit/config_audit_test.cc
tests_unit_audit_audit_test_LDADD = $(GTEST_LDADD)

EXTRA_DIST += doc/audit-format.md

## phimilterctl escrow release/purge write admin records (needs escrow_put).
SCRIPT_TESTS += tests/unit/audit/ctl_escrow_audit_test.sh
