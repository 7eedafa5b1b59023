/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Masquerade on the way out (TC egress of the uplink): what a container
 * sends leaves from the uplink's address and an outside port of its flow;
 * a connection of the node keeps its own port unless a container's flow
 * holds that tuple. Each returns a verdict or a negative drop reason.
 */
#ifndef BPFBR_BPF_NAT_EGRESS_H
#define BPFBR_BPF_NAT_EGRESS_H

#include "nat_frag.h"
#include "nat_icmp.h"
#include "nat_policy.h"
#include "rewrite.h"

/* The flow for an inside key, created if new. 0 or a negative drop reason. */
/* The container's flow ik (inside key) came in through the node, and its
 * replies were seen leaving by the switch, lately (the inbound flows'
 * timeouts: a flow idle longer is over, and the same tuple opened by the
 * container later is translated): no translation. */
static __always_inline bool inbound_replied(const struct bpfbr_nat_key *ik)
{
	struct bpfbr_conn_key k = {
		.saddr = ik->addr,
		.daddr = ik->raddr,
		.sport = ik->port,
		.dport = ik->rport,
		.proto = ik->proto,
	};
	__u64 *seen = bpf_map_lookup_elem(&nat_inbound_replies, &k), now;
	__u64 idle = (ik->proto == IPPROTO_TCP ? BPFBR_INBOUND_TCP_S : BPFBR_INBOUND_UDP_S) *
		     NSEC_PER_SEC;

	if (!seen)
		return false;
	now = bpf_ktime_get_ns();
	if (older_than(now, *seen, idle))
		return false;
	if (older_than(now, *seen, NSEC_PER_SEC))
		*seen = now;
	return true;
}

static __always_inline int flow_for(struct __sk_buff *skb, struct bpfbr_uplink_cfg *cfg,
				    struct bpfbr_endpoint *ep, const struct bpfbr_nat_key *ik,
				    struct bpfbr_flow **out, __u32 *slot_out)
{
	int err = 0;

	for (int tries = 0; tries < 2; tries++) {
		__u32 *slot = bpf_map_lookup_elem(&nat_out, ik);

		if (slot) {
			*out = flow_get(*slot);
			if (*out) {
				*slot_out = *slot;
				return 0;
			}
			/* Released on another CPU meanwhile: its keys are going away,
			 * deleted by the releaser alone (flow_release()). This packet
			 * is dropped; the next one makes a new flow. */
			return -BPFBR_DROP_NAT_RELEASING;
		}
		if (ep && inbound_replied(ik))
			return FLOW_UNTRANSLATED;
		err = flow_create(skb, cfg, ep, ik, 0, slot_out);
		if (err == FLOW_RACED)
			continue;
		if (err)
			return err;
		*out = flow_get(*slot_out);
		if (!*out)
			return -BPFBR_DROP_NAT_FULL;
		mon_nat_new(skb, (*out)->flags & BPFBR_FLOW_HOST ? ik->addr : cfg->addr,
			    (*out)->oport);
		return 0;
	}
	return -BPFBR_DROP_NAT_NO_PORT;
}

/*
 * An ICMP error a container sends about a packet that came in on one of its
 * flows (RFC 5508, 4.2): the quote goes back to the packet the remote sent
 * (to the uplink's address and the flow's outside port), and the error
 * leaves from the uplink's address. About anything else: dropped.
 */
static __always_inline int
snat_icmp_error(struct __sk_buff *skb, const struct bpfbr_uplink_cfg *cfg, const struct ipv4_pkt *p)
{
	struct bpfbr_nat_key ik = {};
	struct bpfbr_flow *fl;
	struct quoted q;
	__u32 *slot;

	if (!parse_quoted(skb, p, &q) || q.proto == IPPROTO_ICMP || q.daddr != p->saddr ||
	    q.saddr != p->daddr)
		return -BPFBR_DROP_NAT_PROTO;
	ik.addr = q.daddr;
	ik.raddr = q.saddr;
	ik.port = q.dport;
	ik.rport = q.sport;
	ik.proto = q.proto;
	slot = bpf_map_lookup_elem(&nat_out, &ik);
	fl = slot ? flow_get(*slot) : NULL;
	if (!fl || (fl->flags & BPFBR_FLOW_HOST))
		return -BPFBR_DROP_NAT_PROTO;
	if (quote_rewrite(skb, p, &q, true, cfg->addr, fl->oport) ||
	    rewrite_addr_port(skb, p, true, cfg->addr, 0, 0, 0))
		return -BPFBR_DROP_TRUNCATED;
	nat_count(BPFBR_EV_NAT_ICMP_ERROR);
	return TC_ACT_OK;
}

/* A container's packet p (of frame f), from endpoint ep, leaves from the uplink's address. */
static __always_inline int snat_container(struct __sk_buff *skb, struct bpfbr_uplink_cfg *cfg,
					  struct bpfbr_endpoint *ep, const struct frame *f,
					  const struct ipv4_pkt *p)
{
	struct bpfbr_nat_key ik = {};
	struct bpfbr_flow *fl;
	__u32 slot = 0;
	int err;

	if (ipv4_is_multicast(p->daddr))
		return TC_ACT_OK; /* as the CNI plugin's rule: never masquerade multicast */
	if (p->frag == FRAG_LATER) {
		fl = frag_flow(f, p);
		if (!fl)
			return -BPFBR_DROP_FRAG_UNKNOWN;
		rewrite_addr_port(skb, p, true, cfg->addr, 0, 0, 0);
		return TC_ACT_OK;
	}
	if (p->proto == IPPROTO_ICMP && icmp_is_error(p->icmp_type) && p->frag == FRAG_NONE)
		return snat_icmp_error(skb, cfg, p);
	if (!nat_out_translatable(p))
		return -BPFBR_DROP_NAT_PROTO;
	ik.addr = p->saddr;
	ik.raddr = p->daddr;
	ik.port = p->sport;
	ik.rport = p->dport;
	ik.proto = p->proto;
	err = flow_for(skb, cfg, ep, &ik, &fl, &slot);
	if (err == FLOW_UNTRANSLATED) {
		nat_count(BPFBR_EV_INBOUND_KEPT);
		return TC_ACT_OK;
	}
	if (err)
		return err;
	flow_track(fl, p, false, true);
	flow_count(slot, fl, false, skb->len);
	if (p->frag == FRAG_FIRST)
		remember_frag(f, p, fl, slot);
	if (rewrite_addr_port(skb, p, true, cfg->addr, our_port_off(p, true), p->sport, fl->oport))
		return -BPFBR_DROP_TRUNCATED;
	return TC_ACT_OK;
}

/* A connection of the node keeps its port unless a container flow holds the tuple. */
static __always_inline int snat_node(struct __sk_buff *skb, struct bpfbr_uplink_cfg *cfg,
				     const struct ipv4_pkt *p)
{
	struct bpfbr_nat_key ik = {}, ok;
	struct bpfbr_flow *fl;
	__u32 slot = 0;
	int err;

	if (p->frag == FRAG_LATER || !nat_out_translatable(p))
		return TC_ACT_OK;
	ik.addr = p->saddr;
	ik.raddr = p->daddr;
	ik.port = p->sport;
	ik.rport = p->dport;
	ik.proto = p->proto;
	if (!bpf_map_lookup_elem(&nat_out, &ik)) {
		outside_key(&ok, p->proto, p->daddr, p->dport, p->sport);
		if (!bpf_map_lookup_elem(&nat_in, &ok))
			return TC_ACT_OK; /* the common case: nothing to do */
		nat_count(BPFBR_EV_NAT_HOST_REMAP);
	}
	err = flow_for(skb, cfg, NULL, &ik, &fl, &slot);
	if (err)
		return err;
	flow_track(fl, p, false, true);
	flow_count(slot, fl, false, skb->len);
	rewrite_addr_port(skb, p, true, p->saddr, our_port_off(p, true), p->sport, fl->oport);
	return TC_ACT_OK;
}

#endif
