/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * ICMPv6 errors for NAT66 flows (RFC 4443 2.4, as RFC 5508 for IPv4): a
 * destination unreachable, packet too big, time exceeded or parameter
 * problem quotes the packet it is about. One that comes back for a packet
 * we masqueraded quotes it as we sent it: its source address and port are
 * translated back, with the quoted transport checksum and the ICMPv6
 * checksum fixed, so that path MTU discovery and traceroute work from the
 * container. An error a container sends about a packet of one of its flows
 * is translated the other way. A quote whose header chain has extension
 * headers is not translated.
 */
#ifndef BPFBR_BPF_NAT6_ICMP_H
#define BPFBR_BPF_NAT6_ICMP_H

#include "nat6_rewrite.h"

/* ICMPv6 header, quoted IPv6 header, and as much of TCP as holds its checksum. */
#define QUOTE6_NEED (8 + 40 + 18)

/*
 * True when the ICMPv6 error at l4_off (of the IPv6 packet at l3_off) quotes
 * TCP, UDP or an echo request: q holds it. The quote ends where the packet
 * does (its payload length), not where the frame does: bytes a frame
 * carries beyond are no part of it, nor of the ICMPv6 checksum.
 */
static __always_inline bool parse_quoted6(struct __sk_buff *skb, __u16 l3_off, __u16 l4_off,
					  struct quoted6 *q)
{
	__u32 need = (l4_off & L4_OFF6_MASK) + QUOTE6_NEED, end;
	void *data, *data_end;
	struct ipv6hdr *ip;
	__u8 *l4;

	bpf_skb_pull_data(skb, skb->len < need ? skb->len : need);
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	ip = data + (l3_off & L3_OFF_MASK);
	if ((void *)(ip + 1) > data_end)
		return false;
	end = (l3_off & L3_OFF_MASK) + sizeof(*ip) + bpf_ntohs(ip->payload_len);
	q->ip_off = (l4_off & L4_OFF6_MASK) + 8;
	ip = data + q->ip_off;
	if ((void *)(ip + 1) > data_end || ip->version != 6)
		return false;
	q->l4_off = q->ip_off + sizeof(*ip);
	l4 = data + q->l4_off;
	if ((void *)(l4 + 8) > data_end || q->l4_off + 8 > end)
		return false;
	__builtin_memcpy(q->saddr, &ip->saddr, 16);
	__builtin_memcpy(q->daddr, &ip->daddr, 16);
	q->proto = ip->nexthdr;
	q->l4_csum_off = 0;
	q->dport = 0;
	if (q->proto == IPPROTO_TCP || q->proto == IPPROTO_UDP) {
		__builtin_memcpy(&q->sport, l4, 2);
		__builtin_memcpy(&q->dport, l4 + 2, 2);
	}
	if (q->proto == IPPROTO_UDP) {
		__builtin_memcpy(&q->l4_csum, l4 + 6, 2);
		q->l4_csum_off = q->l4_off + 6;
		return true;
	}
	if (q->proto == IPPROTO_TCP) {
		/* Linux quotes all it can; a quote may still end before the checksum. */
		if ((void *)(l4 + 18) <= data_end && q->l4_off + 18 <= end) {
			__builtin_memcpy(&q->l4_csum, l4 + 16, 2);
			q->l4_csum_off = q->l4_off + 16;
		}
		return true;
	}
	if (q->proto == IPPROTO_ICMPV6 && l4[0] == ICMPV6_ECHO_REQUEST) {
		__builtin_memcpy(&q->sport, l4 + 4, 2);
		__builtin_memcpy(&q->l4_csum, l4 + 2, 2);
		q->l4_csum_off = q->l4_off + 2;
		return true;
	}
	return false;
}

/*
 * Rewrites the quoted packet's source (dst false) or destination address to
 * addr and its port (the echo id, for ICMPv6: always the source side) to
 * port, keeping the quoted transport checksum and the ICMPv6 checksum at
 * icmp_csum right.
 */
static __always_inline int quote6_rewrite(struct __sk_buff *skb, __u16 icmp_csum,
					  const struct quoted6 *q, bool dst, const __u8 *addr,
					  __u16 port)
{
	const __u8 *old_addr = dst ? q->daddr : q->saddr;
	__u16 old_port = dst ? q->dport : q->sport;
	__u16 port_off = q->l4_off + (q->proto == IPPROTO_ICMPV6 ? 4 : dst ? 2 : 0);
	__u16 diff = csum_diff16(old_addr, addr);
	int err = 0;

	err |= store_addr6(skb, q->ip_off + (dst ? IP6_DADDR_OFF : IP6_SADDR_OFF), addr, icmp_csum,
			   diff, false, false);
	err |= store_csum16(skb, icmp_csum, port_off, old_port, port, false);
	if (q->l4_csum_off) {
		/* Its checksum covers the pseudo header (the address) and the port. */
		__u16 c = csum_apply(q->l4_csum, diff);

		c = csum_update16(c, old_port, port);
		if (q->proto == IPPROTO_UDP && !c)
			c = 0xffff;
		err |= store_csum16(skb, icmp_csum, q->l4_csum_off, q->l4_csum, c, false);
	}
	return err;
}

#endif
