// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The switch: TC ingress of every port of one network (the node-side end of
 * each container's veth pair, and the switch-side end of the gateway pair)
 * or, on netkit ports, the transmit path of the container's end (the same
 * __sk_buff program: netkit's verdicts are TC's, skb->ifindex is the node end),
 * and in XDP mode an XDP program in front of it on the same ports.
 * One copy of this object is loaded per network, with that network's maps,
 * so a frame can only ever reach ports of its own network.
 */
#include "lib/common.h"
#include "lib/counters.h"
#include "lib/forward.h"
#include "lib/guard6.h"
#include "lib/hairpin.h"
#include "lib/maps.h"
#include "lib/route.h"
#include "lib/stack_reply.h"
#include "lib/switch.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* What a monitor's trace event says of a frame sent to one port. */
static __always_inline __u8 trace_verdict(const struct bpfbr_fdb_entry *dst)
{
	return dst->port_kind == BPFBR_PORT_GATEWAY ? BPFBR_MON_TO_NODE : BPFBR_MON_FORWARDED;
}

/* The program runs in a netkit container end's transmit path (forward.h):
 * the device is the port's, so a network may mix veth and netkit ports.
 * Worked out where a frame is delivered, not kept from the start: a flag
 * live through the whole program would double the states the verifier
 * walks (6.1 counts every one). */
static __always_inline bool at_xmit(const struct bpfbr_port *in)
{
	return in->device == BPFBR_PORT_NETKIT && in->kind == BPFBR_PORT_CONTAINER;
}

SEC("tc")
int bpfbr_port_in(struct __sk_buff *skb)
{
	struct bpfbr_fdb_entry *dst = NULL;
	struct bpfbr_netcfg *cfg;
	struct bpfbr_port *in;
	__u32 ifindex = skb->ifindex;
	struct frame f = {};
	int verdict;
	__u32 want;

	cfg = config_get();
	in = bpf_map_lookup_elem(&bpfbr_ports, &ifindex);
	if (!cfg || !in)
		return drop(skb, BPFBR_DROP_NOT_A_PORT, NO_SLOT);
	count_rx(in->slot, skb->len);

	verdict = parse_eth(&f, (void *)(long)skb->data, (void *)(long)skb->data_end);
	if (verdict)
		return drop(skb, -verdict, in->slot);
	f.vlan_tagged |= skb->vlan_present; /* a tag the stack moved out of band */
	/* The checks of a container's frames read headers that must be in the linear part. */
	want = f.l3_off + SPOOF_HDR_LEN < skb->len ? f.l3_off + SPOOF_HDR_LEN : skb->len;
	if (in->kind == BPFBR_PORT_CONTAINER && want > skb->data_end - skb->data) {
		bpf_skb_pull_data(skb, want);
		verdict = parse_eth(&f, (void *)(long)skb->data, (void *)(long)skb->data_end);
		if (verdict)
			return drop(skb, -verdict, in->slot);
		f.vlan_tagged |= skb->vlan_present;
	}
	verdict = switch_admit(cfg, in, &f);
	if (!verdict)
		verdict = switch_decide(cfg, in, &f, &dst);
	if (verdict == SW_FLOOD)
		return flood(skb, cfg, in,
			     in->kind == BPFBR_PORT_CONTAINER ? node_flood_guard(cfg, &f) : 0);
	if (verdict != SW_DELIVER || !dst)
		return drop(skb, -verdict, in->slot);
	if (dst->port_kind == BPFBR_PORT_GATEWAY && in->kind == BPFBR_PORT_CONTAINER) {
		verdict = hairpin_to(skb, in->ifindex); /* to a published port of the network? */
		if (verdict > 0) {
			verdict = hairpin_send(skb, in->slot, at_xmit(in));
			return verdict < 0 ? drop(skb, -verdict, in->slot) : verdict;
		}
		if (verdict < 0)
			return drop(skb, -verdict, in->slot);
		verdict = node_frame_guard(&f) ?: route_ipv4(skb, cfg, in, &f) ?:
							  route_ipv6(skb, cfg, in->slot, &f);
		if (verdict < 0)
			return drop(skb, -verdict, in->slot);
		if (verdict != TC_ACT_OK) { /* routed by the fast path */
			mon_trace_skb(skb, in->slot, BPFBR_MON_ROUTED, cfg->uplink_ifindex);
			return verdict;
		}
	}
	if (in->kind == BPFBR_PORT_GATEWAY && dst->port_kind == BPFBR_PORT_CONTAINER) {
		/* Fresh pointers: the verifier cannot tell that no pull moved the data. */
		f.data = (void *)(long)skb->data;
		f.data_end = (void *)(long)skb->data_end;
		inbound_note(cfg, &f, dst->slot, dst->ifindex);
		inbound6_note(&f, dst->slot);
	}
	if (in->kind == BPFBR_PORT_CONTAINER && dst->port_kind == BPFBR_PORT_CONTAINER &&
	    (in->flags & BPFBR_PORT_F_HAIRPIN)) {
		verdict = hairpin_back(skb, in->ifindex);
		if (verdict < 0)
			return drop(skb, -verdict, in->slot);
	}
	if (in->kind == BPFBR_PORT_CONTAINER && dst->port_kind == BPFBR_PORT_CONTAINER &&
	    (in->flags & BPFBR_PORT_F_STACK_PEERS)) {
		__u32 gw;

		f.data = (void *)(long)skb->data; /* fresh, as above */
		f.data_end = (void *)(long)skb->data_end;
		gw = stack_reply(skb, in, &f);
		if (gw) {
			mon_trace_skb(skb, in->slot, BPFBR_MON_TO_NODE, gw);
			return deliver(skb, gw, BPFBR_GATEWAY_SLOT, BPFBR_PORT_GATEWAY,
				       at_xmit(in));
		}
	}
	mon_trace_skb(skb, in->slot, trace_verdict(dst), dst->ifindex);
	return deliver(skb, dst->ifindex, dst->slot, dst->port_kind, at_xmit(in));
}

/*
 * XDP mode: the same decisions at the driver level, frames sent on with
 * devmap redirects (a broadcast redirect for floods). What the TC program
 * does better is passed to it: IPv4 and IPv6 for the gateway (checked, then routed
 * by the fast path or the stack), floods whose copy the node may not have
 * (a broadcast redirect can leave out the ingress port only), and frames on
 * a device that is not a port.
 */
SEC("xdp")
int bpfbr_port_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	__u32 ifindex = ctx->ingress_ifindex, len = data_end - data;
	struct bpfbr_fdb_entry *dst = NULL;
	struct bpfbr_netcfg *cfg;
	struct bpfbr_port *in;
	struct frame f = {};
	int verdict;

	cfg = config_get();
	in = bpf_map_lookup_elem(&bpfbr_ports, &ifindex);
	if (!cfg || !in)
		return XDP_PASS;
	verdict = parse_eth(&f, data, data_end);
	if (!verdict)
		verdict = switch_admit(cfg, in, &f);
	if (!verdict)
		verdict = switch_decide(cfg, in, &f, &dst);
	if (in->kind == BPFBR_PORT_CONTAINER) {
		if (verdict == SW_DELIVER && dst && dst->port_kind == BPFBR_PORT_GATEWAY) {
			int err = node_frame_guard(&f);

			if (!err && (f.proto == ETH_P_IP || f.proto == ETH_P_IPV6))
				return XDP_PASS; /* checked and routed by the TC program */
			if (err)
				verdict = err;
		} else if (verdict == SW_FLOOD && node_flood_guard(cfg, &f)) {
			return XDP_PASS; /* flooded by TC, without the node's copy */
		} else if (verdict == SW_DELIVER &&
			   (in->flags & (BPFBR_PORT_F_STACK_PEERS | BPFBR_PORT_F_HAIRPIN)) &&
			   f.proto == ETH_P_IP) {
			return XDP_PASS; /* perhaps a reply for the stack or a hairpin: TC looks it up */
		}
	}
	count_rx(in->slot, len);
	if (verdict == SW_FLOOD) {
		count(BPFBR_EV_FLOOD);
		mon_event_xdp(ctx, BPFBR_MON_TRACE, 0, in->slot, BPFBR_MON_FLOODED, 0);
		return bpf_redirect_map(
			&bpfbr_devmap, 0,
			BPF_F_BROADCAST |
				((cfg->flags & BPFBR_NET_HAIRPIN) ? 0 : BPF_F_EXCLUDE_INGRESS));
	}
	if (verdict != SW_DELIVER || !dst)
		return xdp_drop(ctx, -verdict, in->slot);
	if (in->kind == BPFBR_PORT_GATEWAY && dst->port_kind == BPFBR_PORT_CONTAINER) {
		inbound_note(cfg, &f, dst->slot, dst->ifindex);
		inbound6_note(&f, dst->slot);
	}
	count_tx(dst->slot, len);
	mon_event_xdp(ctx, BPFBR_MON_TRACE, 0, in->slot, trace_verdict(dst), dst->ifindex);
	return bpf_redirect_map(&bpfbr_devmap, dst->ifindex, 0);
}
