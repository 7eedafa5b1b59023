/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * IPv6 header parsing: the fixed header, the extension headers up to the
 * transport (a bounded walk), and what the checks read of the transport.
 */
#ifndef BPFBR_BPF_IPV6_H
#define BPFBR_BPF_IPV6_H

#include "eth.h"
#include "ipv4.h"

#define AF_INET6 10

#define NEXTHDR_HOP	 0
#define NEXTHDR_TCP	 6
#define NEXTHDR_UDP	 17
#define NEXTHDR_ROUTING	 43
#define NEXTHDR_FRAGMENT 44
#define NEXTHDR_ICMP	 58
#define NEXTHDR_NONE	 59
#define NEXTHDR_DEST	 60

#define ICMPV6_DEST_UNREACH   1
#define ICMPV6_PKT_TOOBIG     2
#define ICMPV6_TIME_EXCEED    3
#define ICMPV6_PARAMPROB      4
#define ICMPV6_ECHO_REQUEST   128
#define ICMPV6_ECHO_REPLY     129
#define ICMPV6_MLD_QUERY      130
#define ICMPV6_MLD_REPORT     131
#define ICMPV6_MLD_DONE	      132
#define ICMPV6_ROUTER_SOLICIT 133
#define ICMPV6_ROUTER_ADVERT  134
#define ICMPV6_NEIGH_SOLICIT  135
#define ICMPV6_NEIGH_ADVERT   136
#define ICMPV6_REDIRECT	      137
#define ICMPV6_MLD2_REPORT    143

/* Extension headers walked before giving up (RFC 7112: the first fragment
 * carries the whole chain; one longer than this is refused as truncated). */
#define IPV6_EXT_MAX 4

/* Where the transport header may start at the latest (offsets past it are
 * refused), and the mask that tells the verifier so. */
#define IPV6_CHAIN_MAX 1024
#define L4_OFF6_MASK   0x7ff

struct ipv6_pkt {
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 l4_off; /* the transport header, after the extension headers */
	__u16 sport;  /* TCP/UDP ports, network order */
	__u16 dport;
	__u8 proto; /* the transport (next header after the chain) */
	__u8 hop_limit;
	__u8 tcp_flags;
	__u8 icmp_type;
	__u8 frag;    /* FRAG_NONE, FRAG_FIRST or FRAG_LATER */
	__u8 has_l4;  /* the transport header the checks read is present */
	__u8 rh0;     /* a routing header of type 0 is in the chain (RFC 5095) */
	__u16 fh_off; /* the fragment header, when frag is not FRAG_NONE */
};

static __always_inline bool ipv6_equal(const __u8 *a, const __u8 *b)
{
	const __u32 *x = (const __u32 *)a, *y = (const __u32 *)b;

	return x[0] == y[0] && x[1] == y[1] && x[2] == y[2] && x[3] == y[3];
}

static __always_inline bool ipv6_is_zero(const __u8 *a)
{
	const __u32 *x = (const __u32 *)a;

	return !(x[0] | x[1] | x[2] | x[3]);
}

static __always_inline bool ipv6_is_multicast(const __u8 *a)
{
	return a[0] == 0xff;
}

/* fe80::/10 */
static __always_inline bool ipv6_is_link_local(const __u8 *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

/* a in prefix/len (len 48..64, whole bytes but for the last). */
static __always_inline bool ipv6_in_prefix(const __u8 *a, const __u8 *prefix, __u8 len)
{
	const __u32 *x = (const __u32 *)a, *y = (const __u32 *)prefix;
	__u32 mask;

	if (x[0] != y[0])
		return false;
	if (len >= 64)
		return x[1] == y[1];
	mask = bpf_htonl(~0u << (64 - len));
	return ((x[1] ^ y[1]) & mask) == 0;
}

/* The link-local address that EUI-64 (RFC 4291, appendix A) makes of mac. */
static __always_inline void ipv6_ll_of_mac(__u8 *a, const __u8 *mac)
{
	__builtin_memset(a, 0, 16);
	a[0] = 0xfe;
	a[1] = 0x80;
	a[8] = mac[0] ^ 0x02;
	a[9] = mac[1];
	a[10] = mac[2];
	a[11] = 0xff;
	a[12] = 0xfe;
	a[13] = mac[3];
	a[14] = mac[4];
	a[15] = mac[5];
}

/*
 * Parses the IPv6 header at f->l3_off and its extension headers into p.
 * Returns 0, or -BPFBR_DROP_TRUNCATED for a header cut short, not version 6,
 * or a chain longer than IPV6_EXT_MAX. A first fragment whose transport
 * header is cut short: -BPFBR_DROP_TINY_FRAGMENT (RFC 7112). A later
 * fragment has no transport header: has_l4 stays 0.
 */
static __always_inline int parse_ipv6(const struct frame *f, struct ipv6_pkt *p)
{
	struct ipv6hdr *ip = f->data + (f->l3_off & L3_OFF_MASK);
	__u16 off = (f->l3_off & L3_OFF_MASK) + sizeof(*ip);
	__u8 next;
	void *l4;

	if ((void *)(ip + 1) > f->data_end || ip->version != 6)
		return -BPFBR_DROP_TRUNCATED;
	__builtin_memcpy(p->saddr, &ip->saddr, 16);
	__builtin_memcpy(p->daddr, &ip->daddr, 16);
	p->hop_limit = ip->hop_limit;
	p->frag = FRAG_NONE;
	p->has_l4 = 0;
	p->rh0 = 0;
	p->fh_off = 0;
	p->sport = p->dport = 0;
	p->tcp_flags = p->icmp_type = 0;
	next = ip->nexthdr;
#pragma unroll
	for (int i = 0; i < IPV6_EXT_MAX; i++) {
		__u8 *ext = f->data + (off & L4_OFF6_MASK);

		if (next != NEXTHDR_HOP && next != NEXTHDR_ROUTING && next != NEXTHDR_DEST &&
		    next != NEXTHDR_FRAGMENT)
			break;
		if ((void *)(ext + 8) > f->data_end)
			return -BPFBR_DROP_TRUNCATED;
		if (next == NEXTHDR_FRAGMENT) {
			__u16 fo = bpf_ntohs(*(__be16 *)(ext + 2));

			p->frag = (fo & 0xfff8) ? FRAG_LATER : (fo & 1) ? FRAG_FIRST : FRAG_NONE;
			p->fh_off = off;
			next = ext[0];
			off += 8;
			if (p->frag == FRAG_LATER) {
				p->proto = next;
				p->l4_off = off;
				return 0;
			}
			continue;
		}
		if (next == NEXTHDR_ROUTING && ext[2] == 0)
			p->rh0 = 1;
		next = ext[0];
		off += (ext[1] + 1) * 8;
		if (off > IPV6_CHAIN_MAX)
			return -BPFBR_DROP_TRUNCATED;
	}
	if (next == NEXTHDR_HOP || next == NEXTHDR_ROUTING || next == NEXTHDR_DEST ||
	    next == NEXTHDR_FRAGMENT)
		return -BPFBR_DROP_TRUNCATED;
	p->proto = next;
	p->l4_off = off;
	l4 = f->data + (off & L4_OFF6_MASK);
	if (next == NEXTHDR_TCP) {
		struct tcphdr *th = l4;

		if ((void *)(th + 1) > f->data_end)
			goto short_l4;
		p->sport = th->source;
		p->dport = th->dest;
		p->tcp_flags = ((__u8 *)th)[13];
	} else if (next == NEXTHDR_UDP) {
		struct udphdr *uh = l4;

		if ((void *)(uh + 1) > f->data_end)
			goto short_l4;
		p->sport = uh->source;
		p->dport = uh->dest;
	} else if (next == NEXTHDR_ICMP) {
		__u8 *ih = l4;

		if ((void *)(ih + 8) > f->data_end)
			goto short_l4;
		p->icmp_type = ih[0];
	} else {
		return 0;
	}
	p->has_l4 = 1;
	return 0;
short_l4:
	return p->frag == FRAG_FIRST ? -BPFBR_DROP_TINY_FRAGMENT : -BPFBR_DROP_TRUNCATED;
}

static __always_inline bool icmp6_is_error(__u8 type)
{
	return type >= ICMPV6_DEST_UNREACH && type <= ICMPV6_PARAMPROB;
}

#endif
