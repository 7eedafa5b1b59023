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
#include "maps.h"

/* The destination lies in the subnet of another bpfbr network. */
static __always_inline bool other_network(__u32 daddr)
{
	struct bpfbr_subnet_key k = { .prefixlen = 32, .addr = daddr };

	return bpf_map_lookup_elem(&bpfbr_subnets, &k) != NULL;
}

/* 0 when a container may send p to a node address, else the drop reason. */
static __always_inline __u32 node_guard(const struct bpfbr_netcfg *cfg, const struct ipv4_pkt *p,
					bool reply)
{
	if (cfg->flags & BPFBR_NET_NODE_OPEN)
		return 0;
	/* To whichever node address: a reply in a flow that the node (or an
	 * allowed service) opened: a TCP segment past the SYN (no connection
	 * starts without one), UDP the node sent in first, an echo reply or
	 * ICMP error; later fragments follow their first's fate. A SYN without
	 * ACK is never a reply, whatever flow it claims: it opens a connection. */
	if (!tcp_opens(p) && (reply || p->frag == FRAG_LATER ||
			      (p->proto == IPPROTO_TCP && (p->tcp_flags & TCP_FLAG_ACK))))
		return 0;
	if (p->proto == IPPROTO_ICMP &&
	    (p->icmp_type == ICMP_ECHOREPLY || icmp_is_error(p->icmp_type)))
		return 0;
	if (p->daddr != cfg->gateway)
		return BPFBR_DROP_NODE_DENIED;
	/* Pings and other ICMP to the gateway. */
	if (p->proto == IPPROTO_ICMP)
		return 0;
	if (!p->has_ports)
		return BPFBR_DROP_NODE_DENIED;
#pragma unroll
	for (__u32 i = 0; i < BPFBR_GATEWAY_ALLOW_MAX; i++) {
		if (i >= cfg->n_allow)
			break;
		if (cfg->allow[i].proto == p->proto &&
		    (!cfg->allow[i].port || cfg->allow[i].port == p->dport))
			return 0;
	}
	return BPFBR_DROP_NODE_DENIED;
}

#endif
