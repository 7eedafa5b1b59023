# Tests: `make check` installs what is missing, builds, and runs every suite
# through tests/run.sh, whose last line is "N passed, N failed[, N skipped]".

.PHONY: test-build
test-build: $(BPFBR)

check:
	scripts/deps.sh all
	$(MAKE) test-build
	tests/run.sh
