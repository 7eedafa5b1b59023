#!/usr/bin/env bash
# Many nodes, direct mode (issue 13): three simulated nodes on one fabric
# (tests/net/multinode/lib.sh), each running bpfbr under its own root, pod
# CIDRs 10.244.I.0/24 in the cluster 10.244.0.0/16. Pods reach pods of other
# nodes with their own addresses (TCP, UDP, ICMP, both ways; the fabric
# carries pod addresses), nodes reach every pod, what leaves the cluster is
# masqueraded, and a node that goes takes its range with it.
. "$(dirname "$0")/multinode/lib.sh"

test_pod_to_pod_across_nodes_keeps_addresses() {
	local routed delivered
	three_nodes_with_pods || return
	routed=$(events 1 routed_to_uplink)
	delivered=$(uplink_events 2 cluster_delivered)
	serve p2 tcp 7001 && serve p2 udp 7002 && serve p1 tcp 7003 && serve p1 udp 7004 &&
		serve p3 tcp 7005 || return 1
	capture fabric br0 "ip and src net 10.244.0.0/16 and dst net 10.244.0.0/16" on fabric ||
		return 1
	expect_peer p1 tcp 10.244.2.2 7001 10.244.1.2 || return 1
	expect_peer p1 udp 10.244.2.2 7002 10.244.1.2 || return 1
	expect_peer p2 tcp 10.244.1.2 7003 10.244.2.2 || return 1
	expect_peer p2 udp 10.244.1.2 7004 10.244.2.2 || return 1
	expect_peer p1 tcp 10.244.3.2 7005 10.244.1.2 || return 1
	ping_ok p1 10.244.2.2 || fail "p1 cannot ping p2" || return 1
	ping_ok p2 10.244.1.2 || fail "p2 cannot ping p1" || return 1
	ping_ok p3 10.244.2.2 || fail "p3 cannot ping p2" || return 1
	end_captures
	grep -q "10.244.1.2.* > 10.244.2.2" "$ROOT/fabric.cap" &&
		grep -q "10.244.2.2.* > 10.244.1.2" "$ROOT/fabric.cap" ||
		fail "the fabric did not carry the pods' own addresses: $(head -3 "$ROOT/fabric.cap")" ||
		return 1
	[ "$(events 1 routed_to_uplink)" -gt "$routed" ] ||
		fail "n1's fast path sent nothing to the fabric" || return 1
	[ "$(uplink_events 2 cluster_delivered)" -gt "$delivered" ] ||
		fail "n2's uplink delivered nothing straight into p2" || return 1
	[ "$(bn 1 -j nat show | jq '[.[] | select(.remote_addr | startswith("10.244."))] | length')" = 0 ] ||
		fail "n1 translated pod-to-pod flows: $(bn 1 nat show)"
}

# 8 MiB from p1 to p3 arrive byte for byte.
test_pod_to_pod_bulk_is_byte_exact() {
	local sent got
	three_nodes_with_pods || return
	head -c 8388608 /dev/urandom >"$ROOT/blob"
	sent=$(sha256sum <"$ROOT/blob" | cut -d' ' -f1)
	spawn on p3 timeout 60 sh -c "socat -u TCP-LISTEN:7010,reuseaddr - | sha256sum >'$ROOT/got'"
	listening p3 tcp 7010 || fail "no receiver in p3" || return 1
	on p1 timeout 60 socat -u - TCP:10.244.3.2:7010,connect-timeout=3 <"$ROOT/blob" ||
		fail "p1 could not send to p3" || return 1
	for _ in $(seq 100); do [ -s "$ROOT/got" ] && break; sleep 0.1; done
	got=$(cut -d' ' -f1 "$ROOT/got" 2>/dev/null)
	[ "$got" = "$sent" ] || fail "p3 received $got, p1 sent $sent"
}

# The node reaches its own pods and the other nodes' (direct mode: the
# remote pod sees the node's address), and pods reach other nodes' addresses
# with their own (node addresses are never masqueraded in direct mode).
test_nodes_and_pods_reach_each_other() {
	three_nodes_with_pods || return
	for a in 10.244.1.2 10.244.2.2 10.244.3.2; do
		onn 1 ping -c1 -W2 -w6 "$a" >/dev/null || fail "n1 cannot ping $a" || return 1
	done
	serve p2 tcp 7020 || return 1
	expect_peer n1 tcp 10.244.2.2 7020 192.0.2.1 || return 1
	serve n2 tcp 7021 || return 1
	expect_peer p1 tcp 192.0.2.2 7021 10.244.1.2
}

test_off_cluster_is_masqueraded() {
	three_nodes_with_pods || return
	serve ext tcp 7030 && serve ext udp 7031 || return 1
	expect_peer p1 tcp "$EXT_IP" 7030 192.0.2.1 || return 1
	expect_peer p2 tcp "$EXT_IP" 7030 192.0.2.2 || return 1
	expect_peer p3 udp "$EXT_IP" 7031 192.0.2.3 || return 1
	[ "$(bn 1 -j nat show | jq '[.[] | select(.inside_addr == "10.244.1.2")] | length')" -ge 1 ] ||
		fail "n1 holds no translation of p1's flow to ext"
}

# A node added while two others ping every 2 ms: nothing is lost, and the
# new node's pod reaches the others' (and back).
test_node_added_under_traffic() {
	local out
	mn_cluster 2 || return
	mn_pod 1 p1 && mn_pod 2 p2 || return 1
	ping_ok p1 10.244.2.2 || fail "p1 cannot ping p2 (the control)" || return 1
	on p1 timeout 30 ping -q -i 0.002 -c 2000 -W 1 10.244.2.2 >"$ROOT/ping.out" 2>&1 &
	local pinger=$!
	mn_node 3 && mn_sync && mn_pod 3 p3 || { wait "$pinger"; return 1; }
	wait "$pinger"
	out=$(cat "$ROOT/ping.out")
	grep -q " 0% packet loss" <<<"$out" || fail "p1 lost pings to p2 while n3 was added: $out" ||
		return 1
	ping_ok p3 10.244.1.2 && ping_ok p3 10.244.2.2 && ping_ok p1 10.244.3.2 ||
		fail "n3's pod and the others do not reach each other"
}

# A node that goes: every other node drops its route; its range then hits
# the cluster's unreachable route (ICMP unreachable to the pod), never the
# default route: nothing of it reaches the router. The rest carries on.
test_node_removed_its_range_is_dropped() {
	local err routes before
	three_nodes_with_pods || return
	ping_ok p1 10.244.3.2 || fail "p1 cannot ping p3 (the control)" || return 1
	rm "$NODES_D/n3.json"
	check "n1: node load" bn 1 node load "$NODES_D" || return 1
	check "n2: node load" bn 2 node load "$NODES_D" || return 1
	[ -z "$(onn 1 ip route show proto 191 10.244.3.0/24)" ] ||
		fail "n1 keeps a route to n3's pods: $(onn 1 ip route show proto 191)" || return 1
	routes=$(onn 1 ip route show proto 191)
	grep -q "^unreachable 10.244.0.0/16" <<<"$routes" ||
		fail "n1 has no unreachable route for the cluster: $routes" || return 1
	capture router r0 "dst net 10.244.3.0/24" on router || return 1
	before=$(events 1 unreachable_route)
	err=$(on p1 ping -c2 -W2 -w4 10.244.3.2 2>&1) && fail "p1 still pings n3's pod" && return 1
	grep -qi "unreachable" <<<"$err" || fail "p1 was not told n3's range is unreachable: $err" ||
		return 1
	on p1 timeout 5 socat -T 1 - UDP:10.244.3.2:9 <<<"lost" >/dev/null 2>&1
	end_captures
	[ "$(seen router)" = 0 ] ||
		fail "n3's range leaked to the router: $(head -2 "$ROOT/router.cap")" || return 1
	[ "$(events 1 unreachable_route)" -ge $((before + 2)) ] ||
		fail "n1 counted $(($(events 1 unreachable_route) - before)) of p1's 2 pings to n3's range as unreachable_route" ||
		return 1
	ping_ok p1 10.244.2.2 || fail "p1 lost p2 when n3 went" || return 1
	[ "$(bn 1 -j node list | jq -r '[.[].name] | join(" ")')" = "n1 n2" ] ||
		fail "n1 still declares $(bn 1 -j node list | jq -c '[.[].name]')"
}

# A node re-addressed (n3's eth0 moves to 192.0.2.13, its node file says so,
# every node loads it): the others' routes follow, and a pod's connection to
# n3's pod, cut while the route was stale, is made again and answered.
test_node_readdressed_traffic_resumes() {
	local routes
	three_nodes_with_pods || return
	serve p3 tcp 7020 || return 1
	expect_peer p1 tcp 10.244.3.2 7020 10.244.1.2 || return 1
	onn 3 ip addr del 192.0.2.3/24 dev eth0 && onn 3 ip addr add 192.0.2.13/24 dev eth0 &&
		onn 3 ip route replace default via "$ROUTER_IP" || return 1
	jq '.address = "192.0.2.13"' "$NODES_D/n3.json" >"$NODES_D/n3.json.new" &&
		mv "$NODES_D/n3.json.new" "$NODES_D/n3.json" || return 1
	mn_sync || return 1
	routes=$(onn 1 ip route show proto 191)
	grep -q "^10.244.3.0/24 via 192.0.2.13 dev eth0" <<<"$routes" &&
		! grep -q "192.0.2.3 " <<<"$routes" ||
		fail "n1's routes after n3 moved: $routes" || return 1
	expect_peer p1 tcp 10.244.3.2 7020 10.244.1.2 || return 1
	expect_peer p2 tcp 10.244.3.2 7020 10.244.2.2 || return 1
	ping_ok p3 10.244.1.2 || fail "n3's pod cannot reach n1's after the move"
}

# A pod that moves (detached on n1, as CNI DEL does; attached on n2 under
# the same name): it gets an address of n2's range, reaches the others from
# there, and n1 keeps nothing of it (no attachment, port, forwarding entry
# or masquerade endpoint).
test_pod_moves_to_another_node() {
	local ip mac
	three_nodes_with_pods || return
	check "attach mover on n1" bn 1 attach pod "$(ct mover)" --create-netns || return 1
	ip=$(bn 1 -j status pod | jq -r --arg c "$(ct mover)" '.[0].ports[] | select(.endpoint == $c) | .ip')
	[[ "$ip" == 10.244.1.* ]] || fail "mover's address on n1: '$ip'" || return 1
	mac=$(on mover cat /sys/class/net/eth0/address)
	ping_ok mover 10.244.3.2 || fail "mover cannot reach p3 from n1" || return 1
	check "detach mover from n1" bn 1 detach pod "$(ct mover)" || return 1
	check "attach mover on n2" bn 2 attach pod "$(ct mover)" --create-netns || return 1
	ip=$(on mover ip -4 -o addr show dev eth0 | awk '{print $4}')
	[[ "$ip" == 10.244.2.*/24 ]] || fail "mover's address on n2: '$ip'" || return 1
	ping_ok mover 10.244.3.2 && ping_ok mover 10.244.1.2 ||
		fail "mover cannot reach the others from n2" || return 1
	[ "$(jq '[.attachments[]? | select(.netns | endswith("-mover"))] | length' \
		"$ROOT/n1/var/lib/bpfbr/networks/pod.json")" = 0 ] ||
		fail "n1 still records mover: $(jq -c .attachments "$ROOT/n1/var/lib/bpfbr/networks/pod.json")" ||
		return 1
	[ "$(bn 1 -j status pod | jq '[.[0].ports[] | select(.kind != "gateway")] | length')" = 1 ] ||
		fail "n1's ports: $(bn 1 status pod)" || return 1
	[ -z "$(bn 1 -j fdb show pod | jq -r --arg m "$mac" '.[] | select(.mac == $m)')" ] ||
		fail "n1 keeps a forwarding entry of mover's MAC $mac" || return 1
	[ "$(bpftool map dump pinned "$ROOT/n1/sys/fs/bpf/bpfbr/uplinks/eth0/endpoints" -j |
		jq 'length')" = 1 ] || fail "n1's masquerade endpoints: not only p1's" || return 1
}

# Loading the same directory again changes nothing; a route of bpfbr's
# protocol that the declaration does not name is removed, others are left.
test_sync_is_idempotent_and_removes_only_its_own() {
	local before
	mn_cluster 3 || return
	before=$(onn 1 ip route show)
	[ "$(bn 1 -j cluster sync)" = "[]" ] || fail "a second sync changed: $(bn 1 -j cluster sync)" ||
		return 1
	[ "$(onn 1 ip route show)" = "$before" ] || fail "the routes changed on a sync" || return 1
	onn 1 ip route add 10.244.99.0/24 via 192.0.2.99 proto 191
	onn 1 ip route add 10.99.0.0/24 via 192.0.2.99
	check "n1: cluster sync" bn 1 cluster sync || return 1
	[ -z "$(onn 1 ip route show 10.244.99.0/24)" ] ||
		fail "sync kept a stale route of its protocol" || return 1
	[ -n "$(onn 1 ip route show 10.99.0.0/24)" ] || fail "sync removed a route not its own" ||
		return 1
	onn 1 ip route del 10.244.2.0/24
	check "n1: cluster sync" bn 1 cluster sync || return 1
	before=$(onn 1 ip route show 10.244.2.0/24)
	grep -q "via 192.0.2.2 dev eth0 proto 191" <<<"$before" ||
		fail "sync did not put back the route to n2's pods: $(onn 1 ip route)"
}

# A node whose address is on no link of this node cannot be routed to
# directly: refused, naming it, and nothing changes.
test_node_off_link_is_refused() {
	local before err
	mn_cluster 2 || return
	before=$(bn 1 -j node list)
	jq -n '{name: "n9", address: "203.0.113.9", pod_cidr: "10.244.9.0/24"}' >"$NODES_D/n9.json"
	err=$(bn 1 node load "$NODES_D" 2>&1) && fail "n9 off the link was accepted" && return 1
	grep -q "n9" <<<"$err" && grep -q "203.0.113.9" <<<"$err" ||
		fail "the refusal does not name n9: $err" || return 1
	[ "$(bn 1 -j node list)" = "$before" ] || fail "the refused load changed the nodes"
}

test_status_shows_the_cluster() {
	local st
	mn_cluster 3 || return
	st=$(bn 1 -j status pod | jq -c '.[0].cluster')
	[ "$(jq -c '[.cidr, .mode, .mtu, .unreachable_route]' <<<"$st")" = \
		'["10.244.0.0/16","direct",1500,"ok"]' ] || fail "cluster in status: $st" || return 1
	[ "$(jq -c '[.nodes[] | "\(.name) \(.route)"]' <<<"$st")" = '["n1 local","n2 ok","n3 ok"]' ] ||
		fail "nodes in status: $st" || return 1
	onn 1 ip route del 10.244.3.0/24
	[ "$(bn 1 -j status pod | jq -r '.[0].cluster.nodes[2].route')" = missing ] ||
		fail "status does not see n3's route missing" || return 1
	st=$(bn 1 status pod)
	grep -q "node n3 .* route missing" <<<"$st" || fail "status text: $st"
}

# An uplink datapath of a build without the nomasq map gets one from
# bpfbr upgrade, filled before the new programs run: pods still reach other
# nodes' pods with their own addresses (here the map's pin is removed, which
# is what such a datapath looks like).
test_upgrade_fills_a_new_nomasq_map() {
	local pin
	three_nodes_with_pods || return
	pin=$(find "$ROOT/n1/sys/fs/bpf" -name nomasq -path "*uplinks*" | head -1)
	[ -n "$pin" ] || fail "n1 has no nomasq pin" || return 1
	rm "$pin"
	check "n1: upgrade" bn 1 upgrade || return 1
	[ -e "$pin" ] || fail "the upgrade made no nomasq map" || return 1
	serve p2 tcp 7040 || return 1
	expect_peer p1 tcp 10.244.2.2 7040 10.244.1.2
}

# routes_as_declared I: node nI's routes of protocol 191 are what its stored
# declaration says (one per other node, the cluster's unreachable route), and
# so is its tunnel_nodes map (nodes_map_as_declared).
routes_as_declared() {
	local want got
	want=$( (bn "$1" -j node list | jq -r --arg s "n$1" \
		'.[] | select(.name != $s) | "\(.pod_cidr) via \(.address) dev eth0"'
		echo "unreachable $CLUSTER_CIDR") | sort)
	got=$(onn "$1" ip -j route show proto 191 | jq -r '.[] | if .type == "unreachable"
		then "unreachable \(.dst)" else "\(.dst) via \(.gateway) dev \(.dev)" end' | sort)
	[ "$want" = "$got" ] || fail "n$1's routes ($(echo $got)) are not its declaration's ($(echo $want))" ||
		return 1
	nodes_map_as_declared "$1"
}

# A cluster change killed at any of its points: the next command (bpfbr gc)
# finishes it (journal op "cluster"), so that the routes are always what the
# stored declaration says, whichever of old and new that is.
test_cluster_change_killed_anywhere() {
	local op points p rc n=0
	command -v strace >/dev/null || { skip "strace is not installed (scripts/deps.sh)"; return; }
	mn_cluster 2 || return
	for op in "node add n3 --address 192.0.2.3 --pod-cidr 10.244.3.0/24" "node del n3"; do
		# shellcheck disable=SC2086
		points=$(kill_points 1 $op) || fail "bpfbr $op failed under strace" || return 1
		[ -n "$points" ] || fail "bpfbr $op changed nothing?" || return 1
		for p in $points; do
			# Back where the op starts from.
			if [[ $op == "node add"* ]]; then bn 1 node del n3 >/dev/null 2>&1
			else bn 1 node add n3 --address 192.0.2.3 --pod-cidr 10.244.3.0/24 >/dev/null 2>&1; fi
			# shellcheck disable=SC2086
			timeout 60 nsenter --net="/run/netns/$(ct n1)" strace -f -qq -o /dev/null \
				-e "inject=${p%%:*}:signal=KILL:when=${p#*:}" "$BPFBR_BIN" \
				--root "$ROOT/n1" $op >/dev/null 2>&1 &
			wait $! 2>/dev/null # (bash's "Killed" notice)
			rc=$?
			check "gc after killing '$op' at $p" bn 1 gc || return 1
			routes_as_declared 1 || { fail "after killing '$op' at $p (rc $rc)"; return 1; }
			[ ! -e "$ROOT/n1/var/lib/bpfbr/journal" ] ||
				fail "the journal stayed after gc (killed at $p)" || return 1
			n=$((n + 1))
		done
	done
	echo "  $n kill points, each reconciled to the declaration" >&2
	routes_as_declared 1
}

# A pod network given more than the uplink carries (--mtu 2000): a DF
# packet for another node's pod too big for the uplink is refused by the
# node's stack ("fragmentation needed", mtu 1500) and counts for that node
# as too big; one that may be fragmented crosses and does not count.
test_too_big_for_the_uplink_counts_for_the_node() {
	local err too_big
	mn_fabric && MN_NO_NET=1 mn_node 1 || return 1
	check "n1: net create pod --mtu 2000" bn 1 net create pod --subnet 10.244.1.0/24 \
		--uplink eth0 --masquerade --mtu 2000 || return 1
	mn_node 2 && mn_sync && mn_pod 1 p1 && mn_pod 2 p2 || return 1
	# First (before p1 learns the path's MTU and fragments itself) one that
	# n1's stack may fragment: not counted.
	on p1 ping -c2 -W2 -w6 -M dont -s 1473 10.244.2.2 >/dev/null ||
		fail "a 1501-byte packet that may be fragmented did not cross" || return 1
	[ "$(node_counters 1 n2 | jq .too_big)" = 0 ] ||
		fail "packets the stack fragments counted as too big: $(node_counters 1 n2)" || return 1
	err=$(on p1 ping -c1 -W2 -w4 -M "do" -s 1473 10.244.2.2 2>&1) &&
		fail "a 1501-byte DF packet crossed a 1500-byte fabric" && return 1
	grep -qi "frag needed.*mtu = 1500\|mtu=1500\|too long" <<<"$err" ||
		fail "p1 was not told the uplink's MTU: $err" || return 1
	too_big=$(node_counters 1 n2 | jq .too_big)
	[ "$too_big" -ge 1 ] || fail "n1 counted $too_big packets too big for n2"
}

# Per-node counters in status (multinode/lib.sh).
test_status_counts_per_node() { mn_counts_per_node; }

run_tests "$@"
