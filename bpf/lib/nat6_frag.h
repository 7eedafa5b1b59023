/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Fragments of NAT66 flows, as nat_frag.h does for IPv4: the first fragment
 * of a datagram carries the ports and finds the flow; the datagram's
 * identity (source, destination, identification) is remembered with that
 * flow (map nat_frags6), and the later fragments, which carry no ports,
 * follow it until all of its bytes passed or the node's reassembly time ran
 * out. IPv6 has no header checksum: a later fragment only changes address.
 */
#ifndef BPFBR_BPF_NAT6_FRAG_H
#define BPFBR_BPF_NAT6_FRAG_H

#include "nat6.h"

/*
 * The identity of fragment p (of frame f) into s->fk; where its data starts
 * and ends in the datagram's fragmentable part; *last: it is the last one.
 * False when its headers are not all there.
 */
static __always_inline bool frag6_of(const struct frame *f, struct nat6_scratch *s, __u32 *start,
				     __u32 *end, bool *last)
{
	struct ipv6hdr *ip = f->data + (f->l3_off & L3_OFF_MASK);
	__u8 *fh = f->data + (s->p.fh_off & L4_OFF6_MASK);
	__u16 fo;

	if ((void *)(ip + 1) > f->data_end || (void *)(fh + 8) > f->data_end)
		return false;
	fo = bpf_ntohs(*(__be16 *)(fh + 2));
	__builtin_memcpy(s->fk.saddr, s->p.saddr, 16);
	__builtin_memcpy(s->fk.daddr, s->p.daddr, 16);
	__builtin_memcpy(&s->fk.id, fh + 4, 4);
	*start = fo & 0xfff8;
	*last = !(fo & 1);
	/* The fragment's data: what follows its fragment header. */
	*end = *start + (__u32)f->l3_off + sizeof(*ip) + bpf_ntohs(ip->payload_len) -
	       ((__u32)s->p.fh_off + 8);
	return true;
}

/* The first fragment (s->p) of a datagram of flow fl (in slot) passed: remember it. */
static __always_inline void remember_frag6(const struct frame *f, struct nat6_scratch *s,
					   const struct bpfbr_flow *fl, __u32 slot)
{
	__u32 start, end;
	bool last;

	if (!frag6_of(f, s, &start, &end, &last))
		return;
	s->fv = (struct bpfbr_nat_frag){ .flow_ns = fl->created_ns, .slot = slot, .bytes = end };
	s->fv.first_ns = bpf_ktime_get_ns();
	bpf_map_update_elem(&nat_frags6, &s->fk, &s->fv, BPF_ANY);
}

/* A first fragment of no flow of ours: the datagram's identity is another's now. */
static __always_inline void forget_frag6(const struct frame *f, struct nat6_scratch *s)
{
	__u32 start, end;
	bool last;

	if (frag6_of(f, s, &start, &end, &last))
		bpf_map_delete_elem(&nat_frags6, &s->fk);
}

/*
 * The flow a later fragment (s->p) belongs to, or NULL: its first fragment
 * passed for that very flow, not longer ago than the node keeps fragments.
 * Counts its bytes, and forgets the datagram once all of them passed.
 */
static __always_inline struct bpfbr_flow *frag_flow6(const struct frame *f, struct nat6_scratch *s,
						     __u32 *slot)
{
	struct bpfbr_nat_frag *v;
	struct bpfbr_flow *fl;
	__u32 start, end, bytes;
	bool last = false;

	if (!frag6_of(f, s, &start, &end, &last))
		return NULL;
	v = bpf_map_lookup_elem(&nat_frags6, &s->fk);
	if (!v)
		return NULL;
	*slot = v->slot;
	fl = flow_get(*slot);
	if (!fl || fl->created_ns != v->flow_ns ||
	    older_than(bpf_ktime_get_ns(), v->first_ns, BPFBR_FRAG_TIMEOUT_S * NSEC_PER_SEC)) {
		bpf_map_delete_elem(&nat_frags6, &s->fk);
		return NULL;
	}
	bytes = __sync_add_and_fetch(&v->bytes, end - start);
	if (last)
		v->total = end;
	if (v->total && bytes >= v->total)
		bpf_map_delete_elem(&nat_frags6, &s->fk);
	return fl;
}

#endif
