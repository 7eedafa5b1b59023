# shellcheck shell=bash disable=SC2034  # VARIANT_*/METRIC_* are read by the harness
METRIC_DESC="TCP_CRR c1->external host through NAT66 (crr, one core)"

metric_supported() { ipv6_supported; }
metric_run() { crr_run "$EXT_NS" "$EXT_IP6" "$C1_NS" 12022; }
