# shellcheck shell=bash disable=SC2034  # VARIANT_*/METRIC_* are read by the harness
# IPv6 (issue 14), in the variants that give the containers IPv6 addresses
# (VARIANT_IPV6=1). Measured with build/bench/crr's ping-pong, not sockperf:
# Debian's sockperf 3.7 takes IPv4 addresses only (see rr_run).
METRIC_DESC="TCP_RR c1->c2 over IPv6, 64 B ping-pong (crr rr, client and server on one core)"

metric_supported() { ipv6_supported; }
metric_run() { rr_run "$C2_NS" "$C2_IP6" "$C1_NS" 11121; }
