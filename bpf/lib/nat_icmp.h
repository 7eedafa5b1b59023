/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * ICMP errors for translated flows (RFC 5508): a destination unreachable
 * (fragmentation needed included), time exceeded or parameter problem that
 * comes back for a packet we masqueraded quotes that packet's header as we
 * sent it. Its embedded source address and port are translated back, with
 * the embedded checksums and the ICMP checksum fixed, so traceroute and
 * path MTU discovery work from the container. An error the container sends
 * about a packet of one of its flows is translated the other way.
 */
#ifndef BPFBR_BPF_NAT_ICMP_H
#define BPFBR_BPF_NAT_ICMP_H

#include "csum.h"
#include "nat.h"
#include "rewrite.h"

/* The quoted packet: its IPv4 header and the first 8 bytes after it. */
struct quoted {
	__u16 ip_off; /* offset of the embedded IPv4 header */
	__u16 l4_off; /* offset of its transport header */
	__u32 saddr;
	__u32 daddr;
	__u16 ip_csum;
	__u16 sport;	   /* or ICMP echo id */
	__u16 dport;	   /* 0 for ICMP */
	__u16 l4_csum;	   /* the quoted transport checksum */
	__u16 l4_csum_off; /* its offset; 0: not quoted (a short quote of TCP), or UDP's 0 */
	__u8 proto;
};

/* Bytes of an ICMP error we need: ICMP header, quoted IPv4 header (up to 60), 8 more. */
#define QUOTE_NEED (8 + 60 + 8)

/*
 * True when the ICMP error p quotes a TCP or UDP header or an echo request:
 * q holds it. The quote ends where the packet does (its total length), not
 * where the frame does: bytes a frame carries beyond are no part of it, nor
 * of the ICMP checksum.
 */
static __always_inline bool parse_quoted(struct __sk_buff *skb, const struct ipv4_pkt *p,
					 struct quoted *q)
{
	__u32 need = p->l4_off + QUOTE_NEED, end;
	void *data, *data_end;
	struct iphdr *ip;
	__u8 *l4;

	/* ICMP errors are rare and small: make the quote linear (and writable). */
	bpf_skb_pull_data(skb, skb->len < need ? skb->len : need);
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	ip = data + (p->l3_off & L3_OFF_MASK);
	if ((void *)(ip + 1) > data_end)
		return false;
	end = (p->l3_off & L3_OFF_MASK) + bpf_ntohs(ip->tot_len);
	q->ip_off = (p->l4_off & L4_OFF_MASK) + 8;
	ip = data + q->ip_off;
	if ((void *)(ip + 1) > data_end || ip->version != 4 || ip->ihl < 5)
		return false;
	q->l4_off = q->ip_off + ip->ihl * 4;
	l4 = data + q->l4_off;
	if ((void *)(l4 + 8) > data_end || q->l4_off + 8 > end)
		return false;
	q->saddr = ip->saddr;
	q->daddr = ip->daddr;
	q->ip_csum = ip->check;
	q->proto = ip->protocol;
	q->l4_csum_off = 0;
	if (q->proto == IPPROTO_UDP) {
		__builtin_memcpy(&q->sport, l4, 2);
		__builtin_memcpy(&q->dport, l4 + 2, 2);
		__builtin_memcpy(&q->l4_csum, l4 + 6, 2);
		if (q->l4_csum) /* 0: the sender computed none */
			q->l4_csum_off = q->l4_off + 6;
		return true;
	}
	if (q->proto == IPPROTO_TCP) {
		__builtin_memcpy(&q->sport, l4, 2);
		__builtin_memcpy(&q->dport, l4 + 2, 2);
		/* RFC 792 quotes 8 bytes; Linux quotes more, checksum included. */
		if ((void *)(l4 + 18) <= data_end && q->l4_off + 18 <= end) {
			__builtin_memcpy(&q->l4_csum, l4 + 16, 2);
			q->l4_csum_off = q->l4_off + 16;
		}
		return true;
	}
	if (q->proto == IPPROTO_ICMP && l4[0] == ICMP_ECHO) {
		__builtin_memcpy(&q->sport, l4 + 4, 2);
		__builtin_memcpy(&q->l4_csum, l4 + 2, 2);
		q->l4_csum_off = q->l4_off + 2;
		q->dport = 0;
		return true;
	}
	return false;
}

/* Stores a new 16/32-bit value inside the ICMP payload, keeping the ICMP checksum right. */
static __always_inline int icmp_store(struct __sk_buff *skb, __u16 icmp_csum_off, __u16 off,
				      __u32 old, __u32 new, __u32 size)
{
	return bpf_l4_csum_replace(skb, icmp_csum_off, old, new, size) |
	       bpf_skb_store_bytes(skb, off, &new, size, 0);
}

/*
 * Rewrites the quoted packet's source (dst false) or destination address and
 * TCP/UDP port, keeping the quoted IPv4 checksum, the quoted transport
 * checksum (its pseudo header covers both) and the ICMP checksum right.
 */
static __always_inline int quote_rewrite(struct __sk_buff *skb, const struct ipv4_pkt *p,
					 const struct quoted *q, bool dst, __u32 addr, __u16 port)
{
	__u32 old_addr = dst ? q->daddr : q->saddr;
	__u16 old_port = dst ? q->dport : q->sport;
	__u16 icmp_csum = p->l4_off + 2;
	__u16 ip_csum = csum_update32(q->ip_csum, old_addr, addr);
	int err = 0;

	err |= icmp_store(skb, icmp_csum, q->ip_off + (dst ? IP_DADDR_OFF : IP_SADDR_OFF), old_addr,
			  addr, 4);
	err |= icmp_store(skb, icmp_csum, q->ip_off + IP_CSUM_OFF, q->ip_csum, ip_csum, 2);
	err |= icmp_store(skb, icmp_csum, q->l4_off + (dst ? 2 : 0), old_port, port, 2);
	if (q->l4_csum_off) {
		/* TCP and UDP checksums cover the pseudo header: address and port changed. */
		__u16 c = csum_update16(csum_update32(q->l4_csum, old_addr, addr), old_port, port);

		if (q->proto == IPPROTO_UDP && !c)
			c = 0xffff;
		err |= icmp_store(skb, icmp_csum, q->l4_csum_off, q->l4_csum, c, 2);
	}
	return err;
}

/*
 * Rewrites the quoted source (uplink address and outside port) back to the
 * flow's inside address and port.
 */
static __always_inline int untranslate_quote(struct __sk_buff *skb, const struct ipv4_pkt *p,
					     const struct quoted *q, __u32 iaddr, __u16 iport)
{
	__u16 icmp_csum = p->l4_off + 2;
	int err = 0;

	if (q->proto == IPPROTO_ICMP) {
		__u16 ip_csum = csum_update32(q->ip_csum, q->saddr, iaddr);
		__u16 c = csum_update16(q->l4_csum, q->sport, iport);

		err |= icmp_store(skb, icmp_csum, q->ip_off + IP_SADDR_OFF, q->saddr, iaddr, 4);
		err |= icmp_store(skb, icmp_csum, q->ip_off + IP_CSUM_OFF, q->ip_csum, ip_csum, 2);
		err |= icmp_store(skb, icmp_csum, q->l4_off + 4, q->sport, iport, 2);
		err |= icmp_store(skb, icmp_csum, q->l4_csum_off, q->l4_csum, c, 2);
		return err;
	}
	return quote_rewrite(skb, p, q, false, iaddr, iport);
}

#endif
