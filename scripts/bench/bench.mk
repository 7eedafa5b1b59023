# Benchmark harness (issue 6). Included from the top-level Makefile; also works
# on its own: `make -f scripts/bench/bench.mk bench-tools` (scripts/bench.sh
# does that to build its helpers before a run).
#
#   make bench                          full run (default rounds)
#   make bench BENCH_ARGS=--quick       smoke test, a few minutes

BUILD        ?= build
CC           ?= gcc
BENCH_BUILD  := $(BUILD)/bench
BENCH_CFLAGS := -O2 -g -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -std=gnu11 -MMD -MP
BENCH_TOOLS  := $(BENCH_BUILD)/crr $(BENCH_BUILD)/flowfill
# progcost loads bpfbr's skeletons: built once they exist (`make` makes them;
# scripts/bench.sh runs this file again after that).
BENCH_SKELS  := $(BUILD)/skel/port.skel.h $(BUILD)/skel/uplink.skel.h
ifneq ($(wildcard $(BENCH_SKELS)),)
BENCH_TOOLS  += $(BENCH_BUILD)/progcost
endif
# What `make bench` builds first: bpfbr itself when this file is included from
# the top-level Makefile (empty, and so skipped, when used on its own).
BENCH_DEPS   ?= $(BPFBR)

.PHONY: bench bench-tools
# For `make -f` on its own (the top-level Makefile sets it for every rule).
.DELETE_ON_ERROR:

bench-tools: $(BENCH_TOOLS)

bench: $(BENCH_TOOLS) $(BENCH_DEPS)
	scripts/bench.sh $(BENCH_ARGS)

$(BENCH_BUILD)/%: scripts/bench/%.c | $(BENCH_BUILD)
	$(CC) $(BENCH_CFLAGS) -o $@ $<

# BPF_PROG_TEST_RUN of the programs in bpfbr's skeletons (variant_prog_cost).
# The veth pairs are made by the agent's netlink module, as in the BPF tests.
$(BENCH_BUILD)/progcost: scripts/bench/progcost.c agent/sys/netlink.c $(BENCH_SKELS) | $(BENCH_BUILD)
	$(CC) $(BENCH_CFLAGS) -Iinclude -I$(BUILD)/skel -Iagent/sys \
		$(shell pkg-config --cflags libbpf libmnl 2>/dev/null) -o $@ $(filter %.c,$^) \
		$(shell pkg-config --libs libbpf libmnl 2>/dev/null)

$(BENCH_BUILD):
	mkdir -p $@

-include $(BENCH_TOOLS:%=%.d)
