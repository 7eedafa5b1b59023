# libFuzzer targets (clang-14, -fsanitize=fuzzer,address,undefined):
#   build/fuzz/fuzz-NAME   from tests/fuzz/fuzz_NAME.c and the agent modules
#                          listed in FUZZ_AGENT_NAME, rebuilt with the sanitizers
# Seeds are in tests/fuzz/corpus/NAME/. tests/run.sh fuzz runs every target
# for a bounded time (part of make check); `make fuzz` runs them longer.

FUZZ_CC      ?= clang-14
FUZZ_TIME    ?= 600
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := -g -O1 $(WARN_C) -std=gnu11 -Iinclude $(AGENT_INC_agent) -MMD -MP $(FUZZ_SAN) \
                $(shell pkg-config --cflags $(PKGS) 2>/dev/null)

FUZZ_TARGETS       := cni_conf
FUZZ_AGENT_cni_conf := cni_conf cni_conf6 cni_ports publish cni_err cni_log cni_result cni_version \
                       parse parse6 jsonutil gwallow model
# Hostile input to the tools (issue 7): the state-file loader, and (below) the
# command line.
FUZZ_TARGETS       += state
FUZZ_AGENT_state   := state state6 state_publish publish model jsonutil parse parse6 paths log gwallow
FUZZ_BINS          := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz-%)

# fuzz-cli runs agent/cli*.c down to where a command would touch the system,
# which tests/fuzz/fuzz_cli.c stubs. A command that calls a function without a
# stub there does not break the build: the binary then only names the missing
# stubs, and the fuzz suite fails with that.
FUZZ_AGENT_cli     := cli cli_net cli_attach cli_port publish cli_show cli_gc cli_upgrade cli_restore cli_lookup \
                      cli_parse cli_help cli_help_cmd cli_version cli_inspect cli_dual parse parse6 \
                      log output output_inspect model wording elide cli_monitor cli_metrics \
                      monitor_pkt monitor_render pcapng metrics metrics_http counter_names \
                      pin_layout paths cli_cluster cluster cluster_output cluster_sources jsonutil
FUZZ_BINS          += $(BUILD)/fuzz/fuzz-cli
$(BUILD)/fuzz/fuzz-cli: $(BUILD)/fuzz/fuzz_cli.o $(FUZZ_AGENT_cli:%=$(BUILD)/fuzz/agent/%.o)
	@if ! $(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(LDLIBS) 2>$(BUILD)/fuzz/cli-link.log; \
	then cat $(BUILD)/fuzz/cli-link.log >&2; \
		missing=$$(grep -o "undefined reference to .[a-z_0-9]*" $(BUILD)/fuzz/cli-link.log | \
			sed 's/.* .//' | sort -u | tr '\n' ' '); \
		printf '#!/bin/sh\necho "ERROR: tests/fuzz/fuzz_cli.c has no stub for: %s"\nexit 1\n' \
			"$$missing" >$@; chmod +x $@; \
		echo "fuzz-cli: no stub for $$missing(the fuzz suite will fail)" >&2; fi

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)
test-build: fuzz-build

# Long runs: each target for FUZZ_TIME seconds; new inputs stay under build/.
fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_TIME) FUZZ_EACH=1 tests/run.sh fuzz

# Hostile packets (issue 7): the BPF datapath fuzz test of the bpf suite
# (tests/bpf/test_fuzz_frames.c, a million frames in make check), longer.
FUZZ_FRAMES  ?= 10000000
.PHONY: fuzz-frames
fuzz-frames: $(BUILD)/tests/bpf-tests
	BPFBR_FUZZ_FRAMES=$(FUZZ_FRAMES) $(BUILD)/tests/bpf-tests -s fuzz fuzz_frames
fuzz: fuzz-frames

$(BUILD)/fuzz/agent/%.o: %.c | $(SKELS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
$(BUILD)/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

define fuzz_target
$(BUILD)/fuzz/fuzz-$(1): $(BUILD)/fuzz/fuzz_$(1).o $(FUZZ_AGENT_$(1):%=$(BUILD)/fuzz/agent/%.o)
	$$(FUZZ_CC) $$(FUZZ_SAN) -fsanitize=fuzzer -o $$@ $$^ $$(LDLIBS)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_target,$(t))))
