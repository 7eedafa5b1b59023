/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Header rewrites on an skb with checksum fix-ups (TC). Helpers that change
 * packet data invalidate packet pointers: callers work from offsets.
 */
#ifndef BPFBR_BPF_REWRITE_H
#define BPFBR_BPF_REWRITE_H

#include "ipv4.h"

#define IP_CSUM_OFF  10
#define IP_TTL_OFF   8
#define IP_SADDR_OFF 12
#define IP_DADDR_OFF 16

/*
 * Rewrites the source (src) or destination address and, when port_off is
 * not 0, the 16-bit port or ICMP id at port_off, fixing the IPv4 checksum
 * and the transport checksum (with its pseudo header for TCP and UDP; a
 * zero UDP checksum stays zero). A non-first fragment carries only the
 * addresses.
 */
static __always_inline int rewrite_addr_port(struct __sk_buff *skb, const struct ipv4_pkt *p,
					     bool src, __u32 new_addr, __u16 port_off,
					     __u16 old_port, __u16 new_port)
{
	__u32 old_addr = src ? p->saddr : p->daddr;
	__u16 csum_off = p->frag == FRAG_LATER ? 0 : l4_csum_off(p->proto, p->l4_off);
	__u64 mangled = p->proto == IPPROTO_UDP ? BPF_F_MARK_MANGLED_0 : 0;
	int err = 0;

	if (old_addr != new_addr) {
		if (csum_off && p->proto != IPPROTO_ICMP)
			err |= bpf_l4_csum_replace(skb, csum_off, old_addr, new_addr,
						   BPF_F_PSEUDO_HDR | sizeof(new_addr) | mangled);
		err |= bpf_l3_csum_replace(skb, p->l3_off + IP_CSUM_OFF, old_addr, new_addr,
					   sizeof(new_addr));
		err |= bpf_skb_store_bytes(skb, p->l3_off + (src ? IP_SADDR_OFF : IP_DADDR_OFF),
					   &new_addr, sizeof(new_addr), 0);
	}
	if (port_off && csum_off && old_port != new_port) {
		err |= bpf_l4_csum_replace(skb, csum_off, old_port, new_port,
					   sizeof(new_port) | mangled);
		err |= bpf_skb_store_bytes(skb, port_off, &new_port, sizeof(new_port), 0);
	}
	return err;
}

/* What a router does to a packet it forwards: TTL - 1, checksum updated. */
static __always_inline int ttl_decrement(struct __sk_buff *skb, const struct ipv4_pkt *p)
{
	__u16 old = bpf_htons(((__u16)p->ttl << 8) | p->proto);
	__u16 new = bpf_htons(((__u16)(p->ttl - 1) << 8) | p->proto);
	__u8 ttl = p->ttl - 1;

	return bpf_l3_csum_replace(skb, p->l3_off + IP_CSUM_OFF, old, new, sizeof(new)) |
	       bpf_skb_store_bytes(skb, p->l3_off + IP_TTL_OFF, &ttl, 1, 0);
}

/* New Ethernet destination and source, as a router's output does. */
static __always_inline int rewrite_l2(struct __sk_buff *skb, const __u8 *dst, const __u8 *src)
{
	__u8 macs[12];

	__builtin_memcpy(macs, dst, 6);
	__builtin_memcpy(macs + 6, src, 6);
	return bpf_skb_store_bytes(skb, 0, macs, sizeof(macs), 0);
}

#endif
