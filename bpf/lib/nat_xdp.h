/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Translating a reply back in XDP, where there are no checksum helpers: the
 * packet is written directly and the checksums updated incrementally. Only
 * the common case is handled here (a complete TCP, UDP or echo reply for a
 * container's flow); everything else is passed to the TC program.
 */
#ifndef BPFBR_BPF_NAT_XDP_H
#define BPFBR_BPF_NAT_XDP_H

#include "csum.h"
#include "nat.h"

/*
 * Destination address and port back to the flow's inside ones, TTL - 1, new
 * L2. False when a header is cut short (nothing written then).
 */
static __always_inline bool xdp_untranslate(void *data, void *data_end, const struct ipv4_pkt *p,
					    const struct bpfbr_flow *fl)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = data + p->l3_off;
	void *l4 = data + p->l4_off;
	__u16 old_ttl, new_ttl;

	if ((void *)(eth + 1) > data_end || (void *)(ip + 1) > data_end)
		return false;
	if (p->proto == IPPROTO_TCP) {
		struct tcphdr *th = l4;

		if ((void *)(th + 1) > data_end)
			return false;
		th->check = csum_update16(csum_update32(th->check, ip->daddr, fl->iaddr), th->dest,
					  fl->iport);
		th->dest = fl->iport;
	} else if (p->proto == IPPROTO_UDP) {
		struct udphdr *uh = l4;

		if ((void *)(uh + 1) > data_end)
			return false;
		if (uh->check) {
			uh->check = csum_update16(csum_update32(uh->check, ip->daddr, fl->iaddr),
						  uh->dest, fl->iport)
					    ?: 0xffff;
		}
		uh->dest = fl->iport;
	} else {
		struct icmphdr *ih = l4;

		if ((void *)(ih + 1) > data_end)
			return false;
		ih->checksum = csum_update16(ih->checksum, ih->un.echo.id, fl->iport);
		ih->un.echo.id = fl->iport;
	}
	ip->check = csum_update32(ip->check, ip->daddr, fl->iaddr);
	ip->daddr = fl->iaddr;
	__builtin_memcpy(&old_ttl, &ip->ttl, 2);
	ip->ttl--;
	__builtin_memcpy(&new_ttl, &ip->ttl, 2);
	ip->check = csum_update16(ip->check, old_ttl, new_ttl);
	__builtin_memcpy(eth->h_dest, fl->mac, 6);
	__builtin_memcpy(eth->h_source, fl->gw_mac, 6);
	return true;
}

#endif
