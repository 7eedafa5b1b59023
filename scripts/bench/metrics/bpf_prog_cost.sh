# shellcheck shell=bash disable=SC2034  # VARIANT_*/METRIC_* are read by the harness
# Hook for the per-packet cost of each BPF program (BPF_PROG_TEST_RUN with a
# repeat count), owned by the bpfbr variants: a variant that defines
# variant_prog_cost gets this metric; it must print result lines through
# `emit`, e.g.
#   emit "port_tc_ns_2ports" 41.2 ns/pkt lower
#   emit "nat_tc_ns_1M" 55.0 ns/pkt lower
# Keys are free-form; the report lists them per variant (no bridge baseline).
METRIC_DESC="per-packet cost of each BPF program (BPF_PROG_TEST_RUN), ns/packet"

metric_supported() { declare -F variant_prog_cost >/dev/null; }

metric_run() { variant_prog_cost; }
