// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The switch: TC ingress of every port of one network (the node-side end of
 * each container's veth pair, and the switch-side end of the gateway pair).
 * One copy of this object is loaded per network, with that network's maps,
 * so a frame can only ever reach ports of its own network.
 */
#include "lib/common.h"
#include "lib/counters.h"
#include "lib/eth.h"
#include "lib/fdb.h"
#include "lib/forward.h"
#include "lib/maps.h"
#include "lib/route.h"
#include "lib/spoof.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tc")
int bpfbr_port_in(struct __sk_buff *skb)
{
	struct bpfbr_fdb_entry *dst;
	struct bpfbr_netcfg *cfg;
	struct bpfbr_port *in;
	__u32 ifindex = skb->ifindex;
	struct frame f = {};
	__u64 now;
	int err;

	cfg = config_get();
	in = bpf_map_lookup_elem(&bpfbr_ports, &ifindex);
	if (!cfg || !in)
		return drop(BPFBR_DROP_NOT_A_PORT, NO_SLOT);
	count_rx(in->slot, skb->len);

	err = parse_eth(&f, (void *)(long)skb->data, (void *)(long)skb->data_end);
	if (err)
		return drop(err, in->slot);
	f.vlan_tagged |= skb->vlan_present; /* a tag the stack moved out of band */
	if (mac_is_multicast(f.eth->h_source) || mac_is_zero(f.eth->h_source))
		return drop(BPFBR_DROP_BAD_SRC_MAC, in->slot);

	if (in->kind == BPFBR_PORT_CONTAINER && (cfg->flags & BPFBR_NET_SPOOFCHK)) {
		/* The checked headers must be in the linear part of the skb. */
		if (f.l3_off + SPOOF_HDR_LEN > skb->data_end - skb->data && skb->len > ETH_HLEN) {
			bpf_skb_pull_data(skb, f.l3_off + SPOOF_HDR_LEN);
			err = parse_eth(&f, (void *)(long)skb->data, (void *)(long)skb->data_end);
			if (err)
				return drop(err, in->slot);
			f.vlan_tagged |= skb->vlan_present;
		}
		err = check_spoof(&f, in);
		if (err)
			return drop(err, in->slot);
	}

	now = bpf_ktime_get_ns();
	err = fdb_learn(in, f.eth->h_source, now);
	if (err)
		return drop(err, in->slot);

	if (mac_is_multicast(f.eth->h_dest))
		return flood(skb, cfg, in);
	dst = fdb_lookup(f.eth->h_dest, cfg->ageing_ns, now);
	if (!dst)
		return flood(skb, cfg, in);
	if (dst->ifindex == in->ifindex && !(cfg->flags & BPFBR_NET_HAIRPIN))
		return drop(BPFBR_DROP_LOOP, in->slot);
	if (dst->port_kind == BPFBR_PORT_GATEWAY && in->kind == BPFBR_PORT_CONTAINER) {
		int verdict = route_fast(skb, cfg, &f);

		if (verdict != ROUTE_TO_STACK)
			return verdict;
	}
	return deliver(skb, dst->ifindex, dst->slot, dst->port_kind);
}
