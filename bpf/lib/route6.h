/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * IPv6 a container sends beyond the network that the node's FIB sends out
 * of the uplink: on a network with the routing fast path, sent straight out
 * of it as the stack would send it (same FIB, same neighbour, hop limit - 1),
 * where the uplink's egress masquerades it (nat6_out.h) when the network
 * does. What the fast path does not handle exactly like the stack goes to
 * the stack: a hop limit that expires (time exceeded), extension headers
 * (hop-by-hop options a router reads, fragments), a packet too big for the
 * uplink (packet too big), the unspecified source.
 */
#ifndef BPFBR_BPF_ROUTE6_H
#define BPFBR_BPF_ROUTE6_H

#include "counters.h"
#include "ipv6.h"
#include "rewrite.h"

#define IP6_HOP_LIMIT_OFF 7

/* p (at l3_off) after a FIB lookup fib that answered rc for the uplink: the
 * fast path's redirect, or TC_ACT_OK for the stack. */
static __always_inline int route6_fast(struct __sk_buff *skb, const struct bpfbr_netcfg *cfg,
				       const struct ipv6_pkt *p, __u16 l3_off,
				       const struct bpf_fib_lookup *fib, int rc)
{
	__u8 hop_limit = p->hop_limit - 1;
	__u32 mtu = 0;

	if (!(cfg->flags & BPFBR_NET_ROUTE_FAST) || p->hop_limit <= 1 ||
	    p->l4_off != l3_off + sizeof(struct ipv6hdr) || ipv6_is_zero(p->saddr) ||
	    (rc != BPF_FIB_LKUP_RET_SUCCESS && rc != BPF_FIB_LKUP_RET_NO_NEIGH))
		return TC_ACT_OK;
	/* Counting each GSO segment: the stack sends "packet too big" as a router. */
	if (bpf_check_mtu(skb, cfg->uplink_ifindex, &mtu, 0, BPF_MTU_CHK_SEGS))
		return TC_ACT_OK;
	if (bpf_skb_store_bytes(skb, l3_off + IP6_HOP_LIMIT_OFF, &hop_limit, 1, 0) ||
	    (rc == BPF_FIB_LKUP_RET_SUCCESS && rewrite_l2(skb, fib->dmac, fib->smac)))
		return TC_ACT_OK;
	count(BPFBR_EV_ROUTED);
	if (rc ==
	    BPF_FIB_LKUP_RET_NO_NEIGH) /* resolved by the neighbour subsystem, as for the stack */
		return bpf_redirect_neigh(cfg->uplink_ifindex, NULL, 0, 0);
	return bpf_redirect(cfg->uplink_ifindex, 0);
}

#endif
