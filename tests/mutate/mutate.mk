# make mutate: plants every bug of tests/mutate/mutations.txt in a scratch
# copy, runs the tests that must catch it, writes tests/mutate/RESULTS.md.
# Too slow for make check (a build and some tests per mutation).
.PHONY: mutate
mutate:
	scripts/deps.sh all
	$(MAKE) test-build
	tests/mutate/mutate.py $(MUTATIONS)
