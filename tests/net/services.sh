#!/usr/bin/env bash
# Kubernetes Services (issue 13) on the simulated cluster
# (tests/net/multinode/lib.sh): node n1 holds rules shaped like kube-proxy's
# iptables mode (KUBE-SERVICES from PREROUTING and OUTPUT, a KUBE-SVC chain
# per service, a KUBE-SEP chain per endpoint with its DNAT, KUBE-MARK-MASQ
# for sources outside the cluster). A pod's packet to a declared service
# CIDR takes n1's stack, where the DNAT is, and the backend's replies come
# back through it to be translated again: the client talks to the service
# address, the backend sees the client's own address. Backends on another
# node (the reply arrives on the uplink) and on the same node (the reply is
# switched between two of n1's pods) are both tested, each with a control:
# without the declared range the fast path skips the DNAT.
. "$(dirname "$0")/multinode/lib.sh"

SVC_CIDR=10.96.0.0/16

# kube_proxy I NAME VIP PROTO PORT BACKEND:PORT: service NAME on node nI, as
# kube-proxy writes it.
kube_proxy() {
	local i=$1 name=$2 vip=$3 proto=$4 port=$5 ep=$6 ipt
	ipt() { onn "$i" iptables -w -t nat "$@"; }
	if ! ipt -S KUBE-SERVICES >/dev/null 2>&1; then
		ipt -N KUBE-SERVICES && ipt -N KUBE-MARK-MASQ && ipt -N KUBE-POSTROUTING &&
			ipt -A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000 &&
			ipt -A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN &&
			ipt -A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0 &&
			ipt -A KUBE-POSTROUTING -j MASQUERADE &&
			ipt -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES &&
			ipt -A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES &&
			ipt -A POSTROUTING -m comment --comment "kubernetes postrouting rules" \
				-j KUBE-POSTROUTING || return 1
	fi
	ipt -N "KUBE-SVC-$name" && ipt -N "KUBE-SEP-$name" &&
		ipt -A KUBE-SERVICES -d "$vip/32" -p "$proto" --dport "$port" -j "KUBE-SVC-$name" &&
		ipt -A "KUBE-SVC-$name" ! -s "$CLUSTER_CIDR" -d "$vip/32" -p "$proto" --dport "$port" \
			-j KUBE-MARK-MASQ &&
		ipt -A "KUBE-SVC-$name" -j "KUBE-SEP-$name" &&
		ipt -A "KUBE-SEP-$name" -p "$proto" -j DNAT --to-destination "$ep"
}

need_iptables() {
	command -v iptables >/dev/null || skip "iptables is not installed (scripts/deps.sh installs it)"
}

test_service_with_a_backend_on_another_node() {
	need_iptables || return
	mn_cluster 2 || return
	mn_pod 1 p1 && mn_pod 2 p2 || return 1
	serve p2 tcp 7001 && serve p2 udp 7002 || return 1
	kube_proxy 1 WEB 10.96.0.10 tcp 80 10.244.2.2:7001 &&
		kube_proxy 1 DNS 10.96.0.10 udp 53 10.244.2.2:7002 || fail "cannot write the rules" ||
		return 1
	# The control: not declared, the fast path sends it by the default route.
	[ -z "$(peer_seen p1 tcp 10.96.0.10 80)" ] ||
		fail "the service answered before its range was declared (the control)" || return 1
	check "n1: cluster set --service-cidr" bn 1 cluster set --service-cidr "$SVC_CIDR" ||
		return 1
	[ "$(bn 1 -j cluster show | jq -c .service_cidrs)" = "[\"$SVC_CIDR\"]" ] ||
		fail "cluster show: $(bn 1 -j cluster show)" || return 1
	expect_peer p1 tcp 10.96.0.10 80 10.244.1.2 || return 1
	expect_peer p1 udp 10.96.0.10 53 10.244.1.2 || return 1
	[ "$(events 1 to_service_stack)" -gt 0 ] ||
		fail "n1's switch sent nothing to the stack for the service" || return 1
	[ "$(uplink_events 1 reply_via_stack)" -gt 0 ] ||
		fail "n1's uplink left no reply to the stack" || return 1
	# Pod to pod across the nodes keeps the fast path both ways.
	expect_peer p1 tcp 10.244.2.2 7001 10.244.1.2 || return 1
	# The one translation is the control's, made before the range was declared.
	[ "$(bn 1 -j nat show | jq -c '[.[] | select(.remote_addr | startswith("10.")) | .remote_addr]')" = \
		'["10.96.0.10"]' ] || fail "n1 masqueraded pod or service traffic: $(bn 1 nat show)"
}

test_service_with_a_backend_on_the_same_node() {
	need_iptables || return
	mn_cluster 2 || return
	mn_pod 1 p1 && mn_pod 1 p1b 3 || return 1
	serve p1b tcp 7001 && serve p1b udp 7002 || return 1
	kube_proxy 1 WEB 10.96.0.20 tcp 80 10.244.1.3:7001 &&
		kube_proxy 1 DNS 10.96.0.20 udp 53 10.244.1.3:7002 || fail "cannot write the rules" ||
		return 1
	check "n1: cluster set --service-cidr" bn 1 cluster set --service-cidr "$SVC_CIDR" ||
		return 1
	expect_peer p1 tcp 10.96.0.20 80 10.244.1.2 || return 1
	expect_peer p1 udp 10.96.0.20 53 10.244.1.2 || return 1
	[ "$(events 1 reply_via_stack)" -gt 0 ] ||
		fail "n1's switch sent no reply of p1b's back through the stack" || return 1
	# p1b's own traffic to p1 still goes straight across.
	serve p1 tcp 7003 || return 1
	expect_peer p1b tcp 10.244.1.2 7003 10.244.1.3 || return 1
	# The range removed, the service is out of reach again.
	check "n1: cluster set --service-cidr ''" bn 1 cluster set --service-cidr "" || return 1
	[ -z "$(peer_seen p1 tcp 10.96.0.20 80)" ] ||
		fail "the service still answers with no range declared"
}

run_tests "$@"
