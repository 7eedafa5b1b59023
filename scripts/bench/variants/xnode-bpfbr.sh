# shellcheck shell=bash disable=SC2034  # VARIANT_*/METRIC_* are read by the harness
# Variant "xnode-bpfbr": bpfbr's direct mode across two nodes
# (scripts/bench/xnode.sh), as a cluster runs it: on each node `cluster set`
# and the two nodes declared, the pod network made with the node's pod CIDR
# and the segment as its uplink (masquerade only off the cluster), the pod
# attached. c1 -> c2 leaves node A by the routing fast path and enters c2 on
# node B by the uplink's delivery into the pod. Compared with xnode-hostgw,
# the kernel's equivalent. Built with bpfbr-tc.sh's helpers (private bpffs
# per node in one holder mount namespace).
BPFBR_MODE=tc
# shellcheck source=scripts/bench/variants/bpfbr-tc.sh
source "$BENCH_LIB_DIR/variants/bpfbr-tc.sh"
source "$BENCH_LIB_DIR/xnode.sh"
VARIANT_DESC="two nodes, bpfbr direct mode (fast path out, delivery into the pod in), c1 -> c2 across"
VARIANT_NAT=0
VARIANT_IPV6=0 # bpfbr-tc.sh's dual stack is not this variant's (IPv6 pods across nodes: not yet)
VARIANT_BASELINE=xnode-hostgw
BPFBR_EXTRA_ROOTS="${BENCH_RUN_DIR:-}/$VARIANT-root-b"
XNODE_MODE=(--mode direct) # xnode-bpfbr-vxlan: --mode vxlan

# bbm ARGS...: bpfbr on node B, under its own root.
bbm() {
	nsenter --mount="/proc/$BPFBR_HOLDER/ns/mnt" --net="/run/netns/$XNODE_NS" "$(bpfbr_bin)" \
		--root "$BPFBR_EXTRA_ROOTS" "$@"
}

# xnode_declare BPFBR-FN SELF: the cluster as node SELF declares it.
xnode_declare() {
	"$1" cluster set --cidr "$XNODE_CIDR" --self "$2" "${XNODE_MODE[@]}" >/dev/null
	"$1" node add a --address "$XNODE_A_ADDR" --pod-cidr "$SUBNET" >/dev/null
	"$1" node add b --address "$XNODE_B_ADDR" --pod-cidr "$XNODE_B_NET" >/dev/null
}

variant_up() {
	bpfbr_snapshot
	xnode_fabric
	bpfbr_holder_start
	xnode_declare bb a
	xnode_declare bbm b
	bb net create "$BENCH_PREFIX" --subnet "$SUBNET" --gateway "$GW_IP" --uplink fab0 \
		--masquerade >/dev/null
	bbm net create "$BENCH_PREFIX" --subnet "$XNODE_B_NET" --gateway "$XNODE_B_GW" --uplink fab0 \
		--masquerade >/dev/null
	bb attach "$BENCH_PREFIX" "$C1_NS" --ip "$C1_IP" >/dev/null
	bbm attach "$BENCH_PREFIX" "$C2_NS" --ip "$XNODE_C2_IP" >/dev/null
	export C2_IP=$XNODE_C2_IP EXT_NS=$C2_NS EXT_IP=$XNODE_C2_IP
}

variant_down() {
	bb net delete "$BENCH_PREFIX" --force >/dev/null
	bbm net delete "$BENCH_PREFIX" --force >/dev/null
	bpfbr_holder_stop
	rm -rf "$(bpfbr_root)" "$BPFBR_EXTRA_ROOTS"
	xnode_down
}

# Nothing masquerades between the nodes: no table to empty.
variant_reset() { :; }
