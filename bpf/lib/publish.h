/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Published ports on the uplink's ingress (bpfbr/publish.h): a packet from
 * outside to a published port of the uplink's address that opens a
 * connection (a TCP SYN, a UDP datagram) and belongs to no flow opens one in
 * the masquerade table, with the client as its remote and the host port as
 * its outside port. From there the masquerade's own paths translate both
 * ways: the client's packets to the container's address and port (which
 * sees the client's address and port), the container's replies back from
 * the published port; ICMP errors, fragments, timeouts and the table's
 * bounds are the masquerade's.
 */
#ifndef BPFBR_BPF_PUBLISH_H
#define BPFBR_BPF_PUBLISH_H

#include "bpfbr/publish.h"
#include "nat.h"
#include "nat_reply.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BPFBR_PUBLISHED_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct bpfbr_pub_key);
	__type(value, struct bpfbr_pub_target);
} nat_published SEC(".maps");

/*
 * p (of frame f) came to the uplink's address and belongs to no flow: when
 * it opens a connection to a published port, *out gets the flow it opened
 * (*slot its slot). Returns 0 (*out NULL: not published, the node's) or a
 * negative drop reason.
 */
static __always_inline int publish_open(struct __sk_buff *skb, const struct frame *f,
					const struct ipv4_pkt *p, struct bpfbr_flow **out,
					__u32 *slot)
{
	struct bpfbr_uplink_cfg *cfg = uplink_cfg();
	struct bpfbr_pub_key k = {};
	struct bpfbr_nat_key ik = {};
	struct bpfbr_pub_target *t;
	struct bpfbr_endpoint *ep;
	int err;

	*out = NULL;
	if (!cfg || (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP))
		return 0;
	/* Only a SYN opens a TCP connection: any other segment is the node's to
	 * answer (a reset), as for a port nobody listens on. */
	if (p->proto == IPPROTO_TCP &&
	    (p->tcp_flags & (TCP_FLAG_SYN | TCP_FLAG_ACK | TCP_FLAG_RST)) != TCP_FLAG_SYN)
		return 0;
	k.addr = p->daddr;
	k.port = p->dport;
	k.proto = p->proto;
	t = bpf_map_lookup_elem(&nat_published, &k);
	if (!t)
		return 0;
	ep = bpf_map_lookup_elem(&nat_endpoints, &t->addr);
	if (!ep)
		return -BPFBR_DROP_PUBLISH_NO_TARGET;
	ik.addr = t->addr;
	ik.raddr = p->saddr;
	ik.port = t->port;
	ik.rport = p->sport;
	ik.proto = p->proto;
	/* Raced (the same client's first packets on two CPUs): the other CPU
	 * holds the outside tuple, and this copy goes. */
	err = flow_create(skb, cfg, ep, &ik, p->dport, slot);
	if (err)
		return err == FLOW_RACED ? -BPFBR_DROP_NAT_RELEASING : err;
	*out = flow_get(*slot);
	if (!*out)
		return -BPFBR_DROP_NAT_FULL;
	reply_may_end(f, p, *slot); /* where the client's sequence numbers start */
	nat_count(BPFBR_EV_PUBLISHED);
	return 0;
}

#endif
