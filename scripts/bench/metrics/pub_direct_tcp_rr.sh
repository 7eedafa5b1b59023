# shellcheck shell=bash disable=SC2034  # VARIANT_*/METRIC_* are read by the harness
# pub_tcp_rr's traffic to the container's address directly (issue 15's
# "within 5% of direct"): the external host, given a route to the
# containers' subnet through the node's uplink address for the run, to c2's
# port 11115, on the variants that publish (the same builds).
METRIC_DESC="TCP_RR external host -> c2's own address (routed, no published port), 64 B (sockperf, one core)"
METRIC_BASELINE=cni

metric_supported() { [ -n "${PUB_IP:-}" ]; }
metric_run() {
	nsx "$EXT_NS" ip route replace "$SUBNET" via "$UPLINK_IP"
	sockperf_rr tcp "$C2_NS" "$C2_IP" "$EXT_NS" 11115
	nsx "$EXT_NS" ip route del "$SUBNET" via "$UPLINK_IP"
}
