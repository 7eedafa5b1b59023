# shellcheck shell=bash disable=SC2034  # VARIANT_*/METRIC_* are read by the harness
# udp_pps over IPv6 (issue 14): the smallest UDP/IPv6 frame (62 B + FCS),
# counted by Ip6InReceives in c2, in the variants with IPv6 (VARIANT_IPV6=1).
PPS_FAMILY=6
# shellcheck source=scripts/bench/metrics/udp_pps.sh
source "$BENCH_LIB_DIR/metrics/udp_pps.sh"
METRIC_DESC="62 B UDP/IPv6 packets/s c1->c2, one sender core (trafgen, counted by Ip6InReceives in c2)"

metric_supported() { ipv6_supported; }
