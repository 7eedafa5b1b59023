/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Straight into the pod (many nodes, direct mode): a packet arriving on the
 * uplink from the cluster (its source in the nomasq map: a pod or node of
 * the cluster) for a container of a network that masquerades through this
 * uplink (an endpoint) is delivered into it as the node's stack would
 * forward it: TTL - 1, the gateway's MAC as source, bpf_redirect_peer.
 * Whatever the stack must see goes to it: TTL expiring, fragments, IPv4
 * options, sources outside the cluster (the node's firewall applies there).
 */
#ifndef BPFBR_BPF_CLUSTER_IN_H
#define BPFBR_BPF_CLUSTER_IN_H

#include "ipv4.h"
#include "nat_maps.h"
#include "rewrite.h"

/* A verdict, or a negative drop reason (nat_verdict()). */
static __always_inline int cluster_deliver(struct __sk_buff *skb, const struct ipv4_pkt *p)
{
	struct bpfbr_endpoint *ep;
	__u8 mac[6], gw_mac[6];
	__u32 ifindex;

	if (p->ttl <= 1 || p->frag != FRAG_NONE || p->l4_off != p->l3_off + sizeof(struct iphdr))
		return TC_ACT_OK;
	ep = bpf_map_lookup_elem(&nat_endpoints, &p->daddr);
	if (!ep || !nomasq_dst(p->saddr))
		return TC_ACT_OK;
	ifindex = ep->ifindex;
	__builtin_memcpy(mac, ep->mac, 6);
	__builtin_memcpy(gw_mac, ep->gw_mac, 6);
	if (ttl_decrement(skb, p) || rewrite_l2(skb, mac, gw_mac))
		return -BPFBR_DROP_TRUNCATED;
	nat_count(BPFBR_EV_CLUSTER_IN);
	return bpf_redirect_peer(ifindex, 0);
}

#endif
