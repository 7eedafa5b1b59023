/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A pod's IPv4 for another node's pod in a VXLAN cluster (route_ipv4(),
 * after the FIB lookup): encapsulated for the node that owns the
 * destination and sent to the VXLAN device, as the node's stack would
 * forward it through the reconcile's route to that node's pod CIDR (same
 * device, TTL - 1). Too big for the device (its MTU is the uplink's minus
 * the encapsulation): the stack has it, and answers "fragmentation needed"
 * when DF is set, as a router does; so no packet that would need an outer
 * fragment is ever encapsulated here.
 */
#ifndef BPFBR_BPF_TUNNEL_ROUTE_H
#define BPFBR_BPF_TUNNEL_ROUTE_H

#include "counters.h"
#include "ipv4.h"
#include "node_stats.h"
#include "rewrite.h"
#include "tunnel_map.h"

/* The fast path's verdict for p, whose FIB lookup gave rc and fib; TC_ACT_OK: the stack's. */
static __always_inline int tunnel_route(struct __sk_buff *skb, const struct ipv4_pkt *p,
					const struct bpf_fib_lookup *fib, int rc)
{
	struct bpfbr_tunnel_node *n = tunnel_node(p->daddr);
	__u32 mtu = 0, ifindex;

	/* The FIB must agree: the route to the node's pods is the tunnel's (it
	 * names the device for these three; FRAG_NEEDED: too big for it). */
	if (!n ||
	    (rc != BPF_FIB_LKUP_RET_SUCCESS && rc != BPF_FIB_LKUP_RET_NO_NEIGH &&
	     rc != BPF_FIB_LKUP_RET_FRAG_NEEDED) ||
	    fib->ifindex != n->ifindex)
		return TC_ACT_OK;
	ifindex = n->ifindex;
	if (rc == BPF_FIB_LKUP_RET_FRAG_NEEDED ||
	    bpf_check_mtu(skb, ifindex, &mtu, 0, BPF_MTU_CHK_SEGS)) {
		node_too_big(skb, n, p);
		return TC_ACT_OK;
	}
	/* No neighbour yet (the device is NOARP): the stack makes it. */
	if (rc != BPF_FIB_LKUP_RET_SUCCESS || tunnel_key_set(skb, n) || ttl_decrement(skb, p) ||
	    rewrite_l2(skb, fib->dmac, fib->smac))
		return TC_ACT_OK;
	count(BPFBR_EV_TUNNELLED);
	return bpf_redirect(ifindex, 0);
}

#endif
