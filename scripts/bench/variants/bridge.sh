# shellcheck shell=bash disable=SC2034  # VARIANT_*/METRIC_* are read by the harness
# Variant "bridge": the chapter's setup ("Composing The Primitives" and
# "Routes, Forwarding, And Masquerade"), with the node role in $NODE_NS:
# a Linux bridge holding the gateway address, one veth pair per container,
# ip_forward=1 and an iptables MASQUERADE rule. br_netfilter is left as this
# kernel runs it (built in, bridge-nf-call-iptables=1 by default in every
# namespace), so bridged container traffic also crosses iptables/conntrack.
# This is the baseline every ratio in the report is taken against.
# Dual stack (issue 14): br0 also holds fd00:40::1, the node forwards IPv6 and
# ip6tables MASQUERADEs fd00:40::/64 to the uplink's 2001:db8:51::1.

VARIANT_DESC="Linux bridge + ip_forward + iptables/ip6tables MASQUERADE (the chapter, dual stack; br_netfilter on)"
VARIANT_NAT=1
VARIANT_IPV6=1

variant_up() {
	local i ns
	ip -n "$NODE_NS" link add br0 type bridge
	ip -n "$NODE_NS" addr add "$GW_IP/$PLEN" dev br0
	ip -n "$NODE_NS" -6 addr add "$GW_IP6/$PLEN6" dev br0 nodad
	ip -n "$NODE_NS" link set br0 up
	for i in 1 2; do
		ns=$BENCH_PREFIX-$i
		# Created in the node namespace with its peer already in the
		# container: no interface ever appears in the root namespace.
		ip -n "$NODE_NS" link add "c$i-h" type veth peer name eth0 netns "$ns"
		ip -n "$NODE_NS" link set "c$i-h" master br0 up
	done
	bench_container_ip "$C1_NS" "$C1_IP"
	bench_container_ip "$C2_NS" "$C2_IP"
	bench_container_ip6 "$C1_NS" "$C1_IP6"
	bench_container_ip6 "$C2_NS" "$C2_IP6"

	bench_uplink_up
	bench_uplink6_up
	# Per-namespace sysctl and rule, exactly the chapter's two commands.
	nsx "$NODE_NS" sysctl -qw net.ipv4.ip_forward=1
	nsx "$NODE_NS" iptables -t nat -A POSTROUTING -s "$SUBNET" ! -o br0 -j MASQUERADE
	# And their IPv6 equivalents (what Docker's --ipv6 with a ULA does).
	nsx "$NODE_NS" sysctl -qw net.ipv6.conf.all.forwarding=1
	nsx "$NODE_NS" ip6tables -t nat -A POSTROUTING -s "$SUBNET6" ! -o br0 -j MASQUERADE
}

# Everything lives in the harness's namespaces, which it deletes next.
variant_down() { :; }

# Before each metric: start from an empty conntrack table, so one metric's
# leftovers (e.g. 100k TIME_WAIT entries after TCP_CRR) do not weigh on the next.
# (conntrack -F empties both families' entries.)
variant_reset() { nsx "$NODE_NS" conntrack -F >/dev/null 2>&1 || true; }

# Live translations: conntrack entries in the node namespace.
variant_nat_count() { nsx "$NODE_NS" cat /proc/sys/net/netfilter/nf_conntrack_count; }

# Control plane: the chapter's commands for one more container (11 `ip` runs).
variant_attach() {
	local ns=$1 ip=$2 idx=$3
	ip -n "$NODE_NS" link add "p$idx" type veth peer name eth0 netns "$ns"
	ip -n "$NODE_NS" link set "p$idx" master br0 up
	ip -n "$ns" link set lo up
	bench_container_ip "$ns" "$ip"
}

variant_detach() {
	local idx=$3
	ip -n "$NODE_NS" link del "p$idx"
}
