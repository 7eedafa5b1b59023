/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Anti-spoofing for IPv6 a container sends, on networks with an IPv6 subnet:
 * its source is the address it was given or its link-local address (the
 * EUI-64 of its MAC, or the one attach recorded); the unspecified address
 * only for duplicate address detection and its MLD reports (RFC 4862);
 * NDP as ndp.h checks it; no DHCPv6 server or relay messages.
 */
#ifndef BPFBR_BPF_SPOOF6_H
#define BPFBR_BPF_SPOOF6_H

#include "maps6.h"
#include "ndp.h"
#include "bpfbr/port.h"

#define DHCP6_SERVER_PORT 547

static __always_inline bool own_addr6(const __u8 *a, const struct bpfbr_port *in,
				      const struct bpfbr_port6 *p6)
{
	__u8 ll[16] __attribute__((aligned(8)));

	if (p6 && !ipv6_is_zero(p6->addr) && ipv6_equal(a, p6->addr))
		return true;
	if (p6 && !ipv6_is_zero(p6->ll) && ipv6_equal(a, p6->ll))
		return true;
	ipv6_ll_of_mac(ll, in->mac);
	return ipv6_equal(a, ll);
}

/* 0 when the IPv6 frame f may enter the switch from container port in, else -reason. */
static __always_inline int check_ipv6(const struct frame *f, const struct bpfbr_port *in)
{
	__u8 target[16] __attribute__((aligned(8)));
	struct bpfbr_port6 *p6;
	__u32 ifindex = in->ifindex;
	struct ipv6_pkt p;
	bool own_target;
	int err;

	if (!config6_get())
		return 0; /* no IPv6 subnet: switched at layer 2, kept from the node */
	p6 = bpf_map_lookup_elem(&bpfbr_ports6, &ifindex);
	if (!in->ipv4 && !p6)
		return 0; /* no address assigned (IPAM-less attachment): L2 only */
	err = parse_ipv6(f, &p);
	if (err)
		return err;
	if (ipv6_is_zero(p.saddr)) {
		if (!p.has_l4 || p.proto != NEXTHDR_ICMP)
			return -BPFBR_DROP_IPV6_SPOOF;
		if (p.icmp_type == ICMPV6_MLD2_REPORT || p.icmp_type == ICMPV6_MLD_REPORT)
			return 0;
		if (p.icmp_type != ICMPV6_NEIGH_SOLICIT)
			return -BPFBR_DROP_IPV6_SPOOF;
	} else if (!own_addr6(p.saddr, in, p6)) {
		return -BPFBR_DROP_IPV6_SPOOF;
	}
	if (!p.has_l4)
		return 0; /* a later fragment, or a transport the checks do not read */
	if (p.proto == NEXTHDR_UDP && p.sport == bpf_htons(DHCP6_SERVER_PORT))
		return -BPFBR_DROP_DHCP6_SERVER;
	if (p.proto != NEXTHDR_ICMP)
		return 0;
	own_target = false;
	if (p.icmp_type == ICMPV6_NEIGH_SOLICIT || p.icmp_type == ICMPV6_NEIGH_ADVERT) {
		if (!ndp_target(f, &p, target))
			return -BPFBR_DROP_TRUNCATED;
		own_target = own_addr6(target, in, p6);
	}
	return ndp_check(f, &p, in->mac, own_target);
}

#endif
