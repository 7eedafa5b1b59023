/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Straight into the pod (many nodes, direct mode): a packet arriving on the
 * uplink from the cluster (its source in the nomasq map: a pod or node of
 * the cluster) for a container of a network that masquerades through this
 * uplink (an endpoint) is delivered into it as the node's stack would
 * forward it: TTL - 1, the gateway's MAC as source, bpf_redirect_peer.
 * Whatever the stack must see goes to it: TTL expiring, fragments, IPv4
 * options, sources outside the cluster (the node's firewall applies there),
 * and replies to flows the stack forwarded (a service's DNAT, whose
 * conntrack entry must translate them back: cluster_stack_flows).
 */
#ifndef BPFBR_BPF_CLUSTER_IN_H
#define BPFBR_BPF_CLUSTER_IN_H

#include "ipv4.h"
#include "nat_maps.h"
#include "rewrite.h"

/* The reply-direction key of p (TCP or UDP with its ports), reversed when rev. */
static __always_inline bool stack_flow_key(const struct ipv4_pkt *p, bool rev,
					   struct bpfbr_conn_key *k)
{
	if (!p->has_ports || (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP))
		return false;
	k->saddr = rev ? p->daddr : p->saddr;
	k->daddr = rev ? p->saddr : p->daddr;
	k->sport = rev ? p->dport : p->sport;
	k->dport = rev ? p->sport : p->dport;
	k->proto = p->proto;
	return true;
}

/*
 * A container's packet p (endpoint ep) for the cluster, leaving: one the
 * node's stack forwarded (it entered the stack elsewhere than the
 * container's port, where the fast path would have taken it) that opens a
 * flow is remembered by its replies.
 */
static __always_inline void stack_flow_note(const struct __sk_buff *skb,
					    const struct bpfbr_endpoint *ep,
					    const struct ipv4_pkt *p)
{
	struct bpfbr_conn_key k = {};
	__u64 now;

	if (skb->ingress_ifindex == ep->ifindex || !stack_flow_key(p, true, &k) ||
	    (p->proto == IPPROTO_TCP && !(p->tcp_flags & TCP_FLAG_SYN)))
		return;
	now = bpf_ktime_get_ns();
	bpf_map_update_elem(&nat_stack_flows, &k, &now, BPF_ANY);
}

/* A verdict, or a negative drop reason (nat_verdict()). */
static __always_inline int cluster_deliver(struct __sk_buff *skb, const struct ipv4_pkt *p)
{
	struct bpfbr_conn_key k = {};
	struct bpfbr_endpoint *ep;
	__u8 mac[6], gw_mac[6];
	__u32 ifindex;

	if (p->ttl <= 1 || p->frag != FRAG_NONE || p->l4_off != p->l3_off + sizeof(struct iphdr))
		return TC_ACT_OK;
	ep = bpf_map_lookup_elem(&nat_endpoints, &p->daddr);
	if (!ep || !nomasq_dst(p->saddr))
		return TC_ACT_OK;
	if (stack_flow_key(p, false, &k) && bpf_map_lookup_elem(&nat_stack_flows, &k)) {
		nat_count(BPFBR_EV_STACK_REPLY);
		return TC_ACT_OK;
	}
	ifindex = ep->ifindex;
	__builtin_memcpy(mac, ep->mac, 6);
	__builtin_memcpy(gw_mac, ep->gw_mac, 6);
	if (ttl_decrement(skb, p) || rewrite_l2(skb, mac, gw_mac))
		return -BPFBR_DROP_TRUNCATED;
	nat_count(BPFBR_EV_CLUSTER_IN);
	return bpf_redirect_peer(ifindex, 0);
}

#endif
