#!/usr/bin/env bash
# Many nodes, VXLAN mode (issue 13): the three simulated nodes of
# tests/net/multinode/lib.sh, their pods' packets tunnelled between the node
# addresses (VNI 42, UDP 4789) by the BPF programs on each node's
# flow-based VXLAN device. Pods reach pods of other nodes with their own
# addresses while the fabric carries node addresses only; the pod MTU leaves
# room for the encapsulation; forged tunnel packets are refused; a node that
# goes takes its range with it.
# shellcheck disable=SC2034 # (read by multinode/lib.sh)
MN_CLUSTER_OPTS="--mode vxlan --vni 42"
. "$(dirname "$0")/multinode/lib.sh"

VNI=42

# addr_u32 A.B.C.D: the address as a tunnel_nodes field shows it (network
# order read as a little-endian number).
addr_u32() {
	local IFS=.
	# shellcheck disable=SC2086
	set -- $1
	echo $(($1 + ($2 << 8) + ($3 << 16) + ($4 << 24)))
}
# vx I: node nI's VXLAN device.
vx() { onn "$1" ip -j -d link show type vxlan | jq -r '.[0].ifname // empty'; }

test_pod_to_pod_across_nodes_through_the_tunnel() {
	local tunnelled delivered
	three_nodes_with_pods || return
	tunnelled=$(events 1 tunnelled)
	delivered=$(uplink_events 2 cluster_delivered)
	serve p2 tcp 7001 && serve p2 udp 7002 && serve p1 tcp 7003 && serve p1 udp 7004 &&
		serve p3 tcp 7005 || return 1
	capture fabric br0 "udp dst port 4789" on fabric || return 1
	capture other br0 "ip and not (udp dst port 4789 and src net 192.0.2.0/24 and dst net 192.0.2.0/24)" \
		on fabric || return 1
	expect_peer p1 tcp 10.244.2.2 7001 10.244.1.2 || return 1
	expect_peer p1 udp 10.244.2.2 7002 10.244.1.2 || return 1
	expect_peer p2 tcp 10.244.1.2 7003 10.244.2.2 || return 1
	expect_peer p2 udp 10.244.1.2 7004 10.244.2.2 || return 1
	expect_peer p1 tcp 10.244.3.2 7005 10.244.1.2 || return 1
	ping_ok p1 10.244.2.2 || fail "p1 cannot ping p2" || return 1
	ping_ok p2 10.244.1.2 || fail "p2 cannot ping p1" || return 1
	ping_ok p3 10.244.2.2 || fail "p3 cannot ping p2" || return 1
	end_captures
	grep -q "192.0.2.1.[0-9]* > 192.0.2.2.4789: VXLAN.* vni $VNI" "$ROOT/fabric.cap" &&
		grep -q "192.0.2.2.[0-9]* > 192.0.2.1.4789: VXLAN.* vni $VNI" "$ROOT/fabric.cap" ||
		fail "no VXLAN (vni $VNI) between n1 and n2 on the fabric: $(head -3 "$ROOT/fabric.cap")" ||
		return 1
	# Nothing else crossed the fabric: no pod address was ever outer.
	[ "$(seen other)" = 0 ] || fail "the fabric carried more than the tunnel: $(head -3 "$ROOT/other.cap")" ||
		return 1
	[ "$(events 1 tunnelled)" -gt "$tunnelled" ] ||
		fail "n1's switch tunnelled nothing itself (all through the stack?)" || return 1
	[ "$(uplink_events 2 cluster_delivered)" -gt "$delivered" ] ||
		fail "n2's VXLAN device delivered nothing straight into p2" || return 1
	for i in 1 2 3; do
		for d in tunnel_foreign_source tunnel_no_node tunnel_not_local; do
			[ "$(uplink_drops "$i" "$d")" = 0 ] ||
				fail "n$i dropped $(uplink_drops "$i" "$d") as $d in normal traffic" || return 1
		done
	done
	[ "$(bn 1 -j nat show | jq '[.[] | select(.remote_addr | startswith("10.244."))] | length')" = 0 ] ||
		fail "n1 translated pod-to-pod flows: $(bn 1 nat show)"
}

# The node reaches other nodes' pods through the tunnel from its gateway
# address (the route's source), so the replies come back through it too.
test_node_reaches_remote_pods_through_the_tunnel() {
	three_nodes_with_pods || return
	for a in 10.244.1.2 10.244.2.2 10.244.3.2; do
		onn 1 ping -c1 -W2 -w6 "$a" >/dev/null || fail "n1 cannot ping $a" || return 1
	done
	serve p2 tcp 7020 || return 1
	expect_peer n1 tcp 10.244.2.2 7020 10.244.1.1 || return 1
	grep -q "dev $(vx 1) .*src 10.244.1.1" <<<"$(onn 1 ip route get 10.244.3.2)" ||
		fail "n1's route to n3's pods: $(onn 1 ip route get 10.244.3.2)"
}

# Pod MTU = uplink MTU - 50; a DF packet of exactly that size crosses, one
# byte more is refused in the pod itself; 8 MiB arrive byte for byte and
# leave no outer fragment on the fabric.
test_mtu_leaves_room_for_the_encapsulation() {
	local mtu err sent got
	three_nodes_with_pods || return
	mtu=$(on p1 ip -j link show eth0 | jq '.[0].mtu')
	[ "$mtu" = 1450 ] || fail "p1's MTU is $mtu, not 1450" || return 1
	[ "$(onn 1 ip -j link show "$(vx 1)" | jq '.[0].mtu')" = 1450 ] ||
		fail "n1's VXLAN device: $(onn 1 ip link show "$(vx 1)")" || return 1
	[ "$(bn 1 -j status pod | jq -c '.[0].cluster | [.mode, .mtu, .tunnel.device, .tunnel.state]')" = \
		"[\"vxlan\",1450,\"$(vx 1)\",\"ok\"]" ] ||
		fail "status: $(bn 1 -j status pod | jq -c '.[0].cluster')" || return 1
	[ "$(bn 1 -j status pod | jq -c '[.[0].cluster.nodes[].route]')" = '["local","ok","ok"]' ] ||
		fail "node routes in status: $(bn 1 -j status pod | jq -c '.[0].cluster.nodes')" ||
		return 1
	grep -q "tunnel $(vx 1), VNI $VNI, UDP port 4789: ok" <<<"$(bn 1 status pod)" ||
		fail "status text: $(bn 1 status pod)" || return 1
	capture frags br0 "ip[6:2] & 0x3fff != 0" on fabric || return 1
	on p1 ping -c1 -W2 -w6 -M "do" -s 1422 10.244.2.2 >/dev/null ||
		fail "a 1450-byte DF ping from p1 to p2 was lost" || return 1
	err=$(on p1 ping -c1 -W2 -w4 -M "do" -s 1423 10.244.2.2 2>&1) &&
		fail "a 1451-byte DF ping left p1" && return 1
	grep -qi "too long\|mtu" <<<"$err" || fail "p1 was not told about the MTU: $err" || return 1
	head -c 8388608 /dev/urandom >"$ROOT/blob"
	sent=$(sha256sum <"$ROOT/blob" | cut -d' ' -f1)
	spawn on p2 timeout 60 sh -c "socat -u TCP-LISTEN:7010,reuseaddr - | sha256sum >'$ROOT/got'"
	listening p2 tcp 7010 || fail "no receiver in p2" || return 1
	on p1 timeout 60 socat -u - TCP:10.244.2.2:7010,connect-timeout=3 <"$ROOT/blob" ||
		fail "p1 could not send to p2" || return 1
	for _ in $(seq 100); do [ -s "$ROOT/got" ] && break; sleep 0.1; done
	got=$(cut -d' ' -f1 "$ROOT/got" 2>/dev/null)
	[ "$got" = "$sent" ] || fail "p2 received $got, p1 sent $sent (8 MiB)" || return 1
	end_captures
	[ "$(seen frags)" = 0 ] || fail "outer fragments on the fabric: $(head -2 "$ROOT/frags.cap")"
}

# A pod network given more than the tunnel carries (--mtu 1500): what is too
# big for the VXLAN device goes to the node's stack, which answers DF
# packets with "fragmentation needed" (mtu 1450) and fragments the others
# before they are encapsulated; no outer fragment leaves either way. The DF
# ones count for n2 as too big, the others do not.
test_too_big_for_the_tunnel_is_never_fragmented_outside() {
	local err too_big
	mn_fabric && MN_NO_NET=1 mn_node 1 || return 1
	check "n1: net create pod --mtu 1500" bn 1 net create pod --subnet 10.244.1.0/24 \
		--uplink eth0 --masquerade --mtu 1500 || return 1
	mn_node 2 && mn_sync && mn_pod 1 p1 && mn_pod 1 q1 3 && mn_pod 2 p2 || return 1
	[ "$(on p1 ip -j link show eth0 | jq '.[0].mtu')" = 1500 ] || fail "p1's MTU is not 1500" ||
		return 1
	capture frags br0 "ip[6:2] & 0x3fff != 0" on fabric || return 1
	# (p2 known: the FIB lookup finds its neighbour and the device's MTU.)
	ping_ok p1 10.244.2.2 || fail "p1 cannot ping p2" || return 1
	err=$(on p1 ping -c1 -W2 -w4 -M "do" -s 1472 10.244.2.2 2>&1) &&
		fail "a 1500-byte DF packet crossed a 1450-byte tunnel" && return 1
	grep -qi "frag needed.*mtu = 1450\|mtu=1450\|too long" <<<"$err" ||
		fail "p1 was not told the tunnel's MTU: $err" || return 1
	# Counted for n2 (its counters' too_big), as DF packets the stack refused.
	too_big=$(node_counters 1 n2 | jq .too_big)
	[ "$too_big" -ge 1 ] || fail "n1 counted $too_big packets too big for n2" || return 1
	# (From q1: p1 now knows the path's MTU and fragments itself.)
	on q1 ping -c2 -W2 -w6 -M dont -s 1472 10.244.2.2 >/dev/null ||
		fail "a 1500-byte packet that may be fragmented did not cross" || return 1
	[ "$(node_counters 1 n2 | jq .too_big)" = "$too_big" ] ||
		fail "packets the stack fragments counted as too big: $(node_counters 1 n2)" || return 1
	end_captures
	[ "$(seen frags)" = 0 ] || fail "outer fragments on the fabric: $(head -2 "$ROOT/frags.cap")"
}

# A host on the fabric that is no node sends VXLAN (the right VNI and port)
# claiming to be p1's neighbour 10.244.1.9: n2 drops it and counts it, p2
# never sees it. The real n1 still gets through.
test_forged_tunnel_packets_are_dropped() {
	local before refused
	three_nodes_with_pods || return
	ns_new rogue || return 1
	ip link add eth0 netns "$(ct rogue)" type veth peer name prg netns "$(ct fabric)" || return 1
	on fabric ip link set prg master br0 up || return 1
	on rogue ip addr add 192.0.2.66/24 dev eth0 && on rogue ip link set eth0 up &&
		on rogue ip link add vxr type vxlan id "$VNI" remote 192.0.2.2 local 192.0.2.66 \
			dstport 4789 && on rogue ip addr add 10.244.1.9/16 dev vxr &&
		on rogue ip link set vxr up &&
		on rogue ip neigh add 10.244.2.2 lladdr 02:00:00:00:00:02 dev vxr || return 1
	before=$(uplink_drops 2 tunnel_foreign_source)
	refused=$(node_counters 2 n1 | jq .refused)
	capture pod eth0 "src host 10.244.1.9" on p2 || return 1
	capture wire br0 "src host 192.0.2.66 and udp dst port 4789" on fabric || return 1
	on rogue ping -c3 -i 0.2 -W1 10.244.2.2 >/dev/null 2>&1 &&
		fail "the rogue host got answers from p2" && return 1
	echo forged | on rogue timeout 3 socat -T 1 - UDP:10.244.2.2:7030 >/dev/null 2>&1
	wait_seen wire 4 || fail "the rogue's VXLAN did not cross the fabric: $(cat "$ROOT/wire.err")" ||
		return 1
	end_captures
	[ "$(seen pod)" = 0 ] || fail "p2 saw forged packets: $(head -2 "$ROOT/pod.cap")" || return 1
	[ "$(uplink_drops 2 tunnel_foreign_source)" -ge $((before + 4)) ] ||
		fail "n2 counted $(uplink_drops 2 tunnel_foreign_source) forged packets (before: $before)" ||
		return 1
	# In the name of n1, whose pod CIDR they claim.
	[ "$(node_counters 2 n1 | jq .refused)" -ge $((refused + 4)) ] ||
		fail "n2 refused $(node_counters 2 n1 | jq .refused) in n1's name (before: $refused)" ||
		return 1
	ping_ok p1 10.244.2.2 || fail "p1 no longer reaches p2"
}

# Even the right node (here a host speaking with n1's address, as n1 itself
# could) cannot use another node as a relay: a decapsulated packet not for
# that node's pod CIDR is dropped and counted, nothing reaches the outside.
# Nor can it speak with another VNI: dropped, counted, unseen by the pod.
test_tunnel_is_no_relay_and_checks_the_vni() {
	local before foreign mac
	three_nodes_with_pods || return
	mac=$(onn 2 ip -j link show eth0 | jq -r '.[0].address')
	ns_new rogue || return 1
	ip link add eth0 netns "$(ct rogue)" type veth peer name prg netns "$(ct fabric)" || return 1
	on fabric ip link set prg master br0 up || return 1
	# n1's address, without answering ARP for it (n1 keeps its neighbours).
	on rogue ip link set eth0 arp off && on rogue ip addr add 192.0.2.1/24 dev eth0 &&
		on rogue ip link set eth0 up &&
		on rogue ip neigh add 192.0.2.2 lladdr "$mac" dev eth0 nud permanent &&
		on rogue ip link add vxr type vxlan id "$VNI" remote 192.0.2.2 local 192.0.2.1 \
			dstport 4789 && on rogue ip addr add 10.244.1.9/16 dev vxr &&
		on rogue ip link set vxr up && on rogue ip route add "$EXT_IP/32" dev vxr &&
		on rogue ip neigh add "$EXT_IP" lladdr 02:00:00:00:00:02 dev vxr || return 1
	on rogue ip link add vxw type vxlan id $((VNI + 1)) remote 192.0.2.2 local 192.0.2.1 \
		dstport 4789 && on rogue ip addr add 10.244.1.10/32 dev vxw &&
		on rogue ip link set vxw up && on rogue ip route add 10.244.2.2/32 dev vxw &&
		on rogue ip neigh add 10.244.2.2 lladdr 02:00:00:00:00:02 dev vxw || return 1
	before=$(uplink_drops 2 tunnel_not_local)
	foreign=$(uplink_drops 2 tunnel_foreign_source)
	capture ext eth0 "icmp or udp" on ext || return 1
	capture pod eth0 "src host 10.244.1.10" on p2 || return 1
	on rogue ping -c3 -i 0.2 -W1 "$EXT_IP" >/dev/null 2>&1 &&
		fail "the rogue reached ext through n2" && return 1
	on rogue ping -c3 -i 0.2 -W1 -I 10.244.1.10 10.244.2.2 >/dev/null 2>&1 &&
		fail "the rogue reached p2 with VNI $((VNI + 1))" && return 1
	end_captures
	[ "$(seen ext)" = 0 ] || fail "ext got relayed packets: $(head -2 "$ROOT/ext.cap")" || return 1
	[ "$(seen pod)" = 0 ] || fail "p2 saw another VNI's packets: $(head -2 "$ROOT/pod.cap")" ||
		return 1
	[ "$(uplink_drops 2 tunnel_not_local)" -ge $((before + 3)) ] ||
		fail "n2 counted $(uplink_drops 2 tunnel_not_local) relayed packets (before: $before)" ||
		return 1
	[ "$(uplink_drops 2 tunnel_foreign_source)" -ge $((foreign + 3)) ] ||
		fail "n2 counted $(uplink_drops 2 tunnel_foreign_source) packets of VNI $((VNI + 1)) (before: $foreign)"
}

# A node that goes: every other node drops its route and its map entry; its
# range hits the cluster's unreachable route, nothing of it reaches the
# fabric or the router; the rest carries on.
test_node_removed_its_range_is_dropped() {
	local err pin before
	three_nodes_with_pods || return
	ping_ok p1 10.244.3.2 || fail "p1 cannot ping p3 (the control)" || return 1
	rm "$NODES_D/n3.json"
	check "n1: node load" bn 1 node load "$NODES_D" || return 1
	check "n2: node load" bn 2 node load "$NODES_D" || return 1
	[ -z "$(onn 1 ip route show 10.244.3.0/24)" ] ||
		fail "n1 keeps a route to n3's pods: $(onn 1 ip route show 10.244.3.0/24)" || return 1
	pin=$ROOT/n1/sys/fs/bpf/bpfbr/tunnel_nodes
	# n1's own range (flagged local) and n2's; n3's is gone.
	[ "$(bpftool -j map dump pinned "$pin" | jq -c '[.[].formatted | "\(.key.addr) \(.value.flags)"] | sort')" = \
		"[\"$(addr_u32 10.244.1.0) 1\",\"$(addr_u32 10.244.2.0) 0\"]" ] ||
		fail "n1's tunnel_nodes map: $(bpftool map dump pinned "$pin")" || return 1
	capture wire br0 "udp dst port 4789 and host 192.0.2.3" on fabric || return 1
	capture router r0 "dst net 10.244.3.0/24" on router || return 1
	before=$(events 1 unreachable_route)
	err=$(on p1 ping -c2 -W2 -w4 10.244.3.2 2>&1) && fail "p1 still pings n3's pod" && return 1
	grep -qi "unreachable" <<<"$err" || fail "p1 was not told n3's range is unreachable: $err" ||
		return 1
	[ "$(events 1 unreachable_route)" -gt "$before" ] ||
		fail "n1 did not count p1's packets to n3's range" || return 1
	end_captures
	[ "$(seen wire)" = 0 ] || fail "n1 still tunnels to n3: $(head -2 "$ROOT/wire.cap")" || return 1
	[ "$(seen router)" = 0 ] ||
		fail "n3's range leaked to the router: $(head -2 "$ROOT/router.cap")" || return 1
	ping_ok p1 10.244.2.2 || fail "p1 lost p2 when n3 went"
}

# A second sync changes nothing; leaving VXLAN mode removes the device, its
# routes and the map entries' tunnel, and nothing else.
test_sync_is_idempotent_and_leaving_vxlan_removes_the_tunnel() {
	local dev
	mn_cluster 2 || return
	dev=$(vx 1)
	[ -n "$dev" ] || fail "n1 has no VXLAN device" || return 1
	[ "$(bn 1 -j cluster sync)" = "[]" ] || fail "a second sync changed: $(bn 1 -j cluster sync)" ||
		return 1
	# Its network gone, the node has no VXLAN device (nor routes through it).
	check "n1: net delete pod" bn 1 net delete pod || return 1
	check "n1: cluster sync" bn 1 cluster sync || return 1
	[ -z "$(vx 1)" ] || fail "the VXLAN device stayed without its network" || return 1
	[ "$(onn 1 ip route show proto 191 | xargs)" = "unreachable 10.244.0.0/16" ] ||
		fail "routes without the network: $(onn 1 ip route show proto 191)" || return 1
	check "n1: net create pod" bn 1 net create pod --subnet 10.244.1.0/24 --uplink eth0 \
		--masquerade && check "n1: cluster sync" bn 1 cluster sync || return 1
	[ -n "$(vx 1)" ] || fail "no VXLAN device once the network is back" || return 1
	check "n1: cluster set --mode direct" bn 1 cluster set --mode direct || return 1
	[ -z "$(vx 1)" ] || fail "the VXLAN device stayed in direct mode" || return 1
	# The map keeps the nodes (for their counters), with no tunnel to them.
	[ "$(bpftool -j map dump pinned "$ROOT/n1/sys/fs/bpf/bpfbr/tunnel_nodes" |
		jq -c '[.[].formatted.value | select(.ifindex != 0 or .vni != 0)] | length')" = 0 ] ||
		fail "tunnel_nodes kept the tunnel: $(bpftool -j map dump pinned \
			"$ROOT/n1/sys/fs/bpf/bpfbr/tunnel_nodes")" || return 1
	[ -z "$(find "$ROOT/n1/sys/fs/bpf" -name 'tunnel_*' -path '*links*')" ] ||
		fail "tunnel link pins stayed: $(find "$ROOT/n1/sys/fs/bpf" -name 'tunnel_*')" || return 1
	grep -q "10.244.2.0/24 via 192.0.2.2 dev eth0" <<<"$(onn 1 ip route show proto 191)" ||
		fail "direct mode's route is not there: $(onn 1 ip route show proto 191)"
}

# On a network attached with legacy tc filters (what a kernel without TCX
# gets), the VXLAN device's hooks are filters too: the tunnel works, status
# sees them, and an upgrade switches them.
test_legacy_tc_hooks_carry_the_tunnel() {
	local done filters
	mn_fabric && MN_NO_NET=1 mn_node 1 || return 1
	check "n1: net create pod --attach-mode tc" bn 1 net create pod --subnet 10.244.1.0/24 \
		--uplink eth0 --masquerade --attach-mode tc || return 1
	mn_node 2 && mn_sync && mn_pod 1 p1 && mn_pod 2 p2 || return 1
	[ -z "$(find "$ROOT/n1/sys/fs/bpf" -name 'tunnel_*' -path '*links*')" ] ||
		fail "TCX links on a tc network" || return 1
	filters=$(onn 1 tc filter show dev "$(vx 1)" ingress)
	grep -q bpf <<<"$filters" || fail "no tc filter on n1's VXLAN device: $filters" || return 1
	ping_ok p1 10.244.2.2 && ping_ok p2 10.244.1.2 || fail "p1 and p2 do not reach each other" ||
		return 1
	[ "$(bn 1 -j status pod | jq -r '.[0].cluster.tunnel.state')" = ok ] ||
		fail "status: $(bn 1 -j status pod | jq -c '.[0].cluster.tunnel')" || return 1
	done=$(bn 1 -j upgrade) || fail "n1: upgrade failed: $done" || return 1
	[ "$(jq --arg d "$(vx 1)" '[.[] | select(.device == $d)] | length' <<<"$done")" = 2 ] ||
		fail "the upgrade did not switch the VXLAN device's two filters: $done" || return 1
	ping_ok p1 10.244.2.2 || fail "p1 lost p2 after the upgrade"
}

# cni_status I: CNI STATUS of network "pod" on node nI, its output.
cni_status() {
	jq -nc --arg root "$ROOT/n$1" --arg s "10.244.$1.0/24" \
		'{cniVersion: "1.1.0", name: "pod", type: "bpfbr", root: $root, subnet: $s,
		  ipMasq: true, uplink: "eth0"}' |
		timeout 20 nsenter --net="/run/netns/$(ct "n$1")" env CNI_COMMAND=STATUS \
			CNI_PATH=/usr/lib/cni "$BPFBR_BIN"
}

# cni_add I NS: CNI ADD of container namespace NS to network "pod" on node
# nI (made by this ADD if it is not there), its output.
cni_add() {
	jq -nc --arg root "$ROOT/n$1" --arg s "10.244.$1.0/24" \
		'{cniVersion: "1.1.0", name: "pod", type: "bpfbr", root: $root, subnet: $s,
		  ipMasq: true, uplink: "eth0", isDefaultGateway: true}' |
		timeout 30 nsenter --net="/run/netns/$(ct "n$1")" env CNI_COMMAND=ADD \
			CNI_CONTAINERID="id-$2" CNI_NETNS="/run/netns/$(ct "$2")" CNI_IFNAME=eth0 \
			CNI_PATH=/usr/lib/cni "$BPFBR_BIN"
}

# A node whose pod network is made by the first CNI ADD (as under kubelet):
# that ADD makes the tunnel too, its pods get the encapsulation's MTU, and
# they reach the other nodes' pods.
test_cni_add_makes_the_network_and_its_tunnel() {
	local out
	mn_fabric && mn_node 1 && MN_NO_NET=1 mn_node 2 && mn_sync || return 1
	[ -z "$(vx 2)" ] || fail "n2 made a tunnel before it had a pod network" || return 1
	mn_pod 1 p1 && ns_new c2 || return 1
	out=$(cni_add 2 c2) || fail "CNI ADD on n2: $out" || return 1
	[ "$(jq -r '.ips[0].address' <<<"$out")" = 10.244.2.2/24 ] || fail "ADD result: $out" ||
		return 1
	[ -n "$(vx 2)" ] || fail "the ADD that made the network made no tunnel" || return 1
	[ "$(on c2 ip -j link show eth0 | jq '.[0].mtu')" = 1450 ] ||
		fail "c2's MTU: $(on c2 ip link show eth0)" || return 1
	out=$(cni_status 2) || fail "STATUS after the ADD: $out" || return 1
	ping_ok c2 10.244.1.2 || fail "c2 (by CNI) cannot ping p1" || return 1
	serve c2 tcp 7050 || return 1
	expect_peer p1 tcp 10.244.2.2 7050 10.244.1.2
}

# The README's order on the command line: the cluster and its nodes first,
# then `net create` of the pod network, which makes the tunnel at once (as a
# CNI ADD does); nothing waits for the next sync.
test_net_create_after_the_nodes_makes_the_tunnel() {
	mn_fabric && mn_node 1 && MN_NO_NET=1 mn_node 2 && mn_sync || return 1
	[ -z "$(vx 2)" ] || fail "n2 made a tunnel before it had a pod network" || return 1
	check "n2: net create pod" bn 2 net create pod --subnet 10.244.2.0/24 --uplink eth0 \
		--masquerade || return 1
	[ -n "$(vx 2)" ] || fail "net create made no tunnel: $(bn 2 status pod | grep -i tunnel)" ||
		return 1
	mn_pod 1 p1 && mn_pod 2 p2 || return 1
	ping_ok p2 10.244.1.2 && ping_ok p1 10.244.2.2 ||
		fail "the pods do not reach each other through the tunnel"
}

# Without its VXLAN device the node is not ready for pods (CNI code 50),
# and says why; a sync makes it ready again.
test_status_is_not_ready_without_the_tunnel() {
	local out
	mn_cluster 2 || return
	out=$(cni_status 1) || fail "STATUS of a ready node: $out" || return 1
	onn 1 ip link del "$(vx 1)" || return 1
	out=$(cni_status 1) && fail "STATUS ready without the VXLAN device" && return 1
	[ "$(jq .code <<<"$out")" = 50 ] && grep -q "missing" <<<"$out" ||
		fail "STATUS without the device said: $out" || return 1
	grep -q "missing" <<<"$(bn 1 -j status pod | jq -r '.[0].cluster.tunnel.state')" ||
		fail "bpfbr status: $(bn 1 -j status pod | jq -c '.[0].cluster.tunnel')" || return 1
	check "n1: cluster sync" bn 1 cluster sync || return 1
	out=$(cni_status 1) || fail "STATUS after the sync: $out"
}

# What leaves the cluster is masqueraded; so is what a pod sends to another
# node's own address (it goes over the fabric, not the tunnel: the reply
# comes back to this node's address by the same way).
test_off_cluster_and_node_addresses_are_masqueraded() {
	three_nodes_with_pods || return
	serve ext tcp 7030 && serve n2 tcp 7031 && serve n2 udp 7032 || return 1
	expect_peer p1 tcp "$EXT_IP" 7030 192.0.2.1 || return 1
	expect_peer p3 tcp "$EXT_IP" 7030 192.0.2.3 || return 1
	expect_peer p1 tcp 192.0.2.2 7031 192.0.2.1 || return 1
	expect_peer p1 udp 192.0.2.2 7032 192.0.2.1 || return 1
	[ "$(bn 1 -j nat show | jq '[.[] | select(.inside_addr == "10.244.1.2")] | length')" -ge 3 ] ||
		fail "n1 holds no translations of p1's flows: $(bn 1 nat show)"
}

# A node added while two others ping every 2 ms: nothing is lost, and the
# new node's pod reaches the others' through the tunnel (and back).
test_node_added_under_traffic() {
	local out pinger
	mn_cluster 2 || return
	mn_pod 1 p1 && mn_pod 2 p2 || return 1
	ping_ok p1 10.244.2.2 || fail "p1 cannot ping p2 (the control)" || return 1
	on p1 timeout 30 ping -q -i 0.002 -c 1500 -W 1 10.244.2.2 >"$ROOT/ping.out" 2>&1 &
	pinger=$!
	mn_node 3 && mn_sync && mn_pod 3 p3 || { wait "$pinger"; return 1; }
	wait "$pinger"
	out=$(cat "$ROOT/ping.out")
	grep -q " 0% packet loss" <<<"$out" || fail "p1 lost pings to p2 while n3 was added: $out" ||
		return 1
	ping_ok p3 10.244.1.2 && ping_ok p3 10.244.2.2 && ping_ok p1 10.244.3.2 ||
		fail "n3's pod and the others do not reach each other"
}

# bpfbr upgrade moves the VXLAN device's hooks to the new programs with the
# uplink's; the tunnel carries on, and nothing is left running an old one.
test_upgrade_moves_the_tunnel_hooks() {
	local done
	three_nodes_with_pods || return
	done=$(bn 1 -j upgrade) || fail "n1: upgrade failed: $done" || return 1
	[ "$(jq --arg d "$(vx 1)" '[.[] | select(.device == $d)] | length' <<<"$done")" = 2 ] ||
		fail "the upgrade did not switch the VXLAN device's two hooks: $done" || return 1
	[ "$(bn 1 -j status pod | jq '.[0].broken_hooks | length')" = 0 ] ||
		fail "hooks left on old programs: $(bn 1 -j status pod | jq -c '.[0].broken_hooks')" ||
		return 1
	serve p2 tcp 7040 || return 1
	expect_peer p1 tcp 10.244.2.2 7040 10.244.1.2
}

# tunnel_as_declared I: node nI's routes of protocol 191, its tunnel_nodes
# map (every node, itself included, each with its counter slot) and its
# VXLAN device are what its stored declaration says.
tunnel_as_declared() {
	local want got dev
	dev=$(vx "$1")
	[ -n "$dev" ] || { fail "n$1 has no VXLAN device"; return 1; }
	want=$( (bn "$1" -j node list | jq -r --arg s "n$1" --arg d "$dev" \
		'.[] | select(.name != $s) | "\(.pod_cidr) dev \($d) src 10.244.'"$1"'.1"'
		echo "unreachable $CLUSTER_CIDR") | sort)
	got=$(onn "$1" ip -j route show proto 191 | jq -r '.[] | if .type == "unreachable"
		then "unreachable \(.dst)" else "\(.dst) dev \(.dev) src \(.prefsrc)" end' | sort)
	[ "$want" = "$got" ] || { fail "n$1's routes ($(echo $got)) are not its declaration's ($(echo $want))"; return 1; }
	nodes_map_as_declared "$1"
}

# A cluster change killed at any of its points: the next command (bpfbr gc)
# finishes it, and routes, map and device are what the stored declaration
# says, whichever of old and new that is.
test_cluster_change_killed_anywhere() {
	local op points p n=0
	command -v strace >/dev/null || { skip "strace is not installed (scripts/deps.sh)"; return; }
	mn_cluster 2 || return
	tunnel_as_declared 1 || return 1
	for op in "node add n3 --address 192.0.2.3 --pod-cidr 10.244.3.0/24" "node del n3"; do
		# shellcheck disable=SC2086
		points=$(kill_points 1 $op) || fail "bpfbr $op failed under strace" || return 1
		[ -n "$points" ] || fail "bpfbr $op changed nothing?" || return 1
		for p in $points; do
			if [[ $op == "node add"* ]]; then bn 1 node del n3 >/dev/null 2>&1
			else bn 1 node add n3 --address 192.0.2.3 --pod-cidr 10.244.3.0/24 >/dev/null 2>&1; fi
			# shellcheck disable=SC2086
			timeout 60 nsenter --net="/run/netns/$(ct n1)" strace -f -qq -o /dev/null \
				-e "inject=${p%%:*}:signal=KILL:when=${p#*:}" "$BPFBR_BIN" \
				--root "$ROOT/n1" $op >/dev/null 2>&1 &
			wait $! 2>/dev/null
			check "gc after killing '$op' at $p" bn 1 gc || return 1
			tunnel_as_declared 1 || { fail "after killing '$op' at $p"; return 1; }
			n=$((n + 1))
		done
	done
	echo "  $n kill points, each reconciled to the declaration" >&2
}

# stream_lines FLAG: the lines 1, 2, 3… paced (about 4000 a second) until
# the file FLAG appears, then 2000 more; how many into FLAG.count. Bounded
# to 40 s.
stream_lines() {
	local i=0 end=0 start=$SECONDS
	while [ "$end" = 0 ] || [ "$i" -lt "$end" ]; do
		i=$((i + 1))
		echo "$i"
		[ $((i % 200)) = 0 ] || continue
		sleep 0.05
		[ "$end" = 0 ] && [ -e "$1" ] && end=$((i + 2000))
		[ $((SECONDS - start)) -lt 40 ] || break
	done
	echo "$i" >"$1.count"
}

# A node re-addressed under a pod-to-pod TCP stream: while p1 streams to
# p2, n2's fabric address moves from 192.0.2.2 to 192.0.2.12 and every node
# loads the new declaration. The pods' addresses did not change, so the one
# connection goes on, now tunnelled to the new address: every byte arrives
# in order, neither end sees a reset.
test_node_readdressed_stream_survives() {
	local flag=$ROOT/readdressed got=$ROOT/stream.got pid n
	mn_cluster 2 && mn_pod 1 p1 && mn_pod 2 p2 || return 1
	spawn on p2 timeout 60 socat -u TCP-LISTEN:7050,reuseaddr "OPEN:$got,creat,trunc"
	listening p2 tcp 7050 || fail "no stream server in p2" || return 1
	stream_lines "$flag" | on p1 timeout 60 socat -u - TCP:10.244.2.2:7050,connect-timeout=3 &
	pid=$!
	echo "$pid" >>"$ROOT/.pids"
	eventually test -s "$got" || fail "the stream did not start" || return 1
	capture wire br0 "udp dst port 4789 and dst host 192.0.2.12" on fabric || return 1
	onn 2 ip addr del 192.0.2.2/24 dev eth0 && onn 2 ip addr add 192.0.2.12/24 dev eth0 &&
		onn 2 ip route replace default via "$ROUTER_IP" || return 1
	jq '.address = "192.0.2.12"' "$NODES_D/n2.json" >"$NODES_D/n2.json.new" &&
		mv "$NODES_D/n2.json.new" "$NODES_D/n2.json" || return 1
	mn_sync || return 1
	n=$(wc -l <"$got")
	touch "$flag"
	wait "$pid" || fail "p1's end of the stream failed (status $?): reset?" || return 1
	eventually test "$(wc -l <"$got")" = "$(cat "$flag.count" 2>/dev/null)" ||
		fail "p2 got $(wc -l <"$got") lines of $(cat "$flag.count")" || return 1
	end_captures
	cmp -s "$got" <(seq 1 "$(cat "$flag.count")") ||
		fail "the stream is not byte-exact: $(cmp "$got" <(seq 1 "$(cat "$flag.count")"))" ||
		return 1
	[ "$(seen wire)" -gt 0 ] || fail "nothing was tunnelled to n2's new address" || return 1
	echo "  $n lines before the change was complete, $(cat "$flag.count") in all" >&2
}

# Per-node counters in status (multinode/lib.sh).
test_status_counts_per_node() { mn_counts_per_node; }

run_tests "$@"
