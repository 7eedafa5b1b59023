/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * UDP the node sends into a container over IPv6, remembered as the gateway
 * port delivers it, so that the container's replies pass the node's guard
 * (guard6.h), as inbound.h does for IPv4. A flow idle for RFC 4787's 120 s
 * is forgotten.
 */
#ifndef BPFBR_BPF_INBOUND6_H
#define BPFBR_BPF_INBOUND6_H

#include "ipv6.h"
#include "maps6.h"

/* The gateway port delivers f to the container on port slot: note its UDP. */
static __always_inline void inbound6_note(const struct frame *f, __u16 slot)
{
	struct bpfbr_inbound6 v = { .seen_ns = bpf_ktime_get_ns(), .slot = slot };
	struct bpfbr_conn6_key k = { .proto = NEXTHDR_UDP };
	struct ipv6_pkt p;

	if (f->proto != ETH_P_IPV6 || !config6_get() || parse_ipv6(f, &p) || !p.has_l4 ||
	    p.proto != NEXTHDR_UDP)
		return;
	__builtin_memcpy(k.caddr, p.daddr, 16);
	__builtin_memcpy(k.naddr, p.saddr, 16);
	k.cport = p.dport;
	k.nport = p.sport;
	bpf_map_update_elem(&bpfbr_inbound6, &k, &v, BPF_ANY);
}

/* p, which the container on port slot sends, answers UDP the node sent it. */
static __always_inline bool inbound6_reply(const struct ipv6_pkt *p, __u16 slot)
{
	struct bpfbr_conn6_key k = { .proto = NEXTHDR_UDP };
	struct bpfbr_inbound6 *v;

	if (p->proto != NEXTHDR_UDP || !p->has_l4)
		return false;
	__builtin_memcpy(k.caddr, p->saddr, 16);
	__builtin_memcpy(k.naddr, p->daddr, 16);
	k.cport = p->sport;
	k.nport = p->dport;
	v = bpf_map_lookup_elem(&bpfbr_inbound6, &k);
	return v && v->slot == slot &&
	       !older_than(bpf_ktime_get_ns(), v->seen_ns, BPFBR_INBOUND_UDP_S * NSEC_PER_SEC);
}

#endif
