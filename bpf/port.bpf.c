// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The switch: TC ingress of every port of one network (the node-side end of
 * each container's veth pair, and the switch-side end of the gateway pair).
 * One copy of this object is loaded per network, with that network's maps,
 * so a frame can only ever reach ports of its own network.
 */
#include "lib/common.h"
#include "lib/counters.h"
#include "lib/forward.h"
#include "lib/maps.h"
#include "lib/route.h"
#include "lib/switch.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tc")
int bpfbr_port_in(struct __sk_buff *skb)
{
	struct bpfbr_fdb_entry *dst = NULL;
	struct bpfbr_netcfg *cfg;
	struct bpfbr_port *in;
	__u32 ifindex = skb->ifindex;
	struct frame f = {};
	int verdict;

	cfg = config_get();
	in = bpf_map_lookup_elem(&bpfbr_ports, &ifindex);
	if (!cfg || !in)
		return drop(BPFBR_DROP_NOT_A_PORT, NO_SLOT);
	count_rx(in->slot, skb->len);

	verdict = parse_eth(&f, (void *)(long)skb->data, (void *)(long)skb->data_end);
	if (verdict)
		return drop(verdict, in->slot);
	f.vlan_tagged |= skb->vlan_present; /* a tag the stack moved out of band */
	/* The anti-spoofing checks read headers that must be in the linear part. */
	if (in->kind == BPFBR_PORT_CONTAINER && (cfg->flags & BPFBR_NET_SPOOFCHK) &&
	    f.l3_off + SPOOF_HDR_LEN > skb->data_end - skb->data && skb->len > ETH_HLEN) {
		bpf_skb_pull_data(skb, f.l3_off + SPOOF_HDR_LEN);
		verdict = parse_eth(&f, (void *)(long)skb->data, (void *)(long)skb->data_end);
		if (verdict)
			return drop(verdict, in->slot);
		f.vlan_tagged |= skb->vlan_present;
	}
	verdict = switch_admit(cfg, in, &f);
	if (!verdict)
		verdict = switch_decide(cfg, in, &f, &dst);
	if (verdict == SW_FLOOD)
		return flood(skb, cfg, in);
	if (verdict != SW_DELIVER || !dst)
		return drop(verdict, in->slot);
	if (dst->port_kind == BPFBR_PORT_GATEWAY && in->kind == BPFBR_PORT_CONTAINER) {
		verdict = route_fast(skb, cfg, &f);
		if (verdict != ROUTE_TO_STACK)
			return verdict;
	}
	return deliver(skb, dst->ifindex, dst->slot, dst->port_kind);
}
