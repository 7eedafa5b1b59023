# Tests: `make check` installs what is missing, builds, and runs every suite
# through tests/run.sh, whose last line is "N passed, N failed[, N skipped]".
#   build/tests/unit-asan   userspace unit tests, under AddressSanitizer and UBSan
#   build/tests/bpf-tests   the BPF programs through BPF_PROG_TEST_RUN

SAN_FLAGS    := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
TEST_CFLAGS  := $(ALL_CFLAGS) $(AGENT_INC_agent) -Itests/lib

UNIT_SRCS    := $(wildcard tests/unit/*.c)
# Userspace modules the unit tests exercise, rebuilt with the sanitizers.
UNIT_AGENT   := parse parse6 paths pin_layout jsonutil state state6 state_publish model ipam ipam6 log counter_names \
                gwallow journal cni_conf cni_conf6 cni_ports cni_env cni_err cni_log cni_result cni_version \
                elide dns_node monitor_pkt pcapng cluster cluster_sources publish
UNIT_OBJS    := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/asan/tests/%.o) \
                $(UNIT_AGENT:%=$(BUILD)/asan/agent/%.o) $(BUILD)/asan/tests/harness.o

BPFT_SRCS    := $(wildcard tests/bpf/*.c)
BPFT_OBJS    := $(BPFT_SRCS:tests/bpf/%.c=$(BUILD)/tests/bpf/%.o) $(BUILD)/tests/harness.o \
                $(BUILD)/agent/counter_names.o $(BUILD)/agent/netlink.o $(BUILD)/agent/netkit.o

.PHONY: test-build verifier-report
test-build: $(BPFBR) $(BUILD)/tests/unit-asan $(BUILD)/tests/bpf-tests $(BUILD)/tests/verifier-report

$(BUILD)/tests/verifier-report: tests/tools/verifier_report.c $(BPF_OBJS)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(LDLIBS)

# The verifier's verdict and processed-instruction count for every program,
# on this kernel and on the VM kernels: build/verifier-report.md.
verifier-report: test-build
	scripts/verifier-report.sh

$(BUILD)/asan/agent/%.o: %.c | $(SKELS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(call agent_inc,$<) $(SAN_FLAGS) -c $< -o $@
$(BUILD)/asan/tests/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $(SAN_FLAGS) -c $< -o $@
$(BUILD)/asan/tests/harness.o: tests/lib/harness.c
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $(SAN_FLAGS) -c $< -o $@
$(BUILD)/tests/unit-asan: $(UNIT_OBJS)
	@mkdir -p $(@D)
	$(CC) $(SAN_FLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/bpf/%.o: tests/bpf/%.c | $(SKELS)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -Itests/bpf -c $< -o $@
$(BUILD)/tests/harness.o: tests/lib/harness.c
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -c $< -o $@
$(BUILD)/tests/bpf-tests: $(BPFT_OBJS)
	@mkdir -p $(@D)
	$(CC) -o $@ $^ $(LDLIBS)

check:
	scripts/deps.sh all
	$(MAKE) test-build
	tests/run.sh

# make soak: the long reliability tests and build/soak-report.md.
include tests/soak.mk
# make stress-check: every net test file, repeatedly, beside a CPU hog.
include tests/stress.mk
