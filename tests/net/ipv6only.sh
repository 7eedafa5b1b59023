#!/usr/bin/env bash
# IPv6-only networks (issue 14): `net create … --subnet fd00:40::/64` alone.
# The gateway device holds fd00:40::1 and no IPv4 address (and answers no
# ARP); a container gets its IPv6 address (usable at once), its link-local
# address and an IPv6 default route, and no IPv4 address or route; anti-
# spoofing, the node guard and NAT66 or routing through the uplink work as on
# a dual-stack network; status, list, inspect and the state file say there
# is no IPv4. The uplink up0 holds 198.51.100.1/24 and 2001:db8:51::1/64,
# the external host ext 198.51.100.2/24 and 2001:db8:51::2/64.
. "$(dirname "$0")/lib.sh"

PY=${PYTHON:-/usr/bin/python3}
V6=fd00:40::
UP6=2001:db8:51::1
EXT6=2001:db8:51::2

# up [NET-CREATE-OPTIONS…]: IPv6-only neta with a1 (::2), a2 (::3).
up() {
	check "net create neta" bpfbr net create neta --subnet "$V6/64" "$@" || return 1
	check "attach a1" bpfbr attach neta "$(ct a1)" --create-netns || return 1
	check "attach a2" bpfbr attach neta "$(ct a2)" --create-netns --ip "${V6}3" || return 1
}

drops() { bpfbr -j status neta | jq -r --arg r "$1" '.[0].drops[$r] // "missing"'; }
mac() { on "$1" cat /sys/class/net/eth0/address; }
gw_mac() { node ip -j link show bpfbr0 | jq -r '.[0].address'; }
addr6() {
	on "$1" ip -6 -j addr show dev eth0 scope global |
		jq -r '.[0].addr_info[] | select(.local) | "\(.local)/\(.prefixlen) \(if .tentative then "tentative" else "" end)"'
}
addr4() { on "$1" ip -4 -j addr show dev eth0 | jq -r '[.[0].addr_info[]? | .local] | join(",")'; }
ping6_ok() { on "$1" ping -6 -c1 -W2 -w6 "$2" >/dev/null 2>&1; }

# refused WHAT PATTERN CMD…: CMD fails, its message matches PATTERN.
refused() {
	local what=$1 pattern=$2 out
	shift 2
	if out=$("$@" 2>&1); then
		fail "$what: '$*' succeeded"
		return 1
	fi
	grep -qE "$pattern" <<<"$out" || fail "$what: message '$out' does not say /$pattern/" || return 1
}

test_ipv6_only_network() {
	local ll route gw4 inspect
	need_feature ipv6 || return $?
	up || return 1
	[ "$(addr6 a1)" = "${V6}2/64 " ] || fail "a1's IPv6 address: '$(addr6 a1)' (want ${V6}2/64, not tentative)" || return 1
	[ "$(addr6 a2)" = "${V6}3/64 " ] || fail "a2's IPv6 address: '$(addr6 a2)'" || return 1
	[ -z "$(addr4 a1)" ] || fail "a1 has IPv4 addresses on an IPv6-only network: $(addr4 a1)" || return 1
	[ -z "$(on a1 ip -4 route show)" ] || fail "a1 has IPv4 routes: $(on a1 ip -4 route show)" || return 1
	route=$(on a1 ip -6 -j route show default | jq -r '.[0].gateway // empty')
	[ "$route" = "${V6}1" ] || fail "a1's IPv6 default route is via '$route', not ${V6}1" || return 1
	ll=$(on a1 ip -6 -j addr show dev eth0 scope link | jq -r '[.[0].addr_info[] | select(.local)][0].local // empty')
	[ -n "$ll" ] || fail "a1 has no link-local address" || return 1
	[ "$(node ip -6 -j addr show dev bpfbr0 scope global | jq -r '[.[0].addr_info[] | select(.local)][0].local // empty')" = "${V6}1" ] ||
		fail "the gateway device does not hold ${V6}1" || return 1
	gw4=$(node ip -4 -j addr show dev bpfbr0 | jq -r '[.[0].addr_info[]? | .local] | join(",")')
	[ -z "$gw4" ] || fail "the gateway device has IPv4 addresses: $gw4" || return 1
	ping6_ok a1 "${V6}3" || fail "a1 cannot ping a2" || return 1
	ping6_ok a1 "${V6}1" || fail "a1 cannot ping its gateway" || return 1
	ping6_ok a2 "$ll%eth0" || fail "a2 cannot ping a1's link-local address" || return 1
	node ping -6 -c1 -W2 -w6 "${V6}2" >/dev/null 2>&1 || fail "the node cannot ping a1" || return 1
	# NDP: a2 learned the gateway's and a1's MACs.
	ping6_ok a2 "${V6}1" && ping6_ok a2 "${V6}2" || fail "a2 cannot ping the gateway and a1" || return 1
	[ "$(on a2 ip -6 -j neigh show "${V6}1" | jq -r '.[0].lladdr // empty')" = "$(gw_mac)" ] ||
		fail "a2's neighbour entry of the gateway: $(on a2 ip -6 neigh show "${V6}1")" || return 1
	[ "$(on a2 ip -6 -j neigh show "${V6}2" | jq -r '.[0].lladdr // empty')" = "$(mac a1)" ] ||
		fail "a2's neighbour entry of a1: $(on a2 ip -6 neigh show "${V6}2")" || return 1
	[ "$(jq -r '[.subnet, .gateway, .subnet6, .gateway6, (.attachments | map(.ip) | unique[])] | map(tostring) | join(" ")' \
		"$ROOT/var/lib/bpfbr/networks/neta.json")" = "null null ${V6}/64 ${V6}1 null" ] ||
		fail "the state file: $(jq -c '[.subnet, .gateway, .subnet6, .attachments]' "$ROOT/var/lib/bpfbr/networks/neta.json")" || return 1
	inspect=$(bpfbr -j net inspect neta)
	[ "$(jq -r '.[0] | [.subnet, .address_range, .subnet6, (.container_list | map(.ip6) | join(","))] | map(tostring) | join(" ")' <<<"$inspect")" = \
		"null null ${V6}/64 ${V6}2,${V6}3" ] || fail "net inspect: $inspect" || return 1
	bpfbr net list | grep -q "^neta .*${V6}/64 .*${V6}1 " || fail "net list does not show the IPv6 subnet: $(bpfbr net list)" || return 1
	bpfbr status neta | grep -q "${V6}3" || fail "status does not show a2's address: $(bpfbr status neta)" || return 1
	[ "$(bpfbr -j status neta | jq -r '[.[0].ports[] | select(.kind == "container") | .ip6] | join(",")')" = "${V6}2,${V6}3" ] ||
		fail "status does not show the containers' IPv6 addresses" || return 1
	# The state survives a restore: the gateway device comes back with its IPv6 address only.
	node ip link del bpfbr0 || return 1
	check "restore" bpfbr restore || return 1
	ping6_ok a1 "${V6}1" || fail "a1 cannot ping its gateway after restore" || return 1
	check "detach a1" bpfbr detach neta "$(ct a1)" || return 1
	check "net delete" bpfbr net delete neta --force
}

# A container's IPv4 never reaches the node: the gateway device has no IPv4
# address and answers no ARP for the node's others, and IPv4 routed through
# the gateway's MAC is from no address of the network (foreign_source).
test_ipv6_only_network_gives_the_node_no_ipv4() {
	local before
	need_feature ipv6 || return $?
	ext_host || return 1
	up --no-spoofchk || return 1
	on a1 ip addr add 198.51.100.9/24 dev eth0 || return 1
	! on a1 ping -c1 -W1 "$UP_IP" >/dev/null 2>&1 || fail "a1 pinged the node's $UP_IP over IPv4" || return 1
	[ -z "$(on a1 ip -j neigh show "$UP_IP" | jq -r '.[] | select(.lladdr) | .lladdr')" ] ||
		fail "the node answered a1's ARP for $UP_IP: $(on a1 ip neigh show "$UP_IP")" || return 1
	# Straight to the gateway's MAC: the switch refuses it.
	on a1 ip neigh replace "$UP_IP" lladdr "$(gw_mac)" dev eth0 || return 1
	before=$(drops foreign_source)
	! on a1 ping -c1 -W1 "$UP_IP" >/dev/null 2>&1 || fail "a1 pinged $UP_IP through the gateway's MAC" || return 1
	[ "$(drops foreign_source)" -gt "$before" ] || fail "no foreign_source drop was counted" || return 1
	ping6_ok a1 "${V6}1" || fail "a1 cannot ping its gateway over IPv6"
}

test_ipv6_only_bad_input() {
	need_feature ipv6 || return $?
	refused "no subnet" "needs a --subnet" bpfbr net create bad || return 1
	refused "an IPv4 gateway" "no IPv4 --subnet" bpfbr net create bad --subnet fd00:50::/64 --gateway 10.50.0.1 || return 1
	refused "a /65" "between /48 and /64" bpfbr net create bad --subnet fd00:50::/65 || return 1
	# The node's own prefix (an address brings its route): the gateway's route would shadow it.
	node ip -6 addr add 2001:db8:77::1/64 dev lo || return 1
	refused "the node's prefix" "overlaps the node's route to 2001:db8:77::/64 on lo" \
		bpfbr net create bad --subnet 2001:db8:77::/64 || return 1
	refused "a prefix holding the node's" "overlaps the node's route" \
		bpfbr net create bad --subnet 10.50.0.0/24 --subnet 2001:db8:77::/48 || return 1
	[ "$(bpfbr -j net list | jq length)" = 0 ] || fail "refused creations left a network" || return 1
	[ -z "$(node ip -o link show | grep -v ' lo:')" ] || fail "refused creations left devices: $(node ip -o link show)" || return 1
	up || return 1
	ns_new x || return 1
	refused "an IPv4 address" "no IPv4 subnet" bpfbr attach neta "$(ct x)" --ip 10.40.0.5 || return 1
	refused "a published port" "published ports are IPv4's" bpfbr attach neta "$(ct x)" --publish 8080:80 ||
		return 1
	[ "$(bpfbr -j status neta | jq '.[0].ports | length')" = 3 ] || fail "a refused attach left a port" || return 1
	[ -z "$(on x ip -o link show | grep -v ' lo:')" ] || fail "a refused attach left a device in x: $(on x ip -o link)" ||
		return 1
	refused "an overlapping IPv6 subnet" "overlaps network neta" bpfbr net create netb --subnet fd00:40::/48 || return 1
	check "an IPv4-only network beside it" bpfbr net create netc --subnet 10.40.0.0/24
}

# status verifies each container (its IPv6 address, no IPv4 one expected);
# upgrade keeps the network working and guarded; gc forgets a container
# whose namespace is gone.
test_ipv6_only_status_upgrade_gc() {
	local before port
	need_feature ipv6 || return $?
	up || return 1
	[ "$(bpfbr -j status neta | jq -r '[.[0].ports[] | select(.kind == "container") | .verify.ok // .verify] | map(tostring) | join(",")')" = true,true ] ||
		fail "status does not verify the containers: $(bpfbr -j status neta | jq -c '[.[0].ports[] | .verify]')" || return 1
	on a1 ip -6 addr del "${V6}2/64" dev eth0 || return 1
	bpfbr status neta | grep -q "lacks its IPv6 address ${V6}2/64" ||
		fail "status does not see a1's missing address: $(bpfbr status neta)" || return 1
	on a1 ip -6 addr add "${V6}2/64" dev eth0 nodad || return 1
	on a1 ip -6 route replace default via "${V6}1" dev eth0 || return 1
	check "upgrade" bpfbr upgrade neta || return 1
	ping6_ok a1 "${V6}3" || fail "a1 cannot ping a2 after the upgrade" || return 1
	on a1 ip -6 addr add "${V6}99/64" dev eth0 nodad || return 1
	before=$(drops ipv6_spoof)
	! on a1 ping -6 -c1 -W1 -I "${V6}99" "${V6}3" >/dev/null 2>&1 ||
		fail "after the upgrade a1 reached a2 from an address not its own" || return 1
	[ "$(drops ipv6_spoof)" -gt "$before" ] || fail "no ipv6_spoof drop after the upgrade" || return 1
	port=$(jq -r '.attachments[1].host_ifname' "$ROOT/var/lib/bpfbr/networks/neta.json")
	ip netns del "$(ct a2)" || return 1
	# Its port device goes with the namespace once the kernel has cleaned it up
	# (in a worker: seconds on a loaded machine).
	for _ in $(seq 200); do
		[ -z "$(node ip -o link show "$port" 2>/dev/null)" ] && break
		sleep 0.1
	done
	[ -z "$(node ip -o link show "$port" 2>/dev/null)" ] || fail "$port stays 20 s after its namespace" || return 1
	check "gc" bpfbr gc || return 1
	[ "$(jq -c '[.attachments[].ip6]' "$ROOT/var/lib/bpfbr/networks/neta.json")" = "[\"${V6}2\"]" ] ||
		fail "after gc: $(jq -c '.attachments' "$ROOT/var/lib/bpfbr/networks/neta.json")"
}

# ext6: ext with IPv6 on both ends of the uplink.
ext6() {
	ext_host || return 1
	node ip -6 addr add "$UP6/64" dev up0 nodad && on ext ip -6 addr add "$EXT6/64" dev eth0 nodad
}

# seen_by_ext PORT: the source address ext sees of a1's TCP connection.
seen_by_ext() {
	local pid out=$ROOT/seen.$1
	on ext timeout 20 socat -t5 -T5 "TCP6-LISTEN:$1,reuseaddr" SYSTEM:'read -r _; echo $SOCAT_PEERADDR' \
		>/dev/null 2>&1 &
	pid=$!
	listening ext tcp "$1" || echo "socat in ext does not listen on $1" >&2
	echo hello | on a1 timeout 10 socat -t3 -T3 - "TCP6:[$EXT6]:$1" >"$out" 2>&1
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	"$PY" -c 'import ipaddress, sys; print(ipaddress.ip_address(sys.argv[1]))' \
		"$(tr -d '[]' <"$out" | head -1)" 2>/dev/null
}

# NAT66 through an uplink without an IPv4 address: ext sees the uplink's
# IPv6 address; an IPv4 network cannot then join that uplink.
test_ipv6_only_masquerade() {
	local got
	need_feature ipv6 || return $?
	ext6 || return 1
	node ip addr del "$UP_IP/24" dev up0 || return 1
	up --uplink up0 --masquerade || return 1
	ping6_ok a1 "$EXT6" || fail "a1 cannot ping $EXT6 through NAT66" || return 1
	got=$(seen_by_ext 7021)
	[ "$got" = "$UP6" ] || fail "ext saw a1 as '$got', not the uplink's $UP6" || return 1
	[ -z "$(on ext ip -6 route show "$V6/64")" ] || fail "ext has a route to the containers" || return 1
	[ "$(bpfbr -j nat show neta | jq -r '[.[] | .family] | unique | join(",")')" = ipv6 ] ||
		fail "nat show: $(bpfbr -j nat show neta)" || return 1
	node ip addr add "$UP_IP/24" dev up0 || return 1
	refused "an IPv4 network on the IPv6-only uplink" "masquerades IPv6 only" \
		bpfbr net create netb --subnet 10.41.0.0/24 --uplink up0 --masquerade || return 1
	[ "$(bpfbr -j net list | jq length)" = 1 ] || fail "the refused network was left behind"
}

# Routed (no --masquerade): ext sees the container's own address, and the hop limit says one router.
test_ipv6_only_routing() {
	local got
	need_feature ipv6 || return $?
	ext6 || return 1
	up --uplink up0 || return 1
	check "ext's route to the containers" on ext ip -6 route add "$V6/64" via "$UP6" || return 1
	got=$(seen_by_ext 7022)
	[ "$got" = "${V6}2" ] || fail "ext saw a1 as '$got', not a1's own ${V6}2" || return 1
	got=$(on a1 ping -6 -c1 -W2 -w6 "$EXT6" 2>/dev/null | sed -n 's/.*ttl=\([0-9]*\).*/\1/p')
	[ "$got" = 63 ] || fail "a1 saw ext's echo reply with hop limit '$got', not 63"
}

run_tests "$@"
