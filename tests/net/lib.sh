#!/usr/bin/env bash
# Namespace test library. A test file defines functions named test_* and ends
# with `run_tests "$@"`. Every test gets its own world, removed afterwards
# even when it fails:
#   - a node namespace ($NODE) that plays the host; bpfbr runs inside it,
#   - a bpffs and state root ($ROOT) that no other run shares,
#   - container namespaces named with ct NAME (unique per run).
# A test returns 0 (pass), 1 (fail) or 4 (skip), and says why with fail/skip.
# Nothing here touches the machine's own interfaces, routes or sysctls.
set -uo pipefail
# Sourced once, however many helper libraries a test file combines.
[ -z "${BPFBR_NET_LIB:-}" ] || return 0
BPFBR_NET_LIB=1

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BPFBR_BIN=${BPFBR_BIN:-$TOP/build/bpfbr}
SUITE=$(basename "$0" .sh)
# A short id: namespace names and interface names must stay short.
RUN=$(printf '%04x%03x' $$ $((RANDOM % 4096)))
PREFIX="bbt$RUN"

ROOT=""
NODE=""
declare -a OWN_NS=()

# The node namespace every bpfbr command of the test runs in.
node() { nsenter --net="/run/netns/$NODE" "$@"; }
# bpfbr as a user would run it on the node, under the test's own root. With
# BPFBR_TEST_MODE=xdp every network is created in XDP mode: the functional
# tests run unchanged against both datapaths.
bpfbr() {
	if [ "${BPFBR_TEST_MODE:-tc}" != tc ] && [ "${1:-}" = net ] && [ "${2:-}" = create ]; then
		shift 2
		set -- net create --mode "$BPFBR_TEST_MODE" "$@"
	fi
	timeout "${BPFBR_TIMEOUT:-60}" nsenter --net="/run/netns/$NODE" "$BPFBR_BIN" --root "$ROOT" "$@"
}
# A container namespace name for this run: ct c1 -> bbtXXXXXXX-c1.
ct() { echo "$PREFIX-$1"; }
# Runs a command inside a container namespace: on c1 ping ...
on() { local n; n=$(ct "$1"); shift; ip netns exec "$n" "$@"; }
# Records a namespace the test created so that cleanup removes it.
own_ns() { OWN_NS+=("$1"); }
# spawn CMD...: runs CMD in the background; cleanup ends it, by its pid, if it
# still runs when the test ends. (Bound CMD with timeout all the same.)
spawn() {
	"$@" &
	echo $! >>"$ROOT/.pids"
}

# ns_new NAME: an empty namespace of this run with lo up.
ns_new() {
	ip netns add "$(ct "$1")" || return 1
	own_ns "$(ct "$1")"
	on "$1" ip link set lo up
}

# The uplink's network (TEST-NET-2): the node's up0 and the external host.
UP_IP=198.51.100.1
EXT_IP=198.51.100.2
# ext_host: the external host ext (lo up) behind the node's uplink up0
# ($UP_IP/24), its eth0 $EXT_IP/24; it has no route to the containers, so
# only masqueraded traffic can be answered.
ext_host() {
	ns_new ext || return 1
	ip link add up0 netns "$NODE" type veth peer name eth0 netns "$(ct ext)" || return 1
	node ip addr add "$UP_IP/24" dev up0 && node ip link set up0 up &&
		on ext ip addr add "$EXT_IP/24" dev eth0 && on ext ip link set eth0 up
}

# simulate_reboot [CT...]: what a reboot does to the node: every namespace
# (the containers CT... and the node's), device, program and pin is gone; the
# state directory stays. The node namespace is made again (with lo up), the
# bpffs mounted afresh; the uplink and the external host are made again when
# ext was among the CTs.
simulate_reboot() {
	local n had_ext=0
	for n in "$@"; do
		[ "$n" = ext ] && had_ext=1
		ip netns del "$(ct "$n")" 2>/dev/null
	done
	ip netns del "$NODE" || return 1
	umount "$ROOT/sys/fs/bpf" && mount -t bpf bpf "$ROOT/sys/fs/bpf" || return 1
	ip netns add "$NODE" && node ip link set lo up || return 1
	[ $had_ext = 0 ] || ext_host
}

# fail WHY: reports why the test fails (the first reason is the summary); returns 1.
fail() {
	echo "  FAIL: $*" >&2
	[ -s "$ROOT/.why" ] || echo "$*" | head -1 >"$ROOT/.why"
	return 1
}
# skip WHY: the test cannot run here; returns 4.
skip() {
	echo "  SKIP: $*" >&2
	echo "$*" | head -1 >"$ROOT/.why"
	return 4
}

# Optional kernel features, probed by using them in a throwaway namespace
# (never from the kernel's version string): kernel builds differ.
#   have_feature NAME: 0 if this kernel has NAME
#   need_feature NAME: in a test, skips it (returns 4) naming what is missing
# BPFBR_TEST_NO_FEATURES="NAME…" makes the probes answer "missing" for those
# names, to see a test's skip path on a kernel that has them.
KERNEL_FEATURES="mroute bridge ipv6 iptables iptables-nat nftables tc-shaping"
# feature_what NAME: what NAME is, with its kernel option.
feature_what() {
	case $1 in
	mroute) echo "IPv4 multicast routing (CONFIG_IP_MROUTE)" ;;
	bridge) echo "Linux bridge (CONFIG_BRIDGE)" ;;
	ipv6) echo "IPv6 (CONFIG_IPV6, and not disabled)" ;;
	iptables) echo "backend for the iptables command (CONFIG_NF_TABLES or CONFIG_IP_NF_IPTABLES)" ;;
	iptables-nat) echo "iptables DNAT and MASQUERADE (CONFIG_IP_NF_NAT or CONFIG_NFT_COMPAT, CONFIG_NETFILTER_XT_TARGET_MASQUERADE)" ;;
	nftables) echo "nftables (CONFIG_NF_TABLES)" ;;
	tc-shaping) echo "shaping as the bandwidth plugin does it (CONFIG_IFB, CONFIG_NET_SCH_TBF, CONFIG_NET_SCH_INGRESS, CONFIG_NET_CLS_U32, CONFIG_NET_ACT_MIRRED)" ;;
	*) return 1 ;;
	esac
}
# feature_probe NAME: uses NAME in a namespace of its own, gone afterwards.
feature_probe() {
	case $1 in
	mroute)
		# MRT_INIT (200) on a raw IGMP socket: ENOPROTOOPT without multicast routing.
		unshare --net /usr/bin/python3 -c 'import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_IGMP)
s.setsockopt(socket.IPPROTO_IP, 200, struct.pack("i", 1))' ;;
	bridge) unshare --net ip link add probe0 type bridge ;;
	ipv6) unshare --net sh -c 'ip link set lo up && ip -6 addr add 2001:db8::1/128 dev lo' ;;
	iptables) unshare --net iptables -t filter -S ;;
	iptables-nat)
		unshare --net sh -c 'iptables -t nat -A POSTROUTING -s 10.0.0.0/8 -j MASQUERADE &&
			iptables -t nat -A PREROUTING -p tcp --dport 1 -j DNAT --to-destination 10.0.0.1:2' ;;
	nftables) unshare --net nft add table ip probe ;;
	tc-shaping)
		unshare --net sh -c 'ip link add probe0 type ifb &&
			ip link add probe1 type veth peer name probe2 &&
			tc qdisc add dev probe0 root tbf rate 1mbit burst 16k latency 25ms &&
			tc qdisc add dev probe1 ingress &&
			tc filter add dev probe1 parent ffff: protocol all u32 match u32 0 0 \
				action mirred egress redirect dev probe0' ;;
	esac
}
# The probe's last words, for the skip's reason.
FEATURE_SAID=""
have_feature() {
	feature_what "$1" >/dev/null || { echo "have_feature: no probe for '$1'" >&2; return 2; }
	if [[ " ${BPFBR_TEST_NO_FEATURES:-} " == *" $1 "* ]]; then
		FEATURE_SAID="BPFBR_TEST_NO_FEATURES hides it"
		return 1
	fi
	FEATURE_SAID=$(feature_probe "$1" 2>&1) && FEATURE_SAID="" && return 0
	FEATURE_SAID=$(echo "$FEATURE_SAID" | tail -1)
	return 1
}
need_feature() {
	local rc
	have_feature "$1"
	rc=$?
	case $rc in
	0) return 0 ;;
	1) skip "needs $(feature_what "$1"), which this kernel lacks: $FEATURE_SAID" ;;
	*) fail "need_feature: no probe for '$1'" ;;
	esac
}

# check DESCRIPTION CMD...: runs CMD; a failure names DESCRIPTION and the output.
check() {
	local what=$1 out
	shift
	out=$("$@" 2>&1) || fail "$what: '$*' failed: $(echo "$out" | tail -2 | tr '\n' ' ')"
}

# check_fails DESCRIPTION CMD...: CMD must fail.
check_fails() {
	local what=$1 out
	shift
	! out=$("$@" 2>&1) || fail "$what: '$*' succeeded: $(echo "$out" | tail -2 | tr '\n' ' ')"
}

# listening WHERE tcp|udp PORT: waits (up to 10 s) until a socket in WHERE
# (node, or a container as `on` names it) is bound to PORT, listening for TCP;
# a server started in the background is ready then, however busy the machine.
listening() {
	local where=$1 opt=-tln
	[ "$2" = udp ] && opt=-uln
	for _ in $(seq 100); do
		if [ "$where" = node ]; then
			[ -n "$(node ss -H "$opt" "sport = :$3")" ] && return 0
		else
			[ -n "$(on "$where" ss -H "$opt" "sport = :$3")" ] && return 0
		fi
		sleep 0.1
	done
	return 1
}

# flowfill: scripts/bench/flowfill (make bench-tools), built here if missing.
flowfill_bin() {
	local b=$TOP/build/bench/flowfill
	[ -x "$b" ] || { b=$ROOT/flowfill; cc -O2 -o "$b" "$TOP/scripts/bench/flowfill.c" || return 1; }
	echo "$b"
}

# capture TAG DEV FILTER CMD…: tcpdump run through CMD (`on a2`, `node`) on
# DEV, keeping the frames that arrive and match FILTER in $ROOT/TAG.cap; it
# listens when this returns. Each frame is written as it comes
# (--immediate-mode: otherwise tcpdump holds frames up to a second, and
# end_captures could stop it before it wrote them). It stops at end_captures,
# at cleanup, or after 30 s.
capture() {
	local tag=$1 dev=$2 filter=$3
	shift 3
	"$@" sh -c 'echo $$ >"$0"; exec timeout 30 tcpdump -l --immediate-mode -nn -e -i "$1" -Q in "$2"' \
		"$ROOT/$tag.pid" "$dev" "$filter" >"$ROOT/$tag.cap" 2>"$ROOT/$tag.err" &
	echo $! >"$ROOT/$tag.job"
	for _ in $(seq 100); do
		if grep -q "listening on" "$ROOT/$tag.err" 2>/dev/null; then
			cat "$ROOT/$tag.pid" >>"$ROOT/.pids"
			return 0
		fi
		sleep 0.1
	done
	fail "tcpdump for $tag did not start: $(cat "$ROOT/$tag.err")"
}
# end_captures: lets the last frames arrive (0.5 s), then stops every capture.
end_captures() {
	local p
	sleep 0.5
	for p in "$ROOT"/*.pid; do
		[ -e "$p" ] || continue
		kill -TERM "$(cat "$p")" 2>/dev/null
		rm -f "$p"
	done
	for p in "$ROOT"/*.job; do
		[ -e "$p" ] || continue
		wait "$(cat "$p")" 2>/dev/null
		rm -f "$p"
	done
}
# seen TAG: how many frames the capture TAG kept.
seen() { grep -c . "$ROOT/$1.cap"; }
# wait_seen TAG N: waits (up to 5 s) until the capture TAG kept N frames:
# a busy machine delivers them later than their sender returns.
wait_seen() {
	for _ in $(seq 50); do
		[ "$(seen "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
# eventually CMD…: CMD until it succeeds, for up to 5 s; its last status.
eventually() {
	for _ in $(seq 50); do
		"$@" && return 0
		sleep 0.1
	done
	"$@"
}

# ping_ok NS ADDR: one echo request answered within 2 s (3 tries).
ping_ok() { on "$1" ping -c1 -W2 -w6 "$2" >/dev/null 2>&1; }

# proc_start PID: the start time of process PID (field 22 of its stat), empty
# when there is no such process: a pid with its start time names one process.
proc_start() {
	local stat f
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	read -ra f <<<"${stat##*) }"
	echo "${f[19]}"
}

# sweep_dead_worlds: what a test file killed by SIGKILL (which no trap sees)
# left: the namespaces and root of every world whose owner, the pid and start
# time in its .owner, is gone. Worlds without .owner are not touched.
sweep_dead_worlds() {
	local d run pid start n
	for d in /tmp/bpfbr-test.*.*; do
		[ -f "$d/.owner" ] || continue
		read -r pid start <"$d/.owner" || continue
		[ -n "$pid" ] && [ "$(proc_start "$pid")" != "$start" ] || continue
		run=${d#/tmp/bpfbr-test.}
		run=${run%%.*}
		for n in $(ip netns list 2>/dev/null | awk '{print $1}'); do
			case "$n" in "bbt$run"-*) ip netns del "$n" 2>/dev/null ;; esac
		done
		umount "$d/sys/fs/bpf" 2>/dev/null
		rm -rf "$d"
	done
}

setup_world() {
	ROOT=$(mktemp -d "/tmp/bpfbr-test.$RUN.XXXX")
	echo "$$ $(proc_start $$)" >"$ROOT/.owner"
	mkdir -p "$ROOT/sys/fs/bpf"
	mount -t bpf bpf "$ROOT/sys/fs/bpf" || return 1
	NODE="$PREFIX-node"
	ip netns add "$NODE" || return 1
	own_ns "$NODE"
	node ip link set lo up
}

cleanup_world() {
	local n p
	# A test still running (this file was killed): its whole process group.
	[ -z "${TEST_PGID:-}" ] || kill -KILL -- "-$TEST_PGID" 2>/dev/null
	TEST_PGID=""
	if [ -n "$ROOT" ] && [ -f "$ROOT/.pids" ]; then
		while read -r p; do kill "$p" 2>/dev/null; done <"$ROOT/.pids"
	fi
	# A test file's own teardown (e.g. of the runtimes it started), if it has one.
	if [ -n "$ROOT" ] && declare -F world_teardown >/dev/null; then world_teardown; fi
	# Namespaces the test made, and those bpfbr made for it (ct names).
	for n in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		case "$n" in "$PREFIX"-*) ip netns del "$n" 2>/dev/null ;; esac
	done
	for n in "${OWN_NS[@]}"; do ip netns del "$n" 2>/dev/null; done
	OWN_NS=()
	if [ -n "$ROOT" ]; then
		umount "$ROOT/sys/fs/bpf" 2>/dev/null
		rm -rf "$ROOT"
	fi
	ROOT=""
}

# run_bounded TEST: runs the test function in a subshell of its own process
# group, for at most BPFBR_TEST_TIMEOUT seconds (default 600); past that the
# group is killed and the test fails by name.
run_bounded() {
	local pid sleeper rc limit=${BPFBR_TEST_TIMEOUT:-600}
	set -m
	( trap - EXIT INT TERM; "$1" ) &
	pid=$!
	set +m
	TEST_PGID=$pid
	sleep "$limit" &
	sleeper=$!
	wait -n "$pid" "$sleeper"
	rc=$?
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM -- "-$pid" 2>/dev/null
		sleep 2
		kill -KILL -- "-$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		echo "did not finish within $limit s (killed)" >"$ROOT/.why"
		rc=1
	else
		kill "$sleeper" 2>/dev/null
	fi
	wait "$sleeper" 2>/dev/null
	TEST_PGID=""
	return "$rc"
}

# A test that took 3 s or more says how long on its PASS line, so the suite's
# budget (make check must stay under 30 minutes) shows where it goes.
run_tests() {
	local t rc names why start took
	names=$(declare -F | awk '{print $3}' | grep '^test_')
	[ $# -gt 0 ] && names=$(printf "test_%s\n" "$@")
	for t in $names; do
		if ! setup_world; then
			echo "FAIL $SUITE/${t#test_}: could not set up the test namespaces"
			cleanup_world
			continue
		fi
		start=$SECONDS
		run_bounded "$t"
		rc=$?
		why=$(cat "$ROOT/.why" 2>/dev/null)
		cleanup_world
		took=""
		[ $((SECONDS - start)) -ge 3 ] && took=" ($((SECONDS - start)) s)"
		case $rc in
		0) echo "PASS $SUITE/${t#test_}$took" ;;
		4) echo "SKIP $SUITE/${t#test_}: ${why:-no reason given}" ;;
		*) echo "FAIL $SUITE/${t#test_}: ${why:-exit status $rc}" ;;
		esac
	done
}

sweep_dead_worlds
trap cleanup_world EXIT
# Killed (a time limit of the runner): clean up and stop, the tests left unrun.
trap 'cleanup_world; exit 143' TERM
trap 'cleanup_world; exit 130' INT
