# libFuzzer targets (clang-14, -fsanitize=fuzzer,address,undefined):
#   build/fuzz/fuzz-NAME   from tests/fuzz/fuzz_NAME.c and the agent modules
#                          listed in FUZZ_AGENT_NAME, rebuilt with the sanitizers
# Seeds are in tests/fuzz/corpus/NAME/. tests/run.sh fuzz runs every target
# for a bounded time (part of make check); `make fuzz` runs them longer.

FUZZ_CC      ?= clang-14
FUZZ_TIME    ?= 600
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := -g -O1 $(WARN) -std=gnu11 -Iinclude -Iagent -MMD -MP $(FUZZ_SAN) \
                $(shell pkg-config --cflags $(PKGS) 2>/dev/null)

FUZZ_TARGETS       := cni_conf
FUZZ_AGENT_cni_conf := cni_conf cni_err cni_result cni_version parse jsonutil
FUZZ_BINS          := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz-%)

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)
test-build: fuzz-build

# Long runs: each target for FUZZ_TIME seconds; new inputs stay under build/.
fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_TIME) FUZZ_EACH=1 tests/run.sh fuzz

$(BUILD)/fuzz/agent/%.o: agent/%.c | $(SKELS)
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
