# shellcheck shell=bash disable=SC2034  # VARIANT_DESC is read by the harness
# Variant "bpfbr-tc-monitor": bpfbr-tc with `bpfbr monitor` running for the
# whole build (issue 16): drop events only (BPFBR_MONITOR_TYPE=drop, what a
# user leaves running), or every decision (variants/bpfbr-tc-monitor-all.sh:
# --type all, each packet an event, up to 100 000 a second per CPU). Its
# output goes to /dev/null; it runs in the node's namespaces like every bpfbr
# command of the build, and variant_down ends it by its pid before the
# network goes. Compared with bpfbr-tc, it shows what a monitor costs.
# shellcheck source=scripts/bench/variants/bpfbr-tc.sh
source "$BENCH_LIB_DIR/variants/bpfbr-tc.sh"
BPFBR_MONITOR_TYPE=${BPFBR_MONITOR_TYPE:-drop}
BPFBR_MONITOR_RATE=${BPFBR_MONITOR_RATE:-1000}
VARIANT_DESC="bpfbr, default mode, with bpfbr monitor --type $BPFBR_MONITOR_TYPE running"

eval "bpfbr_tc_$(declare -f variant_up)"
eval "bpfbr_tc_$(declare -f variant_down)"

variant_up() {
	local i
	bpfbr_tc_variant_up
	bb monitor "$BENCH_PREFIX" --type "$BPFBR_MONITOR_TYPE" --rate "$BPFBR_MONITOR_RATE" \
		>/dev/null 2>"$BENCH_RUN_DIR/$VARIANT-monitor.err" &
	BPFBR_MONITOR_PID=$!
	for ((i = 0; i < 100; i++)); do
		grep -q '^monitoring' "$BENCH_RUN_DIR/$VARIANT-monitor.err" && return 0
		kill -0 "$BPFBR_MONITOR_PID" 2>/dev/null ||
			die "$VARIANT: the monitor did not start: $(cat "$BENCH_RUN_DIR/$VARIANT-monitor.err")"
		sleep 0.05
	done
	die "$VARIANT: the monitor did not start"
}

variant_down() {
	local i
	if [ -n "${BPFBR_MONITOR_PID:-}" ]; then
		kill -TERM "$BPFBR_MONITOR_PID" 2>/dev/null || true
		for ((i = 0; i < 100; i++)); do
			kill -0 "$BPFBR_MONITOR_PID" 2>/dev/null || break
			sleep 0.05
		done
		wait "$BPFBR_MONITOR_PID" 2>/dev/null || true
		log "$VARIANT: $(tail -n1 "$BENCH_RUN_DIR/$VARIANT-monitor.err")"
		BPFBR_MONITOR_PID=""
	fi
	bpfbr_tc_variant_down
}
