/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The keys of an IPv6 flow (nat6.h): built, and released with the flow. */
#ifndef BPFBR_BPF_NAT6_KEYS_H
#define BPFBR_BPF_NAT6_KEYS_H

#include "nat6_maps.h"

static __always_inline void inside_key6(struct bpfbr_nat6_key *k, __u8 proto, const __u8 *iaddr,
					const __u8 *raddr, __u16 iport, __u16 rport)
{
	__builtin_memset(k, 0, sizeof(*k));
	__builtin_memcpy(k->addr, iaddr, 16);
	__builtin_memcpy(k->raddr, raddr, 16);
	k->port = iport;
	k->rport = rport;
	k->proto = proto;
}

static __always_inline void outside_key6(struct bpfbr_nat6_key *k, __u8 proto, const __u8 *raddr,
					 __u16 rport, __u16 oport)
{
	__builtin_memset(k, 0, sizeof(*k));
	__builtin_memcpy(k->addr, raddr, 16);
	k->port = rport;
	k->rport = oport;
	k->proto = proto;
}

/* Deletes k from map if it still points at slot. */
static __always_inline void key6_release(void *map, const struct bpfbr_nat6_key *k, __u32 slot)
{
	__u32 *v = bpf_map_lookup_elem(map, k);

	if (v && *v == slot)
		bpf_map_delete_elem(map, k);
}

/* flow_release() of the IPv6 flow fl in slot: its keys go; returns its endpoint (or NULL). */
static __always_inline struct bpfbr_endpoint *flow6_release_keys(__u32 slot,
								 const struct bpfbr_flow *fl)
{
	struct bpfbr_flow6 *a = bpf_map_lookup_elem(&nat_flows6, &slot);
	struct bpfbr_nat6_key k;

	if (!a)
		return NULL;
	inside_key6(&k, fl->proto, a->iaddr, a->raddr, fl->iport, fl->rport);
	key6_release(&nat_out6, &k, slot);
	outside_key6(&k, fl->proto, a->raddr, fl->rport, fl->oport);
	key6_release(&nat_in6, &k, slot);
	return bpf_map_lookup_elem(&nat_endpoints6, a->iaddr);
}

#endif
