# shellcheck shell=bash disable=SC2034  # VARIANT_*/METRIC_* are read by the harness
# Through a published port (issue 15): connect, request, response, close
# from the external host to the node's uplink address, port 18214, published
# to c2's port 12014. See pub_tcp_rr.sh for which variants publish.
METRIC_DESC="TCP_CRR external host -> published port -> c2 (crr, one core)"
METRIC_BASELINE=cni

metric_supported() { [ -n "${PUB_IP:-}" ]; }
metric_run() { crr_run "$C2_NS" "$C2_IP" "$EXT_NS" 12014 "$PUB_IP" 18214; }
