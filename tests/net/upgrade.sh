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
	[ "$AUDIT_PROBLEMS" = 0 ] || fail "after the upgrades: $(grep -m1 -E '^(LEAK|BROKEN)' "$ROOT/audit.out")" ||
		return 1
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
