# shellcheck shell=bash disable=SC2034  # VARIANT_*/METRIC_* are read by the harness
# Variant "veth": the ceiling. One veth pair straight between c1 and c2, no
# switch, no node in the path, no netfilter hook registered anywhere on it.
# The issue defines the NAT metrics' ceiling as this same container<->container
# path, so EXT_NS/EXT_IP point at c2 and nothing is translated or pre-filled.

VARIANT_DESC="one veth pair between c1 and c2 (ceiling; NAT metrics measure c1->c2)"
VARIANT_NAT=0
VARIANT_IPV6=1

variant_up() {
	ip -n "$C1_NS" link add eth0 type veth peer name eth0 netns "$C2_NS"
	# Same addresses and default route as everywhere else; the gateway is
	# never used (the peer is on-link), it just keeps the containers' view
	# identical to the other variants.
	bench_container_ip "$C1_NS" "$C1_IP"
	bench_container_ip "$C2_NS" "$C2_IP"
	bench_container_ip6 "$C1_NS" "$C1_IP6"
	bench_container_ip6 "$C2_NS" "$C2_IP6"
	export EXT_NS=$C2_NS EXT_IP=$C2_IP EXT_IP6=$C2_IP6
}

variant_down() { :; }
