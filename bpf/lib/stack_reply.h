/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Replies that go back through the node's stack although the container they
 * are for is on the same network. A pod's connection to a Kubernetes
 * service address takes the stack (route.h), where kube-proxy's DNAT sends
 * it to a backend pod, through the gateway port (inbound.h remembers the
 * flow and marks the backend's port). The backend answers the client's
 * address, on the network: switched straight across, the answer would skip
 * the conntrack entry that turns the backend's address back into the
 * service's, and the client would refuse it (what br_netfilter does for a
 * bridge). So a marked port's TCP and UDP to another container is looked up
 * in inbound_flows, and a reply goes to the gateway instead, addressed to
 * its MAC; the stack translates it and sends it on to the client.
 */
#ifndef BPFBR_BPF_STACK_REPLY_H
#define BPFBR_BPF_STACK_REPLY_H

#include "counters.h"
#include "inbound.h"
#include "maps.h"

/*
 * A frame f that container port in (marked BPFBR_PORT_F_STACK_PEERS) sends
 * to another container: the ifindex
 * of the gateway port when it is a reply the stack must see (its destination
 * MAC now the gateway's), else 0.
 */
static __always_inline __u32 stack_reply(struct __sk_buff *skb, const struct bpfbr_port *in,
					 const struct frame *f)
{
	__u32 gw_slot = BPFBR_GATEWAY_SLOT, *gw_ifindex, ifindex;
	struct bpfbr_port *gw;
	struct ipv4_pkt p;

	/* Nothing tagged reaches the node (guard.h): such a frame stays switched. */
	if (f->proto != ETH_P_IP || f->vlan_tagged || parse_ipv4(f, &p) ||
	    !inbound_flow(&p, in->slot))
		return 0;
	gw_ifindex = bpf_map_lookup_elem(&bpfbr_flood, &gw_slot);
	if (!gw_ifindex || !*gw_ifindex)
		return 0;
	ifindex = *gw_ifindex;
	gw = bpf_map_lookup_elem(&bpfbr_ports, &ifindex);
	if (!gw || gw->kind != BPFBR_PORT_GATEWAY ||
	    bpf_skb_store_bytes(skb, 0, gw->mac, BPFBR_ETH_ALEN, 0))
		return 0;
	count(BPFBR_EV_STACK_REPLY);
	return ifindex;
}

#endif
