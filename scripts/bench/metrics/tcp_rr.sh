# shellcheck shell=bash
METRIC_DESC="TCP_RR c1->c2, 64 B ping-pong (sockperf, client and server on one core)"

metric_run() { sockperf_rr tcp "$C2_NS" "$C2_IP" "$C1_NS" 11111; }
