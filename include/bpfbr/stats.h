/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Counters. Map "counters": per-CPU array indexed by enum bpfbr_drop, then enum bpfbr_event.
 * Map "port_stats": per-CPU array indexed by port slot.
 * The uplink's "counters" map uses the same indexes.
 */
#ifndef BPFBR_STATS_H
#define BPFBR_STATS_H

#include "types.h"

/* Why a frame was dropped. Keep the names in agent/lib/counter_names.c in step. */
enum bpfbr_drop {
	BPFBR_DROP_NONE = 0,
	BPFBR_DROP_RUNT,	      /* shorter than an Ethernet header */
	BPFBR_DROP_TRUNCATED,	      /* an ARP/IPv4 header cut short or malformed */
	BPFBR_DROP_NOT_A_PORT,	      /* ingress device is not a port of this network */
	BPFBR_DROP_BAD_SRC_MAC,	      /* source MAC is multicast, broadcast or zero */
	BPFBR_DROP_LOOP,	      /* destination lives behind the ingress port */
	BPFBR_DROP_MAC_OWNED,	      /* source MAC is another port's own address */
	BPFBR_DROP_IP_SPOOF,	      /* IPv4 source is not the port's address */
	BPFBR_DROP_ARP_SPOOF,	      /* ARP sender is not the port's address */
	BPFBR_DROP_VLAN,	      /* VLAN-tagged frame from a container port */
	BPFBR_DROP_NO_DEST,	      /* flood with no other port to send to */
	BPFBR_DROP_REDIRECT,	      /* the kernel refused the redirect */
	BPFBR_DROP_TTL_EXCEEDED,      /* a reply for a container arrived with TTL 1 */
	BPFBR_DROP_NAT_FULL,	      /* masquerade table full: new flow refused */
	BPFBR_DROP_NAT_QUOTA,	      /* the container's share of the table is used up */
	BPFBR_DROP_NAT_NO_PORT,	      /* no free outside port for the flow */
	BPFBR_DROP_NAT_PROTO,	      /* a protocol masquerade cannot translate */
	BPFBR_DROP_FRAG_UNKNOWN,      /* a fragment whose first fragment was not seen */
	BPFBR_DROP_MAC_SPOOF,	      /* source MAC is not the container's own */
	BPFBR_DROP_OTHER_NETWORK,     /* IPv4 for another network's subnet */
	BPFBR_DROP_NODE_DENIED,	      /* IPv4 for a node service containers may not reach */
	BPFBR_DROP_NODE_IPV6,	      /* IPv6 for the node (not guarded yet: none reaches it) */
	BPFBR_DROP_TINY_FRAGMENT,     /* a fragment that splits or rewrites the transport header */
	BPFBR_DROP_FOREIGN_SOURCE,    /* IPv4 for the gateway from outside the network's subnet */
	BPFBR_DROP_NAT_RELEASING,     /* a packet of a flow that another CPU was removing */
	BPFBR_DROP_SOURCE_ROUTE,      /* a reply with a source route option (RFC 791) */
	BPFBR_DROP_IPV6_SPOOF,	      /* IPv6 source is not the port's address or link-local */
	BPFBR_DROP_NDP_SPOOF,	      /* NS/NA whose target or link-layer option is not its own */
	BPFBR_DROP_RA_GUARD,	      /* a router advertisement or redirect from a container */
	BPFBR_DROP_DHCP6_SERVER,      /* a DHCPv6 server or relay message from a container */
	BPFBR_DROP_IPV6_UNROUTED,     /* IPv6 beyond the network that the node does not route out */
	BPFBR_DROP_PUBLISH_NO_TARGET, /* to a published port whose container is not an endpoint */
	BPFBR_DROP_IPV6_RH0,	      /* IPv6 with a routing header of type 0 (RFC 5095) */
	BPFBR_DROP_NAT6_NO_ADDRESS,   /* NAT66 without an IPv6 address on the uplink to use */
	BPFBR_DROP_TUNNEL_FOREIGN,    /* decapsulated, but not from the node owning its source */
	BPFBR_DROP_TUNNEL_NO_NODE,    /* for the VXLAN device, but no node owns its destination */
	BPFBR_DROP_TUNNEL_NOT_LOCAL,  /* decapsulated, but not for this node's pod CIDR */
	BPFBR_DROP_HAIRPIN_FULL,      /* a container's connection to a published port: no room */
	BPFBR_DROP_MAX,
};

/*
 * Indexes are ABI: the counters map outlives the programs (bpfbr upgrade)
 * and is read by other builds. New reasons and events are appended, never
 * inserted, and events start at a fixed base so that new drop reasons do not
 * move them.
 */
#define BPFBR_EVENT_BASE 64
BPFBR_STATIC_ASSERT(BPFBR_DROP_MAX <= BPFBR_EVENT_BASE, "drop reasons overflow into events");

/*
 * Events that are worth counting but are not drops. Same map, after the drops;
 * named in agent/lib/counter_names.c too.
 */
enum bpfbr_event {
	BPFBR_EV_LEARNED = BPFBR_EVENT_BASE, /* a new or moved MAC was learned */
	BPFBR_EV_FDB_FULL,		     /* learning failed: fdb (its learned part) full */
	BPFBR_EV_AGED,			     /* an aged-out entry was removed */
	BPFBR_EV_FLOOD,			     /* a frame was flooded */
	BPFBR_EV_ROUTED,		     /* sent to the uplink by the fast path */
	BPFBR_EV_NAT_NEW,		     /* a translation was created */
	BPFBR_EV_NAT_RECLAIMED,		     /* a translation expired or was removed */
	BPFBR_EV_NAT_HOST_REMAP,	     /* a node connection's port was changed */
	BPFBR_EV_NAT_ICMP_ERROR,	     /* an ICMP error was translated back (RFC 5508) */
	BPFBR_EV_FDB_PORT_FULL,		     /* not learned: the port holds its share */
	BPFBR_EV_INBOUND_FULL,		     /* an inbound flow not recorded: share or table full */
	BPFBR_EV_INBOUND_EXPIRED,	     /* an idle inbound flow was forgotten */
	BPFBR_EV_MAC_FOLLOWED,		     /* a container's port took its new MAC */
	BPFBR_EV_MAC_REFUSED,  /* a container's new MAC was not taken (owned, multicast) */
	BPFBR_EV_CLUSTER_IN,   /* from another node of the cluster, delivered into a pod */
	BPFBR_EV_UNREACHABLE,  /* routed to an unreachable, blackhole or prohibit route */
	BPFBR_EV_SERVICE,      /* for a service CIDR: left to the node's stack (kube-proxy) */
	BPFBR_EV_STACK_REPLY,  /* a reply to a flow the stack translated, sent back through it */
	BPFBR_EV_PUBLISHED,    /* a connection to a published port opened a flow */
	BPFBR_EV_TUNNELLED,    /* a pod's packet sent to another node through the VXLAN device */
	BPFBR_EV_INBOUND_KEPT, /* a reply to a flow from outside, left untranslated */
	BPFBR_EV_HAIRPIN,      /* a container's connection to a published port of its network */
	BPFBR_EV_HAIRPIN_IDLE, /* an idle hairpin flow was forgotten */
	BPFBR_EVENT_END,
};

#define BPFBR_COUNTER_MAX 128
BPFBR_STATIC_ASSERT(BPFBR_EVENT_END <= BPFBR_COUNTER_MAX, "events overflow the counters map");

struct bpfbr_port_stats {
	__u64 rx_packets; /* frames received from the endpoint */
	__u64 rx_bytes;
	__u64 tx_packets; /* frames delivered to the endpoint */
	__u64 tx_bytes;
	__u64 drops; /* frames from the endpoint that were dropped */
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_port_stats) == 40, "port stats layout");

#endif
