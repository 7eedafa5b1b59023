# shellcheck shell=bash disable=SC2034  # VARIANT_*/METRIC_* are read by the harness
# Control plane: attach and detach BENCH_ATTACH_N (100) containers one after
# the other into the running network, timing each call. The namespaces are
# created and deleted untimed (the runtime's job, not the plugin's). Ratios
# are against the reference CNI plugin, the comparison the issue asks for.
METRIC_DESC="control plane: attach / detach one container (median per container)"
METRIC_BASELINE=cni

metric_supported() { declare -F variant_attach >/dev/null && declare -F variant_detach >/dev/null; }

median() { sort -g | awk '{ v[NR] = $1 } END { m = int((NR + 1) / 2); print (NR % 2) ? v[m] : (v[m] + v[m + 1]) / 2 }'; }

# The metric's namespaces, whatever state a failure left them in: a failed
# step must not leave them to the next variant's attach (nor to the end of
# the run).
attach_ns_cleanup() {
	local ns
	for ns in $(bench_ns_list_all); do
		case $ns in "$BENCH_PREFIX"-p[0-9]*) ip netns del "$ns" 2>/dev/null || true ;; esac
	done
}

metric_run() {
	local n=${BENCH_ATTACH_N:-100} i t0 ns
	local adds=() dels=()
	((n >= 1 && n <= 200)) || die "BENCH_ATTACH_N must be 1..200"
	attach_ns_cleanup
	trap attach_ns_cleanup EXIT
	for ((i = 1; i <= n; i++)); do
		ip netns add "$BENCH_PREFIX-p$i"
	done
	# Addresses 10.40.0.10 and up: clear of the gateway, c1 and c2.
	for ((i = 1; i <= n; i++)); do
		ns=$BENCH_PREFIX-p$i
		t0=$EPOCHREALTIME
		variant_attach "$ns" "10.40.0.$((9 + i))" "$i"
		adds+=("$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", (b - a) * 1000 }')")
	done
	for ((i = 1; i <= n; i++)); do
		ns=$BENCH_PREFIX-p$i
		t0=$EPOCHREALTIME
		variant_detach "$ns" "10.40.0.$((9 + i))" "$i"
		dels+=("$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", (b - a) * 1000 }')")
	done
	for ((i = 1; i <= n; i++)); do
		ip netns del "$BENCH_PREFIX-p$i"
	done
	emit add_ms "$(printf '%s\n' "${adds[@]}" | median)" ms lower
	emit del_ms "$(printf '%s\n' "${dels[@]}" | median)" ms lower
}
