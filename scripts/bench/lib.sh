# shellcheck shell=bash
# Shared helpers for the benchmark harness: the topology's fixed addresses,
# namespace plumbing, background servers and the measurement primitives the
# metric files build on. Sourced by scripts/bench.sh and, in subshells, by the
# variant and metric files (see scripts/bench/README.md for the interfaces).
#
# Everything here acts inside namespaces whose names start with $BENCH_PREFIX;
# nothing touches the root namespace's links, routes, sysctls or firewall.

BENCH_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH_ROOT=$(cd "$BENCH_LIB_DIR/../.." && pwd)
BENCH_BIN=${BENCH_BIN:-$BENCH_ROOT/build/bench}

# The chapter's addresses, identical in every variant (read by the variant files).
# shellcheck disable=SC2034
SUBNET=10.40.0.0/24
PLEN=24
GW_IP=10.40.0.1
C1_IP=10.40.0.2
C2_IP=10.40.0.3
# The simulated external host on TEST-NET-2, behind the node's uplink.
UPLINK_IP=198.51.100.1
EXT_NET_IP=198.51.100.2
# The IPv6 half, for the variants that announce VARIANT_IPV6=1 (issue 14): a
# ULA for the containers, the documentation prefix for the uplink's network.
# shellcheck disable=SC2034
SUBNET6=fd00:40::/64
PLEN6=64
GW_IP6=fd00:40::1
C1_IP6=fd00:40::2
C2_IP6=fd00:40::3
UPLINK_IP6=2001:db8:51::1
EXT_NET_IP6=2001:db8:51::2

# The core every measured process is pinned to (client, server, generator):
# cross-core wake-ups are so expensive on these VMs that splitting a
# ping-pong across the two cores cuts TCP_RR from ~40k/s to ~3k/s.
BENCH_CPU=${BENCH_CPU:-1}

log() { printf 'bench: %s\n' "$*" >&2; }
warn() { printf 'bench: warning: %s\n' "$*" >&2; }
die() {
	printf 'bench: error: %s\n' "$*" >&2
	exit 1
}

# nsx NS CMD...: run CMD inside namespace NS.
nsx() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# pinx NS CMD...: run CMD inside NS, pinned to $BENCH_CPU.
pinx() {
	local ns=$1
	shift
	ip netns exec "$ns" taskset -c "$BENCH_CPU" "$@"
}

# --- namespaces ----------------------------------------------------------------

# The four namespaces of one variant build. The harness creates them empty
# (lo up) before variant_up, exactly as a container runtime creates a netns
# before calling its network plugin, and deletes them after variant_down.
# EXT_NS/EXT_IP are where the NAT metrics connect to; a ceiling variant that
# has no NAT points them at c2 (the issue defines the NAT ceiling as c<->c).
bench_ns_names() {
	export NODE_NS=$BENCH_PREFIX-n C1_NS=$BENCH_PREFIX-1 C2_NS=$BENCH_PREFIX-2 \
		EXT_NS=$BENCH_PREFIX-x EXT_IP=$EXT_NET_IP EXT_IP6=$EXT_NET_IP6
	BENCH_OWN_NS=("$NODE_NS" "$C1_NS" "$C2_NS" "$EXT_NS")
}

bench_ns_create() {
	local ns
	for ns in "${BENCH_OWN_NS[@]}"; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
	done
}

bench_ns_delete() {
	local ns
	for ns in "${BENCH_OWN_NS[@]}"; do
		[ -e "/run/netns/$ns" ] && ip netns del "$ns"
	done
	return 0
}

# Every namespace of this run, including the attach metric's containers.
bench_ns_list_all() {
	ip netns list | awk -v p="$BENCH_PREFIX-" 'index($1, p) == 1 { print $1 }'
}

# bench_container_ip NS IP: address, link and default route on eth0 of a
# container whose eth0 already exists (what the chapter does by hand).
bench_container_ip() {
	local ns=$1 ip=$2
	ip -n "$ns" addr add "$ip/$PLEN" dev eth0
	ip -n "$ns" link set eth0 up
	ip -n "$ns" route add default via "$GW_IP"
}

# bench_container_ip6 NS IP6: the IPv6 half of bench_container_ip, without
# DAD (usable at once, as bpfbr and the bridge plugin do it).
bench_container_ip6() {
	local ns=$1 ip=$2
	ip -n "$ns" -6 addr add "$ip/$PLEN6" dev eth0 nodad
	ip -n "$ns" -6 route add default via "$GW_IP6" dev eth0
}

# bench_uplink_up: the node's uplink veth ("up0", 198.51.100.1/24) and the
# external host behind it (eth0, 198.51.100.2/24). The external host has no
# route to 10.40.0.0/24, so containers reach it only when masqueraded.
bench_uplink_up() {
	ip -n "$NODE_NS" link add up0 type veth peer name eth0 netns "$EXT_NS"
	ip -n "$NODE_NS" addr add "$UPLINK_IP/$PLEN" dev up0
	ip -n "$NODE_NS" link set up0 up
	ip -n "$EXT_NS" addr add "$EXT_NET_IP/$PLEN" dev eth0
	ip -n "$EXT_NS" link set eth0 up
}

# bench_uplink6_up: IPv6 on both ends of the uplink (after bench_uplink_up),
# 2001:db8:51::1/64 and ::2/64, without DAD. The external host has no route
# to fd00:40::/64 either: containers reach it only through NAT66.
bench_uplink6_up() {
	ip -n "$NODE_NS" -6 addr add "$UPLINK_IP6/$PLEN6" dev up0 nodad
	ip -n "$EXT_NS" -6 addr add "$EXT_NET_IP6/$PLEN6" dev eth0 nodad
}

# bench_check_reach: what every variant must provide once variant_up returns.
bench_check_reach() {
	local from to
	for from in "$C1_NS:$C2_IP" "$C2_NS:$C1_IP" "$C1_NS:$EXT_IP" "$C2_NS:$EXT_IP"; do
		to=${from#*:}
		nsx "${from%%:*}" ping -c1 -W2 -q "$to" >/dev/null ||
			die "$VARIANT: ${from%%:*} cannot ping $to after variant_up"
	done
	[ "${VARIANT_IPV6:-0}" = 1 ] || return 0
	for from in "$C1_NS,$C2_IP6" "$C2_NS,$C1_IP6" "$C1_NS,$EXT_IP6" "$C2_NS,$EXT_IP6"; do
		to=${from#*,}
		nsx "${from%%,*}" ping -6 -c1 -W2 -w6 -q "$to" >/dev/null ||
			die "$VARIANT: ${from%%,*} cannot ping $to after variant_up (VARIANT_IPV6=1)"
	done
}

# ipv6_supported: for the IPv6 metrics' metric_supported; says why not.
ipv6_supported() {
	[ "${VARIANT_IPV6:-0}" = 1 ] && return 0
	echo "no IPv6 in this variant (VARIANT_IPV6 is not 1)" >&2
	return 1
}

# --- background servers ----------------------------------------------------------

# bg_start NAME NS CMD...: start CMD in NS in the background, log to
# $BENCH_RUN_DIR/NAME.log, set BG_PID. Pids are also appended to the run's pid
# file so the top-level trap can end them if this subshell is killed.
bg_start() {
	local name=$1 ns=$2
	shift 2
	ip netns exec "$ns" "$@" >"$BENCH_RUN_DIR/$name.log" 2>&1 </dev/null &
	BG_PID=$!
	echo "$BG_PID" >>"$BENCH_RUN_DIR/pids"
}

# bg_stop PID: end a process started by bg_start, and its direct children
# (trafgen forks one worker per CPU), by pid; bounded wait, then SIGKILL.
bg_stop() {
	local pid=$1 kids i
	kids=$(ps -o pid= --ppid "$pid" 2>/dev/null || true)
	# shellcheck disable=SC2086
	kill -TERM "$pid" $kids 2>/dev/null || true
	for ((i = 0; i < 30; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	# shellcheck disable=SC2086
	kill -KILL "$pid" $kids 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# wait_listen NS tcp|udp PORT: until something listens on PORT in NS (5 s max).
wait_listen() {
	local ns=$1 proto=$2 port=$3 i flag=-ltn
	[ "$proto" = udp ] && flag=-lun
	for ((i = 0; i < 50; i++)); do
		[ -n "$(nsx "$ns" ss -H "$flag" "sport = :$port")" ] && return 0
		sleep 0.1
	done
	die "nothing listens on $proto port $port in $ns"
}

# --- result lines ------------------------------------------------------------------

# emit KEY VALUE UNIT higher|lower|info: one result line on stdout (the metric
# interface); the harness tags it with round, variant and metric.
emit() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4"; }

# --- measurement primitives --------------------------------------------------------

# Strip sockperf's colour escapes before parsing.
decolor() { sed 's/\x1b\[[0-9;]*m//g'; }

# sockperf_rr tcp|udp SRV_NS SRV_IP CLI_NS PORT [TO_IP TO_PORT]: 64-byte
# ping-pong for $BENCH_DURATION s, client and server on the same core; the
# client connects to TO_IP:TO_PORT when given (a published port), else to
# the server's. Emits tps (valid duration only, warm-up excluded), p50_us and
# p99_us (full round trip).
sockperf_rr() {
	local proto=$1 srv_ns=$2 ip=$3 cli_ns=$4 port=$5 tcp=() out
	local to_ip=${6:-$3} to_port=${7:-$5}
	[ "$proto" = tcp ] && tcp=(--tcp)
	bg_start "sockperf-$proto-$port" "$srv_ns" taskset -c "$BENCH_CPU" \
		sockperf server "${tcp[@]}" -i "$ip" -p "$port"
	local srv=$BG_PID
	wait_listen "$srv_ns" "$proto" "$port"
	out=$(pinx "$cli_ns" sockperf ping-pong "${tcp[@]}" -i "$to_ip" -p "$to_port" -m 64 \
		-t "$BENCH_DURATION" --full-rtt 2>&1 | decolor) || {
		bg_stop "$srv"
		printf '%s\n' "$out" | tail -5 >&2
		die "sockperf $proto ping-pong to $ip failed"
	}
	bg_stop "$srv"
	printf '%s\n' "$out" | awk '
		/\[Valid Duration\]/ {
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^RunTime=/) { sub(/RunTime=/, "", $i); t = $i }
				if ($i ~ /^ReceivedMessages=/) { sub(/ReceivedMessages=/, "", $i); n = $i }
			}
		}
		/percentile 50.000 =/ { p50 = $NF }
		/percentile 99.000 =/ { p99 = $NF }
		END {
			if (t <= 0 || n == "" || p50 == "" || p99 == "") exit 1
			printf "tps\t%.0f\ttrans/s\thigher\n", n / t
			printf "p50_us\t%s\tus\tlower\n", p50
			printf "p99_us\t%s\tus\tlower\n", p99
		}' || die "could not parse sockperf output"
}

# rr_run SRV_NS SRV_IP CLI_NS PORT: the TCP_RR of sockperf_rr with
# build/bench/crr's ping-pong (`crr rr`), for IPv6: Debian's sockperf 3.7 takes
# IPv4 addresses only. 64 B, client and server on one core, 0.5 s of warm-up
# not counted, every round trip timed. Emits tps, p50_us, p99_us.
rr_run() {
	local srv_ns=$1 ip=$2 cli_ns=$3 port=$4 out
	bg_start "rr-$port" "$srv_ns" taskset -c "$BENCH_CPU" "$BENCH_BIN/crr" server -a "$ip" -p "$port"
	local srv=$BG_PID
	wait_listen "$srv_ns" tcp "$port"
	out=$(pinx "$cli_ns" "$BENCH_BIN/crr" rr -a "$ip" -p "$port" -t "$BENCH_DURATION" 2>&1) || {
		bg_stop "$srv"
		die "crr rr to $ip failed: $out"
	}
	bg_stop "$srv"
	printf '%s\n' "$out" | awk '{
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		if (v["rate"] == "") exit 1
		printf "tps\t%.0f\ttrans/s\thigher\n", v["rate"]
		printf "p50_us\t%s\tus\tlower\n", v["p50_us"]
		printf "p99_us\t%s\tus\tlower\n", v["p99_us"]
	}' || die "could not parse crr rr output: $out"
}

# crr_run SRV_NS SRV_IP CLI_NS PORT [TO_IP TO_PORT]: TCP_CRR for
# $BENCH_DURATION s with build/bench/crr, the client connecting to
# TO_IP:TO_PORT when given. TIME_WAIT lands on the client, so tw_reuse and a
# wide port range are set in the client namespace only (per-netns sysctls).
crr_run() {
	local srv_ns=$1 ip=$2 cli_ns=$3 port=$4 out to_ip=${5:-$2} to_port=${6:-$4}
	# (Both sysctls are IPv4-named and apply to IPv6 sockets too.)
	nsx "$cli_ns" sysctl -qw net.ipv4.tcp_tw_reuse=1 net.ipv4.ip_local_port_range="1024 65000"
	bg_start "crr-$port" "$srv_ns" taskset -c "$BENCH_CPU" "$BENCH_BIN/crr" server -a "$ip" -p "$port"
	local srv=$BG_PID
	wait_listen "$srv_ns" tcp "$port"
	out=$(pinx "$cli_ns" "$BENCH_BIN/crr" client -a "$to_ip" -p "$to_port" -t "$BENCH_DURATION") || {
		bg_stop "$srv"
		die "crr client to $ip failed: $out"
	}
	bg_stop "$srv"
	printf '%s\n' "$out" | awk '{
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "cps\t%s\tconn/s\thigher\n", v["rate"]
		if (v["errors"] > 0) printf "errors\t%s\tconns\tinfo\n", v["errors"]
	}'
}

# nat_fill N: open N translations from the containers to the external host,
# half from each container (as two busy pods would), one UDP flow per source
# port. Each container talks to its own external port: all translations to one
# remote ip:port share the uplink address's 64 512 source ports, so a single
# remote service could never hold 100 000 of them. Unreplied UDP translations
# live 30 s in conntrack, so a fill is done right before the measurement it
# serves (BENCH_DURATION stays well below that).
nat_fill() {
	local n=$1 half=$(($1 / 2))
	((half <= 55000)) || die "nat_fill: at most 110000 flows"
	nsx "$C1_NS" "$BENCH_BIN/flowfill" -s "$C1_IP" -d "$EXT_IP" -p 9 -l 10000 -n "$half" >/dev/null
	nsx "$C2_NS" "$BENCH_BIN/flowfill" -s "$C2_IP" -d "$EXT_IP" -p 10 -l 10000 -n "$((n - half))" \
		>/dev/null
}

# nat_count LABEL: emit the datapath's live translation count (info only),
# when the variant can tell (variant_nat_count).
nat_count() {
	[ "${VARIANT_NAT:-0}" = 1 ] && declare -F variant_nat_count >/dev/null || return 0
	emit "translations_$1" "$(variant_nat_count)" entries info
}

# nat_prefill: before a *_100k metric, fill the table with BENCH_NAT_FILL
# (100 000) translations and check they are there. A variant without NAT
# (the ceiling) has nothing to fill.
nat_prefill() {
	local n=${BENCH_NAT_FILL:-100000} c
	[ "${VARIANT_NAT:-0}" = 1 ] || return 0
	nat_fill "$n"
	declare -F variant_nat_count >/dev/null || return 0
	c=$(variant_nat_count)
	((c >= n * 98 / 100)) || warn "$VARIANT: only $c of $n translations after the pre-fill"
	emit translations_before "$c" entries info
}
