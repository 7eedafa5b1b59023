# shellcheck shell=bash
METRIC_DESC="UDP_RR c1->c2, 64 B ping-pong (sockperf, client and server on one core)"

metric_run() { sockperf_rr udp "$C2_NS" "$C2_IP" "$C1_NS" 11112; }
