# shellcheck shell=bash
# Two simulated nodes for the cross-node variants (issue 13), sourced by
# variants/xnode-*.sh. The harness's NODE_NS is node A (c1 there, pod CIDR
# 10.40.0.0/24, the harness's addresses); node B is a namespace made here,
# $BENCH_PREFIX-m (the trap's bch<runid>-* sweep deletes it after a failure),
# with c2 on it at 10.40.1.2 (pod CIDR 10.40.1.0/24, gateway .1). The nodes
# share one L2 segment, a veth pair "fab0" (192.0.2.1/24 on A, .2 on B), as
# direct routing needs. The metrics run c1 -> c2, across the nodes; there is
# no external host (EXT_NS/EXT_IP point at c2, as the veth ceiling does) and
# only the metrics of VARIANT_METRICS run.
XNODE_NS=${BENCH_PREFIX:-}-m # (the harness sets BENCH_PREFIX before a build)
XNODE_CIDR=10.40.0.0/16
XNODE_B_NET=10.40.1.0/24
XNODE_B_GW=10.40.1.1
XNODE_C2_IP=10.40.1.2
XNODE_A_ADDR=192.0.2.1
XNODE_B_ADDR=192.0.2.2
VARIANT_METRICS="tcp_rr udp_rr tcp_crr udp_pps tcp_bulk"

# xnode_fabric: node B and the segment between the nodes.
xnode_fabric() {
	ip netns add "$XNODE_NS"
	ip -n "$XNODE_NS" link set lo up
	ip -n "$NODE_NS" link add fab0 type veth peer name fab0 netns "$XNODE_NS"
	ip -n "$NODE_NS" addr add "$XNODE_A_ADDR/24" dev fab0
	ip -n "$XNODE_NS" addr add "$XNODE_B_ADDR/24" dev fab0
	ip -n "$NODE_NS" link set fab0 up
	ip -n "$XNODE_NS" link set fab0 up
}

# xnode_c2_ip: c2's address on node B, and the metrics pointed at it.
xnode_c2_ip() {
	ip -n "$C2_NS" addr add "$XNODE_C2_IP/24" dev eth0
	ip -n "$C2_NS" link set eth0 up
	ip -n "$C2_NS" route add default via "$XNODE_B_GW"
	export C2_IP=$XNODE_C2_IP EXT_NS=$C2_NS EXT_IP=$XNODE_C2_IP
}

xnode_down() { ip netns del "$XNODE_NS" 2>/dev/null || true; }
