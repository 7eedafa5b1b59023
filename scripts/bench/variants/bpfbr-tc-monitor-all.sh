# shellcheck shell=bash disable=SC2034  # BPFBR_MONITOR_* are read by bpfbr-tc-monitor.sh
# Variant "bpfbr-tc-monitor-all": bpfbr-tc with `bpfbr monitor --type all
# --rate 100000` running: every switching decision and drop an event (up to
# 100 000 a second per CPU), printed to /dev/null. See bpfbr-tc-monitor.sh.
BPFBR_MONITOR_TYPE=all
BPFBR_MONITOR_RATE=100000
# shellcheck source=scripts/bench/variants/bpfbr-tc-monitor.sh
source "$BENCH_LIB_DIR/variants/bpfbr-tc-monitor.sh"
