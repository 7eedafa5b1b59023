/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * NAT66 on the way out (TC egress of the uplink): IPv6 a container sends
 * leaves from the uplink's IPv6 address and an outside port of its flow,
 * as nat_egress.h does for IPv4 (fragments too, nat6_frag.h); a connection
 * of the node keeps its port
 * unless a container's flow holds that tuple. What the node's stack routed
 * here already had its hop limit decremented.
 */
#ifndef BPFBR_BPF_NAT6_OUT_H
#define BPFBR_BPF_NAT6_OUT_H

#include "nat6_frag.h"
#include "nat6_icmp.h"

/* The ICMPv6 echo identifier of p (an echo request or reply). */
static __always_inline __u16 echo_id6(const struct frame *f, const struct ipv6_pkt *p)
{
	__u8 *ih = f->data + (p->l4_off & L4_OFF6_MASK);
	__u16 id = 0;

	if ((void *)(ih + 8) <= f->data_end)
		__builtin_memcpy(&id, ih + 4, 2);
	return id;
}

/* The inside key of p from the container (or the node): TCP, UDP, echo requests. */
static __always_inline bool out_key6(const struct frame *f, const struct ipv6_pkt *p,
				     struct bpfbr_nat6_key *ik)
{
	if (!p->has_l4)
		return false;
	if (p->proto == IPPROTO_ICMPV6) {
		if (p->icmp_type != ICMPV6_ECHO_REQUEST)
			return false;
		inside_key6(ik, p->proto, p->saddr, p->daddr, echo_id6(f, p), 0);
		return true;
	}
	if (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP)
		return false;
	inside_key6(ik, p->proto, p->saddr, p->daddr, p->sport, p->dport);
	return true;
}

/* Offset of the port (or echo id) masquerade changes on our side. */
static __always_inline __u16 our_port_off6(const struct ipv6_pkt *p, bool egress)
{
	if (p->proto == IPPROTO_ICMPV6)
		return p->l4_off + 4;
	return p->l4_off + (egress ? 0 : 2);
}

/* An ICMPv6 error a container sends about a packet that came in on one of its flows
 * (a frame of its own: the quote does not weigh on the stack of the common path). */
static __noinline int snat6_icmp_error(struct __sk_buff *skb, const struct frame *f,
				       const struct bpfbr_uplink_cfg6 *c6, struct nat6_scratch *s)
{
	const struct ipv6_pkt *p = &s->p;
	__u16 icmp_csum = p->l4_off + 2;
	struct quoted6 *q = &s->q;
	struct bpfbr_flow *fl;
	__u32 *slot;

	if (!parse_quoted6(skb, f->l3_off, p->l4_off, q) || q->proto == IPPROTO_ICMPV6 ||
	    !ipv6_equal(q->daddr, p->saddr) || !ipv6_equal(q->saddr, p->daddr))
		return -BPFBR_DROP_NAT_PROTO;
	inside_key6(&s->ik, q->proto, q->daddr, q->saddr, q->dport, q->sport);
	slot = bpf_map_lookup_elem(&nat_out6, &s->ik);
	fl = slot ? flow_get(*slot) : NULL;
	if (!fl || (fl->flags & BPFBR_FLOW_HOST))
		return -BPFBR_DROP_NAT_PROTO;
	if (quote6_rewrite(skb, icmp_csum, q, true, c6->addr, fl->oport) ||
	    rewrite6(skb, f->l3_off, true, p->saddr, c6->addr, p->proto, icmp_csum, 0, 0, 0))
		return -BPFBR_DROP_TRUNCATED;
	nat_count(BPFBR_EV_NAT_ICMP_ERROR);
	return TC_ACT_OK;
}

/* A container's packet p (of frame f), from endpoint ep, leaves from the uplink's IPv6 address. */
static __always_inline int snat6_container(struct __sk_buff *skb, struct bpfbr_endpoint *ep,
					   const struct frame *f, struct nat6_scratch *s)
{
	const struct bpfbr_uplink_cfg6 *c6 = uplink_cfg6();
	const struct ipv6_pkt *p = &s->p;
	struct bpfbr_nat6_key *ik = &s->ik;
	struct bpfbr_flow *fl;
	__u32 slot = 0;
	int err;

	if (ipv6_is_multicast(p->daddr))
		return TC_ACT_OK; /* never masquerade multicast */
	if (p->rh0)
		return -BPFBR_DROP_IPV6_RH0;
	if (!c6)
		return -BPFBR_DROP_NAT6_NO_ADDRESS;
	if (p->frag == FRAG_LATER) {
		/* As its first fragment went; no checksum in it covers the address. */
		if (!frag_flow6(f, s, &slot))
			return -BPFBR_DROP_FRAG_UNKNOWN;
		if (bpf_skb_store_bytes(skb, f->l3_off + IP6_SADDR_OFF, c6->addr, 16, 0))
			return -BPFBR_DROP_TRUNCATED;
		return TC_ACT_OK;
	}
	if (p->proto == IPPROTO_ICMPV6 && icmp6_is_error(p->icmp_type) && p->frag == FRAG_NONE)
		return snat6_icmp_error(skb, f, c6, s);
	if (!out_key6(f, p, ik))
		return -BPFBR_DROP_NAT_PROTO;
	err = flow_for6(skb, ep, ik, &fl, &slot);
	if (err)
		return err;
	flow_track_l4(fl, p->proto, p->tcp_flags, false, true);
	flow_count(slot, fl, false, skb->len);
	if (p->frag == FRAG_FIRST)
		remember_frag6(f, s, fl, slot);
	/* (A first fragment's transport checksum covers the whole datagram: the
	 * same update holds.) */
	if (rewrite6(skb, f->l3_off, true, p->saddr, c6->addr, p->proto,
		     l4_csum_off6(p->proto, p->l4_off), our_port_off6(p, true), ik->port,
		     fl->oport))
		return -BPFBR_DROP_TRUNCATED;
	return TC_ACT_OK;
}

/* A connection of the node keeps its port unless a container flow holds the tuple. */
static __always_inline int snat6_node(struct __sk_buff *skb, const struct frame *f,
				      struct nat6_scratch *s)
{
	const struct ipv6_pkt *p = &s->p;
	struct bpfbr_nat6_key *ik = &s->ik;
	struct bpfbr_flow *fl;
	__u32 slot = 0;
	int err;

	if (p->frag != FRAG_NONE || !out_key6(f, p, ik))
		return TC_ACT_OK;
	if (!bpf_map_lookup_elem(&nat_out6, ik)) {
		outside_key6(&s->ok, ik->proto, ik->raddr, ik->rport, ik->port);
		if (!bpf_map_lookup_elem(&nat_in6, &s->ok))
			return TC_ACT_OK; /* the common case: nothing to do */
		nat_count(BPFBR_EV_NAT_HOST_REMAP);
	}
	err = flow_for6(skb, NULL, ik, &fl, &slot);
	if (err)
		return err;
	flow_track_l4(fl, p->proto, p->tcp_flags, false, true);
	flow_count(slot, fl, false, skb->len);
	if (ik->port != fl->oport)
		store_csum16(skb, l4_csum_off6(p->proto, p->l4_off), our_port_off6(p, true),
			     ik->port, fl->oport, p->proto == IPPROTO_UDP);
	return TC_ACT_OK;
}

/* TC egress of the uplink, IPv6 (frame f): the verdict, or a negative drop reason. */
static __always_inline int nat6_out(struct __sk_buff *skb, struct frame *f)
{
	struct nat6_scratch *s = nat6_scratch_get();
	const struct bpfbr_uplink_cfg6 *c6;
	struct bpfbr_endpoint *ep;
	int err;

	if (!s)
		return TC_ACT_OK;
	__builtin_memset(&s->p, 0, sizeof(s->p));
	err = parse_ipv6(f, &s->p);
	ep = bpf_map_lookup_elem(&nat_endpoints6, s->p.saddr);
	if (f->vlan_tagged || skb->vlan_present)
		return ep ? -BPFBR_DROP_VLAN : TC_ACT_OK;
	if (ep)
		return err ?: snat6_container(skb, ep, f, s);
	c6 = uplink_cfg6();
	if (!err && c6 && ipv6_equal(s->p.saddr, c6->addr))
		return snat6_node(skb, f, s);
	return TC_ACT_OK;
}

#endif
