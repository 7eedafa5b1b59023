# shellcheck shell=bash disable=SC2034  # VARIANT_*/METRIC_* are read by the harness
METRIC_DESC="TCP_RR c1->c2, 64 B ping-pong (sockperf, client and server on one core)"

metric_run() { sockperf_rr tcp "$C2_NS" "$C2_IP" "$C1_NS" 11111; }
