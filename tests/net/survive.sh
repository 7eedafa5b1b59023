#!/usr/bin/env bash
# The datapath outlives the agent (issue 7). bpfbr has no daemon: the pinned
# programs, links and maps forward on their own. With two TCP streams (between
# two containers across the switch, and from a container through the
# masquerade to the external host) and two ping floods (every 2 ms) running,
# bpfbr commands of every kind are started and SIGKILLed part-way, again and
# again; afterwards the next commands find and adopt the state. Figures: pings
# lost (target 0), TCP bytes and SHA-256 on both ends, kills.
#   BPFBR_SOAK=1: 60 s of traffic instead of 8.
#   BPFBR_SURVIVE_SEED=S: the seed of the kill delays (each run prints its
#   own); the same seed replays the same commands and delays (where each
#   kill lands still depends on how fast the machine runs them).
. "$(dirname "$0")/reliability/lib.sh"

SECS=$(sized 8 60)
SEED=$(seed_of SURVIVE 1 2)
# shellcheck disable=SC2034 # read by traffic_start
RATE=2000000 # bytes/s per stream

test_traffic_flows_while_every_bpfbr_is_killed() {
	local c kills=0 up_staged=0 runs=0 end i op us p mac1 mac2 cmds total_lost=0 total_sent=0
	local t0 bytes=0
	node_net_demo --nat-max 4096 || return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns --ip 10.40.0.2 || return 1
	check "attach c2" bpfbr attach demo "$(ct c2)" --create-netns --ip 10.40.0.3 || return 1
	ns_new c3 || return 1
	ns_new c4 || return 1
	ns_new c6 || return 1
	c=$(conf demo 10.40.0.0/24 '.ipMasq = true | .uplink = "up0"')
	ping_ok c1 10.40.0.3 && ping_ok c1 "$EXT_IP" || fail "no connectivity before the test" || return 1

	traffic_start || return 1

	# Kill every bpfbr started, part-way, while the traffic flows: after a
	# random delay of up to 30 ms half the time (most commands die, early),
	# of up to 300 ms the other half (longer than commands take, an upgrade
	# included: the kill lands anywhere in them).
	RANDOM=$SEED
	echo "  seed: $SEED (BPFBR_SURVIVE_SEED=$SEED replays the kill delays)"
	local fifo=$ROOT/sleep.fifo fd
	mkfifo "$fifo" && exec {fd}<>"$fifo"
	cmds=("attach demo $(ct c3)" "detach demo $(ct c3)" "cni ADD" "cni DEL" "upgrade" "gc"
		"-j status demo" "fdb show demo" "nat show demo" "attach demo $(ct c4) --ip 10.40.0.44"
		"detach demo $(ct c4)")
	t0=$(date +%s%N)
	end=$((t0 + (SECS - 2) * 1000000000))
	i=0
	while [ "$(date +%s%N)" -lt $end ] && [ $runs -lt 2000 ]; do
		op=${cmds[$((i % ${#cmds[@]}))]}
		i=$((i + 1))
		case $op in
		"cni ADD") bg_cni "$ROOT/bg.out" "$c" ADD id6 "/run/netns/$(ct c6)" eth0 ;;
		"cni DEL") bg_cni "$ROOT/bg.out" "$c" DEL id6 "/run/netns/$(ct c6)" eth0 ;;
		*) read -ra p <<<"$op"; bg_bpfbr "$ROOT/bg.out" "${p[@]}" ;;
		esac
		us=$(((RANDOM * 32768 + RANDOM) % (RANDOM % 2 ? 30000 : 300000))) # RANDOM stops at 32 767
		read -r -t "$(printf '0.%06d' $us)" -u "$fd"
		kill -9 "$BG" 2>/dev/null
		wait "$BG" 2>/dev/null
		if [ $? = 137 ]; then
			kills=$((kills + 1))
			# An upgrade killed once its programs were staged: pins move, hooks switch.
			[ "$op" = upgrade ] && jq -e .step "$ROOT/var/lib/bpfbr/journal" >/dev/null 2>&1 &&
				up_staged=$((up_staged + 1))
		fi
		runs=$((runs + 1))
	done
	# No bpfbr process is left: the traffic flows on pins alone.
	[ -z "$(our_bpfbr_running)" ] || fail "bpfbr processes still running: $(our_bpfbr_running)" || return 1
	# While the streams still run: their translations are there.
	bpfbr -j nat show demo >"$ROOT/nat.json" || fail "nat show after the kills failed" || return 1

	traffic_end || return 1
	total_sent=$TRAFFIC_SENT total_lost=$TRAFFIC_LOST bytes=$TRAFFIC_BYTES

	# The next commands find the state: ports with their hooks, the static
	# forwarding entries, the translations of the streams and floods.
	mac1=$(on c1 cat /sys/class/net/eth0/address)
	mac2=$(on c2 cat /sys/class/net/eth0/address)
	bpfbr -j status demo >"$ROOT/status.json" || fail "status after the kills failed" || return 1
	jq -e '[.[0].ports[] | select(.endpoint | endswith("-c1") or endswith("-c2")) |
		select(.hook.attached)] | length == 2' "$ROOT/status.json" >/dev/null ||
		fail "status does not show c1 and c2 hooked: $(jq -c '.[0].ports' "$ROOT/status.json")" || return 1
	bpfbr -j fdb show demo >"$ROOT/fdb.json" || fail "fdb show failed" || return 1
	for m in "$mac1" "$mac2"; do
		jq -e --arg m "$m" '.[] | select(.mac == $m and .state == "static")' "$ROOT/fdb.json" >/dev/null ||
			fail "fdb lost the static entry of $m: $(jq -c . "$ROOT/fdb.json")" || return 1
	done
	jq -e --arg e "$EXT_IP" '.[] | select(.proto == "tcp" and .inside_addr == "10.40.0.2" and
		.remote_addr == $e and .remote_port == 5002)' "$ROOT/nat.json" >/dev/null ||
		fail "nat show lacks the masqueraded stream: $(jq -c . "$ROOT/nat.json")" || return 1
	jq -e --arg e "$EXT_IP" '.[] | select(.proto == "icmp" and .inside_addr == "10.40.0.3")' \
		"$ROOT/nat.json" >/dev/null || fail "nat show lacks c2's ping flood" || return 1
	# A changing command reconciles what the kills left; then nothing leaks.
	local gc_rc=0
	bpfbr gc >"$ROOT/gc.out" 2>&1 || gc_rc=$?
	if [ $gc_rc = 0 ]; then
		audit --flows
		echo "  audit after gc: $(tail -1 "$ROOT/audit.out")"
		grep -E '^(LEAK|BROKEN) ' "$ROOT/audit.out" | sed 's/^/    /'
	fi
	figure "lost=$total_lost pings=$total_sent kills=$kills upgrade_kills_after_staging=$up_staged" \
		"commands=$runs tcp_bytes=$bytes" \
		"tcp_sha256=equal resets=0 gc_status=$gc_rc leaks=$AUDIT_PROBLEMS seconds=$SECS seed=$SEED"
	[ "$total_lost" = 0 ] || fail "$total_lost of $total_sent pings lost while bpfbr was killed $kills times" ||
		return 1
	[ "$kills" -gt 0 ] || fail "no command was killed part-way" || return 1
	[ $gc_rc != 124 ] || fail "bpfbr gc after the kills hung (killed after ${BPFBR_TIMEOUT}s): $(tr '\n' ' ' <"$ROOT/gc.out")" ||
		return 1
	[ $gc_rc = 0 ] || fail "bpfbr gc after the kills failed: $(tr '\n' ' ' <"$ROOT/gc.out")" || return 1
	[ "$AUDIT_PROBLEMS" = 0 ] || fail "after gc (seed $SEED): $(grep -m1 -E '^(LEAK|BROKEN)' "$ROOT/audit.out")" ||
		return 1
	check "attach after the kills" bpfbr attach demo "$(ct c5)" --create-netns || return 1
	ping_ok c5 "$EXT_IP" && ping_ok c5 10.40.0.2 || fail "a container attached afterwards has no network" || return 1
}

run_tests "$@"
