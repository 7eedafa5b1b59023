/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * IPv4 a container sends to its gateway: checked against the other networks
 * and the node's services, and, for a destination behind the uplink, sent
 * straight out of the uplink, as the node's stack would send it (same FIB,
 * same neighbour, TTL - 1). Anything the fast path does not handle exactly
 * like the stack goes to the stack.
 */
#ifndef BPFBR_BPF_ROUTE_H
#define BPFBR_BPF_ROUTE_H

#include "counters.h"
#include "ipv4.h"
#include "guard.h"
#include "inbound.h"
#include "rewrite.h"
#include "tunnel_route.h"

#define AF_INET 2

/*
 * Parses the transport header of p (of frame f), pulling it into the linear
 * part when the skb holds it beyond. Returns parse_ipv4_l4()'s result; f's
 * pointers are fresh (a pull moves the data).
 */
static __always_inline int parse_ipv4_l4_pulled(struct __sk_buff *skb, struct frame *f,
						struct ipv4_pkt *p)
{
	int err = parse_ipv4_l4(f, p);
	__u32 want;

	if (!err || skb->len <= skb->data_end - skb->data)
		return err;
	want = p->l4_off + sizeof(struct tcphdr);
	bpf_skb_pull_data(skb, want < skb->len ? want : skb->len);
	f->data = (void *)(long)skb->data;
	f->data_end = (void *)(long)skb->data_end;
	return parse_ipv4_l4(f, p);
}

/*
 * IPv4 a container (port in) sends to the gateway's MAC: the verdict of the
 * fast path when it routes it; TC_ACT_OK when the stack is to have it (the
 * caller delivers it to the gateway port as usual); or a negative drop
 * reason (a source outside the network, a first fragment without its whole
 * transport header, another network, a node service not allowed).
 */
static __always_inline int route_ipv4(struct __sk_buff *skb, const struct bpfbr_netcfg *cfg,
				      const struct bpfbr_port *in, struct frame *f)
{
	struct bpf_fib_lookup fib = {};
	struct ipv4_pkt p;
	__u32 mtu = 0;
	bool inbound;
	int rc, err;

	/* Malformed: the stack discards it, as it would behind a bridge. */
	if (f->proto != ETH_P_IP || parse_ipv4_hdr(f, &p))
		return TC_ACT_OK;
	err = parse_ipv4_l4_pulled(skb, f, &p);
	/* Only the network's own addresses are routed (--no-spoofchk lets a
	 * container send from others: it would masquerade in another's name). */
	if ((p.saddr & cfg->netmask) != cfg->subnet)
		return -BPFBR_DROP_FOREIGN_SOURCE;
	/* A first fragment whose transport header is cut short hides the ports and
	 * flags every check reads (RFC 1858); a whole packet cut short the stack
	 * discards itself. */
	if (err) {
		if (p.frag == FRAG_FIRST)
			return -BPFBR_DROP_TINY_FRAGMENT;
		return TC_ACT_OK;
	}
	inbound = inbound_flow(&p, in->slot);
	if (p.daddr == cfg->gateway)
		return node_check(cfg, in->slot, f, &p, inbound) ?: TC_ACT_OK;
	/* In the subnet (a stale neighbour entry), broadcast, multicast: the
	 * stack decides, as for any frame to its address. */
	if ((p.daddr & cfg->netmask) == cfg->subnet || ipv4_is_multicast(p.daddr) ||
	    p.daddr == 0xffffffff)
		return TC_ACT_OK;
	if (other_network(p.daddr))
		return -BPFBR_DROP_OTHER_NETWORK;
	/* A Kubernetes service: kube-proxy's DNAT is in the node's netfilter. */
	if (service_dst(p.daddr)) {
		count(BPFBR_EV_SERVICE);
		return TC_ACT_OK;
	}
	fib.family = AF_INET;
	fib.l4_protocol = p.proto;
	fib.ifindex = cfg->gw_ifindex; /* as if it arrived on the gateway device */
	fib.ipv4_src = p.saddr;
	fib.ipv4_dst = p.daddr;
	/* Without forwarding on the gateway (no uplink) an input lookup stops
	 * short; an output lookup still tells the node's own addresses. */
	rc = bpf_fib_lookup(skb, &fib, sizeof(fib),
			    (cfg->flags & BPFBR_NET_ROUTE_FAST) ? 0 : BPF_FIB_LOOKUP_OUTPUT);
	if (rc == BPF_FIB_LKUP_RET_NOT_FWDED) /* one of the node's addresses */
		return node_check(cfg, in->slot, f, &p, inbound) ?: TC_ACT_OK;
	/* The stack refuses it and says so (ICMP): e.g. the range of a node that
	 * left the cluster, on the cluster's unreachable route. */
	if (rc == BPF_FIB_LKUP_RET_UNREACHABLE || rc == BPF_FIB_LKUP_RET_BLACKHOLE ||
	    rc == BPF_FIB_LKUP_RET_PROHIBIT) {
		count(BPFBR_EV_UNREACHABLE);
		return TC_ACT_OK;
	}
	/* The stack answers for itself: TTL expiry, destinations not behind the
	 * uplink, IPv4 options (source routes it drops by default, record route
	 * and timestamps it fills in). */
	if (!(cfg->flags & BPFBR_NET_ROUTE_FAST) || p.ttl <= 1 ||
	    p.l4_off != p.l3_off + sizeof(struct iphdr))
		return TC_ACT_OK;
	if (inbound)
		return TC_ACT_OK;
	if (fib.ifindex != cfg->uplink_ifindex) /* another node's pods (VXLAN), or the stack's */
		return tunnel_route(skb, &p, &fib, rc);
	/* Too big for the uplink, counting each GSO segment (the lookup's own
	 * check lets GSO packets through, and none is made without a neighbour):
	 * the stack fragments it or sends "fragmentation needed", as a router. */
	if (bpf_check_mtu(skb, cfg->uplink_ifindex, &mtu, 0, BPF_MTU_CHK_SEGS)) {
		node_too_big(skb, direct_node(p.daddr), &p);
		return TC_ACT_OK;
	}
	if (rc == BPF_FIB_LKUP_RET_SUCCESS) {
		if (ttl_decrement(skb, &p) || rewrite_l2(skb, fib.dmac, fib.smac))
			return TC_ACT_OK;
		count(BPFBR_EV_ROUTED);
		return bpf_redirect(cfg->uplink_ifindex, 0);
	}
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH) {
		/* The neighbour subsystem resolves the next hop, as for the stack. */
		if (ttl_decrement(skb, &p))
			return TC_ACT_OK;
		count(BPFBR_EV_ROUTED);
		return bpf_redirect_neigh(cfg->uplink_ifindex, NULL, 0, 0);
	}
	return TC_ACT_OK;
}

#endif
