/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Per-node counters of a cluster (include/bpfbr/node_stats.h): what the
 * uplink's programs and the VXLAN device's send to a node, receive from it
 * and refuse in its name, and what the switch leaves to the stack as too
 * big for the way to it, at the slot its tunnel_nodes entry names.
 */
#ifndef BPFBR_BPF_NODE_STATS_H
#define BPFBR_BPF_NODE_STATS_H

#include "common.h"
#include "bpfbr/node_stats.h"
#include "ipv4.h"
#include "tunnel_map.h"

/* "cluster_node_stats" (PINS/cluster_node_stats): a node's slot -> its counters. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, BPFBR_NODE_STATS_MAX);
	__type(key, __u32);
	__type(value, struct bpfbr_node_stats);
} bpfbr_node_stats SEC(".maps");

static __always_inline struct bpfbr_node_stats *node_stats(const struct bpfbr_tunnel_node *n)
{
	__u32 slot = n->slot;

	return slot ? bpf_map_lookup_elem(&bpfbr_node_stats, &slot) : NULL;
}

/* The other node that owns addr's pod CIDR in direct mode (no tunnel), or NULL. */
static __always_inline struct bpfbr_tunnel_node *direct_node(__u32 addr)
{
	struct bpfbr_tunnel_node *n = tunnel_node(addr);

	return n && !n->ifindex ? n : NULL;
}

/* A packet of len bytes sent to node n (NULL: no node's). */
static __always_inline void node_sent(const struct bpfbr_tunnel_node *n, __u32 len)
{
	struct bpfbr_node_stats *s = n ? node_stats(n) : NULL;

	if (s) {
		s->tx_packets++;
		s->tx_bytes += len;
	}
}

/* A packet of len bytes received from node n (NULL: no node's). */
static __always_inline void node_received(const struct bpfbr_tunnel_node *n, __u32 len)
{
	struct bpfbr_node_stats *s = n ? node_stats(n) : NULL;

	if (s) {
		s->rx_packets++;
		s->rx_bytes += len;
	}
}

/* A tunnel packet claiming n's pod CIDR, refused (NULL: no node's). */
static __always_inline void node_refused(const struct bpfbr_tunnel_node *n)
{
	struct bpfbr_node_stats *s = n ? node_stats(n) : NULL;

	if (s)
		s->refused++;
}

/* A pod's packet p for node n (NULL: no node's) too big for the way there:
 * counted when DF is set (the stack answers "fragmentation needed"; the
 * rest it fragments). */
static __always_inline void node_too_big(struct __sk_buff *skb, const struct bpfbr_tunnel_node *n,
					 const struct ipv4_pkt *p)
{
	struct bpfbr_node_stats *s;
	__be16 frag_off;

	if (!n ||
	    bpf_skb_load_bytes(skb, p->l3_off + offsetof(struct iphdr, frag_off), &frag_off,
			       sizeof(frag_off)) ||
	    !(frag_off & bpf_htons(IP_DF)))
		return;
	s = node_stats(n);
	if (s)
		s->too_big++;
}

#endif
