# shellcheck shell=bash disable=SC2034  # VARIANT_*/METRIC_* are read by the harness
# Variant "xnode-bpfbr-vxlan": bpfbr's VXLAN mode across two nodes (VNI 42):
# xnode-bpfbr's build with `cluster set --mode vxlan`. Encapsulation in the
# switch's fast path, decapsulation checked and delivered into the pod by
# the tunnel device's program; pod MTU 1450. Compared with xnode-vxlan, the
# kernel's equivalent.
# shellcheck source=scripts/bench/variants/xnode-bpfbr.sh
source "$BENCH_LIB_DIR/variants/xnode-bpfbr.sh"
VARIANT_DESC="two nodes, bpfbr VXLAN mode (encapsulation in the fast path, checked decapsulation), c1 -> c2 across"
VARIANT_BASELINE=xnode-vxlan
XNODE_MODE=(--mode vxlan --vni 42)
