# shellcheck shell=bash disable=SC2034  # VARIANT_*/METRIC_* are read by the harness
# Through NAT: c1 -> external host, masqueraded on the node's uplink.
# For the ceiling variant EXT_* point at c2 (the definition).
METRIC_DESC="TCP_RR c1->external host through NAT, 64 B (sockperf, one core)"

metric_run() { sockperf_rr tcp "$EXT_NS" "$EXT_IP" "$C1_NS" 11113; }
