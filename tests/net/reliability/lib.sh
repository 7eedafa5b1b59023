#!/usr/bin/env bash
# shellcheck disable=SC2034 # globals set here are read by the test files
# Helpers of the reliability tests (issue 7: survive, crash, upgrade,
# concurrency, load, privilege) on top of tests/net/cni/lib.sh (and so
# tests/net/lib.sh): the external host, traffic that counts what it lost, bpfbr
# commands started in the background to be killed, the leak audit, figures, and
# the bounded/soak sizes.
#   BPFBR_SOAK=1   the long versions (make soak); default: the bounded ones
#   BPFBR_FIGURES  a file that every figure line is appended to (tests/soak.sh)
. "$(dirname "${BASH_SOURCE[0]}")/../cni/lib.sh"

TOOLS=$(cd "$(dirname "${BASH_SOURCE[0]}")/../tools" && pwd)
# Debian's python3 (scripts/deps.sh), not whatever shim PATH finds first.
PY=${PYTHON:-/usr/bin/python3}
SOAK=${BPFBR_SOAK:-0}

# bpfbr as in tests/net/lib.sh, bounded in time: a command that hangs (and holds
# the global lock) fails the test instead of stalling the suite.
BPFBR_TIMEOUT=${BPFBR_TIMEOUT:-30}
bpfbr() {
	if [ "${BPFBR_TEST_MODE:-tc}" != tc ] && [ "${1:-}" = net ] && [ "${2:-}" = create ]; then
		set -- "$@" --mode "$BPFBR_TEST_MODE"
	fi
	timeout "$BPFBR_TIMEOUT" nsenter --net="/run/netns/$NODE" "$BPFBR_BIN" --root "$ROOT" "$@"
}

# seed_of NAME DEFAULT…: the seed of a randomized test: $BPFBR_NAME_SEED when
# given (to replay a run), a fresh one in a soak (make soak), else the fixed
# DEFAULT of this datapath mode (the first for tc, the second for xdp), so
# that make check is deterministic. Every test prints the seed it used.
seed_of() {
	local var="BPFBR_${1}_SEED"
	if [ -n "${!var:-}" ]; then
		echo "${!var}"
	elif [ "$SOAK" = 1 ]; then
		echo $(($(date +%s%N) / 1000 % 1000000))
	elif [ "${BPFBR_TEST_MODE:-tc}" = tc ]; then
		echo "$2"
	else
		echo "${3:-$2}"
	fi
}

# sized BOUNDED SOAK: the number for this run.
sized() { if [ "$SOAK" = 1 ]; then echo "$2"; else echo "$1"; fi; }

# figure K=V…: the test's measured figures, as one line of its output
# ("  figure: lost=0 kills=30 leaks=0"), also appended to $BPFBR_FIGURES.
figure() {
	local tag=${BPFBR_TEST_MODE:-tc}
	echo "  figure: $*"
	[ "$SOAK" = 1 ] && tag="$tag, soak"
	[ -z "${BPFBR_FIGURES:-}" ] || echo "$SUITE/${FUNCNAME[1]#test_} [$tag]: $*" >>"$BPFBR_FIGURES"
}

# node_net_demo [NET-CREATE-OPTIONS…]: ext_host and network demo (10.40.0.0/24)
# masquerading through up0.
node_net_demo() {
	ext_host || fail "cannot build the external host" || return 1
	check "net create demo" bpfbr net create demo --subnet 10.40.0.0/24 --uplink up0 \
		--masquerade "$@"
}

# audit [AUDIT-OPTIONS…]: tools/audit.py over this test's root, node and
# container namespaces; its report in $ROOT/audit.out, the number of problems
# in $AUDIT_PROBLEMS; returns its status (0: nothing leaked or broken).
AUDIT_PROBLEMS=0
audit() {
	local rc
	BPFBR_BIN=$BPFBR_BIN "$PY" "$TOOLS/audit.py" --root "$ROOT" --node "$NODE" \
		--ct-prefix "$PREFIX" --ignore-dev up0 "$@" >"$ROOT/audit.out" 2>&1
	rc=$?
	AUDIT_PROBLEMS=$(grep -cE '^(LEAK|BROKEN) ' "$ROOT/audit.out")
	# An auditor that could not finish (exit 2, a traceback, no summary) is
	# a problem, never a clean audit.
	if [ "$AUDIT_PROBLEMS" = 0 ] && { [ $rc != 0 ] || ! grep -q '^audit: 0 problems' "$ROOT/audit.out"; }; then
		echo "BROKEN audit: the auditor exited $rc without its report: $(tail -1 "$ROOT/audit.out")" \
			>>"$ROOT/audit.out"
		AUDIT_PROBLEMS=1
		[ $rc = 0 ] && rc=2
	fi
	return $rc
}
# audit_report: the problems of the last audit, one per line, indented.
audit_report() { grep -E '^(LEAK|BROKEN|audit:) ' "$ROOT/audit.out" | sed 's/^/    /'; }

# spawn WHERE SECONDS OUT CMD…: CMD in the background in WHERE (node or a ct
# name), bounded by SECONDS, output to OUT; its pid in $SPAWNED.
SPAWNED=""
spawn() {
	local ns=$1 secs=$2 out=$3
	shift 3
	[ "$ns" = node ] && ns=$NODE || ns=$(ct "$ns")
	: >"$out"
	ip netns exec "$ns" timeout "$secs" "$@" >>"$out" 2>&1 &
	SPAWNED=$!
}

# stop PID…: ends background commands this test started (by pid).
stop() {
	local p
	for p in "$@"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	return 0
}

# wait_for FILE REGEX [TENTHS]: waits (default 5 s) until a line of FILE matches.
wait_for() {
	local i
	for ((i = 0; i < ${3:-50}; i++)); do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# --- traffic that counts -------------------------------------------------------

# sink WHERE PORT SECONDS: tools/stream.py receiving one TCP stream in WHERE,
# ready when this returns; pid in $SPAWNED, report in $ROOT/sink.WHERE.PORT.
sink() {
	local out=$ROOT/sink.$1.$2
	spawn "$1" "$3" "$out" "$PY" "$TOOLS/stream.py" sink "$2" --timeout "$(($3 - 1))"
	wait_for "$out" '^ready' || fail "stream sink did not start in $1: $(head -3 "$out")"
}

# source WHERE HOST PORT BYTES RATE SECONDS: a paced TCP stream of BYTES
# pseudo-random bytes from WHERE; pid in $SPAWNED, report in $ROOT/source.WHERE.PORT.
source_stream() {
	spawn "$1" "$6" "$ROOT/source.$1.$3" "$PY" "$TOOLS/stream.py" send "$2" "$3" "$4" --rate "$5" \
		--timeout "$(($6 - 1))"
}

# stream_ok SRC DST PORT: the stream SRC sent to DST:PORT arrived whole: the
# sender finished without a reset, and both sides counted the same bytes and
# SHA-256. Sets STREAM_BYTES.
STREAM_BYTES=0
stream_ok() {
	local s=$ROOT/source.$1.$3 r=$ROOT/sink.$2.$3 sent got
	sent=$(grep -o 'bytes=[0-9]* sha256=[0-9a-f]*' "$s")
	got=$(grep -o 'bytes=[0-9]* sha256=[0-9a-f]*' "$r")
	STREAM_BYTES=$(grep -o 'bytes=[0-9]*' <<<"$sent" | cut -d= -f2)
	grep -q reset "$s" "$r" && { fail "TCP stream $1 -> $2:$3 was reset: $(cat "$s" "$r" | tr '\n' ' ')"; return 1; }
	[ -n "$sent" ] && [ "$sent" = "$got" ] ||
		{ fail "TCP stream $1 -> $2:$3: sent '$sent', received '$got' ($(tail -2 "$s" "$r" | tr '\n' ' '))"; return 1; }
}

# flood WHERE ADDR COUNT: ping every 2 ms, COUNT echo requests, in the
# background; pid in $SPAWNED, output in $ROOT/ping.WHERE.ADDR.
flood() {
	local secs=$(($3 / 500 + 15))
	spawn "$1" "$((secs + 5))" "$ROOT/ping.$1.$2" ping -q -n -i 0.002 -c "$3" -w "$secs" "$2"
}

# flood_lost WHERE ADDR: "SENT LOST" of a finished flood (LOST = sent - received).
flood_lost() {
	local f=$ROOT/ping.$1.$2 tx rx
	tx=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$f")
	rx=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$f")
	echo "${tx:-0} $(( ${tx:-0} - ${rx:-0} ))"
}

# traffic_start: for SECS seconds at RATE, a TCP stream c1 -> c2 (port 5001)
# and one c1 -> ext through the masquerade (5002), and ping floods c1 -> c2
# and c2 -> ext; their pids in TRAFFIC_PIDS.
TRAFFIC_PIDS=()
traffic_start() {
	TRAFFIC_PIDS=()
	sink c2 5001 $((SECS + 30)) || return 1
	TRAFFIC_PIDS+=("$SPAWNED")
	sink ext 5002 $((SECS + 30)) || return 1
	TRAFFIC_PIDS+=("$SPAWNED")
	source_stream c1 10.40.0.3 5001 $((RATE * SECS)) $RATE $((SECS + 25))
	TRAFFIC_PIDS+=("$SPAWNED")
	source_stream c1 "$EXT_IP" 5002 $((RATE * SECS)) $RATE $((SECS + 25))
	TRAFFIC_PIDS+=("$SPAWNED")
	flood c1 10.40.0.3 $((SECS * 500))
	TRAFFIC_PIDS+=("$SPAWNED")
	flood c2 "$EXT_IP" $((SECS * 500))
	TRAFFIC_PIDS+=("$SPAWNED")
}

# traffic_end: waits for traffic_start's traffic; the pings sent and lost in
# TRAFFIC_SENT, TRAFFIC_LOST, and the bytes of both streams, each checked
# byte-exact, in TRAFFIC_BYTES.
TRAFFIC_SENT=0
TRAFFIC_LOST=0
TRAFFIC_BYTES=0
traffic_end() {
	local p f sent lost
	for p in "${TRAFFIC_PIDS[@]}"; do wait "$p"; done
	TRAFFIC_SENT=0 TRAFFIC_LOST=0
	for f in "c1 10.40.0.3" "c2 $EXT_IP"; do
		# shellcheck disable=SC2086 # WHERE and ADDR
		read -r sent lost <<<"$(flood_lost $f)"
		TRAFFIC_SENT=$((TRAFFIC_SENT + sent))
		TRAFFIC_LOST=$((TRAFFIC_LOST + lost))
		echo "  ping $f: $sent sent, $lost lost"
	done
	stream_ok c1 c2 5001 || return 1
	TRAFFIC_BYTES=$STREAM_BYTES
	stream_ok c1 ext 5002 || return 1
	TRAFFIC_BYTES=$((TRAFFIC_BYTES + STREAM_BYTES))
}

# --- bpfbr started to be killed --------------------------------------------------

# bg_bpfbr OUT ARGS…: bpfbr (CLI) in the node namespace, in the background; its
# pid (nsenter execs bpfbr, so it is bpfbr's own) in $BG.
BG=""
bg_bpfbr() {
	local out=$1
	shift
	nsenter --net="/run/netns/$NODE" "$BPFBR_BIN" --root "$ROOT" "$@" >"$out" 2>&1 &
	BG=$!
}

# bg_cni OUT CONF CMD ID NETNS-PATH|"" [IFNAME]: the CNI plugin as a runtime runs it
# (clean environment, config on stdin), in the background; pid in $BG (env
# and nsenter exec, so it is bpfbr's own).
bg_cni() {
	local out=$1 conf=$2 cmd=$3 id=$4 netns=$5 ifname=${6:-eth0}
	printf '%s' "$conf" >"$out.conf"
	nsenter --net="/run/netns/$NODE" env -i PATH="$PATH" CNI_COMMAND="$cmd" CNI_CONTAINERID="$id" \
		CNI_NETNS="$netns" CNI_IFNAME="$ifname" CNI_PATH=/nonexistent "$BPFBR_BIN" \
		<"$out.conf" >"$out" 2>&1 &
	BG=$!
}

# kill_after USEC PID: SIGKILL to PID after USEC microseconds; returns 0 if the
# kill ended the process (it was still running), 1 if it had finished already.
kill_after() {
	local us=$1 pid=$2 rc
	[ "$us" -gt 0 ] && sleep "$(printf '%d.%06d' $((us / 1000000)) $((us % 1000000)))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rc=$?
	[ $rc = 137 ]
}

# our_bpfbr_running: pids of bpfbr processes (this run's binary) in this
# test's node namespace: none may outlive the command that started it.
our_bpfbr_running() {
	local p want
	want="net:[$(stat -L -c %i "/run/netns/$NODE")]"
	while read -r p; do
		p=${p#/proc/}
		p=${p%/exe}
		[ "$(readlink "/proc/$p/ns/net" 2>/dev/null)" = "$want" ] && echo "$p"
	done < <(find /proc/[0-9]*/exe -maxdepth 0 -lname "$BPFBR_BIN" 2>/dev/null)
	return 0
}

# kill_ours: SIGKILL to every bpfbr process of this test (by pid, see above).
kill_ours() {
	local p
	for p in $(our_bpfbr_running); do kill -9 "$p" 2>/dev/null; done
}

# state_atts NET: "ID IP HOST-IFNAME" per attachment of NET (nothing if no network).
state_atts() {
	local f=$ROOT/var/lib/bpfbr/networks/$1.json
	[ -f "$f" ] && jq -r '.attachments[] | "\(.id) \(.ip) \(.host_ifname)"' "$f"
	return 0
}

# ms_since NS-TIMESTAMP: milliseconds since a $(date +%s%N).
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
