/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Anti-spoofing for frames a container sends: it may only send from its own
 * MAC, speak IPv4 and ARP as the address it was given (IPv6: spoof6.h), and
 * not send VLAN-tagged frames. (With the check off, learning still refuses to move a
 * MAC that another port owns.)
 */
#ifndef BPFBR_BPF_SPOOF_H
#define BPFBR_BPF_SPOOF_H

#include "eth.h"
#include "spoof6.h"
#include "bpfbr/port.h"

/* ARP for IPv4 over Ethernet: the fixed header plus its 20-byte body. */
struct arp_eth_ipv4 {
	__be16 htype;
	__be16 ptype;
	__u8 hlen;
	__u8 plen;
	__be16 op;
	__u8 sha[6];
	__u8 spa[4];
	__u8 tha[6];
	__u8 tpa[4];
} __attribute__((packed));

/* Bytes after the Ethernet header that the checks read at most: an IPv6
 * header, extension headers and an NDP message with its options. */
#define SPOOF_HDR_LEN 128

static __always_inline int check_arp(const struct frame *f, const struct bpfbr_port *in)
{
	struct arp_eth_ipv4 *arp = f->data + f->l3_off;
	__u32 spa;

	if ((void *)(arp + 1) > f->data_end)
		return -BPFBR_DROP_TRUNCATED;
	if (arp->htype != bpf_htons(ARPHRD_ETHER) || arp->ptype != bpf_htons(ETH_P_IP) ||
	    arp->hlen != 6 || arp->plen != 4)
		return -BPFBR_DROP_TRUNCATED;
	if (!mac_equal(arp->sha, f->eth->h_source))
		return -BPFBR_DROP_ARP_SPOOF;
	__builtin_memcpy(&spa, arp->spa, 4);
	if (spa == in->ipv4)
		return 0;
	/* An address-conflict probe (RFC 5227) asks with a zero sender. */
	if (spa == 0 && arp->op == bpf_htons(ARPOP_REQUEST))
		return 0;
	return -BPFBR_DROP_ARP_SPOOF;
}

static __always_inline int check_ipv4(const struct frame *f, const struct bpfbr_port *in)
{
	struct iphdr *ip = f->data + f->l3_off;

	if ((void *)(ip + 1) > f->data_end)
		return -BPFBR_DROP_TRUNCATED;
	if (ip->version != 4 || ip->ihl < 5)
		return -BPFBR_DROP_TRUNCATED;
	if (ip->saddr != in->ipv4)
		return -BPFBR_DROP_IP_SPOOF;
	return 0;
}

/* Returns 0 when the frame may enter the switch, else a negative drop reason. */
static __always_inline int check_spoof(const struct frame *f, const struct bpfbr_port *in)
{
	if (f->vlan_tagged)
		return -BPFBR_DROP_VLAN;
	/* As the CNI plugins' macspoofchk: a container speaks from its own MAC. */
	if (!mac_equal(f->eth->h_source, in->mac))
		return -BPFBR_DROP_MAC_SPOOF;
	if (f->proto == ETH_P_IPV6)
		return check_ipv6(f, in);
	if (!in->ipv4)
		return 0; /* no address assigned (IPAM-less attachment): L2 only */
	if (f->proto == ETH_P_ARP)
		return check_arp(f, in);
	if (f->proto == ETH_P_IP)
		return check_ipv4(f, in);
	return 0;
}

#endif
