/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * IPv4 options: does a header carry a loose or strict source route (RFC 791)?
 * The options are copied out of the packet and walked with bpf_loop().
 */
#ifndef BPFBR_BPF_IPV4_OPTS_H
#define BPFBR_BPF_IPV4_OPTS_H

#include "ipv4.h"

#define IPOPT_END     0
#define IPOPT_NOOP    1
#define IPOPT_LSRR    131
#define IPOPT_SSRR    137
#define IPV4_OPTS_MAX 40

struct ipv4_opt_walk {
	__u8 opts[64]; /* the options, IPV4_OPTS_MAX at most; zero after them */
	__u32 len;
	__u32 i;
	bool source_route; /* found a loose or strict source route (RFC 791) */
};

static long ipv4_opt_step(__u32 n, struct ipv4_opt_walk *w)
{
	__u8 type, len;

	(void)n;
	if (w->i >= w->len)
		return 1;
	type = w->opts[w->i & 63];
	if (type == IPOPT_END)
		return 1;
	if (type == IPOPT_LSRR || type == IPOPT_SSRR) {
		w->source_route = true;
		return 1;
	}
	len = type == IPOPT_NOOP ? 1 : w->opts[(w->i + 1) & 63];
	w->i += len ? len : IPV4_OPTS_MAX; /* a length of 0 ends the walk */
	return 0;
}

/* p's IPv4 header (with options) carries a source route. */
static __always_inline bool source_routed(struct __sk_buff *skb, const struct ipv4_pkt *p)
{
	struct ipv4_opt_walk w = { .len = p->l4_off - p->l3_off - sizeof(struct iphdr) };

	/* (A size of 1..64 the verifier can tell: 6.1 does not narrow it from len's checks.) */
	if (!w.len || w.len > IPV4_OPTS_MAX ||
	    bpf_skb_load_bytes(skb, p->l3_off + sizeof(struct iphdr), w.opts,
			       ((w.len - 1) & 63) + 1))
		return false;
	bpf_loop(IPV4_OPTS_MAX, ipv4_opt_step, &w, 0);
	return w.source_route;
}

#endif
