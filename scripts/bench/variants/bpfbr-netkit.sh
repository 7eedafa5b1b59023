# shellcheck shell=bash disable=SC2034  # BPFBR_DEVICE is read by bpfbr-tc.sh
# Variant "bpfbr-netkit" (issue 20): bpfbr in its default TC mode with the
# containers on netkit pairs (`net create --device netkit`): the switch runs
# in the container's own transmit path, with no host-side receive pass.
# Built exactly as bpfbr-tc otherwise; unavailable (skipped, said) on a kernel
# without netkit, such as this machine's; run it in the 6.12 VM. See
# variants/bpfbr-tc.sh.
BPFBR_DEVICE=netkit
# shellcheck source=scripts/bench/variants/bpfbr-tc.sh
source "$BENCH_LIB_DIR/variants/bpfbr-tc.sh"
