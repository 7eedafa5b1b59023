# shellcheck shell=bash disable=SC2034  # VARIANT_*/METRIC_* are read by the harness
# Variant "xnode-vxlan": the kernel's cross-node pod network in flannel's
# vxlan shape, the equivalent of bpfbr's VXLAN mode: on each node a bridge
# with the gateway address and the pod's veth (MTU 1450), a Linux VXLAN
# device (VNI 42, UDP 4789, no learning) holding the other node's VTEP as a
# permanent neighbour and FDB entry, a route to the other node's pod CIDR
# through it, forwarding on, and flannel's masquerade rule for what leaves
# the cluster. c1 on node A, c2 on node B (scripts/bench/xnode.sh).
source "$BENCH_LIB_DIR/xnode.sh"
VARIANT_DESC="two nodes, kernel: bridge + vxlan device with FDB/ARP entries (flannel vxlan), c1 -> c2 across"
VARIANT_NAT=0

# xnode_vtep NS ADDR GW/PLEN: a node's bridge and VXLAN device (its MAC printed).
xnode_vtep() {
	ip -n "$1" link add cni0 type bridge
	ip -n "$1" addr add "$3" dev cni0
	ip -n "$1" link set cni0 up
	ip -n "$1" link add flannel.1 type vxlan id 42 local "$2" dev fab0 dstport 4789 nolearning
	ip -n "$1" link set flannel.1 mtu 1450 up
	ip netns exec "$1" sysctl -qw net.ipv4.ip_forward=1
	ip netns exec "$1" iptables -w -t nat -A POSTROUTING -s "$XNODE_CIDR" ! -d "$XNODE_CIDR" \
		-j MASQUERADE
}

# xnode_peer NS PEER_NET PEER_VTEP_IP PEER_MAC PEER_NODE_ADDR: the route, the
# neighbour and the FDB entry flannel writes for the other node.
xnode_peer() {
	ip -n "$1" addr add "${XNODE_VTEP_OWN[$1]}/32" dev flannel.1
	ip -n "$1" route add "$2" via "$3" dev flannel.1 onlink
	ip -n "$1" neigh add "$3" lladdr "$4" dev flannel.1 nud permanent
	ip netns exec "$1" bridge fdb append "$4" dev flannel.1 dst "$5"
}

variant_up() {
	local mac_a mac_b
	declare -gA XNODE_VTEP_OWN=(["$NODE_NS"]=10.40.0.0 ["$XNODE_NS"]=10.40.1.0)
	xnode_fabric
	xnode_vtep "$NODE_NS" "$XNODE_A_ADDR" "$GW_IP/$PLEN"
	xnode_vtep "$XNODE_NS" "$XNODE_B_ADDR" "$XNODE_B_GW/24"
	mac_a=$(ip -n "$NODE_NS" -j link show flannel.1 | jq -r '.[0].address')
	mac_b=$(ip -n "$XNODE_NS" -j link show flannel.1 | jq -r '.[0].address')
	xnode_peer "$NODE_NS" "$XNODE_B_NET" 10.40.1.0 "$mac_b" "$XNODE_B_ADDR"
	xnode_peer "$XNODE_NS" "$SUBNET" 10.40.0.0 "$mac_a" "$XNODE_A_ADDR"
	ip -n "$C1_NS" link add eth0 mtu 1450 type veth peer name vc1 mtu 1450 netns "$NODE_NS"
	ip -n "$NODE_NS" link set vc1 master cni0 up
	bench_container_ip "$C1_NS" "$C1_IP"
	ip -n "$C2_NS" link add eth0 mtu 1450 type veth peer name vc2 mtu 1450 netns "$XNODE_NS"
	ip -n "$XNODE_NS" link set vc2 master cni0 up
	xnode_c2_ip
}

variant_down() { xnode_down; }

variant_reset() {
	nsx "$NODE_NS" conntrack -F >/dev/null 2>&1 || true
	nsx "$XNODE_NS" conntrack -F >/dev/null 2>&1 || true
}
