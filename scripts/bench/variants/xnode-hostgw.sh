# shellcheck shell=bash disable=SC2034  # VARIANT_*/METRIC_* are read by the harness
# Variant "xnode-hostgw": the kernel's cross-node pod network in flannel's
# host-gw shape, the equivalent of bpfbr's direct mode: on each node a
# bridge with the gateway address, the pod's veth in it, a route to the
# other node's pod CIDR via that node, forwarding on, and flannel's
# masquerade rule for what leaves the cluster (so conntrack sees the
# forwarded traffic, as on a flannel node). c1 on node A, c2 on node B
# (scripts/bench/xnode.sh).
source "$BENCH_LIB_DIR/xnode.sh"
VARIANT_DESC="two nodes, kernel: bridge + routes via the other node (flannel host-gw), c1 -> c2 across"
VARIANT_NAT=0

# xnode_bridge NS GW/PLEN PEER_NET PEER_ADDR: a node's bridge, route and rule.
xnode_bridge() {
	ip -n "$1" link add cni0 type bridge
	ip -n "$1" addr add "$2" dev cni0
	ip -n "$1" link set cni0 up
	ip -n "$1" route add "$3" via "$4" dev fab0
	ip netns exec "$1" sysctl -qw net.ipv4.ip_forward=1
	ip netns exec "$1" iptables -w -t nat -A POSTROUTING -s "$XNODE_CIDR" ! -d "$XNODE_CIDR" \
		-j MASQUERADE
}

variant_up() {
	xnode_fabric
	xnode_bridge "$NODE_NS" "$GW_IP/$PLEN" "$XNODE_B_NET" "$XNODE_B_ADDR"
	xnode_bridge "$XNODE_NS" "$XNODE_B_GW/24" "$SUBNET" "$XNODE_A_ADDR"
	ip -n "$C1_NS" link add eth0 type veth peer name vc1 netns "$NODE_NS"
	ip -n "$NODE_NS" link set vc1 master cni0 up
	bench_container_ip "$C1_NS" "$C1_IP"
	ip -n "$C2_NS" link add eth0 type veth peer name vc2 netns "$XNODE_NS"
	ip -n "$XNODE_NS" link set vc2 master cni0 up
	xnode_c2_ip
}

variant_down() { xnode_down; }

# Before each metric, as the bridge variant: both nodes' conntrack emptied.
variant_reset() {
	nsx "$NODE_NS" conntrack -F >/dev/null 2>&1 || true
	nsx "$XNODE_NS" conntrack -F >/dev/null 2>&1 || true
}
