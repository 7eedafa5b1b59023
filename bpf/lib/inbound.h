/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Flows into a container that the node's stack sent (a node process, a port
 * mapping's DNAT, plain routing). Their replies go back through the stack,
 * where conntrack translates them, never by the fast path; and a reply to
 * the node passes its guard like the reply it is.
 *
 * Only what the node really sent makes such a flow: the gateway port records
 * it as it delivers the node's TCP SYN or UDP datagram to the container. A
 * container can claim nothing here by what it sends itself.
 */
#ifndef BPFBR_BPF_INBOUND_H
#define BPFBR_BPF_INBOUND_H

#include "ipv4.h"
#include "maps.h"

/* A TCP segment that opens a connection: SYN without ACK. */
static __always_inline bool tcp_opens(const struct ipv4_pkt *p)
{
	return p->proto == IPPROTO_TCP &&
	       (p->tcp_flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == TCP_FLAG_SYN;
}

/* A container's packet p is part of a flow that came in through the stack. */
static __always_inline bool inbound_flow(const struct ipv4_pkt *p)
{
	struct bpfbr_conn_key k = {};

	/* (p's ports are only set when it has them.) */
	if (!p->has_ports || (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP))
		return false;
	k.saddr = p->saddr;
	k.daddr = p->daddr;
	k.sport = p->sport;
	k.dport = p->dport;
	k.proto = p->proto;
	return bpf_map_lookup_elem(&bpfbr_inbound, &k) != NULL;
}

/*
 * The gateway port delivers f to a container: a TCP SYN or a UDP datagram
 * of the node opens a flow, remembered by the direction of its replies.
 */
static __always_inline void inbound_note(const struct frame *f)
{
	struct bpfbr_conn_key k = {};
	struct ipv4_pkt p;
	__u8 one = 1;

	if (f->proto != ETH_P_IP || parse_ipv4(f, &p) || !p.has_ports ||
	    (p.proto != IPPROTO_UDP && !tcp_opens(&p)))
		return;
	k.saddr = p.daddr;
	k.daddr = p.saddr;
	k.sport = p.dport;
	k.dport = p.sport;
	k.proto = p.proto;
	if (!bpf_map_lookup_elem(&bpfbr_inbound, &k))
		bpf_map_update_elem(&bpfbr_inbound, &k, &one, BPF_ANY);
}

#endif
