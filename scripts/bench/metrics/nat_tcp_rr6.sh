# shellcheck shell=bash disable=SC2034  # VARIANT_*/METRIC_* are read by the harness
# Through NAT66: c1 -> the external host's 2001:db8:51::2, masqueraded to the
# uplink's 2001:db8:51::1 (ip6tables MASQUERADE, bpfbr's NAT66). For the
# ceiling variant EXT_* point at c2, as for IPv4.
METRIC_DESC="TCP_RR c1->external host through NAT66, 64 B (crr rr, one core)"

metric_supported() { ipv6_supported; }
metric_run() { rr_run "$EXT_NS" "$EXT_IP6" "$C1_NS" 11123; }
