// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Masquerade on the uplink: TC egress translates what containers send to
 * the outside (source becomes the uplink's address), TC ingress translates
 * the replies back and delivers them straight into the container. One copy
 * per uplink, shared by the networks that masquerade through it. The
 * translation itself lives in lib/nat_*.h; these are the entry points.
 */
#include "lib/cluster_in.h"
#include "lib/common.h"
#include "lib/eth.h"
#include "lib/ipv4_opts.h"
#include "lib/nat_egress.h"
#include "lib/nat_gc.h"
#include "lib/nat_ingress.h"
#include "lib/nat_maps.h"
#include "lib/nat_policy.h"
#include "lib/nat_reply.h"
#include "lib/nat_xdp.h"
#include "lib/nat6_in.h"
#include "lib/node_stats.h"
#include "lib/tunnel_dev.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/*
 * NAT66 (lib/nat6_*.h), as global functions: the verifier checks them once,
 * on their own, instead of within every path of the IPv4 programs.
 */
__noinline int uplink6_out(struct __sk_buff *skb)
{
	struct bpfbr_uplink_cfg *cfg = uplink_cfg();
	struct frame f = {};

	if (!cfg || parse_eth(&f, (void *)(long)skb->data, (void *)(long)skb->data_end))
		return TC_ACT_OK;
	return nat_verdict(skb, UPLINK_OUT, nat6_out(skb, &f));
}

__noinline int uplink6_in(struct __sk_buff *skb)
{
	struct frame f = {};

	if (parse_eth(&f, (void *)(long)skb->data, (void *)(long)skb->data_end) || f.vlan_tagged ||
	    skb->vlan_present)
		return TC_ACT_OK;
	return nat_verdict(skb, UPLINK_IN, nat6_in(skb, &f));
}

/* IPv4 (and tagged frames) on the way out: a frame of its own on the stack, beside NAT66's. */
static __noinline int uplink4_out(struct __sk_buff *skb)
{
	struct bpfbr_uplink_cfg *cfg = uplink_cfg();
	struct bpfbr_endpoint *ep;
	struct ipv4_pkt p;
	struct frame f = {};
	int err;

	if (!cfg || parse_eth(&f, (void *)(long)skb->data, (void *)(long)skb->data_end) ||
	    f.proto != ETH_P_IP || parse_ipv4_hdr(&f, &p))
		return TC_ACT_OK;
	err = parse_ipv4_l4(&f, &p);
	ep = bpf_map_lookup_elem(&nat_endpoints, &p.saddr);
	/* The uplink is the untagged interface: a tagged frame is a VLAN
	 * device's, the node's own; a container's never leaves tagged. */
	if (f.vlan_tagged || skb->vlan_present)
		return ep ? nat_drop(skb, UPLINK_OUT, BPFBR_DROP_VLAN) : TC_ACT_OK;
	if (ep) {
		/* Inside the cluster (pods, nodes, its exceptions) pods keep their
		 * own address; elsewhere never let a container's address out
		 * untranslated. */
		if (nomasq_dst(p.daddr)) {
			if (!err)
				stack_flow_note(skb, ep, &p);
			node_sent(direct_node(p.daddr), skb->len);
			return TC_ACT_OK;
		}
		if (err)
			return nat_drop(skb, UPLINK_OUT, -err);
		return nat_verdict(skb, UPLINK_OUT, snat_container(skb, cfg, ep, &f, &p));
	}
	if (p.saddr == cfg->addr && !err)
		return nat_verdict(skb, UPLINK_OUT, snat_node(skb, cfg, &p));
	return TC_ACT_OK;
}

/* Untagged IPv6 goes to NAT66; the rest as before. */
SEC("tc")
int bpfbr_uplink_out(struct __sk_buff *skb)
{
	if (skb->protocol == bpf_htons(ETH_P_IPV6) && !skb->vlan_present)
		return uplink6_out(skb);
	return uplink4_out(skb);
}

/* IPv4 (and tagged frames) on the way in: a frame of its own on the stack, beside NAT66's. */
static __noinline int uplink4_in(struct __sk_buff *skb)
{
	struct bpfbr_uplink_cfg *cfg = uplink_cfg();
	struct ipv4_pkt p;
	struct frame f = {};

	/* Untagged IPv4 for the uplink's address, or from the cluster for a
	 * container; a tagged frame is a VLAN device's, for the node's stack. */
	if (!cfg || parse_eth(&f, (void *)(long)skb->data, (void *)(long)skb->data_end) ||
	    f.vlan_tagged || skb->vlan_present || f.proto != ETH_P_IP || parse_ipv4(&f, &p))
		return TC_ACT_OK;
	if (p.daddr != cfg->addr) {
		node_received(direct_node(p.saddr), skb->len);
		return nat_verdict(skb, UPLINK_IN, cluster_deliver(skb, &p));
	}
	/* A source route: the node's stack drops it (accept_source_route=0);
	 * translated and delivered, it would go round that. */
	if (p.l4_off != p.l3_off + sizeof(struct iphdr) && source_routed(skb, &p))
		return nat_drop(skb, UPLINK_IN, BPFBR_DROP_SOURCE_ROUTE);
	if (p.proto == IPPROTO_ICMP && icmp_is_error(p.icmp_type) && p.frag == FRAG_NONE)
		return nat_verdict(skb, UPLINK_IN, reverse_icmp_error(skb, cfg, &p));
	if (p.frag == FRAG_LATER)
		return nat_verdict(skb, UPLINK_IN, reverse_fragment(skb, &f, &p));
	if (!nat_reply_translatable(&p))
		return TC_ACT_OK;
	return nat_verdict(skb, UPLINK_IN, reverse_reply(skb, &f, &p));
}

/* Untagged IPv6 goes to NAT66; the rest as before. */
SEC("tc")
int bpfbr_uplink_in(struct __sk_buff *skb)
{
	if (skb->protocol == bpf_htons(ETH_P_IPV6) && !skb->vlan_present)
		return uplink6_in(skb);
	return uplink4_in(skb);
}

/*
 * XDP mode, in front of bpfbr_uplink_in: a reply of a container flow is
 * translated and redirected into the container's port at the driver level.
 * ICMP errors, fragments, IPv4 options, VLAN tags, the node's remapped
 * connections, TTL expiry and everything that is not a reply are passed to
 * the TC program. (A tag the driver holds outside the frame is invisible
 * here: such a reply is translated as if untagged.)
 */
SEC("xdp")
int bpfbr_uplink_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct bpfbr_uplink_cfg *cfg = uplink_cfg();
	struct bpfbr_flow *fl;
	struct ipv4_pkt p;
	struct frame f = {};
	__u32 slot = 0;

	if (!cfg || parse_eth(&f, data, data_end) || f.vlan_tagged || f.proto != ETH_P_IP ||
	    parse_ipv4(&f, &p) || p.daddr != cfg->addr || p.frag != FRAG_NONE || p.ttl <= 1 ||
	    p.l4_off != p.l3_off + sizeof(struct iphdr) || !nat_reply_translatable(&p))
		return XDP_PASS;
	fl = reply_flow(&p, &slot);
	if (!fl || (fl->flags & BPFBR_FLOW_HOST))
		return XDP_PASS;
	flow_track(fl, &p, true, reply_may_end(&f, &p, slot));
	flow_count(slot, fl, true, data_end - data);
	if (!xdp_untranslate(data, data_end, &p, fl))
		return XDP_PASS;
	return bpf_redirect_map(&nat_devmap, fl->ifindex, 0);
}

/* The cluster's VXLAN device (lib/tunnel_dev.h), which leaves through this uplink. */
SEC("tc")
int bpfbr_tunnel_in(struct __sk_buff *skb)
{
	return nat_verdict(skb, UPLINK_IN, tunnel_admit(skb));
}

SEC("tc")
int bpfbr_tunnel_out(struct __sk_buff *skb)
{
	return nat_verdict(skb, UPLINK_OUT, tunnel_encap(skb));
}

/*
 * Run by the agent with BPF_PROG_TEST_RUN, the request as packet data:
 * arm the sweeper, or sweep now. Returns the number of flows reclaimed.
 */
SEC("tc")
int bpfbr_nat_sweep(struct __sk_buff *skb)
{
	struct bpfbr_sweep_req *req = (void *)(long)skb->data;

	if ((void *)(req + 1) > (void *)(long)skb->data_end)
		return -1;
	if (req->mode == BPFBR_SWEEP_ARM)
		return gc_arm();
	return sweep_run(req->mode, req->addr, 0, BPFBR_NAT_FLOWS_MAX);
}
