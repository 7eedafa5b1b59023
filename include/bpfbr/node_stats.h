/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Map "cluster_node_stats" (PINS/cluster_node_stats, shared by the uplinks'
 * programs and the networks' switches): per declared node of the cluster, what this node's datapath
 * sent to it and received from it, and what it refused in its name; a
 * per-CPU array indexed by the node's slot (struct bpfbr_tunnel_node.slot,
 * 1..BPFBR_TUNNEL_NODES_MAX; slot 0 is never a node's) -> struct
 * bpfbr_node_stats. The reconcile gives a node a slot when it adds it,
 * zeroes a slot no node holds (a removed node's counters go with it), and
 * keeps a node's slot while its pod CIDR stays (a re-addressed node keeps
 * its counters).
 *
 * Counted where a packet of the cluster leaves or enters the node: the
 * uplink's egress and ingress (direct mode: a pod's packet to or from the
 * node's pod CIDR) and the VXLAN device's (encapsulated for the node,
 * decapsulated from it); too_big where the switch routes a pod's packet.
 * Bytes are those of the frame as the pods send it, the inner one in VXLAN
 * mode.
 */
#ifndef BPFBR_NODE_STATS_H
#define BPFBR_NODE_STATS_H

#include "tunnel.h"

#define BPFBR_NODE_STATS_MAX (BPFBR_TUNNEL_NODES_MAX + 1)

struct bpfbr_node_stats {
	__u64 tx_packets; /* to the node's pod CIDR */
	__u64 tx_bytes;
	__u64 rx_packets; /* from the node's pod CIDR (VXLAN: admitted from the node) */
	__u64 rx_bytes;
	/* Tunnel packets claiming the node's pod CIDR and refused: from another
	 * outer source or VNI (forged), or for no pod of this node. */
	__u64 refused;
	/* Packets for the node too big for the way there (the tunnel, or the
	 * uplink in direct mode) with DF set: the switch leaves them to the
	 * node's stack, which refuses them ("fragmentation needed"). */
	__u64 too_big;
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_node_stats) == 48, "node stats layout");

#endif
