# bpfbr: an eBPF container-networking datapath.
# Non-recursive; everything generated goes under build/. Run `make help`.

BUILD      ?= build
CLANG_BPF  ?= $(shell command -v clang-19 || command -v clang)
BPFTOOL    ?= $(shell command -v bpftool || echo /usr/sbin/bpftool)
CC         ?= gcc
PKGS       := libbpf libmnl jansson

VERSION    := $(shell git describe --always --dirty 2>/dev/null || echo dev)
GIT_REV    := $(shell git rev-parse HEAD 2>/dev/null || echo unknown)$(shell git diff --quiet HEAD 2>/dev/null || echo -dirty)
WARN       := -Wall -Wextra -Werror
# Userspace C (agent, tests, fuzz targets): also no shadowed names, and no
# global function without a prototype from its header (or else static). The
# BPF programs take -Wshadow only: their SEC() entry points have no callers
# in C to share a prototype with.
WARN_C     := $(WARN) -Wshadow -Wmissing-prototypes
CFLAGS     ?= -O2 -g
ALL_CFLAGS := $(CFLAGS) $(WARN_C) -std=gnu11 -Iinclude -I$(BUILD)/skel -MMD -MP \
              -DBPFBR_VERSION='"$(VERSION)"' -DBPFBR_GIT_REV='"$(GIT_REV)"' $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS     := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_x86 $(WARN) -Wshadow \
              -Ivmlinux -Iinclude -Ibpf -MMD -MP

BPF_SRCS   := $(wildcard bpf/*.bpf.c)
BPF_OBJS   := $(BPF_SRCS:bpf/%.bpf.c=$(BUILD)/bpf/%.bpf.o)
SKELS      := $(BPF_SRCS:bpf/%.bpf.c=$(BUILD)/skel/%.skel.h)

# The agent's layers, lowest first (README "Repository layout"). A file sees
# the headers of its own layer and the layers below, never above: the build
# refuses an include that goes upward (and scripts/layers.sh says which).
# cli and cni sit side by side; main.c, at the top, sees everything. File
# names are unique across layers: objects go to build/agent/NAME.o.
AGENT_LAYERS := lib sys core cli cni
AGENT_INC_lib   := -Iagent/lib
AGENT_INC_sys   := $(AGENT_INC_lib) -Iagent/sys
AGENT_INC_core  := $(AGENT_INC_sys) -Iagent/core
AGENT_INC_cli   := $(AGENT_INC_core) -Iagent/cli
AGENT_INC_cni   := $(AGENT_INC_core) -Iagent/cni
AGENT_INC_agent := $(AGENT_INC_core) -Iagent/cli -Iagent/cni
# The include flags of the layer that source file $(1) is in.
agent_inc = $(AGENT_INC_$(notdir $(patsubst %/,%,$(dir $(1)))))
vpath %.c agent $(AGENT_LAYERS:%=agent/%)

AGENT_SRCS := $(wildcard $(AGENT_LAYERS:%=agent/%/*.c))
AGENT_OBJS := $(addprefix $(BUILD)/agent/,$(notdir $(AGENT_SRCS:.c=.o)))
BPFBR      := $(BUILD)/bpfbr

.PHONY: all deps build check demo demo-down clean help format format-check
.SECONDARY:
# A recipe that fails leaves no half-written target behind to look up to date
# on the next run. Global: it covers the rules of the included .mk files too.
.DELETE_ON_ERROR:
.DEFAULT_GOAL := all

all: $(BPFBR)

help:
	@echo "make            build bpfbr (build/bpfbr) and the BPF objects (also: make build)"
	@echo "make deps       install the Debian packages the build and the tests need"
	@echo "make demo       install what is missing, build, run the two-container demo"
	@echo "make demo-down  remove what make demo DEMO_ARGS=--keep left running"
	@echo "make check      install what is missing, build, run every test"
	@echo "make test-build build the test binaries (unit, BPF, verifier report, fuzz targets)"
	@echo "make stress-check  every net test file STRESS_RUNS times (5) beside a CPU hog: the flakes"
	@echo "make soak       the soak tests (long runs of attach, detach and traffic)"
	@echo "make vmtest     run the BPF selftests in QEMU on Debian's 6.1 and 6.12 kernels"
	@echo "make verifier-report  verifier verdicts and instruction counts per kernel"
	@echo "make bench      benchmark bpfbr against the bridge, CNI and a bare veth pair"
	@echo "make bench-tools  build the benchmark's helper programs only"
	@echo "make format     reformat the C sources with .clang-format"
	@echo "make format-check  check formatting against .clang-format"
	@echo "make shape-report  big files, duplicates, include edges crossing agent layers"
	@echo "make fuzz       run the libFuzzer targets for FUZZ_TIME seconds each (default 600)"
	@echo "make fuzz-build build the libFuzzer targets only"
	@echo "make fuzz-frames  run the frame fuzzer against the BPF programs (FUZZ_FRAMES frames)"
	@echo "make mutate     plant each bug of tests/mutate/mutations.txt; the table of what caught it"
	@echo "make man        write the man page bpfbr(8) from the command table (build/man/)"
	@echo "make install    bpfbr (stripped) in PREFIX/sbin, links to it as the CNI plugin in"
	@echo "                /opt/cni/bin and /usr/lib/cni, bpfbr(8), the bash completion and"
	@echo "                bpfbr-restore.service (DESTDIR prefixes every path)"
	@echo "make uninstall  remove what make install put in place"
	@echo "make clean      remove build/"
	@echo "make help       this list"

deps:
	scripts/deps.sh all

# --- BPF objects and skeletons -------------------------------------------------
$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c | $(BUILD)/bpf
	$(CLANG_BPF) $(BPF_CFLAGS) -c $< -o $@

# Skeleton struct names end in _bpf (port.bpf.o -> struct port_bpf).
$(BUILD)/skel/%.skel.h: $(BUILD)/bpf/%.bpf.o | $(BUILD)/skel
	$(BPFTOOL) gen skeleton $< name $*_bpf > $@.tmp
	mv $@.tmp $@

# --- agent ---------------------------------------------------------------------
$(BUILD)/agent/%.o: %.c | $(BUILD)/agent $(SKELS)
	$(CC) $(ALL_CFLAGS) $(call agent_inc,$<) -c $< -o $@

$(BPFBR): $(BUILD)/agent/main.o $(AGENT_OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bpf $(BUILD)/skel $(BUILD)/agent:
	mkdir -p $@

build: $(BPFBR)

# --- demo and tests ------------------------------------------------------------
demo:
	scripts/deps.sh all
	$(MAKE) build
	scripts/demo.sh $(DEMO_ARGS)

demo-down:
	scripts/demo.sh --down

include tests/tests.mk
include tests/fuzz/fuzz.mk
include tests/mutate/mutate.mk
# make vmtest: the test suites inside QEMU on Debian's 6.1 and 6.12 kernels.
VMTEST_CMD ?= tests/run.sh --vm
VMTEST_DEPS ?= test-build
include scripts/vmtest/vmtest.mk
include scripts/bench/bench.mk

# --- shape ---------------------------------------------------------------------
# Files over 500 lines, duplicates, include edges that cross the agent's layers
# upward (issue 12). Informational: not part of make check.
.PHONY: shape-report
shape-report:
	scripts/shape-report.sh

# --- formatting ----------------------------------------------------------------
FORMAT_SRCS := $(wildcard agent/*.c agent/*/*.[ch] bpf/*.c bpf/lib/*.h include/bpfbr/*.h tests/*/*.c tests/*/*.h)
format:
	clang-format -i $(FORMAT_SRCS)
format-check:
	clang-format --dry-run --Werror $(FORMAT_SRCS)

# --- install -------------------------------------------------------------------
# The CLI in $(PREFIX)/sbin, stripped, and links to it as the CNI plugin
# "bpfbr" in the directories runtimes search (fixed paths, not under
# PREFIX); DESTDIR prefixes all of them for packaging.
# With it: the man page bpfbr(8), written from the binary's command table
# (scripts/install/man.sh), the bash completion, and the systemd unit that
# runs `bpfbr restore` at boot.
PREFIX   ?= /usr/local
CNI_DIRS ?= /opt/cni/bin /usr/lib/cni
UNIT_DIR ?= $(PREFIX)/lib/systemd/system
MAN_PAGE := $(BUILD)/man/bpfbr.8
.PHONY: install uninstall man
man: $(MAN_PAGE)
$(MAN_PAGE): $(BPFBR) scripts/install/man.sh scripts/install/bpfbr.8.head scripts/install/bpfbr.8.tail
	mkdir -p $(@D)
	scripts/install/man.sh $(BPFBR) > $@.tmp
	mv $@.tmp $@
install: $(BPFBR) $(MAN_PAGE)
	install -D -s -m 0755 $(BPFBR) $(DESTDIR)$(PREFIX)/sbin/bpfbr
	install -D -m 0644 $(MAN_PAGE) $(DESTDIR)$(PREFIX)/share/man/man8/bpfbr.8
	install -D -m 0644 scripts/install/bpfbr.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/bpfbr
	install -d $(DESTDIR)$(UNIT_DIR)
	sed 's|@SBINDIR@|$(PREFIX)/sbin|' scripts/install/bpfbr-restore.service.in \
		> $(DESTDIR)$(UNIT_DIR)/bpfbr-restore.service
	for d in $(CNI_DIRS); do \
		install -d $(DESTDIR)$$d && ln -sf $(PREFIX)/sbin/bpfbr $(DESTDIR)$$d/bpfbr || exit 1; \
	done
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/bpfbr $(CNI_DIRS:%=$(DESTDIR)%/bpfbr) \
		$(DESTDIR)$(PREFIX)/share/man/man8/bpfbr.8 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/bpfbr \
		$(DESTDIR)$(UNIT_DIR)/bpfbr-restore.service

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -path $(BUILD)/mutate -prune -o -name '*.d' -print 2>/dev/null)
