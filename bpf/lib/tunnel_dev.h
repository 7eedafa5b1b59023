/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The VXLAN device of a cluster node (collect_md: the BPF programs name the
 * remote end of every packet; there is no FDB and no per-node device).
 *
 * Ingress, what the device decapsulated: accepted only from the node that
 * owns the inner source's pod CIDR, with the cluster's VNI (anything else,
 * a forged or stray tunnel packet, is dropped and counted), and only for
 * this node's pod CIDR (its pods, its gateway); then straight into the pod
 * when it is for one (cluster_deliver()), else to the node's stack as a
 * packet for this host (its inner destination MAC is the sender's device's,
 * which the device is NOARP for): the gateway's address, and what the fast
 * path leaves to the stack (fragments, TTL expiry, IPv4 options), which
 * the stack forwards (forwarding is on for the device).
 *
 * Egress, what the node's stack sends through the reconcile's routes to the
 * other nodes' pod CIDRs (the node's own packets, and what the switch's fast
 * path left to the stack): encapsulated for the node that owns the
 * destination; a pod's flow the stack forwarded is remembered by its
 * replies (cluster_stack_flows), which then take the stack too. The switch's
 * fast path sets the same key before it redirects.
 *
 * Both count per node (node_stats.h): sent to the node, received from it,
 * refused in its name.
 */
#ifndef BPFBR_BPF_TUNNEL_DEV_H
#define BPFBR_BPF_TUNNEL_DEV_H

#include "cluster_in.h"
#include "eth.h"
#include "ipv4.h"
#include "nat_maps.h"
#include "node_stats.h"
#include "tunnel_map.h"

/* A verdict for a decapsulated packet, or a negative drop reason. */
static __always_inline int tunnel_admit(struct __sk_buff *skb)
{
	struct bpfbr_tunnel_node *n, *src;
	struct bpf_tunnel_key key = {};
	struct ipv4_pkt p;
	struct frame f = {};

	if (bpf_skb_get_tunnel_key(skb, &key, sizeof(key), 0))
		return -BPFBR_DROP_TUNNEL_FOREIGN;
	if (parse_eth(&f, (void *)(long)skb->data, (void *)(long)skb->data_end) || f.vlan_tagged ||
	    f.proto != ETH_P_IP || parse_ipv4(&f, &p))
		return -BPFBR_DROP_TUNNEL_FOREIGN; /* no pod sends it: none of the cluster's */
	src = tunnel_node(p.saddr);
	if (!src || src->node_addr != bpf_htonl(key.remote_ipv4) || src->vni != key.tunnel_id) {
		node_refused(src); /* in the name of the node it claims to come from */
		return -BPFBR_DROP_TUNNEL_FOREIGN;
	}
	/* Only for this node's range: the tunnel is no way through this node. */
	n = tunnel_owner(p.daddr);
	if (!n || !(n->flags & BPFBR_TUNNEL_LOCAL)) {
		node_refused(src);
		return -BPFBR_DROP_TUNNEL_NOT_LOCAL;
	}
	node_received(src, skb->len);
	bpf_skb_change_type(skb, PACKET_HOST);
	return cluster_deliver(skb, &p);
}

/* A verdict for a packet the stack sends through the device, or a negative drop reason. */
static __always_inline int tunnel_encap(struct __sk_buff *skb)
{
	struct bpfbr_tunnel_node *n;
	struct bpfbr_endpoint *ep;
	struct ipv4_pkt p, whole;
	struct frame f = {};

	if (parse_eth(&f, (void *)(long)skb->data, (void *)(long)skb->data_end) ||
	    f.proto != ETH_P_IP || parse_ipv4_hdr(&f, &p))
		return -BPFBR_DROP_TUNNEL_NO_NODE;
	/* A pod's flow the stack forwarded here (a service's DNAT): its replies
	 * are to go back through the stack, as through the uplink. */
	ep = bpf_map_lookup_elem(&nat_endpoints, &p.saddr);
	if (ep && !parse_ipv4(&f, &whole))
		stack_flow_note(skb, ep, &whole);
	n = tunnel_node(p.daddr);
	if (!n || tunnel_key_set(skb, n))
		return -BPFBR_DROP_TUNNEL_NO_NODE;
	node_sent(n, skb->len);
	return TC_ACT_OK;
}

#endif
