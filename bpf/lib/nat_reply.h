/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A reply from outside to the uplink's address: the flow it belongs to,
 * found by its outside tuple, and whether a FIN or RST in it may end that
 * flow. The same for the TC and the XDP program.
 */
#ifndef BPFBR_BPF_NAT_REPLY_H
#define BPFBR_BPF_NAT_REPLY_H

#include "nat.h"

/* The outside port reply p came to: its destination port, or an echo reply's id. */
static __always_inline __u16 reply_oport(const struct ipv4_pkt *p)
{
	return p->proto == IPPROTO_ICMP ? p->sport : p->dport;
}

/* The live flow of reply p (nat_reply_translatable()), or NULL; *slot: its slot. */
static __always_inline struct bpfbr_flow *reply_flow(const struct ipv4_pkt *p, __u32 *slot)
{
	struct bpfbr_nat_key ok;
	__u32 *v;

	outside_key(&ok, p->proto, p->saddr, p->proto == IPPROTO_ICMP ? 0 : p->sport,
		    reply_oport(p));
	v = bpf_map_lookup_elem(&nat_in, &ok);
	if (!v)
		return NULL;
	*slot = *v;
	return flow_get(*slot);
}

/*
 * A reply p (of frame f) of the flow in slot: true if a FIN or RST in it may
 * end the flow (remote_seq_plausible()); anything else just moves the
 * remote's sequence number on.
 */
static __always_inline bool reply_may_end(const struct frame *f, const struct ipv4_pkt *p,
					  __u32 slot)
{
	struct iphdr *ip = f->data + (p->l3_off & L3_OFF_MASK);
	struct tcphdr *th = f->data + (p->l4_off & L4_OFF_MASK);
	__u32 seq, len;

	if (p->proto != IPPROTO_TCP || p->frag != FRAG_NONE)
		return true;
	if ((void *)(ip + 1) > f->data_end || (void *)(th + 1) > f->data_end)
		return true;
	seq = bpf_ntohl(th->seq);
	len = bpf_ntohs(ip->tot_len) - (p->l4_off - p->l3_off) - th->doff * 4;
	len += (p->tcp_flags & TCP_FLAG_SYN ? 1 : 0) + (p->tcp_flags & TCP_FLAG_FIN ? 1 : 0);
	return remote_seq_plausible(slot, seq, seq + len, p->tcp_flags & TCP_FLAG_SYN);
}

#endif
