/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * IPv6 a container sends to the gateway's MAC, on a network with an IPv6
 * subnet: the node's guard as for IPv4 (guard.h). Of the node, a container
 * may reach the gateway's addresses (its address in the subnet and its
 * link-local one) with ICMPv6 (echo, neighbour discovery, MLD) and the
 * services --gateway-allow names, and replies to flows the node opened
 * (TCP past the SYN, UDP the node sent in first (inbound6.h); the node
 * reaches the subnet from the gateway's address). Multicast goes to the stack, as for
 * IPv4. On a network with an uplink, what the node's FIB sends out of the
 * uplink is routed by the stack (route6_uplink()); everything else is
 * dropped (ipv6_unrouted), so nothing escapes into the node or another
 * network.
 */
#ifndef BPFBR_BPF_GUARD6_H
#define BPFBR_BPF_GUARD6_H

#include "inbound6.h"
#include "ipv6.h"
#include "maps.h"
#include "maps6.h"
#include "route6.h"

/* The guard's rules for p, from port slot, to one of the gateway's addresses. 0 or -reason. */
static __always_inline int node_guard6(const struct bpfbr_netcfg *cfg, const struct ipv6_pkt *p,
				       __u16 slot)
{
	if (cfg->flags & BPFBR_NET_NODE_OPEN)
		return 0;
	/* Later fragments are not followed to their first yet. */
	if (p->frag == FRAG_LATER)
		return -BPFBR_DROP_FRAG_UNKNOWN;
	if (!p->has_l4)
		return -BPFBR_DROP_NODE_DENIED;
	/* A reply: a TCP segment past the SYN, UDP the node sent in first. */
	if ((p->proto == NEXTHDR_TCP && (p->tcp_flags & TCP_FLAG_ACK)) || inbound6_reply(p, slot))
		return 0;
	/* Pings, neighbour discovery and MLD; never a router's messages. */
	if (p->proto == NEXTHDR_ICMP)
		return p->icmp_type == ICMPV6_ROUTER_ADVERT || p->icmp_type == ICMPV6_REDIRECT
			       ? -BPFBR_DROP_NODE_DENIED
			       : 0;
	if (p->proto != NEXTHDR_TCP && p->proto != NEXTHDR_UDP)
		return -BPFBR_DROP_NODE_DENIED;
#pragma unroll
	for (__u32 i = 0; i < BPFBR_GATEWAY_ALLOW_MAX; i++) {
		if (i >= cfg->n_allow)
			break;
		if (cfg->allow[i].proto == p->proto &&
		    (!cfg->allow[i].port || cfg->allow[i].port == p->dport))
			return 0;
	}
	return -BPFBR_DROP_NODE_DENIED;
}

/*
 * IPv6 from port slot beyond the network, on a network with an uplink (p
 * of frame f): what the node's FIB sends out of the uplink goes there by
 * the fast path (route6.h), or by the stack (TC_ACT_OK: hop limit, packet
 * too big and all); nat6_out.h masquerades it there when the network does;
 * a node address is guarded as the gateway's are; anything else (another
 * network, another device of the node, no route) is ipv6_unrouted.
 */
static __always_inline int route6_uplink(struct __sk_buff *skb, const struct bpfbr_netcfg *cfg,
					 __u16 slot, const struct ipv6_pkt *p, __u16 l3_off)
{
	struct bpf_fib_lookup fib = {};
	int rc;

	/* RFC 5095: never forwarded. */
	if (p->rh0)
		return -BPFBR_DROP_IPV6_RH0;
	if (ipv6_is_link_local(p->saddr))
		return -BPFBR_DROP_IPV6_UNROUTED;
	fib.family = AF_INET6;
	fib.l4_protocol = p->proto;
	fib.ifindex = cfg->gw_ifindex; /* as if it arrived on the gateway device */
	__builtin_memcpy(fib.ipv6_src, p->saddr, 16);
	__builtin_memcpy(fib.ipv6_dst, p->daddr, 16);
	rc = bpf_fib_lookup(skb, &fib, sizeof(fib), 0);
	if (rc == BPF_FIB_LKUP_RET_NOT_FWDED) /* one of the node's addresses */
		return node_guard6(cfg, p, slot) ?: TC_ACT_OK;
	if ((rc == BPF_FIB_LKUP_RET_SUCCESS || rc == BPF_FIB_LKUP_RET_NO_NEIGH ||
	     rc == BPF_FIB_LKUP_RET_FRAG_NEEDED) &&
	    fib.ifindex == cfg->uplink_ifindex)
		return route6_fast(skb, cfg, p, l3_off, &fib, rc);
	return -BPFBR_DROP_IPV6_UNROUTED;
}

/*
 * IPv6 a container (frame f) sends to the gateway's MAC: TC_ACT_OK when the
 * stack is to have it, or a negative drop reason. Not IPv6, or a network
 * without an IPv6 subnet: TC_ACT_OK (node_frame_guard() judged it).
 */
static __always_inline int route_ipv6(struct __sk_buff *skb, const struct bpfbr_netcfg *cfg,
				      __u16 slot, const struct frame *f)
{
	struct bpfbr_netcfg6 *c6;
	struct ipv6_pkt p;
	int err;

	if (f->proto != ETH_P_IPV6)
		return TC_ACT_OK;
	c6 = config6_get();
	if (!c6)
		return TC_ACT_OK;
	err = parse_ipv6(f, &p);
	if (err)
		return err;
	if (!ipv6_is_link_local(p.saddr) && !ipv6_is_zero(p.saddr) &&
	    !ipv6_in_prefix(p.saddr, c6->subnet, c6->prefix))
		return -BPFBR_DROP_FOREIGN_SOURCE;
	if (ipv6_is_multicast(p.daddr))
		return TC_ACT_OK;
	if (ipv6_equal(p.daddr, c6->gateway) || ipv6_equal(p.daddr, c6->gateway_ll))
		return node_guard6(cfg, &p, slot) ?: TC_ACT_OK;
	/* Another address of the subnet (a stale neighbour entry): the stack
	 * decides, as for IPv4. */
	if (ipv6_in_prefix(p.daddr, c6->subnet, c6->prefix) || (cfg->flags & BPFBR_NET_NODE_OPEN))
		return TC_ACT_OK;
	if (ipv6_is_link_local(p.daddr))
		return -BPFBR_DROP_NODE_DENIED;
	/* Without an uplink the node routes no IPv6 of the network (its IPv6
	 * forwarding may be off, and then a FIB lookup cannot tell its own
	 * addresses from the world). */
	if (!cfg->uplink_ifindex)
		return -BPFBR_DROP_IPV6_UNROUTED;
	return route6_uplink(skb, cfg, slot, &p, f->l3_off);
}

#endif
