// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Masquerade on the uplink: TC egress translates what containers send to
 * the outside (source becomes the uplink's address), TC ingress translates
 * the replies back and delivers them straight into the container. One copy
 * per uplink, shared by the networks that masquerade through it.
 */
#include "lib/common.h"
#include "lib/eth.h"
#include "lib/nat.h"
#include "lib/nat_gc.h"
#include "lib/nat_icmp.h"
#include "lib/nat_maps.h"
#include "lib/nat_xdp.h"
#include "lib/rewrite.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Where fragment p of frame f ends in its datagram's payload; *last: it is the last one. */
static __always_inline __u32 frag_end(const struct frame *f, const struct ipv4_pkt *p, bool *last)
{
	struct iphdr *ip = f->data + (p->l3_off & L3_OFF_MASK);
	__u16 frag;

	if ((void *)(ip + 1) > f->data_end)
		return 0;
	frag = bpf_ntohs(ip->frag_off);
	*last = !(frag & IP_MF);
	return ((frag & IP_OFFSET) << 3) + bpf_ntohs(ip->tot_len) - (p->l4_off - p->l3_off);
}

/* The first fragment of a datagram of flow fl (in slot) passed: remember it. */
static __always_inline void remember_frag(const struct frame *f, const struct ipv4_pkt *p,
					  const struct bpfbr_flow *fl, __u32 slot)
{
	struct bpfbr_nat_frag v = { .flow_ns = fl->created_ns, .slot = slot };
	struct bpfbr_frag_key k;
	bool last;

	frag_key(&k, p);
	v.first_ns = bpf_ktime_get_ns();
	v.bytes = frag_end(f, p, &last);
	bpf_map_update_elem(&nat_frags, &k, &v, BPF_ANY);
}

/* A first fragment of no flow of ours: the datagram identity is another's now. */
static __always_inline void forget_frag(const struct ipv4_pkt *p)
{
	struct bpfbr_frag_key k;

	frag_key(&k, p);
	bpf_map_delete_elem(&nat_frags, &k);
}

/*
 * The flow a later fragment p belongs to, or NULL: its first fragment passed
 * for that very flow, not longer ago than the node keeps fragments. Counts
 * its bytes, and forgets the datagram once all of them passed.
 */
static __always_inline struct bpfbr_flow *frag_flow(const struct frame *f, const struct ipv4_pkt *p)
{
	struct bpfbr_frag_key k;
	struct bpfbr_nat_frag *v;
	struct bpfbr_flow *fl;
	__u32 end, bytes;
	bool last = false;

	frag_key(&k, p);
	v = bpf_map_lookup_elem(&nat_frags, &k);
	if (!v)
		return NULL;
	fl = flow_get(v->slot);
	if (!fl || fl->created_ns != v->flow_ns ||
	    older_than(bpf_ktime_get_ns(), v->first_ns, BPFBR_FRAG_TIMEOUT_S * NSEC_PER_SEC)) {
		bpf_map_delete_elem(&nat_frags, &k);
		return NULL;
	}
	end = frag_end(f, p, &last);
	bytes = __sync_add_and_fetch(&v->bytes, end - ipv4_frag_off(f));
	if (last)
		v->total = end;
	if (v->total && bytes >= v->total)
		bpf_map_delete_elem(&nat_frags, &k);
	return fl;
}

/*
 * A reply p (of frame f) of the flow in slot: true if a FIN or RST in it may
 * end the flow (remote_seq_plausible()); anything else just moves the
 * remote's sequence number on.
 */
static __always_inline bool reply_may_end(const struct frame *f, const struct ipv4_pkt *p,
					  __u32 slot)
{
	struct iphdr *ip = f->data + (p->l3_off & L3_OFF_MASK);
	struct tcphdr *th = f->data + (p->l4_off & L4_OFF_MASK);
	__u32 seq, len;

	if (p->proto != IPPROTO_TCP || p->frag != FRAG_NONE)
		return true;
	if ((void *)(ip + 1) > f->data_end || (void *)(th + 1) > f->data_end)
		return true;
	seq = bpf_ntohl(th->seq);
	len = bpf_ntohs(ip->tot_len) - (p->l4_off - p->l3_off) - th->doff * 4;
	len += (p->tcp_flags & TCP_FLAG_SYN ? 1 : 0) + (p->tcp_flags & TCP_FLAG_FIN ? 1 : 0);
	return remote_seq_plausible(slot, seq, seq + len, p->tcp_flags & TCP_FLAG_SYN);
}

/* Offset of the port (or ICMP id) that masquerade changes on our side. */
static __always_inline __u16 our_port_off(const struct ipv4_pkt *p, bool egress)
{
	if (p->proto == IPPROTO_ICMP)
		return p->l4_off + 4;
	return p->l4_off + (egress ? 0 : 2);
}

/* The flow for an inside key, created if new. 0 or a negative drop reason. */
static __always_inline int flow_for(struct __sk_buff *skb, struct bpfbr_uplink_cfg *cfg,
				    struct bpfbr_endpoint *ep, const struct bpfbr_nat_key *ik,
				    struct bpfbr_flow **out, __u32 *slot_out)
{
	int err = 0;

	for (int tries = 0; tries < 2; tries++) {
		__u32 *slot = bpf_map_lookup_elem(&nat_out, ik);

		if (slot) {
			*out = flow_get(*slot);
			if (*out) {
				*slot_out = *slot;
				return 0;
			}
			/* Released on another CPU meanwhile: its keys are going away,
			 * deleted by the releaser alone (flow_release()). This packet
			 * is dropped; the next one makes a new flow. */
			return -BPFBR_DROP_NAT_RELEASING;
		}
		err = flow_create(skb, cfg, ep, ik, slot_out);
		if (err == FLOW_RACED)
			continue;
		if (err)
			return err;
		*out = flow_get(*slot_out);
		return *out ? 0 : -BPFBR_DROP_NAT_FULL;
	}
	return -BPFBR_DROP_NAT_NO_PORT;
}

/*
 * An ICMP error a container sends about a packet that came in on one of its
 * flows (RFC 5508, 4.2): the quote goes back to the packet the remote sent
 * (to the uplink's address and the flow's outside port), and the error
 * leaves from the uplink's address. About anything else: dropped.
 */
static __always_inline int
snat_icmp_error(struct __sk_buff *skb, const struct bpfbr_uplink_cfg *cfg, const struct ipv4_pkt *p)
{
	struct bpfbr_nat_key ik = {};
	struct bpfbr_flow *fl;
	struct quoted q;
	__u32 *slot;

	if (!parse_quoted(skb, p, &q) || q.proto == IPPROTO_ICMP || q.daddr != p->saddr ||
	    q.saddr != p->daddr)
		return nat_drop(BPFBR_DROP_NAT_PROTO);
	ik.addr = q.daddr;
	ik.raddr = q.saddr;
	ik.port = q.dport;
	ik.rport = q.sport;
	ik.proto = q.proto;
	slot = bpf_map_lookup_elem(&nat_out, &ik);
	fl = slot ? flow_get(*slot) : NULL;
	if (!fl || (fl->flags & BPFBR_FLOW_HOST))
		return nat_drop(BPFBR_DROP_NAT_PROTO);
	if (quote_rewrite(skb, p, &q, true, cfg->addr, fl->oport) ||
	    rewrite_addr_port(skb, p, true, cfg->addr, 0, 0, 0))
		return nat_drop(BPFBR_DROP_TRUNCATED);
	nat_count(BPFBR_EV_NAT_ICMP_ERROR);
	return TC_ACT_OK;
}

static __always_inline int snat_container(struct __sk_buff *skb, struct bpfbr_uplink_cfg *cfg,
					  struct bpfbr_endpoint *ep, const struct frame *f,
					  const struct ipv4_pkt *p)
{
	struct bpfbr_nat_key ik = {};
	struct bpfbr_flow *fl;
	__u32 slot = 0;
	int err;

	if (ipv4_is_multicast(p->daddr))
		return TC_ACT_OK; /* as the CNI plugin's rule: never masquerade multicast */
	if (p->frag == FRAG_LATER) {
		fl = frag_flow(f, p);
		if (!fl)
			return nat_drop(BPFBR_DROP_FRAG_UNKNOWN);
		rewrite_addr_port(skb, p, true, cfg->addr, 0, 0, 0);
		return TC_ACT_OK;
	}
	if (p->proto == IPPROTO_ICMP && icmp_is_error(p->icmp_type) && p->frag == FRAG_NONE)
		return snat_icmp_error(skb, cfg, p);
	/* Translatable: TCP, UDP, and the echo requests a container sends. */
	if (!p->has_ports || (p->proto == IPPROTO_ICMP && p->icmp_type != ICMP_ECHO))
		return nat_drop(BPFBR_DROP_NAT_PROTO);
	ik.addr = p->saddr;
	ik.raddr = p->daddr;
	ik.port = p->sport;
	ik.rport = p->dport;
	ik.proto = p->proto;
	err = flow_for(skb, cfg, ep, &ik, &fl, &slot);
	if (err)
		return nat_drop(-err);
	flow_track(fl, p, false, true);
	if (p->frag == FRAG_FIRST)
		remember_frag(f, p, fl, slot);
	if (rewrite_addr_port(skb, p, true, cfg->addr, our_port_off(p, true), p->sport, fl->oport))
		return nat_drop(BPFBR_DROP_TRUNCATED);
	return TC_ACT_OK;
}

/* A connection of the node keeps its port unless a container flow holds the tuple. */
static __always_inline int snat_node(struct __sk_buff *skb, struct bpfbr_uplink_cfg *cfg,
				     const struct ipv4_pkt *p)
{
	struct bpfbr_nat_key ik = {}, ok;
	struct bpfbr_flow *fl;
	__u32 slot = 0;
	int err;

	if (!p->has_ports || p->frag == FRAG_LATER ||
	    (p->proto == IPPROTO_ICMP && p->icmp_type != ICMP_ECHO))
		return TC_ACT_OK;
	ik.addr = p->saddr;
	ik.raddr = p->daddr;
	ik.port = p->sport;
	ik.rport = p->dport;
	ik.proto = p->proto;
	if (!bpf_map_lookup_elem(&nat_out, &ik)) {
		outside_key(&ok, p->proto, p->daddr, p->dport, p->sport);
		if (!bpf_map_lookup_elem(&nat_in, &ok))
			return TC_ACT_OK; /* the common case: nothing to do */
		nat_count(BPFBR_EV_NAT_HOST_REMAP);
	}
	err = flow_for(skb, cfg, NULL, &ik, &fl, &slot);
	if (err)
		return nat_drop(-err);
	flow_track(fl, p, false, true);
	rewrite_addr_port(skb, p, true, p->saddr, our_port_off(p, true), p->sport, fl->oport);
	return TC_ACT_OK;
}

SEC("tc")
int bpfbr_uplink_out(struct __sk_buff *skb)
{
	struct bpfbr_uplink_cfg *cfg = uplink_cfg();
	struct bpfbr_endpoint *ep;
	struct ipv4_pkt p;
	struct frame f = {};
	int err;

	if (!cfg || parse_eth(&f, (void *)(long)skb->data, (void *)(long)skb->data_end) ||
	    f.proto != ETH_P_IP)
		return TC_ACT_OK;
	if (parse_ipv4_hdr(&f, &p))
		return TC_ACT_OK;
	err = parse_ipv4_l4(&f, &p);
	ep = bpf_map_lookup_elem(&nat_endpoints, &p.saddr);
	/* The uplink is the untagged interface: a tagged frame is a VLAN
	 * device's, the node's own; a container's never leaves tagged. */
	if (f.vlan_tagged || skb->vlan_present)
		return ep ? nat_drop(BPFBR_DROP_VLAN) : TC_ACT_OK;
	if (ep) {
		/* Never let a container's address out untranslated. */
		if (err)
			return nat_drop(-err);
		return snat_container(skb, cfg, ep, &f, &p);
	}
	if (p.saddr == cfg->addr && !err)
		return snat_node(skb, cfg, &p);
	return TC_ACT_OK;
}

/* Into the container, as the node's stack would forward it: TTL - 1, new L2. */
static __always_inline int deliver_inside(struct __sk_buff *skb, const struct ipv4_pkt *p,
					  const struct bpfbr_flow *fl)
{
	__u32 ifindex = fl->ifindex;
	__u8 mac[6], gw_mac[6];

	if (p->ttl <= 1)
		return nat_drop(BPFBR_DROP_TTL_EXCEEDED);
	__builtin_memcpy(mac, fl->mac, 6);
	__builtin_memcpy(gw_mac, fl->gw_mac, 6);
	if (ttl_decrement(skb, p) || rewrite_l2(skb, mac, gw_mac))
		return nat_drop(BPFBR_DROP_TRUNCATED);
	return bpf_redirect_peer(ifindex, 0);
}

static __always_inline int reverse_icmp_error(struct __sk_buff *skb,
					      const struct bpfbr_uplink_cfg *cfg,
					      const struct ipv4_pkt *p)
{
	struct bpfbr_flow *fl;
	struct bpfbr_nat_key ok;
	struct quoted q;
	__u32 *slot, iaddr;

	if (!parse_quoted(skb, p, &q) || q.saddr != cfg->addr)
		return TC_ACT_OK;
	/* The quoted packet is one we sent: its source is our outside tuple. */
	outside_key(&ok, q.proto, q.daddr, q.dport, q.sport);
	slot = bpf_map_lookup_elem(&nat_in, &ok);
	fl = slot ? flow_get(*slot) : NULL;
	if (!fl)
		return TC_ACT_OK;
	iaddr = fl->flags & BPFBR_FLOW_HOST ? q.saddr : fl->iaddr;
	if (untranslate_quote(skb, p, &q, iaddr, fl->iport))
		return nat_drop(BPFBR_DROP_TRUNCATED);
	nat_count(BPFBR_EV_NAT_ICMP_ERROR);
	if (fl->flags & BPFBR_FLOW_HOST)
		return TC_ACT_OK;
	if (rewrite_addr_port(skb, p, false, fl->iaddr, 0, 0, 0))
		return nat_drop(BPFBR_DROP_TRUNCATED);
	return deliver_inside(skb, p, fl);
}

/* Walking IPv4 options (copied out of the packet) with bpf_loop(). */
struct ipv4_opt_walk {
	__u8 opts[64]; /* the options, IPV4_OPTS_MAX at most; zero after them */
	__u32 len;
	__u32 i;
	bool source_route; /* found a loose or strict source route (RFC 791) */
};

static long ipv4_opt_step(__u32 n, struct ipv4_opt_walk *w)
{
	__u8 type, len;

	(void)n;
	if (w->i >= w->len)
		return 1;
	type = w->opts[w->i & 63];
	if (type == IPOPT_END)
		return 1;
	if (type == IPOPT_LSRR || type == IPOPT_SSRR) {
		w->source_route = true;
		return 1;
	}
	len = type == IPOPT_NOOP ? 1 : w->opts[(w->i + 1) & 63];
	w->i += len ? len : IPV4_OPTS_MAX; /* a length of 0 ends the walk */
	return 0;
}

/* p's IPv4 header (with options) carries a source route. */
static __always_inline bool source_routed(struct __sk_buff *skb, const struct ipv4_pkt *p)
{
	struct ipv4_opt_walk w = { .len = p->l4_off - p->l3_off - sizeof(struct iphdr) };

	/* (A size of 1..64 the verifier can tell: 6.1 does not narrow it from len's checks.) */
	if (!w.len || w.len > IPV4_OPTS_MAX ||
	    bpf_skb_load_bytes(skb, p->l3_off + sizeof(struct iphdr), w.opts,
			       ((w.len - 1) & 63) + 1))
		return false;
	bpf_loop(IPV4_OPTS_MAX, ipv4_opt_step, &w, 0);
	return w.source_route;
}

SEC("tc")
int bpfbr_uplink_in(struct __sk_buff *skb)
{
	struct bpfbr_uplink_cfg *cfg = uplink_cfg();
	struct bpfbr_nat_key ok;
	struct bpfbr_flow *fl;
	struct ipv4_pkt p;
	struct frame f = {};
	__u16 rport, oport;
	__u32 *slot;

	/* Untagged IPv4 for the uplink's address; a tagged frame is a VLAN
	 * device's, for the node's stack. */
	if (!cfg || parse_eth(&f, (void *)(long)skb->data, (void *)(long)skb->data_end) ||
	    f.vlan_tagged || skb->vlan_present || f.proto != ETH_P_IP || parse_ipv4(&f, &p) ||
	    p.daddr != cfg->addr)
		return TC_ACT_OK;
	/* A source route: the node's stack drops it (accept_source_route=0);
	 * translated and delivered, it would go round that. */
	if (p.l4_off != p.l3_off + sizeof(struct iphdr) && source_routed(skb, &p))
		return nat_drop(BPFBR_DROP_SOURCE_ROUTE);
	if (p.proto == IPPROTO_ICMP && icmp_is_error(p.icmp_type) && p.frag == FRAG_NONE)
		return reverse_icmp_error(skb, cfg, &p);
	if (p.frag == FRAG_LATER) {
		fl = frag_flow(&f, &p);
		if (!fl || (fl->flags & BPFBR_FLOW_HOST))
			return TC_ACT_OK; /* the node's own, or unknown: the stack decides */
		rewrite_addr_port(skb, &p, false, fl->iaddr, 0, 0, 0);
		return deliver_inside(skb, &p, fl);
	}
	/* Replies only: an echo request from outside is for the node itself. */
	if (!p.has_ports || (p.proto == IPPROTO_ICMP && p.icmp_type != ICMP_ECHOREPLY))
		return TC_ACT_OK;
	rport = p.proto == IPPROTO_ICMP ? 0 : p.sport;
	oport = p.proto == IPPROTO_ICMP ? p.sport : p.dport;
	outside_key(&ok, p.proto, p.saddr, rport, oport);
	slot = bpf_map_lookup_elem(&nat_in, &ok);
	fl = slot ? flow_get(*slot) : NULL;
	if (!fl) {
		if (p.frag == FRAG_FIRST)
			forget_frag(&p);
		return TC_ACT_OK;
	}
	flow_track(fl, &p, true, reply_may_end(&f, &p, *slot));
	if (p.frag == FRAG_FIRST)
		remember_frag(&f, &p, fl, *slot);
	if (fl->flags & BPFBR_FLOW_HOST) {
		rewrite_addr_port(skb, &p, false, p.daddr, our_port_off(&p, false), oport,
				  fl->iport);
		return TC_ACT_OK;
	}
	if (rewrite_addr_port(skb, &p, false, fl->iaddr, our_port_off(&p, false), oport, fl->iport))
		return nat_drop(BPFBR_DROP_TRUNCATED);
	return deliver_inside(skb, &p, fl);
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
	struct bpfbr_nat_key ok;
	struct bpfbr_flow *fl;
	struct ipv4_pkt p;
	struct frame f = {};
	__u16 rport, oport;
	__u32 *slot;

	if (!cfg || parse_eth(&f, data, data_end) || f.vlan_tagged || f.proto != ETH_P_IP ||
	    parse_ipv4(&f, &p) || p.daddr != cfg->addr || p.frag != FRAG_NONE || !p.has_ports ||
	    p.ttl <= 1 || p.l4_off != p.l3_off + sizeof(struct iphdr) ||
	    (p.proto == IPPROTO_ICMP && p.icmp_type != ICMP_ECHOREPLY))
		return XDP_PASS;
	rport = p.proto == IPPROTO_ICMP ? 0 : p.sport;
	oport = p.proto == IPPROTO_ICMP ? p.sport : p.dport;
	outside_key(&ok, p.proto, p.saddr, rport, oport);
	slot = bpf_map_lookup_elem(&nat_in, &ok);
	fl = slot ? flow_get(*slot) : NULL;
	if (!fl || (fl->flags & BPFBR_FLOW_HOST))
		return XDP_PASS;
	flow_track(fl, &p, true, reply_may_end(&f, &p, *slot));
	if (!xdp_untranslate(data, data_end, &p, fl))
		return XDP_PASS;
	return bpf_redirect_map(&nat_devmap, fl->ifindex, 0);
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
