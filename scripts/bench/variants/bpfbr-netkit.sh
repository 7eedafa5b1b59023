# shellcheck shell=bash disable=SC2034  # BPFBR_DEVICE, BPFBR_IPV6 are read by bpfbr-tc.sh
# Variant "bpfbr-netkit" (issue 20): bpfbr in its default TC mode with the
# containers on netkit pairs (`net create --device netkit`): the switch runs
# in the container's own transmit path, with no host-side receive pass.
# Built exactly as bpfbr-tc otherwise; unavailable (skipped, said) on a kernel
# without netkit, such as this machine's; run it in the 6.12 VM. See
# variants/bpfbr-tc.sh.
BPFBR_DEVICE=netkit
# IPv4 only unless asked (BPFBR_IPV6=1): dual stack on netkit ports has not
# been run yet (no netkit on this machine), and a build that fails its IPv6
# reachability check would lose the variant's IPv4 rows too.
BPFBR_IPV6=${BPFBR_IPV6:-0}
# shellcheck source=scripts/bench/variants/bpfbr-tc.sh
source "$BENCH_LIB_DIR/variants/bpfbr-tc.sh"
