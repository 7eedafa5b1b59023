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

# ping_ok NS ADDR: one echo request answered within 2 s (3 tries).
ping_ok() { on "$1" ping -c1 -W2 -w6 "$2" >/dev/null 2>&1; }

setup_world() {
	ROOT=$(mktemp -d "/tmp/bpfbr-test.$RUN.XXXX")
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

run_tests() {
	local t rc names why
	names=$(declare -F | awk '{print $3}' | grep '^test_')
	[ $# -gt 0 ] && names=$(printf "test_%s\n" "$@")
	for t in $names; do
		if ! setup_world; then
			echo "FAIL $SUITE/${t#test_}: could not set up the test namespaces"
			cleanup_world
			continue
		fi
		run_bounded "$t"
		rc=$?
		why=$(cat "$ROOT/.why" 2>/dev/null)
		cleanup_world
		case $rc in
		0) echo "PASS $SUITE/${t#test_}" ;;
		4) echo "SKIP $SUITE/${t#test_}: ${why:-no reason given}" ;;
		*) echo "FAIL $SUITE/${t#test_}: ${why:-exit status $rc}" ;;
		esac
	done
}

trap cleanup_world EXIT
# Killed (a time limit of the runner): clean up and stop, the tests left unrun.
trap 'cleanup_world; exit 143' TERM
trap 'cleanup_world; exit 130' INT
