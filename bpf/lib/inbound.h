/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Flows into a container that the node's stack sent (a node process, a port
 * mapping's DNAT, plain routing). Their replies go back through the stack,
 * where conntrack translates them, never by the fast path; and a reply to
 * the node passes its guard like the reply it is.
 */
#ifndef BPFBR_BPF_INBOUND_H
#define BPFBR_BPF_INBOUND_H

#include "ipv4.h"
#include "maps.h"

/*
 * A container's packet p is part of a flow that came in through the stack:
 * for TCP the container's SYN-ACK marks it (a container's own connections
 * never start with one); for UDP the datagram the node sent in (inbound_note).
 */
static __always_inline bool inbound_flow(const struct ipv4_pkt *p)
{
	struct bpfbr_conn_key k = {};
	__u8 one = 1;

	/* (p's ports are only set when it has them.) */
	if (!p->has_ports || (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP))
		return false;
	k.saddr = p->saddr;
	k.daddr = p->daddr;
	k.sport = p->sport;
	k.dport = p->dport;
	k.proto = p->proto;
	if (p->proto == IPPROTO_TCP &&
	    (p->tcp_flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == (TCP_FLAG_SYN | TCP_FLAG_ACK)) {
		bpf_map_update_elem(&bpfbr_inbound, &k, &one, BPF_ANY);
		return true;
	}
	return bpf_map_lookup_elem(&bpfbr_inbound, &k) != NULL;
}

/* The gateway port delivers f to a container: remember a UDP flow by its reply. */
static __always_inline void inbound_note(const struct frame *f)
{
	struct bpfbr_conn_key k = {};
	struct ipv4_pkt p;
	__u8 one = 1;

	if (f->proto != ETH_P_IP || parse_ipv4(f, &p) || p.proto != IPPROTO_UDP || !p.has_ports)
		return;
	k.saddr = p.daddr;
	k.daddr = p.saddr;
	k.sport = p.dport;
	k.dport = p.sport;
	k.proto = IPPROTO_UDP;
	if (!bpf_map_lookup_elem(&bpfbr_inbound, &k))
		bpf_map_update_elem(&bpfbr_inbound, &k, &one, BPF_ANY);
}

#endif
