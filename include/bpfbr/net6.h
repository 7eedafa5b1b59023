/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * IPv6 of a dual-stack network, in maps of their own so that the IPv4
 * layouts ("config", "ports") stay as older builds pinned them.
 * Map "config6": one entry at index 0; prefix 0 means the network has no
 * IPv6 subnet (its IPv6 is switched at layer 2 and kept from the node, as
 * before). Map "ports6": node-side device ifindex -> the container's IPv6.
 */
#ifndef BPFBR_NET6_H
#define BPFBR_NET6_H

#include "types.h"

struct bpfbr_netcfg6 {
	__u8 subnet[16];     /* network order, host bits zero */
	__u8 gateway[16];    /* the gateway device's address in the subnet */
	__u8 gateway_ll[16]; /* and its link-local address (fe80::/64, EUI-64 of its MAC) */
	__u8 prefix;	     /* 48..64; 0: no IPv6 subnet */
	__u8 pad[7];
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_netcfg6) == 56, "netcfg6 layout");

struct bpfbr_port6 {
	__u8 addr[16]; /* the address the container was given (zero: none) */
	__u8 ll[16];   /* its link-local address as attach made it */
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_port6) == 32, "port6 layout");

/*
 * Map "inbound6_flows": UDP the node sent into a container over IPv6, keyed
 * by the container -> node direction, so that the container's replies pass
 * the node's guard (as IPv4's inbound_flows). An LRU: only the node makes
 * entries, so only its own flows can push one out.
 */
struct bpfbr_conn6_key {
	__u8 caddr[16]; /* the container's address */
	__u8 naddr[16]; /* the node's */
	__u16 cport;	/* network order */
	__u16 nport;
	__u8 proto;
	__u8 pad[3];
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_conn6_key) == 40, "conn6 key layout");

struct bpfbr_inbound6 {
	__u64 seen_ns; /* the node's last datagram of the flow */
	__u16 slot;    /* the container's port: only its replies belong to the flow */
	__u8 pad[6];
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_inbound6) == 16, "inbound6 layout");

#define BPFBR_INBOUND6_MAX 4096

#endif
