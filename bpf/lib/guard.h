/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * What containers may reach beyond their network: not another network's
 * subnet, and of the node only what the user allows on the gateway address
 * (with --gateway-allow; all of it with --gateway-allow all), ICMP, and
 * replies to flows the node opened.
 */
#ifndef BPFBR_BPF_GUARD_H
#define BPFBR_BPF_GUARD_H

#include "inbound.h"
#include "ipv4.h"
#include "ipv6.h"
#include "maps.h"
#include "maps6.h"

/*
 * IPv6 for the node: only on a network with an IPv6 subnet, where the
 * gateway device has IPv6 and guard6.h guards it as IPv4 is guarded; on
 * others none (the gateway device has IPv6 disabled as well).
 */
static __always_inline int node_ipv6(const struct frame *f)
{
	return f->proto == ETH_P_IPV6 && !config6_get() ? -BPFBR_DROP_NODE_IPV6 : 0;
}

/* A multicast frame's IPv6 for the node: for a multicast address (the node
 * takes unicast IPv6 inside one as its own). 0 or a negative drop reason. */
static __always_inline int node_flood_guard6(const struct frame *f)
{
	struct ipv6hdr *ip = f->data + f->l3_off;

	if ((void *)(ip + 1) > f->data_end)
		return 0; /* shorter than an IPv6 header: the node's stack discards it */
	return ipv6_is_multicast((__u8 *)&ip->daddr) ? 0 : -BPFBR_DROP_NODE_DENIED;
}

/*
 * What a container may give the gateway port at all, unicast or as its copy
 * of a flood: no VLAN-tagged frame (the node strips priority tags, any number
 * of them, and would take what is inside past every check here), no IPv6.
 * 0 or a negative drop reason.
 */
static __always_inline int node_frame_guard(const struct frame *f)
{
	if (f->vlan_tagged)
		return -BPFBR_DROP_VLAN;
	return node_ipv6(f);
}

/*
 * A container's flooded frame: may the node have its copy? Unknown unicast,
 * yes: the node's stack ignores a frame for another host. Broadcast and
 * multicast as node_frame_guard() says, and IPv4 in them must be for a
 * broadcast or multicast address: the node takes unicast IPv4 as sent to
 * itself whatever the frame's destination MAC, which would pass the guard
 * by (--gateway-allow all: as a bridge, it may). 0 or a negative drop reason.
 */
static __always_inline int node_flood_guard(const struct bpfbr_netcfg *cfg, const struct frame *f)
{
	struct iphdr *ip = f->data + f->l3_off;
	__u32 daddr;
	int err;

	if (!mac_is_multicast(f->eth->h_dest))
		return 0;
	err = node_frame_guard(f);
	if (err || (cfg->flags & BPFBR_NET_NODE_OPEN))
		return err;
	if (f->proto == ETH_P_IPV6)
		return node_flood_guard6(f);
	if (f->proto != ETH_P_IP)
		return 0;
	if ((void *)(ip + 1) > f->data_end)
		return 0; /* shorter than an IPv4 header: the node's stack discards it */
	daddr = ip->daddr;
	if (daddr == 0xffffffff || ipv4_is_multicast(daddr) ||
	    daddr == (cfg->subnet | ~cfg->netmask))
		return 0;
	return -BPFBR_DROP_NODE_DENIED;
}

/* The destination lies in the subnet of another bpfbr network. */
static __always_inline bool other_network(__u32 daddr)
{
	struct bpfbr_subnet_key k = { .prefixlen = 32, .addr = daddr };

	return bpf_map_lookup_elem(&bpfbr_subnets, &k) != NULL;
}

/* The destination lies in one of the cluster's service CIDRs. */
static __always_inline bool service_dst(__u32 daddr)
{
	struct bpfbr_service_key k = { .prefixlen = 32, .addr = daddr };

	return bpf_map_lookup_elem(&bpfbr_services, &k) != NULL;
}

/* The guard's rules for a packet (or a first fragment) to a node address: 0 or -reason. */
static __always_inline int node_guard(const struct bpfbr_netcfg *cfg, const struct ipv4_pkt *p,
				      bool reply)
{
	/* To whichever node address: a reply in a flow that the node (or an
	 * allowed service) opened: a TCP segment past the SYN (no connection
	 * starts without one), UDP the node sent in first, an echo reply or
	 * ICMP error. A SYN without ACK is never a reply, whatever flow it
	 * claims: it opens a connection. */
	if (!tcp_opens(p) && (reply || (p->proto == IPPROTO_TCP && (p->tcp_flags & TCP_FLAG_ACK))))
		return 0;
	if (p->proto == IPPROTO_ICMP &&
	    (p->icmp_type == ICMP_ECHOREPLY || icmp_is_error(p->icmp_type)))
		return 0;
	if (p->daddr != cfg->gateway)
		return -BPFBR_DROP_NODE_DENIED;
	/* Pings and other ICMP to the gateway. */
	if (p->proto == IPPROTO_ICMP)
		return 0;
	if (!p->has_ports)
		return -BPFBR_DROP_NODE_DENIED;
#pragma unroll
	for (__u32 i = 0; i < BPFBR_GATEWAY_ALLOW_MAX; i++) {
		if (i >= cfg->n_allow)
			break;
		if (cfg->allow[i].proto == p->proto &&
		    (!cfg->allow[i].port || cfg->allow[i].port == p->dport))
			return 0;
	}
	return -BPFBR_DROP_NODE_DENIED;
}

/*
 * A later fragment for the node follows its first: 0 if that one passed the
 * guard, came from the same port, and not longer ago than the node keeps
 * fragments, else a negative drop reason. One that would rewrite the
 * transport header the guard read (RFC 1858's overlapping fragment) never
 * passes.
 */
static __always_inline int node_frag_follows(const struct ipv4_pkt *p, __u16 frag_off, __u16 slot)
{
	struct bpfbr_node_frag *v;
	struct bpfbr_frag_key k;

	if (frag_off < l4_min_len(p->proto))
		return -BPFBR_DROP_TINY_FRAGMENT;
	frag_key(&k, p);
	v = bpf_map_lookup_elem(&bpfbr_node_frags, &k);
	if (!v || v->slot != slot ||
	    older_than(bpf_ktime_get_ns(), v->first_ns, BPFBR_FRAG_TIMEOUT_S * NSEC_PER_SEC))
		return -BPFBR_DROP_FRAG_UNKNOWN;
	return 0;
}

static __always_inline void node_frag_note(const struct ipv4_pkt *p, __u16 slot)
{
	struct bpfbr_node_frag v = { .first_ns = bpf_ktime_get_ns(), .slot = slot };
	struct bpfbr_frag_key k;

	frag_key(&k, p);
	bpf_map_update_elem(&bpfbr_node_frags, &k, &v, BPF_ANY);
}

/*
 * 0 when a container on port slot may send p (of frame f) to a node address,
 * else a negative drop reason. A fragmented datagram is judged by its first
 * fragment (which carries the whole transport header: route.h drops one
 * that does not); the fragments after it follow that verdict.
 */
static __always_inline int node_check(const struct bpfbr_netcfg *cfg, __u16 slot,
				      const struct frame *f, const struct ipv4_pkt *p, bool reply)
{
	int err;

	if (cfg->flags & BPFBR_NET_NODE_OPEN)
		return 0;
	if (p->frag == FRAG_LATER)
		return node_frag_follows(p, ipv4_frag_off(f), slot);
	err = node_guard(cfg, p, reply);
	if (!err && p->frag == FRAG_FIRST)
		node_frag_note(p, slot);
	return err;
}

#endif
