## milter: the daemon. libphid.a holds the logic without libmilter I/O so that
## unit tests and test mode run it; milter.cc and main.cc are the glue.
libphid_a_SOURCES += \
	milter/config_keys.def milter/config.h milter/config.cc \
	milter/log.h milter/log.cc \
	milter/mta.h milter/recording_mta.h milter/recording_mta.cc \
	milter/report.h milter/report.cc \
	milter/inspect.h milter/inspect.cc \
	milter/converter.h milter/converter.cc \
	milter/pdftext.h milter/pdftext.cc milter/ocr.h milter/ocr.cc \
	milter/inner_file.h milter/inner_file.cc milter/legacy_office.h milter/legacy_office.cc milter/archive_tar.h milter/archive_tar.cc \
	milter/session.h milter/session.cc milter/stage_guard.h \
	milter/submit.h milter/submit.cc \
	milter/enforce.cc milter/escrow_glue.cc milter/audit_glue.cc \
	milter/audit_service.h milter/audit_service.cc \
	milter/reload.h milter/reload.cc \
	milter/testmode.h milter/testmode.cc

phimilter_SOURCES = milter/main.cc milter/milter.h milter/milter.cc
phimilter_LDADD = libphid.a libphi.a $(MILTER_LIBS) $(SYSTEMD_LIBS) $(PHI_SYSLIBS)

UNIT_TESTS += tests/unit/milter/config_test tests/unit/milter/session_test tests/unit/milter/escrow_glue_test
SCRIPT_TESTS += tests/unit/milter/sd_notify_test.sh
tests_unit_milter_escrow_glue_test_SOURCES = tests/unit/milter/escrow_glue_test.cc tests/unit/milter/submit_test.cc \
	tests/unit/milter/pdftext_test.cc tests/unit/milter/ocr_test.cc tests/unit/milter/document_builders.h \
	tests/unit/milter/legacy_office_test.cc tests/unit/milter/document_budget_test.cc \
	tests/unit/milter/archive_tar_test.cc
tests_unit_milter_escrow_glue_test_LDADD = $(GTEST_LDADD)
tests_unit_milter_config_test_SOURCES = tests/unit/milter/config_test.cc
tests_unit_milter_config_test_LDADD = $(GTEST_LDADD)
tests_unit_milter_session_test_SOURCES = tests/unit/milter/session_test.cc tests/unit/milter/audit_glue_test.cc \
	tests/unit/milter/stage_guard_test.cc
tests_unit_milter_session_test_LDADD = $(GTEST_LDADD)

dist_man_MANS += man/phimilter.8 man/phimilter.conf.5

## Policy enforcement in the session (milter/enforce.cc) with a RecordingMta.
UNIT_TESTS += tests/unit/enforce/enforce_test
tests_unit_enforce_enforce_test_SOURCES = tests/unit/enforce/enforce_test.cc
tests_unit_enforce_enforce_test_LDADD = $(GTEST_LDADD)

## The whole message pipeline (Session) with hostile mail and failing MTA requests.
FUZZ_REPLAY += tests/fuzz/session_fuzz
tests_fuzz_session_fuzz_SOURCES = tests/fuzz/session_fuzz.cc $(FUZZ_DRIVER)
tests_fuzz_session_fuzz_LDADD = libphid.a libphi.a $(PHI_SYSLIBS)
