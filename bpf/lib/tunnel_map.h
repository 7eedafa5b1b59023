/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The VXLAN cluster's other nodes (include/bpfbr/tunnel.h), as the switch
 * and the uplink's programs see them, and the tunnel key that sends a
 * packet to one of them.
 */
#ifndef BPFBR_BPF_TUNNEL_MAP_H
#define BPFBR_BPF_TUNNEL_MAP_H

#include "common.h"
#include "bpfbr/tunnel.h"

/* "tunnel_nodes" (PINS/tunnel_nodes): pod CIDR -> the node that owns it. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, BPFBR_TUNNEL_NODES_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct bpfbr_tunnel_key);
	__type(value, struct bpfbr_tunnel_node);
} bpfbr_tunnel_nodes SEC(".maps");

#define TUNNEL_TTL 64

/* The node that owns addr's pod CIDR (this one's included), or NULL. */
static __always_inline struct bpfbr_tunnel_node *tunnel_owner(__u32 addr)
{
	struct bpfbr_tunnel_key key = { .prefixlen = 32, .addr = addr };

	return bpf_map_lookup_elem(&bpfbr_tunnel_nodes, &key);
}

/* The other node that owns addr's pod CIDR, or NULL. */
static __always_inline struct bpfbr_tunnel_node *tunnel_node(__u32 addr)
{
	struct bpfbr_tunnel_node *n = tunnel_owner(addr);

	return n && !(n->flags & BPFBR_TUNNEL_LOCAL) ? n : NULL;
}

/*
 * The skb leaves the VXLAN device encapsulated for node n: outer destination
 * its address, n's VNI, no outer UDP checksum, DF set on the outer header
 * (no outer fragment ever leaves: the inner packet was checked against the
 * device's MTU, the uplink's minus the encapsulation). 0 or non-zero.
 */
static __always_inline int tunnel_key_set(struct __sk_buff *skb, const struct bpfbr_tunnel_node *n)
{
	struct bpf_tunnel_key key = {};

	key.remote_ipv4 = bpf_ntohl(n->node_addr); /* the helper takes host order */
	key.tunnel_id = n->vni;
	key.tunnel_ttl = TUNNEL_TTL;
	return bpf_skb_set_tunnel_key(skb, &key, sizeof(key),
				      BPF_F_ZERO_CSUM_TX | BPF_F_DONT_FRAGMENT);
}

#endif
