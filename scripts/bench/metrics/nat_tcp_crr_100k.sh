# shellcheck shell=bash disable=SC2034  # VARIANT_*/METRIC_* are read by the harness
METRIC_DESC="TCP_CRR through NAT with 100 000 live translations pre-filled"

metric_run() {
	nat_prefill
	crr_run "$EXT_NS" "$EXT_IP" "$C1_NS" 12003
	nat_count after
}
