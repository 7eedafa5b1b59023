/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Map "tunnel_nodes" (PINS/tunnel_nodes, shared by every network's switch
 * and the uplink's programs): every declared node's pod CIDR -> that node
 * (this one's flagged BPFBR_TUNNEL_LOCAL), an LPM trie of struct
 * bpfbr_tunnel_key -> struct bpfbr_tunnel_node. Filled by the cluster
 * reconcile (agent/core/cluster_tunnel.c); empty while no cluster is
 * declared. In VXLAN mode it says where a pod's packet is sent (the outer
 * destination), which node alone may send packets from that range (the
 * outer source a decapsulated packet must have), and which destinations a
 * decapsulated packet may have (this node's range). In direct mode (no
 * device: ifindex and vni 0) it only names the node a packet is counted for
 * (node_stats.h).
 */
#ifndef BPFBR_TUNNEL_H
#define BPFBR_TUNNEL_H

#include "types.h"

#define BPFBR_TUNNEL_NODES_MAX 1024
#define BPFBR_TUNNEL_LOCAL     1

struct bpfbr_tunnel_key {
	__u32 prefixlen; /* LPM trie key: prefix length first */
	__u32 addr;	 /* network order */
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_tunnel_key) == 8, "tunnel key layout");

struct bpfbr_tunnel_node {
	__u32 node_addr; /* the node's address on the fabric, network order */
	__u32 vni;	 /* the cluster's VXLAN network identifier */
	__u32 ifindex;	 /* this node's VXLAN device, where packets for it leave */
	__u16 flags;	 /* BPFBR_TUNNEL_LOCAL: this node's own pod CIDR */
	__u16 slot;	 /* its counters' index in node_stats (node_stats.h); 0: none */
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_tunnel_node) == 16, "tunnel node layout");

#endif
