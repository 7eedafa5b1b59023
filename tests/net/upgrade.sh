#!/usr/bin/env bash
# Hitless upgrade (issue 7): `bpfbr upgrade` loads the programs of the running
# binary against the pinned maps and switches every hook to them atomically
# (TCX link update, legacy tc filter replace, XDP link update), several times
# under live traffic: a TCP stream across the switch and one through the
# masquerade (no reset; bytes and SHA-256 equal on both ends), ping floods
# (every 2 ms) across the switch and through the masquerade (packets lost,
# target 0). Afterwards every program id has changed, every hook runs the new
# programs, a learned forwarding entry and the streams' translations are still
# there (same outside port).
#   BPFBR_SOAK=1: 40 s of traffic and 40 upgrades instead of 6 s and 5.
. "$(dirname "$0")/reliability/lib.sh"

SECS=$(sized 6 40)
UPGRADES=$(sized 5 40)
# shellcheck disable=SC2034 # read by traffic_start
RATE=2000000

# prog_ids: the switch's and the uplink's program ids (and the ports' XDP ones).
prog_ids() {
	bpfbr -j status demo | jq -r '.[0] | [(.programs[].id), (.uplink.programs[].id),
		(.ports[] | .xdp.prog_id // empty)] | unique | join(" ")'
}

# learn: network lrn (anti-spoofing off) where l1 sends a broadcast from
# 02:00:00:c0:ff:ee, which the switch learns behind l1's port.
learn() {
	check "net create lrn" bpfbr net create lrn --subnet 10.42.0.0/24 --no-spoofchk "$@" || return 1
	check "attach l1" bpfbr attach lrn "$(ct l1)" --create-netns || return 1
	on l1 "$PY" -c 'import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
s.send(bytes.fromhex("ffffffffffff020000c0ffee0806") + bytes(46))' ||
		fail "cannot send from 02:00:00:c0:ff:ee in l1" || return 1
	learned_dev >/dev/null || fail "the switch did not learn 02:00:00:c0:ff:ee: $(bpfbr fdb show lrn)"
}
learned_dev() {
	bpfbr -j fdb show lrn | jq -er '.[] | select(.mac == "02:00:00:c0:ff:ee" and .state == "learned" and
		(.expired | not)) | .dev'
}

# outside PROTO PORT: the outside port of the translation to ext:PORT.
outside() {
	bpfbr -j nat show demo | jq -r --arg e "$EXT_IP" --arg p "$1" --argjson r "$2" \
		'.[] | select(.proto == $p and .remote_addr == $e and .remote_port == $r) |
		"\(.inside_addr):\(.inside_port)->\(.outside_port)"'
}

# counters_move: after the upgrades the pinned counters still count: a ping
# to the external host moves the network's routed_to_uplink event and c1's
# port statistics (the new programs write the maps status reads).
counters_move() {
	local q='.[0] | [.events.routed_to_uplink, (.ports[] | select(.ip == "10.40.0.2") | .stats.rx_packets)]'
	local a b
	a=$(bpfbr -j status demo | jq -c "$q")
	ping_ok c1 "$EXT_IP" || fail "c1 cannot reach the external host after the upgrades" || return 1
	b=$(bpfbr -j status demo | jq -c "$q")
	jq -e --argjson a "$a" --argjson b "$b" '$b[0] > $a[0] and $b[1] > $a[1]' <<<null >/dev/null ||
		fail "the counters stopped after the upgrades ([routed, rx] before a ping $a, after $b)"
}

# upgrade_under_traffic NET-CREATE-OPTIONS…: the test, with the network made so.
upgrade_under_traffic() {
	local before after p total_sent=0 total_lost=0 bytes=0 i dev0 dev1 nat0 nat1
	local up_ms=() start mode
	node_net_demo --nat-max 4096 "$@" || return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns --ip 10.40.0.2 || return 1
	check "attach c2" bpfbr attach demo "$(ct c2)" --create-netns --ip 10.40.0.3 || return 1
	learn "$@" || return 1
	mode=$(bpfbr -j status demo | jq -r '.[0] | "\(.attach_mode)/\(.datapath)"')
	ping_ok c1 10.40.0.3 && ping_ok c1 "$EXT_IP" || fail "no connectivity before the test" || return 1

	traffic_start || return 1
	sleep 1
	before=$(prog_ids)
	dev0=$(learned_dev)
	nat0=$(outside tcp 5002)
	[ -n "$nat0" ] || fail "no translation for the masqueraded stream" || return 1
	for ((i = 0; i < UPGRADES; i++)); do
		start=$(date +%s%N)
		check "upgrade $((i + 1))" bpfbr upgrade || return 1
		up_ms+=("$(ms_since "$start")")
		sleep "$(awk -v s="$SECS" -v n="$UPGRADES" 'BEGIN { printf "%.2f", (s - 2) / n }')"
	done
	after=$(prog_ids)
	dev1=$(learned_dev)
	nat1=$(outside tcp 5002)
	traffic_end || return 1
	total_sent=$TRAFFIC_SENT total_lost=$TRAFFIC_LOST bytes=$TRAFFIC_BYTES
	audit --flows
	figure "mode=$mode upgrades=$UPGRADES lost=$total_lost pings=$total_sent tcp_bytes=$bytes" \
		"tcp_sha256=equal resets=0 upgrade_ms=$(IFS=,; echo "${up_ms[*]}") leaks=$AUDIT_PROBLEMS"
	echo "  program ids before: $before; after: $after"
	[ "$total_lost" = 0 ] || fail "$total_lost of $total_sent pings lost across $UPGRADES upgrades" || return 1
	for p in $before; do
		! grep -qw "$p" <<<"$after" || fail "program $p still in use after the upgrades ($after)" || return 1
	done
	[ "$(wc -w <<<"$after")" = "$(wc -w <<<"$before")" ] || fail "programs before: $before, after: $after" ||
		return 1
	[ -n "$dev1" ] && [ "$dev1" = "$dev0" ] ||
		fail "the learned entry moved or went: $dev0 -> '$dev1'" || return 1
	[ "$nat1" = "$nat0" ] || fail "the stream's translation changed: $nat0 -> '$nat1'" || return 1
	counters_move || return 1
	[ "$AUDIT_PROBLEMS" = 0 ] || fail "after the upgrades: $(grep -m1 -E '^(LEAK|BROKEN)' "$ROOT/audit.out")" ||
		return 1
}

# --- an upgrade killed part-way ---------------------------------------------------

# hook_ids [ports|uplink]: the program ids running on the hooks of demo's
# ports (with their XDP) or uplink, or both, as bpfbr status reads them from
# the kernel; each id once.
hook_ids() {
	bpfbr -j status demo | jq -r --arg w "${1:-all}" '.[0] |
		[(if $w != "uplink" then (.ports[] | .hook.prog_id, (.xdp.prog_id // empty)) else empty end),
		 (if $w != "ports" then .uplink.programs[].attach.prog_id else empty end)] |
		unique | map(tostring) | join(" ")'
}

# upgrade_traced SYSCALL: an upgrade run to the end under strace, its SYSCALL
# calls in $ROOT/upgrade.calls (one a line).
upgrade_traced() {
	local tr=$ROOT/upgrade.trace
	node strace -qq -o "$tr" -e trace="$1" "$BPFBR_BIN" --root "$ROOT" upgrade >/dev/null 2>&1 ||
		fail "the traced upgrade failed" || return 1
	grep "^$1(" "$tr" >"$ROOT/upgrade.calls"
}

# upgrade_killed_at SYSCALL PATTERN K: bpfbr upgrade SIGKILLed on entry to
# the K-th (K = last: the last) SYSCALL call whose trace line matches
# PATTERN, counted in upgrade_traced's run (strace fault injection:
# deterministic, the same point every run).
upgrade_killed_at() {
	local sc=$1 re=$2 k=$3 calls=$ROOT/upgrade.calls n rc
	[ "$k" = last ] && k=$(grep -c -- "$re" "$calls")
	n=$(grep -n -- "$re" "$calls" | sed -n "${k}p" | cut -d: -f1)
	[ -n "$n" ] || fail "an upgrade makes no $k-th $sc call like '$re' ($(wc -l <"$calls") $sc calls)" ||
		return 1
	node strace -qq -o /dev/null -e trace="$sc" -e inject="$sc:signal=KILL:when=$n" "$BPFBR_BIN" \
		--root "$ROOT" upgrade >"$ROOT/killed.out" 2>&1
	rc=$?
	[ $rc = 137 ] || fail "upgrade was not killed at $sc call $n (status $rc): $(tr '\n' ' ' <"$ROOT/killed.out")"
}

# broken_hooks: the hooks bpfbr status reports as running another program than their pin.
broken_hooks() { bpfbr -j status demo | jq -c '[.[0].broken_hooks[]? | "\(.hook) of \(.device)"]'; }

# killed_then_repaired WHAT MOVED DATAPATH SYSCALL PATTERN K REPAIR…: kills
# an upgrade there (upgrade_killed_at) while it upgrades DATAPATH (ports or
# uplink); MOVED: 1 if a new program's pin had moved by then, else 0. While
# c1 still reaches c2 and the external host, status and the audit must
# report the hooks left on another program than their pin (none when no pin
# had moved); after REPAIR (bpfbr gc or the next command) every hook runs its
# pinned program — DATAPATH's new ones if a pin had moved (its upgrade is
# finished), the old ones if none had — and the audit finds nothing.
killed_then_repaired() {
	local what=$1 moved=$2 dp=$3 sc=$4 re=$5 k=$6 before all after broken p nbroken
	shift 6
	upgrade_traced "$sc" || return 1
	before=$(hook_ids "$dp")
	all=$(hook_ids)
	upgrade_killed_at "$sc" "$re" "$k" || return 1
	ping_ok c1 10.40.0.3 && ping_ok c1 "$EXT_IP" ||
		fail "$what: c1 lost its network while the upgrade stood half-done" || return 1
	[ -f "$ROOT/var/lib/bpfbr/journal" ] || fail "$what: the killed upgrade left no journal record" || return 1
	broken=$(broken_hooks)
	audit
	nbroken=$(grep -c '^BROKEN hook' "$ROOT/audit.out")
	if [ "$moved" = 1 ]; then
		[ "$broken" != "[]" ] || fail "$what: status reports no broken hook: $(hook_ids) (before: $all)" ||
			return 1
		[ "$nbroken" -gt 0 ] || fail "$what: the audit finds no broken hook" || return 1
	else
		[ "$broken" = "[]" ] && [ "$nbroken" = 0 ] ||
			fail "$what: status reports broken hooks $broken; the audit: $(audit_report | tr '\n' ' ')" ||
			return 1
	fi
	echo "  $what: status reported ${broken}; the audit $nbroken broken hooks; repaired by: $*"
	check "$what: $*" "$@" || return 1
	[ "$(broken_hooks)" = "[]" ] || fail "$what: after '$*', status still reports $(broken_hooks)" || return 1
	audit
	[ "$AUDIT_PROBLEMS" = 0 ] || fail "$what: after '$*': $(audit_report | tr '\n' ' ')" || return 1
	if [ "$moved" = 1 ]; then
		after=$(hook_ids "$dp")
		for p in $before; do
			! grep -qw "$p" <<<"$after" ||
				fail "$what: $dp program $p still runs after the repair: its upgrade was not finished" \
					"($before -> $after)" || return 1
		done
	else
		after=$(hook_ids)
		for p in $after; do
			grep -qw "$p" <<<"$all" ||
				fail "$what: program $p runs though no pin had moved: $all -> $after" || return 1
		done
	fi
	ping_ok c1 10.40.0.3 && ping_ok c1 "$EXT_IP" || fail "$what: c1 has no network after the repair"
}

# killed_upgrades NET-CREATE-OPTIONS…: the test, with the network made so.
killed_upgrades() {
	local sw=bpf swre=BPF_LINK_UPDATE sent lost s2 l2 p1 p2
	command -v strace >/dev/null || skip "strace (scripts/deps.sh installs it) is needed to kill at a given call" ||
		return 4
	node_net_demo "$@" || return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns --ip 10.40.0.2 || return 1
	check "attach c2" bpfbr attach demo "$(ct c2)" --create-netns --ip 10.40.0.3 || return 1
	# Legacy tc filters are replaced over netlink; TCX and XDP links by a link update.
	if [ "$(bpfbr -j status demo | jq -r '.[0].attach_mode')" = tc ]; then
		sw=sendto swre=RTM_NEWTFILTER
	fi
	ping_ok c1 10.40.0.3 && ping_ok c1 "$EXT_IP" || fail "no connectivity before the test" || return 1
	flood c1 10.40.0.3 100000
	p1=$SPAWNED
	flood c2 "$EXT_IP" 100000
	p2=$SPAWNED
	killed_then_repaired "killed staging its programs, before any pin moved" 0 ports \
		bpf 'BPF_OBJ_PIN.*prog_port_xdp_next"' 1 bpfbr attach demo "$(ct c3)" --create-netns || return 1
	killed_then_repaired "killed between the switch's two pins" 1 ports \
		rename 'prog_port_xdp_next"' 1 bpfbr gc || return 1
	killed_then_repaired "killed between two hook switches of the ports" 1 ports \
		"$sw" "$swre" 2 bpfbr detach demo "$(ct c3)" || return 1
	killed_then_repaired "killed between the uplink's two hooks" 1 uplink \
		"$sw" "$swre" last bpfbr gc || return 1
	kill -INT "$p1" "$p2"
	wait "$p1" "$p2"
	read -r sent lost <<<"$(flood_lost c1 10.40.0.3)"
	read -r s2 l2 <<<"$(flood_lost c2 "$EXT_IP")"
	figure "mode=$(bpfbr -j status demo | jq -r '.[0] | "\(.attach_mode)/\(.datapath)"') kills=4 repaired=4" \
		"lost=$((lost + l2)) pings=$((sent + s2))"
	[ "$sent" -gt 0 ] && [ "$s2" -gt 0 ] || fail "the ping floods sent nothing" || return 1
	[ $((lost + l2)) = 0 ] || fail "$((lost + l2)) of $((sent + s2)) pings lost across the killed upgrades" || return 1
}

test_killed_upgrade_is_repaired() {
	killed_upgrades
}

test_killed_upgrade_is_repaired_legacy_tc() {
	killed_upgrades --attach-mode tc
}

test_upgrade_default_hooks() {
	upgrade_under_traffic
}

test_upgrade_legacy_tc_filters() {
	upgrade_under_traffic --attach-mode tc
}

test_upgrade_xdp_datapath() {
	[ "${BPFBR_TEST_MODE:-tc}" = tc ] || skip "every test of this run is in $BPFBR_TEST_MODE mode already" ||
		return 4
	upgrade_under_traffic --mode xdp
}

run_tests "$@"
