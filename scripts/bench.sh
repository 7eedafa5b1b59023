#!/usr/bin/env bash
# Side-by-side benchmark of container datapaths (issue 6).
#
#   scripts/bench.sh [--rounds N] [--quick] [--variants a,b,...] [--metrics x,y,...]
#                    [--duration SECONDS] [--out FILE.md]
#
# Builds each variant (scripts/bench/variants/*.sh) in namespaces of its own,
# runs every metric (scripts/bench/metrics/*.sh) on it, tears it down, and does
# that for every variant in a rotated order, round after round. Results go to
# bench/results/<date>.md (medians, min-max, paired ratios) with a PNG chart and
# the raw .tsv next to it. Interfaces: scripts/bench/README.md.
#
# Safety: everything happens inside namespaces named bch<runid>-*; the root
# namespace's links, routes, sysctls and firewall are never touched. A trap
# ends every process the run started and deletes its namespaces, on success,
# failure or Ctrl-C.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$ROOT/scripts/bench/lib.sh"

# Report order; a variant whose file does not exist (yet) is skipped.
DEFAULT_VARIANTS=(bridge cni bpfbr-tc bpfbr-xdp bpfbr-netkit bpfbr-tc-monitor bpfbr-tc-monitor-all
	veth xnode-hostgw xnode-bpfbr xnode-vxlan xnode-bpfbr-vxlan)
# Within a variant build, the 100k metrics come after their plain versions and
# every metric starts from an emptied table (variant_reset).
# The IPv6 rows (issue 14) run in the variants that announce VARIANT_IPV6=1.
DEFAULT_METRICS=(tcp_rr udp_rr tcp_crr udp_pps tcp_bulk nat_tcp_rr nat_tcp_crr
	nat_tcp_rr_100k nat_tcp_crr_100k tcp_rr6 tcp_crr6 udp_pps6 nat_tcp_rr6 nat_tcp_crr6
	pub_tcp_rr pub_tcp_crr pub_direct_tcp_rr attach bpf_prog_cost)

usage() {
	cat <<-EOF
	usage: scripts/bench.sh [--rounds N] [--quick] [--variants a,b,...] [--metrics x,y,...]
	                        [--duration SECONDS] [--out FILE.md]
	Environment: BENCH_CPU (core to pin to, default 1), BENCH_ATTACH_N, BENCH_NAT_FILL.
	EOF
	echo "Defaults: --rounds 10, --duration 5; --quick: 2 rounds of 2 s, 10 containers for attach."
	echo "Variants: ${DEFAULT_VARIANTS[*]}"
	echo "Metrics:  ${DEFAULT_METRICS[*]}"
	exit "${1:-0}"
}

rounds="" quick=0 duration="" variants_arg="" metrics_arg="" out_md=""
while [ $# -gt 0 ]; do
	case $1 in
	--rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
	--quick) quick=1; shift ;;
	--duration) duration=${2:?--duration needs seconds}; shift 2 ;;
	--variants) variants_arg=${2:?--variants needs a list}; shift 2 ;;
	--metrics) metrics_arg=${2:?--metrics needs a list}; shift 2 ;;
	--out) out_md=${2:?--out needs a file name}; shift 2 ;;
	-h | --help) usage 0 ;;
	*) echo "bench: unknown argument '$1'" >&2; usage 2 >&2 ;;
	esac
done
if [ "$quick" = 1 ]; then
	rounds=${rounds:-2} duration=${duration:-2}
	export BENCH_ATTACH_N=${BENCH_ATTACH_N:-10}
else
	rounds=${rounds:-10} duration=${duration:-5}
	export BENCH_ATTACH_N=${BENCH_ATTACH_N:-100}
fi
[[ $rounds =~ ^[0-9]+$ ]] && ((rounds >= 1 && rounds <= 100)) || die "--rounds must be 1..100"
[[ $duration =~ ^[0-9]+$ ]] && ((duration >= 1 && duration <= 25)) ||
	die "--duration must be 1..25 s (unreplied UDP translations of the 100k pre-fill live 30 s)"
export BENCH_DURATION=$duration BENCH_QUICK=$quick
[ "$(id -u)" = 0 ] || die "needs root (namespaces, veth, iptables inside them); run: sudo $0"
((BENCH_CPU < $(nproc))) || die "BENCH_CPU=$BENCH_CPU but this machine has $(nproc) CPUs"

# --- dependencies ------------------------------------------------------------------

# command -> Debian package; only what is missing is installed.
install_deps() {
	local -A pkg=([sockperf]=sockperf [iperf3]=iperf3 [trafgen]=netsniff-ng
		[iptables]=iptables [conntrack]=conntrack [gnuplot]=gnuplot-nox [jq]=jq
		[ping]=iputils-ping [ss]=iproute2 [taskset]=util-linux [python3]=python3
		[make]=make [gcc]=gcc [/usr/lib/cni/bridge]=containernetworking-plugins)
	local c missing=()
	for c in "${!pkg[@]}"; do
		if [[ $c == /* ]]; then [ -x "$c" ]; else command -v "$c" >/dev/null; fi ||
			missing+=("${pkg[$c]}")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

# --- selection -----------------------------------------------------------------------

# Source a variant file in a subshell and check it implements the interface
# and can run here; prints its description.
variant_probe() {
	(
		VARIANT=$1
		# shellcheck disable=SC1090
		source "$BENCH_LIB_DIR/variants/$1.sh"
		declare -F variant_up >/dev/null && declare -F variant_down >/dev/null ||
			die "variants/$1.sh must define variant_up and variant_down"
		if declare -F variant_available >/dev/null && ! variant_available; then
			exit 3
		fi
		# A variant compared with another than its metric's baseline (the
		# cross-node ones with their kernel equivalent): DESC<TAB>BASELINE.
		printf '%s\t%s\n' "${VARIANT_DESC:-$1}" "${VARIANT_BASELINE:-}"
	)
}

metric_probe() {
	(
		# shellcheck disable=SC1090
		source "$BENCH_LIB_DIR/metrics/$1.sh"
		declare -F metric_run >/dev/null || die "metrics/$1.sh must define metric_run"
		printf '%s\t%s\n' "${METRIC_DESC:-$1}" "${METRIC_BASELINE:-bridge}"
	)
}

# --- one variant build ---------------------------------------------------------------

# progress STEP TEXT: the one line per step the user watches.
progress() { printf '[%3s/%s] %s\n' "$1" "$TOTAL_STEPS" "$2" >&2; }

# run_metric ROUND VARIANT METRIC STEP: run one metric against the variant
# that is up, append its lines to the results file. Never fails the build:
# a failed metric is reported and recorded in $BENCH_RUN_DIR/failures.
run_metric() {
	local r=$1 v=$2 m=$3 step=$4 rc t0 summary
	local out=$BENCH_RUN_DIR/metric.out err=$BENCH_RUN_DIR/metric.err
	t0=$EPOCHREALTIME
	# The build's ERR trap would also fire for this subshell's exit status
	# (3 means n/a); the metric gets one of its own instead.
	trap - ERR
	set +e
	(
		set -eE
		trap 'warn "$m: \`$BASH_COMMAND\` failed (exit $?)"' ERR
		# shellcheck disable=SC1090
		source "$BENCH_LIB_DIR/metrics/$m.sh"
		if declare -F metric_supported >/dev/null && ! metric_supported; then
			exit 3
		fi
		# A variant that measures only some metrics (the cross-node ones).
		if [ -n "${VARIANT_METRICS:-}" ] && [[ " $VARIANT_METRICS " != *" $m "* ]]; then
			exit 3
		fi
		if declare -F variant_reset >/dev/null; then variant_reset; fi
		metric_run
	) >"$out" 2>"$err"
	rc=$?
	set -e
	# shellcheck disable=SC2064 # the variable holds the quoted trap text
	trap "$BUILD_ERR_TRAP" ERR
	reap_pids
	local secs
	secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	case $rc in
	0)
		awk -F'\t' -v OFS='\t' -v r="$r" -v v="$v" -v m="$m" 'NF == 4 { print r, v, m, $1, $2, $3, $4 }' \
			"$out" >>"$RESULTS_TMP"
		# The 1-minute load average after each step: anything else running
		# on the two cores is the main source of noise here.
		printf '# load\t%s\t%s\t%s\t%s\n' "$r" "$v" "$m" "$(cut -d' ' -f1 /proc/loadavg)" >>"$RESULTS_TMP"
		summary=$(awk -F'\t' '$4 != "info" { printf "%s=%s ", $1, $2 }' "$out")
		progress "$step" "round $r/$ROUNDS $(printf '%-10s %-17s' "$v" "$m") $summary(${secs}s)"
		grep 'warning:' "$err" | sed 's/^/    /' >&2 || true
		;;
	3)
		# The reason, when metric_supported gave one on stderr.
		progress "$step" "round $r/$ROUNDS $(printf '%-10s %-17s' "$v" "$m") n/a for this variant$(
			[ -s "$err" ] && printf ': %s' "$(tail -1 "$err")")"
		;;
	*)
		progress "$step" "round $r/$ROUNDS $(printf '%-10s %-17s' "$v" "$m") FAILED (exit $rc)"
		sed 's/^/    /' "$err" | tail -5 >&2
		echo "round $r $v $m: exit $rc: $(tail -1 "$err")" >>"$BENCH_RUN_DIR/failures"
		;;
	esac
	[ -s "$err" ] && { echo "== round $r $v $m" && cat "$err"; } >>"$BENCH_RUN_DIR/stderr.log"
	return 0
}

# variant_round ROUND VARIANT FIRST_STEP: build the variant, run every metric,
# tear it down. Runs in a subshell so each variant file's functions and
# exports stay within its own build.
variant_round() (
	set -eE
	# errexit alone dies silently; name the command that failed.
	BUILD_ERR_TRAP='warn "$VARIANT: \`$BASH_COMMAND\` failed (exit $?)"'
	# shellcheck disable=SC2064 # the variable holds the quoted trap text
	trap "$BUILD_ERR_TRAP" ERR
	local r=$1 v=$2 step=$3 m
	export VARIANT=$v
	# shellcheck disable=SC1090
	source "$BENCH_LIB_DIR/variants/$v.sh"
	bench_ns_names
	bench_ns_create
	local t0=$EPOCHREALTIME
	variant_up "$BENCH_RUNID"
	bench_check_reach
	log "round $r/$ROUNDS: $v up in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')s"
	for m in "${METRICS[@]}"; do
		run_metric "$r" "$v" "$m" "$step"
		step=$((step + 1))
	done
	variant_down "$BENCH_RUNID"
	bench_ns_delete
)

# reap_pids: end every process recorded by bg_start that is still running
# (a metric or build that died before its bg_stop), then forget them. Only
# pids still in this run's process group are signalled, so a recycled pid
# that now belongs to someone else is left alone.
reap_pids() {
	local pid
	[ -s "$BENCH_RUN_DIR/pids" ] || return 0
	while read -r pid; do
		if [ "$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')" = "$BENCH_PGID" ]; then
			warn "ending stray process $pid ($(ps -o args= -p "$pid" | cut -c1-60))"
			bg_stop "$pid"
		fi
	done <"$BENCH_RUN_DIR/pids"
	: >"$BENCH_RUN_DIR/pids"
}

# After a build died half-way: end what it left running and delete this
# run's namespaces.
reap_build() {
	local ns
	reap_pids
	for ns in $(bench_ns_list_all); do ip netns del "$ns" || true; done
}

# The whole run; started in the background in its own process group so the
# top-level trap can end it, and everything it started, at once.
run_all() {
	BENCH_PGID=$(ps -o pgid= -p "$BASHPID" | tr -d ' ')
	local r i v nv=${#VARIANTS[@]} nm=${#METRICS[@]} order rc
	for ((r = 1; r <= ROUNDS; r++)); do
		# Rotate the order every round so no variant always runs first
		# (right after a teardown) or last.
		for ((i = 0; i < nv; i++)); do
			v=${VARIANTS[$(((i + r - 1) % nv))]}
			order=$(((r - 1) * nv + i))
			# Not `if ! variant_round`: that would switch errexit off
			# inside it, and a half-built variant would be measured.
			set +e
			variant_round "$r" "$v" "$((order * nm + 1))"
			rc=$?
			set -e
			if ((rc != 0)); then
				warn "round $r: variant $v failed to build or tear down; going on without it"
				echo "round $r $v: build failed" >>"$BENCH_RUN_DIR/failures"
				reap_build
			fi
			# Let the kernel finish destroying the namespaces (async work
			# on the same two cores) before the next build is measured.
			sleep 1
		done
	done
}

# --- top level -----------------------------------------------------------------------

cleanup() {
	local rc=$? i ns
	trap - EXIT INT TERM HUP
	# The worker's process group holds everything the run started; end
	# whatever is left of it (all of it when interrupted, strays otherwise).
	if [ -n "${WORKER_PGID:-}" ] && kill -0 -- "-$WORKER_PGID" 2>/dev/null; then
		log "stopping: ending the run's processes (process group $WORKER_PGID)"
		kill -TERM -- "-$WORKER_PGID" 2>/dev/null || true
		for ((i = 0; i < 30; i++)); do
			kill -0 -- "-$WORKER_PGID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL -- "-$WORKER_PGID" 2>/dev/null || true
		wait "$WORKER_PGID" 2>/dev/null || true
	fi
	for ns in $(bench_ns_list_all); do
		ip netns del "$ns" 2>/dev/null || warn "could not delete netns $ns"
	done
	if [ -n "${BENCH_RUN_DIR:-}" ]; then
		rm -rf "$BENCH_RUN_DIR"
		rmdir --ignore-fail-on-non-empty "$(dirname "$BENCH_RUN_DIR")" 2>/dev/null || true
	fi
	[ -n "$(bench_ns_list_all)" ] && warn "namespaces left: $(bench_ns_list_all | tr '\n' ' ')"
	[ "$rc" = 130 ] && log "interrupted; cleaned up (partial results in ${RESULTS_TMP:-nowhere})"
	exit "$rc"
}

main() {
	install_deps
	make -s -C "$ROOT" -f scripts/bench/bench.mk bench-tools

	# Variants and metrics, validated before anything is built.
	local v m desc
	local -a want_v want_m
	IFS=, read -r -a want_v <<<"${variants_arg:-$(IFS=,; echo "${DEFAULT_VARIANTS[*]}")}"
	IFS=, read -r -a want_m <<<"${metrics_arg:-$(IFS=,; echo "${DEFAULT_METRICS[*]}")}"
	VARIANTS=() METRICS=()
	local -A vdesc mdesc
	for v in "${want_v[@]}"; do
		if [ ! -f "$BENCH_LIB_DIR/variants/$v.sh" ]; then
			[ -n "$variants_arg" ] && die "no variant '$v' (scripts/bench/variants/$v.sh)"
			continue
		fi
		if desc=$(variant_probe "$v"); then
			VARIANTS+=("$v") vdesc[$v]=$desc
		else
			[ -n "$variants_arg" ] && die "variant '$v' cannot run here"
			log "skipping variant $v (not available here)"
		fi
	done
	for m in "${want_m[@]}"; do
		[ -f "$BENCH_LIB_DIR/metrics/$m.sh" ] || die "no metric '$m' (scripts/bench/metrics/$m.sh)"
		desc=$(metric_probe "$m")
		METRICS+=("$m") mdesc[$m]=$desc
	done
	[ ${#VARIANTS[@]} -gt 0 ] || die "no variant to run"
	ROUNDS=$rounds
	TOTAL_STEPS=$((ROUNDS * ${#VARIANTS[@]} * ${#METRICS[@]}))

	# Run identity: short and unique, so names never collide with another
	# run's or with anything else on the machine.
	local tries=0
	while :; do
		BENCH_RUNID=$(printf '%04x' $((RANDOM ^ ($$ & 0xffff))))
		BENCH_PREFIX=bch$BENCH_RUNID
		[ -z "$(bench_ns_list_all)" ] && [ ! -e "/run/bpfbr-bench/$BENCH_PREFIX" ] && break
		((++tries < 20)) || die "cannot find a free run id"
	done
	BENCH_RUN_DIR=/run/bpfbr-bench/$BENCH_PREFIX
	export BENCH_RUNID BENCH_PREFIX BENCH_RUN_DIR
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	mkdir -p "$BENCH_RUN_DIR"

	# A quick run never overwrites the day's real results.
	local base suffix=""
	[ "$quick" = 1 ] && suffix=-quick
	base=${out_md:-$ROOT/bench/results/$(date +%F)$suffix.md}
	base=${base%.md}
	mkdir -p "$(dirname "$base")"
	RESULTS_TMP=$base.tsv.tmp
	{
		printf '# info\tdate\t%s\n' "$(date '+%F %T %Z')"
		printf '# info\trounds\t%s\n' "$ROUNDS"
		printf '# info\tduration_s\t%s\n' "$BENCH_DURATION"
		printf '# info\tquick\t%s\n' "$quick"
		printf '# info\tattach_n\t%s\n' "$BENCH_ATTACH_N"
		printf '# info\tcpu\t%s\n' "$BENCH_CPU"
		printf '# info\tkernel\t%s\n' "$(uname -r)"
		printf '# info\tmachine\t%s CPUs, %s\n' "$(nproc)" \
			"$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
		printf '# info\tload_start\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
		printf '# info\tcommit\t%s\n' "$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)"
		for v in "${VARIANTS[@]}"; do printf '# variant\t%s\t%s\n' "$v" "${vdesc[$v]}"; done # DESC<TAB>BASELINE
		for m in "${METRICS[@]}"; do printf '# metric\t%s\t%s\n' "$m" "${mdesc[$m]}"; done
		printf 'round\tvariant\tmetric\tkey\tvalue\tunit\tbetter\n'
	} >"$RESULTS_TMP"
	export RESULTS_TMP ROUNDS TOTAL_STEPS

	log "run $BENCH_PREFIX: ${#VARIANTS[@]} variants (${VARIANTS[*]}) x ${#METRICS[@]} metrics x $ROUNDS rounds," \
		"${BENCH_DURATION}s per measurement, pinned to CPU $BENCH_CPU"
	local start=$EPOCHREALTIME rc=0
	# Job control puts the worker in a process group of its own, which the
	# trap can signal as a whole (Ctrl-C reaches only this shell's group).
	set -m
	run_all </dev/null &
	WORKER_PGID=$!
	set +m
	wait "$WORKER_PGID" || rc=$?
	((rc == 0)) || die "the run stopped (exit $rc)"

	{
		printf '# info\telapsed_s\t%.0f\n' "$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')"
		printf '# info\tload_end\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
	} >>"$RESULTS_TMP"
	mv "$RESULTS_TMP" "$base.tsv"
	RESULTS_TMP=""
	python3 "$BENCH_LIB_DIR/report.py" "$base.tsv" "$base.md" "$base.png"
	log "wrote $base.md, $base.png and $base.tsv"
	if [ -s "$BENCH_RUN_DIR/failures" ]; then
		warn "$(wc -l <"$BENCH_RUN_DIR/failures") step(s) failed:"
		sed 's/^/    /' "$BENCH_RUN_DIR/failures" >&2
		exit 1
	fi
}

main
