/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Fragments of masqueraded flows: the first fragment of a datagram carries
 * the ports and finds the flow; the datagram's identity is remembered with
 * that flow (map nat_frags), and the later fragments, which carry no ports,
 * follow it until all of its bytes passed or the node's reassembly time ran
 * out.
 */
#ifndef BPFBR_BPF_NAT_FRAG_H
#define BPFBR_BPF_NAT_FRAG_H

#include "nat.h"

/* Where fragment p of frame f ends in its datagram's payload; *last: it is the last one. */
static __always_inline __u32 frag_end(const struct frame *f, const struct ipv4_pkt *p, bool *last)
{
	struct iphdr *ip = f->data + (p->l3_off & L3_OFF_MASK);
	__u16 frag;

	if ((void *)(ip + 1) > f->data_end)
		return 0;
	frag = bpf_ntohs(ip->frag_off);
	*last = !(frag & IP_MF);
	return ((frag & IP_OFFSET) << 3) + bpf_ntohs(ip->tot_len) - (p->l4_off - p->l3_off);
}

/* The first fragment of a datagram of flow fl (in slot) passed: remember it. */
static __always_inline void remember_frag(const struct frame *f, const struct ipv4_pkt *p,
					  const struct bpfbr_flow *fl, __u32 slot)
{
	struct bpfbr_nat_frag v = { .flow_ns = fl->created_ns, .slot = slot };
	struct bpfbr_frag_key k;
	bool last;

	frag_key(&k, p);
	v.first_ns = bpf_ktime_get_ns();
	v.bytes = frag_end(f, p, &last);
	bpf_map_update_elem(&nat_frags, &k, &v, BPF_ANY);
}

/* A first fragment of no flow of ours: the datagram identity is another's now. */
static __always_inline void forget_frag(const struct ipv4_pkt *p)
{
	struct bpfbr_frag_key k;

	frag_key(&k, p);
	bpf_map_delete_elem(&nat_frags, &k);
}

/*
 * The flow a later fragment p belongs to, or NULL: its first fragment passed
 * for that very flow, not longer ago than the node keeps fragments. Counts
 * its bytes, and forgets the datagram once all of them passed.
 */
static __always_inline struct bpfbr_flow *frag_flow(const struct frame *f, const struct ipv4_pkt *p)
{
	struct bpfbr_frag_key k;
	struct bpfbr_nat_frag *v;
	struct bpfbr_flow *fl;
	__u32 end, bytes;
	bool last = false;

	frag_key(&k, p);
	v = bpf_map_lookup_elem(&nat_frags, &k);
	if (!v)
		return NULL;
	fl = flow_get(v->slot);
	if (!fl || fl->created_ns != v->flow_ns ||
	    older_than(bpf_ktime_get_ns(), v->first_ns, BPFBR_FRAG_TIMEOUT_S * NSEC_PER_SEC)) {
		bpf_map_delete_elem(&nat_frags, &k);
		return NULL;
	}
	end = frag_end(f, p, &last);
	bytes = __sync_add_and_fetch(&v->bytes, end - ipv4_frag_off(f));
	if (last)
		v->total = end;
	if (v->total && bytes >= v->total)
		bpf_map_delete_elem(&nat_frags, &k);
	return fl;
}

#endif
