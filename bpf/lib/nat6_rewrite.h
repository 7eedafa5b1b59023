/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * IPv6 header rewrites with checksum fix-ups (TC), for NAT66. IPv6 has no
 * header checksum: an address is covered by the transport's (TCP, UDP and
 * ICMPv6 alike: RFC 8200, 8.1), so a new address updates the transport
 * checksum through its pseudo header. Callers work from offsets (helpers
 * that change packet data invalidate packet pointers).
 */
#ifndef BPFBR_BPF_NAT6_REWRITE_H
#define BPFBR_BPF_NAT6_REWRITE_H

#include "csum.h"
#include "ipv6.h"
#include "nat6.h"
#include "rewrite.h"

#define IP6_HOPLIMIT_OFF 7
#define IP6_SADDR_OFF	 8
#define IP6_DADDR_OFF	 24

/* Offset of the transport checksum (TCP, UDP, ICMPv6) of a header at l4_off; 0: none. */
static __always_inline __u16 l4_csum_off6(__u8 proto, __u16 l4_off)
{
	if (proto == IPPROTO_TCP)
		return l4_off + 16;
	if (proto == IPPROTO_UDP)
		return l4_off + 6;
	if (proto == IPPROTO_ICMPV6)
		return l4_off + 2;
	return 0;
}

/* The one's complement difference a change of 16 bytes from old to new makes,
 * folded to 16 bits (for checksums updated in software). */
static __always_inline __u16 csum_diff16(const __u8 *old, const __u8 *new)
{
	const __u16 *o = (const __u16 *)old, *n = (const __u16 *)new;
	__u32 sum = 0;

#pragma unroll
	for (int i = 0; i < 8; i++)
		sum += (__u16)~o[i] + (__u32)n[i];
	return csum_fold(sum);
}

/* Checksum csum after a change whose difference is diff (csum_diff16()). */
static __always_inline __u16 csum_apply(__u16 csum, __u16 diff)
{
	return (__u16)~csum_fold((__u32)(__u16)~csum + diff);
}

/*
 * Stores new (16 bytes) over the address at addr_off, the checksum at
 * csum_off (0: none) updated; pseudo: the address is in that checksum's
 * pseudo header (else in the data it covers). diff: csum_diff16(old, new).
 */
static __always_inline int store_addr6(struct __sk_buff *skb, __u16 addr_off, const __u8 *new,
				       __u16 csum_off, __u16 diff, bool pseudo, bool udp)
{
	__u64 flags = (pseudo ? BPF_F_PSEUDO_HDR : 0) | (udp ? BPF_F_MARK_MANGLED_0 : 0);
	int err = 0;

	if (csum_off)
		err |= bpf_l4_csum_replace(skb, csum_off, 0, diff, flags);
	err |= bpf_skb_store_bytes(skb, addr_off, new, 16, 0);
	return err;
}

/* Stores a 16-bit value at off, the checksum at csum_off updated. */
static __always_inline int store_csum16(struct __sk_buff *skb, __u16 csum_off, __u16 off, __u16 old,
					__u16 new, bool udp)
{
	return bpf_l4_csum_replace(skb, csum_off, old, new,
				   sizeof(new) | (udp ? BPF_F_MARK_MANGLED_0 : 0)) |
	       bpf_skb_store_bytes(skb, off, &new, sizeof(new), 0);
}

/*
 * Rewrites the source (src) or destination address of the IPv6 packet at
 * l3_off from old to new, and the port (or ICMPv6 echo id) at port_off
 * (0: none) from old_port to new_port; the transport checksum at csum_off
 * follows both.
 */
static __always_inline int rewrite6(struct __sk_buff *skb, __u16 l3_off, bool src, const __u8 *old,
				    const __u8 *new, __u8 proto, __u16 csum_off, __u16 port_off,
				    __u16 old_port, __u16 new_port)
{
	bool udp = proto == IPPROTO_UDP;
	int err;

	err = store_addr6(skb, l3_off + (src ? IP6_SADDR_OFF : IP6_DADDR_OFF), new, csum_off,
			  csum_diff16(old, new), true, udp);
	if (port_off && csum_off && old_port != new_port)
		err |= store_csum16(skb, csum_off, port_off, old_port, new_port, udp);
	return err;
}

/* Into the container, as the node's stack would forward it: hop limit - 1, new L2. */
static __always_inline int deliver_inside6(struct __sk_buff *skb, __u16 l3_off, __u8 hop_limit,
					   const struct bpfbr_flow *fl)
{
	__u32 ifindex = fl->ifindex;
	__u8 mac[6], gw_mac[6], hl = hop_limit - 1;

	if (hop_limit <= 1)
		return -BPFBR_DROP_TTL_EXCEEDED;
	__builtin_memcpy(mac, fl->mac, 6);
	__builtin_memcpy(gw_mac, fl->gw_mac, 6);
	if (bpf_skb_store_bytes(skb, l3_off + IP6_HOPLIMIT_OFF, &hl, 1, 0) ||
	    rewrite_l2(skb, mac, gw_mac))
		return -BPFBR_DROP_TRUNCATED;
	return bpf_redirect_peer(ifindex, 0);
}

#endif
