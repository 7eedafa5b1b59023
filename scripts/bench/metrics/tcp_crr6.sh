# shellcheck shell=bash disable=SC2034  # VARIANT_*/METRIC_* are read by the harness
METRIC_DESC="TCP_CRR c1->c2 over IPv6: connect, 64 B request, 64 B response, close (crr, one core)"

metric_supported() { ipv6_supported; }
metric_run() { crr_run "$C2_NS" "$C2_IP6" "$C1_NS" 12021; }
