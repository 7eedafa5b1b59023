/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Flows into a container that the node's stack sent (a node process, a port
 * mapping's DNAT, plain routing). Their replies go back through the stack,
 * where conntrack translates them, never by the fast path; and a reply to
 * the node passes its guard like the reply it is.
 *
 * Only what the node really sent makes such a flow: the gateway port records
 * it as it delivers the node's TCP SYN or UDP datagram to the container. A
 * container can claim nothing here by what it sends itself, and what the
 * node sends into one container counts against that container's share of
 * the table (quota.h): no entry evicts another. A TCP flow is forgotten as
 * soon as it is closed, so that a client that connects again and again does
 * not use its container's share up.
 */
#ifndef BPFBR_BPF_INBOUND_H
#define BPFBR_BPF_INBOUND_H

#include "ipv4.h"
#include "maps.h"
#include "quota.h"

/* A flow's seen_ns is rewritten at most this often. */
#define INBOUND_REFRESH_NS NSEC_PER_SEC

/* A TCP segment that opens a connection: SYN without ACK. */
static __always_inline bool tcp_opens(const struct ipv4_pkt *p)
{
	return p->proto == IPPROTO_TCP &&
	       (p->tcp_flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == TCP_FLAG_SYN;
}

static __always_inline __u64 inbound_timeout_ns(const struct bpfbr_inbound *v, __u8 proto)
{
	if (proto != IPPROTO_TCP)
		return BPFBR_INBOUND_UDP_S * NSEC_PER_SEC;
	if (v->closing & BPFBR_INBOUND_RST)
		return BPFBR_INBOUND_TCP_RST_S * NSEC_PER_SEC;
	if (v->closing)
		return BPFBR_INBOUND_TCP_CLOSE_S * NSEC_PER_SEC;
	return (v->answered ? BPFBR_INBOUND_TCP_S : BPFBR_INBOUND_TCP_OPEN_S) * NSEC_PER_SEC;
}

/*
 * A TCP segment of the flow of key k (entry v), sent by `side`
 * (BPFBR_INBOUND_FIN_CONTAINER or _NODE): a FIN or a RST is noted (a RST
 * shortens the flow's idle time, netcfg.h); the flow is forgotten, its room
 * given back, once it is closed: at the container's segment that follows
 * both FINs (its FIN after the node's, or its last ACK after the node's
 * FIN). The segment at hand still goes as the flow's did.
 */
static __always_inline void inbound_closing(const struct bpfbr_conn_key *k, struct bpfbr_inbound *v,
					    __u8 side, __u8 tcp_flags)
{
	struct bpfbr_quota *q;
	__u16 slot = v->slot;

	if (k->proto != IPPROTO_TCP)
		return;
	if (tcp_flags & TCP_FLAG_FIN)
		v->closing |= side;
	if (tcp_flags & TCP_FLAG_RST)
		v->closing |= BPFBR_INBOUND_RST;
	if (side != BPFBR_INBOUND_FIN_CONTAINER ||
	    (v->closing & (BPFBR_INBOUND_FIN_CONTAINER | BPFBR_INBOUND_FIN_NODE)) !=
		    (BPFBR_INBOUND_FIN_CONTAINER | BPFBR_INBOUND_FIN_NODE))
		return;
	q = quota_get(BPFBR_QUOTA_INBOUND);
	if (!bpf_map_delete_elem(&bpfbr_inbound, k) && q)
		quota_give(q, slot);
}

/* A live entry: seen within its timeout, and refreshed. */
static __always_inline bool inbound_live(struct bpfbr_inbound *v, __u8 proto)
{
	__u64 now = bpf_ktime_get_ns();

	if (older_than(now, v->seen_ns, inbound_timeout_ns(v, proto)))
		return false; /* the next reclaim pass removes it */
	if (older_than(now, v->seen_ns, INBOUND_REFRESH_NS))
		v->seen_ns = now;
	return true;
}

/*
 * The first reply of an inbound flow (container k->saddr:sport -> remote):
 * the uplink keeps the flow untranslated when its packets leave by it
 * (inbound_replies, bpfbr/netcfg.h); the uplink's lookups keep the entry
 * fresh while the flow lives.
 */
static __always_inline void inbound_reply_note(const struct bpfbr_conn_key *k)
{
	__u64 now = bpf_ktime_get_ns();

	bpf_map_update_elem(&bpfbr_inbound_replies, k, &now, BPF_ANY);
}

/* A container's packet p, from port slot, is part of a flow that came in through the stack. */
static __always_inline bool inbound_flow(const struct ipv4_pkt *p, __u16 slot)
{
	struct bpfbr_conn_key k = {};
	struct bpfbr_inbound *v;

	/* (p's ports are only set when it has them.) */
	if (!p->has_ports || (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP))
		return false;
	k.saddr = p->saddr;
	k.daddr = p->daddr;
	k.sport = p->sport;
	k.dport = p->dport;
	k.proto = p->proto;
	v = bpf_map_lookup_elem(&bpfbr_inbound, &k);
	if (!v || v->slot != slot || !inbound_live(v, p->proto))
		return false;
	if (!v->answered) {
		v->answered = 1;
		inbound_reply_note(&k);
	}
	inbound_closing(&k, v, BPFBR_INBOUND_FIN_CONTAINER, p->tcp_flags);
	return true;
}

static long inbound_reclaim_entry(struct bpf_map *map, struct bpfbr_conn_key *k,
				  struct bpfbr_inbound *v, struct quota_pass *qp)
{
	if (older_than(qp->now, v->seen_ns, inbound_timeout_ns(v, k->proto))) {
		bpf_map_delete_elem(map, k);
		count(BPFBR_EV_INBOUND_EXPIRED);
		return 0;
	}
	quota_pass_count(qp, v->slot);
	return 0;
}

/* Room for one more inbound flow into port slot (a reclaim pass if need be). */
static __always_inline bool inbound_take(struct bpfbr_quota *q, __u16 slot)
{
	struct quota_pass qp;

	if (quota_take(q, slot, BPFBR_INBOUND_PER_PORT, BPFBR_INBOUND_MAX))
		return true;
	if (quota_pass_begin(&qp, BPFBR_QUOTA_INBOUND)) {
		bpf_for_each_map_elem(&bpfbr_inbound, inbound_reclaim_entry, &qp, 0);
		quota_pass_end(&qp);
	}
	return quota_take(q, slot, BPFBR_INBOUND_PER_PORT, BPFBR_INBOUND_MAX);
}

/* The port of ifindex gets flag (once: a write only when it lacks it). */
static __always_inline void port_flag(__u32 ifindex, __u8 flag)
{
	struct bpfbr_port *port = bpf_map_lookup_elem(&bpfbr_ports, &ifindex);

	/* Set, never cleared by the datapath: racing CPUs write the same bit. */
	if (port && !(port->flags & flag))
		port->flags |= flag;
}

/*
 * The gateway port delivers f to the container on port slot (device
 * ifindex): a TCP SYN or a UDP datagram of the node opens a flow,
 * remembered by the direction of its replies, within the container's share
 * (else counted, not remembered). One from another container of the network
 * (the stack translated it: a service's DNAT) marks the port: its replies to
 * the network must go back through the stack too (stack_reply.h).
 */
static __always_inline void inbound_note(const struct bpfbr_netcfg *cfg, const struct frame *f,
					 __u16 slot, __u32 ifindex)
{
	struct bpfbr_inbound fresh = { .slot = slot }, *v;
	struct bpfbr_conn_key k = {};
	struct bpfbr_quota *q;
	struct ipv4_pkt p;

	if (f->proto != ETH_P_IP || parse_ipv4(f, &p) || !p.has_ports ||
	    (p.proto != IPPROTO_UDP && p.proto != IPPROTO_TCP))
		return;
	k.saddr = p.daddr;
	k.daddr = p.saddr;
	k.sport = p.dport;
	k.dport = p.sport;
	k.proto = p.proto;
	v = bpf_map_lookup_elem(&bpfbr_inbound, &k);
	if (p.proto == IPPROTO_TCP && !tcp_opens(&p)) {
		/* The node's side of a flow closing: a FIN or RST it sends in. */
		if (v && v->slot == slot)
			inbound_closing(&k, v, BPFBR_INBOUND_FIN_NODE, p.tcp_flags);
		return;
	}
	if ((p.saddr & cfg->netmask) == cfg->subnet && p.saddr != cfg->gateway)
		port_flag(ifindex, BPFBR_PORT_F_STACK_PEERS);
	if (v && v->slot == slot && inbound_live(v, p.proto))
		return;
	q = quota_get(BPFBR_QUOTA_INBOUND);
	if (!q || !inbound_take(q, slot)) {
		count(BPFBR_EV_INBOUND_FULL);
		return;
	}
	fresh.seen_ns = bpf_ktime_get_ns();
	if (v) {
		/* Expired, or another port's (its container went): now this one's. */
		__u16 old = v->slot;

		*v = fresh;
		quota_give(q, old);
	} else if (bpf_map_update_elem(&bpfbr_inbound, &k, &fresh, BPF_NOEXIST)) {
		quota_give(q, slot); /* made on another CPU meanwhile, or the table is full */
	}
}

#endif
