/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * What masquerade translates: TCP, UDP and ICMP echo, in both directions,
 * and which port of a packet it changes. (An ICMP error goes with the flow
 * of the packet it quotes, nat_icmp.h; a later fragment with the flow of
 * its first, nat_frag.h.)
 */
#ifndef BPFBR_BPF_NAT_POLICY_H
#define BPFBR_BPF_NAT_POLICY_H

#include "ipv4.h"

/* On the way out: TCP, UDP, and the echo requests a container or the node sends. */
static __always_inline bool nat_out_translatable(const struct ipv4_pkt *p)
{
	return p->has_ports && (p->proto != IPPROTO_ICMP || p->icmp_type == ICMP_ECHO);
}

/* On the way in, replies only: TCP, UDP, echo replies (an echo request is for the node). */
static __always_inline bool nat_reply_translatable(const struct ipv4_pkt *p)
{
	return p->has_ports && (p->proto != IPPROTO_ICMP || p->icmp_type == ICMP_ECHOREPLY);
}

/* Offset of the port (or ICMP id) that masquerade changes on our side. */
static __always_inline __u16 our_port_off(const struct ipv4_pkt *p, bool egress)
{
	if (p->proto == IPPROTO_ICMP)
		return p->l4_off + 4;
	return p->l4_off + (egress ? 0 : 2);
}

#endif
