# shellcheck shell=bash disable=SC2034  # VARIANT_*/METRIC_* are read by the harness
# Through a published port (issue 15): the external host -> the node's
# uplink address, port 18114, published to c2's port 11114 (`-p 18114:11114`).
# A variant that publishes sets PUB_IP in variant_up (bpfbr: attach
# --publish; cni: the portmap plugin chained behind the bridge, iptables DNAT
# and conntrack); the others have no published port (n/a).
METRIC_DESC="TCP_RR external host -> published port -> c2, 64 B (sockperf, one core)"
METRIC_BASELINE=cni

metric_supported() { [ -n "${PUB_IP:-}" ]; }
metric_run() { sockperf_rr tcp "$C2_NS" "$C2_IP" "$EXT_NS" 11114 "$PUB_IP" 18114; }
