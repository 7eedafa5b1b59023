// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Hairpin in the switch (bpf/lib/hairpin.h), byte for byte (every checksum
 * of the expected frames computed by the test, not by the program): C2's
 * SYN to the node's address and C1's published port is delivered into C1
 * at its port (TTL - 1, the gateway's MAC as source), C1's answer is
 * switched back to C2 from the published port; C1 reaching its own
 * published port is seen from the gateway's address and its answer comes
 * back through the gateway, routed into C1; UDP (with and without a
 * checksum) likewise; XDP leaves all of it to TC. Drops are counted: TTL 1,
 * a target that is no port, a full table (its idle flows swept first).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpfbr/hairpin.h"
#include "bpfbr/netcfg.h"
#include "bpfbr/publish.h"
#include "expect.h"
#include "fixture.h"
#include "harness.h"
#include "port.skel.h"

#define NODE_ADDR ip4(198, 51, 100, 1)

static int map_fd(struct fx *fx, int which)
{
	struct port_bpf *s = fx->sw.skel;

	return which == 0   ? bpf_map__fd(s->maps.bpfbr_hairpin_ports)
	       : which == 1 ? bpf_map__fd(s->maps.bpfbr_hairpin_flows)
			    : bpf_map__fd(s->maps.bpfbr_hairpin_swept);
}

/* host_port (proto) of the node's address -> port of the container on port slot c (or device ifindex). */
static bool publish(struct fx *fx, uint8_t proto, uint16_t host_port, uint32_t ifindex,
		    uint16_t port)
{
	struct bpfbr_pub_key k = { .addr = NODE_ADDR, .port = htons(host_port), .proto = proto };
	struct bpfbr_hairpin_target t = { .ifindex = ifindex, .port = htons(port) };

	return ASSERT_OK(bpf_map_update_elem(map_fd(fx, 0), &k, &t, BPF_ANY) ? -errno : 0,
			 "publish in hairpin_ports");
}

/* What port slot `from` sends: proto from saddr:sport to daddr:dport, to the MAC of slot `to`. */
static void sends(struct fx *fx, struct pkt *p, int from, int to, uint8_t proto, uint32_t daddr,
		  uint16_t sport, uint16_t dport, uint8_t flags)
{
	*p = (struct pkt){ .saddr = fx->port[from].ipv4,
			   .daddr = daddr,
			   .proto = proto,
			   .ttl = 64,
			   .id = 7,
			   .frag = IP_DF,
			   .sport = sport,
			   .dport = dport,
			   .tcp_flags = flags,
			   .seq = 1000,
			   .ack = flags & TCP_ACK ? 2000 : 0 };
	memcpy(p->src_mac, fx->port[from].mac, 6);
	memcpy(p->dst_mac, fx->port[to].mac, 6);
	pkt_fill(p, 24, (uint8_t)sport);
}

/* TC delivered exactly `want` into the container on port slot c. */
static bool delivered(struct fx *fx, const struct sw_run *r, const struct pkt *want, int c,
		      const char *what)
{
	struct frame f;
	bool ok;

	pkt_frame(&f, want);
	ok = ASSERT_EQ(r->verdict, TC_ACT_REDIRECT, what) && ASSERT_EQ(r->trace.n, 1, what) &&
	     ASSERT_EQ(r->trace.ifindex[0], fx->env.dev[c].ifindex, what) &&
	     ASSERT_EQ(r->trace.how[0], BPFBR_TRACE_PEER, what) &&
	     ASSERT_EQ(r->out_len, f.len, what) && ASSERT_MEMEQ(r->out, f.data, f.len, what);
	return ok && expect_drops_only(r, BPFBR_DROP_NONE, what);
}

/* Runs p from port slot `in` (TC, then XDP: which leaves it to TC); false if a run failed. */
static bool run(struct fx *fx, int in, const struct pkt *p, struct sw_run *r, const char *what)
{
	struct sw_run xdp;
	struct frame f;

	pkt_frame(&f, p);
	if (!fx_run_xdp(fx, in, &f, &xdp) || !expect_xdp(&xdp, XDP_PASS, BPFBR_DROP_NONE, what))
		return false;
	return fx_run(fx, in, &f, r);
}

/* C2 to C1's published TCP port 8080 (-> 80) and back. */
static void another_container(struct fx *fx)
{
	struct pkt p, want;
	struct bpfbr_port port;
	struct sw_run r;

	/* C2's SYN: to C1's port 80, routed (TTL - 1, the gateway's MAC). */
	sends(fx, &p, C2, GW, PROTO_TCP, NODE_ADDR, 40000, 8080, TCP_SYN);
	want = p;
	want.daddr = fx->port[C1].ipv4;
	want.dport = 80;
	want.ttl = 63;
	memcpy(want.dst_mac, fx->port[C1].mac, 6);
	memcpy(want.src_mac, fx->port[GW].mac, 6);
	if (run(fx, C2, &p, &r, "C2's SYN") && delivered(fx, &r, &want, C1, "C2's SYN"))
		ASSERT_EQ(r.delta[BPFBR_EV_HAIRPIN], 1, "a hairpin flow opened");
	ASSERT_OK(bpf_map_lookup_elem(fx->sw.ports_fd, &fx->port[C1].ifindex, &port), "C1's port");
	ASSERT_TRUE(port.flags & BPFBR_PORT_F_HAIRPIN, "C1's port is marked");
	/* C1's answer, switched to C2 (no TTL or MAC change), from the published port. */
	sends(fx, &p, C1, C2, PROTO_TCP, fx->port[C2].ipv4, 80, 40000, TCP_SYN | TCP_ACK);
	want = p;
	want.saddr = NODE_ADDR;
	want.sport = 8080;
	if (run(fx, C1, &p, &r, "C1's answer"))
		delivered(fx, &r, &want, C2, "C1's answer");
	/* The flow's next segment (no SYN) is translated too, and opens nothing. */
	sends(fx, &p, C2, GW, PROTO_TCP, NODE_ADDR, 40000, 8080, TCP_ACK);
	want = p;
	want.daddr = fx->port[C1].ipv4;
	want.dport = 80;
	want.ttl = 63;
	memcpy(want.dst_mac, fx->port[C1].mac, 6);
	memcpy(want.src_mac, fx->port[GW].mac, 6);
	if (run(fx, C2, &p, &r, "C2's ACK") && delivered(fx, &r, &want, C1, "C2's ACK"))
		ASSERT_EQ(r.delta[BPFBR_EV_HAIRPIN], 0, "no second flow");
	/* A segment of no flow is not the switch's: it is not sent to C1. */
	sends(fx, &p, C2, GW, PROTO_TCP, NODE_ADDR, 40001, 8080, TCP_ACK);
	if (run(fx, C2, &p, &r, "C2's stray ACK"))
		ASSERT_TRUE(
			r.delta[BPFBR_EV_HAIRPIN] == 0 &&
				(r.trace.n == 0 || r.trace.ifindex[0] != fx->env.dev[C1].ifindex),
			"a stray ACK is not hairpinned");
	/* C1's other traffic to C2 is switched as it is. */
	sends(fx, &p, C1, C2, PROTO_TCP, fx->port[C2].ipv4, 81, 40000, TCP_ACK);
	if (run(fx, C1, &p, &r, "C1's other flow"))
		delivered(fx, &r, &p, C2, "C1's other flow, untouched");
}

/* C1 to its own published TCP port 8080, and back. */
static void itself(struct fx *fx)
{
	struct pkt p, want;
	struct sw_run r;

	/* C1 to its own published port: seen from the gateway's address, port kept. */
	sends(fx, &p, C1, GW, PROTO_TCP, NODE_ADDR, 40002, 8080, TCP_SYN);
	want = p;
	want.saddr = fx->port[GW].ipv4;
	want.daddr = fx->port[C1].ipv4;
	want.dport = 80;
	want.ttl = 63;
	memcpy(want.dst_mac, fx->port[C1].mac, 6);
	memcpy(want.src_mac, fx->port[GW].mac, 6);
	if (run(fx, C1, &p, &r, "C1's SYN to itself"))
		delivered(fx, &r, &want, C1, "C1's SYN to itself");
	/* Its answer to the gateway comes back into C1 from the published port. */
	sends(fx, &p, C1, GW, PROTO_TCP, fx->port[GW].ipv4, 80, 40002, TCP_SYN | TCP_ACK);
	want = p;
	want.saddr = NODE_ADDR;
	want.sport = 8080;
	want.daddr = fx->port[C1].ipv4;
	want.ttl = 63;
	memcpy(want.dst_mac, fx->port[C1].mac, 6);
	memcpy(want.src_mac, fx->port[GW].mac, 6);
	if (run(fx, C1, &p, &r, "C1's answer to itself"))
		delivered(fx, &r, &want, C1, "C1's answer to itself");
	/* C2's traffic to the gateway from that port is not C1's flow: the node's. */
	sends(fx, &p, C2, GW, PROTO_TCP, fx->port[GW].ipv4, 80, 40002, TCP_ACK);
	if (run(fx, C2, &p, &r, "C2 to the gateway"))
		ASSERT_TRUE(r.trace.n == 0 || r.trace.ifindex[0] != fx->env.dev[C1].ifindex,
			    "C2's packet to the gateway is not sent to C1");
}

/* C2 to C1's published UDP port 5353 (-> 53), with and without a checksum, and back. */
static void udp(struct fx *fx)
{
	struct pkt p, want;
	struct sw_run r;

	for (int nocsum = 0; nocsum < 2; nocsum++) {
		const char *what = nocsum ? "UDP without checksum" : "UDP";
		uint16_t sport = (uint16_t)(5000 + nocsum);

		sends(fx, &p, C2, GW, PROTO_UDP, NODE_ADDR, sport, 5353, 0);
		p.udp_no_csum = nocsum;
		want = p;
		want.daddr = fx->port[C1].ipv4;
		want.dport = 53;
		want.ttl = 63;
		memcpy(want.dst_mac, fx->port[C1].mac, 6);
		memcpy(want.src_mac, fx->port[GW].mac, 6);
		if (run(fx, C2, &p, &r, what))
			delivered(fx, &r, &want, C1, what);
		sends(fx, &p, C1, C2, PROTO_UDP, fx->port[C2].ipv4, 53, sport, 0);
		p.udp_no_csum = nocsum;
		want = p;
		want.saddr = NODE_ADDR;
		want.sport = 5353;
		if (run(fx, C1, &p, &r, what))
			delivered(fx, &r, &want, C2, what);
	}
}

/* One switch for the three (each test loads the port program: seconds in the 6.1 VM). */
TEST(hairpin_translates_both_ways)
{
	struct fx fx;

	if (!fx_setup(&fx, 4, 4, BPFBR_NET_SPOOFCHK) || !fx_xdp(&fx))
		return;
	if (publish(&fx, PROTO_TCP, 8080, fx.port[C1].ifindex, 80) &&
	    publish(&fx, PROTO_UDP, 5353, fx.port[C1].ifindex, 53)) {
		another_container(&fx);
		itself(&fx);
		udp(&fx);
	}
	fx_teardown(&fx);
}

/* p's drop on TC: `reason` counted, nothing sent. */
static void dropped(struct fx *fx, int in, const struct pkt *p, int reason, const char *what)
{
	struct sw_run r;
	struct frame f;

	pkt_frame(&f, p);
	if (fx_run(fx, in, &f, &r))
		expect_drop(&fx->env, &r, &f, reason, what);
}

TEST(hairpin_drops_are_counted)
{
	struct bpfbr_hairpin_flow v = { .node_addr = NODE_ADDR, .slot = C3 };
	struct bpfbr_conn_key k = { .daddr = ip4(10, 40, 0, 200), .proto = PROTO_TCP };
	uint64_t zero = 0;
	struct sw_run r;
	struct pkt p;
	struct fx fx;

	if (!fx_setup(&fx, 4, 4, BPFBR_NET_SPOOFCHK))
		return;
	if (!publish(&fx, PROTO_TCP, 8080, fx.port[C1].ifindex, 80) ||
	    !publish(&fx, PROTO_TCP, 8081, 4242, 80))
		goto out;
	sends(&fx, &p, C2, GW, PROTO_TCP, NODE_ADDR, 40000, 8080, TCP_SYN);
	p.ttl = 1;
	dropped(&fx, C2, &p, BPFBR_DROP_TTL_EXCEEDED, "TTL 1");
	sends(&fx, &p, C2, GW, PROTO_TCP, NODE_ADDR, 40000, 8081, TCP_SYN);
	dropped(&fx, C2, &p, BPFBR_DROP_PUBLISH_NO_TARGET, "a target that is no port");
	/* The table full of live flows: refused. */
	v.seen_ns = now_ns();
	for (uint32_t i = 0; i < BPFBR_HAIRPIN_FLOWS_MAX; i++) {
		k.saddr = htonl(i);
		if (!ASSERT_OK(bpf_map_update_elem(map_fd(&fx, 1), &k, &v, BPF_NOEXIST) ? -errno
											: 0,
			       "fill hairpin_flows"))
			goto out;
	}
	sends(&fx, &p, C2, GW, PROTO_TCP, NODE_ADDR, 40000, 8080, TCP_SYN);
	dropped(&fx, C2, &p, BPFBR_DROP_HAIRPIN_FULL, "the table full of live flows");
	/* Idle ones (unanswered TCP past its 240 s, however long the machine has
	 * been up: the datapath compares stamps as signed differences): swept,
	 * once the last sweep is a second old, and the flow opened. */
	v.seen_ns = now_ns() - (BPFBR_INBOUND_TCP_OPEN_S + 1) * 1000000000ull;
	for (uint32_t i = 0; i < BPFBR_HAIRPIN_FLOWS_MAX; i++) {
		k.saddr = htonl(i);
		bpf_map_update_elem(map_fd(&fx, 1), &k, &v, BPF_EXIST);
	}
	ASSERT_OK(bpf_map_update_elem(map_fd(&fx, 2), &(uint32_t){ 0 }, &zero, BPF_ANY) ? -errno
											: 0,
		  "the last sweep long ago");
	{
		struct frame f;

		pkt_frame(&f, &p);
		if (fx_run(&fx, C2, &f, &r)) {
			ASSERT_EQ(r.verdict, TC_ACT_REDIRECT, "opened after the sweep");
			ASSERT_EQ(r.delta[BPFBR_EV_HAIRPIN_IDLE], BPFBR_HAIRPIN_FLOWS_MAX,
				  "every idle flow swept");
			ASSERT_EQ(r.delta[BPFBR_EV_HAIRPIN], 1, "the flow opened");
		}
	}
out:
	fx_teardown(&fx);
}
