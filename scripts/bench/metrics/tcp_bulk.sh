# shellcheck shell=bash disable=SC2034  # VARIANT_*/METRIC_* are read by the harness
# Bulk TCP hides per-packet cost behind GSO/GRO (64 KB super-packets), so it
# is a regression guard rather than a datapath figure of merit.
METRIC_DESC="TCP bulk c1->c2, one stream (iperf3, client and server on one core)"

metric_run() {
	local port=5201 out
	bg_start iperf3 "$C2_NS" taskset -c "$BENCH_CPU" iperf3 -s -1 -B "$C2_IP" -p "$port"
	local srv=$BG_PID
	wait_listen "$C2_NS" tcp "$port"
	out=$(pinx "$C1_NS" iperf3 -c "$C2_IP" -p "$port" -t "$BENCH_DURATION" -J) || {
		bg_stop "$srv"
		die "iperf3 to $C2_IP failed: $(printf '%s' "$out" | jq -r '.error? // empty')"
	}
	bg_stop "$srv"
	emit gbps "$(printf '%s' "$out" | jq '.end.sum_received.bits_per_second / 1e9 * 1000 | round / 1000')" \
		Gbit/s higher
}
