/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The routing fast path of a container port: IPv4 sent to the gateway for
 * a destination behind the uplink goes straight out of the uplink, as the
 * node's stack would send it (same FIB, same neighbour, TTL - 1). Anything
 * the fast path does not handle exactly like the stack goes to the stack.
 */
#ifndef BPFBR_BPF_ROUTE_H
#define BPFBR_BPF_ROUTE_H

#include "counters.h"
#include "ipv4.h"
#include "rewrite.h"

#define AF_INET	       2
#define ROUTE_TO_STACK (-1)

static __always_inline bool ipv4_is_multicast(__u32 addr)
{
	return (bpf_ntohl(addr) & 0xf0000000) == 0xe0000000;
}

/*
 * A TCP connection the container did not open came in through the node's
 * stack (a port mapping's DNAT, plain routing): its packets must return
 * that way for conntrack to translate them. The container's SYN-ACK marks
 * such a connection.
 */
static __always_inline bool inbound_connection(const struct ipv4_pkt *p)
{
	struct bpfbr_conn_key k = {
		.saddr = p->saddr, .daddr = p->daddr, .sport = p->sport, .dport = p->dport
	};
	__u8 one = 1;

	if ((p->tcp_flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == (TCP_FLAG_SYN | TCP_FLAG_ACK)) {
		bpf_map_update_elem(&bpfbr_inbound, &k, &one, BPF_ANY);
		return true;
	}
	return bpf_map_lookup_elem(&bpfbr_inbound, &k) != NULL;
}

/* A verdict, or ROUTE_TO_STACK: deliver to the gateway port as usual. */
static __always_inline int route_fast(struct __sk_buff *skb, const struct bpfbr_netcfg *cfg,
				      struct frame *f)
{
	struct bpf_fib_lookup fib = {};
	struct ipv4_pkt p;
	__u32 mtu = 0;
	int rc;

	if (!(cfg->flags & BPFBR_NET_ROUTE_FAST) || f->proto != ETH_P_IP || f->vlan_tagged)
		return ROUTE_TO_STACK;
	if (parse_ipv4(f, &p))
		return ROUTE_TO_STACK;
	/* The stack answers for itself: TTL expiry, local and in-subnet
	 * destinations, multicast. */
	if (p.ttl <= 1 || (p.daddr & cfg->netmask) == cfg->subnet || ipv4_is_multicast(p.daddr))
		return ROUTE_TO_STACK;
	if (p.proto == IPPROTO_TCP && inbound_connection(&p))
		return ROUTE_TO_STACK;
	fib.family = AF_INET;
	fib.l4_protocol = p.proto;
	fib.ifindex = cfg->gw_ifindex; /* as if it arrived on the gateway device */
	fib.ipv4_src = p.saddr;
	fib.ipv4_dst = p.daddr;
	rc = bpf_fib_lookup(skb, &fib, sizeof(fib), 0);
	if (fib.ifindex != cfg->uplink_ifindex)
		return ROUTE_TO_STACK;
	/* Too big for the uplink, counting each GSO segment (the lookup's own
	 * check lets GSO packets through, and none is made without a neighbour):
	 * the stack fragments it or sends "fragmentation needed", as a router. */
	if (bpf_check_mtu(skb, cfg->uplink_ifindex, &mtu, 0, BPF_MTU_CHK_SEGS))
		return ROUTE_TO_STACK;
	if (rc == BPF_FIB_LKUP_RET_SUCCESS) {
		if (ttl_decrement(skb, &p) || rewrite_l2(skb, fib.dmac, fib.smac))
			return ROUTE_TO_STACK;
		count(BPFBR_EV_ROUTED);
		return bpf_redirect(cfg->uplink_ifindex, 0);
	}
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH) {
		/* The neighbour subsystem resolves the next hop, as for the stack. */
		if (ttl_decrement(skb, &p))
			return ROUTE_TO_STACK;
		count(BPFBR_EV_ROUTED);
		return bpf_redirect_neigh(cfg->uplink_ifindex, NULL, 0, 0);
	}
	return ROUTE_TO_STACK;
}

#endif
