# shellcheck shell=bash disable=SC2034  # VARIANT_*/METRIC_* are read by the harness
# pub_tcp_crr's traffic to the container's address directly (issue 15's
# "within 5% of direct"): connect, request, response, close from the
# external host, routed to c2's own address for the run, port 12015.
# Not in the default metrics: behind bpfbr the run stalls after about 1 024
# connections (2026-12-05: 7.6 conn/s over 134 s, against 5 100/s behind the
# reference bridge), about c2's share of inbound_flows (1 024), whose
# entries live 240 s and more (README, Published ports).
METRIC_DESC="TCP_CRR external host -> c2's own address (routed, no published port) (crr, one core)"
METRIC_BASELINE=cni

metric_supported() { [ -n "${PUB_IP:-}" ]; }
metric_run() {
	nsx "$EXT_NS" ip route replace "$SUBNET" via "$UPLINK_IP"
	crr_run "$C2_NS" "$C2_IP" "$EXT_NS" 12015
	nsx "$EXT_NS" ip route del "$SUBNET" via "$UPLINK_IP"
}
