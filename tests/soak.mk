# make soak: the long versions of the reliability tests (issue 7: survive,
# crash, upgrade, concurrency, load, privilege) and the tests of tests/soak/
# (nat66_bulk: 100 MB each way over IPv6 through NAT66) in both datapath modes, and
# build/soak-report.md with every figure they measured. `make check` runs the
# bounded versions of the same files (tests/run.sh, suite net).
#   make soak SOAK_FILES="crash load"   only those files
#   make soak BPFBR_CRASH_SEED=S        replay the crash test's kill sequence
.PHONY: soak
SOAK_FILES ?=

soak:
	scripts/deps.sh all
	$(MAKE) test-build
	tests/soak.sh $(SOAK_FILES)
