/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * NAT66 on the way in (TC ingress of the uplink): replies to the uplink's
 * IPv6 address translated back to their flow's inside address and port and
 * delivered into the container, as nat_ingress.h does for IPv4; a node
 * connection's get its own port back and go to the stack. ICMPv6 errors
 * about our packets go with the flow of the packet they quote, later
 * fragments with the flow of their first (nat6_frag.h).
 */
#ifndef BPFBR_BPF_NAT6_IN_H
#define BPFBR_BPF_NAT6_IN_H

#include "nat6_out.h"

/* An ICMPv6 error from outside about a packet of one of our flows (s->p). */
static __always_inline int reverse6_icmp_error(struct __sk_buff *skb, const struct frame *f,
					       const struct bpfbr_uplink_cfg6 *c6,
					       struct nat6_scratch *s)
{
	const struct ipv6_pkt *p = &s->p;
	__u16 icmp_csum = p->l4_off + 2;
	struct quoted6 *q = &s->q;
	struct bpfbr_flow6 *a = NULL;
	struct bpfbr_flow *fl;
	__u32 slot = 0;
	int err;

	if (!parse_quoted6(skb, f->l3_off, p->l4_off, q) || !ipv6_equal(q->saddr, c6->addr))
		return TC_ACT_OK;
	/* The quoted packet is one we sent: its source is our outside tuple. */
	fl = reply_flow6(q->proto, q->daddr, q->dport, q->sport, &slot, &a);
	if (!fl || !a)
		return TC_ACT_OK;
	if (fl->flags & BPFBR_FLOW_HOST) {
		err = store_csum16(skb, icmp_csum, q->l4_off + (q->proto == IPPROTO_ICMPV6 ? 4 : 0),
				   q->sport, fl->iport, false);
		if (!err && q->l4_csum_off)
			err = store_csum16(skb, icmp_csum, q->l4_csum_off, q->l4_csum,
					   csum_update16(q->l4_csum, q->sport, fl->iport), false);
		nat_count(BPFBR_EV_NAT_ICMP_ERROR);
		return err ? -BPFBR_DROP_TRUNCATED : TC_ACT_OK;
	}
	if (quote6_rewrite(skb, icmp_csum, q, false, a->iaddr, fl->iport) ||
	    rewrite6(skb, f->l3_off, false, p->daddr, a->iaddr, p->proto, icmp_csum, 0, 0, 0))
		return -BPFBR_DROP_TRUNCATED;
	nat_count(BPFBR_EV_NAT_ICMP_ERROR);
	return deliver_inside6(skb, f->l3_off, p->hop_limit, fl);
}

/* A later fragment (s->p) of a reply: as its first fragment went. */
static __always_inline int reverse6_fragment(struct __sk_buff *skb, const struct frame *f,
					     struct nat6_scratch *s)
{
	struct bpfbr_flow6 *a;
	struct bpfbr_flow *fl;
	__u32 slot = 0;

	fl = frag_flow6(f, s, &slot);
	if (!fl || (fl->flags & BPFBR_FLOW_HOST))
		return TC_ACT_OK; /* the node's own, or unknown: the stack decides */
	a = bpf_map_lookup_elem(&nat_flows6, &slot);
	if (!a)
		return TC_ACT_OK;
	if (bpf_skb_store_bytes(skb, f->l3_off + IP6_DADDR_OFF, a->iaddr, 16, 0))
		return -BPFBR_DROP_TRUNCATED;
	return deliver_inside6(skb, f->l3_off, s->p.hop_limit, fl);
}

/* A reply (s->p, of frame f): back to its flow's inside address and port, into the container. */
static __always_inline int reverse6_reply(struct __sk_buff *skb, const struct frame *f,
					  struct nat6_scratch *s)
{
	const struct ipv6_pkt *p = &s->p;
	bool echo = p->proto == IPPROTO_ICMPV6;
	__u16 oport = echo ? echo_id6(f, p) : p->dport;
	struct bpfbr_flow6 *a = NULL;
	struct bpfbr_flow *fl;
	__u32 slot = 0;

	fl = reply_flow6(p->proto, p->saddr, echo ? 0 : p->sport, oport, &slot, &a);
	if (!fl || !a) {
		if (p->frag == FRAG_FIRST)
			forget_frag6(f, s);
		return TC_ACT_OK;
	}
	flow_track_l4(fl, p->proto, p->tcp_flags, true, true);
	flow_count(slot, fl, true, skb->len);
	if (p->frag == FRAG_FIRST)
		remember_frag6(f, s, fl, slot);
	if (fl->flags & BPFBR_FLOW_HOST) {
		if (oport != fl->iport)
			store_csum16(skb, l4_csum_off6(p->proto, p->l4_off),
				     our_port_off6(p, false), oport, fl->iport,
				     p->proto == IPPROTO_UDP);
		return TC_ACT_OK;
	}
	if (rewrite6(skb, f->l3_off, false, p->daddr, a->iaddr, p->proto,
		     l4_csum_off6(p->proto, p->l4_off), our_port_off6(p, false), oport, fl->iport))
		return -BPFBR_DROP_TRUNCATED;
	return deliver_inside6(skb, f->l3_off, p->hop_limit, fl);
}

/* TC ingress of the uplink, IPv6 (untagged frame f): the verdict, or a negative drop reason. */
static __always_inline int nat6_in(struct __sk_buff *skb, struct frame *f)
{
	const struct bpfbr_uplink_cfg6 *c6 = uplink_cfg6();
	struct nat6_scratch *s = nat6_scratch_get();
	struct ipv6_pkt *p;

	if (!c6 || !s)
		return TC_ACT_OK;
	p = &s->p;
	__builtin_memset(p, 0, sizeof(*p));
	if (parse_ipv6(f, p) || !ipv6_equal(p->daddr, c6->addr))
		return TC_ACT_OK;
	/* RFC 5095: never acted on; translated, it would go round the node's stack. */
	if (p->rh0)
		return -BPFBR_DROP_IPV6_RH0;
	if (p->frag == FRAG_LATER)
		return reverse6_fragment(skb, f, s);
	if (!p->has_l4)
		return TC_ACT_OK;
	if (p->proto == IPPROTO_ICMPV6 && icmp6_is_error(p->icmp_type) && p->frag == FRAG_NONE)
		return reverse6_icmp_error(skb, f, c6, s);
	if (p->proto == IPPROTO_ICMPV6 && p->icmp_type != ICMPV6_ECHO_REPLY)
		return TC_ACT_OK;
	if (p->proto != IPPROTO_ICMPV6 && p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP)
		return TC_ACT_OK;
	return reverse6_reply(skb, f, s);
}

#endif
