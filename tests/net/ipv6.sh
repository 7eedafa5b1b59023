#!/usr/bin/env bash
# IPv6 and dual stack (issue 14). A network made with an IPv4 and an IPv6
# --subnet gives each container both addresses (the IPv6 one usable at once,
# no DAD), its EUI-64 link-local address and an IPv6 default route via the
# gateway, whose device holds the IPv6 gateway address; containers and the
# node reach each other over IPv6. Bad input is refused naming the fix. A
# hostile container's IPv6 attacks (a spoofed source, a forged neighbour
# advertisement, a router advertisement, a service of the node) are refused
# with their counter (`bpfbr -j status` .drops.REASON), and the same attacks
# on a network made with --no-spoofchk (or --gateway-allow) get through,
# which shows the tests can see them.
. "$(dirname "$0")/lib.sh"

PY=${PYTHON:-/usr/bin/python3}
V6=fd00:40::

# up [NET-CREATE-OPTIONS…]: dual-stack neta with a1 (.2, ::2), a2 (.3, ::3).
up() {
	check "net create neta" bpfbr net create neta --subnet 10.40.0.0/24 --subnet "$V6/64" "$@" ||
		return 1
	check "attach a1" bpfbr attach neta "$(ct a1)" --create-netns || return 1
	check "attach a2" bpfbr attach neta "$(ct a2)" --create-netns --ip 10.40.0.3 \
		--ip "${V6}3" || return 1
}

drops() { bpfbr -j status neta | jq -r --arg r "$1" '.[0].drops[$r] // "missing"'; }
mac() { on "$1" cat /sys/class/net/eth0/address; }
# addr6 CT: the container's global IPv6 addresses and their flags, one per line.
addr6() {
	on "$1" ip -6 -j addr show dev eth0 scope global |
		jq -r '.[0].addr_info[] | select(.local) | "\(.local)/\(.prefixlen) \(if .tentative then "tentative" else "" end)"'
}
ping6_ok() { on "$1" ping -6 -c1 -W2 -w6 "$2" >/dev/null 2>&1; }

test_dual_stack_attach() {
	local gw6 route ll
	need_feature ipv6 || return $?
	up || return 1
	[ "$(addr6 a1)" = "${V6}2/64 " ] || fail "a1's IPv6 address: '$(addr6 a1)' (want ${V6}2/64, not tentative)" || return 1
	[ "$(addr6 a2)" = "${V6}3/64 " ] || fail "a2's IPv6 address: '$(addr6 a2)'" || return 1
	route=$(on a1 ip -6 -j route show default | jq -r '.[0].gateway // empty')
	[ "$route" = "${V6}1" ] || fail "a1's IPv6 default route is via '$route', not ${V6}1" || return 1
	ll=$(on a1 ip -6 -j addr show dev eth0 scope link | jq -r '[.[0].addr_info[] | select(.local)][0].local // empty')
	[ -n "$ll" ] || fail "a1 has no link-local address" || return 1
	gw6=$(node ip -6 -j addr show dev bpfbr0 scope global | jq -r '[.[0].addr_info[] | select(.local)][0].local // empty')
	[ "$gw6" = "${V6}1" ] || fail "the gateway device holds '$gw6', not ${V6}1" || return 1
	ping6_ok a1 "${V6}3" || fail "a1 cannot ping a2 over IPv6" || return 1
	ping6_ok a1 "${V6}1" || fail "a1 cannot ping its gateway over IPv6" || return 1
	ping6_ok a2 "$ll%eth0" || fail "a2 cannot ping a1's link-local address" || return 1
	node ping -6 -c1 -W2 -w6 "${V6}2" >/dev/null 2>&1 || fail "the node cannot ping a1 over IPv6" || return 1
	ping_ok a1 10.40.0.3 || fail "a1 cannot ping a2 over IPv4 on a dual-stack network" || return 1
	[ "$(jq -r '.subnet6 + " " + .gateway6' "$ROOT/var/lib/bpfbr/networks/neta.json")" = "${V6}/64 ${V6}1" ] ||
		fail "the state file does not hold the IPv6 subnet and gateway" || return 1
	[ "$(bpfbr -j net inspect neta | jq -r '.[0] | .subnet6 + " " + .gateway6 + " " + (.container_list | map(.ip6) | join(","))')" = \
		"${V6}/64 ${V6}1 ${V6}2,${V6}3" ] ||
		fail "net inspect does not show the IPv6 subnet, gateway and addresses: $(bpfbr -j net inspect neta)" || return 1
	[ "$(bpfbr -j status neta | jq -r '[.[0].ports[] | select(.kind == "container") | .ip6] | join(",")')" = "${V6}2,${V6}3" ] ||
		fail "status does not show the containers' IPv6 addresses" || return 1
	# Round-robin, as IPv4: after ::3 the next attach gets ::4, not the ::2 a1 gives back.
	check "detach a1" bpfbr detach neta "$(ct a1)" || return 1
	check "attach a3" bpfbr attach neta "$(ct a3)" --create-netns || return 1
	[ "$(addr6 a3)" = "${V6}4/64 " ] || fail "a3 got '$(addr6 a3)', not ${V6}4 (round-robin)"
}

# refused WHAT PATTERN CMD…: CMD fails, its message matches PATTERN, and no network is left.
refused() {
	local what=$1 pattern=$2 out
	shift 2
	if out=$("$@" 2>&1); then
		fail "$what: '$*' succeeded"
		return 1
	fi
	grep -qE "$pattern" <<<"$out" || fail "$what: message '$out' does not say /$pattern/" || return 1
}

test_bad_ipv6_input() {
	local n
	need_feature ipv6 || return $?
	refused "a /65" "between /48 and /64" bpfbr net create bad --subnet 10.50.0.0/24 --subnet fd00:50::/65 || return 1
	refused "a /47" "between /48 and /64" bpfbr net create bad --subnet 10.50.0.0/24 --subnet fd00:50::/47 || return 1
	refused "two IPv6 subnets" "twice for IPv6" bpfbr net create bad --subnet fd00:50::/64 --subnet fd00:51::/64 || return 1
	refused "host bits" "host bits set" bpfbr net create bad --subnet 10.50.0.0/24 --subnet fd00:50::1/64 || return 1
	refused "link-local" "unique local" bpfbr net create bad --subnet 10.50.0.0/24 --subnet fe80::/64 || return 1
	refused "IPv6 gateway, no IPv6 subnet" "no IPv6 --subnet" bpfbr net create bad --subnet 10.50.0.0/24 --gateway fd00:50::1 || return 1
	refused "gateway outside" "not a host address" bpfbr net create bad --subnet 10.50.0.0/24 --subnet fd00:50::/64 --gateway fd00:51::1 || return 1
	n=$(bpfbr -j net list | jq length)
	[ "$n" = 0 ] || fail "refused creations left $n network(s)" || return 1
	up || return 1
	refused "an overlapping IPv6 subnet" "overlaps network neta" bpfbr net create netb --subnet 10.41.0.0/24 --subnet fd00:40::/48 || return 1
	ns_new x || return 1
	refused "an address outside the subnet" "outside the IPv6 subnet" bpfbr attach neta "$(ct x)" --ip fd00:99::5 || return 1
	refused "an address in use" "already assigned" bpfbr attach neta "$(ct x)" --ip "${V6}3" || return 1
	check "net create netc" bpfbr net create netc --subnet 10.42.0.0/24 || return 1
	refused "an IPv6 address on an IPv4-only network" "no IPv6 subnet" bpfbr attach netc "$(ct x)" --ip fd00:99::5
}

# a1 adds an address that is not its own and pings a2 from it.
spoofed_ping() {
	on a1 ip -6 addr add "${V6}99/64" dev eth0 nodad || return 2
	on a1 ping -6 -c1 -W2 -I "${V6}99" "${V6}3" >/dev/null 2>&1
	local rc=$?
	on a1 ip -6 addr del "${V6}99/64" dev eth0
	return $rc
}

test_spoofed_ipv6_source_is_dropped() {
	local before
	need_feature ipv6 || return $?
	up || return 1
	before=$(drops ipv6_spoof)
	! spoofed_ping || fail "a1 reached a2 from an address that is not its own" || return 1
	[ "$(drops ipv6_spoof)" -gt "$before" ] || fail "no ipv6_spoof drop was counted" || return 1
	ping6_ok a1 "${V6}3" || fail "a1's own address stopped working" || return 1
	check "net delete" bpfbr net delete neta --force || return 1
	up --no-spoofchk || return 1
	spoofed_ping || fail "with --no-spoofchk the spoofed ping did not pass either: the test sees nothing"
}

# ra CT: CT sends a router advertisement (lifetime 1800 s) to all nodes.
ra() {
	on "$1" "$PY" -c '
import socket, struct
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"eth0")
ra = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 1800, 0, 0)
for _ in range(3):
    s.sendto(ra, ("ff02::1", 0, 0, socket.if_nametoindex("eth0")))
'
}
# ra_route CT: the default route CT learned from a router advertisement, if any.
ra_route() { on "$1" ip -6 -j route show proto ra | jq -r '.[0].gateway // empty'; }

test_router_advertisement_is_dropped() {
	local before
	need_feature ipv6 || return $?
	up || return 1
	before=$(drops ra_guard)
	ra a1 || fail "a1 could not send a router advertisement" || return 1
	sleep 1
	[ -z "$(ra_route a2)" ] || fail "a2 took a1 for its router: $(ra_route a2)" || return 1
	[ "$(drops ra_guard)" -gt "$before" ] || fail "no ra_guard drop was counted" || return 1
	check "net delete" bpfbr net delete neta --force || return 1
	up --no-spoofchk || return 1
	ra a1 || return 1
	eventually test -n "$(ra_route a2)" ||
		fail "with --no-spoofchk a2 did not take the advertisement either: the test sees nothing"
}

# a1 answers for a2's address (a forged NA, unsolicited, override) to the node.
forged_na() {
	on a1 "$PY" -c '
import socket, struct, sys
tgt = socket.inet_pton(socket.AF_INET6, sys.argv[1])
mac = bytes.fromhex(sys.argv[2].replace(":", ""))
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, 255)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
na = struct.pack("!BBHI", 136, 0, 0, 0x20000000) + tgt + bytes([2, 1]) + mac
for _ in range(3):
    s.sendto(na, ("ff02::1", 0, 0, socket.if_nametoindex("eth0")))
' "${V6}3" "$(mac a1)"
}
# The MAC the node's neighbour table gives a2's IPv6 address.
node_lladdr_of_a2() { node ip -6 -j neigh show "${V6}3" | jq -r '.[0].lladdr // empty'; }

test_forged_neighbour_advertisement_is_dropped() {
	local before
	need_feature ipv6 || return $?
	up || return 1
	node ping -6 -c1 -W2 "${V6}3" >/dev/null 2>&1 || fail "the node cannot reach a2" || return 1
	before=$(drops ndp_spoof)
	forged_na || fail "a1 could not send the advertisement" || return 1
	sleep 0.5
	[ "$(node_lladdr_of_a2)" = "$(mac a2)" ] ||
		fail "the node believes a2 is at $(node_lladdr_of_a2) (a1 is $(mac a1))" || return 1
	[ "$(drops ndp_spoof)" -gt "$before" ] || fail "no ndp_spoof drop was counted" || return 1
	check "net delete" bpfbr net delete neta --force || return 1
	up --no-spoofchk || return 1
	node ping -6 -c1 -W2 "${V6}3" >/dev/null 2>&1 || return 1
	forged_na || return 1
	eventually test "$(node_lladdr_of_a2)" = "$(mac a1)" ||
		fail "with --no-spoofchk the node did not believe the advertisement either: the test sees nothing"
}

# connects6 CT PORT: what a TCP connection from CT to the gateway's IPv6 address reads.
connects6() {
	on "$1" timeout 15 socat -t 10 - "TCP6:[${V6}1]:$2,connect-timeout=2" </dev/null 2>/dev/null
}

test_node_services_over_ipv6_need_allowing() {
	local before
	need_feature ipv6 || return $?
	up || return 1
	spawn node timeout 40 socat -t 10 "TCP6-LISTEN:7005,bind=[${V6}1],reuseaddr,fork" \
		SYSTEM:"echo tcp-service" >/dev/null 2>&1
	listening node tcp 7005 || fail "no listener on the node" || return 1
	before=$(drops node_denied)
	[ "$(connects6 a1 7005)" = "" ] || fail "a1 reached [${V6}1]:7005 by default" || return 1
	[ "$(drops node_denied)" -gt "$before" ] || fail "no node_denied drop was counted" || return 1
	ping6_ok a1 "${V6}1" || fail "a1 cannot ping its gateway over IPv6" || return 1
	before=$(drops ipv6_unrouted)
	! ping6_ok a1 2001:db8::1 || fail "a1 pinged beyond the network" || return 1
	[ "$(drops ipv6_unrouted)" -gt "$before" ] || fail "no ipv6_unrouted drop was counted" || return 1
	check "net delete" bpfbr net delete neta --force || return 1
	up --gateway-allow tcp/7005 || return 1
	[ "$(connects6 a1 7005)" = tcp-service ] ||
		fail "a1 does not reach tcp/7005 over IPv6 with --gateway-allow tcp/7005"
}

# The gateway's IPv6 comes back with restore: after its device was deleted
# (the containers' ports survive, their IPv6 is checked again at once), and
# after a reboot (a new container gets its IPv6 and reaches the gateway).
test_restore_brings_back_ipv6() {
	need_feature ipv6 || return $?
	up || return 1
	node ip link del bpfbr0 || return 1
	check "restore" bpfbr restore || return 1
	[ "$(node ip -6 -j addr show dev bpfbr0 scope global | jq -r '[.[0].addr_info[] | select(.local)][0].local // empty')" = "${V6}1" ] ||
		fail "restore did not give the gateway device ${V6}1 again" || return 1
	ping6_ok a1 "${V6}1" || fail "a1 cannot ping its gateway over IPv6 after restore" || return 1
	node ping -6 -c1 -W2 -w6 "${V6}3" >/dev/null 2>&1 || fail "the node cannot ping a2 after restore" || return 1
	! spoofed_ping || fail "after restore a1 reached a2 from an address not its own" || return 1
	simulate_reboot a1 a2 || return 1
	check "restore after reboot" bpfbr restore || return 1
	check "attach a3" bpfbr attach neta "$(ct a3)" --create-netns || return 1
	[ -n "$(addr6 a3)" ] || fail "a3 got no IPv6 address after the reboot" || return 1
	ping6_ok a3 "${V6}1" || fail "a3 cannot ping its gateway over IPv6 after the reboot"
}

# UDP the node sends into a container over IPv6 gets its answer back (the
# guard lets the container's reply through), and nothing else: the same
# datagram from the container unasked is refused.
test_node_udp_into_a_container_is_answered() {
	local got before
	need_feature ipv6 || return $?
	up || return 1
	spawn on a2 timeout 40 socat -t 10 "UDP6-RECVFROM:5300,fork" \
		SYSTEM:'cat >/dev/null; echo answer from a2' >/dev/null 2>&1
	listening a2 udp 5300 || fail "no UDP listener in a2" || return 1
	got=$(echo q | node timeout 15 socat -t 5 - "UDP6:[${V6}3]:5300" 2>/dev/null)
	[ "$got" = "answer from a2" ] || fail "the node's UDP query to a2 got '$got'" || return 1
	before=$(drops node_denied)
	echo x | on a1 timeout 10 socat -t 1 - "UDP6:[${V6}1]:5301,sourceport=5300" >/dev/null 2>&1
	eventually test "$(drops node_denied)" -gt "$before" ||
		fail "a1's unasked UDP to the node was not refused (node_denied)"
}

# bpfbr upgrade keeps the IPv6 maps (config6, ports6) with their contents:
# the gateway still answers, and anti-spoofing still knows a1's address.
test_upgrade_keeps_ipv6() {
	local before
	need_feature ipv6 || return $?
	up || return 1
	check "upgrade" bpfbr upgrade neta || return 1
	ping6_ok a1 "${V6}3" || fail "a1 cannot ping a2 over IPv6 after the upgrade" || return 1
	ping6_ok a1 "${V6}1" || fail "a1 cannot ping its gateway over IPv6 after the upgrade" || return 1
	before=$(drops ipv6_spoof)
	! spoofed_ping || fail "after the upgrade a1 reached a2 from an address not its own" || return 1
	[ "$(drops ipv6_spoof)" -gt "$before" ] || fail "no ipv6_spoof drop after the upgrade"
}

run_tests "$@"
