# shellcheck shell=bash disable=SC2034  # BPFBR_MODE is read by bpfbr-tc.sh
# Variant "bpfbr-xdp": bpfbr with `net create --mode xdp` (the switch and the
# uplink's reverse NAT as XDP programs in front of the TC ones), built exactly
# as bpfbr-tc otherwise. One difference outside bpfbr: the external host's
# eth0, the veth peer of the uplink here, gets TX checksum offload off, since
# XDP on the uplink cannot complete a partial TCP checksum (a real NIC hands
# over complete ones). See variants/bpfbr-tc.sh.
BPFBR_MODE=xdp
# shellcheck source=scripts/bench/variants/bpfbr-tc.sh
source "$BENCH_LIB_DIR/variants/bpfbr-tc.sh"
