/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* IPv4 and transport header parsing, for routing and masquerade. */
#ifndef BPFBR_BPF_IPV4_H
#define BPFBR_BPF_IPV4_H

#include "eth.h"
#include "bpfbr/frag.h"

#define IP_DF		   0x4000
#define IP_MF		   0x2000
#define IP_OFFSET	   0x1fff
#define ICMP_ECHOREPLY	   0
#define ICMP_DEST_UNREACH  3
#define ICMP_ECHO	   8
#define ICMP_TIME_EXCEEDED 11
#define ICMP_PARAMETERPROB 12
#define TCP_FLAG_FIN	   0x01
#define TCP_FLAG_SYN	   0x02
#define TCP_FLAG_RST	   0x04
#define TCP_FLAG_ACK	   0x10

/* What masquerade needs of a packet; offsets are from the start of the frame. */
struct ipv4_pkt {
	__u32 saddr;
	__u32 daddr;
	__u16 l3_off;
	__u16 l4_off;
	__u16 id;    /* IP identification (for fragments) */
	__u16 sport; /* TCP/UDP ports or the ICMP echo id as sport, network order */
	__u16 dport;
	__u8 proto;
	__u8 ttl;
	__u8 tcp_flags;
	__u8 icmp_type;
	__u8 frag;	/* FRAG_NONE, FRAG_FIRST or FRAG_LATER */
	__u8 has_ports; /* TCP, UDP or ICMP echo/echo reply with its header present */
};

enum { FRAG_NONE, FRAG_FIRST, FRAG_LATER };

static __always_inline bool ipv4_is_multicast(__u32 addr)
{
	return (bpf_ntohl(addr) & 0xf0000000) == 0xe0000000;
}

/* An ICMP error: it quotes the datagram it is about. */
static __always_inline bool icmp_is_error(__u8 type)
{
	return type == ICMP_DEST_UNREACH || type == ICMP_TIME_EXCEEDED ||
	       type == ICMP_PARAMETERPROB;
}

/* The fragment offset of f's IPv4 header (parse_ipv4() accepted it), in bytes. */
static __always_inline __u16 ipv4_frag_off(const struct frame *f)
{
	struct iphdr *ip = f->data + (f->l3_off & L3_OFF_MASK);

	if ((void *)(ip + 1) > f->data_end)
		return 0;
	return (bpf_ntohs(ip->frag_off) & IP_OFFSET) << 3;
}

/* The identity of p's datagram, for its fragments (RFC 791). */
static __always_inline void frag_key(struct bpfbr_frag_key *k, const struct ipv4_pkt *p)
{
	k->saddr = p->saddr;
	k->daddr = p->daddr;
	k->id = p->id;
	k->proto = p->proto;
	k->pad = 0;
}

/*
 * Parses the IPv4 header at f->l3_off into p. Returns 0, or
 * -BPFBR_DROP_TRUNCATED for a header cut short or malformed (nothing in p
 * is valid then).
 */
static __always_inline int parse_ipv4_hdr(const struct frame *f, struct ipv4_pkt *p)
{
	struct iphdr *ip = f->data + f->l3_off;
	__u16 frag;

	if ((void *)(ip + 1) > f->data_end || ip->version != 4 || ip->ihl < 5)
		return -BPFBR_DROP_TRUNCATED;
	p->l3_off = f->l3_off;
	p->l4_off = f->l3_off + ip->ihl * 4;
	p->saddr = ip->saddr;
	p->daddr = ip->daddr;
	p->proto = ip->protocol;
	p->ttl = ip->ttl;
	p->id = ip->id;
	p->has_ports = 0;
	p->tcp_flags = 0;
	p->icmp_type = 0;
	frag = bpf_ntohs(ip->frag_off);
	p->frag = (frag & IP_OFFSET) ? FRAG_LATER : (frag & IP_MF) ? FRAG_FIRST : FRAG_NONE;
	return 0;
}

/*
 * Parses the transport header of p (parse_ipv4_hdr() filled it) when it has
 * one the checks read. Returns 0, or -BPFBR_DROP_TRUNCATED when it is cut
 * short (the IPv4 fields of p stay valid). A non-first fragment has no
 * transport header: has_ports stays 0.
 */
static __always_inline int parse_ipv4_l4(const struct frame *f, struct ipv4_pkt *p)
{
	void *l4;

	if (p->frag == FRAG_LATER)
		return 0;
	l4 = f->data + p->l4_off;
	if (p->proto == IPPROTO_TCP) {
		struct tcphdr *th = l4;

		if ((void *)(th + 1) > f->data_end)
			return -BPFBR_DROP_TRUNCATED;
		p->sport = th->source;
		p->dport = th->dest;
		p->tcp_flags = ((__u8 *)th)[13];
		p->has_ports = 1;
	} else if (p->proto == IPPROTO_UDP) {
		struct udphdr *uh = l4;

		if ((void *)(uh + 1) > f->data_end)
			return -BPFBR_DROP_TRUNCATED;
		p->sport = uh->source;
		p->dport = uh->dest;
		p->has_ports = 1;
	} else if (p->proto == IPPROTO_ICMP) {
		struct icmphdr *ih = l4;

		if ((void *)(ih + 1) > f->data_end)
			return -BPFBR_DROP_TRUNCATED;
		p->icmp_type = ih->type;
		if (ih->type == ICMP_ECHO || ih->type == ICMP_ECHOREPLY) {
			p->sport = ih->un.echo.id;
			p->dport = 0;
			p->has_ports = 1;
		}
	}
	return 0;
}

/* Both: 0, or -BPFBR_DROP_TRUNCATED when either header is cut short or malformed. */
static __always_inline int parse_ipv4(const struct frame *f, struct ipv4_pkt *p)
{
	return parse_ipv4_hdr(f, p) ?: parse_ipv4_l4(f, p);
}

/* The shortest header of a transport the checks read (0: one they do not read). */
static __always_inline __u16 l4_min_len(__u8 proto)
{
	if (proto == IPPROTO_TCP)
		return sizeof(struct tcphdr);
	if (proto == IPPROTO_UDP)
		return sizeof(struct udphdr);
	if (proto == IPPROTO_ICMP)
		return sizeof(struct icmphdr);
	return 0;
}

/* Offset of the transport checksum field, or 0 if the protocol has none we keep. */
static __always_inline __u16 l4_csum_off(__u8 proto, __u16 l4_off)
{
	if (proto == IPPROTO_TCP)
		return l4_off + 16;
	if (proto == IPPROTO_UDP)
		return l4_off + 6;
	if (proto == IPPROTO_ICMP)
		return l4_off + 2;
	return 0;
}

#endif
