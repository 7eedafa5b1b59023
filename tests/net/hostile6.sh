#!/usr/bin/env bash
# A hostile container over IPv6 (issue 14): hostile.sh's attacks in IPv6.
# Containers a1 (::2), a2 (::3), a3 (::4) on the dual-stack network neta
# (10.40.0.0/24 + fd00:40::/64); a1 is the attacker and sends raw frames out
# of its eth0 (tools/hostile6.py). Each test proves with the counters of
# `bpfbr -j status` (.drops.REASON) that the attack was refused, and with
# captures, neighbour tables, routes, addresses and the forwarding table
# that nobody saw or believed it; then the same attack on a network without
# the guard (--no-spoofchk, --gateway-allow all), or the same frame without
# its offence, gets through, which shows the test can see it.
. "$(dirname "$0")/lib.sh"

TOOL=$(cd "$(dirname "$0")" && pwd)/tools/hostile6.py
PY=${PYTHON:-/usr/bin/python3}
V6=fd00:40::
UP6=2001:db8:51::1
EXT6=2001:db8:51::2
FAKE_MAC=02:66:66:66:66:66

# up [NET-CREATE-OPTIONS…]: neta with a1, a2, a3.
up() {
	check "net create neta" bpfbr net create neta --subnet 10.40.0.0/24 --subnet "$V6/64" "$@" ||
		return 1
	check "attach a1" bpfbr attach neta "$(ct a1)" --create-netns --ip "${V6}2" || return 1
	check "attach a2" bpfbr attach neta "$(ct a2)" --create-netns --ip "${V6}3" || return 1
	check "attach a3" bpfbr attach neta "$(ct a3)" --create-netns --ip "${V6}4" || return 1
}
# again [NET-CREATE-OPTIONS…]: neta made anew, e.g. without the guard.
again() { check "net delete" bpfbr net delete neta --force && up "$@"; }

mac() { on "$1" cat /sys/class/net/eth0/address; }
gw_mac() { node ip -j link show bpfbr0 | jq -r '.[0].address'; }
# ll CT: CT's link-local address.
ll() { on "$1" ip -6 -j addr show dev eth0 scope link | jq -r '[.[0].addr_info[] | select(.local)][0].local'; }
gw_ll() { node ip -6 -j addr show dev bpfbr0 scope link | jq -r '[.[0].addr_info[] | select(.local)][0].local'; }
hostile6() {
	local c=$1
	shift
	on "$c" "$PY" "$TOOL" "$@" >/dev/null || fail "hostile6.py $* in $c failed"
}
drops() { bpfbr -j status neta | jq -r --arg r "$1" '.[0].drops[$r] // "missing"'; }
events() { bpfbr -j status neta | jq -r --arg e "$1" '.[0].events[$e] // "missing"'; }
fdb() { bpfbr -j fdb show neta | jq -r '.[] | "\(.mac) \(.dev) \(.state)"' | sort; }
ping6_ok() { on "$1" ping -6 -c1 -W2 -w6 "$2" >/dev/null 2>&1; }
# neigh6 CT ADDR: the MAC CT's neighbour table has for ADDR, or "none".
neigh6() { on "$1" ip -6 -j neigh show "$2" dev eth0 | jq -r '.[0].lladdr // "none"'; }
neigh6_is() { [ "$(neigh6 "$1" "$2")" = "$3" ]; }

# expect_delta WHAT BEFORE WANT CMD…: the counter CMD prints moved from
# BEFORE by exactly WANT (waiting up to 5 s for it to get there).
expect_delta() {
	local what=$1 before=$2 want=$3 now
	shift 3
	for _ in $(seq 50); do
		now=$("$@")
		[ "$((now - before))" -ge "$want" ] && break
		sleep 0.1
	done
	[ "$((now - before))" = "$want" ] || fail "$what moved by $((now - before)) ($before -> $now), expected $want"
}

# spoof_to_a3: a1 sends UDP to a3 from a2's address, a foreign one, the
# gateway's and the gateway's link-local address.
spoof_to_a3() {
	local src
	for src in "${V6}3" 2001:db8:66::1 "${V6}1" "$(gw_ll)"; do
		hostile6 a1 udp eth0 "$(mac a3)" "$(mac a1)" "$src" "${V6}4" 5000 7777 || return 1
	done
}

test_spoofed_ipv6_sources_are_dropped() {
	local before
	need_feature ipv6 || return $?
	up || return 1
	capture a3 eth0 "ip6 and udp port 7777" on a3 || return 1
	before=$(drops ipv6_spoof)
	spoof_to_a3 || return 1
	expect_delta "drops.ipv6_spoof" "$before" 4 drops ipv6_spoof || return 1
	# The same datagram from a1's own address arrives: the capture sees.
	hostile6 a1 udp eth0 "$(mac a3)" "$(mac a1)" "${V6}2" "${V6}4" 5000 7777 || return 1
	wait_seen a3 1
	end_captures
	[ "$(seen a3)" = 1 ] && grep -q "${V6}2.5000 > ${V6}4.7777" "$ROOT/a3.cap" ||
		fail "a3 saw: $(cat "$ROOT/a3.cap")" || return 1
	again --no-spoofchk || return 1
	capture a3 eth0 "ip6 and udp port 7777" on a3 || return 1
	spoof_to_a3 || return 1
	wait_seen a3 4 || fail "without the guard a3 saw $(seen a3) of the 4 spoofed datagrams: the test sees nothing"
}

# a1 tells a2 that the gateway is at a1's MAC (a neighbour advertisement
# for a target not its own), and that a1's address is at a made-up MAC (a
# solicitation whose source link-layer option is not its MAC).
forge_ndp() {
	hostile6 a1 na eth0 "$(mac a2)" "$(mac a1)" "$(ll a1)" "${V6}3" "${V6}1" "$(mac a1)" --count 3 &&
		hostile6 a1 ns eth0 "$(mac a2)" "$(mac a1)" "${V6}2" "${V6}3" "${V6}3" "$FAKE_MAC" --count 3
}

test_forged_ndp_is_not_believed() {
	local before
	need_feature ipv6 || return $?
	up || return 1
	ping6_ok a2 "${V6}1" && ping6_ok a2 "${V6}2" || fail "a2 cannot reach the gateway and a1" || return 1
	before=$(drops ndp_spoof)
	forge_ndp || return 1
	expect_delta "drops.ndp_spoof" "$before" 6 drops ndp_spoof || return 1
	neigh6_is a2 "${V6}1" "$(gw_mac)" || fail "a2 believes the gateway is at $(neigh6 a2 "${V6}1")" || return 1
	neigh6_is a2 "${V6}2" "$(mac a1)" || fail "a2 believes a1 is at $(neigh6 a2 "${V6}2")" || return 1
	ping6_ok a2 "${V6}1" || fail "a2 lost its gateway" || return 1
	again --no-spoofchk || return 1
	ping6_ok a2 "${V6}1" && ping6_ok a2 "${V6}2" || return 1
	forge_ndp || return 1
	eventually neigh6_is a2 "${V6}1" "$(mac a1)" ||
		fail "without the guard a2 did not take the advertisement either: the test sees nothing" || return 1
	eventually neigh6_is a2 "${V6}2" "$FAKE_MAC" ||
		fail "without the guard a2 did not take the solicitation's option either: $(neigh6 a2 "${V6}2")"
}

# ra_learned CT: the default route and the fd00:99::/64 addresses CT took from an advertisement.
ra_learned() {
	on "$1" ip -6 -j route show proto ra | jq -r '.[].dst'
	on "$1" ip -6 -j addr show dev eth0 | jq -r '.[0].addr_info[] | select(.local | startswith("fd00:99:")) | .local'
}

test_router_advertisement_teaches_nothing() {
	local before
	need_feature ipv6 || return $?
	up || return 1
	before=$(drops ra_guard)
	hostile6 a1 ra eth0 "$(mac a1)" "$(ll a1)" fd00:99:: --count 3 || return 1
	expect_delta "drops.ra_guard" "$before" 3 drops ra_guard || return 1
	sleep 0.5
	[ -z "$(ra_learned a2)$(ra_learned a3)" ] ||
		fail "the others learned from a1's advertisement: $(ra_learned a2) $(ra_learned a3)" || return 1
	again --no-spoofchk || return 1
	hostile6 a1 ra eth0 "$(mac a1)" "$(ll a1)" fd00:99:: --count 3 || return 1
	eventually test -n "$(ra_learned a2)" ||
		fail "without the guard a2 learned nothing either: the test sees nothing"
}

test_dhcpv6_server_messages_are_dropped() {
	local before
	need_feature ipv6 || return $?
	up || return 1
	capture a2 eth0 "ip6 and udp port 546" on a2 || return 1
	before=$(drops dhcp6_server)
	hostile6 a1 udp eth0 "$(mac a2)" "$(mac a1)" "$(ll a1)" "$(ll a2)" 547 546 --count 3 || return 1
	expect_delta "drops.dhcp6_server" "$before" 3 drops dhcp6_server || return 1
	# From another source port it is no server's message: it arrives.
	hostile6 a1 udp eth0 "$(mac a2)" "$(mac a1)" "$(ll a1)" "$(ll a2)" 5470 546 || return 1
	wait_seen a2 1
	end_captures
	[ "$(seen a2)" = 1 ] && grep -q "\.5470 > " "$ROOT/a2.cap" || fail "a2 saw: $(cat "$ROOT/a2.cap")" || return 1
	again --no-spoofchk || return 1
	capture a2 eth0 "ip6 and udp port 546" on a2 || return 1
	hostile6 a1 udp eth0 "$(mac a2)" "$(mac a1)" "$(ll a1)" "$(ll a2)" 547 546 --count 3 || return 1
	wait_seen a2 3 || fail "without the guard a2 saw $(seen a2) of 3: the test sees nothing"
}

# ext6: the external host with IPv6 on both ends of the uplink.
ext6() {
	ext_host || return 1
	node ip -6 addr add "$UP6/64" dev up0 nodad && on ext ip -6 addr add "$EXT6/64" dev eth0 nodad
}

test_routing_header_0_is_dropped() {
	local before
	need_feature ipv6 || return $?
	ext6 || return 1
	up --uplink up0 || return 1
	check "ext's route to the containers" on ext ip -6 route add "$V6/64" via "$UP6" || return 1
	ping6_ok a1 "$EXT6" || fail "a1 cannot reach ext (routed)" || return 1
	capture ext eth0 "ip6 and dst host $EXT6 and not icmp6" on ext || return 1
	before=$(drops ipv6_routing_header_0)
	hostile6 a1 udp eth0 "$(gw_mac)" "$(mac a1)" "${V6}2" "$EXT6" 5000 7778 --rh0 "$EXT6" --count 3 ||
		return 1
	expect_delta "drops.ipv6_routing_header_0" "$before" 3 drops ipv6_routing_header_0 || return 1
	# Without the routing header it is routed to ext: the capture sees.
	hostile6 a1 udp eth0 "$(gw_mac)" "$(mac a1)" "${V6}2" "$EXT6" 5000 7778 || return 1
	wait_seen ext 1
	end_captures
	[ "$(seen ext)" = 1 ] || fail "ext saw $(seen ext) packets (want only the one without the header): $(cat "$ROOT/ext.cap")"
}

# connects6 CT ADDR PORT: what a TCP connection from CT to [ADDR]:PORT reads ("" if none).
connects6() {
	on "$1" timeout 15 socat -t 10 - "TCP6:[$2]:$3,connect-timeout=2" </dev/null 2>/dev/null
}

test_node_addresses_beyond_the_gateway_are_unreachable_over_ipv6() {
	local before reached=()
	need_feature ipv6 || return $?
	ext6 || return 1
	up --uplink up0 || return 1
	spawn node timeout 40 socat -t 10 TCP6-LISTEN:7031,reuseaddr,fork SYSTEM:"echo node-service" \
		>/dev/null 2>&1
	listening node tcp 7031 || fail "no listener on the node" || return 1
	ping6_ok a1 "$UP6" || fail "a1 cannot ping the uplink's address (echo is allowed)" || return 1
	before=$(drops node_denied)
	[ "$(connects6 a1 "$UP6" 7031)" = node-service ] && reached+=("the uplink's [$UP6]:7031")
	[ "$(connects6 a1 "${V6}1" 7031)" = node-service ] && reached+=("the gateway's [${V6}1]:7031")
	[ "$(connects6 a1 "$(gw_ll)%eth0" 7031)" = node-service ] && reached+=("the gateway's link-local address")
	[ ${#reached[@]} = 0 ] || fail "a1 reaches node services on ${reached[*]}" || return 1
	[ "$(drops node_denied)" -gt "$before" ] || fail "no node_denied drop was counted" || return 1
	again --uplink up0 --gateway-allow all || return 1
	[ "$(connects6 a1 "$UP6" 7031)" = node-service ] ||
		fail "with --gateway-allow all a1 does not reach [$UP6]:7031 either: the test sees nothing"
}

test_ipv6_mac_flood_leaves_the_fdb_unchanged() {
	local fdb0 before learned
	need_feature ipv6 || return $?
	up || return 1
	fdb0=$(fdb)
	before=$(drops mac_spoof) learned=$(events learned)
	hostile6 a1 macflood eth0 2000 || return 1
	expect_delta "drops.mac_spoof" "$before" 2000 drops mac_spoof || return 1
	expect_delta "events.learned" "$learned" 0 events learned || return 1
	[ "$(fdb)" = "$fdb0" ] || fail "the forwarding table holds $(fdb | wc -l) entries" || return 1
	ping6_ok a2 "${V6}4" || fail "a2 cannot reach a3 after the flood" || return 1
	again --no-spoofchk || return 1
	learned=$(events learned)
	hostile6 a1 macflood eth0 300 || return 1
	expect_delta "without the guard, events.learned" "$learned" 300 events learned
}

run_tests "$@"
