## milter/util: helpers with no mail knowledge.
libphi_a_SOURCES += \
	milter/util/result.h milter/util/c_ptr.h milter/util/strings.h milter/util/log_record.h milter/util/le.h \
	milter/util/sanitize.h milter/util/sanitize.cc \
	milter/util/json.h milter/util/json.cc milter/util/json_read.h milter/util/json_read.cc \
	milter/util/netmatch.h milter/util/netmatch.cc \
	milter/util/files.h milter/util/files.cc \
	milter/util/sockopt.h milter/util/sockopt.cc milter/util/deadline.h \
	milter/util/process.h milter/util/process.cc \
	milter/util/sandbox.h milter/util/sandbox.cc

UNIT_TESTS += tests/unit/util/util_test
tests_unit_util_util_test_SOURCES = tests/unit/util/sanitize_test.cc tests/unit/util/json_test.cc tests/unit/util/json_read_test.cc tests/unit/util/netmatch_test.cc tests/unit/util/files_test.cc \
	tests/unit/util/sockopt_test.cc tests/unit/util/strings_test.cc tests/unit/util/sandbox_test.cc
tests_unit_util_util_test_LDADD = $(GTEST_LDADD)
