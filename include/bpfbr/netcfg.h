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
	/* Containers may reach every service of the node, as on a bridge
	 * (--gateway-allow all). Otherwise only what the allow list names on the
	 * gateway address, ICMP, and replies to connections the node opened. */
	BPFBR_NET_NODE_OPEN = 1 << 3,
};

#define BPFBR_GATEWAY_ALLOW_MAX 8

/* A service of the node that containers may reach on the gateway address. */
struct bpfbr_service {
	__u8 proto; /* IPPROTO_TCP or IPPROTO_UDP */
	__u8 pad;
	__u16 port; /* network order; 0: every port */
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
	__u32 n_allow;	      /* entries of allow in use */
	struct bpfbr_service allow[BPFBR_GATEWAY_ALLOW_MAX];
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_netcfg) == 72, "netcfg layout");

/*
 * Map "subnets" (PINS/subnets, shared by every network): subnet -> network
 * index. Containers may not route into another network.
 */
struct bpfbr_subnet_key {
	__u32 prefixlen; /* LPM trie key: prefix length first */
	__u32 addr;	 /* network order */
};

/*
 * Map "inbound_flows" (was "inbound", whose value was a byte): flows into
 * containers that came through the node's stack (port mappings, routing,
 * node processes), as the gateway port delivered their TCP SYN or UDP, keyed
 * by the container -> remote direction. Their packets go back through the
 * stack, where conntrack translates them, and never take the fast path;
 * they pass the node's guard as replies. Bounded per container (quota.h).
 */
struct bpfbr_conn_key {
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
	__u8 proto; /* IPPROTO_TCP or IPPROTO_UDP */
	__u8 pad[3];
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_conn_key) == 16, "conn key layout");

/*
 * Map "inbound_replies" (PINS/inbound_replies, shared by every network's
 * switch and every uplink): the flows of inbound_flows whose replies a
 * container sends beyond the uplink, keyed as there (container -> remote)
 * -> when the switch last saw one (ns). A host that routes a masquerading
 * network's subnet to the node opens such a flow; the chapter's MASQUERADE
 * decides at a connection's first packet and leaves its replies alone, so
 * the uplink's masquerade does not translate them either. Written by the
 * switch only (its gateway port delivered the flow's first packet), read by
 * the uplink before it would make a translation. An LRU: the oldest gives way.
 */
#define BPFBR_INBOUND_REPLIES_MAX 16384

struct bpfbr_inbound {
	__u64 seen_ns; /* the flow's last packet (refreshed at most once a second) */
	__u16 slot;    /* the container's port: only its replies belong to the flow */
	__u8 answered; /* the container sent something back (TCP) */
	__u8 closing;  /* BPFBR_INBOUND_FIN_*, _RST: who sent a FIN, a RST seen (TCP) */
	__u8 pad[4];
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_inbound) == 16, "inbound layout");

/* An inbound flow idle this long is forgotten: RFC 5382's established and
 * transitory TCP (a SYN the container never answered), RFC 4787's UDP (as
 * the masquerade's flows). */
#define BPFBR_INBOUND_TCP_S	 7440
#define BPFBR_INBOUND_TCP_OPEN_S 240
#define BPFBR_INBOUND_UDP_S	 120
/* A TCP flow is forgotten as soon as it is closed (both FINs and the last
 * ACK), so that a client that connects again and again does not use its
 * container's share up; half closed (one FIN), it lives on while idle for
 * BPFBR_INBOUND_TCP_CLOSE_S (conntrack's CLOSE_WAIT), after a RST for
 * BPFBR_INBOUND_TCP_RST_S (conntrack's CLOSE: a RST is not checked against
 * the window here, so a forged one must not end a live flow at once). */
#define BPFBR_INBOUND_TCP_CLOSE_S   60
#define BPFBR_INBOUND_TCP_RST_S	    10
#define BPFBR_INBOUND_FIN_CONTAINER 1
#define BPFBR_INBOUND_FIN_NODE	    2
#define BPFBR_INBOUND_RST	    4

#endif
