## tests: script tests (docs and layering checks, integration against a real
## Postfix, miltertest). Unit tests live beside their module's local.mk.
SCRIPT_TESTS += \
	tests/check_manpage_keys.sh \
	tests/check_layers.sh

EXTRA_DIST += tests/check_manpage_keys.sh tests/check_layers.sh tests/unit tests/integration tests/corpus tests/fuzz tests/miltertest
