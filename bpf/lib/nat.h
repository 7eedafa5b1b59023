/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The masquerade table: looking flows up, creating them (keeping the
 * inside port when it is free, else one from the configured range, never
 * one the node itself uses), tracking their state, and releasing them.
 */
#ifndef BPFBR_BPF_NAT_H
#define BPFBR_BPF_NAT_H

#include "ipv4.h"
#include "nat_maps.h"
#include "nat6_keys.h"

#define NAT_PORT_TRIES	    64
#define NAT_SEEN_REFRESH_NS NSEC_PER_SEC
#define TCP_LISTEN	    10

static __always_inline void flow_inside_key(const struct bpfbr_flow *fl, struct bpfbr_nat_key *k)
{
	__builtin_memset(k, 0, sizeof(*k));
	k->addr = fl->iaddr;
	k->raddr = fl->raddr;
	k->port = fl->iport;
	k->rport = fl->rport;
	k->proto = fl->proto;
}

static __always_inline void outside_key(struct bpfbr_nat_key *k, __u8 proto, __u32 raddr,
					__u16 rport, __u16 oport)
{
	__builtin_memset(k, 0, sizeof(*k));
	k->addr = raddr;
	k->port = rport;
	k->rport = oport;
	k->proto = proto;
}

static __always_inline __u64 flow_timeout_ns(const struct bpfbr_flow *fl)
{
	if (fl->proto == IPPROTO_TCP)
		return (fl->state == BPFBR_FLOW_ESTABLISHED ? BPFBR_NAT_TCP_EST_S
							    : BPFBR_NAT_TCP_TRANS_S) *
		       NSEC_PER_SEC;
	if (fl->proto == IPPROTO_UDP)
		return BPFBR_NAT_UDP_S * NSEC_PER_SEC;
	return BPFBR_NAT_ICMP_S * NSEC_PER_SEC;
}

/* Deletes k from map if it still points at slot. */
static __always_inline void key_release(void *map, const struct bpfbr_nat_key *k, __u32 slot)
{
	__u32 *v = bpf_map_lookup_elem(map, k);

	if (v && *v == slot)
		bpf_map_delete_elem(map, k);
}

/*
 * Returns the slot to the free queue. Only the caller that flips in_use
 * from 1 to 0 does the work, so a flow is never released twice. Its keys
 * are deleted by that caller alone (flow_for() leaves a released flow's
 * keys be): while a key is there, no other flow can insert it (NOEXIST),
 * so the key this deletes is the released flow's own, never the key of a
 * flow made meanwhile on another CPU.
 */
static __always_inline bool flow_release(__u32 slot, struct bpfbr_flow *fl)
{
	struct bpfbr_uplink_cfg *cfg = uplink_cfg();
	struct bpfbr_endpoint *ep;
	struct bpfbr_nat_key k;

	if (__sync_val_compare_and_swap(&fl->in_use, 1, 0) != 1)
		return false;
	if (fl->flags & BPFBR_FLOW_IPV6) {
		ep = flow6_release_keys(slot, fl);
	} else {
		flow_inside_key(fl, &k);
		key_release(&nat_out, &k, slot);
		outside_key(&k, fl->proto, fl->raddr, fl->rport, fl->oport);
		key_release(&nat_in, &k, slot);
		ep = bpf_map_lookup_elem(&nat_endpoints, &fl->iaddr);
	}
	if (ep && !(fl->flags & BPFBR_FLOW_HOST))
		__sync_fetch_and_sub(&ep->flows, 1);
	if (cfg)
		__sync_fetch_and_sub(&cfg->flows, 1);
	fl->state = BPFBR_FLOW_FREE;
	bpf_map_push_elem(&nat_free, &slot, 0);
	nat_count(BPFBR_EV_NAT_RECLAIMED);
	return true;
}

/* The flow in slot, if it is live. */
static __always_inline struct bpfbr_flow *flow_get(__u32 slot)
{
	struct bpfbr_flow *fl = bpf_map_lookup_elem(&nat_flows, &slot);

	return fl && fl->in_use ? fl : NULL;
}

/* A connection of the node on this outside tuple (replies would be ambiguous). */
static __always_inline bool node_uses(struct __sk_buff *skb, __u8 proto, __u32 laddr, __u16 lport,
				      __u32 raddr, __u16 rport)
{
	struct bpf_sock_tuple t = {};
	struct bpf_sock *sk;
	bool taken;

	t.ipv4.saddr = raddr;
	t.ipv4.daddr = laddr;
	t.ipv4.sport = rport;
	t.ipv4.dport = lport;
	if (proto == IPPROTO_TCP)
		sk = bpf_skc_lookup_tcp(skb, &t, sizeof(t.ipv4), BPF_F_CURRENT_NETNS, 0);
	else if (proto == IPPROTO_UDP)
		sk = bpf_sk_lookup_udp(skb, &t, sizeof(t.ipv4), BPF_F_CURRENT_NETNS, 0);
	else
		return false; /* ICMP ids of the node's ping sockets are not visible here */
	if (!sk)
		return false;
	/* A TCP listener only receives new connections, which we never see as
	 * replies. A UDP socket on the port, connected or not, may be talking to
	 * that remote (sendto): as conntrack, leave it the port. */
	taken = proto == IPPROTO_TCP ? sk->state != TCP_LISTEN : true;
	bpf_sk_release(sk);
	return taken;
}

struct port_pick {
	struct __sk_buff *skb;
	__u32 uplink_addr;
	__u32 raddr;
	__u16 rport;
	__u8 proto;
	__u32 slot;
	__u32 first; /* offset into the range where the search starts */
	__u32 range; /* number of ports in the range */
	__u16 lo;
	__u16 got; /* the port claimed, network order; 0 until found */
};

/* Claims oport for the flow (atomically: a NOEXIST insert of the outside key). */
static __always_inline bool claim_port(struct port_pick *pp, __u16 oport)
{
	struct bpfbr_nat_key k;

	if (!oport || node_uses(pp->skb, pp->proto, pp->uplink_addr, oport, pp->raddr, pp->rport))
		return false;
	outside_key(&k, pp->proto, pp->raddr, pp->rport, oport);
	if (bpf_map_update_elem(&nat_in, &k, &pp->slot, BPF_NOEXIST))
		return false;
	pp->got = oport;
	return true;
}

static long try_range_port(__u32 i, struct port_pick *pp)
{
	__u32 off = pp->first + i;

	if (off >= pp->range)
		off -= pp->range;
	return claim_port(pp, bpf_htons((__u16)(pp->lo + off))) ? 1 : 0;
}

/* flow_create(): another CPU created the same flow meanwhile (look it up again). */
#define FLOW_RACED 1
/* flow_for(): the packet belongs to an inbound flow the node forwarded in,
 * and leaves untranslated (inbound_replies, bpfbr/netcfg.h). */
#define FLOW_UNTRANSLATED 2

/*
 * Takes a free slot for a new flow of endpoint ep (NULL: a node connection),
 * counted against its share and the table. 0 or a negative drop reason.
 */
static __always_inline int flow_reserve(struct bpfbr_uplink_cfg *cfg, struct bpfbr_endpoint *ep,
					__u32 *slot)
{
	int ret = 0;

	if (ep && __sync_fetch_and_add(&ep->flows, 1) >= ep->max_flows) {
		ret = -BPFBR_DROP_NAT_QUOTA;
		goto undo_ep;
	}
	if (__sync_fetch_and_add(&cfg->flows, 1) >= cfg->nat_max ||
	    bpf_map_pop_elem(&nat_free, slot)) {
		ret = -BPFBR_DROP_NAT_FULL;
		goto undo_cfg;
	}
	return 0;

undo_cfg:
	__sync_fetch_and_sub(&cfg->flows, 1);
undo_ep:
	if (ep)
		__sync_fetch_and_sub(&ep->flows, 1);
	return ret;
}

/* Gives back what flow_reserve() took. */
static __always_inline void flow_unreserve(struct bpfbr_uplink_cfg *cfg, struct bpfbr_endpoint *ep,
					   __u32 slot)
{
	bpf_map_push_elem(&nat_free, &slot, 0);
	__sync_fetch_and_sub(&cfg->flows, 1);
	if (ep)
		__sync_fetch_and_sub(&ep->flows, 1);
}

/* Fills the reserved slot's flow (ports of ik, oport outside) and makes it live;
 * the caller writes the addresses. NULL if the slot is out of the table. */
static __always_inline struct bpfbr_flow *flow_start(__u32 slot, struct bpfbr_endpoint *ep,
						     __u8 proto, __u16 iport, __u16 rport,
						     __u16 oport, __u8 flags)
{
	struct bpfbr_flow *fl = bpf_map_lookup_elem(&nat_flows, &slot);
	__u32 *seq;

	if (!fl)
		return NULL;
	fl->ifindex = ep ? ep->ifindex : 0;
	fl->iport = iport;
	fl->rport = rport;
	fl->oport = oport;
	fl->proto = proto;
	fl->state = BPFBR_FLOW_NEW;
	fl->flags = flags | (ep ? 0 : BPFBR_FLOW_HOST);
	fl->net = ep ? ep->net : 0;
	if (ep) {
		__builtin_memcpy(fl->mac, ep->mac, 6);
		__builtin_memcpy(fl->gw_mac, ep->gw_mac, 6);
	}
	fl->created_ns = fl->seen_ns = bpf_ktime_get_ns();
	seq = bpf_map_lookup_elem(&nat_flow_seq, &slot);
	if (seq)
		*seq = 0; /* nothing seen from this flow's remote yet */
	flow_stats_reset(slot, fl->created_ns);
	return fl;
}

/*
 * Creates the flow for inside key ik. ep is the container's endpoint, or
 * NULL for a node connection that must change port. published: the outside
 * port it must have (a published port's flow, opened by the remote ik->raddr),
 * else 0. Returns 0 (*slot_out holds the new flow), FLOW_RACED, or a negative
 * drop reason.
 */
static __always_inline int flow_create(struct __sk_buff *skb, struct bpfbr_uplink_cfg *cfg,
				       struct bpfbr_endpoint *ep, const struct bpfbr_nat_key *ik,
				       __u16 published, __u32 *slot_out)
{
	struct port_pick pp = {
		.skb = skb,
		.uplink_addr = cfg->addr,
		.raddr = ik->raddr,
		.rport = ik->rport,
		.proto = ik->proto,
		.lo = cfg->port_lo,
	};
	struct bpfbr_nat_key ok;
	struct bpfbr_flow *fl;
	__u32 slot = 0;
	int ret;

	ret = flow_reserve(cfg, ep, &slot);
	if (ret)
		return ret;
	pp.slot = slot;
	/* Keep the container's own port when nobody holds it on the outside. */
	if (published) {
		claim_port(&pp, published);
	} else if (!ep || !claim_port(&pp, ik->port)) {
		pp.range = (__u32)cfg->port_hi - cfg->port_lo + 1;
		pp.first = bpf_get_prandom_u32() % pp.range;
		bpf_loop(pp.range < NAT_PORT_TRIES ? pp.range : NAT_PORT_TRIES, try_range_port, &pp,
			 0);
	}
	if (!pp.got) {
		ret = -BPFBR_DROP_NAT_NO_PORT;
		goto undo_slot;
	}
	fl = flow_start(slot, ep, ik->proto, ik->port, ik->rport, pp.got,
			published ? BPFBR_FLOW_PUBLISHED : 0);
	if (!fl) {
		ret = -BPFBR_DROP_NAT_FULL;
		goto undo_port;
	}
	fl->iaddr = ik->addr;
	fl->raddr = ik->raddr;
	fl->in_use = 1;
	if (bpf_map_update_elem(&nat_out, ik, &slot, BPF_NOEXIST)) {
		/* The same flow was created on another CPU: give ours back. */
		fl->in_use = 0;
		ret = FLOW_RACED;
		goto undo_port;
	}
	nat_count(BPFBR_EV_NAT_NEW);
	*slot_out = slot;
	return 0;

undo_port:
	outside_key(&ok, ik->proto, ik->raddr, ik->rport, pp.got);
	bpf_map_delete_elem(&nat_in, &ok);
undo_slot:
	flow_unreserve(cfg, ep, slot);
	return ret;
}

/*
 * A FIN or RST from the remote ends a flow only when its sequence number
 * lies within this window around where the remote's next segment starts
 * (conntrack's and RFC 5961's check, with a fixed window): behind it for
 * retransmissions, ahead of it for segments lost before the uplink.
 */
#define REMOTE_SEQ_BEHIND (1u << 16)
#define REMOTE_SEQ_AHEAD  (1u << 23)

/*
 * A TCP segment from the remote (sequence numbers [seq, end), syn: a SYN) of
 * the flow in slot: true if it lies within the window, so that a FIN or RST
 * in it may end the flow. A plausible segment moves on where the remote's
 * next one starts; a SYN sets it (the remote's first sequence number). A
 * flow that has seen nothing from the remote yet (the RST that refuses a
 * SYN), or was made by an older build, takes any.
 */
static __always_inline bool remote_seq_plausible(__u32 slot, __u32 seq, __u32 end, bool syn)
{
	__u32 *next = bpf_map_lookup_elem(&nat_flow_seq, &slot);

	if (!next)
		return true;
	if (syn || !*next) {
		*next = end;
		return true;
	}
	if (seq - (*next - REMOTE_SEQ_BEHIND) > REMOTE_SEQ_BEHIND + REMOTE_SEQ_AHEAD)
		return false;
	if ((__s32)(end - *next) > 0)
		*next = end;
	return true;
}

/*
 * Connection tracking, as much as timeouts need: new, established, closing,
 * from a packet's protocol and TCP flags.
 * end_ok: a FIN or RST in it may end the flow (always, from the container).
 */
static __always_inline void flow_track_l4(struct bpfbr_flow *fl, __u8 proto, __u8 tcp_flags,
					  bool reply, bool end_ok)
{
	__u64 now = bpf_ktime_get_ns();
	__u8 state = fl->state;

	if (proto == IPPROTO_TCP && (tcp_flags & (TCP_FLAG_FIN | TCP_FLAG_RST))) {
		if (end_ok)
			state = BPFBR_FLOW_CLOSING;
	} else if (proto == IPPROTO_TCP && (tcp_flags & TCP_FLAG_SYN) && !reply &&
		   !(tcp_flags & TCP_FLAG_ACK)) {
		state = BPFBR_FLOW_NEW; /* a new connection reusing the tuple */
	} else if (reply && (state == BPFBR_FLOW_NEW ||
			     (proto == IPPROTO_TCP && (tcp_flags & TCP_FLAG_SYN)))) {
		state = BPFBR_FLOW_ESTABLISHED; /* answered (a SYN-ACK undoes a blind RST) */
	}
	if (state != fl->state)
		fl->state = state;
	if (older_than(now, fl->seen_ns, NAT_SEEN_REFRESH_NS))
		fl->seen_ns = now;
}

static __always_inline void flow_track(struct bpfbr_flow *fl, const struct ipv4_pkt *p, bool reply,
				       bool end_ok)
{
	flow_track_l4(fl, p->proto, p->tcp_flags, reply, end_ok);
}

#endif
