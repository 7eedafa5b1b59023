/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * IPv6 flows of the masquerade table (include/bpfbr/nat6.h): created in a
 * slot of the shared table, counted against the same shares and limits,
 * their outside port picked as IPv4's are (the container's own when free,
 * else one of the configured range, never one the node uses towards that
 * remote).
 */
#ifndef BPFBR_BPF_NAT6_H
#define BPFBR_BPF_NAT6_H

#include "ipv6.h"
#include "nat.h"

#ifndef IPPROTO_ICMPV6
#define IPPROTO_ICMPV6 58
#endif

/* The quoted packet: its IPv6 addresses and the first bytes of its transport. */
struct quoted6 {
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 ip_off;	   /* offset of the quoted IPv6 header */
	__u16 l4_off;	   /* its transport header */
	__u16 sport;	   /* or the echo request's id */
	__u16 dport;	   /* 0 for ICMPv6 */
	__u16 l4_csum;	   /* the quoted transport checksum */
	__u16 l4_csum_off; /* its offset; 0: not in the quote */
	__u8 proto;
};

/*
 * What a packet's translation works on, per CPU: kept off the stack, which
 * the IPv4 programs' frames and the port search's share (512 bytes in all).
 */
struct nat6_scratch {
	struct ipv6_pkt p;
	struct bpfbr_nat6_key ik;  /* the inside key */
	struct bpfbr_nat6_key ok;  /* an outside key */
	struct quoted6 q;	   /* an ICMPv6 error's quote (nat6_icmp.h) */
	struct bpfbr_frag6_key fk; /* a fragmented datagram (nat6_frag.h) */
	struct bpfbr_nat_frag fv;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nat6_scratch);
} nat6_scratch SEC(".maps");

static __always_inline struct nat6_scratch *nat6_scratch_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&nat6_scratch, &zero);
}

/* A connection of the node on this outside tuple (replies would be ambiguous). */
static __always_inline bool node_uses6(struct __sk_buff *skb, __u8 proto, const __u8 *laddr,
				       __u16 lport, const __u8 *raddr, __u16 rport)
{
	struct bpf_sock_tuple t = {};
	struct bpf_sock *sk;
	bool taken;

	__builtin_memcpy(t.ipv6.saddr, raddr, 16);
	__builtin_memcpy(t.ipv6.daddr, laddr, 16);
	t.ipv6.sport = rport;
	t.ipv6.dport = lport;
	if (proto == IPPROTO_TCP)
		sk = bpf_skc_lookup_tcp(skb, &t, sizeof(t.ipv6), BPF_F_CURRENT_NETNS, 0);
	else if (proto == IPPROTO_UDP)
		sk = bpf_sk_lookup_udp(skb, &t, sizeof(t.ipv6), BPF_F_CURRENT_NETNS, 0);
	else
		return false; /* ICMPv6 ids of the node's ping sockets are not visible here */
	if (!sk)
		return false;
	taken = proto == IPPROTO_TCP ? sk->state != TCP_LISTEN : true;
	bpf_sk_release(sk);
	return taken;
}

struct port_pick6 {
	struct __sk_buff *skb;
	struct bpfbr_uplink_cfg6 *c6;
	const struct bpfbr_nat6_key *ik;
	__u32 slot;
	__u32 first;
	__u32 range;
	__u16 lo;
	__u16 got;
};

/* Claims oport for the flow (atomically: a NOEXIST insert of the outside key). */
static __always_inline bool claim_port6(struct port_pick6 *pp, __u16 oport)
{
	const struct bpfbr_nat6_key *ik = pp->ik;
	struct bpfbr_nat6_key k;

	if (!oport || node_uses6(pp->skb, ik->proto, pp->c6->addr, oport, ik->raddr, ik->rport))
		return false;
	outside_key6(&k, ik->proto, ik->raddr, ik->rport, oport);
	if (bpf_map_update_elem(&nat_in6, &k, &pp->slot, BPF_NOEXIST))
		return false;
	pp->got = oport;
	return true;
}

static long try_range_port6(__u32 i, struct port_pick6 *pp)
{
	__u32 off = pp->first + i;

	if (off >= pp->range)
		off -= pp->range;
	return claim_port6(pp, bpf_htons((__u16)(pp->lo + off))) ? 1 : 0;
}

/* flow_create() for IPv6: 0 (*slot_out holds the new flow), FLOW_RACED, or -reason.
 * A frame of its own: with the port search's, it would not fit beside the
 * packet path's on 6.1 (512 bytes in all, each frame rounded up to 32). */
static __noinline int flow_create6(struct __sk_buff *skb, struct bpfbr_endpoint *ep,
				   const struct bpfbr_nat6_key *ik, __u32 *slot_out)
{
	struct bpfbr_uplink_cfg6 *c6 = uplink_cfg6();
	struct bpfbr_uplink_cfg *cfg = uplink_cfg();
	struct port_pick6 pp = { .skb = skb, .c6 = c6, .ik = ik };
	struct bpfbr_nat6_key ok;
	struct bpfbr_flow6 *a;
	struct bpfbr_flow *fl;
	__u32 slot = 0;
	int ret;

	if (!cfg || !c6)
		return -BPFBR_DROP_NAT6_NO_ADDRESS;
	pp.lo = cfg->port_lo;
	ret = flow_reserve(cfg, ep, &slot);
	if (ret)
		return ret;
	pp.slot = slot;
	if (!ep || !claim_port6(&pp, ik->port)) {
		pp.range = (__u32)cfg->port_hi - cfg->port_lo + 1;
		pp.first = bpf_get_prandom_u32() % pp.range;
		bpf_loop(pp.range < NAT_PORT_TRIES ? pp.range : NAT_PORT_TRIES, try_range_port6,
			 &pp, 0);
	}
	if (!pp.got) {
		ret = -BPFBR_DROP_NAT_NO_PORT;
		goto undo_slot;
	}
	a = bpf_map_lookup_elem(&nat_flows6, &slot);
	fl = a ? flow_start(slot, ep, ik->proto, ik->port, ik->rport, pp.got, BPFBR_FLOW_IPV6)
	       : NULL;
	if (!fl) {
		ret = -BPFBR_DROP_NAT_FULL;
		goto undo_port;
	}
	__builtin_memcpy(a->iaddr, ik->addr, 16);
	__builtin_memcpy(a->raddr, ik->raddr, 16);
	fl->iaddr = fl->raddr = 0;
	fl->in_use = 1;
	if (bpf_map_update_elem(&nat_out6, ik, &slot, BPF_NOEXIST)) {
		fl->in_use = 0;
		ret = FLOW_RACED;
		goto undo_port;
	}
	nat_count(BPFBR_EV_NAT_NEW);
	*slot_out = slot;
	return 0;

undo_port:
	outside_key6(&ok, ik->proto, ik->raddr, ik->rport, pp.got);
	bpf_map_delete_elem(&nat_in6, &ok);
undo_slot:
	flow_unreserve(cfg, ep, slot);
	return ret;
}

/* The live IPv6 flow for inside key ik, created if new. 0 or a negative drop reason. */
static __always_inline int flow_for6(struct __sk_buff *skb, struct bpfbr_endpoint *ep,
				     const struct bpfbr_nat6_key *ik, struct bpfbr_flow **out,
				     __u32 *slot_out)
{
	int err = 0;

	for (int tries = 0; tries < 2; tries++) {
		__u32 *slot = bpf_map_lookup_elem(&nat_out6, ik);

		if (slot) {
			*out = flow_get(*slot);
			if (!*out)
				return -BPFBR_DROP_NAT_RELEASING; /* as flow_for() */
			*slot_out = *slot;
			return 0;
		}
		err = flow_create6(skb, ep, ik, slot_out);
		if (err == FLOW_RACED)
			continue;
		if (err)
			return err;
		*out = flow_get(*slot_out);
		return *out ? 0 : -BPFBR_DROP_NAT_FULL;
	}
	return -BPFBR_DROP_NAT_NO_PORT;
}

/* The live flow of an outside tuple (remote raddr:rport, our oport), or NULL. */
static __always_inline struct bpfbr_flow *reply_flow6(__u8 proto, const __u8 *raddr, __u16 rport,
						      __u16 oport, __u32 *slot,
						      struct bpfbr_flow6 **a)
{
	struct bpfbr_nat6_key ok;
	__u32 *v;

	outside_key6(&ok, proto, raddr, rport, oport);
	v = bpf_map_lookup_elem(&nat_in6, &ok);
	if (!v)
		return NULL;
	*slot = *v;
	*a = bpf_map_lookup_elem(&nat_flows6, slot);
	return *a ? flow_get(*slot) : NULL;
}

#endif
