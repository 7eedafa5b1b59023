# scripts/vmtest/vmtest.mk: the QEMU VM tests (issue 5), for the top-level Makefile to include.
#
#   make vmtest                  run $(VMTEST_CMD) in a VM for each of $(VMTEST_KERNELS)
#   make vmtest-6.12             the same for one kernel series
#   make vmtest VMTEST_CMD='tests/run.sh --vm' VMTEST_DEPS=all
#   make vmtest VMTEST_KERNELS='6.12 /src/linux'     a series or a self-built kernel directory
#
# The guest runs the host's files (build/ included) against its own kernel, so everything the
# command needs must be built on the host first: put those targets in VMTEST_DEPS.
# scripts/vmtest.sh documents the exit codes and the BPFBR_VMTEST_* environment variables.

VMTEST_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
VMTEST_SH := $(dir $(VMTEST_DIR))vmtest.sh
VMTEST_KERNELS ?= 6.1 6.12
VMTEST_CMD ?= $(VMTEST_DIR)/smoke.sh
VMTEST_DEPS ?=
VMTEST_BUILD ?= $(or $(BUILD),build)/vmtest
VMTEST_PROBE := $(VMTEST_BUILD)/bpf-probe

# Every kernel runs even when one fails; the recipe fails if any did.
vmtest: $(VMTEST_DEPS) $(VMTEST_PROBE)
	@rc=0; for k in $(VMTEST_KERNELS); do \
		echo "== vmtest $$k: $(VMTEST_CMD)"; \
		$(VMTEST_SH) $$k $(VMTEST_CMD) || { \
			s=$$?; echo "vmtest: $$k: exit $$s" >&2; rc=1; }; \
	done; exit $$rc

vmtest-%: $(VMTEST_DEPS) $(VMTEST_PROBE)
	$(VMTEST_SH) $* $(VMTEST_CMD)

# The smoke test's probe (libbpf, no clang); the guest uses this host-built binary.
$(VMTEST_PROBE): $(VMTEST_DIR)/bpf-probe.c
	@mkdir -p $(@D)
	$(CC) -O2 -Wall -Wextra -o $@ $< $$(pkg-config --cflags --libs libbpf)

.PHONY: vmtest
