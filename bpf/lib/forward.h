/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Sending a frame to one port, or flooding it to every other port. */
#ifndef BPFBR_BPF_FORWARD_H
#define BPFBR_BPF_FORWARD_H

#include "counters.h"
#include "trace.h"

/*
 * Known unicast: into a container's namespace directly (its eth0 receives
 * the frame without a second pass through the veth), or out of the gateway
 * port, whose peer in the node namespace holds the gateway address.
 * at_xmit: the program runs in a netkit peer's transmit path, not at a TC
 * ingress, and the kernel redirects to a peer only from there; out of the
 * other container's netkit (or veth) node end, its frame reaches the
 * container in the same transmit call.
 */
static __always_inline int deliver(struct __sk_buff *skb, __u32 ifindex, __u16 slot, __u8 kind,
				   bool at_xmit)
{
	count_tx(slot, skb->len);
	if (kind == BPFBR_PORT_CONTAINER && !at_xmit) {
		/* The host-side veth classified the frame as not for itself;
		 * the container is its destination. */
		bpf_skb_change_type(skb, PACKET_HOST);
		trace_redirect(ifindex, BPFBR_TRACE_PEER);
		return bpf_redirect_peer(ifindex, 0);
	}
	trace_redirect(ifindex, BPFBR_TRACE_EGRESS);
	return bpf_redirect(ifindex, 0);
}

/*
 * A flood's walk over the port slots. What it carries from one slot to the
 * next (the port found last) lives in a per-CPU map value, not on the stack:
 * verifiers before 6.7 check a bpf_loop() callback as if it ran once, and
 * would take a stack value the walk starts at 0 for 0 in every round,
 * removing the copies as dead code (a map value's contents are unknown to
 * them).
 */
struct flood_walk {
	struct __sk_buff *skb;
	struct flood_state *st;
	__u32 skip_ifindex; /* the ingress port, unless hairpin */
	__u32 skip_slot;    /* the gateway's, when the node may not have its copy; else none */
	__u32 in_slot;	    /* the ingress port's */
};

static long flood_slot(__u32 slot, struct flood_walk *w)
{
	__u32 *ifindex = bpf_map_lookup_elem(&bpfbr_flood, &slot);
	struct flood_state *st = w->st;

	if (!ifindex || !*ifindex || *ifindex == w->skip_ifindex || slot == w->skip_slot)
		return 0;
	if (st->pending) {
		trace_redirect(st->pending, BPFBR_TRACE_EGRESS);
		if (bpf_clone_redirect(w->skb, st->pending, 0))
			drop_copy(w->skb, BPFBR_DROP_REDIRECT, w->in_slot);
		else
			count_tx(st->pending_slot, w->skb->len);
	}
	st->pending = *ifindex;
	st->pending_slot = slot;
	return 0;
}

/*
 * Broadcast, multicast and unknown unicast: a copy out of every port of the
 * network but the ingress one. Copies leave through the port device, so the
 * receiving end classifies them (broadcast, multicast, other host) as a
 * bridge port's peer would. node_guard: node_flood_guard()'s word on the
 * node's copy: 0, the gateway port gets it; else a negative drop reason, and
 * the copy is left out and counted.
 */
static __always_inline int flood(struct __sk_buff *skb, const struct bpfbr_netcfg *cfg,
				 const struct bpfbr_port *in, int node_guard)
{
	__u32 node_refused = node_guard < 0 ? -node_guard : 0;
	struct flood_walk w = {
		.skb = skb,
		.skip_ifindex = (cfg->flags & BPFBR_NET_HAIRPIN) ? 0 : in->ifindex,
		.skip_slot = node_refused ? BPFBR_GATEWAY_SLOT : BPFBR_MAX_PORTS,
		.in_slot = in->slot,
	};
	__u32 nslots = cfg->nslots, zero = 0;

	w.st = bpf_map_lookup_elem(&bpfbr_flood_state, &zero);
	if (!w.st)
		return drop(skb, BPFBR_DROP_NO_DEST, in->slot);
	w.st->pending = 0;
	w.st->pending_slot = 0;
	if (nslots > BPFBR_MAX_PORTS)
		nslots = BPFBR_MAX_PORTS;
	bpf_loop(nslots, flood_slot, &w, 0);
	if (!w.st->pending)
		return drop(skb, node_refused ?: BPFBR_DROP_NO_DEST, in->slot);
	if (node_refused)
		drop_copy(skb, node_refused, in->slot);
	count(BPFBR_EV_FLOOD);
	mon_trace_skb(skb, in->slot, BPFBR_MON_FLOODED, 0);
	count_tx(w.st->pending_slot, skb->len);
	trace_redirect(w.st->pending, BPFBR_TRACE_EGRESS);
	return bpf_redirect(w.st->pending, 0);
}

#endif
