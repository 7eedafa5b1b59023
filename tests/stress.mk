# make stress-check: every namespace test file STRESS_RUNS times (default 5)
# in both datapath modes with a CPU hog beside it, and a table of the flakes
# (build/stress-report.md). Too slow for `make check`, which does not run it.
#   make stress-check STRESS_FILES="nat cni_chain" STRESS_RUNS=10
.PHONY: stress-check
STRESS_FILES ?=

stress-check:
	scripts/deps.sh all
	$(MAKE) test-build
	tests/stress.sh $(STRESS_FILES)
