#!/usr/bin/env bash
# Many nodes, VXLAN mode (issue 13): the three simulated nodes of
# tests/net/multinode/lib.sh, their pods' packets tunnelled between the node
# addresses (VNI 42, UDP 4789) by the BPF programs on each node's
# flow-based VXLAN device. Pods reach pods of other nodes with their own
# addresses while the fabric carries node addresses only; the pod MTU leaves
# room for the encapsulation; forged tunnel packets are refused; a node that
# goes takes its range with it.
MN_CLUSTER_OPTS="--mode vxlan --vni 42"
. "$(dirname "$0")/multinode/lib.sh"

VNI=42

uplink_drops() { bn "$1" -j status pod | jq -r --arg e "$2" '.[0].uplink.drops[$e] // "missing"'; }
# vx I: node nI's VXLAN device.
vx() { onn "$1" ip -j -d link show type vxlan | jq -r '.[0].ifname // empty'; }

three_nodes_with_pods() {
	mn_cluster 3 || return
	mn_pod 1 p1 && mn_pod 2 p2 && mn_pod 3 p3
}

test_pod_to_pod_across_nodes_through_the_tunnel() {
	local tunnelled delivered other
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
	[ "$(bn 1 -j nat show | jq '[.[] | select(.remote_addr | startswith("10.244."))] | length')" = 0 ] ||
		fail "n1 translated pod-to-pod flows: $(bn 1 nat show)"
}

run_tests "$@"
