// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* A frame addressed to a MAC behind its own ingress port: LOOP, or back with hairpin. */
#include <stdio.h>

#include "expect.h"
#include "fixture.h"
#include "harness.h"

enum loop_dst { OWN_MAC, LEARNED_MAC };

static const struct {
	const char *name;
	int in;
	enum loop_dst dst;
	int how; /* with hairpin */
} loop_cases[] = {
	{ "container to its own MAC", C1, OWN_MAC, BPFBR_TRACE_PEER },
	{ "container to a MAC learned behind it", C2, LEARNED_MAC, BPFBR_TRACE_PEER },
	{ "gateway port to its own MAC", GW, OWN_MAC, BPFBR_TRACE_EGRESS },
	{ "gateway port to a MAC learned behind it", GW, LEARNED_MAC, BPFBR_TRACE_EGRESS },
};

/* Runs every loop case on a network with `flags`: drops when hairpin is off. */
static void run_loop_cases(uint32_t flags)
{
	bool hairpin = flags & BPFBR_NET_HAIRPIN;
	uint8_t learned[6];
	struct sw_run r;
	struct frame f;
	struct fx fx;
	char what[160];

	if (!fx_setup(&fx, 4, 4, flags))
		return;
	for (size_t i = 0; i < sizeof(loop_cases) / sizeof(loop_cases[0]); i++) {
		const struct bpfbr_port *in = &fx.port[loop_cases[i].in];
		uint32_t saddr = in->kind == BPFBR_PORT_GATEWAY ? ip4(192, 0, 2, 7) : in->ipv4;
		const uint8_t *dst = in->mac;

		if (loop_cases[i].dst == LEARNED_MAC) {
			/* Learn a second MAC behind the port first. */
			fx_stranger_mac(learned, (uint8_t)(i + 1));
			frame_arp_request(&f, learned, in->ipv4, ip4(10, 40, 0, 200));
			if (!fx_run(&fx, loop_cases[i].in, &f, &r) ||
			    !ASSERT_EQ(r.delta[BPFBR_EV_LEARNED], 1, "learn a MAC behind the port"))
				break;
			dst = learned;
		}
		frame_icmp_echo(&f, dst, in->mac, saddr, in->ipv4, (uint16_t)i);
		if (!fx_run(&fx, loop_cases[i].in, &f, &r))
			break;
		snprintf(what, sizeof(what), "%s, hairpin %s", loop_cases[i].name,
			 hairpin ? "on" : "off");
		if (hairpin)
			expect_deliver(&fx.env, &r, &f, loop_cases[i].in, loop_cases[i].how, what);
		else
			expect_drop(&fx.env, &r, &f, BPFBR_DROP_LOOP, what);
	}
	fx_teardown(&fx);
}

/* Without the spoof checks, so that a container can have a MAC learned behind it. */
TEST(loop_to_ingress_dropped)
{
	run_loop_cases(0);
}

TEST(loop_hairpin_delivers_back)
{
	run_loop_cases(BPFBR_NET_HAIRPIN);
}
