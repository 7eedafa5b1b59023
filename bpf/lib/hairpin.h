/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Hairpin in the switch (bpfbr/hairpin.h): a container's TCP or UDP to the
 * node's address and a port published by a container of the same network
 * (another one, or itself) is sent to that container, translated as the
 * node's DNAT would (destination: the container's address and port; TTL -
 * 1, the gateway's MAC as its source: it was routed), without passing the
 * node. The published container's replies leave from the published port:
 *
 *  - to another container, switched across the network as a bridge would
 *    carry them (TTL and MACs as they are), their source turned into the
 *    node's address and host port;
 *  - to itself: portmap and Docker masquerade a container's connection to
 *    its own published port, so that the answer comes back through the
 *    node; here the source becomes the gateway's address (the port kept),
 *    the answer comes to the gateway's MAC and is turned back (source: the
 *    node's address and host port, destination: the container) and sent
 *    back into it, routed as the request was.
 *
 * The flows are remembered by their replies' direction in hairpin_flows,
 * made by a TCP SYN or a UDP datagram; a TCP segment of no known flow is
 * left to the node, as before. Fragments are left to the node too.
 * The work is in global functions: the verifier checks them once, on their
 * own, not within every path of the port program (the 6.1 VM loads it in
 * every BPF test).
 */
#ifndef BPFBR_BPF_HAIRPIN_H
#define BPFBR_BPF_HAIRPIN_H

#include "bpfbr/hairpin.h"
#include "bpfbr/publish.h"
#include "counters.h"
#include "forward.h"
#include "inbound.h"
#include "maps.h"
#include "rewrite.h"

/* "hairpin_ports": the network's containers' published ports (bpfbr/hairpin.h). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BPFBR_PUBLISHED_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct bpfbr_pub_key);
	__type(value, struct bpfbr_hairpin_target);
} bpfbr_hairpin_ports SEC(".maps");

/* "hairpin_flows": by the replies' direction (bpfbr/hairpin.h). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BPFBR_HAIRPIN_FLOWS_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct bpfbr_conn_key);
	__type(value, struct bpfbr_hairpin_flow);
} bpfbr_hairpin_flows SEC(".maps");

/* When the full table was last swept (ns); not pinned: only a rate. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} bpfbr_hairpin_swept SEC(".maps");

/* What the hairpin works on, per CPU: kept off the stack, whose 512 bytes
 * the port program's frame mostly takes; and what hairpin_to() decided, for
 * hairpin_send() in the same run. */
struct hairpin_scratch {
	struct ipv4_pkt p;
	struct bpfbr_conn_key k;
	struct bpfbr_pub_key pk;
	struct bpfbr_hairpin_flow fresh;
	__u32 saddr, daddr; /* the packet's new addresses and ports */
	__u16 sport, dport;
	__u32 ifindex; /* the container it goes to, its port's slot */
	__u16 slot;
	__u8 mac[6];	/* its MAC */
	__u8 gw_mac[6]; /* the gateway's: the source of a routed frame */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hairpin_scratch);
} bpfbr_hairpin_scratch SEC(".maps");

static __always_inline struct hairpin_scratch *hairpin_scratch(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&bpfbr_hairpin_scratch, &zero);
}

#define HAIRPIN_SWEEP_EVERY_NS NSEC_PER_SEC
#define TCP_SPORT_OFF	       0
#define TCP_DPORT_OFF	       2 /* (UDP's ports are at the same offsets) */

/* Idle timeouts: the inbound flows' (RFC 5382's TCP, RFC 4787's UDP). */
static __always_inline __u64 hairpin_timeout_ns(const struct bpfbr_hairpin_flow *v, __u8 proto)
{
	if (proto != IPPROTO_TCP)
		return BPFBR_INBOUND_UDP_S * NSEC_PER_SEC;
	return ((v->flags & BPFBR_HAIRPIN_ANSWERED) ? BPFBR_INBOUND_TCP_S
						    : BPFBR_INBOUND_TCP_OPEN_S) *
	       NSEC_PER_SEC;
}

static long hairpin_sweep_entry(struct bpf_map *map, struct bpfbr_conn_key *k,
				struct bpfbr_hairpin_flow *v, __u64 *now)
{
	if (older_than(*now, v->seen_ns, hairpin_timeout_ns(v, k->proto))) {
		bpf_map_delete_elem(map, k);
		count(BPFBR_EV_HAIRPIN_IDLE);
	}
	return 0;
}

/* The table is full: its idle flows go (one walk a second at most). */
static __always_inline void hairpin_sweep(__u64 now)
{
	__u32 zero = 0;
	__u64 *swept = bpf_map_lookup_elem(&bpfbr_hairpin_swept, &zero);

	if (!swept || !older_than(now, *swept, HAIRPIN_SWEEP_EVERY_NS))
		return;
	*swept = now;
	bpf_for_each_map_elem(&bpfbr_hairpin_flows, hairpin_sweep_entry, &now, 0);
}

/*
 * A client's packet p to published container port slot, whose replies are
 * keyed k: 0 with its flow known or opened now, 1 when it belongs to none
 * and opens none (the node's, as before), or a negative drop reason.
 */
static __always_inline int hairpin_track(struct hairpin_scratch *s, __u16 slot, __u8 flags)
{
	const struct bpfbr_conn_key *k = &s->k;
	struct bpfbr_hairpin_flow *fresh = &s->fresh, *v;
	const struct ipv4_pkt *p = &s->p;
	__u64 now = bpf_ktime_get_ns();
	int err;

	v = bpf_map_lookup_elem(&bpfbr_hairpin_flows, k);
	if (v && v->slot == slot && v->node_addr == p->daddr && v->node_port == p->dport &&
	    !older_than(now, v->seen_ns, hairpin_timeout_ns(v, p->proto))) {
		if (older_than(now, v->seen_ns, INBOUND_REFRESH_NS))
			v->seen_ns = now;
		return 0;
	}
	if (p->proto == IPPROTO_TCP && !tcp_opens(p))
		return 1;
	__builtin_memset(fresh, 0, sizeof(*fresh));
	fresh->seen_ns = now;
	fresh->node_addr = p->daddr;
	fresh->node_port = p->dport;
	fresh->slot = slot;
	fresh->flags = flags;
	if (v) { /* expired, or of another mapping: now this one's */
		*v = *fresh;
		return 0;
	}
	err = bpf_map_update_elem(&bpfbr_hairpin_flows, k, fresh, BPF_NOEXIST);
	if (err && err != -17) { /* not -EEXIST (made on another CPU meanwhile): full */
		hairpin_sweep(now);
		err = bpf_map_update_elem(&bpfbr_hairpin_flows, k, fresh, BPF_NOEXIST);
		if (err && err != -17)
			return -BPFBR_DROP_HAIRPIN_FULL;
	}
	count(BPFBR_EV_HAIRPIN);
	return 0;
}

/* The gateway's port (its MAC is the source of what the switch routes). */
static __always_inline struct bpfbr_port *hairpin_gateway(void)
{
	__u32 gw_slot = BPFBR_GATEWAY_SLOT, *gw_ifindex, ifindex;

	gw_ifindex = bpf_map_lookup_elem(&bpfbr_flood, &gw_slot);
	if (!gw_ifindex)
		return NULL;
	ifindex = *gw_ifindex;
	return bpf_map_lookup_elem(&bpfbr_ports, &ifindex);
}

/* An unfragmented IPv4 TCP or UDP packet of a container, parsed into p. */
static __always_inline bool hairpin_parse(struct __sk_buff *skb, struct frame *f,
					  struct ipv4_pkt *p)
{
	return !parse_eth(f, (void *)(long)skb->data, (void *)(long)skb->data_end) &&
	       f->proto == ETH_P_IP && !f->vlan_tagged && !skb->vlan_present && !parse_ipv4(f, p) &&
	       p->frag == FRAG_NONE && p->has_ports &&
	       (p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP);
}

/* The flow whose reply p (from port slot) is, refreshed and marked answered; else NULL. */
static __always_inline struct bpfbr_hairpin_flow *hairpin_reply_flow(struct hairpin_scratch *s,
								     __u16 slot)
{
	const struct ipv4_pkt *p = &s->p;
	struct bpfbr_conn_key *k = &s->k;
	struct bpfbr_hairpin_flow *v;
	__u64 now = bpf_ktime_get_ns();

	__builtin_memset(k, 0, sizeof(*k));
	k->saddr = p->saddr;
	k->daddr = p->daddr;
	k->sport = p->sport;
	k->dport = p->dport;
	k->proto = p->proto;
	v = bpf_map_lookup_elem(&bpfbr_hairpin_flows, k);

	if (!v || v->slot != slot || older_than(now, v->seen_ns, hairpin_timeout_ns(v, p->proto)))
		return NULL;
	if (older_than(now, v->seen_ns, INBOUND_REFRESH_NS))
		v->seen_ns = now;
	if (!(v->flags & BPFBR_HAIRPIN_ANSWERED))
		v->flags |= BPFBR_HAIRPIN_ANSWERED;
	return v;
}

/* s->p goes to the container on port c, from the gateway (MACs), with the translation in s. */
static __always_inline void hairpin_plan(struct hairpin_scratch *s, const struct bpfbr_port *c,
					 const struct bpfbr_port *gw)
{
	s->ifindex = c->ifindex;
	s->slot = c->slot;
	__builtin_memcpy(s->mac, c->mac, 6);
	__builtin_memcpy(s->gw_mac, gw->mac, 6);
}

/*
 * A frame a container (port in_ifindex) sends to the gateway's MAC: 1 when
 * it is for a published port of the network on the node's address, or a
 * published container's answer to itself (the translation planned in the
 * scratch, for hairpin_send()); 0 when it is not; or a negative drop
 * reason. The frame is not changed: the caller's packet pointers stay
 * valid (a verifier that tracks which functions change packet data would
 * take them from it, and checking the rest of the program with fresh ones
 * cost 6.1's verifier 70 000 instructions).
 */
__noinline int hairpin_to(struct __sk_buff *skb, __u32 in_ifindex)
{
	struct bpfbr_netcfg *cfg = config_get();
	struct hairpin_scratch *s = hairpin_scratch();
	struct bpfbr_port *in, *srv, *gw;
	struct bpfbr_hairpin_flow *v;
	struct bpfbr_hairpin_target *t;
	struct frame f = {};
	struct ipv4_pkt *p;
	__u32 ifindex;
	bool self;
	int err;

	in = bpf_map_lookup_elem(&bpfbr_ports, &in_ifindex);
	if (!cfg || !s || !in || !hairpin_parse(skb, &f, &s->p) ||
	    (s->p.saddr & cfg->netmask) != cfg->subnet)
		return 0;
	p = &s->p;
	gw = hairpin_gateway();
	if (!gw)
		return 0;
	if (p->daddr == cfg->gateway) { /* a published container's answer to itself? */
		v = hairpin_reply_flow(s, in->slot);
		if (!v || !(v->flags & BPFBR_HAIRPIN_SELF))
			return 0;
		if (p->ttl <= 1)
			return -BPFBR_DROP_TTL_EXCEEDED;
		s->saddr = v->node_addr;
		s->sport = v->node_port;
		s->daddr = p->saddr;
		s->dport = p->dport;
		hairpin_plan(s, in, gw);
		return 1;
	}
	s->pk.addr = p->daddr;
	s->pk.port = p->dport;
	s->pk.proto = p->proto;
	s->pk.pad = 0;
	t = bpf_map_lookup_elem(&bpfbr_hairpin_ports, &s->pk);
	if (!t)
		return 0;
	ifindex = t->ifindex;
	srv = bpf_map_lookup_elem(&bpfbr_ports, &ifindex);
	if (!srv || srv->kind != BPFBR_PORT_CONTAINER)
		return -BPFBR_DROP_PUBLISH_NO_TARGET;
	if (p->ttl <= 1)
		return -BPFBR_DROP_TTL_EXCEEDED;
	self = ifindex == in_ifindex;
	__builtin_memset(&s->k, 0, sizeof(s->k));
	s->k.saddr = srv->ipv4;
	s->k.daddr = self ? cfg->gateway : p->saddr;
	s->k.sport = t->port;
	s->k.dport = p->sport;
	s->k.proto = p->proto;
	err = hairpin_track(s, srv->slot, self ? BPFBR_HAIRPIN_SELF : 0);
	if (err)
		return err < 0 ? err : 0;
	s->saddr = s->k.daddr; /* the client's, or the gateway's for itself */
	s->sport = p->sport;
	s->daddr = srv->ipv4;
	s->dport = t->port;
	hairpin_plan(s, srv, gw);
	port_flag(ifindex, BPFBR_PORT_F_HAIRPIN);
	return 1;
}

/*
 * What hairpin_to() planned, done (port in_slot sent the frame): addresses
 * and ports translated, TTL - 1 and the MACs of a routed frame, delivered
 * into the container. A verdict, or a negative drop reason. at_xmit: as
 * deliver()'s.
 */
__noinline int hairpin_send(struct __sk_buff *skb, __u32 in_slot, __u32 at_xmit)
{
	struct hairpin_scratch *s = hairpin_scratch();
	const struct ipv4_pkt *p;

	if (!s)
		return -BPFBR_DROP_TRUNCATED;
	p = &s->p;
	if (rewrite_addr_port(skb, p, true, s->saddr, p->l4_off + TCP_SPORT_OFF, p->sport,
			      s->sport) ||
	    rewrite_addr_port(skb, p, false, s->daddr, p->l4_off + TCP_DPORT_OFF, p->dport,
			      s->dport) ||
	    ttl_decrement(skb, p) || rewrite_l2(skb, s->mac, s->gw_mac))
		return -BPFBR_DROP_TRUNCATED;
	mon_trace_skb(skb, in_slot, BPFBR_MON_FORWARDED, s->ifindex);
	return deliver(skb, s->ifindex, s->slot, BPFBR_PORT_CONTAINER, at_xmit);
}

/*
 * A frame a published container (port in_ifindex, marked
 * BPFBR_PORT_F_HAIRPIN) sends to another container of the network: a reply
 * to a hairpin flow leaves from the node's address and host port. 0 (the
 * caller delivers it as decided, translated or not) or a negative drop
 * reason.
 */
__noinline int hairpin_back(struct __sk_buff *skb, __u32 in_ifindex)
{
	struct hairpin_scratch *s = hairpin_scratch();
	struct bpfbr_hairpin_flow *v;
	struct bpfbr_port *in;
	struct frame f = {};

	in = bpf_map_lookup_elem(&bpfbr_ports, &in_ifindex);
	if (!s || !in || !hairpin_parse(skb, &f, &s->p))
		return 0;
	v = hairpin_reply_flow(s, in->slot);
	if (!v || (v->flags & BPFBR_HAIRPIN_SELF))
		return 0;
	if (rewrite_addr_port(skb, &s->p, true, v->node_addr, s->p.l4_off + TCP_SPORT_OFF,
			      s->p.sport, v->node_port))
		return -BPFBR_DROP_TRUNCATED;
	return 0;
}

#endif
