// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * What a container may send to its gateway's MAC beyond its own network
 * (bpf/lib/guard.h): of the node's gateway address only ICMP, replies and
 * the services the network allows; nothing for another network's subnet.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <bpf/bpf.h>
#include <linux/pkt_cls.h>

#include "bpfbr/frag.h"
#include "bpfbr/limits.h"
#include "expect.h"
#include "fixture.h"
#include "harness.h"
#include "nat_pkt.h"

/* A packet from container slot c to address daddr, sent to the gateway's MAC. */
static void to_gateway(struct fx *fx, struct pkt *p, int c, uint32_t daddr, uint8_t proto,
		       uint16_t dport, uint8_t tcp_flags)
{
	*p = (struct pkt){ .saddr = fx->port[c].ipv4,
			   .daddr = daddr,
			   .proto = proto,
			   .ttl = 64,
			   .sport = 40000,
			   .dport = dport,
			   .tcp_flags = tcp_flags,
			   .icmp_type = ICMP_ECHO };
	memcpy(p->dst_mac, fx->port[GW].mac, 6);
	memcpy(p->src_mac, fx->port[c].mac, 6);
	pkt_fill(p, 32, 1);
}

/* Runs p from container slot c: delivered to the gateway port, or dropped as reason. */
static void check(struct fx *fx, const struct pkt *p, int c, int reason, const char *what)
{
	struct sw_run r;
	struct frame f;

	pkt_frame(&f, p);
	if (!fx_run(fx, c, &f, &r))
		return;
	if (reason)
		expect_drop(&fx->env, &r, &f, reason, what);
	else
		expect_deliver(&fx->env, &r, &f, GW, BPFBR_TRACE_EGRESS, what);
}

static bool allow(struct fx *fx, uint32_t flags, const struct bpfbr_service *svc, uint32_t n)
{
	fx->cfg.flags |= flags;
	fx->cfg.n_allow = n;
	memcpy(fx->cfg.allow, svc, n * sizeof(*svc));
	return fx_config(fx);
}

TEST(guard_gateway_default)
{
	uint32_t gw;
	struct pkt p;
	struct fx fx;

	if (!fx_setup(&fx, 3, 3, BPFBR_NET_SPOOFCHK))
		return;
	gw = fx.port[GW].ipv4;
	to_gateway(&fx, &p, C1, gw, PROTO_ICMP, 1, 0);
	check(&fx, &p, C1, 0, "a ping to the gateway");
	to_gateway(&fx, &p, C1, gw, PROTO_TCP, 22, TCP_SYN);
	check(&fx, &p, C1, BPFBR_DROP_NODE_DENIED, "a TCP SYN to the gateway");
	to_gateway(&fx, &p, C1, gw, PROTO_TCP, 22, TCP_ACK);
	check(&fx, &p, C1, 0, "a TCP segment past the SYN (a reply)");
	to_gateway(&fx, &p, C1, gw, PROTO_TCP, 22, TCP_SYN | TCP_ACK);
	check(&fx, &p, C1, 0, "a SYN-ACK (the node connected to the container)");
	to_gateway(&fx, &p, C1, gw, PROTO_UDP, 53, 0);
	check(&fx, &p, C1, BPFBR_DROP_NODE_DENIED, "UDP to the gateway");
	to_gateway(&fx, &p, C1, gw, PROTO_GRE, 0, 0);
	check(&fx, &p, C1, BPFBR_DROP_NODE_DENIED, "GRE to the gateway");
	fx_teardown(&fx);
}

TEST(guard_gateway_allow_list)
{
	const struct bpfbr_service svc[] = {
		{ .proto = PROTO_UDP, .port = htons(53) },
		{ .proto = PROTO_TCP, .port = 0 }, /* every TCP port */
	};
	uint32_t gw;
	struct pkt p;
	struct fx fx;

	if (!fx_setup(&fx, 3, 3, BPFBR_NET_SPOOFCHK))
		return;
	if (!allow(&fx, 0, svc, 2))
		goto out;
	gw = fx.port[GW].ipv4;
	to_gateway(&fx, &p, C2, gw, PROTO_UDP, 53, 0);
	check(&fx, &p, C2, 0, "UDP to an allowed port");
	to_gateway(&fx, &p, C2, gw, PROTO_UDP, 54, 0);
	check(&fx, &p, C2, BPFBR_DROP_NODE_DENIED, "UDP to another port");
	to_gateway(&fx, &p, C2, gw, PROTO_TCP, 8080, TCP_SYN);
	check(&fx, &p, C2, 0, "a TCP SYN with every TCP port allowed");
	/* n_allow bounds the list: an entry past it is not consulted. */
	fx.cfg.n_allow = 1;
	if (fx_config(&fx)) {
		to_gateway(&fx, &p, C2, gw, PROTO_TCP, 8080, TCP_SYN);
		check(&fx, &p, C2, BPFBR_DROP_NODE_DENIED, "a TCP SYN past the list's end");
	}
out:
	fx_teardown(&fx);
}

TEST(guard_gateway_open)
{
	struct pkt p;
	struct fx fx;

	if (!fx_setup(&fx, 3, 3, BPFBR_NET_SPOOFCHK))
		return;
	if (allow(&fx, BPFBR_NET_NODE_OPEN, NULL, 0)) {
		to_gateway(&fx, &p, C1, fx.port[GW].ipv4, PROTO_UDP, 9999, 0);
		check(&fx, &p, C1, 0, "UDP to the gateway with the node open");
		to_gateway(&fx, &p, C1, fx.port[GW].ipv4, PROTO_TCP, 22, TCP_SYN);
		check(&fx, &p, C1, 0, "a TCP SYN to the gateway with the node open");
	}
	fx_teardown(&fx);
}

/* UDP the node sends into a container opens the way for the replies, and only for them. */
TEST(guard_udp_reply_to_node)
{
	struct sw_run r;
	struct frame f;
	struct pkt p;
	struct fx fx;

	if (!fx_setup(&fx, 3, 3, BPFBR_NET_SPOOFCHK))
		return;
	p = (struct pkt){ .saddr = fx.port[GW].ipv4,
			  .daddr = fx.port[C1].ipv4,
			  .proto = PROTO_UDP,
			  .ttl = 64,
			  .sport = 5353,
			  .dport = 53 };
	memcpy(p.dst_mac, fx.port[C1].mac, 6);
	memcpy(p.src_mac, fx.port[GW].mac, 6);
	pkt_fill(&p, 20, 2);
	pkt_frame(&f, &p);
	if (!fx_run(&fx, GW, &f, &r) ||
	    !expect_deliver(&fx.env, &r, &f, C1, BPFBR_TRACE_PEER, "a query from the node"))
		goto out;
	to_gateway(&fx, &p, C1, fx.port[GW].ipv4, PROTO_UDP, 5353, 0);
	p.sport = 53;
	check(&fx, &p, C1, 0, "the container's answer");
	p.sport = 54;
	check(&fx, &p, C1, BPFBR_DROP_NODE_DENIED, "UDP from another port of the container");
	to_gateway(&fx, &p, C2, fx.port[GW].ipv4, PROTO_UDP, 5353, 0);
	p.sport = 53;
	check(&fx, &p, C2, BPFBR_DROP_NODE_DENIED, "the same ports from another container");
out:
	fx_teardown(&fx);
}

TEST(guard_other_network)
{
	struct bpfbr_subnet_key k = { .prefixlen = 24, .addr = ip4(10, 41, 0, 0) };
	uint32_t index = 2;
	struct pkt p;
	struct fx fx;

	if (!fx_setup(&fx, 3, 3, BPFBR_NET_SPOOFCHK))
		return;
	to_gateway(&fx, &p, C1, ip4(10, 41, 0, 2), PROTO_ICMP, 1, 0);
	check(&fx, &p, C1, 0, "a ping beyond the gateway, no other network known");
	if (!ASSERT_OK(bpf_map_update_elem(fx.sw.subnets_fd, &k, &index, BPF_ANY),
		       "add network 2's subnet"))
		goto out;
	check(&fx, &p, C1, BPFBR_DROP_OTHER_NETWORK, "a ping into network 2");
	to_gateway(&fx, &p, C1, ip4(10, 41, 0, 2), PROTO_TCP, 80, TCP_ACK);
	check(&fx, &p, C1, BPFBR_DROP_OTHER_NETWORK, "TCP into network 2");
	to_gateway(&fx, &p, C1, ip4(10, 42, 0, 2), PROTO_ICMP, 1, 0);
	check(&fx, &p, C1, 0, "a ping to a subnet of no network");
out:
	fx_teardown(&fx);
}

/*
 * A SYN-ACK a container makes up opens nothing: the guard passes it (a
 * segment past the SYN), but the SYN it then sends from the same port to a
 * denied service is refused. Only the node's own SYN, as the gateway port
 * delivers it, makes a flow whose replies pass; and even that flow never
 * admits a SYN without ACK.
 */
TEST(guard_forged_synack)
{
	struct sw_run r;
	struct frame f;
	struct pkt p;
	struct fx fx;
	uint32_t gw;

	if (!fx_setup(&fx, 3, 3, BPFBR_NET_SPOOFCHK))
		return;
	gw = fx.port[GW].ipv4;
	to_gateway(&fx, &p, C1, gw, PROTO_TCP, 22, TCP_SYN | TCP_ACK);
	check(&fx, &p, C1, 0, "a made-up SYN-ACK (a segment past the SYN)");
	to_gateway(&fx, &p, C1, gw, PROTO_TCP, 22, TCP_SYN);
	check(&fx, &p, C1, BPFBR_DROP_NODE_DENIED, "a SYN from the port of the made-up SYN-ACK");
	to_gateway(&fx, &p, C1, gw, PROTO_TCP, 22, TCP_RST);
	check(&fx, &p, C1, BPFBR_DROP_NODE_DENIED, "a RST in no flow of the node");

	/* The node connects to the container: its SYN, delivered by the gateway port. */
	fx_node_syn(&fx, C1, &p, &f);
	if (!fx_run(&fx, GW, &f, &r) ||
	    !expect_deliver(&fx.env, &r, &f, C1, BPFBR_TRACE_PEER, "the node's SYN"))
		goto out;
	to_gateway(&fx, &p, C1, gw, PROTO_TCP, 22, TCP_RST);
	check(&fx, &p, C1, 0, "a RST (no ACK) in the node's flow");
	to_gateway(&fx, &p, C1, gw, PROTO_TCP, 22, TCP_SYN);
	check(&fx, &p, C1, BPFBR_DROP_NODE_DENIED, "a SYN without ACK in the node's flow");
	to_gateway(&fx, &p, C2, gw, PROTO_TCP, 22, TCP_RST);
	check(&fx, &p, C2, BPFBR_DROP_NODE_DENIED, "the same ports from another container");
out:
	fx_teardown(&fx);
}

/* p from container slot c (to_gateway()) as n fragments of `bytes` each. */
static int fragment(const struct pkt *p, size_t bytes, struct frame *out, int max)
{
	struct frame whole;

	pkt_frame(&whole, p);
	return pkt_fragment(&whole, bytes, out, max);
}

static void check_frame(struct fx *fx, const struct frame *f, int c, int reason, const char *what)
{
	struct sw_run r;

	if (!fx_run(fx, c, f, &r))
		return;
	if (reason)
		expect_drop(&fx->env, &r, f, reason, what);
	else
		expect_deliver(&fx->env, &r, f, GW, BPFBR_TRACE_EGRESS, what);
}

/*
 * Fragments for the node: a first fragment must carry the whole transport
 * header (the checks read its ports and flags); a later one passes only
 * after its first passed, from the same port, within the reassembly time,
 * and never at an offset inside the transport header (RFC 1858).
 */
TEST(guard_fragments)
{
	struct bpfbr_frag_key k = { 0 };
	struct bpfbr_node_frag v;
	struct frame fr[4];
	uint32_t gw;
	struct pkt p;
	struct fx fx;
	char what[160];
	int n;

	if (!fx_setup(&fx, 3, 3, 0))
		return;
	gw = fx.port[GW].ipv4;
	/* A SYN whose first fragment holds 8 bytes of its TCP header. */
	to_gateway(&fx, &p, C1, gw, PROTO_TCP, 22, TCP_SYN);
	p.frag = 0;
	p.len = 0;
	n = fragment(&p, 8, fr, 4);
	if (!ASSERT_EQ(n, 4, "a SYN (40 bytes of TCP header) in fragments of 8"))
		goto out;
	check_frame(&fx, &fr[0], C1, BPFBR_DROP_TINY_FRAGMENT, "a first fragment of 8 TCP bytes");
	check_frame(&fx, &fr[1], C1, BPFBR_DROP_TINY_FRAGMENT, "a fragment at offset 8 (TCP)");
	check_frame(&fx, &fr[2], C1, BPFBR_DROP_TINY_FRAGMENT, "a fragment at offset 16 (TCP)");
	check_frame(&fx, &fr[3], C1, BPFBR_DROP_FRAG_UNKNOWN, "a fragment at offset 24, no first");
	to_gateway(&fx, &p, C1, gw, PROTO_UDP, 53, 0);
	p.frag = 0;
	n = fragment(&p, 8, fr, 2);
	fr[0].len = ETH_HDR_LEN + 20 + 4; /* 4 bytes of UDP header */
	fr[0].data[ETH_HDR_LEN + 3] = 24;
	pkt_fix_ip_csum(fr[0].data + ETH_HDR_LEN);
	check_frame(&fx, &fr[0], C1, BPFBR_DROP_TINY_FRAGMENT, "a first fragment of 4 UDP bytes");

	/* A big ping to the gateway: allowed, fragments and all. */
	to_gateway(&fx, &p, C1, gw, PROTO_ICMP, 1, 0);
	p.frag = 0;
	pkt_fill(&p, 1200, 3);
	n = fragment(&p, 600, fr, 3);
	for (int i = 0; i < n; i++) {
		snprintf(what, sizeof(what), "a ping to the gateway, fragment %d of %d", i + 1, n);
		check_frame(&fx, &fr[i], C1, 0, what);
	}
	/* The same datagram's later fragment from another port does not follow it. */
	fr[3] = fr[2];
	memcpy(fr[3].data + 6, fx.port[C2].mac, 6);
	check_frame(&fx, &fr[3], C2, BPFBR_DROP_FRAG_UNKNOWN,
		    "its last fragment again, from another port");
	/* Nor, after the node's reassembly time, from the same. */
	memcpy(&k.saddr, fr[0].data + ETH_HDR_LEN + 12, 4);
	memcpy(&k.daddr, fr[0].data + ETH_HDR_LEN + 16, 4);
	memcpy(&k.id, fr[0].data + ETH_HDR_LEN + 4, 2);
	k.proto = PROTO_ICMP;
	if (ASSERT_OK(bpf_map_lookup_elem(fx.sw.node_frags_fd, &k, &v), "the first's verdict")) {
		v.first_ns -= (BPFBR_FRAG_TIMEOUT_S + 1) * 1000000000ull;
		if (ASSERT_OK(bpf_map_update_elem(fx.sw.node_frags_fd, &k, &v, BPF_ANY), "age it"))
			check_frame(&fx, &fr[2], C1, BPFBR_DROP_FRAG_UNKNOWN,
				    "its last fragment again, 31 s after the first");
	}

	/* UDP to a denied service: the first fragment refused, the rest follow. */
	to_gateway(&fx, &p, C1, gw, PROTO_UDP, 7000, 0);
	p.frag = 0;
	pkt_fill(&p, 1200, 4);
	n = fragment(&p, 600, fr, 3);
	check_frame(&fx, &fr[0], C1, BPFBR_DROP_NODE_DENIED,
		    "UDP to a denied port, first fragment");
	for (int i = 1; i < n; i++) {
		snprintf(what, sizeof(what), "UDP to a denied port, fragment %d of %d", i + 1, n);
		check_frame(&fx, &fr[i], C1, BPFBR_DROP_FRAG_UNKNOWN, what);
	}
	/* Beyond the node, fragments are routed as ever (by the stack, here). */
	to_gateway(&fx, &p, C1, ip4(192, 0, 2, 7), PROTO_UDP, 7000, 0);
	p.frag = 0;
	pkt_fill(&p, 1200, 5);
	n = fragment(&p, 600, fr, 3);
	check_frame(&fx, &fr[2], C1, 0, "a later fragment for an address beyond the node");
out:
	fx_teardown(&fx);
}

/* Routed only from the network's own addresses, whatever spoofchk says. */
TEST(guard_foreign_source)
{
	struct pkt p;
	struct fx fx;

	if (!fx_setup(&fx, 3, 3, 0))
		return;
	to_gateway(&fx, &p, C1, ip4(192, 0, 2, 7), PROTO_ICMP, 1, 0);
	p.saddr = ip4(10, 41, 0, 2);
	check(&fx, &p, C1, BPFBR_DROP_FOREIGN_SOURCE, "from another network's address");
	p.saddr = ip4(192, 0, 2, 99);
	check(&fx, &p, C1, BPFBR_DROP_FOREIGN_SOURCE, "from an address of no network");
	p.saddr = 0;
	check(&fx, &p, C1, BPFBR_DROP_FOREIGN_SOURCE, "from 0.0.0.0");
	p.saddr = ip4(10, 40, 0, 99);
	check(&fx, &p, C1, 0, "from another address of the subnet (no spoofchk)");
	to_gateway(&fx, &p, C1, fx.port[GW].ipv4, PROTO_ICMP, 1, 0);
	p.saddr = ip4(10, 41, 0, 2);
	check(&fx, &p, C1, BPFBR_DROP_FOREIGN_SOURCE, "to the gateway itself");
	fx_teardown(&fx);
}

/* The node sends a UDP datagram from sport to container slot c's port 53 (the gateway delivers it). */
static bool node_sends(struct fx *fx, int c, uint16_t sport, struct sw_run *r)
{
	struct frame f;
	struct pkt p = { .saddr = fx->port[GW].ipv4,
			 .daddr = fx->port[c].ipv4,
			 .proto = PROTO_UDP,
			 .ttl = 64,
			 .sport = sport,
			 .dport = 53 };

	memcpy(p.dst_mac, fx->port[c].mac, 6);
	memcpy(p.src_mac, fx->port[GW].mac, 6);
	pkt_fill(&p, 20, 2);
	pkt_frame(&f, &p);
	return fx_run(fx, GW, &f, r) && ASSERT_EQ(r->verdict, TC_ACT_REDIRECT, "delivered");
}

/* Container c answers the node's datagram from sport. */
static void answer(struct fx *fx, int c, uint16_t sport, int reason, const char *what)
{
	struct pkt p;

	to_gateway(fx, &p, c, fx->port[GW].ipv4, PROTO_UDP, sport, 0);
	p.sport = 53;
	check(fx, &p, c, reason, what);
}

/*
 * What the node opens into one container counts against that container's
 * share (BPFBR_INBOUND_PER_PORT): past it a flow is not recorded (counted),
 * its replies refused; another container's flows are untouched, and no
 * entry ever evicts another.
 */
TEST(guard_inbound_per_port)
{
	uint64_t full = 0;
	struct sw_run r;
	struct fx fx;

	if (!fx_setup(&fx, 3, 3, BPFBR_NET_SPOOFCHK))
		return;
	if (!node_sends(&fx, C2, 30000, &r))
		goto out;
	for (uint32_t i = 0; i < BPFBR_INBOUND_PER_PORT + 5; i++) {
		if (!node_sends(&fx, C1, (uint16_t)(20000 + i), &r))
			goto out;
		full += r.delta[BPFBR_EV_INBOUND_FULL];
	}
	ASSERT_EQ(full, 5, "C1's flows past its share are not recorded");
	answer(&fx, C1, 20000, 0, "C1 answers a recorded flow");
	answer(&fx, C1, (uint16_t)(20000 + BPFBR_INBOUND_PER_PORT + 4), BPFBR_DROP_NODE_DENIED,
	       "C1 answers a flow past its share");
	answer(&fx, C2, 30000, 0, "C2 answers its flow, recorded before C1's");
	if (node_sends(&fx, C2, 30001, &r))
		ASSERT_EQ(r.delta[BPFBR_EV_INBOUND_FULL], 0, "C2 has its share");
	answer(&fx, C2, 30001, 0, "C2 answers its new flow");
out:
	fx_teardown(&fx);
}

/* An inbound flow idle past its time is forgotten; a full share is reclaimed. */
TEST(guard_inbound_expires)
{
	static struct bpfbr_conn_key keys[BPFBR_INBOUND_PER_PORT + 1];
	struct bpfbr_inbound v;
	struct sw_run r;
	struct fx fx;
	uint32_t n = 0;

	if (!fx_setup(&fx, 3, 3, BPFBR_NET_SPOOFCHK))
		return;
	for (uint32_t i = 0; i < BPFBR_INBOUND_PER_PORT; i++)
		if (!node_sends(&fx, C1, (uint16_t)(20000 + i), &r))
			goto out;
	/* Idle for longer than UDP's 120 s, all of them (keys first: an update
	 * moves an entry within its bucket, which would upset a walk). */
	while (n <= BPFBR_INBOUND_PER_PORT &&
	       !bpf_map_get_next_key(fx.sw.inbound_fd, n ? &keys[n - 1] : NULL, &keys[n]))
		n++;
	ASSERT_EQ(n, BPFBR_INBOUND_PER_PORT, "C1's share recorded");
	for (uint32_t i = 0; i < n; i++) {
		if (!ASSERT_OK(bpf_map_lookup_elem(fx.sw.inbound_fd, &keys[i], &v), "an entry"))
			goto out;
		v.seen_ns -= (BPFBR_INBOUND_UDP_S + 1) * 1000000000ull;
		if (!ASSERT_OK(bpf_map_update_elem(fx.sw.inbound_fd, &keys[i], &v, BPF_EXIST),
			       "age it"))
			goto out;
	}
	answer(&fx, C1, 20000, BPFBR_DROP_NODE_DENIED, "C1 answers a flow idle for 121 s");
	if (node_sends(&fx, C1, 40000, &r)) {
		ASSERT_EQ(r.delta[BPFBR_EV_INBOUND_EXPIRED], BPFBR_INBOUND_PER_PORT,
			  "the full share's idle flows go");
		ASSERT_EQ(r.delta[BPFBR_EV_INBOUND_FULL], 0, "and the new one is recorded");
	}
	answer(&fx, C1, 40000, 0, "C1 answers it");
out:
	fx_teardown(&fx);
}

/* A TCP flow the node opened: 240 s until the container answers, then 7 440 s. */
TEST(guard_inbound_tcp_times)
{
	struct bpfbr_conn_key k = { .proto = PROTO_TCP };
	struct bpfbr_inbound v;
	struct sw_run r;
	struct frame f;
	struct pkt p;
	struct fx fx;

	if (!fx_setup(&fx, 3, 3, BPFBR_NET_SPOOFCHK))
		return;
	for (int c = C1; c <= C2; c++) {
		fx_node_syn(&fx, c, &p, &f);
		if (!fx_run(&fx, GW, &f, &r) ||
		    !ASSERT_EQ(r.verdict, TC_ACT_REDIRECT, "node's SYN"))
			goto out;
	}
	/* C2 answers; C1 does not. */
	to_gateway(&fx, &p, C2, fx.port[GW].ipv4, PROTO_TCP, 22, TCP_SYN | TCP_ACK);
	check(&fx, &p, C2, 0, "C2's SYN-ACK");
	for (int c = C1; c <= C2; c++) {
		k.saddr = fx.port[c].ipv4;
		k.daddr = fx.port[GW].ipv4;
		k.sport = htons(40000);
		k.dport = htons(22);
		if (!ASSERT_OK(bpf_map_lookup_elem(fx.sw.inbound_fd, &k, &v), "the flow"))
			goto out;
		ASSERT_EQ(v.answered, c == C2, "answered as it was");
		v.seen_ns -= (BPFBR_INBOUND_TCP_OPEN_S + 1) * 1000000000ull;
		if (!ASSERT_OK(bpf_map_update_elem(fx.sw.inbound_fd, &k, &v, BPF_EXIST), "age it"))
			goto out;
	}
	to_gateway(&fx, &p, C1, fx.port[GW].ipv4, PROTO_TCP, 22, TCP_RST);
	check(&fx, &p, C1, BPFBR_DROP_NODE_DENIED, "C1's RST, 241 s after a SYN it never answered");
	to_gateway(&fx, &p, C2, fx.port[GW].ipv4, PROTO_TCP, 22, TCP_RST);
	check(&fx, &p, C2, 0, "C2's RST, 241 s into a connection it answered");
out:
	fx_teardown(&fx);
}

/* The node's TCP segment (flags) from its port sport to container slot c's port 80. */
static bool node_tcp(struct fx *fx, int c, uint16_t sport, uint8_t flags, struct sw_run *r)
{
	struct frame f;
	struct pkt p = { .saddr = fx->port[GW].ipv4,
			 .daddr = fx->port[c].ipv4,
			 .proto = PROTO_TCP,
			 .ttl = 64,
			 .sport = sport,
			 .dport = 80,
			 .tcp_flags = flags };

	memcpy(p.dst_mac, fx->port[c].mac, 6);
	memcpy(p.src_mac, fx->port[GW].mac, 6);
	pkt_frame(&f, &p);
	return fx_run(fx, GW, &f, r) && ASSERT_EQ(r->verdict, TC_ACT_REDIRECT, "delivered");
}

/*
 * A client that connects again and again through the node (a host routing
 * the subnet, portmap's DNAT) used a container's share up after 1 024
 * connections, each held for BPFBR_INBOUND_TCP_S, and the next ones lost
 * their way back. A flow is forgotten, its room given back, once closed: at
 * the container's segment after both FINs (its FIN after the node's, its
 * last ACK after its own and the node's). Half closed, it stays
 * (BPFBR_INBOUND_TCP_CLOSE_S while idle); after a RST it stays
 * BPFBR_INBOUND_TCP_RST_S (a forged RST must not end a live flow).
 */
TEST(guard_inbound_closed_tcp_frees_the_share)
{
	struct bpfbr_conn_key k = { .proto = PROTO_TCP };
	struct bpfbr_inbound v;
	struct sw_run r;
	struct pkt p;
	struct fx fx;

	if (!fx_setup(&fx, 3, 3, BPFBR_NET_SPOOFCHK))
		return;
	k.saddr = fx.port[C1].ipv4;
	k.daddr = fx.port[GW].ipv4;
	k.sport = htons(80);
	/* Twice C1's share of connections, each answered and closed: C1
	 * closing first, or the node closing first. */
	for (uint32_t i = 0; i < 2 * BPFBR_INBOUND_PER_PORT; i++) {
		uint16_t sport = (uint16_t)(20000 + i);

		if (!node_tcp(&fx, C1, sport, TCP_SYN, &r) ||
		    !ASSERT_EQ(r.delta[BPFBR_EV_INBOUND_FULL], 0, "room for the connection"))
			goto out;
		to_gateway(&fx, &p, C1, fx.port[GW].ipv4, PROTO_TCP, sport,
			   TCP_ACK | (i % 2 ? TCP_FIN : 0));
		p.sport = 80;
		check(&fx, &p, C1, 0, "C1 answers (and closes)");
		if (!node_tcp(&fx, C1, sport, TCP_FIN | TCP_ACK, &r))
			goto out;
		/* C1's last ACK (it closed first), or its FIN after the node's. */
		p.tcp_flags = TCP_ACK | (i % 2 ? 0 : TCP_FIN);
		check(&fx, &p, C1, 0, "C1's last segment still goes as the flow's");
		k.dport = htons(sport);
		if (!ASSERT_TRUE(bpf_map_lookup_elem(fx.sw.inbound_fd, &k, &v) && errno == ENOENT,
				 "a closed flow is forgotten"))
			goto out;
	}
	/* Half closed: it stays, with the shorter idle time. */
	if (!node_tcp(&fx, C1, 30000, TCP_SYN, &r))
		goto out;
	to_gateway(&fx, &p, C1, fx.port[GW].ipv4, PROTO_TCP, 30000, TCP_ACK | TCP_FIN);
	p.sport = 80;
	check(&fx, &p, C1, 0, "C1 closes its side");
	k.dport = htons(30000);
	if (ASSERT_OK(bpf_map_lookup_elem(fx.sw.inbound_fd, &k, &v), "the half-closed flow"))
		ASSERT_EQ(v.closing, BPFBR_INBOUND_FIN_CONTAINER, "C1's FIN noted");
	to_gateway(&fx, &p, C1, fx.port[GW].ipv4, PROTO_TCP, 30000, TCP_ACK);
	p.sport = 80;
	check(&fx, &p, C1, 0, "C1 still sends on the half-closed flow");
	/* A RST (the node's, maybe forged from outside): the flow stays, shorter. */
	if (!node_tcp(&fx, C1, 30000, TCP_RST, &r))
		goto out;
	if (ASSERT_OK(bpf_map_lookup_elem(fx.sw.inbound_fd, &k, &v), "the flow after a RST"))
		ASSERT_EQ(v.closing, BPFBR_INBOUND_FIN_CONTAINER | BPFBR_INBOUND_RST,
			  "the RST noted");
	check(&fx, &p, C1, 0, "C1 still sends after a RST");
out:
	fx_teardown(&fx);
}
