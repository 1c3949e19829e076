## policy: classifier and rule engine.
## Rule engine, recipient TLS posture, direction (helper "policy").
libphi_a_SOURCES += \
	policy/direction.h policy/direction.cc \
	policy/rules_domains.h policy/rules_domains.cc \
	policy/rules.h policy/rules.cc \
	policy/rules_parser.h policy/rules_parser.cc \
	policy/tls_posture.h policy/tls_posture.cc policy/tls_posture_postmap.cc

dist_pkgdata_DATA += policy/data/default.policy

UNIT_TESTS += tests/unit/policy_rules/policy_rules_test
tests_unit_policy_rules_policy_rules_test_SOURCES = \
	tests/unit/policy_rules/rules_test.cc \
	tests/unit/policy_rules/rules_parser_test.cc \
	tests/unit/policy_rules/tls_posture_test.cc \
	tests/unit/policy_rules/direction_test.cc \
	tests/unit/policy_rules/default_policy_test.cc \
	tests/unit/policy_rules/policy_config_test.cc
tests_unit_policy_rules_policy_rules_test_LDADD = $(GTEST_LDADD)

FUZZ_REPLAY += tests/fuzz/policy_rules_fuzz
tests_fuzz_policy_rules_fuzz_SOURCES = tests/fuzz/policy_rules_fuzz.cc $(FUZZ_DRIVER)
tests_fuzz_policy_rules_fuzz_LDADD = libphid.a libphi.a $(PHI_SYSLIBS)

## The route-tls Postfix snippets (contrib/postfix/route-tls.*) parse and match.
SCRIPT_TESTS += tests/check_route_tls.sh
EXTRA_DIST += tests/check_route_tls.sh
