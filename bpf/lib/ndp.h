/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Neighbour discovery (RFC 4861) as a container may speak it: the NDP
 * equivalent of ARP spoofing refused (a link-layer address option that is
 * not its MAC, an advertisement for an address that is not its own) and
 * the router's messages refused (RA guard, RFC 6105).
 */
#ifndef BPFBR_BPF_NDP_H
#define BPFBR_BPF_NDP_H

#include "ipv6.h"

#define NDP_OPT_SLLA 1 /* source link-layer address */
#define NDP_OPT_TLLA 2 /* target link-layer address */
/* Options read per message; a legitimate NS, NA or RS carries one or two
 * (the link-layer address, DAD's nonce). One with more is refused. */
#define NDP_OPT_MAX 4

/*
 * Every option of the message whose options start at off that is a
 * link-layer address option of type `type` names mac. 0 or -reason.
 */
static __always_inline int ndp_lladdr_ok(const struct frame *f, __u16 off, __u8 type,
					 const __u8 *mac)
{
#pragma unroll
	for (int i = 0; i < NDP_OPT_MAX; i++) {
		__u8 *o = f->data + (off & L4_OFF6_MASK);

		if ((void *)(o + 2) > f->data_end)
			return 0; /* the options end with the packet */
		if (o[1] == 0)
			return -BPFBR_DROP_NDP_SPOOF; /* a zero length: receivers discard it */
		if (o[0] == type) {
			if ((void *)(o + 8) > f->data_end)
				return -BPFBR_DROP_TRUNCATED;
			if (!mac_equal(o + 2, mac))
				return -BPFBR_DROP_NDP_SPOOF;
		}
		off += o[1] * 8;
		if (off > IPV6_CHAIN_MAX)
			return -BPFBR_DROP_TRUNCATED;
	}
	return (void *)(f->data + (off & L4_OFF6_MASK) + 2) > f->data_end ? 0
									  : -BPFBR_DROP_NDP_SPOOF;
}

/*
 * An ICMPv6 message p (of frame f) from a container with MAC mac: 0 or
 * -reason. own_target: the NS/NA target is one of the container's
 * addresses (the caller judges, as it knows them).
 */
static __always_inline int ndp_check(const struct frame *f, const struct ipv6_pkt *p,
				     const __u8 *mac, bool own_target)
{
	__u16 body = p->l4_off + 8; /* after type, code, checksum and 4 more bytes */

	switch (p->icmp_type) {
	case ICMPV6_ROUTER_ADVERT:
	case ICMPV6_REDIRECT:
		return -BPFBR_DROP_RA_GUARD;
	case ICMPV6_ROUTER_SOLICIT:
		return ndp_lladdr_ok(f, body, NDP_OPT_SLLA, mac);
	case ICMPV6_NEIGH_SOLICIT:
		/* Duplicate address detection asks for its own tentative address. */
		if (ipv6_is_zero(p->saddr) && !own_target)
			return -BPFBR_DROP_NDP_SPOOF;
		return ndp_lladdr_ok(f, body + 16, NDP_OPT_SLLA, mac);
	case ICMPV6_NEIGH_ADVERT:
		if (!own_target)
			return -BPFBR_DROP_NDP_SPOOF;
		return ndp_lladdr_ok(f, body + 16, NDP_OPT_TLLA, mac);
	}
	return 0;
}

/* The target address of an NS or NA p (of frame f), read into t; false when cut short. */
static __always_inline bool ndp_target(const struct frame *f, const struct ipv6_pkt *p, __u8 *t)
{
	__u8 *tgt = f->data + ((p->l4_off + 8) & L4_OFF6_MASK);

	if ((void *)(tgt + 16) > f->data_end)
		return false;
	__builtin_memcpy(t, tgt, 16);
	return true;
}

#endif
