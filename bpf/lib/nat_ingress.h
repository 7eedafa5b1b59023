/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Replies on the way in (TC ingress of the uplink): translated back to the
 * flow's inside address and port and delivered into the container, as the
 * node's stack would forward them; a connection of the node's gets its own
 * port back and goes to the stack. Each returns a verdict or a negative drop
 * reason.
 */
#ifndef BPFBR_BPF_NAT_INGRESS_H
#define BPFBR_BPF_NAT_INGRESS_H

#include "nat_frag.h"
#include "nat_icmp.h"
#include "nat_policy.h"
#include "nat_reply.h"
#include "publish.h"
#include "rewrite.h"

/* Into the container, as the node's stack would forward it: TTL - 1, new L2. */
static __always_inline int deliver_inside(struct __sk_buff *skb, const struct ipv4_pkt *p,
					  const struct bpfbr_flow *fl)
{
	__u32 ifindex = fl->ifindex;
	__u8 mac[6], gw_mac[6];

	if (p->ttl <= 1)
		return -BPFBR_DROP_TTL_EXCEEDED;
	__builtin_memcpy(mac, fl->mac, 6);
	__builtin_memcpy(gw_mac, fl->gw_mac, 6);
	if (ttl_decrement(skb, p) || rewrite_l2(skb, mac, gw_mac))
		return -BPFBR_DROP_TRUNCATED;
	return bpf_redirect_peer(ifindex, 0);
}

/* An ICMP error from outside about a packet of one of our flows (RFC 5508). */
static __always_inline int reverse_icmp_error(struct __sk_buff *skb,
					      const struct bpfbr_uplink_cfg *cfg,
					      const struct ipv4_pkt *p)
{
	struct bpfbr_flow *fl;
	struct bpfbr_nat_key ok;
	struct quoted q;
	__u32 *slot, iaddr;

	if (!parse_quoted(skb, p, &q) || q.saddr != cfg->addr)
		return TC_ACT_OK;
	/* The quoted packet is one we sent: its source is our outside tuple. */
	outside_key(&ok, q.proto, q.daddr, q.dport, q.sport);
	slot = bpf_map_lookup_elem(&nat_in, &ok);
	fl = slot ? flow_get(*slot) : NULL;
	if (!fl)
		return TC_ACT_OK;
	iaddr = fl->flags & BPFBR_FLOW_HOST ? q.saddr : fl->iaddr;
	if (untranslate_quote(skb, p, &q, iaddr, fl->iport))
		return -BPFBR_DROP_TRUNCATED;
	nat_count(BPFBR_EV_NAT_ICMP_ERROR);
	if (fl->flags & BPFBR_FLOW_HOST)
		return TC_ACT_OK;
	if (rewrite_addr_port(skb, p, false, fl->iaddr, 0, 0, 0))
		return -BPFBR_DROP_TRUNCATED;
	return deliver_inside(skb, p, fl);
}

/* A later fragment p (of frame f) of a reply: as its first fragment went. */
static __always_inline int reverse_fragment(struct __sk_buff *skb, const struct frame *f,
					    const struct ipv4_pkt *p)
{
	struct bpfbr_flow *fl = frag_flow(f, p);

	if (!fl || (fl->flags & BPFBR_FLOW_HOST))
		return TC_ACT_OK; /* the node's own, or unknown: the stack decides */
	rewrite_addr_port(skb, p, false, fl->iaddr, 0, 0, 0);
	return deliver_inside(skb, p, fl);
}

/*
 * A reply p (of frame f, nat_reply_translatable()): back to its flow's
 * inside address and port, into the container; a node connection's gets
 * its port back and goes to the stack, as does anything of no flow that
 * opens none to a published port (publish.h).
 */
static __always_inline int reverse_reply(struct __sk_buff *skb, const struct frame *f,
					 const struct ipv4_pkt *p)
{
	__u16 oport = reply_oport(p);
	struct bpfbr_flow *fl;
	__u32 slot = 0;

	fl = reply_flow(p, &slot);
	if (fl) {
		flow_track(fl, p, true, reply_may_end(f, p, slot));
	} else {
		int err = publish_open(skb, f, p, &fl, &slot);

		if (err)
			return err;
		if (!fl) {
			if (p->frag == FRAG_FIRST)
				forget_frag(p);
			return TC_ACT_OK;
		}
	}
	flow_count(slot, fl, true, skb->len);
	if (p->frag == FRAG_FIRST)
		remember_frag(f, p, fl, slot);
	if (fl->flags & BPFBR_FLOW_HOST) {
		rewrite_addr_port(skb, p, false, p->daddr, our_port_off(p, false), oport,
				  fl->iport);
		return TC_ACT_OK;
	}
	if (rewrite_addr_port(skb, p, false, fl->iaddr, our_port_off(p, false), oport, fl->iport))
		return -BPFBR_DROP_TRUNCATED;
	return deliver_inside(skb, p, fl);
}

#endif
