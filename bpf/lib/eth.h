/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Ethernet header parsing and MAC address tests. */
#ifndef BPFBR_BPF_ETH_H
#define BPFBR_BPF_ETH_H

#include "common.h"
#include "bpfbr/stats.h"

/* Bound offsets read back from the stack for the verifier: l3_off is at most
 * 22 (two tags), an l4_off 22 + 60 (IPv4 options). */
#define L3_OFF_MASK 0x3f
#define L4_OFF_MASK 0x7f

struct frame {
	void *data;
	void *data_end;
	struct ethhdr *eth;
	__u16 proto;	  /* host order, after any in-band VLAN tags */
	__u16 l3_off;	  /* offset of the L3 header */
	__u8 vlan_tagged; /* in-band or offloaded 802.1Q/802.1ad tag seen */
};

static __always_inline bool mac_is_multicast(const __u8 *mac)
{
	return mac[0] & 1; /* broadcast included */
}

static __always_inline bool mac_is_zero(const __u8 *mac)
{
	return !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

static __always_inline bool mac_equal(const __u8 *a, const __u8 *b)
{
	return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3] && a[4] == b[4] &&
	       a[5] == b[5];
}

static __always_inline bool proto_is_vlan(__u16 proto)
{
	return proto == ETH_P_8021Q || proto == ETH_P_8021AD;
}

/*
 * Fills f from [data, data_end). Up to two in-band VLAN tags are skipped so
 * that proto/l3_off describe the payload. Returns 0, or -BPFBR_DROP_RUNT for
 * a frame shorter than its Ethernet header, tags included.
 */
static __always_inline int parse_eth(struct frame *f, void *data, void *data_end)
{
	struct ethhdr *eth = data;
	__u16 off = ETH_HLEN;
	__u16 proto;

	f->data = data;
	f->data_end = data_end;
	if (data + ETH_HLEN > data_end)
		return -BPFBR_DROP_RUNT;
	f->eth = eth;
	proto = bpf_ntohs(eth->h_proto);
#pragma unroll
	for (int i = 0; i < 2; i++) {
		__be16 *inner;

		if (!proto_is_vlan(proto))
			break;
		f->vlan_tagged = 1;
		inner = data + off + 2; /* TCI, then the encapsulated ethertype */
		if ((void *)(inner + 1) > data_end)
			return -BPFBR_DROP_RUNT;
		proto = bpf_ntohs(*inner);
		off += VLAN_HLEN;
	}
	f->proto = proto;
	f->l3_off = off;
	return 0;
}

#endif
