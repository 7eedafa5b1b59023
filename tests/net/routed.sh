#!/usr/bin/env bash
# Routing without masquerade (issue 13): a network made with --uplink and no
# --masquerade sends its containers' own addresses out of the uplink, and an
# external host that routes the network's subnet to the node reaches the
# containers, as the chapter's bridge does with forwarding on. The node
# guard and anti-spoofing hold as on any network.
#   c1 (10.40.0.2), c2 (.3) -- node (up0 198.51.100.1) -- ext 198.51.100.2,
#   ext: 10.40.0.0/24 via 198.51.100.1
. "$(dirname "$0")/cni/lib.sh"

TOOL=$(cd "$(dirname "$0")" && pwd)/tools/hostile.py
PY=${PYTHON:-/usr/bin/python3}

# up [NET-CREATE-OPTIONS…]: ext with its route back, network demo routed
# through up0, c1 and c2.
up() {
	ext_host || fail "cannot build the uplink" || return 1
	on ext ip route add 10.40.0.0/24 via "$UP_IP" || return 1
	check "net create --uplink up0" bpfbr net create demo --subnet 10.40.0.0/24 \
		--uplink up0 "$@" || return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns --ip 10.40.0.2 || return 1
	check "attach c2" bpfbr attach demo "$(ct c2)" --create-netns --ip 10.40.0.3 || return 1
}

mac() { on "$1" cat /sys/class/net/eth0/address; }
gw_mac() { node ip -j link show bpfbr0 | jq -r '.[0].address'; }
counter() { bpfbr -j status demo | jq -r --arg r "$2" ".[0].$1[\$r] // \"missing\""; }
drops() { counter drops "$1"; }
events() { counter events "$1"; }
hostile() {
	local c=$1
	shift
	on "$c" "$PY" "$TOOL" "$@" >/dev/null || fail "hostile.py $* in $c failed"
}
# serve_peer WHERE PORT: a TCP server in WHERE that answers with the peer's
# address; connects CT ADDR PORT reads that answer.
serve_peer() {
	spawn on "$1" timeout 30 socat -t 10 "TCP-LISTEN:$2,reuseaddr,fork" \
		SYSTEM:'echo $SOCAT_PEERADDR' >/dev/null 2>&1
	listening "$1" tcp "$2" || fail "no listener in $1 on port $2"
}
connects() {
	on "$1" timeout 15 socat -t 10 - "TCP:$2:$3,connect-timeout=2" </dev/null 2>/dev/null
}
# udp_peer WHERE PORT: the same over UDP; udp_ask CT ADDR PORT reads the answer.
udp_peer() {
	spawn on "$1" timeout 30 socat -T 10 "UDP-RECVFROM:$2,reuseaddr,fork" \
		SYSTEM:'read l; echo $SOCAT_PEERADDR' >/dev/null 2>&1
	listening "$1" udp "$2" || fail "no UDP listener in $1 on port $2"
}
udp_ask() {
	echo hello | on "$1" timeout 15 socat -T 3 - "UDP:$2:$3" 2>/dev/null
}

test_external_host_sees_the_containers_own_address() {
	local routed got
	up || return 1
	routed=$(events routed_to_uplink)
	capture ext eth0 "icmp and src 10.40.0.2" on ext || return 1
	ping_ok c1 "$EXT_IP" || fail "c1 cannot ping ext" || return 1
	end_captures
	[ "$(seen ext)" -gt 0 ] || fail "ext saw no ping from 10.40.0.2 (masqueraded?)" || return 1
	serve_peer ext 7001 || return 1
	got=$(connects c2 "$EXT_IP" 7001)
	[ "$got" = 10.40.0.3 ] || fail "ext's TCP server saw c2 as '$got', not 10.40.0.3" || return 1
	udp_peer ext 7002 || return 1
	got=$(udp_ask c1 "$EXT_IP" 7002)
	[ "$got" = 10.40.0.2 ] || fail "ext's UDP server saw c1 as '$got', not 10.40.0.2" || return 1
	[ "$(events routed_to_uplink)" -gt "$routed" ] ||
		fail "the fast path routed nothing to the uplink" || return 1
	[ "$(bpfbr -j nat show | jq length)" = 0 ] || fail "translations exist: $(bpfbr nat show)"
}

test_external_host_reaches_the_container() {
	local got
	up || return 1
	ping_ok ext 10.40.0.2 || fail "ext cannot ping c1 by its route to the node" || return 1
	serve_peer c1 7003 || return 1
	got=$(connects ext 10.40.0.2 7003)
	[ "$got" = "$EXT_IP" ] || fail "c1's TCP server saw ext as '$got', not $EXT_IP" || return 1
	udp_peer c2 7004 || return 1
	got=$(udp_ask ext 10.40.0.3 7004)
	[ "$got" = "$EXT_IP" ] || fail "c2's UDP server saw ext as '$got', not $EXT_IP"
}

# A masquerading network, and a host that routes its subnet to the node (as
# one can to the chapter's bridge + MASQUERADE): its connections reach the
# containers, whose answers leave untranslated (inbound_reply_kept), while
# the containers' own connections out are still masqueraded.
test_host_routing_the_subnet_reaches_a_masquerading_network() {
	local got
	up --masquerade || return 1
	serve_peer c1 7007 || return 1
	got=$(connects ext 10.40.0.2 7007)
	[ "$got" = "$EXT_IP" ] || fail "c1's TCP server saw ext as '$got', not $EXT_IP" || return 1
	udp_peer c2 7008 || return 1
	got=$(udp_ask ext 10.40.0.3 7008)
	[ "$got" = "$EXT_IP" ] || fail "c2's UDP server saw ext as '$got', not $EXT_IP" || return 1
	[ "$(bpfbr -j status demo | jq '.[0].uplink.events.inbound_reply_kept')" -gt 0 ] ||
		fail "the uplink counted no reply kept untranslated" || return 1
	serve_peer ext 7009 || return 1
	got=$(connects c1 "$EXT_IP" 7009)
	[ "$got" = "$UP_IP" ] || fail "ext saw c1's own connection from '$got', not $UP_IP (masqueraded)"
}

# The same network from a CNI config: "uplink" without "ipMasq" routes the
# containers' own addresses both ways (the CLI's --uplink without
# --masquerade); a config asking for another uplink is refused by name.
test_cni_uplink_without_ipmasq_routes() {
	local c got
	ext_host || fail "cannot build the uplink" || return 1
	on ext ip route add 10.40.0.0/24 via "$UP_IP" || return 1
	c=$(conf demo 10.40.0.0/24 '.uplink = "up0" | .isDefaultGateway = true')
	new_ct c1 || return 1
	cni_add "$c" id1 c1 || return 1
	[ "$(state demo | jq -c '[.uplink, .masquerade]')" = '["up0",false]' ] ||
		fail "the network: $(state demo | jq -c '{uplink, masquerade}')" || return 1
	got=$(out | jq -r '.ips[0].address')
	[ "$got" = 10.40.0.2/24 ] || fail "c1's address: $got" || return 1
	serve_peer ext 7005 || return 1
	got=$(connects c1 "$EXT_IP" 7005)
	[ "$got" = 10.40.0.2 ] || fail "ext's TCP server saw c1 as '$got', not 10.40.0.2" || return 1
	serve_peer c1 7006 || return 1
	got=$(connects ext 10.40.0.2 7006)
	[ "$got" = "$EXT_IP" ] || fail "c1's TCP server saw ext as '$got', not $EXT_IP" || return 1
	[ "$(bpfbr -j nat show | jq length)" = 0 ] || fail "translations exist: $(bpfbr nat show)" ||
		return 1
	new_ct c2 || return 1
	cni ADD "$(jq -c '.uplink = "lo"' <<<"$c")" id2 c2 && fail "ADD with another uplink passed" ||
		cni_error 101 "uplink up0" "asks for lo"
}

# The node's own addresses stay out of reach (node_denied), as on a network
# without an uplink; a packet from an address not the container's is dropped
# (ip_spoof), and one from outside the subnet is never routed out
# (foreign_source, with --no-spoofchk to get past the first check).
test_guard_and_antispoofing_hold() {
	local before got
	up || return 1
	spawn node timeout 30 socat -t 10 "TCP-LISTEN:7005,bind=$UP_IP,reuseaddr,fork" \
		SYSTEM:'echo uplink' >/dev/null 2>&1
	listening node tcp 7005 || fail "no listener on the node" || return 1
	before=$(drops node_denied)
	got=$(connects c1 "$UP_IP" 7005)
	[ -z "$got" ] || fail "c1 reached the node's $UP_IP:7005 ($got)" || return 1
	[ "$(drops node_denied)" -gt "$before" ] || fail "no node_denied drop was counted" || return 1
	before=$(drops ip_spoof)
	capture ext eth0 "udp port 9999" on ext || return 1
	hostile c1 udp eth0 "$(gw_mac)" "$(mac c1)" 10.40.0.3 "$EXT_IP" 9999 --count 5 || return 1
	hostile c1 udp eth0 "$(gw_mac)" "$(mac c1)" 192.0.2.9 "$EXT_IP" 9999 --count 5 || return 1
	end_captures
	[ "$(seen ext)" = 0 ] || fail "ext saw c1's spoofed datagrams: $(head -2 "$ROOT/ext.cap")" ||
		return 1
	[ "$(($(drops ip_spoof) - before))" = 10 ] ||
		fail "ip_spoof moved by $(($(drops ip_spoof) - before)), expected 10" || return 1
	# The control: from its own address, the same datagram leaves.
	capture ext eth0 "udp port 9999 and src 10.40.0.2" on ext || return 1
	hostile c1 udp eth0 "$(gw_mac)" "$(mac c1)" 10.40.0.2 "$EXT_IP" 9999 --count 3 || return 1
	wait_seen ext 3
	end_captures
	[ "$(seen ext)" -gt 0 ] || fail "c1's own datagrams did not reach ext"
}

test_foreign_source_is_never_routed() {
	local before
	up --no-spoofchk || return 1
	before=$(drops foreign_source)
	capture ext eth0 "udp port 9999" on ext || return 1
	hostile c1 udp eth0 "$(gw_mac)" "$(mac c1)" 192.0.2.9 "$EXT_IP" 9999 --count 5 || return 1
	end_captures
	[ "$(seen ext)" = 0 ] || fail "ext saw datagrams from 192.0.2.9" || return 1
	[ "$(($(drops foreign_source) - before))" = 5 ] ||
		fail "foreign_source moved by $(($(drops foreign_source) - before)), expected 5"
}

# bpfbr turns the uplink's forwarding on and, as the last network using it,
# back off; a masquerading network on the same uplink keeps it (and its
# datapath) when the routed one goes.
test_uplink_forwarding_and_shared_uplink() {
	local now
	up || return 1
	fwd() { node sysctl -n "net.ipv4.conf.up0.forwarding"; }
	[ "$(fwd)" = 1 ] || fail "up0's forwarding is $(fwd) with a routed network" || return 1
	[ "$(bpfbr -j status demo | jq -r '.[0].uplink.routed')" = true ] ||
		fail "status does not say demo is routed: $(bpfbr -j status demo | jq -c '.[0].uplink')" ||
		return 1
	check "net create masq" bpfbr net create masq --subnet 10.41.0.0/24 --uplink up0 \
		--masquerade || return 1
	check "attach m1" bpfbr attach masq "$(ct m1)" --create-netns --ip 10.41.0.2 || return 1
	check "net delete demo" bpfbr net delete demo --force || return 1
	[ "$(fwd)" = 1 ] || fail "deleting demo turned up0's forwarding off under masq" || return 1
	capture ext eth0 "icmp and src $UP_IP" on ext || return 1
	ping_ok m1 "$EXT_IP" || fail "m1 cannot reach ext after demo went" || return 1
	end_captures
	[ "$(seen ext)" -gt 0 ] || fail "m1's ping was not masqueraded after demo went" || return 1
	check "net create demo again" bpfbr net create demo --subnet 10.40.0.0/24 --uplink up0 ||
		return 1
	check "net delete masq" bpfbr net delete masq --force || return 1
	[ "$(fwd)" = 1 ] || fail "deleting masq turned up0's forwarding off under demo" || return 1
	check "net delete demo" bpfbr net delete demo || return 1
	now=$(fwd)
	[ "$now" = 0 ] || fail "up0's forwarding stayed $now after the last network went"
}

# After a reboot, restore makes the routed network again: c1 (whose
# namespace survived in this simulation: it is made again) reaches ext.
test_restore_routes_again() {
	local got
	up || return 1
	simulate_reboot c1 c2 ext || fail "cannot simulate the reboot" || return 1
	on ext ip route add 10.40.0.0/24 via "$UP_IP" || return 1
	check "restore" bpfbr restore || return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns --ip 10.40.0.2 || return 1
	[ "$(node sysctl -n net.ipv4.conf.up0.forwarding)" = 1 ] ||
		fail "restore left up0's forwarding off" || return 1
	serve_peer ext 7006 || return 1
	got=$(connects c1 "$EXT_IP" 7006)
	[ "$got" = 10.40.0.2 ] || fail "after restore ext saw c1 as '$got', not 10.40.0.2"
}

run_tests "$@"
