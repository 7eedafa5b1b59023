// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Replies that go back through the node's stack (bpf/lib/stack_reply.h): the
 * gateway port delivers C1 a datagram from C2's address (kube-proxy's DNAT
 * of a service address to C1, as the stack forwards it); C1's reply to C2
 * then goes to the gateway, addressed to its MAC, for the stack's conntrack
 * to translate back, by TC (XDP leaves it to TC). Nothing else changes:
 * other traffic of C1 and of unmarked ports is switched across, and nothing
 * tagged is given to the node.
 */
#include <string.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>

#include "expect.h"
#include "fixture.h"
#include "harness.h"

/* TC sent f from C1 to the gateway port, its destination MAC the gateway's. */
static void expect_to_gateway(struct fx *fx, const struct sw_run *r, const char *what)
{
	ASSERT_EQ(r->verdict, TC_ACT_REDIRECT, what);
	ASSERT_EQ(r->trace.n, 1, what);
	ASSERT_EQ(r->trace.ifindex[0], fx->env.dev[GW].ifindex, what);
	ASSERT_EQ(r->trace.how[0], BPFBR_TRACE_EGRESS, what);
	ASSERT_MEMEQ(r->out, fx->port[GW].mac, 6, what);
	ASSERT_EQ(r->delta[BPFBR_EV_STACK_REPLY], 1, what);
}

TEST(stack_reply_goes_back_through_the_node)
{
	uint32_t c1 = 0, c2 = 0, c3 = 0;
	struct sw_run tc, xdp;
	struct bpfbr_port p;
	struct frame f;
	struct fx fx;

	if (!fx_setup(&fx, 4, 4, BPFBR_NET_SPOOFCHK) || !fx_xdp(&fx))
		return;
	c1 = fx.port[C1].ipv4;
	c2 = fx.port[C2].ipv4;
	c3 = fx.port[C3].ipv4;
	/* Before: C1's datagram to C2 is switched across. */
	frame_udp(&f, fx.port[C2].mac, fx.port[C1].mac, c1, c2, 53, 40000, "a", 1);
	if (fx_run(&fx, C1, &f, &tc))
		expect_deliver(&fx.env, &tc, &f, C2, BPFBR_TRACE_PEER, "before: straight to C2");
	/* The stack delivers C2's (translated) query to C1 through the gateway port. */
	frame_udp(&f, fx.port[C1].mac, fx.port[GW].mac, c2, c1, 40000, 53, "q", 1);
	if (fx_run(&fx, GW, &f, &tc))
		expect_deliver(&fx.env, &tc, &f, C1, BPFBR_TRACE_PEER, "the stack's delivery");
	ASSERT_OK(bpf_map_lookup_elem(fx.sw.ports_fd, &fx.port[C1].ifindex, &p), "C1's port");
	ASSERT_TRUE(p.flags & BPFBR_PORT_F_STACK_PEERS, "C1's port is marked");
	/* C1's reply goes to the gateway; XDP leaves it to TC. */
	frame_udp(&f, fx.port[C2].mac, fx.port[C1].mac, c1, c2, 53, 40000, "a", 1);
	if (fx_run(&fx, C1, &f, &tc))
		expect_to_gateway(&fx, &tc, "the reply, to the stack");
	if (fx_run_xdp(&fx, C1, &f, &xdp))
		expect_xdp(&xdp, XDP_PASS, BPFBR_DROP_NONE, "the reply, XDP to TC");
	/* Another flow of C1's, and the same one tagged, are switched across. */
	frame_udp(&f, fx.port[C3].mac, fx.port[C1].mac, c1, c3, 53, 40000, "a", 1);
	if (fx_run(&fx, C1, &f, &tc))
		expect_deliver(&fx.env, &tc, &f, C3, BPFBR_TRACE_PEER, "C1 to C3: straight");
	fx.cfg.flags = 0; /* tagged frames pass the switch only without spoofchk */
	if (fx_config(&fx)) {
		frame_udp(&f, fx.port[C2].mac, fx.port[C1].mac, c1, c2, 53, 40000, "a", 1);
		frame_vlan_push(&f, 0x8100, 5);
		if (fx_run(&fx, C1, &f, &tc))
			ASSERT_EQ(tc.delta[BPFBR_EV_STACK_REPLY], 0,
				  "a tagged reply never goes to the node");
	}
	/* C2 (not marked) to C1: straight across. */
	frame_udp(&f, fx.port[C1].mac, fx.port[C2].mac, c2, c1, 40000, 53, "q", 1);
	if (fx_run(&fx, C2, &f, &tc))
		expect_deliver(&fx.env, &tc, &f, C1, BPFBR_TRACE_PEER, "C2 to C1: straight");
	fx_teardown(&fx);
}
