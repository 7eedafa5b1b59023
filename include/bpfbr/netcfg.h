/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Per-network configuration: map "config", one entry at index 0. */
#ifndef BPFBR_NETCFG_H
#define BPFBR_NETCFG_H

#include "types.h"

enum bpfbr_net_flags {
	/* Drop frames from containers whose source MAC belongs to another port,
	 * whose IPv4/ARP sender is not the port's address, or that carry VLAN tags. */
	BPFBR_NET_SPOOFCHK = 1 << 0,
	/* Reflect a frame back out of its ingress port (the bridge's hairpin mode). */
	BPFBR_NET_HAIRPIN = 1 << 1,
	/* Send IPv4 for destinations behind the uplink straight to it (fib lookup
	 * and redirect) instead of through the node's stack. */
	BPFBR_NET_ROUTE_FAST = 1 << 2,
};

struct bpfbr_netcfg {
	__u64 ageing_ns;      /* learned fdb entries older than this are ignored */
	__u32 subnet;	      /* network order */
	__u32 netmask;	      /* network order */
	__u32 gateway;	      /* network order */
	__u32 flags;	      /* enum bpfbr_net_flags */
	__u32 nslots;	      /* one past the highest slot in use */
	__u32 gw_ifindex;     /* the gateway device (node side): fib lookups start there */
	__u32 uplink_ifindex; /* BPFBR_NET_ROUTE_FAST: where routed traffic leaves */
	__u32 pad;
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_netcfg) == 40, "netcfg layout");

/*
 * Map "inbound": TCP connections a container answered (it sent the SYN-ACK),
 * keyed by the container -> remote direction. They came in through the
 * node's stack (port mappings, routing), so their packets go back through
 * it, where conntrack translates them, and never take the fast path.
 */
struct bpfbr_conn_key {
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_conn_key) == 12, "conn key layout");

#endif
