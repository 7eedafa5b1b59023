# shellcheck shell=bash disable=SC2034  # VARIANT_*/METRIC_* are read by the harness
METRIC_DESC="TCP_CRR c1->external host through NAT (build/bench/crr, one core)"

metric_run() { crr_run "$EXT_NS" "$EXT_IP" "$C1_NS" 12002; }
